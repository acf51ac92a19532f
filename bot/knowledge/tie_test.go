package knowledge

import (
	"context"
	"strings"
	"testing"
)

// tieRanker is bandRanker (or guessRanker) with a near tie: the held-out
// questions the tier would take half of, i%6 == 4 (i%10 == 6), have
// their own entry first by a hair (a runner-up within tieShare), and a
// message starting "TIE" is ranked like them.
func tieRanker(b *Base, inner Ranker, every, at int, s1 float64) Ranker {
	qs, ids := b.Questions(), b.IDs()
	_, list := bandLists(b)
	return func(ctx context.Context, query string, skip, n int) []Candidate {
		switch {
		case skip < 0 && strings.HasPrefix(query, "TIE"):
			return list(ids[2], s1, s1*0.999)
		case skip >= 0 && skip%every == at:
			return list(qs[skip].ID, s1, s1*0.995)
		}
		return inner(ctx, query, skip, n)
	}
}

// TestNearTieIsOfferedNotHedged: two candidates scored within tieShare
// of each other (item 13 of the QA walk: a lead of 0.001) are neither
// hedged on (Likely) nor guessed on (Guess): the reply offers both among
// the closest topics. Calibration counts the tied held-out questions as
// taken by neither tier, so the tiers' figures are what they do; a clear
// lead at the same score is still Likely (Guess).
func TestNearTieIsOfferedNotHedged(t *testing.T) {
	b, _ := Load(smallShop(), "kb")
	ctx := t.Context()
	for _, tc := range []struct {
		name      string
		rank      Ranker
		s1        float64
		tier      Tier
		taken     float64 // the tier's share of the held-out questions, ties left out
		clear, by []Candidate
	}{
		// bandRanker's middle band is i%6 in 2..4: one of its three tied.
		{name: "likely", rank: tieRanker(b, bandRanker(b), 6, 4, 0.5), s1: 0.5, tier: Likely, taken: 2.0 / 6},
		// guessRanker's low band is i%10 in 3..7: one of its five tied.
		{name: "guess", rank: tieRanker(b, guessRanker(b), 10, 6, 0.3), s1: 0.3, tier: Guess, taken: 4.0 / 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := NewCalibrated(ctx, b, tc.rank, shippedConfig(t))
			c := m.Cal
			t.Logf("%s", c)
			taken := c.LikelyAnswered
			if tc.tier == Guess {
				taken = c.GuessAnswered
			}
			if taken != tc.taken {
				t.Errorf("the %s tier took %.3f of the held-out questions, want %.3f (the tied ones left out)", tc.tier, taken, tc.taken)
			}
			got := m.Match(ctx, "TIE: two topics scored alike", 3)
			if len(got) < 2 || got[0].Tier() != Unsure {
				t.Fatalf("near tie: %+v, want both offered, the first neither confident, likely nor a guess", got)
			}
			ids := b.IDs()
			_, list := bandLists(b)
			if lead := list(ids[2], tc.s1, tc.s1*0.97); c.Tier(lead) != tc.tier {
				t.Errorf("a 3%% lead at the same score: %s, want %s", c.Tier(lead), tc.tier)
			}
			for _, hedged := range []bool{false, true} {
				tie := list(ids[2], tc.s1, tc.s1-0.001)
				tie[0].Hedged = hedged // an earlier stage's hedge does not take a tie either
				if !Tied(tie) || c.Tier(tie) != Unsure {
					t.Errorf("a lead of 0.001 at %.2f (hedged by an earlier stage %v): tied %v, %s; want tied and unsure", tc.s1, hedged, Tied(tie), c.Tier(tie))
				}
			}
		})
	}
}

// TestNearTieIsNotConfident: a cut every score meets still does not answer
// a list whose runner-up is within tieShare of its first (a bare
// "returns?", returns/policy 0.424 against returns/start 0.418): that is a
// coin toss, offered as both topics; the same score with a clear lead is
// answered, and an earlier stage's sure answer stays sure.
func TestNearTieIsNotConfident(t *testing.T) {
	c := &Calibration{Threshold: 0.1}
	list := func(s1, s2 float64) []Candidate {
		return []Candidate{{ID: "returns/policy", Score: s1}, {ID: "returns/start", Score: s2}}
	}
	if tied := list(0.424, 0.418); c.Confident(tied) || c.Tier(tied) != Unsure {
		t.Errorf("a near tie (0.424 against 0.418): confident %v, tier %v; want not confident, unsure", c.Confident(tied), c.Tier(tied))
	}
	if clear := list(0.424, 0.3); !c.Confident(clear) {
		t.Errorf("a clear lead (0.424 against 0.3) is not confident under a cut of 0.1")
	}
	sure := list(0.424, 0.418)
	sure[0].Sure = true
	if !c.Confident(sure) {
		t.Errorf("an earlier stage's sure answer in a near tie is no longer confident")
	}
	// calibration counts it so: a tied held-out sample is never answered.
	if c.answers(sample{score: 0.424, margin: 0.006, kind: right}) {
		t.Errorf("calibration counts a tied sample as answered")
	}
}
