package knowledge

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Experiment harness (temporary while tuning).

func loadShop(t testing.TB) (*Base, []labelled) {
	t.Helper()
	shop, problems := Load(os.DirFS(repoRoot()), "knowledge")
	if len(problems) > 0 {
		t.Fatalf("shop problems: %v", problems)
	}
	return shop, readJSONL(t, filepath.Join("testdata", "shop_queries.jsonl"))
}

func splitHalves(qs []labelled) (even, odd []labelled) {
	for i, q := range qs {
		if i%2 == 0 {
			even = append(even, q)
		} else {
			odd = append(odd, q)
		}
	}
	return
}

func withParams(b *Base, p params) *Base {
	c := *b
	c.index = buildIndex(b, p)
	return &c
}

func top1(b *Base, qs []labelled) (n, ok int) {
	for _, q := range qs {
		if q.ID == "" {
			continue
		}
		n++
		if m := b.Match(q.Query, 1); len(m) > 0 && m[0].ID == q.ID {
			ok++
		}
	}
	return
}

func TestExp(t *testing.T) {
	if os.Getenv("BATON_EXP") == "" {
		t.Skip("BATON_EXP")
	}
	bank, _ := loadBanking77(t)
	shop, sq := loadShop(t)
	even, _ := splitHalves(sq)
	run := func(name string, p params) {
		bl := leaveOneOut(bank, p, 2)
		sl := leaveOneOut(shop, p, 1)
		n, ok := top1(withParams(shop, p), even)
		t.Logf("%-30s b77-LOO %.4f shop-LOO %.4f shop-even %.4f (%d/%d)", name, bl.raw(), sl.raw(), float64(ok)/float64(n), ok, n)
	}
	run("default", defaultParams)
	vary := func(name string, vals []float64, set func(*params, float64)) {
		for _, v := range vals {
			p := defaultParams
			set(&p, v)
			run(fmtf("%s=%g", name, v), p)
		}
	}
	_ = vary
	base := defaultParams
	base.fold = true
	run("fold", base)
	vary2 := func(name string, vals []float64, set func(*params, float64)) {
		for _, v := range vals {
			p := base
			set(&p, v)
			run(fmtf("%s=%g", name, v), p)
		}
	}
	vary2("cjkUniW", []float64{0.6, 1}, func(p *params, v float64) { p.cjkUniW = v })
	vary2("top1", []float64{0.5, 2}, func(p *params, v float64) { p.top[0] = v })
	vary2("entryW", []float64{1, 3}, func(p *params, v float64) { p.entryW = v })
	vary2("answerW", []float64{0.25, 1}, func(p *params, v float64) { p.answerW = v })
	vary2("bigramW", []float64{0.25, 1}, func(p *params, v float64) { p.bigramW = v })
	vary2("oovDF", []float64{0.5, 3}, func(p *params, v float64) { p.oovDF = v })
}

func TestExpErrors(t *testing.T) {
	if os.Getenv("BATON_EXP") == "" {
		t.Skip("BATON_EXP")
	}
	bank, _ := loadBanking77(t)
	p := defaultParams
	k := 0
	for _, id := range bank.ids {
		for lang, e := range bank.entries[id] {
			for i, q := range e.Questions {
				if i%3 != 0 {
					continue
				}
				c := withoutQuestion(bank, id, lang, i)
				c.index = buildIndex(c, p)
				m := c.Match(q, 3)
				if len(m) > 0 && m[0].ID != id {
					k++
					if k%3 == 0 {
						t.Logf("%q want %s got %s/%s", q, id, m[0].ID, m[1].ID)
					}
				}
			}
		}
	}
}

// sample is one tuning query's top candidate evidence.
type sample struct {
	x       [nConf]float64
	inScope bool
	correct bool
}

func samplesOf(b *Base, qs []labelled) []sample {
	var out []sample
	for _, q := range qs {
		s := sample{inScope: q.ID != ""}
		if c := b.index.candidates(q.Query, 2); len(c) > 0 {
			s.x = confFeatures(c, 0)
			s.correct = s.inScope && b.ids[c[0].entry] == q.ID
		}
		out = append(out, s)
	}
	return out
}

func looSamples(b *Base, p params, step int) []sample {
	var out []sample
	cache := map[string]map[string]float64{}
	feat := func(s string) map[string]float64 {
		f, ok := cache[s]
		if !ok {
			f = features(s, &p)
			cache[s] = f
		}
		return f
	}
	for _, id := range b.ids {
		for lang, e := range b.entries[id] {
			for i, q := range e.Questions {
				if i%step != 0 {
					continue
				}
				c := withoutQuestion(b, id, lang, i)
				c.index = buildIndexWith(c, p, feat)
				s := sample{inScope: true}
				if cs := c.index.candidates(q, 2); len(cs) > 0 {
					s.x = confFeatures(cs, 0)
					s.correct = c.ids[cs[0].entry] == id
				}
				out = append(out, s)
			}
		}
	}
	return out
}

// kbQuestions lists every question of b as an out-of-scope query.
func kbQuestions(b *Base) []labelled {
	var out []labelled
	for _, id := range b.ids {
		for _, e := range b.entries[id] {
			for _, q := range e.Questions {
				out = append(out, labelled{Query: q})
			}
		}
	}
	return out
}

// fitLogistic fits P(correct) = sigmoid(bias + w.x) by Newton's method
// with a small ridge, samples weighted by wt.
func fitLogistic(ss []sample, wt []float64, ridge float64) confModel {
	const d = nConf + 1
	beta := make([]float64, d)
	for it := 0; it < 50; it++ {
		var g [d]float64
		var h [d][d]float64
		for k, s := range ss {
			xv := append([]float64{1}, s.x[:]...)
			z := 0.0
			for j := range beta {
				z += beta[j] * xv[j]
			}
			p := 1 / (1 + math.Exp(-z))
			y := 0.0
			if s.correct {
				y = 1
			}
			for j := 0; j < d; j++ {
				g[j] += wt[k] * (y - p) * xv[j]
				for l := 0; l < d; l++ {
					h[j][l] += wt[k] * p * (1 - p) * xv[j] * xv[l]
				}
			}
		}
		for j := 1; j < d; j++ {
			g[j] -= ridge * beta[j]
			h[j][j] += ridge
		}
		step := solve(h, g)
		for j := range beta {
			beta[j] += step[j]
		}
	}
	var m confModel
	m.bias = beta[0]
	copy(m.w[:], beta[1:])
	return m
}

func solve[M ~[][nConf + 1]float64 | [nConf + 1][nConf + 1]float64](a M, b [nConf + 1]float64) []float64 {
	const n = nConf + 1
	var m [n][n + 1]float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			m[i][j] = a[i][j]
		}
		m[i][n] = b[i]
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		if m[c][c] == 0 {
			continue
		}
		for r := 0; r < n; r++ {
			if r != c {
				f := m[r][c] / m[c][c]
				for k := c; k <= n; k++ {
					m[r][k] -= f * m[c][k]
				}
			}
		}
	}
	x := make([]float64, n)
	for i := 0; i < n; i++ {
		if m[i][i] != 0 {
			x[i] = m[i][n] / m[i][i]
		}
	}
	return x
}

type prc struct{ p, r, oos float64 }

func evalAt(m confModel, ss []sample, th float64) prc {
	var in, conf, good, oos, oosConf int
	for _, s := range ss {
		z := m.bias
		for j, w := range m.w {
			z += w * s.x[j]
		}
		sc := 1 / (1 + math.Exp(-z))
		if s.inScope {
			in++
		} else {
			oos++
		}
		if sc < th || s.x[0] == 0 {
			continue
		}
		conf++
		if s.correct {
			good++
		} else if !s.inScope {
			oosConf++
		}
	}
	r := prc{p: 1}
	if conf > 0 {
		r.p = float64(good) / float64(conf)
	}
	if in > 0 {
		r.r = float64(good) / float64(in)
	}
	if oos > 0 {
		r.oos = float64(oosConf) / float64(oos)
	}
	return r
}

func TestExpConf(t *testing.T) {
	if os.Getenv("BATON_EXP") == "" {
		t.Skip("BATON_EXP")
	}
	p := defaultParams
	p.fold = true
	p.cjkUniW = 0.6
	bank0, _ := loadBanking77(t)
	shop0, sq := loadShop(t)
	bank, shop := withParams(bank0, p), withParams(shop0, p)
	even, odd := splitHalves(sq)
	oos := readJSONL(t, filepath.Join("testdata", "tune_oos.jsonl"))
	sets := map[string][]sample{
		"shop-even":   samplesOf(shop, even),
		"shop-odd":    samplesOf(shop, odd),
		"shop-all":    samplesOf(shop, sq),
		"shop-LOO":    looSamples(shop0, p, 1),
		"b77-LOO":     looSamples(bank0, p, 2),
		"oos-tune":    samplesOf(shop, oos),
		"b77-on-shop": samplesOf(shop, kbQuestions(bank0)),
		"shop-on-b77": samplesOf(bank, kbQuestions(shop0)),
	}
	var train []sample
	var wt []float64
	weights := map[string]float64{"shop-even": 3, "shop-LOO": 1, "b77-LOO": 0.5, "oos-tune": 2, "b77-on-shop": 0.2, "shop-on-b77": 0.2}
	if e := os.Getenv("BATON_EXP_W"); e != "" {
		weights = map[string]float64{}
		for _, kv := range strings.Split(e, ",") {
			k, v, _ := strings.Cut(kv, "=")
			weights[k], _ = strconv.ParseFloat(v, 64)
		}
	}
	mask := os.Getenv("BATON_EXP_MASK") // e.g. "110110": features to keep
	for name, w := range weights {
		for _, s := range sets[name] {
			for j := range s.x {
				if j < len(mask) && mask[j] == '0' {
					s.x[j] = 0
				}
			}
			train = append(train, s)
			wt = append(wt, w)
		}
	}
	m := fitLogistic(train, wt, 0.01)
	t.Logf("model %+v", m)
	for th := 0.3; th <= 0.9001; th += 0.05 {
		line := ""
		for _, name := range []string{"shop-even", "shop-odd", "shop-all", "shop-LOO", "b77-LOO", "oos-tune", "b77-on-shop", "shop-on-b77"} {
			r := evalAt(m, sets[name], th)
			switch name {
			case "oos-tune", "b77-on-shop", "shop-on-b77":
				line += fmtf(" | %s %.3f", name, r.oos)
			default:
				line += fmtf(" | %s P%.3f R%.3f O%.3f", name, r.p, r.r, r.oos)
			}
		}
		t.Logf("th %.2f%s", th, line)
	}
	// The old rule for comparison.
}

func TestExpShow(t *testing.T) {
	if os.Getenv("BATON_EXP") == "" {
		t.Skip("BATON_EXP")
	}
	p := defaultParams
	p.fold = true
	shop0, sq := loadShop(t)
	shop := withParams(shop0, p)
	even, _ := splitHalves(sq)
	for _, q := range even {
		c := shop.index.candidates(q.Query, 2)
		if len(c) == 0 {
			t.Logf("NONE %-40q want %s", q.Query, q.ID)
			continue
		}
		x := confFeatures(c, 0)
		mark := "ok "
		if shop.ids[c[0].entry] != q.ID {
			mark = "BAD"
			if q.ID == "" {
				mark = "oos"
			}
		}
		t.Logf("%s %-50q got %-28s want %-28s sim %.2f mar %.2f cov %.2f q1 %.2f", mark, q.Query, shop.ids[c[0].entry], q.ID, x[0], x[1], x[2], x[3])
	}
}
