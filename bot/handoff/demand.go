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
