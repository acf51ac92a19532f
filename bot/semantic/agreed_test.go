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
