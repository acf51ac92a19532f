package knowledge

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// bikesDev loads the dev day-one base (testdata/shops/bikes) and its
// customer queries. Never the tea shop: it is held out.
func bikesDev(t testing.TB) (*Base, []labelled) {
	t.Helper()
	dir := filepath.Join("testdata", "shops", "bikes")
	b, problems := Load(os.DirFS(dir), ".")
	if len(problems) > 0 {
		t.Fatalf("bikes: %v", problems)
	}
	return b, readJSONL(t, filepath.Join(dir, "queries.jsonl"))
}

func quantiles(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	q := func(p float64) float64 { return xs[int(p*float64(len(xs)-1))] }
	return fmt.Sprintf("n=%3d p10 %.3f p25 %.3f p50 %.3f p75 %.3f p90 %.3f", len(xs), q(.1), q(.25), q(.5), q(.75), q(.9))
}

func describe(t *testing.T, name string, ss []sample) {
	var sc, mg, cv, un []float64
	for _, s := range ss {
		sc, mg, cv, un = append(sc, s.score), append(mg, s.margin), append(cv, s.cover), append(un, s.unknown)
	}
	t.Logf("%-22s score  %s", name, quantiles(sc))
	t.Logf("%-22s lead   %s", name, quantiles(mg))
	t.Logf("%-22s cover  %s", name, quantiles(cv))
	t.Logf("%-22s unknwn %s", name, quantiles(un))
}

// TestDayOneSamplesDev prints, on the bikes dev base, the calibration
// samples by kind (held-out questions whose own entry came first or not,
// missing-topic questions, the off-topic set) beside its customer queries
// (right first, wrong first, off-topic lines): the quantiles of score,
// lead, words covered and words unknown, and the cuts chosen (README "A
// likely tier for a day-one base"). With BATON_MEASURE=2 it lists every
// customer query too. It only logs.
func TestDayOneSamplesDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	b, qs := bikesDev(t)
	m := shippedMatcher(t, b)
	t.Logf("calibration: %s", m.Cal)
	// The samples again, as Calibrate asked them.
	cal := &Calibration{}
	samples, _, _ := calibrationSamples(t.Context(), b, m.Rank, shippedConfig(t), cal)
	by := map[int8][]sample{}
	for _, s := range samples {
		by[s.kind] = append(by[s.kind], s)
	}
	names := map[int8]string{right: "LOO right", wrong: "LOO wrong", near: "missing topic", off: "off-topic set"}
	for _, k := range []int8{right, wrong, near, off} {
		describe(t, names[k], by[k])
	}
	cust := map[string][]sample{}
	for _, q := range qs {
		cands := m.Rank(t.Context(), q.Query, -1, 2)
		kind := "customer off-topic"
		if q.ID != "" {
			kind = "customer wrong " + q.Lang
			if len(cands) > 0 && cands[0].ID == q.ID {
				kind = "customer right " + q.Lang
			}
		}
		s := top(cands, right)
		cust[kind] = append(cust[kind], s)
		if os.Getenv("BATON_MEASURE") == "2" {
			t.Logf("%-22s s %.3f m %.3f c %.2f u %.2f tier %v %q", kind, s.score, s.margin, s.cover, s.unknown, m.Cal.Tier(cands), q.Query)
		}
	}
	keys := make([]string, 0, len(cust))
	for k := range cust {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		describe(t, k, cust[k])
	}
}

// TestDayOneCrossingsDev lists bikes' held-out questions that ranked
// another entry first, surest first. It only logs.
func TestDayOneCrossingsDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	b, _ := bikesDev(t)
	m := shippedMatcher(t, b)
	var cs []Crossing
	for _, c := range m.Cal.Confusions {
		cs = append(cs, c.Crossings...)
	}
	slices.SortFunc(cs, func(a, b Crossing) int { return cmp.Compare(b.s.score, a.s.score) })
	for _, c := range cs[:min(15, len(cs))] {
		t.Logf("%.3f lead %.3f cover %.2f: %q (%s) -> %s", c.s.score, c.s.margin, c.s.cover, c.Question, c.From, c.To)
	}
}

// dayOneTally counts one sweep point: in-scope queries confident and
// right, hedged and right, hedged; off-topic ones confident and hedged.
type dayOneTally struct {
	in, conf, confRight, hedged, hedgedRight, off, offConf, offHedged int
	guessed, guessRight, offGuessed                                   int
}

func (d *dayOneTally) add(got []Match, id string, inScope bool) {
	tier := knowledgeTier(got)
	if !inScope {
		d.off++
		d.offConf += b2i(tier == Confident)
		d.offHedged += b2i(tier == Likely)
		d.offGuessed += b2i(tier == Guess)
		return
	}
	d.in++
	ok := len(got) > 0 && got[0].ID == id
	switch tier {
	case Confident:
		d.conf++
		d.confRight += b2i(ok)
	case Likely:
		d.hedged++
		d.hedgedRight += b2i(ok)
	case Guess:
		d.guessed++
		d.guessRight += b2i(ok)
	}
}

func (d dayOneTally) String() string {
	return fmt.Sprintf("in %d: confident %d (%d right), hedged %d (%d right) = answered right %.3f, guessed %d (%d right); off %d: confident %.3f hedged %.3f guessed %.3f",
		d.in, d.conf, d.confRight, d.hedged, d.hedgedRight, float64(d.confRight+d.hedgedRight)/float64(max(d.in, 1)), d.guessed, d.guessRight, d.off,
		float64(d.offConf)/float64(max(d.off, 1)), float64(d.offHedged)/float64(max(d.off, 1)), float64(d.offGuessed)/float64(max(d.off, 1)))
}

// TestDayOneSweepDev sweeps the likely tier's traffic prior and
// missing-topic cap on dev data: bikes' customer queries (Match, not the
// core's reading) and banking77's shop-sized bases asked questions 6-10.
func TestDayOneSweepDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	cfg, lex := shippedConfig(t), shippedLexicon(t)
	b, qs := bikesDev(t)
	bk, _ := loadBanking77(t)
	dq := devQueries(bk)
	for _, in := range []float64{0.75, 0.85, 0.9} {
		for _, nr := range []float64{0.03, 0.05, 0.08, 0.12} {
			cfg := cfg
			cfg.LikelyInScope, cfg.LikelyNearRate = in, nr
			var bikes, b77 dayOneTally
			m := NewLexicalMatcher(t.Context(), b, lex, cfg)
			for _, q := range qs {
				bikes.add(m.Match(t.Context(), q.Query, 3), q.ID, q.ID != "")
			}
			for _, split := range shopSplits {
				bases, has := shopSplit(bk, split[0], split[1])
				for i, sb := range bases {
					m := NewLexicalMatcher(t.Context(), sb, lex, cfg)
					for _, q := range dq {
						b77.add(m.Match(t.Context(), q.Query, 3), q.ID, has[i][q.ID])
					}
				}
			}
			t.Logf("in-scope %.2f near cap %.2f: bikes %v | b77 %v", in, nr, bikes, b77)
		}
	}
}

// dayOneRun is one sweep point's tally of bikes' customer queries and
// banking77's shop-sized bases asked questions 6-10, with cfg.
func dayOneRun(t *testing.T, cfg CalibrationConfig) (bikes, b77 dayOneTally) {
	lex := shippedLexicon(t)
	b, qs := bikesDev(t)
	m := NewLexicalMatcher(t.Context(), b, lex, cfg)
	for _, q := range qs {
		bikes.add(m.Match(t.Context(), q.Query, 3), q.ID, q.ID != "")
	}
	bk, _ := loadBanking77(t)
	dq := devQueries(bk)
	for _, split := range shopSplits {
		bases, has := shopSplit(bk, split[0], split[1])
		for i, sb := range bases {
			m := NewLexicalMatcher(t.Context(), sb, lex, cfg)
			for _, q := range dq {
				b77.add(m.Match(t.Context(), q.Query, 3), q.ID, has[i][q.ID])
			}
		}
	}
	return bikes, b77
}

// TestPooledPriorDev sweeps the pooled prior's rules (pooled.go) on dev
// data: none, the shipped one, and each rule moved one step. It only logs.
func TestPooledPriorDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	never := PooledRule{Lead: math.Inf(1)}
	ship := *LexicalPooledPrior
	type point struct {
		name string
		p    PooledPrior
	}
	points := []point{
		{"none", PooledPrior{Confident: never, Likely: never}},
		{"shipped", ship},
		{"confident only", PooledPrior{Confident: ship.Confident, Likely: never}},
		{"likely only", PooledPrior{Confident: never, Likely: ship.Likely, LikelyNearRate: ship.LikelyNearRate}},
	}
	for _, lead := range []float64{0.4, 0.6} {
		p := ship
		p.Likely.Lead = lead
		points = append(points, point{fmt.Sprintf("likely lead %.2f", lead), p})
	}
	for _, u := range []float64{0.25, 0.5} {
		p := ship
		p.Likely.MaxUnknown = u
		points = append(points, point{fmt.Sprintf("likely unknown %.2f", u), p})
	}
	for _, nr := range []float64{0.1, 0.2} {
		p := ship
		p.LikelyNearRate = nr
		points = append(points, point{fmt.Sprintf("likely near %.2f", nr), p})
	}
	for _, c := range []PooledRule{{Lead: 0.7, MaxUnknown: 0.2, MinScore: 0.15}, {Lead: 0.8, MaxUnknown: 0.35, MinScore: 0.15}} {
		p := ship
		p.Confident = c
		points = append(points, point{fmt.Sprintf("confident %v", c), p})
	}
	for _, pt := range points {
		cfg := shippedConfig(t)
		cfg.Pooled = &pt.p
		bikes, b77 := dayOneRun(t, cfg)
		t.Logf("%-40s bikes %v | b77 %v", pt.name, bikes, b77)
	}
}

// TestPooledPriorSamplesDev prints what the pooled prior's rules take of
// the calibration samples of the dev bases pooled (bikes, and banking77's
// 21 shop-sized bases built from knowledge questions 1-5), on which they
// were chosen: held-out questions taken and right, off-topic messages and
// missing-topic questions taken. It only logs.
func TestPooledPriorSamplesDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1")
	}
	cfg, lex := shippedConfig(t), shippedLexicon(t)
	var bases []*Base
	b, _ := bikesDev(t)
	bases = append(bases, b)
	bk, _ := loadBanking77(t)
	for _, split := range shopSplits {
		sbs, _ := shopSplit(bk, split[0], split[1])
		bases = append(bases, sbs...)
	}
	rules := []struct {
		name string
		r    PooledRule
	}{{"confident", LexicalPooledPrior.Confident}, {"likely", LexicalPooledPrior.Likely}}
	for _, lead := range []float64{0.5, 0.6, 0.7} {
		rules = append(rules, struct {
			name string
			r    PooledRule
		}{fmt.Sprintf("lead %.1f", lead), PooledRule{Lead: lead, MaxUnknown: 0.35, MinScore: 0.1}})
	}
	type count struct{ held, right, off, nOff, near, nNear int }
	counts := make([][2]count, len(rules)) // [0] bikes, [1] banking77
	for i, sb := range bases {
		l := NewLexical(sb, lex)
		samples, _, _ := calibrationSamples(t.Context(), sb, l.Rank, cfg, &Calibration{})
		k := min(i, 1)
		for j, r := range rules {
			c := &counts[j][k]
			for _, s := range samples {
				in := r.r.takes(s)
				switch s.kind {
				case right, wrong:
					c.held += b2i(in)
					c.right += b2i(in && s.kind == right)
				case off:
					c.nOff++
					c.off += b2i(in)
				case near:
					c.nNear++
					c.near += b2i(in)
				}
			}
		}
	}
	for j, r := range rules {
		for k, name := range []string{"bikes", "banking77 x21"} {
			c := counts[j][k]
			t.Logf("%-10s %v: %s: held-out taken %d, right %d (%.3f); off-topic set %.3f; missing topics %.3f", r.name, r.r, name,
				c.held, c.right, float64(c.right)/float64(max(c.held, 1)), float64(c.off)/float64(max(c.nOff, 1)), float64(c.near)/float64(max(c.nNear, 1)))
		}
	}
}
