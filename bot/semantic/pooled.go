package semantic

import "github.com/batonhq/baton/bot/knowledge"

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
// than its softmax share says. Chosen when only each base's off-topic set
// checked the rules (unknown <= 0.35 for both): banking77 confident
// 1,082 -> 1,146 (1.7% wrong), right answer, confident or hedged, 0.553 ->
// 0.606; bikes en 0 -> 10 confident (all right). Under the shared keep/
// refuse policy below (combined tree, dev, TestFusedDayOneDev): banking77
// 1,082 -> 1,089 confident (1.7% wrong), right answer confident or hedged
// 0.552 -> 0.587, other banks' questions answered 10.8% -> 11.1%, hedged
// 9.0% -> 11.9%; bikes and bakery refuse both rules on their own samples.
//
// A vector lead of 0.08-0.10 for the confident rule gave banking77 2.2-
// 2.6% wrong. The unknown cap of the confident rule was 0.35 at first
// (0.2 gave bikes 4 answers instead of 10 on those queries), but it let
// near-topic messages through to confident answers on bikes ("is the
// library open on sundays" -> the shop's hours, "my car has a flat tyre
// can you fix it" -> the bike puncture repair; review A, 2026-12-06): it
// is 0.2 now, the lexical prior's cap (README "A pooled prior for the
// fused decision" has the dev numbers).
//
// Each base keeps or refuses them by the same policy as the lexical
// prior's (knowledge.PooledRule.Signal, checkPooled in bot/knowledge): the
// held-out questions a rule adds to the base's own cut, wrong no more
// often than the target weighed with the pooled evidence; the off-topic
// messages and missing-topic questions it adds within what the own cut
// left of their budgets; the likely tier's share right. A ranker marks
// the signals (Candidate.Pooled); the calibration decides with the rules
// the base kept. The pooled marks never choose the base's own cuts.
type pooledFuse struct {
	// confidentGap and likelyGap are the vector leads (signals.vecGap)
	// of the two rules' signals; both also need the three firsts to
	// agree.
	confidentGap, likelyGap float64
	// prior is the rules as calibration checks them: the signals, the
	// caps on the words unknown to the base, and the likely tier's
	// budgets. Its LikelyOffRate is twice the off-topic target, since a
	// hedge offers the other topics and a person beside it; the dev
	// shops' own off-topic sets were taken 7.2% (bikes) and 8.1%
	// (bakery) by the likely rule, banking77's bases' at most 1%.
	prior knowledge.PooledPrior
}

// signal is which of the rules' signals hold for a fused first with
// signals s: the lexical and the vector side both rank it first, and its
// nearest question's cosine leads every other entry's by the rule's gap.
func (p *pooledFuse) signal(s signals) knowledge.PooledSignal {
	var out knowledge.PooledSignal
	if s.agree && s.vecGap >= p.confidentGap {
		out |= knowledge.PooledConfidentSignal
	}
	if s.agree && s.vecGap >= p.likelyGap {
		out |= knowledge.PooledLikelySignal
	}
	return out
}

// defaultPooled is the pooled prior read on the real English model
// (use-lite-en) on dev data only (pooledFuse).
var defaultPooled = pooledFuse{
	confidentGap: 0.12,
	likelyGap:    0.04,
	prior: knowledge.PooledPrior{
		Confident: knowledge.PooledRule{Signal: knowledge.PooledConfidentSignal, MaxUnknown: 0.2,
			Says: "the lexical, vector and fused firsts agree and its nearest question leads every other entry's by >= 0.12"},
		Likely: knowledge.PooledRule{Signal: knowledge.PooledLikelySignal, MaxUnknown: 0.35,
			Says: "the lexical, vector and fused firsts agree and its nearest question leads every other entry's by >= 0.04"},
		LikelyNearRate: knowledge.LexicalPooledPrior.LikelyNearRate,
		LikelyOffRate:  2 * knowledge.DefaultOffTopicRate,
		// PairWrong and OtherWrong (knowledge.PooledPrior): the likely
		// tier's share right is an estimate for customers' messages, the
		// lexical prior's kind, with a weight for every wrong held-out
		// question. A day-one base's own questions, each left out, are
		// pessimistic for its customers (fused, on the lists the lexical
		// match leaves: bakery's held-out questions first right 0.57,
		// bikes' 0.64; their customers' unsure messages about 0.71), so
		// without the weights the fused stage
		// had no hedges of its own on bikes and bakery, and their own
		// samples refused the lead hedge (tier 79% and 73% counted
		// whole, target 80%).
		//
		// Fitted on dev data only, 2026-12-07 (BATON_MEASURE=1
		// TestFusedMutualCrossingsDev): on banking77's 21 shop-sized
		// bases, among the fused lists the likely tier works on (the
		// lexical match not sure, not confident, not tied), held-out
		// questions were right 585 times, wrong in a two-way crossing 103
		// and elsewhere 215; customers' messages (the even test lines,
		// other banks' as off-topic) right 3,053, wrong into a two-way
		// pair 119 and elsewhere 966: 0.039 against 0.176 wrong per right
		// (0.22), and 0.316 against 0.368 (0.86). By split the pair ratio
		// ran 0.11-0.33 and the other 0.66-0.95. The day-one dev shops
		// read lower still, so the weights are cautious for them (bikes
		// 0.12 and 0.63, bakery 0.08 and 0.17: TestFusedDayOneDumpDev with
		// BATON_DAYONE_EVEN=1, counted from its rows). The 0.41 fitted
		// before on knowledge questions 6-10 as customers was not applied:
		// on bikes it kept the pooled likely rule, whose 2 additions were
		// both wrong (REVIEW A, D2); that rule is now refused there
		// whatever the weight (checkPooled: it must add more right
		// held-out questions than wrong ones).
		//
		// What it changes (dev, at the matcher, TestFusedDayOneDev with
		// BATON_DAYONE_EVEN=1): bikes and bakery keep the lead hedge;
		// bikes en hedged 17 (16 right) -> 22 (21), bakery en 14 (14) ->
		// 15 (15), their off-topic lines hedged 1 and 0 of 10 as
		// before; banking77's bases 1,487 (1,274 right) -> 1,616 (1,385):
		// the 129 added 86% right for customers, other banks' questions
		// hedged 12.6% -> 13.9%. The fused stage's own cut still adds
		// none there: its earlier stages' hedges already use the tier's
		// off-topic and missing-topic budgets.
		PairWrong:       0.22,
		OtherWrong:      0.86,
		PairWrongFitted: "banking77's shop-sized dev bases",
	},
}

// pooledMark marks a fused list's first with the signals of the pooled
// rules that hold for it (Candidate.Pooled): calibration checks the rules
// on them, and the calibrated decision answers or hedges with those this
// base kept.
func (f *Fused) pooledMark(cands []knowledge.Candidate, sig signals) {
	if f.p.pooled == nil || len(cands) == 0 {
		return
	}
	cands[0].Pooled = f.p.pooled.signal(sig)
}
