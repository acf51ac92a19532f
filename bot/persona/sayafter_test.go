package persona

import "testing"

// After a message that apologised, SayAfter takes a wording that does
// not, whatever the seed, when the message has one; after one that did
// not, it is Say.
func TestSayAfterKeepsOneApology(t *testing.T) {
	p, _ := loadReal(t)
	for _, l := range realLangs {
		sorry := p.Say(l, "upset", Data{})
		if !Apologises(sorry) {
			t.Fatalf("%s upset does not apologise: %q", l, sorry)
		}
		for seed := 0; seed < 6; seed++ {
			d := Data{Customer: "Jane", Seed: seed}
			if out := p.SayAfter(sorry, l, "offer_person", d); Apologises(out) {
				t.Errorf("%s seed %d: offer_person after an apology apologises again: %q", l, seed, out)
			}
			if out, want := p.SayAfter("Here are the topics.", l, "offer_person", d), p.Say(l, "offer_person", d); out != want {
				t.Errorf("%s seed %d: after no apology, SayAfter = %q, want Say's %q", l, seed, out, want)
			}
		}
	}
}

// handoff_empathy stands in for handoff_sorry when the answer with it
// apologises already: it must not apologise itself.
func TestHandoffEmpathyDoesNotApologise(t *testing.T) {
	p, _ := loadReal(t)
	for _, l := range realLangs {
		for _, out := range renders(p, l, "handoff_empathy") {
			if Apologises(out) || out == "" {
				t.Errorf("%s handoff_empathy: %q; want empathy without an apology", l, out)
			}
		}
	}
}
