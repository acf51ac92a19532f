package knowledge_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
)

// rankTally counts how often the right entry is ranked first and among
// the first three (the topic buttons), whatever the calibrated decision.
type rankTally struct{ n, top1, top3 int }

func (r *rankTally) add(l suitetest.Line, ids []string) {
	if l.ID == "" {
		return
	}
	r.n++
	for i, id := range ids[:min(3, len(ids))] {
		if l.Right(id) {
			r.top3++
			if i == 0 {
				r.top1++
			}
			return
		}
	}
}

func (r rankTally) String() string {
	return fmt.Sprintf("top-1 %d/%d = %.2f, top-3 %d/%d = %.2f", r.top1, r.n, float64(r.top1)/float64(max(r.n, 1)),
		r.top3, r.n, float64(r.top3)/float64(max(r.n, 1)))
}

// TestRankingDev measures the lexical ranker alone (top-1 and top-3, not
// the calibrated decision) on the dev data of issue 9's ranking work: the
// bikes dev shop base and the even (dev) lines of the shipped base's
// paraphrase suite, through the matcher serve builds. It only logs, with
// BATON_MEASURE=1; with -v it lists the bikes lines ranked wrong.
// The held-out shop base and the suite's odd lines are not read.
func TestRankingDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs (the dev numbers): set BATON_MEASURE=1 to run it")
	}
	dir := filepath.Join("testdata", "shops", "bikes")
	if _, err := os.Stat(filepath.Join(dir, "HELDOUT")); err == nil {
		t.Fatalf("%s is held out", dir)
	}
	bikes, problems := content.Load(content.Embedded(baton.Files, "prompts"), content.Dir(dir))
	if len(problems) > 0 {
		t.Fatalf("bikes: %v", problems)
	}
	byLang := map[string]*rankTally{}
	for _, l := range suitetest.ReadFile(t, filepath.Join(dir, "queries.jsonl")) {
		r := byLang[l.Lang]
		if r == nil {
			r = &rankTally{}
			byLang[l.Lang] = r
		}
		var ids, top []string
		for _, m := range bikes.KB.Match(t.Context(), l.Query, 3) {
			ids = append(ids, m.ID)
			top = append(top, fmt.Sprintf("%s %.2f", m.ID, m.Score))
		}
		r.add(l, ids)
		if l.ID != "" && (len(ids) == 0 || !l.Right(ids[0])) && testing.Verbose() {
			t.Logf("bikes %s miss: %q want %s; top %s", l.Lang, l.Query, l.ID, strings.Join(top, ", "))
		}
	}
	langs := make([]string, 0, len(byLang))
	for l := range byLang {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		t.Logf("bikes %s: %v", l, byLang[l])
	}

	set := shippedSet(t)
	for _, lang := range suitetest.Langs {
		var r rankTally
		for i, l := range suitetest.Read(t, lang) {
			if i%2 != 0 { // the held-out half: never read here
				continue
			}
			var ids []string
			for _, m := range set.KB.Match(t.Context(), l.Query, 3) {
				ids = append(ids, m.ID)
			}
			r.add(l, ids)
		}
		t.Logf("suite dev %s: %v", lang, r)
	}
}
