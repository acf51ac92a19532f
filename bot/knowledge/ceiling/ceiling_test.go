package ceiling

import "testing"

func TestBestTakesTheHighestCutWithinTheBounds(t *testing.T) {
	// 100 right answers scored 1.00..0.01 and wrong ones at 0.505, 0.255
	// and 0.125: within 2% wrong the cut may pass the first two (1 of 76
	// answers above 0.255) but no lower one (2 of 90 above 0.125 is 2.2%,
	// 3 of 103 at the bottom 2.9%).
	var s []Sample
	for i := 0; i < 100; i++ {
		s = append(s, Sample{Score: float64(100-i) / 100, Lead: 0.5, Kind: Right})
	}
	for _, w := range []float64{0.505, 0.255, 0.125} {
		s = append(s, Sample{Score: w, Lead: 0.5, Kind: Wrong})
	}
	r := Best(s, 0.02, -1)
	if r.InScope != 103 || r.Top1 != 100 {
		t.Fatalf("counted %d in scope, %d top-1; want 103, 100", r.InScope, r.Top1)
	}
	if r.RightN != 75 || r.WrongN != 1 {
		t.Errorf("best rule answers %d right, %d wrong (%s); want 75 right, 1 wrong", r.RightN, r.WrongN, r.Rule)
	}
	if r.WrongShare() > 0.02 {
		t.Errorf("wrong share %.4f over the bound", r.WrongShare())
	}
}

func TestBestUsesTheLeadWhenTheScoreCannotSeparate(t *testing.T) {
	// Same scores; only the lead tells right from wrong: a score-only rule
	// answers nothing within 0 wrong, a lead rule answers every right one.
	s := []Sample{
		{Score: 0.6, Lead: 0.4, Kind: Right}, {Score: 0.6, Lead: 0.3, Kind: Right},
		{Score: 0.6, Lead: 0.01, Kind: Wrong}, {Score: 0.6, Lead: 0.02, Kind: Off},
	}
	r := Best(s, 0, 0)
	if r.RightN != 2 || r.WrongN != 0 || r.OffN != 0 {
		t.Errorf("best rule: %s; want both right ones and nothing else", r)
	}
}

func TestBestKeepsSureAnswersAndTheOffBound(t *testing.T) {
	// A sure wrong answer cannot be taken back: the oracle must add enough
	// right ones to bring the share within 2% (49 of 50), and may not
	// answer the off-scope queries (bound 0).
	s := []Sample{{Score: 0.9, Lead: 0.9, Kind: Wrong, Sure: true}}
	for i := 0; i < 60; i++ {
		s = append(s, Sample{Score: 0.5, Lead: 0.1, Kind: Right})
	}
	s = append(s, Sample{Score: 0.2, Lead: 0.05, Kind: Off})
	r := Best(s, 0.02, 0)
	if r.RightN != 60 || r.WrongN != 1 || r.OffN != 0 || r.OffTotal != 1 {
		t.Errorf("best rule: %s; want 60 right, the sure wrong one, no off-scope", r)
	}
	if r := Best(s[:1], 0.02, 0); r.RightN != 0 || r.Rule != "none meets the bounds" {
		t.Errorf("only a sure wrong answer: %s; want none meets the bounds", r)
	}
}

func TestOutcomeCountsWhatADecisionAnswered(t *testing.T) {
	var r Result
	for _, c := range []struct {
		kind     Kind
		answered bool
	}{{Right, true}, {Right, false}, {Wrong, true}, {Wrong, false}, {Off, true}, {Off, false}, {Off, false}} {
		r.Add(Outcome(Sample{Kind: c.kind}, c.answered))
	}
	want := Result{InScope: 4, OffTotal: 3, Top1: 2, RightN: 1, WrongN: 1, OffN: 1, Rule: "one per base"}
	if r != want {
		t.Errorf("got %+v, want %+v", r, want)
	}
}

func TestTallyCountsDecisions(t *testing.T) {
	var l Tally
	for _, c := range []struct{ in, right, conf, likely bool }{
		{true, true, true, false}, {true, false, true, false}, {true, true, false, true},
		{true, false, false, true}, {true, true, false, false}, {false, false, true, false}, {false, false, false, true},
		// flagged both: one confident answer, not a likely one too
		{true, true, true, true}, {false, false, true, true},
	} {
		l.Count(c.in, c.right, c.conf, c.likely)
	}
	want := Tally{InScope: 6, Confident: 3, ConfRight: 2, Likely: 2, LikelyRight: 1, Off: 3, OffConf: 2, OffLikely: 1}
	if l != want {
		t.Errorf("got %+v, want %+v", l, want)
	}
	var sum Tally
	sum.Add(l)
	sum.Add(l)
	if sum.InScope != 12 || sum.LikelyRight != 2 || sum.OffLikely != 2 {
		t.Errorf("sum %+v", sum)
	}
}
