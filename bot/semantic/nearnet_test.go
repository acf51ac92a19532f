package semantic

import (
	"math"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

// TestFusedMissingTopicBudgetIsNetOfTheLexical: fusion's missing-topic
// bound is the off-topic target beyond the share of missing-topic
// questions the lexical decision already answers (fuseParams.nearNet),
// whose sure answers fusion's samples count; bounded on the total, a base
// whose lexical matcher used the budget left fusion no confident answer
// it could risk. A bound ops set is kept as set.
func TestFusedMissingTopicBudgetIsNetOfTheLexical(t *testing.T) {
	ctx := t.Context()
	kb := bigBase(t, 12)
	off := farOffTopic()
	ix, query := localIndex(t, kb, off)
	cfg := knowledge.CalibrationConfig{OffTopic: off}
	lm := knowledge.NewLexicalMatcher(ctx, kb, nil, cfg)
	// As on banking77's full base, where the lexical decision answered
	// 0.047 of the missing-topic questions: this small base's answers
	// none, so its calibration is given that share.
	const lexNear = 0.047
	lexCal := *lm.Cal
	lexCal.NearAnswered = lexNear
	lm = &knowledge.Calibrated{Rank: lm.Rank, Cal: &lexCal, Explain: lm.Explain}
	for _, c := range []struct {
		name    string
		net     bool
		set     float64
		want    float64
		because string
	}{
		{"net", true, 0, knowledge.DefaultOffTopicRate + lexNear, "the target beyond the lexical decision's share"},
		{"on the total", false, 0, knowledge.DefaultOffTopicRate, "the target on the total"},
		{"set by ops", true, 0.01, 0.01, "the bound ops set"},
	} {
		p := defaultFuse
		p.nearNet = c.net
		cc := cfg
		cc.MissingTopicRate = c.set
		f := newFusedWith(ctx, p, lm, ix, cc, query, nil)
		if got := f.cal.NearRate; math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: fusion's missing-topic bound %.4f, want %.4f (%s)", c.name, got, c.want, c.because)
		}
		if f.cal.NearAnswered > f.cal.NearRate+1e-12 {
			t.Errorf("%s: fusion answers %.4f of the missing-topic questions, over its bound %.4f", c.name, f.cal.NearAnswered, f.cal.NearRate)
		}
	}
}
