package handoff

import "testing"

// TestDemandKeepingTheItem: a refund while keeping the item is the same
// demand whichever tense says the keeping ("I'm keeping it", "and I keep
// it", "but we'll keep them"); asking whether one can is a question.
func TestDemandKeepingTheItem(t *testing.T) {
	r := loadShipped(t)
	for _, c := range []struct {
		text   string
		demand bool
	}{
		{"refund me and I'm keeping the item", true},
		{"refund me and I keep the item", true},
		{"refund me but we'll keep them", true},
		{"refund me and i will keep it", true},
		{"can I get a refund and keep the item?", false},
		{"refund me and keep me posted", false},
	} {
		d := r.Detect(Input{Text: c.text, Lang: "en"})
		if (d.Demand != "") != c.demand || d.Handoff {
			t.Errorf("Detect(%q): demand %q, handoff %v (%s); want demand %v and no handoff", c.text, d.Demand, d.Handoff, d.Reason, c.demand)
		}
	}
}
