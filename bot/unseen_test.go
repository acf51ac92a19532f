package bot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
)

// unseenShops holds small knowledge bases as shops would write them on day
// one, which Baton was never tuned on, each with customer queries written
// before any run (see its README). The shipped base's suite measures a
// base whose questions were enriched for the matcher; these measure what a
// new shop sees.
const unseenShops = "knowledge/testdata/shops"

// UnseenHeldOutEnv prints the summary numbers of held-out shop bases (a
// directory holding a file named HELDOUT): BATON_UNSEEN_HELDOUT=1, set by
// the lead once, on a frozen design. Their lines are never printed.
const UnseenHeldOutEnv = "BATON_UNSEEN_HELDOUT"

// unseenScore is one language of one shop base read through the core.
type unseenScore struct {
	suitetest.Score
	Top1, Top3     int // in-scope lines whose right entry is the first candidate; among the first three (the topic buttons)
	Hedged, HedgeR int // in-scope lines answered with a hedge (likely, not confident); of them right
}

func (s unseenScore) String() string {
	return fmt.Sprintf("%v; right entry top-1 %d/%d = %.2f, top-3 %d/%d = %.2f; hedged %d (%d right)",
		s.Score, s.Top1, s.InScope, share(s.Top1, s.InScope), s.Top3, s.InScope, share(s.Top3, s.InScope), s.Hedged, s.HedgeR)
}

func share(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// unseenReader reads messages as the core does on a shop's knowledge base
// loaded the way serve loads it: the shipped prompts (lexicon, off-topic
// set) and the base calibrated at load. lang is the conversation's
// language, for the answers the reader looks into.
func unseenReader(t *testing.T, dir string, heldOut bool) (reader, *content.Set) {
	t.Helper()
	kdir := dir // the base is the shop's folder, or its knowledge/ folder when it has one
	if st, err := os.Stat(filepath.Join(dir, "knowledge")); err == nil && st.IsDir() {
		kdir = filepath.Join(dir, "knowledge")
	}
	set, problems := content.Load(content.Dir("../prompts"), content.Dir(kdir))
	if len(problems) > 0 {
		if heldOut {
			// Problems quote the base's files; a held-out base's
			// content is not printed.
			t.Fatalf("%s: %d problems loading the base", dir, len(problems))
		}
		t.Fatalf("%s: problems loading the base: %v", dir, problems)
	}
	return reader{
		match:   func(text string) []knowledge.Match { return set.KB.Match(context.Background(), text, 5) },
		without: lexicalWithout(context.Background(), set.KB.Matcher, 5),
	}, set
}

// runUnseen reads every line of a shop's queries as a first message and
// scores them per language. verbose lists the lines not answered rightly
// (never for a held-out base).
func runUnseen(t *testing.T, dir string, heldOut, verbose bool) map[string]*unseenScore {
	t.Helper()
	r, set := unseenReader(t, dir, heldOut)
	if verbose {
		t.Logf("%s calibration: %v", filepath.Base(dir), set.Calibration())
	}
	out := map[string]*unseenScore{}
	for _, l := range suitetest.ReadFile(t, filepath.Join(dir, "queries.jsonl")) {
		s := out[l.Lang]
		if s == nil {
			s = &unseenScore{}
			out[l.Lang] = s
		}
		lr := r
		lr.answer = func(id string) string {
			if e, ok := set.KB.Entry(id, l.Lang); ok {
				return e.Answer
			}
			return ""
		}
		u := lr.understand(l.Query, "", false)
		ids := u.answered()
		right := s.Tally(l, ids)
		hedged := len(ids) == 0 && len(u.cands) > 0 && u.cands[0].Likely
		if l.ID != "" {
			for i, c := range u.cands[:min(3, len(u.cands))] {
				if l.Right(c.ID) {
					s.Top3++
					if i == 0 {
						s.Top1++
					}
					break
				}
			}
			if hedged {
				s.Hedged++
				if l.Right(u.cands[0].ID) {
					s.HedgeR++
				}
			}
		}
		if verbose && !right && (l.ID != "" || len(ids) > 0) {
			var top []string
			for _, c := range u.cands[:min(3, len(u.cands))] {
				top = append(top, fmt.Sprintf("%s %.2f", c.ID, c.Score))
			}
			how := "not sure"
			switch {
			case len(ids) > 0:
				how = fmt.Sprintf("answered %v", ids)
			case hedged:
				how = "hedged"
			}
			t.Logf("%s %s: %q want %q: %s; top %s", filepath.Base(dir), l.Lang, l.Query, l.ID, how, strings.Join(top, ", "))
		}
	}
	return out
}

// TestUnseenShops measures issue 9's headline case: a shop's own small
// base that Baton was never tuned on, asked the way customers write. Dev
// bases log their numbers (and, with -v, their misses) and hold floors;
// held-out bases print their summary only with BATON_UNSEEN_HELDOUT=1.
func TestUnseenShops(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(unseenShops, "*", "queries.jsonl"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no shop bases under %s (%v)", unseenShops, err)
	}
	// Floors for dev bases, a line or two below the numbers of the day
	// they were set: answered (confident and right) share of in-scope
	// lines, and the right entry among the first three (the topic
	// buttons). bikes, 2026-12-06 03:00 UTC: answered en 0/60, zh 0/20,
	// ko 0/20 (every line "not sure"); top-3 en 38/60, zh 15/20, ko 14/20.
	// 03:38 UTC, with the tip of an entry of few questions counted as its
	// words and everyday service words in the en lexicon: answered en
	// 2/60 (hedged 7, all right), zh 0/20, ko 0/20; top-1 en 34/60, zh
	// 15/20, ko 10/20; top-3 en 45/60, zh 15/20, ko 13/20.
	type floor struct{ answered, top3 float64 }
	floors := map[string]floor{
		"bikes/en": {0, 0.71},
		"bikes/zh": {0, 0.70},
		"bikes/ko": {0, 0.60},
	}
	const maxWrong = 0.10 // confident answers wrong, off-topic answered included, per language
	showHeld := os.Getenv(UnseenHeldOutEnv) != ""
	for _, q := range dirs {
		dir := filepath.Dir(q)
		name := filepath.Base(dir)
		_, err := os.Stat(filepath.Join(dir, "HELDOUT"))
		heldOut := err == nil
		if heldOut && !showHeld {
			// Loaded and read all the same, so a broken held-out base
			// fails here, saying nothing of its content.
			unseenReader(t, dir, true)
			suitetest.ReadFile(t, q)
			t.Logf("%s: held-out base, not measured (%s=1, once, by the lead)", name, UnseenHeldOutEnv)
			continue
		}
		scores := runUnseen(t, dir, heldOut, !heldOut && testing.Verbose())
		var langs []string
		for lang := range scores {
			langs = append(langs, lang)
		}
		slices.Sort(langs)
		for _, lang := range langs {
			s := scores[lang]
			kind := "dev"
			if heldOut {
				kind = "held-out"
			}
			t.Logf("%s %s %s: %v", name, kind, lang, s)
			if heldOut {
				continue
			}
			f, ok := floors[name+"/"+lang]
			if !ok {
				t.Errorf("%s %s: no floor set for this dev base", name, lang)
				continue
			}
			if got := s.Answered(); got < f.answered {
				t.Errorf("%s %s: answered %.2f, below the floor %.2f", name, lang, got, f.answered)
			}
			if got := share(s.Top3, s.InScope); got < f.top3 {
				t.Errorf("%s %s: right entry in the top 3 %.2f, below the floor %.2f", name, lang, got, f.top3)
			}
			if got := s.WrongRate(); got > maxWrong {
				t.Errorf("%s %s: %.3f of confident answers wrong, above %.2f", name, lang, got, maxWrong)
			}
		}
	}
}
