package suitetest

import (
	"strings"
	"testing"
)

// HedgeCandidates are vague customer messages about the shipped base's
// topics, of the kind the likely tier hedges: a complaint a word or two
// away from an entry's questions. Which of them the tier hedges moves
// with every knowledge or calibration edit, so a test about the tier
// picks its example with Hedged instead of naming one. The first is the
// one the tests named before.
func HedgeCandidates() []string {
	out := []string{"the discount got rejected"}
	for _, subject := range []string{"the discount", "my promo", "the voucher", "the coupon thing", "my parcel", "the package", "my refund", "the payment", "the gift card", "the exchange", "the charger", "my order"} {
		for _, what := range []string{"got rejected", "got declined", "is weird", "never came", "keeps failing", "is not going through", "is stuck", "got lost"} {
			for _, end := range []string{"", " at checkout", " on my order", " again"} {
				out = append(out, subject+" "+what+end)
			}
		}
	}
	return out
}

// DevQueries are the in-scope messages of the dev half of lang's suite
// (even lines; the held-out half is never read for tuning or examples).
func DevQueries(t testing.TB, lang string) []string {
	t.Helper()
	var out []string
	for i, l := range Read(t, lang) {
		if i%2 == 0 && l.ID != "" {
			out = append(out, l.Query)
		}
	}
	return out
}

// Hedged returns the first of candidates (HedgeCandidates, then the en
// dev queries, when none are given) that classify, the calibrated
// matcher or the core under test, answers with a hedge: likely and not
// confident, and the entry it would answer. It fails t, naming how many
// it tried, when none is hedged: the tier is then off or too narrow for
// the test to show anything, which is itself worth a look.
func Hedged(t testing.TB, classify func(query string) (id string, likely, confident bool), candidates ...string) (query, id string) {
	t.Helper()
	if len(candidates) == 0 {
		candidates = append(HedgeCandidates(), DevQueries(t, "en")...)
	}
	for _, q := range candidates {
		if id, likely, confident := classify(q); likely && !confident && id != "" {
			return q, id
		}
	}
	t.Fatalf("none of %d candidate messages (%s, ...) is answered with a hedge (likely, not confident): the likely tier is off or too narrow on this base to show anything", len(candidates), strings.Join(candidates[:min(3, len(candidates))], "; "))
	return "", ""
}
