package knowledge

import (
	"context"
	"strings"
	"testing"
)

// bandRanker scores calibration queries in three bands, by question
// number: a third-of-a-base top band whose own entry leads clearly (the
// confident decision's), a middle band where the own entry comes first
// only narrowly (questions i%6 in 2..4) or another entry does (i%6 == 5),
// and a low band for missing topics and off-topic messages. At query time
// a message starting "MID" looks like the middle band's right answers,
// anything else like an off-topic message.
func bandRanker(b *Base) Ranker {
	qs, ids := b.Questions(), b.IDs()
	other, list := bandLists(b)
	return func(_ context.Context, query string, skip, n int) []Candidate {
		if q, ok := SkippedEntry(skip); ok {
			return list(other(qs[q].ID), 0.2, 0.15) // a missing topic: any answer is wrong
		}
		if skip < 0 {
			if strings.HasPrefix(query, "MID") {
				return list(ids[2], 0.5, 0.4)
			}
			return list(ids[3], 0.1, 0.05) // off-topic
		}
		switch skip % 6 {
		case 0, 1:
			return list(qs[skip].ID, 0.9, 0.1)
		case 2, 3, 4:
			return list(qs[skip].ID, 0.5, 0.4)
		default:
			return list(other(qs[skip].ID), 0.45, 0.4)
		}
	}
}

// bandLists are the pieces of the banded test rankers: the entry that
// is not id (the base's first or second), and a two-candidate list with
// first at s1 and that other entry at s2.
func bandLists(b *Base) (other func(id string) string, list func(first string, s1, s2 float64) []Candidate) {
	ids := b.IDs()
	other = func(id string) string {
		if ids[0] == id {
			return ids[1]
		}
		return ids[0]
	}
	list = func(first string, s1, s2 float64) []Candidate {
		return []Candidate{{ID: first, Score: s1, Cover: 1}, {ID: other(first), Score: s2, Cover: 1}}
	}
	return other, list
}

// TestLikelyTierSmallBase: on a 20-entry base the likely cut takes the
// middle band (right 30 of 30 times) below the confident decision and
// leaves the wrong, missing-topic and off-topic samples out; a message
// like the middle band is Likely, not Confident, and an off-topic one is
// neither. A target the middle band cannot meet, or a negative one (the
// tier off), gives no tier.
func TestLikelyTierSmallBase(t *testing.T) {
	b, _ := Load(smallShop(), "kb")
	rank := bandRanker(b)
	m := NewCalibrated(t.Context(), b, rank, shippedConfig(t))
	c := m.Cal
	t.Logf("%s", c)
	if c.Right != 20.0/60 || c.Wrong != 0 {
		t.Fatalf("confident decision: right %.3f wrong %.3f, want the top band alone (20 of 60)", c.Right, c.Wrong)
	}
	if !c.Hedge || c.LikelyRight != DefaultLikelyRight {
		t.Fatalf("no likely tier at the default target: %s", c)
	}
	if c.LikelyAnswered != 0.5 || c.LikelyPrecision != 1 || c.OffTopicLikely != 0 || c.NearLikely != 0 {
		t.Errorf("likely tier took %.3f of held-out (want 0.5), right %.3f (want 1), off-topic %.3f, missing topics %.3f (want 0)",
			c.LikelyAnswered, c.LikelyPrecision, c.OffTopicLikely, c.NearLikely)
	}
	got := m.Match(t.Context(), "MID: a question like the middle band", 3)
	if len(got) == 0 || got[0].Confident || !got[0].Likely {
		t.Errorf("middle-band message: %+v, want the first Likely and not Confident", got)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Likely || got[i].Confident {
			t.Errorf("candidate %d marked: %+v (only the first can be)", i, got[i])
		}
	}
	if got := m.Match(t.Context(), "tell me a joke", 3); len(got) == 0 || got[0].Confident || got[0].Likely {
		t.Errorf("off-topic message: %+v, want neither Confident nor Likely", got)
	}
	// The middle band alone is right 30 of 30 times (with the wrong
	// answers under it, 30 of 40): any target up to 1 takes exactly it,
	// none above 1 can be met, and a negative one turns the tier off.
	for _, tc := range []struct {
		target float64
		hedge  bool
	}{{0.7, true}, {0.95, true}, {1.01, false}, {-1, false}} {
		cfg := shippedConfig(t)
		cfg.LikelyRight = tc.target
		c := Calibrate(t.Context(), b, rank, cfg)
		if c.Hedge != tc.hedge {
			t.Errorf("target %.2f: likely tier %v, want %v: %s", tc.target, c.Hedge, tc.hedge, c)
		}
		if c.Hedge && (c.LikelyPrecision < tc.target || c.LikelyAnswered != 0.5) {
			t.Errorf("target %.2f: %s", tc.target, c)
		}
		if c.Likely(rank(t.Context(), "MID", -1, 2)) != tc.hedge {
			t.Errorf("target %.2f: middle-band list Likely = %v, want %v", tc.target, !tc.hedge, tc.hedge)
		}
	}
}

// TestLikelyTierRealBases: with the lexical ranker, the likely and the
// guess tier keep their own targets on the calibration samples of a small
// shop and of a 1,000-entry base: at least LikelyRight (GuessRight) of
// what each takes is right, and the off-topic messages answered
// confidently or likely stay within the off-topic target, as do those
// guessed. A list is marked with one tier at most.
func TestLikelyTierRealBases(t *testing.T) {
	small, _ := Load(smallShop(), "kb")
	bases := map[string]*Base{"small": small}
	queries := []string{"please reset my password", "track parcel", "tell me a joke", "gift for my mum", "broken delivery", "what's the weather like"}
	if !testing.Short() {
		fsys, qs := syntheticKB(1000)
		large, _ := Load(fsys, "kb")
		bases["large"] = large
		queries = append(queries, qs[:50]...)
	}
	for name, b := range bases {
		m := NewLexicalMatcher(t.Context(), b, shippedLexicon(t), shippedConfig(t))
		c := m.Cal
		t.Logf("%s: %s", name, c)
		if c.Hedge && c.LikelyPrecision < c.LikelyRight {
			t.Errorf("%s: likely answers right %.3f of the time on the samples, below the target %.2f", name, c.LikelyPrecision, c.LikelyRight)
		}
		if c.OffTopicAnswered+c.OffTopicLikely > c.OffTopicRate+1e-9 {
			t.Errorf("%s: off-topic answered %.3f + hedged %.3f, above %.3f", name, c.OffTopicAnswered, c.OffTopicLikely, c.OffTopicRate)
		}
		if c.Guesses && (c.GuessPrecision < c.GuessRight || c.OffTopicGuessed > c.OffTopicRate+1e-9) {
			t.Errorf("%s: guesses right %.3f of the time on the samples (target %.2f), off-topic guessed %.3f (target %.3f)", name, c.GuessPrecision, c.GuessRight, c.OffTopicGuessed, c.OffTopicRate)
		}
		for _, q := range queries {
			got := m.Match(t.Context(), q, 2)
			if len(got) == 0 {
				continue
			}
			if n := b2i(got[0].Confident) + b2i(got[0].Likely) + b2i(got[0].Guess); n > 1 {
				t.Errorf("%s: %q marked with %d tiers: %+v", name, q, n, got[0])
			}
		}
	}
}

// TestLikelyTierThinBase: a base too thin to calibrate gets no tier.
func TestLikelyTierThinBase(t *testing.T) {
	fsys := smallShop()
	for k := range fsys {
		if !strings.HasPrefix(k, "kb/c") && !strings.HasPrefix(k, "kb/s") {
			delete(fsys, k)
		}
	}
	b, _ := Load(fsys, "kb")
	c := Calibrate(t.Context(), b, bandRanker(b), shippedConfig(t))
	if !c.Thin || c.Hedge {
		t.Errorf("%d questions: thin %v, likely tier %v; want thin and no tier", c.Held, c.Thin, c.Hedge)
	}
}
