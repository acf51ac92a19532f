package knowledge_test

import (
	"os"
	"slices"
	"testing"

	"github.com/batonhq/baton/bot/knowledge/suitetest"
)

// TestLikelyTierSuite measures the likely tier on the shipped base's
// paraphrase suite through the matcher serve uses: per language and half
// (dev = even lines, held-out = odd), the share of in-scope lines answered
// confidently, the share hedged (likely) and how many of those were the
// right entry, and the off-topic lines hedged. BATON_LIKELY_HALF=dev (the
// default) or held-out picks the half printed: the default was chosen on
// dev, held-out was printed once after (README).
func TestLikelyTierSuite(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1 to run it")
	}
	half := 0
	if os.Getenv("BATON_LIKELY_HALF") == "held-out" {
		half = 1
	}
	set := shippedSet(t)
	t.Logf("shipped base calibration: %s", set.Calibration())
	var tot [8]int
	for _, lang := range suitetest.Langs {
		var inScope, conf, confRight, likely, likelyRight, off, offConf, offLikely int
		for i, l := range suitetest.Read(t, lang) {
			if i%2 != half {
				continue
			}
			m := set.KB.Match(t.Context(), l.Query, 3)
			c := len(m) > 0 && m[0].Confident
			lk := len(m) > 0 && m[0].Likely
			if l.ID == "" {
				off++
				if c {
					offConf++
				}
				if lk {
					offLikely++
				}
				continue
			}
			inScope++
			right := len(m) > 0 && (m[0].ID == l.ID || slices.Contains(l.Also, m[0].ID))
			if c {
				conf++
				if right {
					confRight++
				}
			}
			if lk {
				likely++
				if right {
					likelyRight++
				}
			}
		}
		t.Logf("%s half %d: in scope %d: confident %d (%d right), likely %d (%d right); off-topic %d: confident %d, likely %d",
			lang, half, inScope, conf, confRight, likely, likelyRight, off, offConf, offLikely)
		for k, v := range []int{inScope, conf, confRight, likely, likelyRight, off, offConf, offLikely} {
			tot[k] += v
		}
	}
	t.Logf("all languages, half %d: in scope %d: confident %d (%d right), likely %d (%d right); off-topic %d: confident %d, likely %d",
		half, tot[0], tot[1], tot[2], tot[3], tot[4], tot[5], tot[6], tot[7])
}
