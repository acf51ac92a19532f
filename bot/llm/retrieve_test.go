package llm_test

import (
	"testing"

	"github.com/batonhq/baton/bot"
)

func TestNoCandidatesUsesTheMatcher(t *testing.T) {
	h := newHarness(t, setup{})
	ans := h.answer(t, bot.Question{Text: "How can I track my package?", Lang: "en"})
	if ans.Entry != "orders/tracking" {
		t.Errorf("entry = %q, want the matcher's pick", ans.Entry)
	}
}
