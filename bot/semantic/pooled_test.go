package semantic

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

// dayOneQuery is a customer's paraphrase for the test shop: the lexical
// matcher ranks shipping/times first without being sure, and the concept
// model puts it far ahead of every other entry, with no word the base
// does not know.
// In disagreeing, the lexical matcher ranks orders/track first ("my
// parcel") and the concept model shipping/times.
const (
	dayOneQuery = "when will my order arrive"
	disagreeing = "when does my parcel get here"
)

// dayOneShop is a shop's day-one base as owners write one: a few
// questions an entry, siblings written on one template ("What's your
// address?", "What's your email address?"), which cross when each is
// asked without itself, so the base's own fused cut answers little.
var dayOneShop = map[string][]string{
	"shop/address":    {"What's your address?", "Where is your shop?", "Where are you located?"},
	"shop/email":      {"What's your email address?", "How do I email you?", "What is your email?"},
	"shop/hours":      {"What are your opening hours?", "When are you open?", "Are you open on Sunday?"},
	"shop/phone":      {"What's your phone number?", "Can I call you?", "What number do I call?"},
	"orders/track":    {"Where is my order?", "How do I track my order?", "Can I track my parcel?"},
	"orders/change":   {"Can I change my order?", "How do I change my address on my order?", "I want to change what I ordered"},
	"shipping/times":  shop["shipping/times"],
	"returns/policy":  shop["returns/policy"],
	"payment/methods": shop["payment/methods"],
	"account/reset":   shop["account/reset"],
	"orders/cancel":   shop["orders/cancel"],
}

// agreeingShop is dayOneShop with its address entry asked otherwise:
// "What's your address?" left out crosses to the email entry with the
// three firsts agreeing, the one held-out question the pooled confident
// rule gets wrong there (TestPooledPriorRefusedWhereTheBaseContradictsIt).
func agreeingShop() map[string][]string {
	out := maps.Clone(dayOneShop)
	out["shop/address"] = []string{"Where is your shop?", "Where are you located?", "Where can I find your store?"}
	return out
}

// pooledFixture is base through the fake embeddings server with the concept model,
// calibrated with off as its off-topic set; it returns the fused matcher
// and the same base's fused matcher without the pooled prior.
func pooledFixture(t *testing.T, base map[string][]string, off []string) (with, without *Fused) {
	t.Helper()
	f := newFixture(t)
	// No wrong answer allowed: as on the bikes dev shop, whose crossing
	// siblings kept its fused cut at +Inf, the base's own cut answers
	// nothing its samples show a wrong answer beside.
	cfg := knowledge.CalibrationConfig{OffTopic: off, WrongRate: 1e-9}
	m := f.v.MatcherFunc(t.Context(), loadKB(t, base), nil, cfg).(*Matcher)
	fused, err := m.Wait(t.Context())
	if err != nil {
		t.Fatalf("building vectors: %v", err)
	}
	q := func(ctx context.Context, s string) ([]float32, error) { return fused.query(ctx, s) }
	alone := newFusedWith(t.Context(), fuseWith(func(p *fuseParams) { p.pooled = nil }), fused.lexical, fused.ix, cfg, q, nil)
	return fused, alone
}

// TestPooledPriorAnswersWhereLexicalAndVectorsAgree: on a day-one base
// the fused matcher answered nothing (its own cut was the thin rule or
// +Inf: bikes dev 0 of 60 in English). A message that the lexical and the
// vector side both rank first, with the vector side's first far ahead of
// every other entry and the message's words known to the base, is now
// answered (pooledFuse); without the pooled prior the same base leaves it
// unsure or hedged.
func TestPooledPriorAnswersWhereLexicalAndVectorsAgree(t *testing.T) {
	with, without := pooledFixture(t, agreeingShop(), offTopic)
	ctx := t.Context()
	lex := with.lexical.Rank(ctx, dayOneQuery, -1, lexicalTop)
	if len(lex) == 0 || lex[0].ID != "shipping/times" || with.lexical.Cal.Confident(lex) {
		t.Fatalf("lexical list %+v: want shipping/times first, not sure (else this test shows nothing)", lex)
	}
	if c := with.cal; !c.PooledConfident.Kept || !c.PooledLikely.Kept {
		t.Fatalf("pooled rules refused (%v; %v) on a base whose samples they leave alone", c.PooledConfident, c.PooledLikely)
	}
	before := without.Match(ctx, dayOneQuery, 3)
	if len(before) == 0 || before[0].Confident {
		t.Fatalf("without the pooled prior Match(%q) = %+v: want it not confident (else this test shows nothing)", dayOneQuery, before)
	}
	got := with.Match(ctx, dayOneQuery, 3)
	if len(got) == 0 || got[0].ID != "shipping/times" || !got[0].Confident {
		t.Errorf("Match(%q) = %+v, want shipping/times answered confidently", dayOneQuery, got)
	}
	// The sides disagree: the pooled rules take nothing, whatever the
	// vector side's lead.
	if lex := with.lexical.Rank(ctx, disagreeing, -1, lexicalTop); len(lex) == 0 || lex[0].ID == "shipping/times" {
		t.Fatalf("lexical list %+v: want another entry than shipping/times first (else this shows nothing)", lex)
	}
	got, want := with.Match(ctx, disagreeing, 3), without.Match(ctx, disagreeing, 3)
	if len(got) == 0 || got[0].ID != "shipping/times" || got[0].Confident || len(want) == 0 || got[0].Tier() != want[0].Tier() {
		t.Errorf("Match(%q) = %+v, want shipping/times first with the base's own decision %+v", disagreeing, got, want)
	}
}

// TestPooledPriorRefusedWhereItAnswersTheOffTopicSet: the pooled rules
// were read on one model's cosines. A base whose own off-topic set they
// would answer beyond the off-topic target (here: other shops' delivery
// and refund questions, which the concept model and the words both put
// on this shop's entries) refuses them, or keeps them only under a
// stricter cap on the words unknown to the base that leaves those
// messages out (knowledge's checkPooled): none of them is answered.
func TestPooledPriorRefusedWhereItAnswersTheOffTopicSet(t *testing.T) {
	shops := []string{
		"when will my pizza delivery get here",
		"how do I return a library book",
		"when does the bus arrive",
		"can I get a refund on my concert ticket",
	}
	with, _ := pooledFixture(t, agreeingShop(), append(shops, offTopic...))
	if c := with.cal; c.PooledConfident.Off > 0 || c.PooledLikely.Off > 0 {
		t.Fatalf("pooled rules (%v; %v) take the off-topic messages they were checked on", c.PooledConfident, c.PooledLikely)
	}
	for _, m := range shops {
		if got := with.Match(t.Context(), m, 3); len(got) > 0 && got[0].Confident {
			t.Errorf("Match(%q) = %+v: answered", m, got)
		}
	}
	open, _ := pooledFixture(t, agreeingShop(), offTopic)
	answered := 0
	for _, m := range shops {
		if got := open.Match(t.Context(), m, 3); len(got) > 0 && got[0].Confident {
			answered++
		}
	}
	if answered == 0 {
		t.Error("the base whose off-topic set lacks them answers none of them either: this test shows nothing")
	}
}

// TestPooledPriorRefusedWhereTheBaseContradictsIt: the base's own
// held-out questions check the pooled rules as the lexical prior's are
// checked (one policy, knowledge.PooledRule.Signal). In dayOneShop "What's
// your address?", asked without itself, goes to the email entry with the
// three firsts agreeing and the vector side far ahead: one wrong answer
// in the 10 the confident rule would add, so the base refuses the rule
// (no day-one base proves 2% wrong, but one wrong in 10 is evidence of
// more), and a message it would have answered gets the base's own
// decision.
func TestPooledPriorRefusedWhereTheBaseContradictsIt(t *testing.T) {
	with, without := pooledFixture(t, dayOneShop, offTopic)
	c := with.cal.PooledConfident
	if c.Kept || c.Refused == "" || !strings.Contains(c.Refused, "held-out questions it adds are wrong") {
		t.Fatalf("confident rule %v: want refused on the base's own wrong answers", c)
	}
	agreeing, _ := pooledFixture(t, agreeingShop(), offTopic)
	if !agreeing.cal.PooledConfident.Kept {
		t.Fatalf("confident rule %v on the same base without the crossing question: want kept (else this test shows nothing)", agreeing.cal.PooledConfident)
	}
	ctx := t.Context()
	got, want := with.Match(ctx, dayOneQuery, 3), without.Match(ctx, dayOneQuery, 3)
	if len(got) == 0 || len(want) == 0 || got[0].Confident || got[0].Tier() != want[0].Tier() {
		t.Errorf("Match(%q) = %+v, want the base's own decision %+v", dayOneQuery, got, want)
	}
}

// TestPooledSignalsNeedBothSidesFirst: the pooled rules read agreement
// only when the fused first is both the lexical first and the entry of
// the nearest question; the vector lead is the first's nearest cosine
// over every other entry's.
func TestPooledSignalsNeedBothSidesFirst(t *testing.T) {
	ix := &Index{ids: []string{"a", "b", "c"}}
	ev := []evidence{{entry: 0, best: 0.8, raw: 0.6}, {entry: 1, best: 0.5, raw: 0.4}, {entry: 2, best: 0.7, raw: 0.3}}
	s := ix.signalsOf(ev, "a")
	if !s.agree || s.vecGap < 0.1-1e-9 || s.vecGap > 0.1+1e-9 || s.gap < 0.2-1e-9 || s.gap > 0.2+1e-9 {
		t.Errorf("signals %+v: want agreement, vector lead 0.1 (over c), fused lead 0.2", s)
	}
	if s := ix.signalsOf(ev, "b"); s.agree {
		t.Errorf("signals %+v: agreement though the lexical first is b", s)
	}
	ev[2].best = 0.9 // c's nearest question is nearer than a's
	if s := ix.signalsOf(ev, "a"); s.agree || s.vecGap >= 0 {
		t.Errorf("signals %+v: agreement or a vector lead though c's question is nearest", s)
	}
	if got := defaultPooled.signal(signals{agree: true, vecGap: 0.5}); got != knowledge.PooledConfidentSignal|knowledge.PooledLikelySignal {
		t.Errorf("signals of an agreeing first far ahead: %v, want both rules'", got)
	}
	if got := defaultPooled.signal(signals{agree: false, vecGap: 0.5}); got != 0 {
		t.Errorf("signals of a first the sides disagree on: %v, want none", got)
	}
}
