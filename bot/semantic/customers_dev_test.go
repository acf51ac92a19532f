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

// TestFusedMutualCrossingsDev fits the fused ranker's weights of a wrong
// held-out question in the likely tier's share right
// (knowledge.PooledPrior.PairWrong, OtherWrong) on banking77's shop-sized
// bases with the real model: among the fused lists the likely tier works
// on (the lexical match not sure, the fused cut not confident, not tied),
// the held-out questions (each left out) right, wrong in a two-way
// crossing and wrong elsewhere, beside the customers' messages (the even
// test lines, banking77's dev half; the odd lines are held out and never
// asked) right, wrong into such a pair and wrong elsewhere, per right
// answer. Each weight is the customers' ratio over the held-out
// questions'. It only logs:
//
//	BATON_MEASURE=1 BATON_EMBED_URL=http://127.0.0.1:8089/v1 BATON_EMBED_CACHE=/tmp/b77.gob go test -run TestFusedMutualCrossingsDev -v -timeout 30m ./bot/semantic/
func TestFusedMutualCrossingsDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement of some minutes: set BATON_MEASURE=1 to run it")
	}
	b, test, dev, lex, cfg := banking77Fixture(t)
	even := evenLines(test)
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, dev, even))
	ctx := t.Context()
	var lr, lw2, lw1, cr, cw2, cw1 int
	// in reports whether a fused list is one the likely tier works on.
	in := func(f *Fused, cands []knowledge.Candidate) bool {
		return len(cands) > 0 && cands[0].Score > 0 && !cands[0].Sure && !knowledge.Tied(cands) && !f.cal.Confident(cands)
	}
	for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
		bases, has := shopSplit(t, b, split[0], split[1])
		for i, sb := range bases {
			_, f := shopMatchers(t, sb, emb, lex, cfg)
			cross := map[[2]string]bool{}
			type rec struct{ from, to string }
			var recs []rec
			for j, q := range sb.Questions() {
				cands := f.rank(ctx, q.Text, j, 2, func() []float32 { return f.knownVec(q.Text, j) })
				if len(cands) > 0 && !cands[0].Sure && cands[0].ID != q.ID {
					cross[[2]string{q.ID, cands[0].ID}] = true
				}
				if in(f, cands) {
					recs = append(recs, rec{q.ID, cands[0].ID})
				}
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
			for _, q := range even {
				if !has[i][q.ID] {
					continue
				}
				cands := f.rank(ctx, q.Query, -1, 2, func() []float32 { return emb.vecs[q.Query] })
				if !in(f, cands) {
					continue
				}
				switch {
				case cands[0].ID == q.ID:
					cr++
				case cross[[2]string{cands[0].ID, q.ID}] && cross[[2]string{q.ID, cands[0].ID}]:
					cw2++
				default:
					cw1++
				}
			}
		}
	}
	ratio := func(a, b int) float64 { return float64(a) / float64(max(b, 1)) }
	t.Logf("fused, not sure lexically, not confident, not tied: held-out right %d, wrong in a two-way crossing %d (%.4f per right), elsewhere %d (%.4f) | even test lines right %d, wrong into a two-way pair %d (%.4f), elsewhere %d (%.4f) | PairWrong %.2f, OtherWrong %.2f",
		lr, lw2, ratio(lw2, lr), lw1, ratio(lw1, lr), cr, cw2, ratio(cw2, cr), cw1, ratio(cw1, cr),
		ratio(cw2, cr)/max(ratio(lw2, lr), 1e-9), ratio(cw1, cr)/max(ratio(lw1, lr), 1e-9))
}
