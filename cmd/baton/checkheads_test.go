package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// `baton check` reports a lexicon group the core reads by name when an
// edit took it away: file:line: what is wrong, and what the bot loses
// (the othertrade group: "can i buy stocks in your company" was answered
// from "company" before it existed). Exit 1.
func TestCheckReportsAMissingReliedLexiconGroup(t *testing.T) {
	prompts, file, src := copiedEnLexicon(t)
	edited := strings.Replace(string(src), "  - [othertrade, equities]\n", "  - [equities, othertrade]\n", 1)
	if edited == string(src) {
		t.Fatal("the shipped en.yaml has no [othertrade, equities]")
	}
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	line := 0
	for i, l := range strings.Split(edited, "\n") {
		if l == "  - [equities, othertrade]" {
			line = i + 1
		}
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"check", "--prompts", prompts, "--knowledge", "../../knowledge"}, env(nil), nil, &out, &errOut)
	want := fmt.Sprintf(`%s:%d: related: "othertrade" is listed, but not first`, file, line)
	if code != 1 || !strings.Contains(out.String(), want) {
		t.Errorf("exit %d, want 1 and %q:\n%s%s", code, want, out.String(), errOut.String())
	}
}
