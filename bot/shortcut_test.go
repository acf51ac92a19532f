package bot

import (
	"os"
	"slices"
	"testing"
	"unicode"

	"github.com/batonhq/baton/bot/text"
)

// The turn's shortcuts (a question repeated verbatim is not read again,
// cues past ASCII are not searched for in ASCII text, the first name is
// found without splitting the whole name) must give what the long way
// gives: each case below is checked against the long way.

func TestNewTermsSkipsOnlyWhatAddsNothing(t *testing.T) {
	lex, problems := text.LoadLexicon(os.DirFS("../prompts"), "lexicon")
	if len(problems) > 0 || lex == nil {
		t.Fatalf("shipped lexicon: %v", problems)
	}
	// The long way: every earlier question read, none skipped.
	longWay := func(words map[string]bool, earlier []string) []string {
		var added []string
		for w := range words {
			if hasScript(w, unicode.Hangul) || hasScript(w, unicode.Han) {
				continue
			}
			for _, q := range earlier {
				if !termSet(q, lex)[w] {
					added = append(added, w)
					break
				}
			}
		}
		slices.Sort(added)
		return added
	}
	msg := "can I cancel my order, it already shipped yesterday"
	details := 0
	for _, earlier := range [][]string{
		nil,
		{msg},
		{msg, msg},
		{"can I cancel my order?"},
		{"can I cancel my order?", "can I cancel my order?", msg},
		{msg, "can I cancel my order?"},
		{"where is my order?", "can I cancel my order?"},
	} {
		words := termSet(msg, lex)
		got := newTerms(msg, words, earlier, lex)
		slices.Sort(got)
		want := longWay(words, earlier)
		if !slices.Equal(got, want) {
			t.Errorf("newTerms(%q after %q) = %v, want %v", msg, earlier, got, want)
		}
		details += len(want)
	}
	if details == 0 {
		t.Error("no case added a detail: the comparison proves nothing")
	}
}

func TestContainsAnyAcrossScripts(t *testing.T) {
	cues := []string{"没收到", "안 와", "broken"}
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"my parcel is broken", true},
		{"where is my order", false},
		{"我还没收到", true},
		{"택배가 안 와요", true},
		{"the box is broken 没", true},
		{"", false},
	} {
		if got := containsAny(c.s, cues); got != c.want {
			t.Errorf("containsAny(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

func TestFirstNameIsTheFirstField(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"Jane Doe", "Jane"},
		{"  Jane\tDoe", "Jane"},
		{"Jane", "Jane"},
		{"", ""},
		{"   ", ""},
		{"\u3000민지 김", "민지"},
		{"jane@example.com Doe", ""},
		{"Abcdefghijklmnopqrstuvwxyz", ""},
		{"Agent007", ""},
	} {
		if got := firstName(c.name); got != c.want {
			t.Errorf("firstName(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}
