package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCheckReportsKnowledgeQuality: `baton check` prints what calibration
// measured on the base, and the pairs of entries customers confuse. It is
// advice: the exit status changes only with --strict.
func TestCheckReportsKnowledgeQuality(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"check"}, env(nil), nil, &out, &errOut); code != 0 {
		t.Fatalf("shipped content: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"knowledge quality", "held-out phrasings answered: ", "wrong among the answered:", "off-topic messages answered:", "entries customers may confuse", " <-> ", " question(s) cross"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
	// The same base under --strict with a level it does not reach.
	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"check", "--strict", "--min-answered", "0.99"}, env(nil), nil, &out, &errOut); code != 1 {
		t.Errorf("--strict --min-answered 0.99: exit %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), "knowledge quality below") {
		t.Errorf("--strict: stderr %q should say why", errOut.String())
	}
	// A base of three entries is too thin to calibrate: said plainly, as
	// advice only without --strict.
	k := t.TempDir()
	for name, body := range map[string]string{
		"a.md": "---\nquestions: [\"Where is my order?\"]\n---\nTracking link.\n",
		"b.md": "---\nquestions: [\"How do I return an item?\"]\n---\nWithin 30 days.\n",
		"c.md": "---\nquestions: [\"Do you ship abroad?\"]\n---\nYes.\n",
	} {
		if err := os.WriteFile(filepath.Join(k, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	errOut.Reset()
	// (The exit status may be 1 here for other reasons: handoff.yaml names
	// shipped entries this base lacks.)
	run(context.Background(), []string{"check", "--knowledge", k}, env(nil), nil, &out, &errOut)
	if !strings.Contains(out.String(), "only 3 example questions") {
		t.Errorf("thin base: output lacks the advice:\n%s", out.String())
	}
	if strings.Contains(errOut.String(), "quality below") {
		t.Errorf("thin base without --strict: quality changed the verdict: %s", errOut.String())
	}
}

// TestCheckReportsLexiconProblems: a broken lexicon file fails `baton
// check` with file:line problems.
func TestCheckReportsLexiconProblems(t *testing.T) {
	prompts := filepath.Join(t.TempDir(), "prompts")
	if err := os.CopyFS(prompts, os.DirFS("../../prompts")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(prompts, "lexicon", "en.yaml")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(src), "\n")
	bad := string(src) + "  - [parcel, box]\n  - [tracking]\n"
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"check", "--prompts", prompts}, env(nil), nil, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out.String())
	}
	for _, want := range []string{
		file + ":" + strconv.Itoa(lines+1) + ": related: \"parcel\" is rewritten by the same group",
		file + ":" + strconv.Itoa(lines+2) + ": related: a group needs at least two",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestMatchExplain: --explain prints the top 3 with scores, the decision,
// the lexicon rules that applied and the shared terms.
func TestMatchExplain(t *testing.T) {
	var out, errOut bytes.Buffer
	stdin := strings.NewReader("where is my parcel??\nasdfgh qwerty\n")
	if code := runMatch(t.Context(), []string{"--explain"}, env(nil), stdin, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		"\"where is my parcel??\"\n  decision: confident when lead >= ",
		"  lexicon: parcel -> packag",
		"lexicon/en.yaml:",
		"  1. orders/tracking ",
		"  2. ",
		"  3. ",
		"     closest question: ",
		"     shared terms: ",
		"\"asdfgh qwerty\"\n",
		"  no entry shares a word with this message",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("explain output lacks %q:\n%s", want, got)
		}
	}
}
