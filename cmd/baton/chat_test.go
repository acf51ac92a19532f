package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var greeted = regexp.MustCompile(`Mia: [^\n]*\b(?i:good (morning|afternoon|evening))\b`)

// env is an environment without REDIS_URL, as on a fresh machine.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestChatOnEmbeddedDefaults(t *testing.T) {
	t.Chdir(t.TempDir()) // no ./prompts or ./knowledge: the built-in ones
	in := strings.NewReader("Hello!\nHow long does shipping take?\n배송 조회는 어떻게 해요?\n我想取消订单\n/human\n")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"chat"}, env(nil), in, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		"I'm Mia",              // introduced by name
		"2-4 business days",    // shipping answer
		"배송 조회",                // Korean answer
		"取消",                   // Chinese answer about cancelling
		"support@kumo.example", // no desk: how to reach the team
	} {
		if !strings.Contains(got, want) {
			t.Errorf("chat output lacks %q:\n%s", want, got)
		}
	}
	// The greeting is returned, time-aware, in whichever of its wordings
	// ("Good evening! ...", "Hi, and good evening! ...").
	if !greeted.MatchString(got) {
		t.Errorf("chat output lacks a time-aware greeting:\n%s", got)
	}
	if !strings.Contains(errOut.String(), "in-memory Redis") {
		t.Errorf("no warning that state is not kept: %q", errOut.String())
	}
}

func TestCheckReportsFileAndLine(t *testing.T) {
	dir := t.TempDir()
	k := filepath.Join(dir, "knowledge", "en")
	if err := os.MkdirAll(k, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"good.md":    "---\nquestions:\n  - \"Where is my parcel?\"\n---\nIt is on its way.\n",
		"noq.md":     "---\ntags: [x]\n---\nAn answer without questions.\n",
		"badalso.md": "---\nquestions:\n  - \"Can I pay later?\"\nalso: [nowhere]\n---\nNo, sorry.\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(k, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"check", "--knowledge", filepath.Join(dir, "knowledge")}, env(nil), nil, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1; out %s", code, out.String())
	}
	for _, want := range []string{filepath.Join(k, "noq.md") + ":", filepath.Join(k, "badalso.md") + ":4: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	if code := run(context.Background(), []string{"check"}, env(nil), nil, &out, &errOut); code != 0 {
		t.Fatalf("shipped content fails check (exit %d):\n%s", code, out.String())
	}
}
