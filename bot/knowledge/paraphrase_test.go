package knowledge_test

import (
	"fmt"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
)

// shippedSet loads prompts/ and knowledge/ as shipped, the way `baton
// serve` does without override folders.
func shippedSet(t *testing.T) *content.Set {
	t.Helper()
	set, problems := content.Load(content.Embedded(baton.Files, "prompts"), content.Embedded(baton.Files, "knowledge"))
	if len(problems) > 0 {
		t.Fatalf("shipped content has problems: %v", problems)
	}
	return set
}

// TestParaphraseSuite runs the customer-style paraphrase suite
// (testdata/paraphrases) through the shipped content and the matcher
// `serve` uses, and prints the share answered and the share of confident
// answers that are wrong, per language and per half. Only dev-half misses
// are listed (with -v): the held-out half is for measuring, not for tuning.
// bot's TestParaphraseSuiteThroughTheCore measures the core's reading of a
// message (multi-part questions) on the same suite.
//
// Goals: answered >= 0.85 and wrong <= 0.02. The assertions hold the floor
// reached so far; raise them as the matcher improves.
func TestParaphraseSuite(t *testing.T) {
	set := shippedSet(t)
	// Floors per language on the held-out half, and the wrong-answer
	// ceiling over both halves. History (both halves): before any tuning
	// en 0.72, zh 0.61, ko 0.65 answered, at most 0.043 wrong; per-base
	// calibration for a 2% target: en 0.68, zh 0.70, ko 0.76, 0.038 wrong.
	// With customer-style example questions, the lexicon's customer-service
	// synonyms and Chinese segmentation (2026-12-03) the held-out half
	// reaches en 0.89, zh 0.81, ko 0.89, at most 0.045 wrong over both
	// halves (the wrong-answer goal, 0.02, is not met). The floors sit one line (1/37) below that, so a change of
	// the calibrated decision that moves a single line does not fail CI.
	// Held-out leak removed (2026-12-03): 27 example questions that were
	// copies or near copies of held-out lines left the base (see
	// TestParaphraseHeldOutNotInKnowledge); the honest held-out half then
	// reaches en 0.84 (31/37), zh 0.76 (28/37), ko 0.84 (31/37), at most
	// 0.032 wrong over both halves. The floors follow, one line below.
	// 2026-12-04 (21:01 UTC, after 29 fresh knowledge questions, the zh
	// colloquial lexicon and en digits, tuned on dev): held-out en 0.81
	// (30/37, one line fewer), zh 0.78 (29/37, one more), ko 0.84; at most
	// 0.016 wrong over both halves. Floors one line below that (en lowered).
	floor := map[string]float64{"en": 0.78, "zh": 0.75, "ko": 0.81}
	const maxWrong = 0.05
	for _, lang := range suitetest.Langs {
		dev, held := suitetest.RunHalves(t, lang, func(q string) ([]string, string) {
			m := set.KB.Match(t.Context(), q, 3)
			if len(m) == 0 {
				return nil, "no candidate"
			}
			note := fmt.Sprintf("top %s %.2f", m[0].ID, m[0].Score)
			if !m[0].Confident {
				return nil, note
			}
			return []string{m[0].ID}, note
		})
		if held.Answered() < floor[lang] {
			// The number only with BATON_SUITE_HELDOUT set: see suitetest.ShowHeldOut.
			t.Errorf("%s: held-out answered below the floor %.2f (%s=1 prints it)", lang, floor[lang], suitetest.HeldOutEnv)
		}
		if s := dev.Add(held); s.WrongRate() > maxWrong {
			t.Errorf("%s: more than %.3f of confident answers wrong over both halves (%s=1 prints the rate)", lang, maxWrong, suitetest.HeldOutEnv)
		}
	}
}

// TestOneSharedKeywordIsNotEnough: a message about something else that
// shares one strong word with an entry is not answered confidently from
// it, while ordinary Chinese and Korean questions with a word the base
// lacks (a city, a corner, a crack) still are: the calibrated cap on the
// share of a message's words unknown to the base (Candidate.Unknown)
// counts Chinese and Korean characters, not character pairs. Before it,
// the first was answered with payment/failed; the cap that counted pairs
// silenced the others. These messages are in no calibration or suite
// file.
func TestOneSharedKeywordIsNotEnough(t *testing.T) {
	set := shippedSet(t)
	if m := set.KB.Match(t.Context(), "my yoga class payment failed", 3); len(m) > 0 && m[0].Confident {
		t.Errorf("a yoga class payment answered confidently from %s", m[0].ID)
	}
	for q, want := range map[string]string{
		"广州有你们的线下店吗":           "support/store",
		"받은 키보드 모서리에 금이 가 있어요": "problems/damaged",
	} {
		if m := set.KB.Match(t.Context(), q, 3); len(m) == 0 || m[0].ID != want || !m[0].Confident {
			t.Errorf("%q: %+v, want %s confidently", q, m, want)
		}
	}
}
