package handoff

import (
	"slices"
	"testing"
)

// TestComplaintCueWalkAgrees: complaintVector visits only the cue groups
// with a candidate phrase (complaintRules.cueOf) and skips combos no cue
// can turn on; on every message of the test corpus it must give what
// asking every group in turn (the walk it replaced) gives.
func TestComplaintCueWalkAgrees(t *testing.T) {
	r := rules(t)
	if r.complaint.cueOf == nil {
		t.Fatal("the shipped rules' cue groups are not laid out as the index's last lists")
	}
	slow := *r
	slow.complaint.cueOf = nil // every group asked (candWalk)
	slow.complaint.combos = slices.Clone(r.complaint.combos)
	for k := range slow.complaint.combos {
		slow.complaint.combos[k].needsCue = false // every combo read
	}
	found := 0 // messages with a cue: the walk was put to the test
	for _, s := range corpus(t) {
		d := r.analyse(s)
		x, hits := r.complaintVector(d)
		x, hits = slices.Clone(x), slices.Clone(hits)
		wx, whits := slow.complaintVector(d)
		if !slices.Equal(x, wx) {
			t.Errorf("%q: features %v, every group asked %v", s, x, wx)
		}
		for i := range hits {
			if hits[i] != whits[i] {
				t.Errorf("%q: cue %d found %+v, every group asked %+v", s, i, hits[i], whits[i])
			}
		}
		if slices.ContainsFunc(x, func(v float64) bool { return v != 0 }) {
			found++
		}
		r.release(d)
	}
	if found == 0 {
		t.Fatal("no message of the corpus has a complaint cue")
	}
	t.Logf("%d messages with a cue", found)
}
