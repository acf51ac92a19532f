package knowledge

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// The banking77 measurements. Nothing in the matcher or the calibration
// was tuned on test.jsonl: design choices were checked on the knowledge
// questions only (leave-one-out, and questions 5-10 of each intent against
// bases built from the first ones). test.jsonl is only measured here.

// TestBanking77Accuracy measures the lexical matcher, calibrated on the
// banking77 base itself (leave-one-out over its 770 questions and the
// shipped off-topic set), on test.jsonl: 3,080 held-out queries. Goals
// (issue 9): confident answers wrong <= 2%, confident-and-right >= 0.70.
// The floors sit a little below what was measured (README).
func TestBanking77Accuracy(t *testing.T) {
	b, test := loadBanking77(t)
	m := shippedMatcher(t, b)
	a := evaluate(t.Context(), m, test)
	t.Logf("calibration: %s", m.Cal)
	t.Logf("banking77 test: n=%d top-1 %.4f confident-and-right %.4f confident answers wrong %.4f (%d of %d)",
		a.n, a.raw(), a.conf(), a.wrongShare(), a.wrongConfident, a.confident+a.wrongConfident)
	if a.n != 3080 {
		t.Errorf("read %d queries, want 3080", a.n)
	}
	if a.raw() < 0.70 {
		t.Errorf("top-1 accuracy %.4f, want >= 0.70", a.raw())
	}
	if a.conf() < 0.24 {
		t.Errorf("confident and right %.4f, want >= 0.24", a.conf())
	}
	if a.wrongShare() > 0.03 {
		t.Errorf("%.4f of confident answers wrong, want <= 0.03", a.wrongShare())
	}
}

// shopSplit cuts banking77 into n shop-sized bases: intents dealt round
// the bases in name order, each intent with its first nq example
// questions. It returns the bases and, per base, the intents it has.
func shopSplit(b *Base, n, nq int) ([]*Base, []map[string]bool) {
	ids := append([]string(nil), b.IDs()...)
	sort.Strings(ids)
	var bases []*Base
	var has []map[string]bool
	for g := 0; g < n; g++ {
		fsys := fstest.MapFS{}
		in := map[string]bool{}
		for i := g; i < len(ids); i += n {
			e, _ := b.Entry(ids[i], "en")
			var src strings.Builder
			src.WriteString("---\nquestions:\n")
			for _, q := range e.Questions[:min(nq, len(e.Questions))] {
				fmt.Fprintf(&src, "  - %q\n", q)
			}
			fmt.Fprintf(&src, "---\n%s\n", e.Answer)
			fsys["kb/"+ids[i]+".md"] = &fstest.MapFile{Data: []byte(src.String())}
			in[ids[i]] = true
		}
		sb, _ := Load(fsys, "kb")
		bases = append(bases, sb)
		has = append(has, in)
	}
	return bases, has
}

// TestBanking77Generalisation is the shop-sized test: banking77 split
// into small bases (3 bases of 25-26 intents, and 4 of 19-20; 3, 4 or 5
// example questions each), each calibrated on itself alone, then asked
// its own intents' test.jsonl queries (in scope) and the other bases'
// (off-topic: questions for another shop in the same trade, the hardest
// kind). Goals (issue 9): answered >= 0.75 of in-scope queries, wrong <=
// 2% of confident answers, off-topic answered confidently <= 5%.
func TestBanking77Generalisation(t *testing.T) {
	b, test := loadBanking77(t)
	cfg := shippedConfig(t)
	lex := shippedLexicon(t)
	var inScope, right, confident, wrong, offTopic, offAnswered int
	for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
		bases, has := shopSplit(b, split[0], split[1])
		for i, sb := range bases {
			m := NewLexicalMatcher(t.Context(), sb, lex, cfg)
			var r, c, w, n, o, oa int
			for _, q := range test {
				got := m.Match(t.Context(), q.Query, 1)
				conf := len(got) > 0 && got[0].Confident
				if !has[i][q.ID] {
					o++
					if conf {
						oa++
					}
					continue
				}
				n++
				if conf {
					c++
					if got[0].ID == q.ID {
						r++
					} else {
						w++
					}
				}
			}
			t.Logf("%d bases x %d questions, base %d (%d intents): answered %.3f, wrong %.3f of %d confident, off-topic answered %.3f; %s",
				split[0], split[1], i, sb.Len(), float64(r)/float64(n), float64(w)/float64(max(c, 1)), c, float64(oa)/float64(o), m.Cal)
			inScope, right, confident, wrong, offTopic, offAnswered = inScope+n, right+r, confident+c, wrong+w, offTopic+o, offAnswered+oa
		}
	}
	ans, wr, off := float64(right)/float64(inScope), float64(wrong)/float64(confident), float64(offAnswered)/float64(offTopic)
	t.Logf("all shop-sized bases: answered %.3f of %d in-scope, wrong %.3f of %d confident, off-topic answered %.3f of %d",
		ans, inScope, wr, confident, off, offTopic)
	// Floors and ceilings a little past what was measured (README); the
	// goals are not met, see there.
	if ans < 0.40 || wr > 0.05 || off > 0.15 {
		t.Errorf("generalisation got worse: answered %.3f (floor 0.40), wrong %.3f (ceiling 0.05), off-topic %.3f (ceiling 0.15)", ans, wr, off)
	}
}
