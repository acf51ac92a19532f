package knowledge

import (
	"fmt"
	"os"
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
	if a.conf() < 0.27 {
		t.Errorf("confident and right %.4f, want >= 0.27", a.conf())
	}
	if a.wrongShare() > 0.025 {
		t.Errorf("%.4f of confident answers wrong, want <= 0.025", a.wrongShare())
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

// genTally counts one generalisation run.
// top1 and top3 count in-scope queries whose intent is ranked first and
// among the first three, whatever the calibrated decision: the ranker's
// quality alone.
// likely and guessed count in-scope queries the likely and the guess
// tier take, with how many of them are right; offGuessed the other
// bases' queries guessed.
type genTally struct {
	inScope, right, confident, wrong, offTopic, offAnswered, top1, top3 int
	likely, likelyRight, guessed, guessRight, offGuessed                int
	offLikely                                                           int
}

// knowledgeTier is the decision on a match list's first.
func knowledgeTier(got []Match) Tier {
	if len(got) == 0 {
		return Unsure
	}
	return got[0].Tier()
}

func (g genTally) answered() float64 { return float64(g.right) / float64(max(g.inScope, 1)) }
func (g genTally) wrongShare() float64 {
	return float64(g.wrong) / float64(max(g.confident, 1))
}
func (g genTally) offShare() float64 { return float64(g.offAnswered) / float64(max(g.offTopic, 1)) }

func (g *genTally) add(o genTally) {
	g.inScope, g.right, g.confident, g.wrong, g.offTopic, g.offAnswered = g.inScope+o.inScope, g.right+o.right,
		g.confident+o.confident, g.wrong+o.wrong, g.offTopic+o.offTopic, g.offAnswered+o.offAnswered
	g.top1, g.top3 = g.top1+o.top1, g.top3+o.top3
	g.likely, g.likelyRight, g.guessed, g.guessRight, g.offGuessed = g.likely+o.likely, g.likelyRight+o.likelyRight,
		g.guessed+o.guessed, g.guessRight+o.guessRight, g.offGuessed+o.offGuessed
	g.offLikely += o.offLikely
}

func (g genTally) String() string {
	in := float64(max(g.inScope, 1))
	return fmt.Sprintf("answered %.3f of %d in-scope, wrong %.3f of %d confident, off-topic answered %.3f of %d; ranked first %.3f, in the top 3 %.3f; hedged %.3f (right %.3f of them), guessed %.3f (right %.3f of them), off-topic hedged %.3f, guessed %.3f",
		g.answered(), g.inScope, g.wrongShare(), g.confident, g.offShare(), g.offTopic, float64(g.top1)/in, float64(g.top3)/in,
		float64(g.likely)/in, float64(g.likelyRight)/float64(max(g.likely, 1)), float64(g.guessed)/in, float64(g.guessRight)/float64(max(g.guessed, 1)),
		float64(g.offLikely)/float64(max(g.offTopic, 1)), float64(g.offGuessed)/float64(max(g.offTopic, 1)))
}

// shopSplits are the generalisation splits: {bases, questions per intent}.
var shopSplits = [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}}

// generalise calibrates a matcher (made by newMatcher) on every shop-sized
// base of every split and asks it queries: its own intents' are in scope,
// the other bases' are off-topic. Bases are numbered across splits; dev
// (when set) chooses which ones to count.
func generalise(t *testing.T, b *Base, qs []labelled, dev func(n int) bool, newMatcher func(*Base) Matcher) genTally {
	var all genTally
	n := 0
	for _, split := range shopSplits {
		bases, has := shopSplit(b, split[0], split[1])
		for i, sb := range bases {
			n++
			if dev != nil && !dev(n-1) {
				continue
			}
			m := newMatcher(sb)
			var g genTally
			for _, q := range qs {
				got := m.Match(t.Context(), q.Query, 3)
				conf := len(got) > 0 && got[0].Confident
				tier := knowledgeTier(got)
				if !has[i][q.ID] {
					g.offTopic++
					if conf {
						g.offAnswered++
					}
					g.offGuessed += b2i(tier == Guess)
					g.offLikely += b2i(tier == Likely)
					continue
				}
				g.inScope++
				for i, c := range got {
					if c.ID == q.ID {
						g.top3++
						if i == 0 {
							g.top1++
						}
						break
					}
				}
				switch tier {
				case Likely:
					g.likely++
					g.likelyRight += b2i(got[0].ID == q.ID)
				case Guess:
					g.guessed++
					g.guessRight += b2i(got[0].ID == q.ID)
				}
				if conf {
					g.confident++
					if got[0].ID == q.ID {
						g.right++
					} else {
						g.wrong++
					}
				}
			}
			cal := ""
			if c, ok := m.(interface{ Calibration() *Calibration }); ok {
				cal = c.Calibration().String()
			}
			t.Logf("%d bases x %d questions, base %d (%d intents): %s; %s", split[0], split[1], i, sb.Len(), g, cal)
			all.add(g)
		}
	}
	return all
}

// devQueries are banking77's knowledge questions 6-10 of every intent: no
// shop-sized base holds them (they keep at most 5), so they are new
// phrasings to tune on without touching test.jsonl.
func devQueries(b *Base) []labelled {
	var qs []labelled
	for _, id := range b.IDs() {
		e, _ := b.Entry(id, "en")
		for _, q := range e.Questions[min(5, len(e.Questions)):] {
			qs = append(qs, labelled{Query: q, ID: id, Lang: "en"})
		}
	}
	return qs
}

// TestBanking77GeneralisationDev is the dev side of the generalisation
// test: the same shop-sized bases asked questions 6-10 of banking77's
// knowledge base (devQueries) instead of test.jsonl. Design choices of the
// calibration were made on this; it only logs.
func TestBanking77GeneralisationDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs (the dev numbers): set BATON_MEASURE=1 to run it")
	}
	b, _ := loadBanking77(t)
	cfg, lex := shippedConfig(t), shippedLexicon(t)
	g := generalise(t, b, devQueries(b), nil, func(sb *Base) Matcher { return NewLexicalMatcher(t.Context(), sb, lex, cfg) })
	t.Logf("dev, all shop-sized bases: %s", g)
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
	cfg, lex := shippedConfig(t), shippedLexicon(t)
	g := generalise(t, b, test, nil, func(sb *Base) Matcher { return NewLexicalMatcher(t.Context(), sb, lex, cfg) })
	ans, wr, off := g.answered(), g.wrongShare(), g.offShare()
	t.Logf("all shop-sized bases: %s", g)
	// Floors and ceilings a little past what was measured on 2026-12-03
	// (answered 0.256, wrong 0.019, off-topic 0.043; README); the answered
	// goal is not met, see there.
	if ans < 0.24 || wr > 0.03 || off > 0.06 {
		t.Errorf("generalisation got worse: answered %.3f (floor 0.24), wrong %.3f (ceiling 0.03), off-topic %.3f (ceiling 0.06)", ans, wr, off)
	}
}
