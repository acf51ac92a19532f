package semantic

import (
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

func TestContentWordsCountsWhatAMessageIsAbout(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want int
	}{
		{"sizes?", 1},
		{"my parcel", 1},
		{"paypal accepted?", 2},
		{"where is my order, it was due on monday", 3},
		{"尺码?", maxShortWords + 1}, // the model does not read it: never short
		{"배송", maxShortWords + 1},
	} {
		if got := contentWords(c.msg); got != c.want {
			t.Errorf("contentWords(%q) = %d, want %d", c.msg, got, c.want)
		}
	}
}

func TestShortUnclearNeedsAShortMessageAndAThinLead(t *testing.T) {
	list := func(a, b float64) []knowledge.Candidate {
		return []knowledge.Candidate{{ID: "a", Score: a}, {ID: "b", Score: b}}
	}
	for _, c := range []struct {
		msg  string
		lex  []knowledge.Candidate
		want bool
	}{
		{"sizes?", list(0.278, 0.183), true},
		{"my parcel", list(0.256, 0.190), true},
		{"cancel it", list(0.535, 0.112), false},                           // a clear lead: sure, no embeddings call
		{"where is my order, it was due on monday", list(0.3, 0.2), false}, // not short
		{"sizes?", list(0.278, 0), false},
		{"sizes?", list(0.278, 0.183)[:1], false},
	} {
		if got := shortUnclear(c.msg, c.lex); got != c.want {
			t.Errorf("shortUnclear(%q, %v) = %v, want %v", c.msg, c.lex, got, c.want)
		}
	}
}

func TestShortCheckedIsConfidentOnlyWhenTheVectorSideAgreesClearly(t *testing.T) {
	lex := []knowledge.Candidate{{ID: "returns/exchange", Score: 0.278}, {ID: "problems/wrong-item", Score: 0.183}}
	match := func(id string, tier knowledge.Tier) []knowledge.Match {
		out := []knowledge.Match{{ID: id}, {ID: "other"}}
		out[0].SetTier(tier)
		return out
	}
	for _, c := range []struct {
		name string
		out  []knowledge.Match
		tied bool
		sig  signals
		want knowledge.Tier
	}{
		{"all agree, near and clear", match("returns/exchange", knowledge.Unsure), false, signals{agree: true, cos: 0.85, vecGap: 0.12}, knowledge.Confident},
		{"all agree, tied fused list", match("returns/exchange", knowledge.Unsure), true, signals{agree: true, cos: 0.85, vecGap: 0.12}, knowledge.Confident},
		{"agree, nearest question not near (sizes?)", match("returns/exchange", knowledge.Confident), false, signals{agree: true, cos: 0.68, vecGap: 0.125}, knowledge.Likely},
		{"agree, no vector lead", match("returns/exchange", knowledge.Unsure), false, signals{agree: true, cos: 0.80, vecGap: 0.007}, knowledge.Confident},
		{"agree, nearest question not near (my parcel)", match("returns/exchange", knowledge.Unsure), false, signals{agree: true, cos: 0.70, vecGap: 0.007}, knowledge.Likely},
		{"the vector side ranks another entry first", match("returns/exchange", knowledge.Unsure), false, signals{cos: 0.9}, knowledge.Likely},
		{"fusion ranks another entry, confident", match("orders/change", knowledge.Confident), false, signals{cos: 0.9, vecGap: 0.2}, knowledge.Likely},
		{"fusion ranks another entry, a guess", match("orders/change", knowledge.Guess), false, signals{cos: 0.9, vecGap: 0.2}, knowledge.Guess},
		{"a tie, not verified", match("returns/exchange", knowledge.Unsure), true, signals{agree: true, cos: 0.6}, knowledge.Unsure},
	} {
		cands := []knowledge.Candidate{{ID: c.out[0].ID, Score: 0.9, Tie: c.tied}, {ID: "other", Score: 0.1}}
		shortChecked(c.out, cands, lex, c.sig)
		if got := c.out[0].Tier(); got != c.want {
			t.Errorf("%s: tier %v, want %v", c.name, got, c.want)
		}
	}
}

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
