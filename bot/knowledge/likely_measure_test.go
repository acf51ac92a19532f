package knowledge

import (
	"fmt"
	"os"
	"testing"
)

// The likely tier's measurements (README, "The likely tier"). The default
// target was chosen on the dev side only (TestLikelyTierDev); the held-out
// side (TestLikelyTierHeldOut) was run once after.

// likelyTally counts what a matcher does with labelled queries: confident,
// likely (hedged) and neither, in scope and out of it.
type likelyTally struct {
	inScope, confident, confRight, likely, likelyRight int
	off, offConf, offLikely                            int
}

func (l *likelyTally) add(o likelyTally) {
	l.inScope += o.inScope
	l.confident += o.confident
	l.confRight += o.confRight
	l.likely += o.likely
	l.likelyRight += o.likelyRight
	l.off += o.off
	l.offConf += o.offConf
	l.offLikely += o.offLikely
}

func share(a, b int) float64 { return float64(a) / float64(max(b, 1)) }

func (l likelyTally) String() string {
	s := fmt.Sprintf("in scope %d: confident %.3f (right %.3f of them), likely %.3f (right %.3f of them), right answers confident+likely %.3f",
		l.inScope, share(l.confident, l.inScope), share(l.confRight, l.confident), share(l.likely, l.inScope),
		share(l.likelyRight, l.likely), share(l.confRight+l.likelyRight, l.inScope))
	if l.off > 0 {
		s += fmt.Sprintf("; off-topic %d: confident %.3f, likely %.3f", l.off, share(l.offConf, l.off), share(l.offLikely, l.off))
	}
	return s
}

// tallyLikely asks m every query; inScope says which queries the base can
// answer (the others are off-topic for it).
func tallyLikely(t *testing.T, m Matcher, qs []labelled, inScope func(id string) bool) likelyTally {
	var l likelyTally
	for _, q := range qs {
		got := m.Match(t.Context(), q.Query, 2)
		conf := len(got) > 0 && got[0].Confident
		likely := len(got) > 0 && got[0].Likely
		if conf && likely {
			t.Fatalf("%q: both confident and likely", q.Query)
		}
		if !inScope(q.ID) {
			l.off++
			if conf {
				l.offConf++
			}
			if likely {
				l.offLikely++
			}
			continue
		}
		l.inScope++
		rightTop := len(got) > 0 && got[0].ID == q.ID
		if conf {
			l.confident++
			if rightTop {
				l.confRight++
			}
		}
		if likely {
			l.likely++
			if rightTop {
				l.likelyRight++
			}
		}
	}
	return l
}

// likelyShops runs the shop-sized bases (shopSplits) with the tier's
// target set to target, on qs.
func likelyShops(t *testing.T, b *Base, qs []labelled, target float64) likelyTally {
	cfg, lex := shippedConfig(t), shippedLexicon(t)
	cfg.LikelyRight = target
	var all likelyTally
	for _, split := range shopSplits {
		bases, has := shopSplit(b, split[0], split[1])
		for i, sb := range bases {
			m := NewLexicalMatcher(t.Context(), sb, lex, cfg)
			l := tallyLikely(t, m, qs, func(id string) bool { return has[i][id] })
			t.Logf("target %.2f, %d bases x %d questions, base %d: %s; calibration %s", target, split[0], split[1], i, l, m.Cal.likelyString())
			all.add(l)
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
