package semantic

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

// TestLeadHedgeHedgesAClearFusedFirst: on a base that keeps the lead
// hedge, a message whose fused first the rule takes (the lexical, vector
// and fused firsts agree and the fused evidence leads by far) carries the
// hedge on its fused list where the lexical tiers would not hedge it, and
// Match, as serve calls it, answers it at least with a hedge.
func TestLeadHedgeHedgesAClearFusedFirst(t *testing.T) {
	ctx := t.Context()
	kb := bigBase(t, 12)
	f, query := leadFixture(t, kb, defaultFuse, farOffTopic())
	if !f.lead.kept {
		t.Fatalf("the base refuses the lead hedge (%s); this test shows nothing", f.LeadReport())
	}
	taken := 0
	for _, q := range kb.Questions() {
		// A customer's shorter wording that ends elsewhere: the lexical
		// match is not sure of it, the three sides agree.
		w := strings.Fields(q.Text)
		m := strings.Join(w[:len(w)-2], " ") + " my order"
		lex := f.lexical.Rank(ctx, m, -1, lexicalTop)
		if f.lexical.Cal.Confident(lex) || f.lexical.Cal.Likely(lex) {
			continue // sure, or hedged by the lexical tier: shows nothing here
		}
		vec, _ := query(ctx, m)
		cands, sig := f.fused(lex, vec, -1, 2)
		if len(cands) == 0 || !f.p.lead.takes(sig, cands[0]) {
			if len(cands) > 0 && cands[0].Hedged {
				t.Errorf("%q: hedged, though neither the lexical tier nor the lead rule takes it", m)
			}
			continue
		}
		taken++
		if !cands[0].Hedged {
			t.Errorf("%q: the lead rule takes its fused first %s, but the list is not marked hedged", m, cands[0].ID)
		}
		if got := f.Match(ctx, m, 3); len(got) == 0 || got[0].ID != cands[0].ID || got[0].Tier() < knowledge.Likely {
			t.Errorf("Match(%q) = %+v: want %s hedged or answered", m, got, cands[0].ID)
		}
	}
	if taken == 0 {
		t.Fatal("the lead rule took no message the lexical tiers leave (else this test shows nothing)")
	}
}

// TestLeadHedgeRefusedByTheOffTopicSet: a base whose off-topic messages
// the rule would hedge beyond twice the off-topic target refuses it, says
// so, and hedges nothing by it; with an off-topic set far from it, the
// same base keeps the shipped rule.
func TestLeadHedgeRefusedByTheOffTopicSet(t *testing.T) {
	ctx := t.Context()
	kb := bigBase(t, 12)
	// The base's own questions reworded, so the lexical match is not
	// sure, as an off-topic set: a loose rule hedges them.
	var off []string
	for _, q := range kb.Questions() {
		off = append(off, "hmm so, "+q.Text+" or not really, whatever?")
	}
	p := defaultFuse
	p.lead = &leadHedge{gap: 0, vecGap: -2, maxUnknown: 1} // any first the three sides agree on
	f, query := leadFixture(t, kb, p, off)
	if f.lead.off == 0 {
		t.Fatalf("the loose rule hedged none of %d off-topic messages (else this test shows nothing)", f.lead.n)
	}
	if f.lead.kept || float64(f.lead.off) <= f.lead.budget {
		t.Fatalf("lead check = %+v: want refused, over its budget", f.lead)
	}
	if r := f.LeadReport(); !strings.Contains(r, "refused") {
		t.Errorf("LeadReport() = %q, want it to say the rule is refused", r)
	}
	for _, q := range off {
		lex := f.lexical.Rank(ctx, q, -1, lexicalTop)
		if f.lexical.Cal.Confident(lex) {
			continue
		}
		vec, _ := query(ctx, q)
		if cands, _ := f.fused(lex, vec, -1, 2); len(cands) > 0 && cands[0].Hedged && !f.lexical.Cal.Likely(lex) {
			t.Errorf("%q: hedged by a refused lead rule", q)
		}
	}
	if f, _ := leadFixture(t, kb, defaultFuse, farOffTopic()); !f.lead.kept {
		t.Errorf("lead check = %+v (%s): want kept where the off-topic set is far from the base", f.lead, f.LeadReport())
	}
}

// farOffTopic is an off-topic set far from bigBase's questions.
func farOffTopic() []string {
	var off []string
	for i := range 40 {
		off = append(off, fmt.Sprintf("tell me something nice number %d", i))
	}
	return off
}

// leadFixture is the fused matcher of kb with parameters p and off-topic
// set off, its vectors from an in-process hash embedder (no server).
func leadFixture(t *testing.T, kb *knowledge.Base, p fuseParams, off []string) (*Fused, func(context.Context, string) ([]float32, error)) {
	t.Helper()
	ctx := t.Context()
	emb := localEmbedder{64}
	ix, _, err := build(ctx, kb, off, emb, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	query := func(ctx context.Context, s string) ([]float32, error) {
		v, err := emb.Embed(ctx, []string{s})
		return normalize(v[0]), err
	}
	cfg := knowledge.CalibrationConfig{OffTopic: off}
	return newFusedWith(ctx, p, knowledge.NewLexicalMatcher(ctx, kb, nil, cfg), ix, cfg, query, nil), query
}
