package handoff

import (
	"fmt"
	"math"
)

// The complaint score is a logistic model, so that it is graded and its
// weights can be fitted on labelled messages (see dataset_test.go):
//
//	score = 1 / (1 + e^-(base + sum of the weights of the cues present))
//
// Each cue group counts once however many of its phrases match. A cue right
// after a negation ("not bad", "not happy") has its weight multiplied by
// negation.complaint or negation.praise. "!!" and SHOUTING add their weight
// only when a complaint cue is present: on their own they are as likely to
// be joy ("thanks!!", "I can't wait!!!").

// complaintVector returns the value of each feature of d: one per cue
// group, then exclaim, then caps. The score is base + weights · vector.
// hits[i] is the match behind vector[i] for cue groups (zero when absent).
func (r *Rules) complaintVector(d *doc) (x []float64, hits []found) {
	c := &r.complaint
	n := len(c.cues)
	x = make([]float64, n+2)
	hits = make([]found, n)
	masked := mask(d, c.unless)
	complained := false
	for i, q := range c.cues {
		f, ok := find(d, q.phrases, masked, &r.neg)
		if !ok {
			continue
		}
		hits[i] = f
		switch {
		case !f.negated:
			x[i] = 1
		case q.weight >= 0:
			x[i] = c.negated
		default:
			x[i] = c.negPraise
		}
		if x[i]*q.weight > 0 {
			complained = true
		}
	}
	if complained && d.exclaims >= c.exclaim.min {
		x[n] = 1
	}
	if complained && r.shouting(d) {
		x[n+1] = 1
	}
	return x, hits
}

func (r *Rules) shouting(d *doc) bool {
	c := &r.complaint
	return d.capsWords >= c.caps.min && float64(d.capsWords) >= c.capsRatio*float64(d.words)
}

// weights returns the weight of each feature of complaintVector.
func (r *Rules) weights() []float64 {
	c := &r.complaint
	w := make([]float64, 0, len(c.cues)+2)
	for _, q := range c.cues {
		w = append(w, q.weight)
	}
	return append(w, c.exclaim.weight, c.caps.weight)
}

// Complaint scores how much text reads as a complaint, from 0 to 1, with
// the cues that moved the score as human-readable evidence. A message is a
// complaint when the score reaches the rules' threshold.
func (r *Rules) Complaint(text string) (score float64, evidence []string) {
	if r == nil {
		return 0, nil
	}
	return r.complaintDoc(analyse(text))
}

func (r *Rules) complaintDoc(d *doc) (float64, []string) {
	c := &r.complaint
	x, hits := r.complaintVector(d)
	w := r.weights()
	z := c.base
	var ev []string
	for i, xi := range x {
		if xi == 0 || w[i] == 0 {
			continue
		}
		v := xi * w[i]
		z += v
		switch {
		case i < len(c.cues):
			h := hits[i]
			if h.negated {
				ev = append(ev, fmt.Sprintf("%q negated %+.2f (%s)", d.span(h.start, h.end), v, c.cues[i].name))
			} else {
				ev = append(ev, fmt.Sprintf("%q %+.2f (%s)", d.span(h.start, h.end), v, c.cues[i].name))
			}
		case i == len(c.cues):
			ev = append(ev, fmt.Sprintf("%d× \"!\" %+.2f", d.exclaims, v))
		default:
			ev = append(ev, fmt.Sprintf("CAPS (%d of %d words) %+.2f", d.capsWords, d.words, v))
		}
	}
	return sigmoid(z), ev
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
