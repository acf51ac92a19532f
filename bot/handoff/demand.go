package handoff

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// An unreasonable demand ("give me 90% off or I'm leaving for Amazon") is
// not a handoff by itself: the core refuses softly, says why, and offers
// what policy allows (the knowledge entries in demand.offer). If the
// customer insists or gets angry right after that refusal, it is a
// complaint, and a person takes over.

type demandRules struct {
	phrases []*phrase // a demand outside policy
	insist  []*phrase // "I insist", "I don't care": pressing on after a refusal
	offer   []string  // knowledge entry ids of what policy allows
	lines   []int     // where each offer id is written, for `baton check`
	// leverage names the complaint cues and combos that, in a first
	// demand, are its leverage ("or I'll leave a bad review", "or I'm
	// off to Amazon") rather than anger: they wait for the soft refusal.
	leverage []string
}

// OfferLine is the line of handoff.yaml where the i-th offered entry is
// named (0 when unknown).
func (r *Rules) OfferLine(i int) int {
	if r == nil || i < 0 || i >= len(r.demand.lines) {
		return 0
	}
	return r.demand.lines[i]
}

// Offer lists the knowledge entries the core offers after refusing an
// unreasonable demand, in order. The core skips ids the knowledge base
// does not have; `baton check` reports them.
func (r *Rules) Offer() []string {
	if r == nil {
		return nil
	}
	return r.demand.offer
}

// detectDemand fills dec.Demand when the message is an unreasonable
// demand, and after a soft refusal (in.AfterRefusal) turns a demand
// again, an insist phrase or any complaint cue into a complaint; a cue
// alone does not when the message is answered from an offered entry.
func (r *Rules) detectDemand(d *doc, in Input, dec *Decision, ev *fired) {
	dr := &r.demand
	f, demand := find(d, dr.phrases, nil, &r.neg)
	demand = demand && !f.negated
	if demand {
		dec.Demand = fmt.Sprintf("demand: %q (%s:%d)", d.span(f.start, f.end), r.file, f.p.line)
	}
	if !in.AfterRefusal || ev[1] != "" {
		return
	}
	var why string
	switch g, insist := find(d, dr.insist, nil, &r.neg); {
	case demand:
		why = "the same demand again: " + strings.TrimPrefix(dec.Demand, "demand: ")
	case insist && !g.negated:
		why = fmt.Sprintf("%q (%s:%d)", d.span(g.start, g.end), r.file, g.p.line)
	case dec.Scores[Complaint] > sigmoid(r.complaint.base)+0.05 && !slices.Contains(dr.offer, in.Answer):
		// A complaint cue below the threshold is pressing on, unless
		// the message takes up what we offered: "seriously, amazon has
		// it cheaper" is answered with the price match, which is what
		// policy allows (QA walk 2026-12-06, item 17: it handed off,
		// and with no desk the "no one is available" notice undercut
		// the offer). Real anger still hands off through the threshold.
		why = fmt.Sprintf("complaint score %.2f", dec.Scores[Complaint])
	default:
		return
	}
	ev[1] = "complaint: insisted after a soft refusal: " + why
}

// holdLeverage takes back a complaint that only a first demand's leverage
// made: "50% off or I'll leave a bad review" is the demand and the threat
// that goes with it, and gets the soft refusal first (lead, 2026-12-06).
// Without its leverage cues the phrases' score must stay under the
// threshold: anger beside the demand ("this is a joke, 50% off or I'll
// leave a bad review") still hands off, and so does the threat made again
// after the refusal (in.AfterRefusal). d.x holds the complaint features
// complaintZ computed for this message.
func (r *Rules) holdLeverage(d *doc, in Input, dec *Decision, ev *fired) {
	lv := r.demand.leverage
	if dec.Demand == "" || in.AfterRefusal || ev[1] == "" || len(lv) == 0 {
		return
	}
	c := &r.complaint
	z := c.base
	var held []string
	for i, xi := range d.x[:len(c.cues)+len(c.combos)+3] {
		if xi == 0 {
			continue
		}
		name, w := r.feature(i)
		if slices.Contains(lv, name) {
			if xi*w > 0 {
				held = append(held, name)
			}
			continue
		}
		z += xi * w
	}
	if len(held) == 0 || sigmoid(z) >= c.threshold {
		return
	}
	ev[1] = ""
	dec.Scores[Complaint] = sigmoid(z)
	dec.Demand += fmt.Sprintf("; its leverage (%s) waits for the refusal: complaint %.2f without it, under %.2f", strings.Join(held, ", "), sigmoid(z), c.threshold)
}

// leverage reads demand.leverage: names of complaint cues or combos.
func (l *loader) leverage(s *section, c *complaintRules) []string {
	names, _ := l.ids(s, "leverage")
	if len(names) == 0 {
		return nil
	}
	n := s.vals["leverage"]
	var out []string
	for k, name := range names {
		known := slices.ContainsFunc(c.cues, func(q cue) bool { return q.name == name }) ||
			slices.ContainsFunc(c.combos, func(cb combo) bool { return cb.name == name })
		if !known {
			l.errf(n.Content[k], "%s: %q is not the name of a cue or combo in complaint", s.path("leverage"), name)
			continue
		}
		out = append(out, name)
	}
	return out
}

// ids reads s[key] as a list of knowledge entry ids.
func (l *loader) ids(s *section, key string) ([]string, []int) {
	n, ok := s.vals[key]
	if !ok {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errf(n, "%s: expected a list of knowledge entry ids", s.path(key))
		return nil, nil
	}
	var out []string
	var lines []int
	for _, v := range n.Content {
		if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
			l.errf(v, "%s: expected a knowledge entry id such as payment/price-match", s.path(key))
			continue
		}
		out, lines = append(out, strings.TrimSpace(v.Value)), append(lines, v.Line)
	}
	return out, lines
}
