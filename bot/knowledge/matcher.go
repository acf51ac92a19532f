package knowledge

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/batonhq/baton/bot/text"
)

// Matcher finds the knowledge entries a customer message asks about. It is
// the one interface every matcher implements (lexical, and the semantic
// fusion beside it); serve, `baton match` and LLM retrieval all go through
// it.
type Matcher interface {
	// Match returns up to n candidates for query, best first, one per
	// entry id. Only the first can be Confident.
	Match(ctx context.Context, query string, n int) []Match
}

// Match is one candidate answer for a query.
type Match struct {
	ID        string
	Lang      string  // language of the translation that matched best
	Score     float64 // the ranker's score, higher is better
	Confident bool    // the calibrated decision: answer this without asking
}

// Candidate is one entry a Ranker scored.
type Candidate struct {
	ID    string
	Lang  string
	Score float64
}

// A Ranker scores the entries of one knowledge base for query, best first,
// at most n of them. When skip >= 0 it must score as if question number
// skip of Base.Questions were not in the base: calibration asks every
// question of the base without it (leave-one-out). Any ranker works:
// lexical, vector, or a fusion of both; scores only have to be higher for
// better candidates, and the same for the same evidence.
type Ranker func(ctx context.Context, query string, skip, n int) []Candidate

// DefaultWrongRate is the share of confident answers allowed to be wrong
// when ops set nothing: at most 1 in 50.
const DefaultWrongRate = 0.02

// CalibrationConfig is what calibration needs besides the base.
type CalibrationConfig struct {
	// OffTopic are messages no shop's knowledge base should answer
	// (chit-chat, other domains, other shops' questions): prompts/offtopic/.
	OffTopic []string
	// WrongRate is the highest share of confident answers that may be
	// wrong on this base's held-out questions. 0 means DefaultWrongRate.
	WrongRate float64
	// OffTopicRate is the highest share of the off-topic messages that may
	// be answered confidently. 0 means DefaultOffTopicRate.
	OffTopicRate float64
}

// DefaultOffTopicRate is the share of off-topic messages allowed a
// confident answer when ops set nothing: 1 in 20. Real traffic has far
// fewer off-topic messages than questions, and the shipped set is chosen
// to be hard (other shops' questions), so this keeps the overall
// wrong-answer rate near WrongRate.
const DefaultOffTopicRate = 0.05

// Calibration is the confident decision chosen for one knowledge base and
// one ranker, and what it measured on the way. A top candidate with score s
// that leads the runner-up by m is Confident when m >= Margin and
// s + Lead*m >= Threshold: a clear lead lets a lower score through.
type Calibration struct {
	Threshold, Margin, Lead float64
	WrongRate, OffTopicRate float64 // the targets it was chosen for
	// Thin is set when the base has too few example questions to measure
	// its wrong-answer rate (fewer than minHeld): the decision is then the
	// cautious fixed thinRule, and `baton check` asks for more questions.
	Thin bool

	// Held-out questions: each example question asked of the base without
	// it (leave-one-out).
	Held     int     // questions asked
	Top1     float64 // share whose best candidate was their own entry
	Answered float64 // share it would answer confidently (right or wrong)
	Right    float64 // share answered confidently and right
	Wrong    float64 // share of the confident answers that were wrong
	// Off-topic messages answered confidently.
	OffTopic         int
	OffTopicAnswered float64

	// Confusions are the pairs of entries whose questions land on each
	// other, most crossings first: ops should give them more, and more
	// distinct, questions.
	Confusions []Confusion
}

// Confusion is a pair of entries customers are likely to confuse.
type Confusion struct {
	A, B      string     // entry ids, A < B
	Crossings []Crossing // held-out questions of one ranked the other first
}

// Crossing is one held-out question that ranked another entry first.
type Crossing struct {
	Question  string
	From, To  string // the question's entry, and the entry ranked first
	Confident bool   // it would have been answered, wrongly

	score, margin float64
}

// Confident applies the calibrated decision to a ranked list.
func (c *Calibration) Confident(cands []Candidate) bool {
	if c == nil || len(cands) == 0 {
		return false
	}
	return c.decide(cands[0].Score, margin(cands))
}

func (c *Calibration) decide(score, margin float64) bool {
	return rule{c.Threshold, c.Margin, c.Lead}.confident(score, margin)
}

// rule is one candidate decision.
type rule struct{ threshold, margin, lead float64 }

func (r rule) confident(score, margin float64) bool {
	return score > 0 && margin >= r.margin && score+r.lead*margin >= r.threshold
}

func margin(cands []Candidate) float64 {
	if len(cands) < 2 {
		return cands[0].Score
	}
	return cands[0].Score - cands[1].Score
}

// String is a one-line summary for logs.
func (c *Calibration) String() string {
	if c == nil {
		return "uncalibrated"
	}
	return fmt.Sprintf("score + %.1f×lead >= %.3f, lead >= %.2f: held-out questions %d, top-1 %.2f, answered %.2f, right %.2f, wrong %.3f (target %.3f); off-topic answered %.3f of %d (target %.3f)",
		c.Lead, c.Threshold, c.Margin, c.Held, c.Top1, c.Answered, c.Right, c.Wrong, c.WrongRate, c.OffTopicAnswered, c.OffTopic, c.OffTopicRate)
}

// sample is one calibration query's outcome.
type sample struct {
	score, margin float64
	kind          int8 // right, wrong or off
}

const (
	right int8 = iota
	wrong
	off
)

// Calibrate chooses the confident decision for base b and ranker rank: it
// asks every example question of b with that question left out, and every
// off-topic message, and picks the threshold and margin that answer the
// most held-out questions rightly while no more than cfg.WrongRate of the
// confident answers are wrong, counted separately on the held-out questions
// and on the off-topic messages. A base too thin to meet the target at any
// setting gets a decision that never answers confidently (and the check
// report says so). ctx bounds the work; on cancellation the calibration
// so far is used.
func Calibrate(ctx context.Context, b *Base, rank Ranker, cfg CalibrationConfig) *Calibration {
	target := cfg.WrongRate
	if target <= 0 {
		target = DefaultWrongRate
	}
	offRate := cfg.OffTopicRate
	if offRate <= 0 {
		offRate = DefaultOffTopicRate
	}
	cal := &Calibration{WrongRate: target, OffTopicRate: offRate}
	var samples []sample
	var crossings []Crossing
	top1 := 0
	for i, q := range b.Questions() {
		if ctx.Err() != nil {
			break
		}
		cands := rank(ctx, q.Text, i, 2)
		s := sample{kind: wrong}
		if len(cands) > 0 {
			s.score, s.margin = cands[0].Score, margin(cands)
			if cands[0].ID == q.ID {
				s.kind = right
				top1++
			} else {
				crossings = append(crossings, Crossing{Question: q.Text, From: q.ID, To: cands[0].ID, score: s.score, margin: s.margin})
			}
		}
		samples = append(samples, s)
	}
	cal.Held = len(samples)
	for _, m := range cfg.OffTopic {
		if ctx.Err() != nil {
			break
		}
		cands := rank(ctx, m, -1, 2)
		s := sample{kind: off}
		if len(cands) > 0 {
			s.score, s.margin = cands[0].Score, margin(cands)
		}
		samples = append(samples, s)
		cal.OffTopic++
	}
	r := choose(samples, target, offRate)
	if cal.Held < minHeld {
		r, cal.Thin = thinRule, true
	}
	cal.Threshold, cal.Margin, cal.Lead = r.threshold, r.margin, r.lead

	if cal.Held > 0 {
		cal.Top1 = float64(top1) / float64(cal.Held)
	}
	var answered, rightN, wrongN, offN int
	for _, s := range samples {
		if !cal.decide(s.score, s.margin) {
			continue
		}
		switch s.kind {
		case right:
			answered++
			rightN++
		case wrong:
			answered++
			wrongN++
		case off:
			offN++
		}
	}
	if cal.Held > 0 {
		cal.Answered = float64(answered) / float64(cal.Held)
		cal.Right = float64(rightN) / float64(cal.Held)
	}
	if answered > 0 {
		cal.Wrong = float64(wrongN) / float64(answered)
	}
	if cal.OffTopic > 0 {
		cal.OffTopicAnswered = float64(offN) / float64(cal.OffTopic)
	}
	for i := range crossings {
		c := &crossings[i]
		c.Confident = cal.decide(c.score, c.margin)
	}
	cal.Confusions = confusions(crossings)
	return cal
}

// minHeld is the fewest example questions calibration trusts: below it
// one wrong answer is already more than 1 in 30, so the rate cannot be
// measured at the default target.
const minHeld = 30

// thinRule is the decision for a base too small to calibrate: answer only
// near-copies of an example question that clearly beat every other entry.
var thinRule = rule{threshold: 0.3, margin: 0.2}

// marginGrid are the minimum margins tried; scores of every ranker we
// have lie in 0..1, and a margin above 0.3 would refuse nearly every answer.
var marginGrid = func() []float64 {
	var g []float64
	for m := 0.0; m <= 0.2001; m += 0.02 {
		g = append(g, math.Round(m*100)/100)
	}
	return g
}()

// leadGrid are the weights of the lead tried.
var leadGrid = []float64{0, 0.5, 1, 2, 4}

// choose picks the decision: for every lead weight and minimum margin in
// the grids, the threshold (cut between sample values) that answers the
// most held-out questions rightly within both targets; the best overall,
// the safer (larger) setting on ties. When nothing meets the targets, it
// returns a rule no score passes.
func choose(samples []sample, target, offRate float64) rule {
	nOff := 0
	for _, s := range samples {
		if s.kind == off {
			nOff++
		}
	}
	type valued struct {
		v    float64
		kind int8
	}
	best, bestRule := 0, rule{threshold: math.Inf(1)}
	sorted := make([]valued, 0, len(samples))
	for _, lead := range leadGrid {
		for _, m := range marginGrid {
			sorted = sorted[:0]
			for _, s := range samples {
				if s.margin >= m && s.score > 0 {
					sorted = append(sorted, valued{s.score + lead*s.margin, s.kind})
				}
			}
			sort.Slice(sorted, func(i, j int) bool { return sorted[i].v > sorted[j].v })
			var r, w, o int
			for i := 0; i < len(sorted); i++ {
				switch sorted[i].kind {
				case right:
					r++
				case wrong:
					w++
				case off:
					o++
				}
				// Only cut between distinct values: a threshold takes all
				// samples with the same value or none.
				if i+1 < len(sorted) && sorted[i+1].v == sorted[i].v {
					continue
				}
				if float64(w) > target*float64(r+w) || (nOff > 0 && float64(o) > offRate*float64(nOff)) {
					continue
				}
				if r > best {
					// Cut halfway to the next sample, so a query a hair
					// below the last answered one is treated like it.
					t := sorted[i].v
					if i+1 < len(sorted) {
						t = (sorted[i].v + sorted[i+1].v) / 2
					}
					best, bestRule = r, rule{threshold: t, margin: m, lead: lead}
				}
			}
		}
	}
	return bestRule
}

// confusions groups crossings by unordered pair, most first.
func confusions(cs []Crossing) []Confusion {
	by := map[[2]string]*Confusion{}
	for _, c := range cs {
		a, b := c.From, c.To
		if b < a {
			a, b = b, a
		}
		k := [2]string{a, b}
		if by[k] == nil {
			by[k] = &Confusion{A: a, B: b}
		}
		by[k].Crossings = append(by[k].Crossings, c)
	}
	out := make([]Confusion, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(x, y Confusion) int {
		if len(x.Crossings) != len(y.Crossings) {
			return len(y.Crossings) - len(x.Crossings)
		}
		return strings.Compare(x.A+"\x00"+x.B, y.A+"\x00"+y.B)
	})
	return out
}

// Calibrated is a Matcher made of any Ranker and its Calibration.
type Calibrated struct {
	Rank Ranker
	Cal  *Calibration
	// Explain, when set, says why entries rank as they do (`baton match
	// --explain`); the lexical matcher sets it, and a fused matcher can
	// pass the lexical one's on.
	Explain func(query string, n int) ([]Explanation, []text.Use)
}

// NewCalibrated calibrates rank on b and returns the Matcher that uses it.
func NewCalibrated(ctx context.Context, b *Base, rank Ranker, cfg CalibrationConfig) *Calibrated {
	return &Calibrated{Rank: rank, Cal: Calibrate(ctx, b, rank, cfg)}
}

// Match implements Matcher.
func (c *Calibrated) Match(ctx context.Context, query string, n int) []Match {
	if c == nil || c.Rank == nil || n <= 0 {
		return nil
	}
	cands := c.Rank(ctx, query, -1, max(n, 2))
	if len(cands) == 0 {
		return nil
	}
	out := make([]Match, min(n, len(cands)))
	for i := range out {
		out[i] = Match{ID: cands[i].ID, Lang: cands[i].Lang, Score: cands[i].Score}
	}
	out[0].Confident = c.Cal.Confident(cands)
	return out
}

// Calibration is the decision c makes, and what calibration measured.
func (c *Calibrated) Calibration() *Calibration { return c.Cal }

// KB is a knowledge base together with the Matcher that serves it: what
// the core needs to answer (entries by id, and matching).
type KB struct {
	*Base
	Matcher
}
