package bot_test

import (
	"fmt"
	"strings"
	"testing"
)

// QA walk 2026-12-06 09:05, item 18: a rating typed alone right after a
// goodbye or a thanks ("bye", then "2") is the conversation's rating, once
// (README), in each language; a second one is not counted again.
func TestRatingAloneAfterGoodbye(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct {
		lang  string
		lines []string
	}{
		{"en", []string{"bye", "2"}},
		{"en", []string{"thanks bye", "2"}},
		{"en", []string{"thanks", "4"}},
		{"zh", []string{"再见", "2"}},
		{"ko", []string{"안녕히 계세요", "다섯"}},
	} {
		chat := fmt.Sprintf("byerating%d", i)
		reply, kind, _ := f.convo(t, chat, c.lang, c.lines...)
		if kind != "rated" {
			t.Errorf("%s %q: last turn %s (%q), want the rating taken", c.lang, c.lines, kind, reply)
		}
	}
	if _, kind, _ := f.convo(t, "byerating0", "en", "3"); kind == "rated" {
		t.Errorf(`a second bare "3" after the rating was counted again`)
	}
}

// QA walk 2026-12-06 09:05, item 1: a thanks that says the opposite
// ("thanks for nothing") is read whole by the handoff detector before
// small talk answers its thanks: one apology and a person, never "you're
// welcome" nor the answer that did not help pasted again. A real thanks
// with more words is still a thanks.
func TestThanksForNothingIsAComplaint(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct {
		lang, first, then, answer string
	}{
		{"en", "how do I cancel my order", "thanks for nothing", "cancel"},
		{"en", "", "thanks for nothing", ""},
		{"zh", "怎么取消订单", "谢谢你什么也没帮上", "取消"},
		{"ko", "주문 취소 어떻게 해요", "고맙긴 한데 하나도 도움이 안 됐어요", "취소"},
	} {
		chat := fmt.Sprintf("sarcasm%d", i)
		lines := []string{c.then}
		if c.first != "" {
			lines = []string{c.first, c.then}
		}
		reply, kind, _ := f.convo(t, chat, c.lang, lines...)
		s := f.session(t, chat)
		if kind != "handoff" || s.Handoff == nil || s.Handoff.Reason != "complaint" {
			t.Errorf("%s %q: last turn %s (%q), want a complaint handoff", c.lang, lines, kind, reply)
			continue
		}
		for _, not := range []string{"welcome", "不客气", "천만에"} {
			if strings.Contains(reply, not) {
				t.Errorf("%s %q: the sarcasm was thanked for: %q", c.lang, c.then, reply)
			}
		}
		if c.first != "" && strings.Count(reply, "\n") > 6 {
			t.Errorf("%s %q: the answer that did not help came again: %q", c.lang, c.then, reply)
		}
	}
	if reply, kind, _ := f.convo(t, "sarcasm-real", "en", "how do I cancel my order", "thanks, that helps a lot"); kind != "thanks" {
		t.Errorf("a real thanks: last turn %s (%q)", kind, reply)
	}
}

