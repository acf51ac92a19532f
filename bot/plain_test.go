package bot

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	baton "github.com/batonhq/baton"
)

// plainAlways is Plain without its memo and the scans that skip expressions which
// cannot match: what Plain must equal.
func plainAlways(md string) string {
	s := strings.ReplaceAll(md, "\r\n", "\n")
	s = mdLink.ReplaceAllString(s, "$1 ($2)")
	s = mdEmph.ReplaceAllString(s, "$2")
	s = mdHead.ReplaceAllString(s, "")
	s = mdBullet.ReplaceAllString(s, "• ")
	s = mdCode.ReplaceAllString(s, "$1")
	return strings.TrimSpace(s)
}

// TestPlainSkipsOnlyWhatCannotMatch: Plain gives what running every
// expression gives, on crafted edge cases and on every line of the shipped
// knowledge base (answers are where the Markdown is).
func TestPlainSkipsOnlyWhatCannotMatch(t *testing.T) {
	cases := []string{
		"", "plain text", "Mon-Fri, 2-4 days", "- a\n- b", "  * a\n\t+ b", "x\n -\tb", "a -b", "-",
		"\r\n- a\r\n", "line\n\n  - after a blank line", "**bold** and __under__", "** not closed",
		"# Title\n## Sub", "a#b", "see [the page](https://x.y/z) now", "[a] (b)", "`code` and `more`",
		"• already", "*", "* ", "+\f", "x\r- y",
	}
	err := fs.WalkDir(baton.Files, "knowledge", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".yaml" && filepath.Ext(path) != ".md" {
			return err
		}
		b, err := fs.ReadFile(baton.Files, path)
		if err != nil {
			return err
		}
		cases = append(cases, string(b))
		cases = append(cases, strings.Split(string(b), "\n\n")...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		want := plainAlways(c)
		if got := plain(c); got != want {
			t.Errorf("plain(%q) = %q, want %q", c, got, want)
		}
		for range 2 { // computed, then remembered
			if got := Plain(c); got != want {
				t.Errorf("Plain(%q) = %q, want %q", c, got, want)
			}
		}
	}
}
