package semantic

import (
	"context"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

// dayOneQuery is a customer's paraphrase for the test shop: the lexical
// matcher ranks shipping/times first without being sure, and the concept
// model puts it far ahead of every other entry ("get here" is "arrive").
// In disagreeing, the lexical matcher ranks orders/track first ("my
// parcel") and the concept model shipping/times.
const (
	dayOneQuery = "when will my order get here"
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

// pooledFixture is dayOneShop through the fake embeddings server with the concept model,
// calibrated with off as its off-topic set; it returns the fused matcher
// and the same base's fused matcher without the pooled prior.
func pooledFixture(t *testing.T, off []string) (with, without *Fused) {
	t.Helper()
	f := newFixture(t)
	// No wrong answer allowed: as on the bikes dev shop, whose crossing
	// siblings kept its fused cut at +Inf, the base's own cut answers
	// nothing its samples show a wrong answer beside.
	cfg := knowledge.CalibrationConfig{OffTopic: off, WrongRate: 1e-9}
	m := f.v.MatcherFunc(t.Context(), loadKB(t, dayOneShop), nil, cfg).(*Matcher)
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
	with, without := pooledFixture(t, offTopic)
	ctx := t.Context()
	lex := with.lexical.Rank(ctx, dayOneQuery, -1, lexicalTop)
	if len(lex) == 0 || lex[0].ID != "shipping/times" || with.lexical.Cal.Confident(lex) {
		t.Fatalf("lexical list %+v: want shipping/times first, not sure (else this test shows nothing)", lex)
	}
	if !with.keep.confident || !with.keep.likely {
		t.Fatalf("pooled rules kept %+v on a base whose off-topic set they leave alone", with.keep)
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
// on this shop's entries) keeps neither, and its customers' messages are
// decided by its own calibration alone, as before.
func TestPooledPriorRefusedWhereItAnswersTheOffTopicSet(t *testing.T) {
	off := append([]string{
		"when will my pizza delivery get here",
		"how do I return a library book",
		"when does the bus arrive",
		"can I get a refund on my concert ticket",
	}, offTopic...)
	with, without := pooledFixture(t, off)
	if with.keep.confident || with.keep.likely {
		t.Fatalf("pooled rules kept (%+v) on a base whose off-topic set they answer", with.keep)
	}
	ctx := t.Context()
	got, want := with.Match(ctx, dayOneQuery, 3), without.Match(ctx, dayOneQuery, 3)
	if len(got) == 0 || len(want) == 0 || got[0].Tier() != want[0].Tier() {
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
	if defaultPooled.confident.takes(signals{agree: true, vecGap: 0.5}, 0.5) {
		t.Error("the confident rule takes a message half unknown to the base")
	}
}
