package semantic

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
)

// TestLeadHedgeHedgesAClearFusedFirst: on a base that keeps the lead
// hedge, a message whose fused first the rule takes (the lexical, vector
// and fused firsts agree and the fused evidence leads by far) is answered
// at least with a hedge, and some of them would get less without the rule:
// the hedge is the rule's, through Match as serve calls it.
func TestLeadHedgeHedgesAClearFusedFirst(t *testing.T) {
	_, f := shippedFused(t, conceptEmbedder)
	if !f.lead.kept {
		t.Fatalf("the shipped base refuses the lead hedge under the fake model (%s); this test shows nothing", f.LeadReport())
	}
	without := *f
	without.lead.kept = false
	ctx := t.Context()
	taken, raised := 0, 0
	for _, q := range append(suitetest.HedgeCandidates(), suitetest.DevQueries(t, "en")...) {
		lex := f.lexical.Rank(ctx, q, -1, lexicalTop)
		if f.lexical.Cal.Confident(lex) {
			continue
		}
		vec, err := f.query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		ev, sig := f.ix.rankSignals(f.p, lex, vec, -1, 2)
		if cands := f.candidates(ev, lex); len(cands) == 0 || !f.p.lead.takes(sig, cands[0]) {
			continue
		}
		taken++
		got := f.Match(ctx, q, 3)
		if len(got) == 0 || got[0].Tier() < knowledge.Likely {
			t.Errorf("Match(%q) = %+v: the lead hedge takes its fused first, want it hedged or answered", q, got)
			continue
		}
		if alone := without.Match(ctx, q, 3); len(alone) > 0 && alone[0].Tier() < got[0].Tier() {
			raised++
		}
	}
	if taken == 0 || raised == 0 {
		t.Fatalf("the lead hedge took %d messages and raised %d of them a tier: want some of each (else this test shows nothing)", taken, raised)
	}
	t.Logf("the lead hedge took %d messages, %d of them hedged only through it", taken, raised)
}

// TestLeadHedgeRefusedByTheOffTopicSet: a base whose off-topic messages
// the rule would hedge beyond twice the off-topic target refuses it, says
// so, and hedges nothing by it.
func TestLeadHedgeRefusedByTheOffTopicSet(t *testing.T) {
	_, shipped := shippedFused(t, conceptEmbedder)
	ctx := t.Context()
	p := defaultFuse
	p.lead = &leadHedge{gap: 0, vecGap: -2, maxUnknown: 1} // any agreed first
	// The base's own questions, reworded so the lexical match is not
	// sure, as an off-topic set: the loose rule hedges them.
	var off []string
	for _, q := range shipped.ix.kb.Questions() {
		if q.Lang == "en" {
			off = append(off, "hmm so, "+q.Text+" or not really?")
		}
	}
	f := newFusedWith(ctx, p, shipped.lexical, shipped.ix, knowledge.CalibrationConfig{OffTopic: off}, shipped.query, nil)
	if f.lead.off == 0 {
		t.Fatalf("the loose rule hedged none of %d off-topic messages (else this test shows nothing)", f.lead.n)
	}
	if f.lead.kept || float64(f.lead.off) <= f.lead.budget {
		t.Fatalf("lead check = %+v: want refused, over its budget", f.lead)
	}
	if r := f.LeadReport(); len(r) == 0 || !strings.Contains(r, "refused") {
		t.Errorf("LeadReport() = %q, want it to say the rule is refused", r)
	}
	for _, q := range off[:min(40, len(off))] {
		lex := f.lexical.Rank(ctx, q, -1, lexicalTop)
		if f.lexical.Cal.Confident(lex) {
			continue
		}
		vec, err := f.query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if cands, _ := f.fused(lex, vec, -1, 2); len(cands) > 0 && cands[0].Hedged && !f.lexical.Cal.Likely(lex) {
			t.Errorf("%q: hedged by a refused lead rule", q)
		}
	}
}
