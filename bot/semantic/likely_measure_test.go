package semantic

import (
	"os"
	"testing"

	"github.com/batonhq/baton/bot/knowledge/ceiling"
)

// TestBanking77FusedLikely measures the likely tier (knowledge.Match.Likely)
// of the fused matcher on banking77's shop-sized bases with the real
// English model: dev (knowledge questions 6-10) first, then test.jsonl
// (held out), with the shipped default target. Other bases' queries are
// off-topic. It takes minutes:
//
//	BATON_MEASURE=1 BATON_EMBED_CACHE=/tmp/x.gob go test -run TestBanking77FusedLikely -v -timeout 30m ./bot/semantic/
func TestBanking77FusedLikely(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement of some minutes: set BATON_MEASURE=1 to run it")
	}
	b, test, dev, lex, cfg := banking77Fixture(t)
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, test, dev))
	ctx := t.Context()
	for _, half := range []struct {
		name string
		qs   []labelled
	}{{"dev (knowledge questions 6-10)", dev}, {"held out (test.jsonl)", test}} {
		var all ceiling.Tally
		for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
			bases, has := shopSplit(t, b, split[0], split[1])
			for i, sb := range bases {
				_, f := shopMatchers(t, sb, emb, lex, cfg)
				for _, q := range half.qs {
					got := f.Match(ctx, q.Query, 2)
					all.Count(has[i][q.ID], len(got) > 0 && got[0].ID == q.ID,
						len(got) > 0 && got[0].Confident, len(got) > 0 && got[0].Likely)
				}
			}
		}
		t.Logf("%s, fused, all shop-sized bases (off-topic: other banks' questions): %s", half.name, all)
	}
}
