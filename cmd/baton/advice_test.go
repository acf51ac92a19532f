package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Walk items 6 and 8: the owner's Korean-only entry (and an entry without
// a title:) get advice from check, which stays advice: the exit status is
// 0, --strict or not.
func TestCheckAdvisesMissingLanguagesAndTitles(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../knowledge")); err != nil {
		t.Fatal(err)
	}
	careers := filepath.Join(dir, "ko", "support", "careers.md")
	body := "---\nquestions:\n  - \"채용 중인가요?\"\n  - \"직원 뽑나요?\"\n  - \"아르바이트 구해요?\"\n---\n지금은 채용 계획이 없어요. 채용이 시작되면 홈페이지에 알려 드릴게요.\n"
	if err := os.WriteFile(careers, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check"}, {"check", "--strict"}} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append(args, "--knowledge", dir), env(nil), nil, &out, &errOut)
		if code != 0 {
			t.Fatalf("%v: exit %d, want 0 (advice only):\n%s%s", args, code, out.String(), errOut.String())
		}
		for _, want := range []string{
			careers + ":1: only in ko; en and zh customers asking this in their language get no answer",
			careers + `:3: no title:; its first question "채용 중인가요?" names it on buttons and in hedges`,
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%v: output lacks %q:\n%s", args, want, out.String())
			}
		}
		// The shipped entries all have titles and all three languages.
		if n := strings.Count(out.String(), "no title:") + strings.Count(out.String(), "only in "); n != 2 {
			t.Errorf("%v: %d advice lines, want the 2 on careers.md:\n%s", args, n, out.String())
		}
	}
}
