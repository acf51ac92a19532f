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
	// Floors per language over both halves, and the wrong-answer ceiling:
	// what the shipped matcher reached on 2026-12-03 before any tuning
	// (en 0.72, zh 0.61, ko 0.65 answered; at most 0.043 wrong); with
	// every entry in zh and ko: en 0.70, zh 0.70, ko 0.77, at most 0.037 wrong.
	// With per-base calibration for a 2% wrong-answer target (replacing
	// the model fitted on this base): en 0.68, zh 0.70, ko 0.76 answered,
	// at most 0.038 wrong. With the calibrated decision weighing the words
	// an entry covers and questions about topics the base lacks (calib,
	// 2026-12-03): en 0.65, zh 0.66, ko 0.66 answered, at most 0.020 wrong.
	floor := map[string]float64{"en": 0.64, "zh": 0.65, "ko": 0.65}
	const maxWrong = 0.05
	for _, lang := range suitetest.Langs {
		s := suitetest.Run(t, lang, func(q string) ([]string, string) {
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
		if s.Answered() < floor[lang] {
			t.Errorf("%s: answered %.2f, below the floor %.2f", lang, s.Answered(), floor[lang])
		}
		if s.WrongRate() > maxWrong {
			t.Errorf("%s: %.3f of confident answers wrong, above %.3f", lang, s.WrongRate(), maxWrong)
		}
	}
}
