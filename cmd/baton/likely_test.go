package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge/suitetest"
)

// TestMatchShowsTheLikelyTier: `baton match` marks a not-confident but
// probably right match as likely with the shipped default, not with
// BATON_LIKELY_RIGHT=0 (the tier off), and a bad value is refused with a
// message naming it.
func TestMatchShowsTheLikelyTier(t *testing.T) {
	// The tier is narrow on the shipped base and moves with every
	// knowledge or calibration edit: the example is the first of the
	// candidates `baton match` itself marks likely with the defaults.
	var candidates []string
	for _, c := range append(suitetest.HedgeCandidates(), suitetest.DevQueries(t, "en")...) {
		if !strings.Contains(c, "\n") {
			candidates = append(candidates, c)
		}
	}
	var all bytes.Buffer
	if code := runMatch(t.Context(), nil, func(string) string { return "" }, strings.NewReader(strings.Join(candidates, "\n")+"\n"), &all, io.Discard); code != 0 {
		t.Fatalf("baton match on the candidates: exit %d", code)
	}
	byQuery := map[string]matchResult{}
	for _, r := range decodeMatchLines(t, all.String()) {
		byQuery[r.Query] = r
	}
	q, entry := suitetest.Hedged(t, func(q string) (string, bool, bool) {
		r := byQuery[q]
		return r.ID, r.Likely, r.Confident
	}, candidates...)
	q += "\n"
	run := func(value string) (matchResult, int, string) {
		env := func(k string) string {
			if k == "BATON_LIKELY_RIGHT" {
				return value
			}
			return ""
		}
		var stdout, stderr bytes.Buffer
		code := runMatch(t.Context(), nil, env, strings.NewReader(q), &stdout, &stderr)
		if code != 0 {
			return matchResult{}, code, stderr.String()
		}
		rs := decodeMatchLines(t, stdout.String())
		if len(rs) != 1 {
			t.Fatalf("output %q", stdout.String())
		}
		return rs[0], code, stderr.String()
	}
	if r, code, errs := run(""); code != 0 || r.ID != entry || r.Confident || !r.Likely {
		t.Errorf("default: %+v (exit %d, %s), want %s likely, not confident", r, code, errs, entry)
	}
	if r, code, errs := run("0"); code != 0 || r.ID != entry || r.Confident || r.Likely {
		t.Errorf("BATON_LIKELY_RIGHT=0: %+v (exit %d, %s), want neither confident nor likely", r, code, errs)
	}
	if _, code, errs := run("1.5"); code == 0 || !strings.Contains(errs, "BATON_LIKELY_RIGHT") {
		t.Errorf("BATON_LIKELY_RIGHT=1.5: exit %d, stderr %q; want a refusal naming it", code, errs)
	}
}
