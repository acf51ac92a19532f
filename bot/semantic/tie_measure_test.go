package semantic

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

// TestFusedTieDev is knowledge.TestTieDev for the fused ranking, with the
// real English model, on dev data only (banking77's knowledge base with
// each question left out, and its shop-sized bases asked knowledge
// questions 6-10; never test.jsonl): among the lists the fused decision
// does not answer confidently, how often the first candidate is the
// question's entry and how often the runner-up is, by the runner-up's
// lead as a share of the first's score (the scale knowledge.Tied reads),
// and what each candidate tie rule would take from the likely and guess
// tiers. It only logs:
//
//	BATON_MEASURE=1 BATON_EMBED_URL=http://127.0.0.1:8089/v1 BATON_EMBED_CACHE=/tmp/dev.gob go test -run 'TestFusedTieDev$' -v -timeout 30m ./bot/semantic/
func TestFusedTieDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1 to run it")
	}
	b, _, dev, lex, cfg := banking77Fixture(t) // test.jsonl is not used
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, dev))
	ctx := t.Context()
	query := func(_ context.Context, s string) ([]float32, error) { return emb.vecs[s], nil }
	newF := func(kb *knowledge.Base) *Fused {
		lm := knowledge.NewLexicalMatcher(ctx, kb, lex, cfg)
		ix, _, err := build(ctx, kb, cfg.OffTopic, emb, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return newFused(ctx, lm, ix, cfg, query, nil)
	}
	edges := []float64{0.02, 0.05, 0.1, 0.2, 0.3, 0.5}
	type bucket struct{ n, first, second int }
	// A tie rule ties a fused list; what it takes from the likely and
	// guess tiers (the lists it ties that they would have answered with
	// one topic) and whether the right entry is among the two it offers.
	type rule struct {
		name string
		tied func(fu, lx []knowledge.Candidate) bool
	}
	share := func(s float64) func(fu, lx []knowledge.Candidate) bool {
		return func(fu, _ []knowledge.Candidate) bool {
			return len(fu) > 1 && fu[0].Score > 0 && fu[0].Score-fu[1].Score < s*fu[0].Score
		}
	}
	samePair := func(fu, lx []knowledge.Candidate) bool {
		return len(fu) > 1 && len(lx) > 1 && (fu[0].ID == lx[0].ID && fu[1].ID == lx[1].ID || fu[0].ID == lx[1].ID && fu[1].ID == lx[0].ID)
	}
	rules := []rule{{"shipped (share 2%)", share(0.02)}}
	for _, s := range []float64{0.05, 0.1, 0.2, 0.3} {
		rules = append(rules, rule{fmt.Sprintf("share %.0f%%", 100*s), share(s)})
	}
	rules = append(rules, rule{"lexical list tied, fused top two the same pair", func(fu, lx []knowledge.Candidate) bool {
		return share(0.02)(fu, lx) || knowledge.Tied(lx) && samePair(fu, lx)
	}})
	type effect struct{ tiered, tierFirst, tierSecond, tierNeither, tied int }
	type tally struct {
		bs  []bucket
		eff []effect
	}
	newTally := func() *tally { return &tally{bs: make([]bucket, len(edges)+1), eff: make([]effect, len(rules))} }
	count := func(tl *tally, f *Fused, q string, skip int, vec []float32, want string) {
		lx := f.lexical.Rank(ctx, q, skip, lexicalTop)
		fu := f.rank(ctx, q, skip, 2, func() []float32 { return vec })
		if len(fu) < 2 || fu[0].Sure || fu[0].Score <= 0 || f.cal.Confident(fu) {
			return
		}
		rel := (fu[0].Score - fu[1].Score) / fu[0].Score
		k := len(edges)
		for i, e := range edges {
			if rel < e {
				k = i
				break
			}
		}
		tl.bs[k].n++
		if fu[0].ID == want {
			tl.bs[k].first++
		}
		if fu[1].ID == want {
			tl.bs[k].second++
		}
		// The tiers as shipped, before any tie rule but the shipped one.
		tier := f.cal.Likely(fu) || f.cal.Guess(fu)
		for i, r := range rules {
			if !r.tied(fu, lx) {
				continue
			}
			e := &tl.eff[i]
			e.tied++
			if i == 0 || !tier {
				continue
			}
			e.tiered++
			switch want {
			case fu[0].ID:
				e.tierFirst++
			case fu[1].ID:
				e.tierSecond++
			default:
				e.tierNeither++
			}
		}
	}
	show := func(name string, tl *tally) {
		var sb strings.Builder
		for i, b := range tl.bs {
			edge := "rest"
			if i < len(edges) {
				edge = fmt.Sprintf("< %.2f", edges[i])
			}
			fmt.Fprintf(&sb, "; lead %s: %d, first right %d, second right %d", edge, b.n, b.first, b.second)
		}
		t.Logf("%s, fused lists not answered confidently%s", name, sb.String())
		for i, r := range rules {
			e := tl.eff[i]
			t.Logf("  %s: ties %d; of them in the likely or guess tier before (shipped rule): %d (first right %d, runner-up right %d, neither %d)",
				r.name, e.tied, e.tiered, e.tierFirst, e.tierSecond, e.tierNeither)
		}
	}
	full := newTally()
	f := newF(b)
	for i, q := range b.Questions() {
		count(full, f, q.Text, i, f.knownVec(q.Text, i), q.ID)
	}
	show("banking77, left out one by one", full)
	shop := newTally()
	for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
		bases, has := shopSplit(t, b, split[0], split[1])
		for i, sb := range bases {
			sf := newF(sb)
			for _, q := range dev {
				if has[i][q.ID] {
					count(shop, sf, q.Query, -1, emb.vecs[q.Query], q.ID)
				}
			}
		}
	}
	show("banking77 shop-sized bases, dev queries", shop)
}

// TestFusedTieOutcomeDev: what customers of banking77's shop-sized bases
// would see for its knowledge questions 6-10 (dev; other bases' questions
// as off-topic) under each fused tie rule, every base calibrated with it.
//
//	BATON_MEASURE=1 BATON_EMBED_URL=http://127.0.0.1:8089/v1 BATON_EMBED_CACHE=/tmp/dev.gob go test -run 'TestFusedTieOutcomeDev$' -v -timeout 30m ./bot/semantic/
func TestFusedTieOutcomeDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1 to run it")
	}
	b, _, dev, lex, cfg := banking77Fixture(t) // test.jsonl is not used
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, dev))
	ctx := t.Context()
	query := func(_ context.Context, s string) ([]float32, error) { return emb.vecs[s], nil }
	for _, v := range []struct {
		name string
		tie  float64
	}{{"no fused tie rule (knowledge's 2% only)", 0}, {"fused 10%", 0.1}, {"fused 20%", 0.2}, {"fused 30% (shipped)", 0.3}, {"fused 40%", 0.4}} {
		p := defaultFuse
		p.tie = v.tie
		var in, conf, confRight, likely, likelyRight, guess, guessRight, unsure, unsure2, off, offConf, offLikely, offGuess int
		for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
			bases, has := shopSplit(t, b, split[0], split[1])
			for i, sb := range bases {
				lm := knowledge.NewLexicalMatcher(ctx, sb, lex, cfg)
				ix, _, err := build(ctx, sb, cfg.OffTopic, emb, nil, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				f := newFusedWith(ctx, p, lm, ix, cfg, query, nil)
				for _, q := range dev {
					got := f.Match(ctx, q.Query, 3)
					if len(got) == 0 {
						continue
					}
					if !has[i][q.ID] {
						off++
						switch {
						case got[0].Confident:
							offConf++
						case got[0].Likely:
							offLikely++
						case got[0].Guess:
							offGuess++
						}
						continue
					}
					in++
					r := got[0].ID == q.ID
					switch {
					case got[0].Confident:
						conf++
						confRight += b2i(r)
					case got[0].Likely:
						likely++
						likelyRight += b2i(r)
					case got[0].Guess:
						guess++
						guessRight += b2i(r)
					default:
						unsure++
						unsure2 += b2i(r || len(got) > 1 && got[1].ID == q.ID)
					}
				}
			}
		}
		t.Logf("%s: in scope %d: confident %d (%d right), hedged %d (%d right), guessed %d (%d right), topics only %d (right entry first or second %d); other banks' %d: confident %d, hedged %d, guessed %d",
			v.name, in, conf, confRight, likely, likelyRight, guess, guessRight, unsure, unsure2, off, offConf, offLikely, offGuess)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
