package semantic

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/knowledge/ceiling"
	"github.com/batonhq/baton/bot/text"
)

// ceilingSample is the ceiling package's view of a ranked list for a
// query of entry want ("" for an off-scope query).
func ceilingSample(cands []knowledge.Candidate, want string) ceiling.Sample {
	s := ceiling.Sample{Kind: ceiling.Wrong}
	if len(cands) > 0 {
		s.Score, s.Cover, s.Sure = cands[0].Score, cands[0].Cover, cands[0].Sure
		s.Lead = cands[0].Score
		if len(cands) > 1 {
			s.Lead -= cands[1].Score
		}
	}
	switch {
	case want == "":
		s.Kind = ceiling.Off
	case len(cands) > 0 && cands[0].ID == want:
		s.Kind = ceiling.Right
	}
	return s
}

// decided is one query's outcome under the fused decision.
func decided(cal *knowledge.Calibration, cands []knowledge.Candidate, want string) ceiling.Result {
	return ceiling.Outcome(ceilingSample(cands, want), cal.Confident(cands))
}

// fusedDevRun is one fused design measured on banking77's dev data: the
// full base by leave-one-out (each question asked without itself, and the
// off-topic set), and the 18 shop-sized bases asked knowledge questions
// 6-10 (their own intents in scope, the others' off scope). It keeps the
// evidence (for the oracle) and what the design's own calibration decided.
type fusedDevRun struct {
	full, fullOff []ceiling.Sample // leave-one-out questions; the off-topic set
	fullDecided   ceiling.Result   // the fused calibration, in sample
	shop          []ceiling.Sample // pooled over the bases
	shopPerBase   ceiling.Result   // the oracle per base, summed
	shopDecided   ceiling.Result   // each base's own fused calibration
}

func fusedDev(t *testing.T, b *knowledge.Base, emb *memoEmbedder, lex *text.Lexicon, cfg knowledge.CalibrationConfig, dev []labelled, p fuseParams) fusedDevRun {
	t.Helper()
	ctx := t.Context()
	query := func(_ context.Context, s string) ([]float32, error) { return emb.vecs[s], nil }
	var run fusedDevRun
	newF := func(kb *knowledge.Base) *Fused {
		lm := knowledge.NewLexicalMatcher(ctx, kb, lex, cfg)
		ix, _, err := build(ctx, kb, cfg.OffTopic, emb, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return newFusedWith(ctx, p, lm, ix, cfg, query, nil)
	}
	f := newF(b)
	for i, q := range b.Questions() {
		cands := f.rank(ctx, q.Text, i, 2, func() []float32 { return f.knownVec(q.Text, i) })
		run.full = append(run.full, ceilingSample(cands, q.ID))
		run.fullDecided.Add(decided(f.cal, cands, q.ID))
	}
	for _, m := range cfg.OffTopic {
		cands := f.rank(ctx, m, -1, 2, func() []float32 { return emb.vecs[m] })
		run.fullOff = append(run.fullOff, ceilingSample(cands, ""))
		run.fullDecided.Add(decided(f.cal, cands, ""))
	}
	for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
		bases, has := shopSplit(t, b, split[0], split[1])
		for i, sb := range bases {
			sf := newF(sb)
			var one []ceiling.Sample
			for _, q := range dev {
				want := q.ID
				if !has[i][q.ID] {
					want = ""
				}
				cands := sf.rank(ctx, q.Query, -1, 2, func() []float32 { return emb.vecs[q.Query] })
				one = append(one, ceilingSample(cands, want))
				run.shopDecided.Add(decided(sf.cal, cands, want))
			}
			run.shop = append(run.shop, one...)
			run.shopPerBase.Add(ceiling.Best(one, 0.02, 0.05))
		}
	}
	return run
}

// TestBanking77FusedCeilingDev is TestBanking77CeilingDev (bot/knowledge)
// for semantic-fused matching with the real English model: on dev data
// only (never test.jsonl), the most confident-and-right answers any
// threshold rule over the fused evidence (score, lead, words covered; the
// lexical path's sure answers kept) gets within 2% wrong (and, on the
// shop-sized bases, 5% of other bases' questions answered), chosen in
// hindsight on the queries themselves. Calibration cannot beat it. It only
// logs; it starts the model unless BATON_EMBED_CACHE holds every vector:
//
//	BATON_MEASURE=1 go test -run TestBanking77FusedCeilingDev -v -timeout 30m ./bot/semantic/
func TestBanking77FusedCeilingDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs (dev ceilings): set BATON_MEASURE=1 to run it")
	}
	b, _, dev, lex, cfg := banking77Fixture(t)
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, dev))
	run := fusedDev(t, b, emb, lex, cfg, dev, defaultFuse)
	logFusedDev(t, "fused", run)
}

func logFusedDev(t *testing.T, name string, run fusedDevRun) {
	t.Helper()
	t.Logf("%s, full base, leave-one-out: the fused calibration (in sample): %s", name, run.fullDecided)
	t.Logf("%s, full base, leave-one-out: oracle at <= 2%% wrong: %s", name, ceiling.Best(run.full, 0.02, -1))
	t.Logf("%s, full base, leave-one-out: oracle at <= 2%% wrong and <= 5%% of the off-topic set: %s", name, ceiling.Best(append(run.fullOff, run.full...), 0.02, 0.05))
	t.Logf("%s, shop-sized bases, dev queries: each base's fused calibration: %s", name, run.shopDecided)
	t.Logf("%s, shop-sized bases, dev queries: oracle, one rule for all 18 bases, <= 2%% wrong, <= 5%% other bases' answered: %s", name, ceiling.Best(run.shop, 0.02, 0.05))
	t.Logf("%s, shop-sized bases, dev queries: oracle, each base its own rule: %s", name, run.shopPerBase)
	t.Logf("%s, shop-sized bases, dev queries: oracle, one rule, <= 2%% wrong, other bases unbounded: %s", name, ceiling.Best(run.shop, 0.02, -1))
}

// TestBanking77FusedVariantsDev compares fused designs on the dev data of
// TestBanking77FusedCeilingDev: what each one's own calibration decides,
// and its oracle. Designs were kept or dropped on these numbers only
// (NOTES, README). It only logs:
//
//	BATON_MEASURE=1 go test -run TestBanking77FusedVariantsDev -v -timeout 30m ./bot/semantic/
func TestBanking77FusedVariantsDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs (dev comparisons): set BATON_MEASURE=1 to run it")
	}
	b, _, dev, lex, cfg := banking77Fixture(t)
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, dev))
	for _, v := range []struct {
		name string
		p    fuseParams
		near float64
		off  float64
	}{
		{"shipped", defaultFuse, 0, 0},
		// The pooled prior of day-one bases (pooledFuse) left out: the
		// design until 2026-12-06 evening.
		{"no pooled prior", fuseWith(func(p *fuseParams) { p.pooled = nil }), 0, 0},
		{"before 2026-12-06 07:00 (lexical 2, no answer side)", fuseWith(func(p *fuseParams) { p.lexW, p.ansW = 2, 0 }), 0, 0},
		{"temp 0.022", fuseWith(func(p *fuseParams) { p.temp = 0.022 }), 0, 0},
		{"lexical weight 2.5", fuseWith(func(p *fuseParams) { p.lexW = 2.5 }), 0, 0},
		{"missing-topic 1%, off-topic 1%", defaultFuse, 0.01, 0.01},
		{"missing-topic 0.5%, off-topic 0.5%", defaultFuse, 0.005, 0.005},
		{"no agreement bonus", fuseWith(func(p *fuseParams) { p.agreeW = 0 }), 0, 0},
		// Fusion's missing-topic budget on the total, the lexical
		// path's sure answers included: the design until 2026-12-07
		// (fuseParams.nearNet).
		{"missing-topic budget on the total", fuseWith(func(p *fuseParams) { p.nearNet = false }), 0, 0},
		{"no hubness", fuseWith(func(p *fuseParams) { p.hubW = 0 }), 0, 0},
		// The best two of a grid over the weights by ranking alone
		// (2026-12-06, session 5: lexical 2-5, best 0.5-1.5, centroid
		// 0.5-2, answer 0-1, agreement 0-0.2; 864 designs): top-1 full
		// 0.768 -> 0.769 / 0.771, shop-sized 0.810 -> 0.814 / 0.811, a
		// question or three of 770. Decided, both did worse on the
		// shop-sized bases (right 0.461 -> 0.454, wrong 1.66% -> 1.96% /
		// 1.69%): the shipped weights stay (NOTES).
		{"grid: lexical 3, best 0.5, centroid 1.5, answer 1", fuseWith(func(p *fuseParams) { p.bestW, p.centW, p.ansW = 0.5, 1.5, 1 }), 0, 0},
		{"grid: lexical 2.5, best 0.5, centroid 2, answer 0", fuseWith(func(p *fuseParams) { p.lexW, p.bestW, p.centW, p.ansW = 2.5, 0.5, 2, 0 }), 0, 0},
	} {
		if only := os.Getenv("BATON_VARIANT"); only != "" && !strings.Contains(v.name, only) {
			continue // BATON_VARIANT=shipped measures the variants named so only
		}
		c := cfg
		c.MissingTopicRate, c.OffTopicRate = v.near, v.off
		run := fusedDev(t, b, emb, lex, c, dev, v.p)
		t.Logf("%s: full-base leave-one-out top-1 %.3f, decided %s", v.name, float64(run.fullDecided.Top1)/float64(max(run.fullDecided.InScope, 1)), run.fullDecided)
		t.Logf("%s: shop dev decided: %s", v.name, run.shopDecided)
		t.Logf("%s: shop dev oracle, one rule, 2%%/5%%: %s", v.name, ceiling.Best(run.shop, 0.02, 0.05))
		t.Logf("%s: shop dev oracle per base: %s", v.name, run.shopPerBase)
		t.Logf("%s: full oracle 2%%: %s", v.name, ceiling.Best(run.full, 0.02, -1))
		// What the lexical path answers before fusion is asked: no fused
		// design can take these back without an embeddings call for
		// every message (on 2026-12-06, 260 of the shipped design's 629
		// other banks' questions answered on the shop-sized bases).
		var sure [3]int // right, wrong, off scope
		for _, x := range run.shop {
			switch {
			case !x.Sure:
			case x.Kind == ceiling.Right:
				sure[0]++
			case x.Kind == ceiling.Wrong:
				sure[1]++
			case x.Kind == ceiling.Off:
				sure[2]++
			}
		}
		t.Logf("%s: shop dev, answered by the lexical path before fusion: right %d, wrong %d, off scope %d", v.name, sure[0], sure[1], sure[2])
	}
}

// TestBanking77FusedRankingDev compares fusion weights by ranking alone
// (top-1, no decision) on the dev data: banking77's questions by
// leave-one-out over the full base, and the shop-sized bases asked
// knowledge questions 6-10 of their own intents. It only logs:
//
//	BATON_MEASURE=1 go test -run TestBanking77FusedRankingDev -v -timeout 30m ./bot/semantic/
func TestBanking77FusedRankingDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs (dev comparisons): set BATON_MEASURE=1 to run it")
	}
	b, _, dev, lex, cfg := banking77Fixture(t)
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
	centre := os.Getenv("BATON_CENTRE") != ""
	centred := func(kb *knowledge.Base) *memoEmbedder {
		if !centre {
			return emb
		}
		mu := make([]float64, 0)
		for _, q := range kb.Questions() {
			v := emb.vecs[q.Text]
			if len(mu) == 0 {
				mu = make([]float64, len(v))
			}
			for k, x := range v {
				mu[k] += float64(x)
			}
		}
		n := float64(len(kb.Questions()))
		out := &memoEmbedder{vecs: map[string][]float32{}}
		for s, v := range emb.vecs {
			c := make([]float32, len(v))
			for k, x := range v {
				c[k] = x - float32(mu[k]/n)
			}
			out.vecs[s] = normalize(c)
		}
		return out
	}
	l := knowledge.NewLexical(b, lex)
	ce := centred(b)
	ix, _, err := build(ctx, b, nil, ce, nil, nil, nil)
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
			ce := centred(sb)
			six, _, err := build(ctx, sb, nil, ce, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range dev {
				if has[i][q.ID] {
					shop = append(shop, asked{six, sl.Rank(ctx, q.Query, -1, lexicalTop), ce.vecs[q.Query], -1, q.ID})
				}
			}
		}
	}
	vecOnly := func(qs []asked) float64 {
		n := 0
		for _, a := range qs {
			if ev := a.ix.rankWith(fuseParams{bestW: 1}, nil, a.vec, a.skip, 1); len(ev) > 0 && a.ix.ids[ev[0].entry] == a.want {
				n++
			}
		}
		return float64(n) / float64(len(qs))
	}
	t.Logf("nearest question alone: top-1 full base leave-one-out %.4f, shop-sized dev %.4f", vecOnly(full), vecOnly(shop))
	top1 := func(p fuseParams, qs []asked) float64 {
		n := 0
		for _, a := range qs {
			if ev := a.ix.rankWith(p, a.lex, a.vec, a.skip, 1); len(ev) > 0 && a.ix.ids[ev[0].entry] == a.want {
				n++
			}
		}
		return float64(n) / float64(len(qs))
	}
	for _, lw := range []float64{1, 1.5, 2, 3} {
		for _, bw := range []float64{0.5, 1, 2} {
			for _, cw := range []float64{0.5, 1, 2} {
				for _, aw := range []float64{0, 0.05, 0.1} {
					p := fuseParams{lexW: lw, bestW: bw, centW: cw, agreeW: aw, temp: defaultFuse.temp, tie: defaultFuse.tie}
					t.Logf("lexical %.1f best %.1f centroid %.1f agreement %.2f: top-1 full base leave-one-out %.4f, shop-sized dev %.4f",
						lw, bw, cw, aw, top1(p, full), top1(p, shop))
				}
			}
		}
	}
}

// fuseWith is the shipped fusion with mod applied: a variant the dev
// measurements compare with it.
func fuseWith(mod func(*fuseParams)) fuseParams {
	p := defaultFuse
	mod(&p)
	return p
}
