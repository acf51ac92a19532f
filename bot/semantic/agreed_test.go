package semantic

import (
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

func TestAgreedAsksAboutAFusedFirstTheTwoSidesDoNotShare(t *testing.T) {
	for _, c := range []struct {
		tier  knowledge.Tier
		agree bool
		want  knowledge.Tier
	}{
		{knowledge.Confident, true, knowledge.Confident},
		{knowledge.Confident, false, knowledge.Guess},
		{knowledge.Likely, false, knowledge.Likely},
		{knowledge.Unsure, false, knowledge.Unsure},
	} {
		out := []knowledge.Match{{ID: "a"}}
		out[0].SetTier(c.tier)
		agreed(out, []knowledge.Candidate{{ID: "a", Score: 0.9}, {ID: "b", Score: 0.1}}, signals{agree: c.agree})
		if got := out[0].Tier(); got != c.want {
			t.Errorf("%v, agree %v: tier %v, want %v", c.tier, c.agree, got, c.want)
		}
	}
}

// TestAgreedOffersBothWhenTied: a confident fused first the two sides do
// not share, tied with the runner-up, offers both topics (unsure, tied);
// with the two sides agreeing it stays confident, tied or not.
func TestAgreedOffersBothWhenTied(t *testing.T) {
	tied := []knowledge.Candidate{{ID: "a", Score: 0.9, Tie: true}, {ID: "b", Score: 0.89}}
	for _, c := range []struct {
		agree    bool
		want     knowledge.Tier
		wantTied bool
	}{
		{false, knowledge.Unsure, true},
		{true, knowledge.Confident, false},
	} {
		out := []knowledge.Match{{ID: "a"}, {ID: "b"}}
		out[0].SetTier(knowledge.Confident)
		agreed(out, tied, signals{agree: c.agree})
		if got := out[0].Tier(); got != c.want || out[0].Tied != c.wantTied {
			t.Errorf("agree %v: tier %v tied %v, want %v tied %v", c.agree, got, out[0].Tied, c.want, c.wantTied)
		}
	}
}
