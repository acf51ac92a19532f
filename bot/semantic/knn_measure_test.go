package semantic

import (
	"os"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

// TestFusedKNNDev tries kNN aggregation over an entry's example vectors
// (the second-nearest question's cosine beside the nearest's: max, mean
// of the top two, and between) against the shipped fusion, on dev data
// only: top-1 of banking77's questions by leave-one-out over the full
// base, and of the shop-sized bases asked knowledge questions 6-10 of
// their own intents (never test.jsonl). It only logs:
//
//	BATON_MEASURE=1 BATON_EMBED_URL=http://127.0.0.1:8089/v1 BATON_EMBED_CACHE=/tmp/dev.gob go test -run 'TestFusedKNNDev$' -v -timeout 30m ./bot/semantic/
func TestFusedKNNDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs (dev comparisons): set BATON_MEASURE=1 to run it")
	}
	b, _, dev, lex, cfg := banking77Fixture(t) // test.jsonl is not used
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, dev))
	ctx := t.Context()
	type asked struct {
		ix   *Index
		lex  []knowledge.Candidate
		vec  []float32
		skip int
		want string
	}
	var full, shop []asked
	l := knowledge.NewLexical(b, lex)
	ix, _, err := build(ctx, b, nil, emb, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range b.Questions() {
		full = append(full, asked{ix, l.Rank(ctx, q.Text, i, lexicalTop), ix.vecs[i], i, q.ID})
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
					shop = append(shop, asked{six, sl.Rank(ctx, q.Query, -1, lexicalTop), emb.vecs[q.Query], -1, q.ID})
				}
			}
		}
	}
	top1 := func(p fuseParams, qs []asked) float64 {
		n := 0
		for _, a := range qs {
			if ev := a.ix.rankWith(p, a.lex, a.vec, a.skip, 1); len(ev) > 0 && a.ix.ids[ev[0].entry] == a.want {
				n++
			}
		}
		return float64(n) / float64(len(qs))
	}
	for _, v := range []struct {
		name          string
		bestW, best2W float64
	}{
		{"shipped: the nearest question (max)", 1, 0},
		{"mean of the top two", 0.5, 0.5},
		{"nearest 1, second 0.5", 1, 0.5},
		{"nearest 1, second 0.25", 1, 0.25},
		{"nearest 1, second 1 (sum of the top two, weight 2)", 1, 1},
		{"nearest 0.75, second 0.25", 0.75, 0.25},
	} {
		p := defaultFuse
		p.bestW, p.best2W = v.bestW, v.best2W
		t.Logf("%-52s top-1: full base leave-one-out %.4f (%d), shop-sized dev %.4f (%d)", v.name, top1(p, full), len(full), top1(p, shop), len(shop))
	}
}
