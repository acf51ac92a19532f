package semantic

import (
	"fmt"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/text"
)

// TestFusedNormDev tries per-query normalisation of the fused evidence
// (each of lexical, nearest question, centroid and answer side scaled
// over the base's entries for that query: z-scores, or reciprocal-rank
// fusion) against the shipped weighted sum, on dev data only (banking77's
// questions by leave-one-out; its shop-sized bases asked knowledge
// questions 6-10; never test.jsonl). Top-1 only. It only logs:
//
//	BATON_MEASURE=1 BATON_EMBED_URL=http://127.0.0.1:8089/v1 BATON_EMBED_CACHE=/tmp/dev.gob go test -run 'TestFusedNormDev$' -v -timeout 30m ./bot/semantic/
func TestFusedNormDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs (dev comparisons): set BATON_MEASURE=1 to run it")
	}
	b, _, dev, lex, cfg := banking77Fixture(t) // test.jsonl is not used
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, dev))
	type asked struct {
		ix   *Index
		ev   []evidence // raw components (no softmax)
		lex1 string     // the lexical first
		want string
	}
	raw := fuseParams{lexW: 1}
	var full, shop []asked
	add := func(qs *[]asked, ix *Index, lc []knowledge.Candidate, vec []float32, skip int, want string) {
		first := ""
		if len(lc) > 0 {
			first = lc[0].ID
		}
		*qs = append(*qs, asked{ix, ix.evidenceWith(raw, lc, vec, skip), first, want})
	}
	devAsked(t, b, dev, lex, emb, func(isFull bool, ix *Index, lc []knowledge.Candidate, vec []float32, skip int, want string) {
		if isFull {
			add(&full, ix, lc, vec, skip, want)
		} else {
			add(&shop, ix, lc, vec, skip, want)
		}
	})
	comps := func(x evidence) [4]float64 { return [4]float64{x.lexical, max(x.best, 0), max(x.cent, 0), x.ans} }
	type scorer func(a asked) []float64
	weighted := func(w [4]float64, agree float64) scorer {
		return func(a asked) []float64 {
			out := make([]float64, len(a.ev))
			bestE := 0
			for e, x := range a.ev {
				c := comps(x)
				out[e] = (w[0]*c[0] + w[1]*c[1] + w[2]*c[2] + w[3]*c[3]) / (w[0] + w[1] + w[2] + w[3])
				if x.best > a.ev[bestE].best {
					bestE = e
				}
			}
			if a.ix.ids[a.ev[bestE].entry] == a.lex1 {
				out[bestE] += agree
			}
			return out
		}
	}
	zscored := func(w [4]float64) scorer {
		return func(a asked) []float64 {
			out := make([]float64, len(a.ev))
			for k := range 4 {
				var m, s float64
				for _, x := range a.ev {
					m += comps(x)[k]
				}
				m /= float64(len(a.ev))
				for _, x := range a.ev {
					d := comps(x)[k] - m
					s += d * d
				}
				s = math.Sqrt(s/float64(len(a.ev))) + 1e-9
				for e, x := range a.ev {
					out[e] += w[k] * (comps(x)[k] - m) / s
				}
			}
			return out
		}
	}
	rrf := func(w [4]float64, k0 float64) scorer {
		return func(a asked) []float64 {
			out := make([]float64, len(a.ev))
			idx := make([]int, len(a.ev))
			for k := range 4 {
				for i := range idx {
					idx[i] = i
				}
				sort.SliceStable(idx, func(i, j int) bool { return comps(a.ev[idx[i]])[k] > comps(a.ev[idx[j]])[k] })
				for r, e := range idx {
					out[e] += w[k] / (k0 + float64(r+1))
				}
			}
			return out
		}
	}
	top1 := func(sc scorer, qs []asked) float64 {
		n := 0
		for _, a := range qs {
			s := sc(a)
			best := 0
			for e := range s {
				if s[e] > s[best] || s[e] == s[best] && a.ev[e].entry < a.ev[best].entry {
					best = e
				}
			}
			if a.ix.ids[a.ev[best].entry] == a.want {
				n++
			}
		}
		return float64(n) / float64(len(qs))
	}
	shipped := [4]float64{3, 1, 1, 0.5}
	variants := []struct {
		name string
		sc   scorer
	}{{"shipped weighted sum (3 : 1 : 1 : 0.5, agreement 0.1)", weighted(shipped, 0.1)}}
	for _, w := range [][4]float64{shipped, {1, 1, 1, 0.5}, {2, 1, 1, 0.5}, {1, 1, 1, 0}, {1.5, 1, 1, 0.25}} {
		variants = append(variants, struct {
			name string
			sc   scorer
		}{fmt.Sprintf("z-scores over the entries, weights %v", w), zscored(w)})
	}
	for _, k0 := range []float64{1, 5, 20, 60} {
		for _, w := range [][4]float64{shipped, {1, 1, 1, 0.5}, {2, 1, 1, 0.5}} {
			variants = append(variants, struct {
				name string
				sc   scorer
			}{fmt.Sprintf("reciprocal-rank fusion k %.0f, weights %v", k0, w), rrf(w, k0)})
		}
	}
	for _, v := range variants {
		t.Logf("%-62s top-1: full base leave-one-out %.4f, shop-sized dev %.4f", v.name, top1(v.sc, full), top1(v.sc, shop))
	}
}

// devAsked visits banking77's dev questions as the fused measurements ask
// them (never test.jsonl): each knowledge question left out of the full
// base (full true), then each shop-sized base of six splits asked its own
// intents' dev queries, with the index, the lexical candidates, the
// message's vector, the question left out (-1 for none) and the right id.
func devAsked(t *testing.T, b *knowledge.Base, dev []labelled, lex *text.Lexicon, emb *memoEmbedder, visit func(full bool, ix *Index, lc []knowledge.Candidate, vec []float32, skip int, want string)) {
	ctx := t.Context()
	l := knowledge.NewLexical(b, lex)
	ix, _, err := build(ctx, b, nil, emb, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range b.Questions() {
		visit(true, ix, l.Rank(ctx, q.Text, i, lexicalTop), ix.vecs[i], i, q.ID)
	}
	for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
		bases, has := shopSplit(t, b, split[0], split[1])
		for i, sb := range bases {
			sl := knowledge.NewLexical(sb, lex)
			six, _, err := build(ctx, sb, nil, emb, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range dev {
				if has[i][q.ID] {
					visit(false, six, sl.Rank(ctx, q.Query, -1, lexicalTop), emb.vecs[q.Query], -1, q.ID)
				}
			}
		}
	}
}
