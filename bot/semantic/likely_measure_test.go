package semantic

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
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
		var in, conf, confRight, likely, likelyRight, off, offConf, offLikely int
		for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
			bases, has := shopSplit(t, b, split[0], split[1])
			for i, sb := range bases {
				lm := knowledge.NewLexicalMatcher(ctx, sb, lex, cfg)
				ix, _, err := build(ctx, sb, cfg.OffTopic, emb, nil, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				f := newFused(ctx, lm, ix, cfg, func(ctx context.Context, s string) ([]float32, error) {
					out, err := emb.Embed(ctx, []string{s})
					if err != nil {
						return nil, err
					}
					return out[0], nil
				}, nil)
				for _, q := range half.qs {
					got := f.Match(ctx, q.Query, 2)
					c := len(got) > 0 && got[0].Confident
					l := len(got) > 0 && got[0].Likely
					if !has[i][q.ID] {
						off++
						if c {
							offConf++
						}
						if l {
							offLikely++
						}
						continue
					}
					in++
					r := len(got) > 0 && got[0].ID == q.ID
					if c {
						conf++
						if r {
							confRight++
						}
					}
					if l {
						likely++
						if r {
							likelyRight++
						}
					}
				}
			}
		}
		sh := func(a, b int) float64 { return float64(a) / float64(max(b, 1)) }
		t.Logf("%s, fused, all shop-sized bases: %s", half.name, fmt.Sprintf(
			"in scope %d: confident %.3f (right %.3f of them), likely %.3f (right %.3f of them), right answers confident+likely %.3f; other banks' %d: confident %.3f, likely %.3f",
			in, sh(conf, in), sh(confRight, conf), sh(likely, in), sh(likelyRight, likely), sh(confRight+likelyRight, in), off, sh(offConf, off), sh(offLikely, off)))
	}
}
