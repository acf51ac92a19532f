package knowledge

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/text"
)

// outcome is what the top match for one query was, for calibrating the
// confidence threshold.
type outcome struct {
	score   float64
	inScope bool // the query has an answer in the base
	correct bool // the top match is that answer
}

// confusion counts how Confident behaves at a threshold.
type confusion struct {
	inScope, confident, correctConfident, oos, oosConfident int
}

func confusionAt(outs []outcome, threshold float64) confusion {
	var c confusion
	for _, o := range outs {
		if o.inScope {
			c.inScope++
		} else {
			c.oos++
		}
		if o.score < threshold {
			continue
		}
		c.confident++
		switch {
		case o.correct:
			c.correctConfident++
		case !o.inScope:
			c.oosConfident++
		}
	}
	return c
}

// precision is the share of confident answers that are right.
func (c confusion) precision() float64 {
	if c.confident == 0 {
		return 1
	}
	return float64(c.correctConfident) / float64(c.confident)
}

// recall is the share of answerable queries answered right and confidently.
func (c confusion) recall() float64 {
	if c.inScope == 0 {
		return 0
	}
	return float64(c.correctConfident) / float64(c.inScope)
}

func outcomes(b *Base, qs []labelled, inScope bool) []outcome {
	var outs []outcome
	for _, q := range qs {
		o := outcome{inScope: inScope && q.ID != ""}
		if m := b.Match(q.Query, 1); len(m) > 0 {
			o.score = m[0].Score
			o.correct = o.inScope && m[0].ID == q.ID
		}
		outs = append(outs, o)
	}
	return outs
}

// shopDir is the repository root, where the shop's own knowledge/ lives.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// calibrationSets loads the shop base with its labelled queries and, when
// the shared data set is present, banking77, and returns the outcomes of
// each set: shop queries on the shop base (in and out of scope), banking77
// queries on the shop base (all out of scope), shop queries on banking77
// (all out of scope) and banking77 test queries on banking77.
func calibrationSets(t *testing.T) map[string][]outcome {
	t.Helper()
	shop, problems := Load(os.DirFS(repoRoot()), "knowledge")
	if shop.Len() == 0 {
		t.Skipf("no shop knowledge base (problems: %v)", problems)
	}
	qfile := filepath.Join("testdata", "shop_queries.jsonl")
	if _, err := os.Stat(qfile); err != nil {
		t.Skipf("no calibration queries: %v", err)
	}
	shopQs := readJSONL(t, qfile)
	_, odd := splitHalves(shopQs)
	sets := map[string][]outcome{
		"shop":          outcomes(shop, shopQs, true),
		"shop held out": outcomes(shop, odd, true),
		"tune oos":      outcomes(shop, readJSONL(t, filepath.Join("testdata", "tune_oos.jsonl")), false),
	}
	if _, err := os.Stat(filepath.Join(banking77Dir(), "test.jsonl")); err == nil {
		bank, test := loadBanking77(t)
		sets["banking77 on shop"] = outcomes(shop, test, false)
		sets["shop on banking77"] = outcomes(bank, shopQs, false)
		sets["banking77"] = outcomes(bank, test, true)
	}
	return sets
}

// TestCalibrationTable prints precision and recall of Confident for a
// range of thresholds on the full sets, banking77's test.jsonl included
// (so it is a report, not how the threshold was chosen: TestFitConfidence
// is):
//
//	BATON_TUNE=1 go test -run TestCalibrationTable -v ./bot/knowledge/
func TestCalibrationTable(t *testing.T) {
	if os.Getenv("BATON_TUNE") == "" {
		t.Skip("set BATON_TUNE=1 to print the calibration table")
	}
	sets := calibrationSets(t)
	for th := 0.40; th <= 0.95001; th += 0.05 {
		line := ""
		var all []outcome
		for _, name := range []string{"shop", "banking77 on shop", "shop on banking77", "banking77"} {
			outs := sets[name]
			all = append(all, outs...)
			c := confusionAt(outs, th)
			if c.inScope > 0 {
				line += fmtf(" | %s P %.3f R %.3f", name, c.precision(), c.recall())
			}
			if c.oos > 0 {
				line += fmtf(" | %s oos-conf %.3f", name, float64(c.oosConfident)/float64(c.oos))
			}
		}
		t.Logf("th %.2f%s", th, line)
	}
}

// TestConfidenceCalibration checks what Confident means at the shipped
// model and threshold, on the shop's labelled queries (in and out of
// scope; the odd lines were held out of fitting, see TestFitConfidence),
// on the tuning set of out-of-scope queries, and on cross-domain queries
// that no shop answer was written for. Measured at the time of writing
// (threshold 0.65): shop precision 0.966, recall 0.669, 1 of 82
// out-of-scope shop queries confident; odd lines precision 0.983, recall
// 0.679, none out of scope confident; tune_oos.jsonl 4.6% confident;
// banking77 queries confident on the shop base 11.9% and shop queries
// confident on banking77 10.0% (many of those are real matches: "How do I
// reset my passcode?" does match the shop's password-reset entry, "I'd like
// a refund" its refunds entry); banking77 precision 0.815, recall 0.628.
// The assertions sit a little below, leaving room for edits of knowledge/.
func TestConfidenceCalibration(t *testing.T) {
	sets := calibrationSets(t)
	th := defaultParams.threshold
	shop := confusionAt(sets["shop"], th)
	t.Logf("shop: %d in scope, %d out; precision %.3f recall %.3f; out-of-scope confident %d",
		shop.inScope, shop.oos, shop.precision(), shop.recall(), shop.oosConfident)
	if shop.inScope < 50 || shop.oos < 20 {
		t.Fatalf("calibration data too small: %d in scope, %d out of scope", shop.inScope, shop.oos)
	}
	if shop.precision() < 0.94 {
		t.Errorf("shop precision %.3f, want >= 0.94", shop.precision())
	}
	if shop.recall() < 0.64 {
		t.Errorf("shop recall %.3f, want >= 0.64", shop.recall())
	}
	if r := float64(shop.oosConfident) / float64(shop.oos); r > 0.04 {
		t.Errorf("shop out-of-scope queries confident: %.3f, want <= 0.04", r)
	}
	held := confusionAt(sets["shop held out"], th)
	t.Logf("shop held-out half: precision %.3f recall %.3f; out-of-scope confident %d of %d",
		held.precision(), held.recall(), held.oosConfident, held.oos)
	if held.precision() < 0.95 || held.recall() < 0.65 || held.oosConfident > 1 {
		t.Errorf("shop held-out half: precision %.3f recall %.3f out-of-scope confident %d, want >= 0.95, >= 0.65, <= 1",
			held.precision(), held.recall(), held.oosConfident)
	}
	oos := confusionAt(sets["tune oos"], th)
	if r := float64(oos.oosConfident) / float64(oos.oos); r > 0.07 {
		t.Errorf("tune_oos.jsonl: %.3f confident, want <= 0.07", r)
	}
	for _, name := range []string{"banking77 on shop", "shop on banking77"} {
		outs, ok := sets[name]
		if !ok {
			continue
		}
		c := confusionAt(outs, th)
		r := float64(c.oosConfident) / float64(c.oos)
		t.Logf("%s: %d queries, confident %.3f", name, c.oos, r)
		if r > 0.13 {
			t.Errorf("%s: %.3f confident, want <= 0.13", name, r)
		}
	}
	if outs, ok := sets["banking77"]; ok {
		c := confusionAt(outs, th)
		t.Logf("banking77: precision %.3f recall %.3f", c.precision(), c.recall())
		if c.precision() < 0.80 || c.recall() < 0.60 {
			t.Errorf("banking77 precision %.3f recall %.3f, want >= 0.80 and >= 0.60", c.precision(), c.recall())
		}
	}
}

// TestCalibrationQueriesNotInKnowledge keeps the calibration honest: no
// example question of the shop base may be a calibration query (or a
// tuning query) in other spelling, or the measurement would only show
// that the base contains its own test.
func TestCalibrationQueriesNotInKnowledge(t *testing.T) {
	shop, _ := Load(os.DirFS(repoRoot()), "knowledge")
	if shop.Len() == 0 {
		t.Skip("no shop knowledge base")
	}
	norm := func(s string) string {
		var parts []string
		for _, tok := range text.Fold(text.Tokenize(s)) {
			parts = append(parts, tok.Text)
		}
		return strings.Join(parts, " ")
	}
	cal := map[string]string{}
	for _, f := range []string{"shop_queries.jsonl", "tune_oos.jsonl"} {
		for _, q := range readJSONL(t, filepath.Join("testdata", f)) {
			cal[norm(q.Query)] = f + ": " + q.Query
		}
	}
	for _, id := range shop.IDs() {
		for _, lang := range shop.Langs(id) {
			e, _ := shop.Entry(id, lang)
			for _, q := range e.Questions {
				if c, ok := cal[norm(q)]; ok {
					t.Errorf("%s: question %q is the calibration query %s; write a new phrasing", e.File, q, c)
				}
			}
		}
	}
}
