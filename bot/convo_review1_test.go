package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
)

// A bare number after an answer whose "might help" tip only points to a
// topic that asks for the order number is no order number: the reply did
// not ask for it ("I never got my confirmation email", whose tip is the
// tracking page, then "1002"; review 1 H3). A part of a two-part answer
// that asks still makes it one (TestOrderNumberWeAskedForIsTaken).
func TestNumberAfterATipIsNoOrderNumber(t *testing.T) {
	f := newFixture(t, true)
	const ask = "I never got my confirmation email"
	for i, number := range []string{"1002", "2000", "150"} {
		chat := fmt.Sprintf("tip%d", i)
		f.convo(t, chat, "en", ask)
		s := f.session(t, chat)
		b := lastBot(s)
		if b.Kind != "answer" || len(b.Tips) == 0 {
			t.Fatalf("%q: bot turn %+v; want an answer carrying a tip", ask, b)
		}
		reply, kind, _ := f.convo(t, chat, "en", number)
		if s := f.session(t, chat); kind == "handoff" || s.Handoff != nil || strings.Contains(reply, "order "+number) {
			t.Errorf("%q after %q (tips %q): turn %s, reply %q, handoff %+v; the answer did not ask for an order number",
				number, ask, b.Tips, kind, reply, s.Handoff)
		}
	}
}

// A "no" to "Are you asking about …?" ("no not that", "不是不是", "아니
// 아니") declines the guess: the other close topics and a person, as a
// plain "no" gets, not the apology for a wrong answer without topics
// (review 1 M1).
func TestNoNotThatToAGuessOffersTheOtherTopics(t *testing.T) {
	h := bikesContents(t, guessTarget)
	set := h.Current()
	f := newFixtureOn(t, h, true)
	ctx := context.Background()
	for i, c := range []struct{ lang, no string }{
		{"en", "no not that"}, {"en", "no no no"}, {"zh", "不是不是"}, {"zh", "不对不对"}, {"ko", "아니 아니"},
	} {
		query, entry := guessedQuery(t, f, set, c.lang)
		chat := fmt.Sprintf("nn-%d", i)
		if _, err := f.bot.Handle(ctx, bot.Event{Channel: "test", ChatID: chat, Kind: bot.KindText, Text: query}); err != nil {
			t.Fatal(err)
		}
		msgs, err := f.bot.Handle(ctx, bot.Event{Channel: "test", ChatID: chat, Kind: bot.KindText, Text: c.no})
		if err != nil {
			t.Fatal(err)
		}
		s := f.session(t, chat)
		m := msgs[len(msgs)-1]
		if got := lastBot(s); got.Kind != "rephrase" || s.Misses != 1 || !saysOneOf(t, m.Text, c.lang, "guess_no") {
			t.Errorf("%s %q after a guess: bot turn %+v, misses %d; want guess_no and still one miss:\n%s", c.lang, c.no, got, s.Misses, m.Text)
			continue
		}
		topics := 0
		for _, b := range m.Buttons {
			if b.Kind == bot.KindTopic {
				topics++
				if b.Value == entry {
					t.Errorf("%s %q: the rejected guess %s is offered again", c.lang, c.no, entry)
				}
			}
		}
		if topics == 0 || m.Buttons[len(m.Buttons)-1].Kind != bot.KindPerson {
			t.Errorf("%s %q: buttons %+v; want the other topics, then Talk to a person", c.lang, c.no, m.Buttons)
		}
	}
}
