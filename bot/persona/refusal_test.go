package persona

import (
	"strings"
	"testing"
)

// What we say when our pages have no answer is our uncertainty, not the
// customer's problem (QA walk 2026-12-06 session 3, items 16 and 21): no
// "Good question!" before "I don't know", and a person offered ("I can
// ask a colleague if you like"), never asserted ("this one seems to need
// a person"). Every wording of every such message, in every language.
func TestRefusalsNeitherPraiseNorAssertAPersonIsNeeded(t *testing.T) {
	p, _ := loadReal(t)
	banned := []string{
		"Good question", "Great question", "need a person", "needs a person",
		"问得好", "好问题", "需要同事来处理", "最好由",
		"좋은 질문", "상담원이 직접 도와드리는 게 좋겠", "가장 좋아요",
	}
	for _, lang := range realLangs {
		for _, key := range []string{"unknown_topics", "unknown", "offer_person", "followup_person", "rephrase_topics", "rephrase", "thanks_after_miss"} {
			n := p.Variants(lang, key)
			if n == 0 {
				t.Errorf("%s %s: no wording", lang, key)
			}
			for i := range n {
				out := p.Say(lang, key, Data{Topics: []string{"a", "b"}, Seed: i})
				for _, b := range banned {
					if strings.Contains(out, b) {
						t.Errorf("%s %s wording %d says %q: %q", lang, key, i+1, b, out)
					}
				}
			}
		}
	}
}
