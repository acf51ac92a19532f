package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/llm/llmtest"
)

// `baton detect` uses the shipped prompts and knowledge (the repository's
// folders, found from this package) and explains each decision.
func TestRunDetect(t *testing.T) {
	env := func(k string) string {
		return map[string]string{"BATON_PROMPTS_DIR": "../../prompts", "BATON_KNOWLEDGE_DIR": "../../knowledge"}[k]
	}
	stdin := strings.NewReader("is there anyone real I can talk to?\nhow much is express shipping?\r\n")
	var stdout, stderr bytes.Buffer
	if code := runDetect(nil, env, stdin, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	got := decodeLines[detectResult](t, stdout.String())
	if len(got) != 2 {
		t.Fatalf("got %d lines, want 2: %s", len(got), stdout.String())
	}
	if !got[0].Handoff || got[0].Reason != "explicit" || len(got[0].Evidence) == 0 || !strings.Contains(got[0].Evidence[0], "handoff_examples.yaml:") {
		t.Errorf("indirect request: %+v; want an explicit handoff whose evidence names the closest example as file:line", got[0])
	}
	if got[1].Handoff || got[1].Message != "how much is express shipping?" {
		t.Errorf("ordinary question: %+v; want no handoff and the message without \\r", got[1])
	}

	// --after makes confusion possible; --explain prints readable lines.
	stdout.Reset()
	code := runDetect([]string{"--explain", "--after", "Standard shipping is free over $50."}, env, strings.NewReader("that's not what I asked\n"), &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "HANDOFF: confusion") || !strings.Contains(stdout.String(), "  - confusion") {
		t.Errorf("exit %d, --explain output:\n%s", code, stdout.String())
	}

	// Messages may be arguments too; stdin is then not read.
	stdout.Reset()
	if code := runDetect([]string{"I want to speak to a human"}, env, strings.NewReader("how much is express shipping?\n"), &stdout, &stderr); code != 0 {
		t.Fatalf("argument: exit %d, stderr %s", code, stderr.String())
	}
	if got := decodeLines[detectResult](t, stdout.String()); len(got) != 1 || !got[0].Handoff || got[0].Message != "I want to speak to a human" {
		t.Errorf("argument: %+v; want the argument's explicit handoff only", got)
	}
}

// `baton check` reports an offered entry that does not exist, as file:line.
func TestCheckReportsAMissingOfferEntry(t *testing.T) {
	prompts := t.TempDir()
	if err := os.CopyFS(prompts, os.DirFS("../../prompts")); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(prompts, "handoff.yaml")
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(raw), "offer: [payment/price-match,", "offer: [payment/no-such-entry,", 1)
	if bad == string(raw) {
		t.Fatal("handoff.yaml has no demand.offer line to break")
	}
	if err := os.WriteFile(p, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := runCheck(t.Context(), []string{"--prompts", prompts, "--knowledge", "../../knowledge"}, func(string) string { return "" }, &stdout, &stderr)
	if code != 1 || !regexp.MustCompile(`handoff\.yaml:\d+: demand\.offer: no knowledge entry "payment/no-such-entry"`).MatchString(stdout.String()) {
		t.Errorf("exit %d, output:\n%s", code, stdout.String())
	}
}

// With embeddings on, `baton detect` starts only what detection uses: the
// handoff examples' vectors (with the knowledge questions as ordinary
// messages), embedded once each; not the knowledge vectors and their
// calibration, which would embed the questions a second time.
func TestRunDetectEmbedsOnlyTheHandoffExamples(t *testing.T) {
	emb := llmtest.New(t)
	dir := writeMatchKB(t, map[string]string{
		"en/shipping/times.md": "---\nquestions:\n  - How long is delivery?\n  - How many days until arrival?\n---\nTwo to four days.\n",
		"en/orders/cancel.md":  "---\nquestions:\n  - How do I cancel my order?\n---\nFrom your account.\n",
	})
	env := map[string]string{"OPENAI_BASE_URL": emb.URL(), "OPENAI_EMBEDDING_MODEL": "fake-embed", "BATON_PROMPTS_DIR": "../../prompts"}
	var stdout, stderr bytes.Buffer
	if code := runDetect([]string{"--knowledge", dir}, func(k string) string { return env[k] }, strings.NewReader("can one of your employees call me?\n"), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	seen := map[string]int{}
	for _, s := range emb.Embedded() {
		seen[s]++
	}
	if seen["How do I cancel my order?"] == 0 {
		t.Fatalf("the knowledge questions were not embedded as ordinary messages: the test proves nothing (stderr %s)", stderr.String())
	}
	for s, n := range seen {
		if n > 1 {
			t.Errorf("%q embedded %d times; want once", s, n)
		}
	}
}
