package handoff

import (
	"fmt"
	"math"
	"slices"
	"strings"
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
// group, one per combo, then exclaim, caps and qmarks. The score is base +
// weights · vector. hits[i] is the match behind vector[i] for cue groups
// (zero when absent). Both slices are d's scratch space.
func (r *Rules) complaintVector(d *doc) (x []float64, hits []found) {
	c := &r.complaint
	n, m := len(c.cues), len(c.combos)
	if cap(d.x) < n+m+3 || cap(d.hits) < n {
		d.x, d.hits = make([]float64, n+m+3), make([]found, n)
	}
	x, hits = d.x[:n+m+3], d.hits[:n]
	clear(x)
	clear(hits)
	masked := mask(d, c.unless)
	complained, moved := false, false // moved: some cue scored above 0 (combos)
	cue := func(i int) {
		q := &c.cues[i]
		f, ok := find(d, q.phrases, masked, &r.neg)
		if !ok {
			return
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
		moved = moved || x[i] > 0
	}
	if c.cueOf != nil && d.ix == r.ix {
		// Only the groups with a candidate phrase, in order: find would
		// find nothing in the others (about 80 groups, a few with any).
		last := int32(-1)
		for _, p := range d.cands {
			if p < c.cueLo {
				continue
			}
			if i := c.cueOf[p-c.cueLo]; i != last {
				last = i
				cue(int(i))
			}
		}
	} else {
		var walk candWalk
		for i := range c.cues {
			if walk.any(d, c.cues[i].phrases) {
				cue(i)
			}
		}
	}
	// The marks first: a combo may ask for them ("a calm question" has
	// no "??").
	if complained && d.exclaims >= c.exclaim.min {
		x[n+m] = 1
	}
	if complained && r.shouting(d) {
		x[n+m+1] = 1
	}
	if complained && c.qmarks.min > 0 && d.qmarks >= c.qmarks.min {
		x[n+m+2] = 1
	}
	moved = moved || complained // the marks count only after a complaint cue
	for k := range c.combos {
		cb := &c.combos[k] // not a copy: some eighty combos on every message
		if cb.needsCue && !moved {
			continue // comboOn: a part that needs a cue has none
		}
		if r.comboOn(x, cb) {
			x[n+k] = 1
		}
	}
	return x, hits
}

// index prepares c's cue groups for ix (complaintVector): which group
// each indexed phrase belongs to, when the groups are ix's last lists in
// order (parseRules), and which combos need a cue.
func (c *complaintRules) index(ix *matchIndex) {
	for k := range c.combos {
		c.combos[k].needsCue = slices.Contains(c.combos[k].absent, false)
	}
	c.cueOf, c.cueLo = nil, 0
	if ix == nil || len(c.cues) == 0 {
		return
	}
	var of []int32
	lo, next := int32(-1), int32(-1)
	for i, q := range c.cues {
		if len(q.phrases) == 0 {
			continue // find finds nothing: never visited
		}
		a, b, ok := ix.listRange(q.phrases)
		if !ok || (next >= 0 && a != next) {
			return // not laid out as parseRules does: the walk decides
		}
		if lo < 0 {
			lo = a
		}
		for range b - a {
			of = append(of, int32(i))
		}
		next = b
	}
	if lo < 0 || int(next) != len(ix.phrases) {
		return
	}
	c.cueOf, c.cueLo = of, lo
}

// comboOn reports whether every part of cb has a cue that moved the score
// its own way (a negated praise word does not count as praise), and every
// part written with ! has none.
func (r *Rules) comboOn(x []float64, cb *combo) bool {
	for k, part := range cb.parts {
		on := false
		for _, i := range part {
			if x[r.featureIndex(i)] > 0 {
				on = true
				break
			}
		}
		if on == cb.absent[k] {
			return false
		}
	}
	return true
}

// featureIndex maps a combo part's index (a cue, or a mark) to its place
// in the complaint features.
func (r *Rules) featureIndex(i int) int {
	if i >= 0 {
		return i
	}
	return len(r.complaint.cues) + len(r.complaint.combos) + (markExclaim - i)
}

// feature names feature i of complaintVector and gives its weight.
func (r *Rules) feature(i int) (name string, weight float64) {
	c := &r.complaint
	switch n, m := len(c.cues), len(c.combos); {
	case i < n:
		return c.cues[i].name, c.cues[i].weight
	case i < n+m:
		return c.combos[i-n].name, c.combos[i-n].weight
	case i == n+m:
		return "exclaim", c.exclaim.weight
	case i == n+m+1:
		return "caps", c.caps.weight
	default:
		return "qmarks", c.qmarks.weight
	}
}

func (r *Rules) shouting(d *doc) bool {
	c := &r.complaint
	return d.capsWords >= c.caps.min && float64(d.capsWords) >= c.capsRatio*float64(d.words)
}

// Complaint scores how much text reads as a complaint, from 0 to 1, with
// the cues that moved the score as human-readable evidence. A message is a
// complaint when the score reaches the rules' threshold.
func (r *Rules) Complaint(text string) (score float64, evidence []string) {
	if r == nil {
		return 0, nil
	}
	d := r.analyse(text)
	defer r.release(d)
	return sigmoid(r.complaintZ(d)), r.complaintEvidence(d)
}

// complaintZ computes the features of d and returns base + weights ·
// features; complaintEvidence then explains them.
func (r *Rules) complaintZ(d *doc) float64 {
	x, _ := r.complaintVector(d)
	z := r.complaint.base
	for i, xi := range x {
		if xi != 0 {
			_, w := r.feature(i)
			z += xi * w
		}
	}
	return z
}

// complaintEvidence describes the features complaintZ found in d.
func (r *Rules) complaintEvidence(d *doc) []string {
	c := &r.complaint
	n, m := len(c.cues), len(c.combos)
	var ev []string
	for i, xi := range d.x[:n+m+3] {
		_, w := r.feature(i)
		if xi == 0 || w == 0 {
			continue
		}
		v := xi * w
		switch {
		case i < n:
			h := d.hits[i]
			if h.negated {
				ev = append(ev, fmt.Sprintf("%q negated %+.2f (%s)", d.span(h.start, h.end), v, c.cues[i].name))
			} else {
				ev = append(ev, fmt.Sprintf("%q %+.2f (%s)", d.span(h.start, h.end), v, c.cues[i].name))
			}
		case i < n+m:
			ev = append(ev, fmt.Sprintf("%s %+.2f (%s)", r.comboParts(d, c.combos[i-n]), v, c.combos[i-n].name))
		case i == n+m:
			ev = append(ev, fmt.Sprintf("%d× \"!\" %+.2f", d.exclaims, v))
		case i == n+m+1:
			ev = append(ev, fmt.Sprintf("CAPS (%d of %d words) %+.2f", d.capsWords, d.words, v))
		default:
			ev = append(ev, fmt.Sprintf("%d× \"??\" %+.2f", d.qmarks, v))
		}
	}
	return ev
}

// comboParts shows what made combo cb: the cues of each part found in d,
// "still not" & "how do i".
func (r *Rules) comboParts(d *doc, cb combo) string {
	var b strings.Builder
	for k, part := range cb.parts {
		if cb.absent[k] {
			continue // "no anger word" shows nothing
		}
		if b.Len() > 0 {
			b.WriteString(" & ")
		}
		for _, i := range part {
			if i < 0 {
				continue
			}
			if d.x[i] > 0 {
				h := d.hits[i]
				fmt.Fprintf(&b, "%q", d.span(h.start, h.end))
				break
			}
		}
	}
	return b.String()
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
