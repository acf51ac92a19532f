package semantic

import (
	"cmp"
	"fmt"

	"github.com/batonhq/baton/bot/knowledge"
)

// The pooled prior of fusion: rules chosen across many dev bases, for the
// bases too thin to prove a cut of their own.
//
// A day-one base (20-30 entries, 3-5 questions each) calibrates its fused
// cut on about a hundred questions of its own, each asked without it.
// Its owner writes sibling questions on one template ("What's your
// address?" / "What's your email address?"), so leave-one-out crosses at
// saturated softmax shares, no cut passes the 2% target, and the fused
// matcher answered none of a shop's customers (bikes dev: 0 of 60 in
// English though the right entry was first for 45). The softmax share
// does not carry over from base to base; what does is whether the two
// sides agree and by how much the vector side's first stands apart.
// Read on the pooled dev queries of 20 bases (banking77's 18 shop-sized
// bases asked knowledge questions 6-10, and the bikes and bakery shops'
// customer queries; TestFusedDayOneDumpDev, README "A shop's own day-one
// base, fused"), a fused first that is also the lexical first and the
// vector first (agree), whose nearest question's cosine beats every other
// entry's by vecGap, and of whose message at most maxUnknown is unknown
// to the base (knowledge.Candidate.Unknown), was right far more often
// than its softmax share says. Added to each base's own cuts (measured,
// TestFusedDayOneDev):
//
//	confident, vecGap >= 0.12, unknown <= 0.35: banking77 confident
//	  1,082 (1.7% wrong) -> 1,146 (1.7% wrong), other banks' questions
//	  answered 10.8% -> 12.2%; bikes en 0 -> 10 (all right), bakery en
//	  3 -> 6 (all right)
//	likely, vecGap >= 0.04, unknown <= 0.35: banking77 right answer,
//	  confident or hedged, 0.553 -> 0.606, other banks' questions hedged
//	  7.5% -> 11.8%; bikes en 0.183 -> 0.417, bakery en 0.100 -> 0.250
//	  (hedged 15 of 16 and 9 of 9 right)
//
// A vector lead of 0.08-0.10 for the confident rule gave banking77 2.2-
// 2.6% wrong, an unknown cap of 0.2 bikes 4 answers instead of 10.
//
// A base's own leave-one-out does not check them, nor choose its own cuts
// with them counted: on a day-one base its crossings are its owner's
// sibling questions, not its customers' (bikes: the confident rule took 7
// right and 1 wrong of its own questions while its customers' queries
// were 10 of 10 right), and counted as answers (Candidate.Sure) they
// pushed the bases' own cuts up (bakery's to +Inf; banking77 right,
// confident or hedged, 0.584 instead of 0.606, 1.9% wrong). What each
// base checks is what a rule read on another model's cosines would get
// badly wrong: its off-topic set (pooledKept).
type pooledFuse struct {
	confident, likely pooledRule
	// likelyOff is the most of the off-topic set the likely rule may take
	// on a base (pooledKept): twice the off-topic target, since a hedge
	// offers the other topics and a person beside it; the dev shops' own
	// off-topic sets were taken 7.2% (bikes) and 8.1% (bakery), banking77's
	// bases' at most 1%.
	likelyOff float64
}

// pooledRule takes a fused first that the lexical and the vector side
// both rank first, whose nearest question's cosine leads every other
// entry's by at least vecGap, and of whose message at most maxUnknown is
// unknown to the base.
type pooledRule struct{ vecGap, maxUnknown float64 }

func (r pooledRule) takes(s signals, unknown float64) bool {
	return s.agree && s.vecGap >= r.vecGap && unknown <= r.maxUnknown
}

// defaultPooled is the pooled prior read on the real English model
// (use-lite-en) on dev data only (pooledFuse).
var defaultPooled = pooledFuse{
	confident: pooledRule{vecGap: 0.12, maxUnknown: 0.35},
	likely:    pooledRule{vecGap: 0.04, maxUnknown: 0.35},
	likelyOff: 2 * knowledge.DefaultOffTopicRate,
}

// pooledKeep is which pooled rules a base kept (pooledKept).
type pooledKeep struct{ confident, likely bool }

// pooledMark marks a fused list the kept pooled rules take: Sure (the
// calibrated decision answers it, and calibration counts it as answered,
// so the base's own cut is chosen for the rest within the same targets)
// or Hedged (the likely tier). A tied list is never hedged.
func (f *Fused) pooledMark(cands []knowledge.Candidate, sig signals) {
	if f.p.pooled == nil || len(cands) == 0 || cands[0].Sure {
		return
	}
	switch c := &cands[0]; {
	case f.keep.confident && f.p.pooled.confident.takes(sig, c.Unknown):
		c.Sure = true
	case f.keep.likely && !c.Tie && f.p.pooled.likely.takes(sig, c.Unknown):
		c.Hedged = true
	}
}

// pooledKept decides which pooled rules this base keeps, from its
// off-topic set's fused lists (lists, unmarked; nil for a message the
// lexical match answers): the confident rule when the messages it takes
// are within the off-topic target, the likely one when those it hedges
// (beyond the confident rule's, if kept) are within likelyOff. On the model the rules were read on, every
// dev base kept both; a model whose cosines spread wider takes far more
// and keeps neither.
func (f *Fused) pooledKept(lists []pooledList, offRate float64) pooledKeep {
	p := f.p.pooled
	if p == nil || len(lists) == 0 {
		return pooledKeep{}
	}
	var conf, likely, both int // taken by the confident rule, the likely one, and both
	for _, l := range lists {
		if len(l.cands) == 0 {
			continue
		}
		u := l.cands[0].Unknown
		c, h := p.confident.takes(l.sig, u), !l.cands[0].Tie && p.likely.takes(l.sig, u)
		switch {
		case c && h:
			both++
		case c:
			conf++
		case h:
			likely++
		}
	}
	n := float64(len(lists))
	offRate = cmp.Or(offRate, knowledge.DefaultOffTopicRate)
	keep := pooledKeep{confident: float64(conf+both) <= offRate*n}
	if !keep.confident {
		likely += both // what the confident rule would have answered, the likely one hedges
	}
	keep.likely = float64(likely) <= p.likelyOff*n
	return keep
}

// pooledList is one calibration message's fused list before the pooled
// marks, and the signals they read.
type pooledList struct {
	cands []knowledge.Candidate
	sig   signals
}

// PooledReport says, one line each, which pooled rules of fusion this
// base kept and what they take (`baton match --explain`): a confident or
// hedged fused answer that the base's own cuts printed beside it do not
// explain comes from them.
func (f *Fused) PooledReport() []string {
	p := f.p.pooled
	if p == nil {
		return nil
	}
	state := func(kept bool) string {
		if kept {
			return "kept"
		}
		return "refused: this base's off-topic set says it answers too many of them"
	}
	return []string{
		fmt.Sprintf("fused pooled rule, confident: the lexical, vector and fused firsts agree, its nearest question leads every other entry's by >= %.2f, words unknown to the base <= %.2f (%s)", p.confident.vecGap, p.confident.maxUnknown, state(f.keep.confident)),
		fmt.Sprintf("fused pooled rule, likely: the same with a lead >= %.2f (%s)", p.likely.vecGap, state(f.keep.likely)),
	}
}
