package knowledge

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDevShopsMatchDev reads every dev shop base's customer queries
// (testdata/shops/*, never a directory holding HELDOUT) through the
// lexical matcher as serve builds it, and logs per language the right
// answer given confident, hedged and guessed, with the wrong ones; with
// BATON_MEASURE=2 every line not answered rightly. It only logs: the
// numbers through the core are TestUnseenShops in bot/.
func TestDevShopsMatchDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	dirs, _ := filepath.Glob(filepath.Join("testdata", "shops", "*", "queries.jsonl"))
	for _, q := range dirs {
		dir := filepath.Dir(q)
		if _, err := os.Stat(filepath.Join(dir, "HELDOUT")); err == nil {
			continue // held out: never read
		}
		b, problems := Load(os.DirFS(dir), ".")
		if len(problems) > 0 {
			t.Fatalf("%s: %v", dir, problems)
		}
		m := shippedMatcher(t, b)
		t.Logf("%s calibration: %s", filepath.Base(dir), m.Cal)
		type tally struct{ n, conf, confWrong, hedge, hedgeRight, guess, guessRight, off, offConf, offHedge int }
		by := map[string]*tally{}
		for _, l := range readJSONL(t, q) {
			tl := by[l.Lang]
			if tl == nil {
				tl = &tally{}
				by[l.Lang] = tl
			}
			ms := m.Match(t.Context(), l.Query, 3)
			tier, top := Unsure, ""
			if len(ms) > 0 {
				tier, top = ms[0].Tier(), ms[0].ID
			}
			if l.ID == "" {
				tl.off++
				switch tier {
				case Confident:
					tl.offConf++
				case Likely:
					tl.offHedge++
				}
				if tier == Confident || tier == Likely {
					if os.Getenv("BATON_MEASURE") == "2" {
						t.Logf("  %s %s OFF %v %q -> %s", filepath.Base(dir), l.Lang, tier, l.Query, top)
					}
				}
				continue
			}
			tl.n++
			right := top == l.ID
			switch tier {
			case Confident:
				tl.conf++
				if !right {
					tl.confWrong++
				}
			case Likely:
				tl.hedge++
				if right {
					tl.hedgeRight++
				}
			case Guess:
				tl.guess++
				if right {
					tl.guessRight++
				}
			}
			if os.Getenv("BATON_MEASURE") == "2" && !(right && (tier == Confident || tier == Likely)) {
				var tops []string
				for _, c := range ms {
					tops = append(tops, fmt.Sprintf("%s %.2f", c.ID, c.Score))
				}
				t.Logf("  %s %s %-9v %-5v want %-24s %q [%s]", filepath.Base(dir), l.Lang, tier, right, l.ID, l.Query, strings.Join(tops, "; "))
			}
		}
		for _, lang := range []string{"en", "zh", "ko"} {
			tl := by[lang]
			if tl == nil {
				continue
			}
			t.Logf("%-7s %s: given right %2d/%d | confident %d (wrong %d) hedged %d (right %d) guessed %d (right %d) | off-topic %d: confident %d hedged %d",
				filepath.Base(dir), lang, tl.conf-tl.confWrong+tl.hedgeRight, tl.n, tl.conf, tl.confWrong, tl.hedge, tl.hedgeRight, tl.guess, tl.guessRight, tl.off, tl.offConf, tl.offHedge)
		}
	}
}
