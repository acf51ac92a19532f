package bot_test

import (
	"fmt"
	"testing"
)

// A thanks that says the answer solved it is a resolution: like a goodbye,
// it asks how we did. A plain thanks does not (the customer may go on).
func TestSolvedThanksAsksHowWeDid(t *testing.T) {
	f := newFixture(t, false)
	first := map[string]string{"en": "how do I cancel my order", "zh": "怎么取消订单", "ko": "주문 취소 어떻게 해요"}
	for i, c := range []struct {
		lang, text string
		survey     bool
	}{
		{"en", "thanks that solved it!", true},
		{"en", "that fixed it, thanks", true},
		{"zh", "谢谢，问题解决了", true},
		{"ko", "해결됐어요 감사합니다", true},
		{"en", "thanks", false},
		{"zh", "谢谢", false},
		{"ko", "감사합니다", false},
	} {
		chat := fmt.Sprintf("solved%d", i)
		if _, kind, _ := f.convo(t, chat, c.lang, first[c.lang]); kind != "answer" {
			t.Fatalf("%s %q: not answered (%s)", c.lang, first[c.lang], kind)
		}
		reply, kind, _ := f.convo(t, chat, c.lang, c.text)
		if got := kind == "survey"; got != c.survey {
			t.Errorf("%s %q after an answer: last turn %s (reply %q); want survey %v", c.lang, c.text, kind, reply, c.survey)
		}
	}
	// Before anything was answered there is nothing to rate.
	if _, kind, _ := f.convo(t, "solved-first", "en", "thanks that solved it!"); kind == "survey" {
		t.Errorf("a solved thanks as the first message asked for a rating")
	}
}
