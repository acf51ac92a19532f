package semantic

import (
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

// Fusion's scores are softmax shares, where knowledge's 2% tie share is
// a hair: it marks its own ties on its own scale (fuseParams.tie), and a
// tied fused list is neither hedged nor guessed, whatever the lexical
// stage marked (its reply offers both topics). The numbers are those of
// "returns?" on the shipped base (fused 0.498 against 0.480).
func TestFusedNearTieIsTied(t *testing.T) {
	f := &Fused{ix: &Index{ids: []string{"returns/start", "returns/policy", "shipping/costs"}}, p: defaultFuse}
	cal := &knowledge.Calibration{Threshold: 2, Hedge: true, Guesses: true}
	// sure's confident decision takes all these lists (score >= 0.4, any
	// lead) but one within 2%: fusion's wider tie takes the likely and
	// guess tiers only, so a tied but confident list is still answered
	// confidently.
	sure := &knowledge.Calibration{Threshold: 0.4, Hedge: true, Guesses: true}
	for _, c := range []struct {
		first, second float64
		tied          bool
	}{
		{0.498, 0.480, true},  // 3.6% apart: no lexical tie
		{0.50, 0.36, true},    // 28% apart
		{0.60, 0.30, false},   // 50% apart: the first is right clearly more often (dev)
		{0.498, 0.4975, true}, // within knowledge's own 2% too
	} {
		cands := f.candidates([]evidence{{entry: 0, fused: c.first}, {entry: 1, fused: c.second}}, nil)
		if got := knowledge.Tied(cands); got != c.tied {
			t.Errorf("fused %.3f against %.3f: Tied = %v, want %v", c.first, c.second, got, c.tied)
		}
		// Within knowledge's own 2% no decision answers confidently
		// (knowledge's decide: a coin toss said as sure), on either scale.
		out := make([]knowledge.Match, 2)
		if c.first-c.second < knowledge.TieShare()*c.first {
			if sure.Confident(cands) {
				t.Errorf("fused %.3f against %.3f: answered confidently within 2%%", c.first, c.second)
			}
		} else {
			if !sure.Confident(cands) || sure.Tier(cands) != knowledge.Confident {
				t.Errorf("fused %.3f against %.3f (tied %v): tier %v under a decision that answers it; want confident", c.first, c.second, c.tied, sure.Tier(cands))
			}
			if sure.Mark(out, cands); !out[0].Confident || out[0].Tied {
				t.Errorf("fused %.3f against %.3f: marked %+v; want confident, not reported tied", c.first, c.second, out[0])
			}
		}
		if c.tied {
			if cal.Mark(out, cands); out[0].Tier() != knowledge.Unsure || !out[0].Tied {
				t.Errorf("fused %.3f against %.3f: marked %+v under a decision that does not answer it; want unsure and tied", c.first, c.second, out[0])
			}
		}
		if !c.tied {
			continue
		}
		cands[0].Hedged, cands[0].Guessed = true, true // as the lexical stage may mark it
		if cal.Likely(cands) || cal.Guess(cands) {
			t.Errorf("fused %.3f against %.3f: tied, yet hedged or guessed", c.first, c.second)
		}
	}
	// The lexical scale is unchanged: 3.6% apart is no tie there.
	lex := []knowledge.Candidate{{ID: "returns/start", Score: 0.498}, {ID: "returns/policy", Score: 0.480}}
	if knowledge.Tied(lex) {
		t.Error("lexical 0.498 against 0.480: tied; want knowledge's 2% rule unchanged")
	}
	if one := f.candidates([]evidence{{entry: 0, fused: 0.9}}, nil); knowledge.Tied(one) {
		t.Error("a list of one is tied")
	}
}
