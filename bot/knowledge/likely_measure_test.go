package knowledge

import (
	"os"
	"testing"

	"github.com/batonhq/baton/bot/knowledge/ceiling"
)

// The likely tier's measurements (README, "The likely tier"). The default
// target was chosen on the dev side only (TestLikelyTierDev); the held-out
// side (TestLikelyTierHeldOut) was run once after.

// tallyLikely asks m every query; inScope says which queries the base can
// answer (the others are off-topic for it).
func tallyLikely(t *testing.T, m Matcher, qs []labelled, inScope func(id string) bool) ceiling.Tally {
	var l ceiling.Tally
	for _, q := range qs {
		got := m.Match(t.Context(), q.Query, 2)
		conf := len(got) > 0 && got[0].Confident
		likely := len(got) > 0 && got[0].Likely
		if conf && likely {
			t.Fatalf("%q: both confident and likely", q.Query)
		}
		l.Count(inScope(q.ID), len(got) > 0 && got[0].ID == q.ID, conf, likely)
	}
	return l
}

// likelyShops runs the shop-sized bases (shopSplits) with the tier's
// target set to target, on qs.
func likelyShops(t *testing.T, b *Base, qs []labelled, target float64) ceiling.Tally {
	cfg, lex := shippedConfig(t), shippedLexicon(t)
	cfg.LikelyRight = target
	var all ceiling.Tally
	for _, split := range shopSplits {
		bases, has := shopSplit(b, split[0], split[1])
		for i, sb := range bases {
			m := NewLexicalMatcher(t.Context(), sb, lex, cfg)
			l := tallyLikely(t, m, qs, func(id string) bool { return has[i][id] })
			t.Logf("target %.2f, %d bases x %d questions, base %d: %s; calibration %s", target, split[0], split[1], i, l, m.Cal.likelyString())
			all.Add(l)
		}
	}
	return all
}

// TestLikelyTierDev chooses the default likely target on dev data only:
// the shop-sized bases asked banking77's knowledge questions 6-10
// (devQueries), and the full base's own leave-one-out calibration.
func TestLikelyTierDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1 to run it")
	}
	b, _ := loadBanking77(t)
	for _, target := range []float64{0.7, 0.8, 0.9} {
		t.Logf("dev shops, target %.2f: %s", target, likelyShops(t, b, devQueries(b), target))
		cfg := shippedConfig(t)
		cfg.LikelyRight = target
		m := NewLexicalMatcher(t.Context(), b, shippedLexicon(t), cfg)
		t.Logf("full base in sample (leave-one-out), target %.2f: %s", target, m.Cal)
	}
}

// TestLikelyTierHeldOut measures the shipped default on test.jsonl: the
// full base, and the shop-sized bases (other bases' queries off-topic).
// Run once, after the default was chosen on dev.
func TestLikelyTierHeldOut(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1 to run it")
	}
	b, test := loadBanking77(t)
	m := shippedMatcher(t, b)
	t.Logf("full base, test.jsonl: %s; calibration %s", tallyLikely(t, m, test, func(string) bool { return true }), m.Cal)
	t.Logf("shops, test.jsonl: %s", likelyShops(t, b, test, 0))
}
