package knowledge

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"testing/fstest"
)

// pairShop is a day-one base (smallShop's, with its own location,
// contact and hours entries) whose location and contact entries share
// "address", each in one question only: left out one by one, each of
// those questions ranks the other entry first.
func pairShop(extraLocation int) fstest.MapFS {
	entry := func(qs []string, answer string) *fstest.MapFile {
		var src strings.Builder
		src.WriteString("---\nquestions:\n")
		for _, q := range qs {
			fmt.Fprintf(&src, "  - %q\n", q)
		}
		fmt.Fprintf(&src, "---\n%s\n", answer)
		return &fstest.MapFile{Data: []byte(src.String())}
	}
	location := []string{"Where is the shop?", "What's your address?", "How do I find you?"}
	for i := range extraLocation {
		location = append(location, fmt.Sprintf("Which street are you on, number %d?", i+1))
	}
	fsys := smallShop()
	for _, id := range []string{"address", "contact", "hours"} {
		delete(fsys, "kb/"+id+".md") // their words would blur the pair
	}
	fsys["kb/shop/location.md"] = entry(location, "12 Mill Lane, next to the station.")
	fsys["kb/shop/contact.md"] = entry([]string{"What's your email address?", "Can I call you?", "What's your phone number?"}, "Call 0117 496 0000 or write to hello@example.com.")
	fsys["kb/shop/hours.md"] = entry([]string{"When are you open?", "What are your opening hours?", "Are you open on Sunday?"}, "9 to 5, Monday to Saturday.")
	return fsys
}

// TestTwoWayCrossingsAreMarked: with the lexical ranker, the two
// "address" questions cross to each other's entry when left out, and
// calibration marks both as a two-way crossing; when the location entry
// has more questions than pairFewQuestions, its own crossing is an
// overlap of a rich entry and is not marked, while the contact entry's
// still is.
func TestTwoWayCrossingsAreMarked(t *testing.T) {
	for _, tc := range []struct {
		extra                 int
		wantLocation, wantCon bool
	}{{0, true, true}, {3, false, true}} {
		b, problems := Load(pairShop(tc.extra), "kb")
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		l := NewLexical(b, shippedLexicon(t))
		samples, crossings, _ := calibrationSamples(t.Context(), b, l.Rank, CalibrationConfig{}, &Calibration{})
		twoWayCrossings(b, samples, crossings)
		got := map[string]bool{}
		for _, c := range crossings {
			if strings.Contains(c.Question, "address") {
				got[c.From] = c.s.pair
				if c.s.pair != samples[c.idx].pair || samples[c.idx].kind != wrong {
					t.Errorf("%q: crossing marked %v, its sample %v (kind %d)", c.Question, c.s.pair, samples[c.idx].pair, samples[c.idx].kind)
				}
			}
		}
		if len(got) != 2 || got["shop/location"] != tc.wantLocation || got["shop/contact"] != tc.wantCon {
			t.Errorf("location with %d more questions: two-way crossings of the address questions %v, want location %v, contact %v (crossings %+v)",
				tc.extra, got, tc.wantLocation, tc.wantCon, crossings)
		}
		for _, s := range samples {
			if s.pair && s.kind != wrong {
				t.Errorf("a %d sample is marked two-way: only wrong held-out questions are", s.kind)
			}
		}
	}
}

// TestLikelyTierWeighsTwoWayCrossingsAsCustomers: the likely tier's share
// right the cut is chosen on weighs a wrong held-out question in a
// two-way crossing the ranker's pooled PairWrong of a wrong answer
// (LikelyPrecision), and the share with every wrong one counted whole
// (LikelyCounted) is the summary's figure against the target, the
// weighed one an estimate beside it; a one-way crossing counts whole in
// both, unless the prior weighs any other wrong one (OtherWrong, the
// fused ranker's), and then the estimate names both weights. Without a
// pooled prior (or PairWrong 0) both count whole and there is no
// estimate.
func TestLikelyTierWeighsTwoWayCrossingsAsCustomers(t *testing.T) {
	b, _ := Load(smallShop(), "kb")
	qs := b.Questions()
	// Questions 0-19 are hedged (an earlier stage's, whatever the cut):
	// 0 and 3 cross both ways between the first two entries, 6 and 7
	// cross one way to a third; the rest are right.
	a, c := qs[0].ID, qs[3].ID
	if a == c || qs[6].ID == a || qs[6].ID == c {
		t.Fatalf("smallShop's question order changed: %v %v %v", qs[0], qs[3], qs[6])
	}
	to := map[int]string{0: c, 3: a, 6: "elsewhere", 7: "elsewhere"}
	rank := Ranker(func(_ context.Context, query string, skip, n int) []Candidate {
		if _, ok := SkippedEntry(skip); ok || skip < 0 || skip >= 20 {
			return nil
		}
		id := qs[skip].ID
		if t, ok := to[skip]; ok {
			id = t
		}
		return []Candidate{{ID: id, Score: 0.05, Hedged: true}, {ID: "x", Score: 0.04}}
	})
	counted := 16.0 / 20
	for _, w := range []struct{ pair, other float64 }{{0, 0}, {0.14, 0}, {0.5, 0}, {0.22, 0.86}} {
		pair := w.pair
		cfg := CalibrationConfig{OffTopic: []string{"a", "b"}, Prior: -1}
		if pair > 0 {
			cfg.Pooled = &PooledPrior{Confident: PooledRule{Lead: math.Inf(1)}, Likely: PooledRule{Lead: math.Inf(1)}, PairWrong: pair, OtherWrong: w.other, PairWrongFitted: "dev pool X"}
		}
		cal := Calibrate(t.Context(), b, rank, cfg)
		corrected := counted
		if pair > 0 {
			// The one-way crossings weigh OtherWrong (0: whole).
			corrected = 16 / (16 + 2*cmp.Or(w.other, 1) + 2*pair)
		}
		if math.Abs(cal.LikelyCounted-counted) > 1e-9 || math.Abs(cal.LikelyPrecision-corrected) > 1e-9 || cal.PairWrong != pair {
			t.Errorf("pair weight %.2f: likely tier right %.4f (counted whole %.4f, weight %.2f), want %.4f (%.4f)", pair, cal.LikelyPrecision, cal.LikelyCounted, cal.PairWrong, corrected, counted)
		}
		// The summary compares the share counted whole with the target,
		// and gives the weighed one after it as an estimate, with the
		// weight and where it was fitted.
		sum := cal.String()
		if want := fmt.Sprintf("right %.2f of the hedged, every wrong counted whole (target %.2f", counted, cal.LikelyRight); !strings.Contains(sum, want) {
			t.Errorf("pair weight %.2f: the summary lacks %q: %s", pair, want, sum)
		}
		weights := fmt.Sprintf("a two-way crossing weighed %.2f", pair)
		if w.other > 0 {
			weights += fmt.Sprintf(", any other wrong one %.2f", w.other)
		}
		est := fmt.Sprintf("; est. %.2f for customers' messages, the cut's, %s as fitted on dev pool X)", corrected, weights)
		if got := strings.Contains(sum, est); got != (pair > 0) || cal.LikelyEstimated() != (pair > 0) {
			t.Errorf("pair weight %.2f: estimate %v (LikelyEstimated %v), want %v: %s", pair, got, cal.LikelyEstimated(), pair > 0, sum)
		}
	}
}

// TestPooledLikelyRuleNotKeptByThePairWeightAlone: the pooled likely rule
// is refused when only the two-way-crossing estimate (PairWrong) keeps
// the tier at its target and the held-out questions it adds to this
// base's samples are wrong at least as often as right (review A, D2:
// bikes fused kept a rule whose 2 additions were both wrong); it is kept
// when they are mostly right, and without the weight it is refused by
// the share counted whole as before.
func TestPooledLikelyRuleNotKeptByThePairWeightAlone(t *testing.T) {
	mk := func(kind int8, pair, hedged bool, margin float64) sample {
		return sample{score: 0.05, margin: margin, kind: kind, pair: pair, hedged: hedged, lang: "en"}
	}
	// The tier's own samples (an earlier stage's hedges): 16 right, 2
	// wrong in two-way crossings, 2 wrong one way: 0.80 counted whole.
	var own []sample
	for range 16 {
		own = append(own, mk(right, false, true, 0.01))
	}
	own = append(own, mk(wrong, true, true, 0.01), mk(wrong, true, true, 0.01), mk(wrong, false, true, 0.01), mk(wrong, false, true, 0.01))
	for range 40 {
		own = append(own, sample{kind: off, lang: "en"})
	}
	adds := func(nRight, nPairWrong int) []sample {
		s := append([]sample(nil), own...)
		for range nRight {
			s = append(s, mk(right, false, false, 0.04))
		}
		for range nPairWrong {
			s = append(s, mk(wrong, true, false, 0.04))
		}
		return s
	}
	for _, tc := range []struct {
		name          string
		pair          float64
		samples       []sample
		kept          bool
		refusedSaysIt string
	}{
		{"2 added, both wrong, weighed 0.41", 0.41, adds(0, 2), false, "every wrong counted whole, would fall under its target 80%, and 2 of the 2 held-out questions it adds are wrong"},
		{"5 added, 2 wrong, weighed 0.41", 0.41, adds(3, 2), true, ""},
		{"2 added, both wrong, counted whole", 0, adds(0, 2), false, "the tier's share right would fall under its target 80%"},
	} {
		cal := &Calibration{Threshold: math.Inf(1), LikelyInScope: DefaultLikelyInScope, OffTopicRate: DefaultOffTopicRate, PairWrong: tc.pair,
			Pooled: &PooledPrior{Likely: PooledRule{Lead: 0.5, MaxUnknown: 0.35, MinScore: 0.01}, PairWrong: tc.pair}}
		pooledLikely(cal, tc.samples, CalibrationConfig{})
		pc := cal.PooledLikely
		if pc.Kept != tc.kept || !strings.Contains(pc.Refused, tc.refusedSaysIt) {
			t.Errorf("%s: kept %v (%q), want %v (%q)", tc.name, pc.Kept, pc.Refused, tc.kept, tc.refusedSaysIt)
		}
	}
}
