package semantic

import (
	"fmt"
	"os"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
)

// TestBanking77FusedTiersDev asks banking77's shop-sized bases, each
// calibrated on itself (lexical, and fused with the real embeddings
// model), the dev queries only (knowledge questions 6-10; never
// test.jsonl), and logs every tier: confident (wrong), hedged (right),
// guessed (right), and the other bases' queries hedged and guessed. It
// only logs.
//
//	BATON_MEASURE=1 BATON_EMBED_URL=http://127.0.0.1:8089/v1 go test -run TestBanking77FusedTiersDev -v -timeout 30m ./bot/semantic/
func TestBanking77FusedTiersDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement of some minutes: set BATON_MEASURE=1 to run it")
	}
	b, _, dev, lex, cfg := banking77Fixture(t)
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, dev))
	type tally struct{ in, conf, confWrong, hedged, hedgedRight, guessed, guessRight, off, offConf, offHedged, offGuessed int }
	count := func(c *tally, got []knowledge.Match, id string, inScope bool) {
		tier := knowledge.Unsure
		if len(got) > 0 {
			tier = got[0].Tier()
		}
		if !inScope {
			c.off++
			c.offConf += b2i(tier == knowledge.Confident)
			c.offHedged += b2i(tier == knowledge.Likely)
			c.offGuessed += b2i(tier == knowledge.Guess)
			return
		}
		c.in++
		right := len(got) > 0 && got[0].ID == id
		switch tier {
		case knowledge.Confident:
			c.conf++
			c.confWrong += b2i(!right)
		case knowledge.Likely:
			c.hedged++
			c.hedgedRight += b2i(right)
		case knowledge.Guess:
			c.guessed++
			c.guessRight += b2i(right)
		}
	}
	str := func(c tally) string {
		in, off := float64(max(c.in, 1)), float64(max(c.off, 1))
		return fmt.Sprintf("in %d: confident %.3f (wrong %.3f of them), hedged %.3f (right %.3f), guessed %.3f (right %.3f), right answer given %.3f; other bases' %d: confident %.3f, hedged %.3f, guessed %.3f",
			c.in, float64(c.conf)/in, float64(c.confWrong)/float64(max(c.conf, 1)), float64(c.hedged)/in, float64(c.hedgedRight)/float64(max(c.hedged, 1)),
			float64(c.guessed)/in, float64(c.guessRight)/float64(max(c.guessed, 1)), float64(c.conf-c.confWrong+c.hedgedRight)/in,
			c.off, float64(c.offConf)/off, float64(c.offHedged)/off, float64(c.offGuessed)/off)
	}
	var lexAll, fusedAll tally
	for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
		bases, has := shopSplit(t, b, split[0], split[1])
		for i, sb := range bases {
			lm, f := shopMatchers(t, sb, emb, lex, cfg)
			for _, q := range dev {
				count(&lexAll, lm.Match(t.Context(), q.Query, 2), q.ID, has[i][q.ID])
				count(&fusedAll, f.Match(t.Context(), q.Query, 2), q.ID, has[i][q.ID])
			}
		}
	}
	t.Logf("dev, lexical: %s", str(lexAll))
	t.Logf("dev, fused:   %s", str(fusedAll))
}

// TestFusedMutualCrossingsDev is knowledge's TestMutualCrossingsDev for
// the fused ranker on banking77's shop-sized bases with the real model:
// held-out questions wrong in a two-way crossing and elsewhere, beside
// the dev queries (knowledge questions 6-10) wrong into such a pair and
// elsewhere, per right answer. It only logs.
//
//	BATON_MEASURE=1 BATON_EMBED_URL=http://127.0.0.1:8089/v1 go test -run TestFusedMutualCrossingsDev -v -timeout 30m ./bot/semantic/
func TestFusedMutualCrossingsDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement of some minutes: set BATON_MEASURE=1 to run it")
	}
	b, _, dev, lex, cfg := banking77Fixture(t)
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, dev))
	ctx := t.Context()
	var lr, lw2, lw1, cr, cw2, cw1 int
	for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
		bases, has := shopSplit(t, b, split[0], split[1])
		for i, sb := range bases {
			_, f := shopMatchers(t, sb, emb, lex, cfg)
			cross := map[[2]string]bool{}
			type rec struct{ from, to string }
			var recs []rec
			for j, q := range sb.Questions() {
				cands := f.rank(ctx, q.Text, j, 2, func() []float32 { return f.knownVec(q.Text, j) })
				if len(cands) == 0 || cands[0].Score <= 0 || cands[0].Sure {
					continue
				}
				if cands[0].ID != q.ID {
					cross[[2]string{q.ID, cands[0].ID}] = true
				}
				recs = append(recs, rec{q.ID, cands[0].ID})
			}
			for _, r := range recs {
				switch {
				case r.from == r.to:
					lr++
				case cross[[2]string{r.to, r.from}]:
					lw2++
				default:
					lw1++
				}
			}
			for _, q := range dev {
				if !has[i][q.ID] {
					continue
				}
				got := f.Match(ctx, q.Query, 2)
				if len(got) == 0 || got[0].Confident {
					continue // answered by the lexical match, or nothing
				}
				switch {
				case got[0].ID == q.ID:
					cr++
				case cross[[2]string{got[0].ID, q.ID}] && cross[[2]string{q.ID, got[0].ID}]:
					cw2++
				default:
					cw1++
				}
			}
		}
	}
	t.Logf("fused, not sure lexically: held-out right %d, wrong in a two-way crossing %d (%.4f per right), elsewhere %d (%.4f) | dev queries right %d, wrong into a two-way pair %d (%.4f), elsewhere %d (%.4f)",
		lr, lw2, float64(lw2)/float64(max(lr, 1)), lw1, float64(lw1)/float64(max(lr, 1)), cr, cw2, float64(cw2)/float64(max(cr, 1)), cw1, float64(cw1)/float64(max(cr, 1)))
}
