package semantic

import (
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

// rerankFeatures is one entry's evidence for a query in the ranking
// comparisons of TestFusedRerankDev: the shipped evidence and more.
type rerankFeatures struct {
	ev      evidence
	second  float64    // cosine of the second nearest question (the best when it has one)
	lse     float64    // soft maximum of the questions' cosines at temperature 0.05
	lexRel  float64    // lexical score over the lexical first's
	lexRank int        // 1-based rank in the lexical list (0: not in it)
	vecRank int        // 1-based rank by nearest question
	csls    [6]float64 // nearest question by cosine minus beta times its hubness (beta 0.25, 0.5, 1)
}

// rerankAsked is one dev query with every entry's features.
type rerankAsked struct {
	want  int32
	feats []rerankFeatures
}

func rerankOf(ix *Index, lex []knowledge.Candidate, vec []float32, skip int, want string) rerankAsked {
	p := defaultFuse
	p.temp, p.agreeW = 0, 0
	ev := ix.evidenceWith(p, lex, vec, skip) // fused: the shipped weighted sum, before the agreement bonus and the softmax
	n := len(ix.ids)
	top2 := make([][2]float64, n)
	lse := make([]float64, n)
	for e := range top2 {
		top2[e] = [2]float64{-1, -1}
	}
	const tau = 0.05
	csls := make([][6]float64, n)
	for e := range csls {
		csls[e] = [6]float64{-9, -9, -9, -9, -9, -9}
	}
	for i, v := range ix.vecs {
		if i == skip {
			continue
		}
		e := ix.qEntry[i]
		s := float64(dot(v, vec))
		lse[e] += math.Exp(s / tau)
		for k, beta := range []float64{0.25, 0.5, 1, 1.5, 2, 3} {
			csls[e][k] = max(csls[e][k], s-beta*ix.hub.hub[i])
		}
		if s > top2[e][0] {
			top2[e][1], top2[e][0] = top2[e][0], s
		} else if s > top2[e][1] {
			top2[e][1] = s
		}
	}
	out := rerankAsked{want: ix.num[want], feats: make([]rerankFeatures, n)}
	lexTop := 0.0
	if len(lex) > 0 {
		lexTop = lex[0].Score
	}
	lexRank := map[string]int{}
	for i, c := range lex {
		lexRank[c.ID] = i + 1
	}
	for e := range out.feats {
		f := &out.feats[e]
		f.ev = ev[e]
		f.second = top2[e][1]
		if f.second < 0 {
			f.second = top2[e][0]
		}
		if lse[e] > 0 {
			f.lse = tau * math.Log(lse[e])
		}
		if lexTop > 0 {
			f.lexRel = ev[e].lexical / lexTop
		}
		f.lexRank = lexRank[ix.ids[e]]
		f.csls = csls[e]
		r := 1
		for k := range ev {
			if ev[k].best > ev[e].best {
				r++
			}
		}
		f.vecRank = r
	}
	return out
}

// TestFusedRerankDev compares ways of ranking the fused evidence by top-1
// alone on banking77's dev data (questions left out one by one over the
// full base; the shop-sized bases asked knowledge questions 6-10 of their
// own intents; never test.jsonl). It only logs:
//
//	BATON_MEASURE=1 BATON_EMBED_CACHE=/tmp/fused-vecs.gob go test -run TestFusedRerankDev -v ./bot/semantic/
func TestFusedRerankDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs (dev comparisons): set BATON_MEASURE=1 to run it")
	}
	b, _, dev, lex, cfg := banking77Fixture(t)
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, dev))
	ctx := t.Context()
	var full, shop []rerankAsked
	devAsked(t, b, dev, lex, emb, func(isFull bool, ix *Index, lc []knowledge.Candidate, vec []float32, skip int, want string) {
		if isFull {
			full = append(full, rerankOf(ix, lc, vec, skip, want))
		} else {
			shop = append(shop, rerankOf(ix, lc, vec, skip, want))
		}
	})
	// The whole base with each intent's first five questions, asked the
	// other five: every intent in scope, no question left out.
	var half []rerankAsked
	{
		bases, _ := shopSplit(t, b, 1, 5)
		hl := knowledge.NewLexical(bases[0], lex)
		hix, _, err := build(ctx, bases[0], nil, emb, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range dev {
			half = append(half, rerankOf(hix, hl.Rank(ctx, q.Query, -1, lexicalTop), emb.vecs[q.Query], -1, q.ID))
		}
	}
	type scorer func(f rerankFeatures) float64
	top1 := func(score scorer, agree float64, qs []rerankAsked) float64 {
		n := 0
		for _, a := range qs {
			best, bestE := math.Inf(-1), -1
			for e, f := range a.feats {
				s := score(f)
				if agree > 0 && f.lexRank == 1 && f.vecRank == 1 {
					s += agree
				}
				if s > best {
					best, bestE = s, e
				}
			}
			if int32(bestE) == a.want {
				n++
			}
		}
		return float64(n) / float64(len(qs))
	}
	logged := func(name string, score scorer, agree float64) {
		t.Logf("%-60s full %.4f  shop %.4f  half %.4f", name, top1(score, agree, full), top1(score, agree, shop), top1(score, agree, half))
	}
	p := defaultFuse
	shipped := func(f rerankFeatures) float64 {
		x := f.ev
		return (p.lexW*x.lexical + p.bestW*max(x.best, 0) + p.centW*max(x.cent, 0) + p.ansW*x.ans) / (p.lexW + p.bestW + p.centW + p.ansW)
	}
	logged("before 2026-12-06 22:40 (no hubness)", shipped, p.agreeW)
	logged("shipped (hubness 1)", func(f rerankFeatures) float64 { return f.ev.fused }, p.agreeW)
	for k, beta := range []float64{0.25, 0.5, 1, 1.5, 2, 3} {
		for _, w := range []float64{0.5, 1} {
			logged(fmt.Sprintf("nearest question as CSLS beta %.2f, weight %.1f", beta, w), func(f rerankFeatures) float64 {
				x := f.ev
				return (p.lexW*x.lexical + (1-w)*p.bestW*max(x.best, 0) + w*p.bestW*f.csls[k] + p.centW*max(x.cent, 0) + p.ansW*x.ans) / (p.lexW + p.bestW + p.centW + p.ansW)
			}, p.agreeW)
		}
	}
	for _, w := range []float64{0.25, 0.5, 1} {
		logged(fmt.Sprintf("+ second nearest %.2f", w), func(f rerankFeatures) float64 {
			return shipped(f) + w*max(f.second, 0)/5.5
		}, p.agreeW)
		logged(fmt.Sprintf("+ soft max %.2f", w), func(f rerankFeatures) float64 {
			return shipped(f) + w*max(f.lse, 0)/5.5
		}, p.agreeW)
		logged(fmt.Sprintf("+ lexical relative %.2f", w), func(f rerankFeatures) float64 {
			return shipped(f) + w*f.lexRel/5.5
		}, p.agreeW)
		logged(fmt.Sprintf("+ lexical reciprocal rank %.2f", w), func(f rerankFeatures) float64 {
			rr := 0.0
			if f.lexRank > 0 {
				rr = 1 / float64(f.lexRank)
			}
			return shipped(f) + w*rr/5.5*0.3
		}, p.agreeW)
		logged(fmt.Sprintf("+ vector reciprocal rank %.2f", w), func(f rerankFeatures) float64 {
			return shipped(f) + w/float64(f.vecRank)/5.5*0.3
		}, p.agreeW)
	}
}
