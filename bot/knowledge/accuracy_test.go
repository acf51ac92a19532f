package knowledge

import (
	"testing"
)

// TestBanking77Accuracy measures the lexical matcher, calibrated on the
// banking77 base itself (leave-one-out over its 770 questions and the
// shipped off-topic set), on test.jsonl: 3,080 queries that nothing was
// tuned on. The floors sit a little below what was measured (README).
func TestBanking77Accuracy(t *testing.T) {
	b, test := loadBanking77(t)
	m := shippedMatcher(t, b)
	a := evaluate(t.Context(), m, test)
	t.Logf("calibration: %s", m.Cal)
	t.Logf("banking77 test: n=%d top-1 %.4f confident-and-right %.4f confident answers wrong %.4f (%d of %d)",
		a.n, a.raw(), a.conf(), a.wrongShare(), a.wrongConfident, a.confident+a.wrongConfident)
	if a.n != 3080 {
		t.Errorf("read %d queries, want 3080", a.n)
	}
	if a.raw() < 0.70 {
		t.Errorf("top-1 accuracy %.4f, want >= 0.70", a.raw())
	}
}
