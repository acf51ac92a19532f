package semantic

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

// TestFusionLeavesAWholeEntryOut: calibration's missing-topic questions
// (knowledge.LeaveEntryOut) are fused without the entry: it gets no
// evidence and no share of the softmax, which the others share in full;
// the lexical Cover of each entry is passed on.
func TestFusionLeavesAWholeEntryOut(t *testing.T) {
	kb := loadKB(t, shop)
	emb := embedFunc(func(_ context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		for i, s := range texts {
			out[i] = normalize(conceptEmbedder(s))
		}
		return out, nil
	})
	ix, _, err := build(t.Context(), kb, offTopic, emb, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	lex := knowledge.NewLexical(kb, nil)
	qs := kb.Questions()
	i := slices.IndexFunc(qs, func(q knowledge.Question) bool { return q.ID == "returns/policy" })
	skip := knowledge.LeaveEntryOut(i)
	lc := lex.Rank(t.Context(), qs[i].Text, skip, lexicalTop)
	ev := ix.rankVec(lc, ix.vecs[i], skip, len(ix.ids))
	if len(ev) != len(ix.ids)-1 {
		t.Fatalf("%d entries fused, want %d", len(ev), len(ix.ids)-1)
	}
	var sum float64
	for _, x := range ev {
		if ix.ids[x.entry] == "returns/policy" {
			t.Errorf("the left-out entry was fused: %+v", x)
		}
		sum += x.fused
		for _, c := range lc {
			if c.ID == ix.ids[x.entry] && c.Cover != x.cover {
				t.Errorf("%s: cover %v, lexical %v", c.ID, x.cover, c.Cover)
			}
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("shares of the other entries sum to %v, want 1", sum)
	}
}
