package knowledge

import (
	"context"
	"strings"
	"testing"
)

// guessRanker scores calibration queries in bands, by question number:
// a top band whose own entry leads clearly (the confident decision's,
// i%10 in 0..2), a low band at one value where the own entry comes first
// 4 times in 5 (i%10 in 3..6 right, 7 wrong), and a lower band of wrong
// answers (8, 9). Every question asked with its entry left out lands in
// the low band too, and off-topic messages far below it, except those
// starting "BAND", which look like the low band. At query time a message
// starting "BAND" is ranked like the low band's right answers.
func guessRanker(b *Base) Ranker {
	qs, ids := b.Questions(), b.IDs()
	other, list := bandLists(b)
	return func(_ context.Context, query string, skip, n int) []Candidate {
		if q, ok := SkippedEntry(skip); ok {
			return list(other(qs[q].ID), 0.3, 0.25) // a missing topic: any answer is wrong
		}
		if skip < 0 {
			if strings.HasPrefix(query, "BAND") {
				return list(ids[2], 0.3, 0.25)
			}
			return list(ids[3], 0.05, 0.04) // off-topic
		}
		switch skip % 10 {
		case 0, 1, 2:
			return list(qs[skip].ID, 0.9, 0.1)
		case 3, 4, 5, 6:
			return list(qs[skip].ID, 0.3, 0.25)
		case 7:
			return list(other(qs[skip].ID), 0.3, 0.25)
		default:
			return list(other(qs[skip].ID), 0.12, 0.1)
		}
	}
}

// TestGuessTierSmallAndLargeBase: on a 20-entry and a 1,000-entry base,
// calibration puts the guess cut at the low band, right 4 times in 5 on
// the held-out questions: below the likely tier, which counts the
// missing-topic questions in that band as wrong and so takes none of it,
// and above the wrong answers under it. A message like the band is a
// Guess, neither Likely nor Confident; an off-topic one is none of these.
// A target the band cannot meet, or a negative one (the tier off), gives
// no tier.
func TestGuessTierSmallAndLargeBase(t *testing.T) {
	small, _ := Load(smallShop(), "kb")
	bases := map[string]*Base{"small": small}
	if !testing.Short() {
		fsys, _ := syntheticKB(1000)
		large, _ := Load(fsys, "kb")
		bases["large"] = large
	}
	for name, b := range bases {
		rank := guessRanker(b)
		m := NewCalibrated(t.Context(), b, rank, shippedConfig(t))
		c := m.Cal
		t.Logf("%s: %s", name, c)
		if c.Thin || c.Hedge {
			t.Fatalf("%s: thin %v, likely tier %v: want a calibrated base whose likely tier takes none of the low band", name, c.Thin, c.Hedge)
		}
		if !c.Guesses || c.GuessRight != DefaultGuessRight {
			t.Fatalf("%s: no guess tier at the default target: %s", name, c)
		}
		if held := float64(c.Held); c.GuessAnswered < 0.5-1/held || c.GuessAnswered > 0.5+1/held || c.GuessPrecision < 0.79 || c.GuessPrecision > 0.81 || c.OffTopicGuessed != 0 {
			t.Errorf("%s: guess tier took %.3f of held-out (want the low band, 0.5), right %.3f (want 0.8), off-topic %.3f (want 0)",
				name, c.GuessAnswered, c.GuessPrecision, c.OffTopicGuessed)
		}
		got := m.Match(t.Context(), "BAND: a question like the low band", 3)
		if len(got) == 0 || got[0].Tier() != Guess || got[0].Confident || got[0].Likely {
			t.Errorf("%s: low-band message %+v, want the first a Guess alone", name, got)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Tier() != Unsure {
				t.Errorf("%s: candidate %d marked %v (only the first can be)", name, i, got[i].Tier())
			}
		}
		if got := m.Match(t.Context(), "tell me a joke", 3); len(got) == 0 || got[0].Tier() != Unsure {
			t.Errorf("%s: off-topic message %+v, want no tier", name, got)
		}
		for _, tc := range []struct {
			target float64
			guess  bool
		}{{0.7, true}, {0.85, false}, {-1, false}} {
			cfg := shippedConfig(t)
			cfg.GuessRight = tc.target
			c := Calibrate(t.Context(), b, rank, cfg)
			if c.Guesses != tc.guess || c.Guess(rank(t.Context(), "BAND", -1, 2)) != tc.guess {
				t.Errorf("%s, target %.2f: guess tier %v, want %v: %s", name, tc.target, c.Guesses, tc.guess, c)
			}
		}
	}
}

// TestGuessTierKeepsOffTopicOut: when off-topic messages look like the
// band a guess would take (a tenth of them, above the 5% off-topic
// target), there is no cut between them and the right answers, and no
// tier: chit-chat is never met with "are you asking about …?".
func TestGuessTierKeepsOffTopicOut(t *testing.T) {
	b, _ := Load(smallShop(), "kb")
	cfg := shippedConfig(t)
	cfg.OffTopic = nil
	for i := range 40 {
		m := "some chit-chat"
		if i%10 == 0 {
			m = "BAND chit-chat sharing a strong word with an entry"
		}
		cfg.OffTopic = append(cfg.OffTopic, m)
	}
	c := Calibrate(t.Context(), b, guessRanker(b), cfg)
	if c.Guesses || c.OffTopicGuessed != 0 {
		t.Errorf("off-topic messages a tenth in the band: guess tier %v, off-topic guessed %.3f; want none: %s", c.Guesses, c.OffTopicGuessed, c)
	}
	// A twentieth is within the target: the tier is back.
	cfg.OffTopic[10], cfg.OffTopic[20] = "some chit-chat", "some chit-chat"
	c = Calibrate(t.Context(), b, guessRanker(b), cfg)
	if !c.Guesses || c.OffTopicGuessed > c.OffTopicRate {
		t.Errorf("off-topic messages a twentieth in the band: guess tier %v, off-topic guessed %.3f; want the tier within %.2f: %s", c.Guesses, c.OffTopicGuessed, c.OffTopicRate, c)
	}
}

// TestGuessTierThinBase: a base too thin to calibrate gets no tier.
func TestGuessTierThinBase(t *testing.T) {
	fsys := smallShop()
	for k := range fsys {
		if !strings.HasPrefix(k, "kb/c") && !strings.HasPrefix(k, "kb/s") {
			delete(fsys, k)
		}
	}
	b, _ := Load(fsys, "kb")
	if c := Calibrate(t.Context(), b, guessRanker(b), shippedConfig(t)); !c.Thin || c.Guesses {
		t.Errorf("%d questions: thin %v, guess tier %v; want thin and no tier", c.Held, c.Thin, c.Guesses)
	}
}
