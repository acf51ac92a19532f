package knowledge

import (
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestDiagEval (temporary) prints the matcher's view of the eval suite's
// answer turns.
func TestDiagEval(t *testing.T) {
	if os.Getenv("BATON_DIAG") == "" {
		t.Skip()
	}
	shop, _ := loadShop(t)
	files, _ := filepath.Glob(filepath.Join(repoRoot(), "bot/eval/testdata/*.yaml"))
	type turn struct {
		Say    string `yaml:"say"`
		Expect struct {
			Answer string `yaml:"answer"`
		} `yaml:"expect"`
	}
	type tc struct {
		Name  string `yaml:"name"`
		Turns []turn `yaml:"turns"`
	}
	ok, n := 0, 0
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		var tcs []tc
		if err := yaml.Unmarshal(raw, &tcs); err != nil {
			t.Logf("%s: %v", f, err)
			continue
		}
		for _, c := range tcs {
			for _, tu := range c.Turns {
				if tu.Expect.Answer == "" {
					continue
				}
				n++
				ms := shop.Match(tu.Say, 3)
				cs := shop.index.candidates(tu.Say, 3)
				mark := "MISS"
				if len(ms) > 0 && ms[0].ID == tu.Expect.Answer && ms[0].Confident {
					mark = "ok  "
					ok++
				} else if len(ms) > 0 && ms[0].ID == tu.Expect.Answer {
					mark = "rank"
				}
				line := fmtf("%s %-28s %q", mark, tu.Expect.Answer, tu.Say)
				for i, m := range ms {
					line += fmtf("\n      %-28s %.3f x=%.3f", m.ID, m.Score, confFeatures(cs, i))
				}
				t.Log(line)
			}
		}
	}
	t.Logf("eval answers confident-correct %d of %d", ok, n)
}

type evalTurn struct{ say, want string }

func evalTurns(t *testing.T) []evalTurn {
	files, _ := filepath.Glob(filepath.Join(repoRoot(), "bot/eval/testdata/*.yaml"))
	var out []evalTurn
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		var tcs []struct {
			Turns []struct {
				Say    string `yaml:"say"`
				Expect struct {
					Answer string `yaml:"answer"`
				} `yaml:"expect"`
			} `yaml:"turns"`
		}
		if yaml.Unmarshal(raw, &tcs) != nil {
			continue
		}
		for _, c := range tcs {
			for _, tu := range c.Turns {
				if tu.Expect.Answer != "" {
					out = append(out, evalTurn{tu.Say, tu.Expect.Answer})
				}
			}
		}
	}
	return out
}

// TestDiagSweep fits the model per parameter variant, picks the threshold
// by the rule and reports held-out numbers.
func TestDiagSweep(t *testing.T) {
	if os.Getenv("BATON_DIAG") == "" {
		t.Skip()
	}
	bank0, _ := loadBanking77(t)
	shop0, sq := loadShop(t)
	even, odd := splitHalves(sq)
	oos := readJSONL(t, filepath.Join("testdata", "tune_oos.jsonl"))
	turns := evalTurns(t)
	try := func(name string, p params) {
		shop := withParams(shop0, p)
		sets := map[string][]sample{
			"even": samplesOf(shop, even), "odd": samplesOf(shop, odd), "all": samplesOf(shop, sq),
			"loo": looSamples(shop0, p, 1), "oos": samplesOf(shop, oos), "b77": samplesOf(shop, kbQuestions(bank0)),
		}
		wts := map[string]float64{"even": 3, "loo": 0.3, "oos": 2, "b77": 0.1}
		var train []sample
		var wt []float64
		for _, n := range []string{"even", "loo", "oos", "b77"} {
			for _, s := range sets[n] {
				train = append(train, s)
				wt = append(wt, wts[n])
			}
		}
		m := fitLogistic(train, wt, 0.01)
		th := 0.0
		for x := 0.40; x <= 0.9001; x += 0.05 {
			e, o := evalAt(m, sets["even"], x), evalAt(m, sets["oos"], x)
			if e.p >= 0.945 && o.oos <= 0.05 && e.oos <= 0.05 {
				th = x
				break
			}
		}
		p.conf, p.threshold = m, th
		shop.index = buildIndex(shop0, p)
		okc, wrong := 0, 0
		for _, tu := range turns {
			if ms := shop.Match(tu.say, 1); len(ms) > 0 && ms[0].Confident {
				if ms[0].ID == tu.want {
					okc++
				} else {
					wrong++
				}
			}
		}
		e, o, a, oo, b := evalAt(m, sets["even"], th), evalAt(m, sets["odd"], th), evalAt(m, sets["all"], th), evalAt(m, sets["oos"], th), evalAt(m, sets["b77"], th)
		t.Logf("%-22s th %.2f | even P %.3f R %.3f | ODD P %.3f R %.3f oos %.3f | all P %.3f R %.3f oos %.3f | tuneoos %.3f b77 %.3f | eval %d ok %d wrong of %d\n   model bias %.3f w %.3f",
			name, th, e.p, e.r, o.p, o.r, o.oos, a.p, a.r, a.oos, oo.oos, b.oos, okc, wrong, len(turns), m.bias, m.w)
	}
	base := defaultParams
	for _, c := range [][2]float64{{1, 0}, {0.5, 0}, {0.25, 0}, {1, 0.25}} {
		p := base
		p.oovW, p.ansCov = c[0], c[1]
		try(fmtf("oovW=%g ansCov=%g", c[0], c[1]), p)
	}
}

func TestDiagWrong(t *testing.T) {
	if os.Getenv("BATON_DIAG") == "" {
		t.Skip()
	}
	shop, sq := loadShop(t)
	for i, q := range sq {
		if q.ID == "" {
			continue
		}
		ms := shop.Match(q.Query, 2)
		if len(ms) > 0 && ms[0].ID != q.ID && ms[0].Score > 0.4 {
			t.Logf("line %d want %s got %s %.3f %q", i, q.ID, ms[0].ID, ms[0].Score, q.Query)
		}
	}
}
