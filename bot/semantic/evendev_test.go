package semantic

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/text"
)

// evenLines are banking77's test.jsonl lines at even 0-based positions
// (the first, third, ... line): the dev half of the test set. The lines at
// odd positions are held out and never asked here.
func evenLines(test []labelled) []labelled {
	var even []labelled
	for i, q := range test {
		if i%2 == 0 {
			even = append(even, q)
		}
	}
	return even
}

// evenDev is banking77's base, its even test lines and the embedder of
// every text they need (BATON_EMBED_CACHE keeps it between runs); it
// skips unless BATON_MEASURE is set.
func evenDev(t *testing.T) (*knowledge.Base, []labelled, *memoEmbedder) {
	t.Helper()
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a dev measurement that only logs: set BATON_MEASURE=1 to run it")
	}
	b, test, dev, _, cfg := banking77Fixture(t)
	even := evenLines(test)
	return b, even, newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, dev, even))
}

// evenRun is one fused design on the full banking77 base asked the even
// test lines, as serve builds it (content.Load with the shipped prompts).
type evenRun struct {
	n, top1, confident, right, calls int
	lexTop1, lexConf, lexRight       int
}

func (r evenRun) String() string {
	n := float64(max(r.n, 1))
	return fmt.Sprintf("top-1 %.3f, confident-and-right %.3f, confident wrong %.4f (%d of %d), calls per message %.3f; lexical top-1 %.3f, C&R %.3f, wrong %d of %d",
		float64(r.top1)/n, float64(r.right)/n, float64(r.confident-r.right)/float64(max(r.confident, 1)), r.confident-r.right, r.confident,
		float64(r.calls)/n, float64(r.lexTop1)/n, float64(r.lexRight)/n, r.lexConf-r.lexRight, r.lexConf)
}

// fusedEven builds banking77's full base through content.Load as serve
// does (shipped prompts: lexicon, off-topic set, settings), its vectors
// from emb, the fused matcher with p, and asks it qs.
func fusedEven(t *testing.T, emb *memoEmbedder, p fuseParams, qs []labelled) (evenRun, *Fused) {
	return fusedEvenWith(t, emb, p, 0, qs)
}

// fusedEvenWith is fusedEven with fusion's missing-topic bound set to
// missing (0: the off-topic target, as shipped).
func fusedEvenWith(t *testing.T, emb *memoEmbedder, p fuseParams, missing float64, qs []labelled) (evenRun, *Fused) {
	t.Helper()
	ctx := t.Context()
	var f *Fused
	calls := 0
	query := func(_ context.Context, s string) ([]float32, error) {
		calls++
		return emb.vecs[s], nil
	}
	dir := sharedDir() + "/datasets/banking77"
	set, probs := content.Load(content.Dir("../../prompts"), content.Source{FS: os.DirFS(dir), Root: "kb"},
		content.WithMatcher(func(ctx context.Context, b *knowledge.Base, lex *text.Lexicon, cfg knowledge.CalibrationConfig) knowledge.Matcher {
			lm := knowledge.NewLexicalMatcher(ctx, b, lex, cfg)
			ix, _, err := build(ctx, b, cfg.OffTopic, emb, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			cfg.MissingTopicRate = missing
			f = newFusedWith(ctx, p, lm, ix, cfg, query, nil)
			return lm
		}))
	if len(probs) > 0 {
		t.Fatalf("loading: %v", probs)
	}
	_ = set
	var r evenRun
	for _, q := range qs {
		r.n++
		c0 := calls
		got := f.Match(ctx, q.Query, 1)
		if len(got) > 0 {
			r.top1 += b2i(got[0].ID == q.ID)
			if got[0].Confident {
				r.confident++
				r.right += b2i(got[0].ID == q.ID)
				if got[0].ID != q.ID && os.Getenv("BATON_DEV_LIST") != "" {
					t.Logf("confident wrong (fused path %v): %q want %s got %s %.3f", calls > c0, q.Query, q.ID, got[0].ID, got[0].Score)
				}
			}
		}
		l := f.lexical.Match(ctx, q.Query, 1)
		if len(l) > 0 {
			r.lexTop1 += b2i(l[0].ID == q.ID)
			if l[0].Confident {
				r.lexConf++
				r.lexRight += b2i(l[0].ID == q.ID)
			}
		}
	}
	r.calls = calls
	return r, f
}

// TestBanking77FusedEvenDev is TestBanking77Fused on the dev half of the
// test set only (even 0-based lines; the odd ones are held out), with the
// vectors from BATON_EMBED_CACHE: the full base as serve builds it, the
// shipped design and the variants BATON_VARIANT names. It only logs:
//
//	BATON_MEASURE=1 BATON_EMBED_URL=http://127.0.0.1:8089/v1 BATON_EMBED_CACHE=/tmp/b77.gob go test -run TestBanking77FusedEvenDev -v -timeout 30m ./bot/semantic/
func TestBanking77FusedEvenDev(t *testing.T) {
	_, even, emb := evenDev(t)
	for _, v := range evenVariants() {
		if only := os.Getenv("BATON_VARIANT"); only != "" && !strings.Contains(v.name, only) {
			continue
		}
		r, f := fusedEvenWith(t, emb, v.p, v.missing, even)
		t.Logf("%s: even lines %d: %s", v.name, r.n, r)
		t.Logf("%s: fused calibration %s", v.name, f.cal)
	}
}

type evenVariant struct {
	name    string
	p       fuseParams
	missing float64
}

func evenVariants() []evenVariant {
	return []evenVariant{
		{"shipped", defaultFuse, 0},
		{"missing-topic budget on the total", fuseWith(func(p *fuseParams) { p.nearNet = false }), 0},
		{"no answer side, lexical 2", fuseWith(func(p *fuseParams) { p.lexW, p.ansW = 2, 0 }), 0},
		{"no hubness", fuseWith(func(p *fuseParams) { p.hubW = 0 }), 0},
		{"missing-topic 10%", defaultFuse, 0.1},
	}
}

// gridQuery is one message's per-entry signals for a ranking grid.
type gridQuery struct {
	want int32
	ev   [2][]evidence // without hubness, with it
	lex  int32         // lexical top entry (-1: none)
	vecT int32         // vector (nearest question) top entry
}

func gridTop(q gridQuery, hub int, lexW, bestW, centW, ansW, agreeW float64) int32 {
	best, bi := math.Inf(-1), int32(-1)
	for _, x := range q.ev[hub] {
		near := max(x.best, 0)
		if hub == 1 && !math.IsInf(x.scaled, -1) {
			near = x.scaled
		}
		f := (lexW*x.lexical + bestW*near + centW*max(x.cent, 0) + ansW*x.ans) / (lexW + bestW + centW + ansW)
		if x.entry == q.lex && x.entry == q.vecT {
			f += agreeW
		}
		if f > best {
			best, bi = f, x.entry
		}
	}
	return bi
}

// TestBanking77FusedGridEvenDev ranks (no decision) banking77's even test
// lines the lexical match is not sure of on the full base, and the base's
// own questions left out one by one, for a grid of fusion weights: does
// the base's leave-one-out pick weights that carry over? It only logs.
//
//	BATON_MEASURE=1 BATON_EMBED_CACHE=/tmp/b77.gob go test -run TestBanking77FusedGridEvenDev -v -timeout 30m ./bot/semantic/
func TestBanking77FusedGridEvenDev(t *testing.T) {
	b, even, emb := evenDev(t)
	_, f := fusedEven(t, emb, defaultFuse, nil)
	ctx := t.Context()
	mk := func(q string, skip int, vec []float32, want string) (gridQuery, bool) {
		lex := f.lexical.Rank(ctx, q, skip, lexicalTop)
		if f.lexical.Cal.Confident(lex) {
			return gridQuery{}, false
		}
		g := gridQuery{want: f.ix.num[want], lex: -1}
		if len(lex) > 0 {
			g.lex = f.ix.num[lex[0].ID]
		}
		for h, hw := range []float64{0, 1} {
			g.ev[h] = f.ix.evidenceWith(fuseParams{lexW: 1, hubW: hw}, lex, vec, skip)
		}
		for _, x := range g.ev[0] {
			if x.best > g.ev[0][g.vecT].best {
				g.vecT = x.entry
			}
		}
		return g, true
	}
	var evenQ, looQ []gridQuery
	for _, q := range even {
		if g, ok := mk(q.Query, -1, emb.vecs[q.Query], q.ID); ok {
			evenQ = append(evenQ, g)
		}
	}
	for i, q := range b.Questions() {
		if g, ok := mk(q.Text, i, f.ix.vecs[i], q.ID); ok {
			looQ = append(looQ, g)
		}
	}
	t.Logf("not sure lexically: even lines %d, leave-one-out questions %d", len(evenQ), len(looQ))
	count := func(qs []gridQuery, hub int, w [5]float64) int {
		n := 0
		for _, q := range qs {
			if gridTop(q, hub, w[0], w[1], w[2], w[3], w[4]) == q.want {
				n++
			}
		}
		return n
	}
	type res struct {
		hub       int
		w         [5]float64
		even, loo int
	}
	var all []res
	for hub := 0; hub < 2; hub++ {
		for _, lw := range []float64{1.5, 2, 3, 4} {
			for _, bw := range []float64{0, 0.5, 1} {
				for _, cw := range []float64{0.5, 1, 2} {
					for _, aw := range []float64{0, 0.25, 0.5} {
						for _, gw := range []float64{0, 0.1} {
							w := [5]float64{lw, bw, cw, aw, gw}
							all = append(all, res{hub, w, count(evenQ, hub, w), count(looQ, hub, w)})
						}
					}
				}
			}
		}
	}
	for _, r := range all {
		if r.hub == 1 && r.w == [5]float64{3, 1, 1, 0.5, 0.1} {
			t.Logf("shipped: even %d, loo %d", r.even, r.loo)
		}
	}
	slices.SortFunc(all, func(a, b res) int { return cmp.Compare(b.loo, a.loo) })
	for _, r := range all[:15] {
		t.Logf("by loo: hub %d lex %.1f best %.1f cent %.1f ans %.2f agree %.1f: even %d, loo %d", r.hub, r.w[0], r.w[1], r.w[2], r.w[3], r.w[4], r.even, r.loo)
	}
	slices.SortFunc(all, func(a, b res) int { return cmp.Compare(b.even, a.even) })
	for _, r := range all[:15] {
		t.Logf("by even: hub %d lex %.1f best %.1f cent %.1f ans %.2f agree %.1f: even %d, loo %d", r.hub, r.w[0], r.w[1], r.w[2], r.w[3], r.w[4], r.even, r.loo)
	}
}

// TestBanking77FusedEvenDumpDev writes, for every even test line the
// lexical match is not sure of (full base), the fused first's signals and
// whether it is right, to BATON_EVEN_DUMP (tab-separated). It only writes.
func TestBanking77FusedEvenDumpDev(t *testing.T) {
	if os.Getenv("BATON_EVEN_DUMP") == "" {
		t.Skip("a dev dump: set BATON_MEASURE=1 and BATON_EVEN_DUMP=file")
	}
	b, even, emb := evenDev(t)
	_, f := fusedEven(t, emb, defaultFuse, nil)
	ctx := t.Context()
	fh, err := os.Create(os.Getenv("BATON_EVEN_DUMP"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	fmt.Fprintln(fh, "set\tright\ttier\tscore\tcover\tunknown\tagree\tgap\tvecgap\tcos\tpooled\thedged")
	row := func(set string, q string, skip int, vec []float32, want string) {
		lex := f.lexical.Rank(ctx, q, skip, lexicalTop)
		if f.lexical.Cal.Confident(lex) {
			return
		}
		cands, sig := f.fused(lex, vec, skip, 2)
		f.pooledMark(cands, sig)
		if len(cands) == 0 {
			return
		}
		c := cands[0]
		fmt.Fprintf(fh, "%s\t%v\t%s\t%.5f\t%.4f\t%.4f\t%v\t%.5f\t%.5f\t%.5f\t%d\t%v\n", set, c.ID == want, f.cal.Tier(cands), c.Score, c.Cover, c.Unknown,
			sig.agree, sig.gap, sig.vecGap, sig.cos, c.Pooled, c.Hedged)
	}
	for _, q := range even {
		row("even", q.Query, -1, emb.vecs[q.Query], q.ID)
	}
	for i, q := range b.Questions() {
		row("loo", q.Text, i, f.ix.vecs[i], q.ID)
	}
}
