package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestMatchShowsTheLikelyTier: `baton match` marks a not-confident but
// probably right match as likely with the shipped default, not with
// BATON_LIKELY_RIGHT=0 (the tier off), and a bad value is refused with a
// message naming it.
func TestMatchShowsTheLikelyTier(t *testing.T) {
	const q = "the discount got rejected\n"
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
	if r, code, errs := run(""); code != 0 || r.ID != "payment/discount-codes" || r.Confident || !r.Likely {
		t.Errorf("default: %+v (exit %d, %s), want payment/discount-codes likely, not confident", r, code, errs)
	}
	if r, code, errs := run("0"); code != 0 || r.ID != "payment/discount-codes" || r.Confident || r.Likely {
		t.Errorf("BATON_LIKELY_RIGHT=0: %+v (exit %d, %s), want neither confident nor likely", r, code, errs)
	}
	if _, code, errs := run("1.5"); code == 0 || !strings.Contains(errs, "BATON_LIKELY_RIGHT") {
		t.Errorf("BATON_LIKELY_RIGHT=1.5: exit %d, stderr %q; want a refusal naming it", code, errs)
	}
}
