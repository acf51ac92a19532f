package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
)

// turnOf sends an event and returns the turn's messages, buttons and all.
func turnOf(t *testing.T, f *fixture, chat string, ev bot.Event) []bot.Message {
	t.Helper()
	ev.Channel, ev.ChatID = "test", chat
	if ev.Kind == "" {
		ev.Kind = bot.KindText
	}
	msgs, err := f.bot.Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) == 0 {
		t.Fatalf("%q: no reply", ev.Text)
	}
	return msgs
}

func labels(m bot.Message) []string {
	var out []string
	for _, b := range m.Buttons {
		out = append(out, b.Label)
	}
	return out
}

// With no agent desk no one can join the chat: the offer of a person after
// misses gives the team's contacts, kindly, and never says "tap Talk to a
// person"; the button says where it leads, and is left out when the reply
// gives the contacts already (voice, 2026-12-06 item 1). With a desk,
// nothing changes (TestMissesOfferAPersonAndAPressHandsOff).
func TestNoDeskOffersTheContactsNotAButtonToAPerson(t *testing.T) {
	f := newFixture(t, false)
	for i, q := range []string{"what's the capital of Peru?", "how tall is the Eiffel tower?", "who won the 1998 world cup?"} {
		last := turnOf(t, f, "c1", bot.Event{Text: q})
		m := last[len(last)-1]
		if strings.Contains(m.Text, "Talk to a person") {
			t.Errorf("miss %d says Talk to a person with no desk:\n%s", i+1, m.Text)
		}
		inWords := strings.Contains(m.Text, "support@kumo.example")
		if inWords != (i == 2) {
			t.Errorf("miss %d: contacts in words %v, want only after the third:\n%s", i+1, inWords, m.Text)
		}
		var person []string
		for _, b := range m.Buttons {
			if b.Kind == bot.KindPerson {
				person = append(person, b.Label)
			}
		}
		switch {
		case inWords && len(person) != 0:
			t.Errorf("miss %d: a person button %v beside the contacts in words", i+1, person)
		case !inWords && (len(person) != 1 || person[0] != "How to reach our team"):
			t.Errorf("miss %d: person buttons %v, want one saying how to reach our team", i+1, person)
		}
	}
	// Thanks after a clear question our pages do not answer: the
	// contacts, no "tap".
	for _, c := range []struct{ lang, miss, thanks, bad string }{
		{"en", "do you sell phone cases?", "ok thanks anyway", "Talk to a person"},
		{"zh", "你们卖手机壳吗？", "好吧谢谢", "转人工客服"},
		{"ko", "폰케이스 파나요?", "네 감사해요", "상담원과 이야기할래요"},
	} {
		chat := "thanks-" + c.lang
		turnOf(t, f, chat, bot.Event{Text: c.miss, Customer: bot.Customer{Lang: c.lang}})
		msgs := turnOf(t, f, chat, bot.Event{Text: c.thanks, Customer: bot.Customer{Lang: c.lang}})
		m := msgs[len(msgs)-1]
		if last := lastBot(f.session(t, chat)); last.Kind != "thanks" {
			t.Fatalf("%s: %q after a miss gave %s:\n%s", c.lang, c.thanks, last.Kind, m.Text)
		}
		if strings.Contains(m.Text, c.bad) || !strings.Contains(m.Text, "support@kumo.example") || len(m.Buttons) != 0 {
			t.Errorf("%s: thanks after a miss with no desk: %q, buttons %v; want the contacts, no button", c.lang, m.Text, labels(m))
		}
	}
}

// A place picked, or "which one?", with no list on screen offers the
// topics closest to the last question, but not the entry we just
// answered: they have it on screen (voice, 2026-12-06 item 3).
func TestPickWithNoListDoesNotOfferTheEntryJustAnswered(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct{ lang, question, pick string }{
		{"en", "how do I return an item?", "the second one"},
		{"en", "how do I return an item?", "which one?"},
		{"zh", "退货怎么办", "第二个"},
		{"zh", "退货怎么办", "哪个？"},
		{"ko", "반품 어떻게 해요", "두 번째요"},
		{"ko", "반품 어떻게 해요", "어떤 거요?"},
	} {
		chat := c.lang + c.pick
		turnOf(t, f, chat, bot.Event{Text: c.question, Customer: bot.Customer{Lang: c.lang}})
		answered := lastBot(f.session(t, chat))
		if answered.Kind != "answer" || answered.Entry == "" {
			t.Fatalf("%s: %q answered %+v", c.lang, c.question, answered)
		}
		msgs := turnOf(t, f, chat, bot.Event{Text: c.pick, Customer: bot.Customer{Lang: c.lang}})
		m := msgs[len(msgs)-1]
		if got := lastBot(f.session(t, chat)); got.Kind != "rephrase" {
			t.Errorf("%s %q: %s, want which one with topics:\n%s", c.lang, c.pick, got.Kind, m.Text)
		}
		if len(m.Buttons) == 0 {
			t.Errorf("%s %q: no topics offered:\n%s", c.lang, c.pick, m.Text)
		}
		for _, b := range m.Buttons {
			if b.Kind == bot.KindTopic && b.Value == answered.Entry {
				t.Errorf("%s %q: offers %s, the entry just answered (buttons %v)", c.lang, c.pick, b.Value, labels(m))
			}
		}
	}
}

// A closing when we have done nothing yet ("hi", "no", "no") is brief
// and does not say it was a pleasure helping; after an answer it does,
// and asks for a rating (voice, 2026-12-06 item 4).
func TestClosingAfterNothingAnsweredIsBrief(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct {
		lang  string
		turns []string
		bad   []string
	}{
		{"en", []string{"hi", "no", "no"}, []string{"pleasure helping", "Thanks for stopping by", "How did we do"}},
		{"en", []string{"hi", "bye"}, []string{"pleasure helping", "How did we do"}},
		{"en", []string{"hi", "thanks"}, []string{"Happy we could help", "anything else"}},
		{"zh", []string{"你好", "没有", "没有"}, []string{"很高兴为您服务", "感谢您的光临"}},
		{"ko", []string{"안녕하세요", "아니요", "아니요"}, []string{"도움이 되어 기뻤어요", "찾아 주셔서 감사해요"}},
	} {
		chat := c.lang + strings.Join(c.turns, "/")
		var m bot.Message
		for _, say := range c.turns {
			msgs := turnOf(t, f, chat, bot.Event{Text: say, Customer: bot.Customer{Lang: c.lang}})
			m = msgs[len(msgs)-1]
		}
		if got := lastBot(f.session(t, chat)); got.Kind != "bye" && got.Kind != "thanks" {
			t.Errorf("%s %v: last reply %s, want a closing:\n%s", c.lang, c.turns, got.Kind, m.Text)
		}
		for _, b := range c.bad {
			if strings.Contains(m.Text, b) {
				t.Errorf("%s %v: closing says %q though we did nothing yet:\n%s", c.lang, c.turns, b, m.Text)
			}
		}
	}
	// After an answer, the warm closing and the rating stay.
	turnOf(t, f, "answered", bot.Event{Text: "how long does shipping take?"})
	msgs := turnOf(t, f, "answered", bot.Event{Text: "bye"})
	if m := msgs[len(msgs)-1]; !strings.Contains(m.Text, "How did we do") {
		t.Errorf("bye after an answer: no rating asked: %q", m.Text)
	}
}
