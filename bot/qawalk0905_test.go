package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/lifecycle"
)

// QA walk 2026-12-06 09:05, item 18: a number typed alone right after a
// goodbye or a thanks ("bye", then "2") is never read as a question. After
// a goodbye that closed an answered conversation it is the rating, taken
// at once (walk 2026-12-06d leftover 4: "Was that a rating?" after "bye"
// asked what was plain; with nothing answered it is no rating,
// TestBareNumberAfterGoodbyeIsTheRating); after a thanks, which asks "anything else?", the bot
// asks whether it was a rating, with the 1-5 buttons, and the same number
// again counts. Once, in each language.
func TestRatingAloneAfterGoodbye(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct {
		lang  string
		lines []string
		asked bool // asked whether it was a rating first
	}{
		{"en", []string{"how long does shipping take?", "bye", "2"}, false},
		{"en", []string{"how long does shipping take?", "thanks bye", "2"}, false},
		{"en", []string{"thanks", "4"}, true},
		{"zh", []string{"怎么取消订单", "再见", "2"}, false},
		{"ko", []string{"반품 규정이 어떻게 돼요?", "안녕히 계세요", "다섯"}, false},
	} {
		chat := fmt.Sprintf("byerating%d", i)
		reply, kind, _ := f.convo(t, chat, c.lang, c.lines...)
		switch {
		case c.asked && kind != "survey":
			t.Errorf("%s %q: last turn %s (%q), want asked whether it was a rating", c.lang, c.lines, kind, reply)
		case !c.asked && kind != "rated":
			t.Errorf("%s %q: last turn %s (%q), want the rating taken", c.lang, c.lines, kind, reply)
		}
		if !c.asked {
			continue
		}
		if reply, kind, _ := f.convo(t, chat, c.lang, c.lines[len(c.lines)-1]); kind != "rated" {
			t.Errorf("%s %q, then it again: last turn %s (%q), want the rating taken", c.lang, c.lines, kind, reply)
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

// Praise around a failure ("great job losing my order") is sarcasm: small
// talk peels "great job" as a compliment, so the whole message is read by
// the detector first, as for a thanks for nothing. Before, the customer
// got "Thank you, that really made my day!". Real praise stays praise.
func TestPraiseForAFailureIsAComplaint(t *testing.T) {
	f := newFixture(t, true)
	reply, kind, _ := f.convo(t, "praise-sarcasm", "en", "great job losing my order")
	if s := f.session(t, "praise-sarcasm"); kind != "handoff" || s.Handoff == nil || s.Handoff.Reason != "complaint" {
		t.Errorf("sarcastic praise: turn %s (%q), want a complaint handoff", kind, reply)
	}
	if strings.Contains(reply, "made my day") || strings.Contains(reply, "kind of you") {
		t.Errorf("sarcastic praise was thanked for: %q", reply)
	}
	if reply, kind, _ := f.convo(t, "praise-real", "en", "great job! where is my order?"); kind != "answer" || !strings.Contains(reply, "tracking") {
		t.Errorf("real praise and a question: turn %s (%q), want the thanks and the answer", kind, reply)
	}
}

// QA walk 2026-12-06 09:05, item 5: what the customer writes after a low
// rating asked what went wrong is feedback: thanked for and recorded
// (a Feedback event, which the statistics keep), with a person offered
// when it shows the problem is still open; no second apology, and the
// answer that did not help is not pasted again. In each language.
func TestFeedbackAfterALowRating(t *testing.T) {
	ev := &events{}
	f := newFixture(t, true, bot.WithObservers(ev))
	for i, c := range []struct {
		lang     string
		lines    []string
		answered string // words of the answer that must not come again
	}{
		{"en", []string{"how do i reset my password", "thanks bye", "1", "your answer was useless, the reset email never arrives"}, "Forgot password"},
		{"zh", []string{"怎么取消订单", "再见", "1", "没用，我的订单还是取消不了"}, ""},
		{"ko", []string{"주문 취소 어떻게 해요", "안녕히 계세요", "2", "답변이 별로였어요, 아직도 취소가 안 돼요"}, ""},
	} {
		chat := fmt.Sprintf("feedback%d", i)
		for _, l := range c.lines[:len(c.lines)-1] {
			f.convo(t, chat, c.lang, l)
		}
		msgs, err := f.bot.Handle(t.Context(), bot.Event{Channel: "test", ChatID: chat, Kind: bot.KindText, Text: c.lines[len(c.lines)-1], Customer: bot.Customer{Name: "Jane Doe", Lang: c.lang}})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 {
			t.Fatalf("%s: %d replies to the feedback: %+v", c.lang, len(msgs), msgs)
		}
		m := msgs[0]
		for _, not := range []string{"sorry", "Sorry", "抱歉", "죄송"} {
			if strings.Contains(m.Text, not) {
				t.Errorf("%s: a second apology after rating_sorry: %q", c.lang, m.Text)
			}
		}
		if c.answered != "" && strings.Contains(m.Text, c.answered) {
			t.Errorf("%s: the answer that did not help came again: %q", c.lang, m.Text)
		}
		if len(m.Buttons) == 0 || m.Buttons[len(m.Buttons)-1].Kind != bot.KindPerson {
			t.Errorf("%s: the open problem gets no offer of a person: %+v", c.lang, m)
		}
		if s := f.session(t, chat); s.Handoff != nil {
			t.Errorf("%s: the feedback opened a handoff (%s) instead of offering a person", c.lang, s.Handoff.Reason)
		}
	}
	var got []lifecycle.Feedback
	ev.mu.Lock()
	for _, e := range ev.all {
		if fb, ok := e.(lifecycle.Feedback); ok {
			got = append(got, fb)
		}
	}
	ev.mu.Unlock()
	if len(got) != 3 || got[0].Stars != 1 || !got[0].Open || got[0].Entry != "account/password-reset" || got[2].Stars != 2 {
		t.Errorf("feedback recorded: %+v", got)
	}

	// Words that only say how it went are thanked for, without a person.
	f.convo(t, "feedback-plain", "en", "how do i reset my password", "thanks bye", "2")
	if reply, kind, _ := f.convo(t, "feedback-plain", "en", "the bot took a while to reply"); kind != "rated" || strings.Contains(reply, "Sorry") {
		t.Errorf("plain feedback: %s %q", kind, reply)
	}
	// A clear new question is answered as one.
	f.convo(t, "feedback-new", "en", "how do i reset my password", "thanks bye", "1")
	if _, kind, entry := f.convo(t, "feedback-new", "en", "how long does shipping take?"); kind != "answer" || entry != "shipping/times" {
		t.Errorf("a new question after a low rating: %s %s", kind, entry)
	}
	// A new question the pages are not sure of is still a question: it
	// gets the topics (review of 2026-12-06: it got only a thank-you).
	f.convo(t, "feedback-unsure", "en", "how do i reset my password", "thanks bye", "2")
	if _, kind, _ := f.convo(t, "feedback-unsure", "en", "can i pick it up from your warehouse?"); kind == "rated" {
		t.Errorf("an unsure new question after a low rating was taken as feedback (%s)", kind)
	}
}
