// Package ceiling measures how far a ranker's evidence can take the
// confident decision: the most right answers any threshold rule from a
// wide family gets on a set of queries, with the rule chosen in hindsight
// on those very queries (an oracle), within a wrong-answer rate and an
// off-topic rate. Baton's calibration chooses its rule without seeing the
// queries it is measured on, so it can only do worse: when the oracle is
// below a goal, the goal is out of reach with that evidence, whatever the
// calibration. It serves the gated measurements of bot/knowledge and
// bot/semantic (README, "Semantic matching"), which also count what the
// shipped decisions did with it (Outcome, Tally); nothing in serve uses it.
package ceiling

import (
	"cmp"
	"fmt"
	"slices"
)

// Kind is what answering a query's top candidate would be.
type Kind int8

const (
	Right Kind = iota // in scope, and the top candidate is its entry
	Wrong             // in scope, and the top candidate is another entry (or none)
	Off               // not in scope (off-topic, another shop's question): any answer is wrong
)

// Sample is one query's evidence: its top candidate's score, its lead
// over the runner-up and the share of the query's words it covers (the
// features of knowledge.Calibration's rule), and what answering it would be.
type Sample struct {
	Score, Lead, Cover float64
	Kind               Kind
	// Sure: answered whatever the rule (an earlier stage was confident:
	// fusion's lexical path). The oracle cannot take it back.
	Sure bool
}

// Result is what the best rule answers.
type Result struct {
	InScope, OffTotal    int // queries of each sort
	Top1                 int // in-scope queries whose top candidate is right: no rule answers more rightly
	RightN, WrongN, OffN int // answered by the best rule
	Rule                 string
}

// Right is the share of in-scope queries answered confidently and right.
func (r Result) Right() float64 { return float64(r.RightN) / float64(max(r.InScope, 1)) }

// WrongShare is the share of confident in-scope answers that are wrong.
func (r Result) WrongShare() float64 { return float64(r.WrongN) / float64(max(r.RightN+r.WrongN, 1)) }

// OffShare is the share of off-scope queries answered.
func (r Result) OffShare() float64 { return float64(r.OffN) / float64(max(r.OffTotal, 1)) }

func (r Result) String() string {
	return fmt.Sprintf("right %.3f of %d in scope (top-1 %.3f), wrong %.4f of %d confident, off-scope answered %.3f of %d; rule %s",
		r.Right(), r.InScope, float64(r.Top1)/float64(max(r.InScope, 1)), r.WrongShare(), r.RightN+r.WrongN, r.OffShare(), r.OffTotal, r.Rule)
}

// Outcome is one query's Result under a decision that did (answered) or
// did not answer it: what the shipped calibration gets on the same
// queries, for comparison with Best.
func Outcome(s Sample, answered bool) Result {
	var r Result
	switch s.Kind {
	case Off:
		r.OffTotal = 1
		if answered {
			r.OffN = 1
		}
	case Right:
		r.InScope, r.Top1 = 1, 1
		if answered {
			r.RightN = 1
		}
	case Wrong:
		r.InScope = 1
		if answered {
			r.WrongN = 1
		}
	}
	return r
}

// Add sums two results (the per-base oracle).
func (r *Result) Add(o Result) {
	r.InScope += o.InScope
	r.OffTotal += o.OffTotal
	r.Top1 += o.Top1
	r.RightN += o.RightN
	r.WrongN += o.WrongN
	r.OffN += o.OffN
	r.Rule = "one per base"
}

// The rule family: answer when Lead >= margin and Score + lead·Lead +
// cover·Cover >= a threshold. It holds every rule knowledge.Calibration
// can choose (its grid and the directions its logistic fit gives, within
// this grid's resolution), lead-only and score-only rules, and covers
// penalised as well as rewarded.
var (
	leadW   = []float64{0, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 16, 32, 64, 256, 4096}
	coverW  = []float64{-1, -0.5, -0.25, 0, 0.1, 0.25, 0.5, 1, 2, 4}
	margins = []float64{0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3}
)

// Best is the oracle: the rule of the family that answers the most
// in-scope queries rightly while at most wrongRate of its in-scope answers
// are wrong and at most offRate of the off-scope queries are answered
// (offRate < 0: not bounded). Samples marked Sure are always answered and
// count against the bounds.
func Best(samples []Sample, wrongRate, offRate float64) Result {
	var base Result
	for _, s := range samples {
		switch s.Kind {
		case Right:
			base.InScope++
			base.Top1++
		case Wrong:
			base.InScope++
		case Off:
			base.OffTotal++
		}
		if s.Sure {
			switch s.Kind {
			case Right:
				base.RightN++
			case Wrong:
				base.WrongN++
			case Off:
				base.OffN++
			}
		}
	}
	ok := func(r, w, o int) bool {
		return float64(w) <= wrongRate*float64(r+w) && (offRate < 0 || float64(o) <= offRate*float64(base.OffTotal))
	}
	// The sure answers alone are the cut above every sample; adding
	// right answers below it can still bring the wrong share within
	// wrongRate, so every cut is tried.
	best := base
	best.RightN, best.WrongN, best.OffN, best.Rule = 0, 0, 0, "none meets the bounds"
	found := false
	if ok(base.RightN, base.WrongN, base.OffN) {
		best, found = base, true
		best.Rule = "answer only what is sure"
	}
	type valued struct {
		v    float64
		kind Kind
	}
	vs := make([]valued, 0, len(samples))
	for _, m := range margins {
		for _, lw := range leadW {
			for _, cw := range coverW {
				vs = vs[:0]
				for _, s := range samples {
					if !s.Sure && s.Score > 0 && s.Lead >= m {
						vs = append(vs, valued{s.Score + lw*s.Lead + cw*s.Cover, s.Kind})
					}
				}
				slices.SortFunc(vs, func(a, b valued) int { return cmp.Compare(b.v, a.v) })
				r, w, o := base.RightN, base.WrongN, base.OffN
				for i, x := range vs {
					switch x.kind {
					case Right:
						r++
					case Wrong:
						w++
					case Off:
						o++
					}
					if i+1 < len(vs) && vs[i+1].v == x.v {
						continue // a threshold takes all equal values or none
					}
					if (!found || r > best.RightN) && ok(r, w, o) {
						found = true
						best.RightN, best.WrongN, best.OffN = r, w, o
						best.Rule = fmt.Sprintf("lead >= %.2f, score + %.2f×lead + %.2f×cover >= %.4f", m, lw, cw, x.v)
					}
				}
			}
		}
	}
	return best
}
