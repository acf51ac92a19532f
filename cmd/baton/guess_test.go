package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge/suitetest"
)

// TestMatchShowsTheGuessTier: on the bikes day-one base `baton match`
// marks a customer query the guess tier takes as guess, --explain says
// the tier, the cut and what serve does (asks about that entry), and
// BATON_GUESS_RIGHT=0 turns the tier off while a bad value is refused
// naming it.
func TestMatchShowsTheGuessTier(t *testing.T) {
	shop := suitetest.ShopNamed(t, "bikes")
	var queries []string
	for _, l := range suitetest.ReadFile(t, shop.Queries) {
		if l.Lang == "en" && l.ID != "" && !strings.Contains(l.Query, "\n") {
			queries = append(queries, l.Query)
		}
	}
	run := func(value string, args []string, in string) (string, int, string) {
		env := func(k string) string {
			if k == "BATON_GUESS_RIGHT" {
				return value
			}
			return ""
		}
		var stdout, stderr bytes.Buffer
		code := runMatch(t.Context(), append([]string{"--knowledge", shop.Knowledge}, args...), env, strings.NewReader(in), &stdout, &stderr)
		return stdout.String(), code, stderr.String()
	}
	out, code, errs := run("", nil, strings.Join(queries, "\n")+"\n")
	if code != 0 {
		t.Fatalf("baton match on the bikes queries: exit %d, %s", code, errs)
	}
	var guessed matchResult
	for _, r := range decodeMatchLines(t, out) {
		if r.Guess {
			guessed = r
			break
		}
	}
	if guessed.Query == "" || guessed.Confident || guessed.Likely {
		t.Fatalf("no bikes query marked guess alone (first found: %+v): the tier is off or empty on this base", guessed)
	}
	explain, code, errs := run("", []string{"--explain"}, guessed.Query+"\n")
	for _, want := range []string{"tier: guess", "guess (asked: are you asking about it?) when neither", "guess: asks whether it is " + guessed.ID} {
		if code != 0 || !strings.Contains(explain, want) {
			t.Errorf("--explain %q (exit %d, %s) lacks %q:\n%s", guessed.Query, code, errs, want, explain)
		}
	}
	if out, code, errs := run("0", nil, guessed.Query+"\n"); code != 0 || len(decodeMatchLines(t, out)) != 1 || decodeMatchLines(t, out)[0].Guess {
		t.Errorf("BATON_GUESS_RIGHT=0: %s (exit %d, %s), want no guess", out, code, errs)
	}
	if _, code, errs := run("1.5", nil, guessed.Query+"\n"); code == 0 || !strings.Contains(errs, "BATON_GUESS_RIGHT") {
		t.Errorf("BATON_GUESS_RIGHT=1.5: exit %d, stderr %q; want a refusal naming it", code, errs)
	}
}
