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

// customBase returns the absolute paths of a dev shop base (Spoke &
// Chain, bikes), written for another shop than the sample prompts' Kumo
// Store, and of a copy of the sample prompts.
func customBase(t *testing.T) (knowledge, prompts string) {
	t.Helper()
	knowledge, err := filepath.Abs("../../bot/knowledge/testdata/shops/bikes")
	if err != nil {
		t.Fatal(err)
	}
	prompts = filepath.Join(t.TempDir(), "prompts")
	if err := os.CopyFS(prompts, os.DirFS("../../prompts")); err != nil {
		t.Fatal(err)
	}
	return knowledge, prompts
}

// `baton chat` takes --knowledge and --prompts as check and match do (QA
// walk 2026-12-06: "flag provided but not defined"), and with the sample
// prompts beside a shop's own base it gives the base's contact, not the
// sample shop's.
func TestChatOnACustomBaseGivesItsOwnContact(t *testing.T) {
	knowledge, prompts := customBase(t)
	p := filepath.Join(prompts, "persona.yaml")
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(raw), "name: Mia", "name: Ada", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // no ./prompts or ./knowledge: only the flags
	// Three misses in a row: the third says how to reach the team.
	in := strings.NewReader("r u open mondays\nhow long is a service\nwhat\nasdf\n")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"chat", "--prompts", prompts, "--knowledge", knowledge}, env(nil), in, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	got := out.String()
	for _, want := range []string{"chatting with Ada", "hello@spokeandchain.example", "0117 496 0321"} {
		if !strings.Contains(got, want) {
			t.Errorf("chat output lacks %q:\n%s", want, got)
		}
	}
	for _, wrong := range []string{"kumo.example", "+1-555-0142", "Monday to Friday, 9:00 to 18:00"} {
		if strings.Contains(got, wrong) {
			t.Errorf("chat on the bikes base says the sample shop's %q:\n%s", wrong, got)
		}
	}
}

// The sample prompts beside a shop's own base check with warnings, not
// errors: demand.offer names the sample base's entries, and persona.yaml
// the sample shop (QA walk 2026-12-06: check failed on the offers).
func TestCheckWarnsOfSamplePromptsBesideACustomBase(t *testing.T) {
	knowledge, prompts := customBase(t)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"check", "--prompts", prompts, "--knowledge", knowledge}, env(nil), nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d, want 0; stdout:\n%s\nstderr %s", code, out.String(), errOut.String())
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(regexp.QuoteMeta(filepath.Join(prompts, "handoff.yaml")) + `:\d+: warning: demand\.offer: no knowledge entry "payment/price-match": the offer list is the sample shop's`),
		regexp.MustCompile(regexp.QuoteMeta(filepath.Join(prompts, "persona.yaml")) + `:8: warning: shop "Kumo Store" and contact support@kumo\.example: the sample shop's.*hello@spokeandchain\.example`),
	} {
		if !want.MatchString(out.String()) {
			t.Errorf("check output lacks %s:\n%s", want, out.String())
		}
	}
	// The sample prompts beside the sample base: no such warning.
	out.Reset()
	if code := run(context.Background(), []string{"check", "--prompts", prompts, "--knowledge", "../../knowledge"}, env(nil), nil, &out, &errOut); code != 0 || strings.Contains(out.String(), "warning: ") {
		t.Errorf("sample base: exit %d, output:\n%s", code, out.String())
	}
}

// On a base with none of the offered entries and no contact entry, a
// refusal says no without announcing a list that never follows, and the
// team is said to be reachable through the shop's website, not at the
// sample shop's address.
func TestChatOnABaseWithoutContactOrOfferedEntries(t *testing.T) {
	dir := writeMatchKB(t, map[string]string{
		"en/hours.md": "---\nquestions:\n  - \"What are your opening hours?\"\n  - \"When are you open?\"\n---\nWe are open 9 to 5 every day.\n",
		"en/hats.md":  "---\nquestions:\n  - \"Do you sell hats?\"\n  - \"Have you got caps?\"\n---\nYes, we sell hats and caps.\n",
	})
	t.Chdir(t.TempDir())
	var out, errOut bytes.Buffer
	in := strings.NewReader("give me 90% off or I will buy at amazon\nblorp the frobnicator\nzzzz qqq\nflarb the wug\n")
	if code := run(context.Background(), []string{"chat", "--knowledge", dir}, env(nil), in, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	got := out.String()
	if !strings.Contains(got, "can't offer a discount like that") || strings.Contains(got, "what we can do") {
		t.Errorf("refusal without offered entries:\n%s", got)
	}
	if !strings.Contains(got, "the email address on our website") || strings.Contains(got, "kumo.example") {
		t.Errorf("the third miss should send customers to the website, not the sample shop:\n%s", got)
	}
}
