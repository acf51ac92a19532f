package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
)

// unseenReader reads messages as the core does on a shop's knowledge base
// (suitetest.Shops: small bases as shops would write them on day one,
// which Baton was never tuned on) loaded the way serve loads it: the
// shipped prompts (lexicon, off-topic set) and the base calibrated at
// load.
func unseenReader(t *testing.T, shop suitetest.Shop) (reader, *content.Set) {
	t.Helper()
	set, problems := content.Load(content.Dir("../prompts"), content.Dir(shop.Knowledge))
	if len(problems) > 0 {
		if shop.HeldOut {
			// Problems quote the base's files; a held-out base's
			// content is not printed.
			t.Fatalf("%s: %d problems loading the base", shop.Name, len(problems))
		}
		t.Fatalf("%s: problems loading the base: %v", shop.Name, problems)
	}
	return reader{
		match: func(text string) []knowledge.Match {
			out, _ := swappedSubject(set.KB.Base, set.Lexicon, text, set.KB.Match(context.Background(), text, 5))
			return out
		},
		without: lexicalWithout(context.Background(), set.KB.Matcher, 5),
	}, set
}

// runUnseen reads every line of a shop's queries as a first message and
// scores them per language. verbose lists the lines not answered rightly
// (never for a held-out base).
func runUnseen(t *testing.T, shop suitetest.Shop, verbose bool) suitetest.ShopScores {
	t.Helper()
	r, set := unseenReader(t, shop)
	if verbose {
		t.Logf("%s calibration: %v", shop.Name, set.Calibration())
	}
	out := suitetest.ShopScores{}
	for _, l := range suitetest.ReadFile(t, shop.Queries) {
		lr := r
		lr.answer = func(id string) string {
			if e, ok := set.KB.Entry(id, l.Lang); ok {
				return e.Answer
			}
			return ""
		}
		u := lr.understand(l.Query, "", false)
		ids := u.answered()
		var ranked []string
		for _, c := range u.cands {
			ranked = append(ranked, c.ID)
		}
		hedged, guessed := "", ""
		if len(ids) == 0 && len(u.cands) > 0 {
			switch u.cands[0].Tier() {
			case knowledge.Likely:
				hedged = u.cands[0].ID
			case knowledge.Guess:
				guessed = u.cands[0].ID
			}
		}
		right := out.Lang(l.Lang).Tally(l, ids, ranked, hedged, guessed)
		if verbose && !right && (l.ID != "" || len(ids) > 0) {
			var top []string
			for _, c := range u.cands[:min(3, len(u.cands))] {
				top = append(top, fmt.Sprintf("%s %.2f", c.ID, c.Score))
			}
			how := "not sure"
			switch {
			case len(ids) > 0:
				how = fmt.Sprintf("answered %v", ids)
			case hedged != "":
				how = "hedged"
			case guessed != "":
				how = "guessed"
			}
			t.Logf("%s %s: %q want %q: %s; top %s", shop.Name, l.Lang, l.Query, l.ID, how, strings.Join(top, ", "))
		}
	}
	return out
}

// TestUnseenShops measures issue 9's headline case: a shop's own small
// base that Baton was never tuned on, asked the way customers write. Dev
// bases log their numbers (and, with -v, their misses) and hold floors;
// held-out bases print their summary only with BATON_UNSEEN_HELDOUT=1.
func TestUnseenShops(t *testing.T) {
	// Floors for dev bases, a line or two below the numbers of the day
	// they were set: answered (confident and right) share of in-scope
	// lines, and the right entry among the first three (the topic
	// buttons). bikes, 2026-12-06 03:00 UTC: answered en 0/60, zh 0/20,
	// ko 0/20 (every line "not sure"); top-3 en 38/60, zh 15/20, ko 14/20.
	// 03:38 UTC, with the tip of an entry of few questions counted as its
	// words and everyday service words in the en lexicon: answered en
	// 2/60 (hedged 7, all right), zh 0/20, ko 0/20; top-1 en 34/60, zh
	// 15/20, ko 10/20; top-3 en 45/60, zh 15/20, ko 13/20.
	// 2026-12-06 15:40 UTC, with the likely tier weighing its samples as
	// a realistic traffic: the customer given the right answer, confident
	// or hedged, en 11/60, zh 6/20, ko 6/20 (before: 3/60, 0/20, 3/20).
	// 2026-12-06 19:10 UTC, with the pooled prior for day-one bases
	// (knowledge/pooled.go): bikes answered en 4/60, zh 1/20, ko 0/20;
	// given the right answer en 19/60, zh 7/20, ko 8/20.
	// 2026-12-08 02:00 UTC (cjk9), with the lexicon's common words left
	// out of the words unknown to the base, the Chinese and Korean given
	// floors raised to a line below: given the right answer, confident
	// or hedged, bikes zh 17/20, ko 13/20 (before 16, 12), bakery zh
	// 14/20, ko 9/20 (13, 8).
	type floor struct{ answered, given, top3 float64 }
	floors := map[string]floor{
		"bikes/en": {0.05, 0.28, 0.71},
		"bikes/zh": {0, 0.80, 0.70},
		"bikes/ko": {0, 0.60, 0.60},
		// bakery (dev, written 2026-12-06 18:55 UTC), first measured at
		// 19:00 UTC: confident 0 in every language (no confident cut);
		// given the right answer en 6/60, zh 2/20, ko 2/20; top-3 en
		// 50/60, zh 17/20, ko 19/20. 19:10 UTC, with the pooled prior
		// (its likely rule kept, its confident rule refused by the
		// base's own samples): given the right answer en 12/60, zh
		// 4/20, ko 4/20.
		"bakery/en": {0, 0.17, 0.78},
		"bakery/zh": {0, 0.65, 0.80},
		"bakery/ko": {0, 0.40, 0.85},
		// florist (dev, written 2026-12-06 22:06 UTC by the dayone
		// builder before any Baton run on it), first measured on main:
		// given the right answer en 18/60, zh 9/17, ko 9/17 (all hedged);
		// top-3 en 48/60, zh 15/17, ko 15/17. 22:35 UTC, with the
		// lexicon's weekday, wedding, class and delivery-area words:
		// answered en 2/60, zh 4/17, ko 1/17 (none wrong); given the
		// right answer en 19/60, zh 9/17, ko 10/17; top-3 en 48/60, zh
		// 16/17, ko 17/17.
		"florist/en": {0, 0.28, 0.75},
		"florist/zh": {0.10, 0.45, 0.85},
		"florist/ko": {0, 0.50, 0.90},
	}
	const maxWrong = 0.10 // confident answers wrong, off-topic answered included, per language
	for _, shop := range suitetest.Shops(t) {
		if !shop.Measured(t) {
			// Loaded and read all the same, so a broken held-out base
			// fails here, saying nothing of its content.
			unseenReader(t, shop)
			suitetest.ReadFile(t, shop.Queries)
			continue
		}
		scores := runUnseen(t, shop, !shop.HeldOut && testing.Verbose())
		for _, lang := range scores.Langs() {
			s := scores[lang]
			kind := "dev"
			if shop.HeldOut {
				kind = "held-out"
			}
			t.Logf("%s %s %s: %v", shop.Name, kind, lang, s)
			if shop.HeldOut {
				continue
			}
			f, ok := floors[shop.Name+"/"+lang]
			if !ok {
				t.Errorf("%s %s: no floor set for this dev base", shop.Name, lang)
				continue
			}
			if got := s.Answered(); got < f.answered {
				t.Errorf("%s %s: answered %.2f, below the floor %.2f", shop.Name, lang, got, f.answered)
			}
			if got := float64(s.Right+s.HedgeR) / float64(max(s.InScope, 1)); got < f.given {
				t.Errorf("%s %s: given the right answer (confident or hedged) %.2f, below the floor %.2f", shop.Name, lang, got, f.given)
			}
			if got := s.Top3Share(); got < f.top3 {
				t.Errorf("%s %s: right entry in the top 3 %.2f, below the floor %.2f", shop.Name, lang, got, f.top3)
			}
			if got := s.WrongRate(); got > maxWrong {
				t.Errorf("%s %s: %.3f of confident answers wrong, above %.2f", shop.Name, lang, got, maxWrong)
			}
		}
	}
}
