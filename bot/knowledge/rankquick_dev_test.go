package knowledge

import (
	"os"
	"testing"
)

// TestRankQuickDev logs, in one run, the dev numbers the ranker work of
// 2026-12-07 was measured on, through the lexical matcher serve builds:
// per dev shop and language the right entry ranked first, the right
// answer given (confident or hedged right) and confident answers wrong
// (florist, the check shop: counts only, never its lines); banking77's
// even (dev) test.jsonl lines on the full base, never the odd ones; and
// the shop-sized banking77 bases. It only logs:
//
//	BATON_MEASURE=1 go test -run TestRankQuickDev -v ./bot/knowledge/
func TestRankQuickDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	for _, name := range []string{"bikes", "bakery", "florist"} {
		pb := devShop(t, name)
		m := shippedMatcher(t, pb.b)
		type tl struct{ n, top1, given, conf, confWrong, off, offConf, offHedge int }
		by := map[string]*tl{}
		for _, q := range pb.qs {
			x := by[q.Lang]
			if x == nil {
				x = &tl{}
				by[q.Lang] = x
			}
			ms := m.Match(t.Context(), q.Query, 3)
			tier, top := Unsure, ""
			if len(ms) > 0 {
				tier, top = ms[0].Tier(), ms[0].ID
			}
			if q.ID == "" {
				x.off++
				x.offConf += b2i(tier == Confident)
				x.offHedge += b2i(tier == Likely)
				continue
			}
			x.n++
			right := top == q.ID
			x.top1 += b2i(right)
			x.given += b2i(right && (tier == Confident || tier == Likely))
			x.conf += b2i(tier == Confident)
			x.confWrong += b2i(tier == Confident && !right)
		}
		for _, lang := range []string{"en", "zh", "ko"} {
			x := by[lang]
			t.Logf("%-7s %s: top-1 %2d/%d given %2d conf %d (wrong %d) | off %d: conf %d hedged %d", name, lang, x.top1, x.n, x.given, x.conf, x.confWrong, x.off, x.offConf, x.offHedge)
		}
	}
	b, test := loadBanking77(t)
	var even []labelled
	for i, q := range test {
		if i%2 == 0 {
			even = append(even, q)
		}
	}
	m := shippedMatcher(t, b)
	a := evaluate(t.Context(), m, even)
	t.Logf("banking77 even test lines: n=%d top-1 %.4f confident-and-right %.4f confident wrong %.4f (%d of %d)",
		a.n, a.raw(), a.conf(), a.wrongShare(), a.wrongConfident, a.confident+a.wrongConfident)
	cfg, lex := shippedConfig(t), shippedLexicon(t)
	g := generalise(t, b, devQueries(b), nil, func(sb *Base) Matcher { return NewLexicalMatcher(t.Context(), sb, lex, cfg) })
	t.Logf("b77 shop-sized dev: %s", g)
}
