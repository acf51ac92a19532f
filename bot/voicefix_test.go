package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
)

func personButton(msgs []bot.Message) bool {
	for _, m := range msgs {
		for _, b := range m.Buttons {
			if b.Kind == bot.KindPerson {
				return true
			}
		}
	}
	return false
}

// A problem after small talk is a question, not more small talk: missed
// like any other (topics and a person to talk to), and its misses add up
// until the third time a person is offered in words or brought in (no desk:
// how to reach one).
func TestProblemAfterSmallTalkIsNotSwallowed(t *testing.T) {
	f := newFixture(t, false)
	for i, text := range []string{"are you a bot? I was charged the wrong amount", "you're great. charged the wrong amount"} {
		chat := fmt.Sprintf("p%d", i)
		for n := 1; n <= 2; n++ {
			msgs := f.turnIn(t, chat, "en", text)
			reply := replyText(msgs)
			if strings.Contains(reply, "What can we help you with") || topicButtons(msgs) == 0 || !personButton(msgs) {
				t.Errorf("%q #%d: %q (%d topics, person %v); want a miss with topics and a person", text, n, reply, topicButtons(msgs), personButton(msgs))
			}
			if got := f.session(t, chat).Misses; got != n {
				t.Errorf("%q #%d: Misses %d, want %d", text, n, got, n)
			}
		}
		if reply, kind, _ := f.convo(t, chat, "en", text); kind != "nodesk" && kind != "handoff" && !strings.Contains(reply, `tap "Talk to a person"`) && !strings.Contains(reply, "support@kumo.example") {
			t.Errorf("%q #3: turn %s %q; want a person", text, kind, reply)
		}
	}
}

// After the rating prompt, a rating with words after it is recorded,
// whatever it is (not only the ones with praise: CSAT would lean
// positive); a low one gets one apology and a person, never topics.
func TestRatingWithWordsAfterThePromptIsRecorded(t *testing.T) {
	rec := &stars{}
	f := newFixture(t, false, bot.WithObservers(rec))
	for i, c := range []struct {
		lang, rating string
		want         int
		sorry        string // in the reply of a low rating
	}{
		{"en", "2 stars, delivery was slow", 2, "sorry"},
		{"en", "1/5 useless bot", 1, "sorry"},
		{"en", "4 stars, great service", 4, ""},
		{"en", "3 stars it was ok i guess", 3, ""},
		{"zh", "两星，发货太慢了", 2, "抱歉"},
		{"ko", "2점이요 배송이 느렸어요", 2, "죄송"},
	} {
		chat := fmt.Sprintf("c%d", i)
		if _, kind, _ := f.convo(t, chat, c.lang, ratingAsked[c.lang]...); kind != "survey" {
			t.Fatalf("%s %q: turn %s, want the rating prompt", c.lang, ratingAsked[c.lang], kind)
		}
		msgs := f.turnIn(t, chat, c.lang, c.rating)
		reply := replyText(msgs)
		if got := rec.of(chat); len(got) != 1 || got[0] != c.want {
			t.Errorf("%s %q: ratings %v, reply %q; want %d stars", c.lang, c.rating, got, reply, c.want)
		}
		if kind := lastBot(f.session(t, chat)).Kind; kind != "rated" || topicButtons(msgs) > 0 {
			t.Errorf("%s %q: turn %s with %d topics, want rated and no topics", c.lang, c.rating, kind, topicButtons(msgs))
		}
		if c.sorry != "" && (strings.Count(strings.ToLower(reply), c.sorry) != 1 || !personButton(msgs)) {
			t.Errorf("%s %q: %q (person %v); want one apology and a person", c.lang, c.rating, reply, personButton(msgs))
		}
	}
	// A question after a rating is not a rating.
	f.convo(t, "cq", "en", ratingAsked["en"]...)
	if _, kind, _ := f.convo(t, "cq", "en", "5 stars?"); kind == "rated" || len(rec.of("cq")) > 0 {
		t.Errorf(`"5 stars?" after the prompt was taken as a rating (turn %s)`, kind)
	}
}

// A rating nobody asked for as the very first message is thanked warmly,
// without "glad we could help" before anything was done.
func TestUnaskedRatingFirstIsNotGladWeHelped(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text, not string }{
		{"en", "5 stars thanks", "glad we could help"},
		{"zh", "给你五星好评", "能帮上忙"},
		{"ko", "별 다섯 개 드릴게요", "도움이 되었다니"},
	} {
		msgs := f.turnIn(t, fmt.Sprintf("e%d", i), c.lang, c.text)
		if reply := replyText(msgs); strings.Contains(reply, c.not) || topicButtons(msgs) > 0 || reply == "" {
			t.Errorf("%s %q first: %q; want a warm line without %q", c.lang, c.text, reply, c.not)
		}
	}
}

// A laugh beside a question weighs nothing in matching: the question is
// answered as confidently as without it. A laugh alone keeps its light reply.
func TestLaughBesideAQuestionIsIgnored(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text string }{
		{"en", "how do I return an item"},
		{"en", "lol how do I return an item"},
		{"en", "haha how do I return an item"},
		{"en", "how do I return an item lol"},
		{"en", "how do I return an item lmao"},
		{"zh", "哈哈 怎么退货"},
		{"ko", "ㅋㅋ 반품 어떻게 해요"},
	} {
		if _, kind, entry := f.convo(t, fmt.Sprintf("l%d", i), c.lang, c.text); kind != "answer" || entry == "" {
			t.Errorf("%s %q: turn %s entry %q, want a confident answer", c.lang, c.text, kind, entry)
		}
	}
	if _, kind, _ := f.convo(t, "l-alone", "en", "lol"); kind != "ack" {
		t.Errorf(`"lol" alone: turn %s, want ack`, kind)
	}
}
