package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
)

// topicValues are the entries of the topic buttons in msgs, in order.
func topicValues(msgs []bot.Message) []string {
	var ids []string
	for _, m := range msgs {
		for _, b := range m.Buttons {
			if b.Kind == bot.KindTopic {
				ids = append(ids, b.Value)
			}
		}
	}
	return ids
}

// A topic picked from the "not sure" list by typing its place, however it
// is worded, answers that topic, as pressing its button does; the same
// words without a list before them, or a place past the list, are a
// message like any other.
func TestTypedPickAnswersTheOfferedTopic(t *testing.T) {
	f := newFixture(t, false)
	miss := map[string]string{"en": "hmm the thing with my stuff", "ko": "그거 있잖아요 그거", "zh": "那个东西怎么说"}
	for i, c := range []struct {
		lang, pick string
		place      int
	}{
		{"en", "2", 2}, {"en", "option 2", 2}, {"en", "2 pls", 2}, {"en", "#1", 1},
		{"en", "the first one", 1}, {"en", "the second", 2}, {"en", "Option 3.", 3}, {"en", "the last one", 3},
		{"ko", "1번", 1}, {"ko", "1번이요", 1}, {"ko", "첫번째요", 1}, {"ko", "두 번째", 2}, {"ko", "2번째 거요", 2},
		{"zh", "第一个", 1}, {"zh", "1号", 1}, {"zh", "选2", 2}, {"zh", "第二个吧", 2},
	} {
		chat := fmt.Sprintf("pick%d", i)
		ids := topicValues(f.turnIn(t, chat, c.lang, miss[c.lang]))
		if len(ids) < 3 {
			t.Fatalf("%s %q: %d topics offered, want 3", c.lang, miss[c.lang], len(ids))
		}
		msgs := f.turnIn(t, chat, c.lang, c.pick)
		if last := lastBot(f.session(t, chat)); last.Kind != "answer" || last.Entry != ids[c.place-1] || topicButtons(msgs) > 0 {
			t.Errorf("%s %q after %v: turn %s entry %q (%d topics); want the answer of %s", c.lang, c.pick, ids, last.Kind, last.Entry, topicButtons(msgs), ids[c.place-1])
		}
	}
	// Not a pick: no list before it, a place past the list, or more words.
	for i, c := range []struct {
		lang, first, then string
		place             int // the place the words would pick
	}{
		{"en", "how long does shipping take?", "the second", 2},
		{"en", miss["en"], "option 7", 0},
		{"ko", miss["ko"], "9번이요", 0},
	} {
		chat := fmt.Sprintf("nopick%d", i)
		ids := topicValues(f.turnIn(t, chat, c.lang, c.first))
		msgs := f.turnIn(t, chat, c.lang, c.then)
		last := lastBot(f.session(t, chat))
		if c.place > 0 && c.place <= len(ids) && last.Entry == ids[c.place-1] || c.place == 0 && last.Kind == "answer" {
			t.Errorf("%s %q then %q: turn %s entry %q %q; want it read as a message of its own", c.lang, c.first, c.then, last.Kind, last.Entry, replyText(msgs))
		}
	}
}

// Right after "how did we do?", a rating said in passing, hedged or with
// a complaint around it, is the rating: recorded, thanked, and a low one
// with a complaint gets one apology and a person, never a topic list nor a
// complaint handoff that drops the score. After a closing, a rating with
// a unit and a complaint ("별로였어요 2점이요") is taken the same way.
// Numbers that are something else are no rating.
func TestRatingSaidInPassingIsRecorded(t *testing.T) {
	rec := &stars{}
	f := newFixture(t, false, bot.WithObservers(rec))
	for i, c := range []struct {
		lang    string
		opening []string
		rating  string
		want    int
		sorry   string // one apology in the reply, and a person offered
	}{
		{"en", ratingAsked["en"], "meh, 3 i guess", 3, ""},
		{"en", ratingAsked["en"], "solid 4", 4, ""},
		{"en", ratingAsked["en"], "a 2, the bot was slow", 2, "sorry"},
		{"en", ratingAsked["en"], "I'd say 4 out of 5 but the first answer was useless", 4, ""},
		{"en", ratingAsked["en"], "honestly 1. useless", 1, "sorry"},
		{"zh", ratingAsked["zh"], "一般，三分", 3, ""},
		{"zh", ratingAsked["zh"], "回答太慢了，两分吧", 2, "抱歉"},
		{"ko", ratingAsked["ko"], "별로였어요 2점이요", 2, "죄송"},
		{"ko", []string{"배송 조회", "고마워요"}, "별로였어요 2점이요", 2, "죄송"},
		{"ko", ratingAsked["ko"], "그냥 3점 정도요", 3, ""},
	} {
		chat := fmt.Sprintf("r%d", i)
		f.convo(t, chat, c.lang, c.opening...)
		msgs := f.turnIn(t, chat, c.lang, c.rating)
		reply := replyText(msgs)
		last := lastBot(f.session(t, chat))
		if got := rec.of(chat); len(got) != 1 || got[0] != c.want {
			t.Errorf("%s %q: ratings %v, turn %s %q; want %d stars", c.lang, c.rating, got, last.Kind, reply, c.want)
			continue
		}
		if last.Kind != "rated" || topicButtons(msgs) > 0 {
			t.Errorf("%s %q: turn %s with %d topics; want rated and no topics", c.lang, c.rating, last.Kind, topicButtons(msgs))
		}
		if c.sorry != "" && (strings.Count(strings.ToLower(reply), c.sorry) != 1 || !personButton(msgs)) {
			t.Errorf("%s %q: %q (person %v); want one apology and a person", c.lang, c.rating, reply, personButton(msgs))
		}
	}
	// Not one clear score: no rating recorded.
	for i, text := range []string{"2 items are missing", "3 or 4", "my order KS-204817 never came", "is 5 good?", "I waited 3 days"} {
		chat := fmt.Sprintf("n%d", i)
		f.convo(t, chat, "en", ratingAsked["en"]...)
		f.turnIn(t, chat, "en", text)
		if got := rec.of(chat); len(got) > 0 {
			t.Errorf("%q after the prompt: recorded %v; want no rating", text, got)
		}
	}
}

// Small talk with a place word after it ("what's the weather like
// there", "here?", "at your place", "你那里天气怎么样") is small talk: a
// kind reply, never "I didn't catch that" and a topic list after it.
func TestSmallTalkWithAPlaceWordEndsInNoTopics(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text string }{
		{"en", "what's the weather like there"},
		{"en", "how's the weather here?"},
		{"en", "what's the weather like at your place"},
		{"zh", "你那里天气怎么样"},
	} {
		chat := fmt.Sprintf("w%d", i)
		msgs := f.turnIn(t, chat, c.lang, c.text)
		if kind := lastBot(f.session(t, chat)).Kind; topicButtons(msgs) > 0 || kind != "smalltalk" {
			t.Errorf("%s %q: turn %s %q (%d topics); want small talk and no topics", c.lang, c.text, kind, replyText(msgs), topicButtons(msgs))
		}
	}
}

// "🙏" as the first message thanks for nothing: it is greeted, in the
// conversation's language, never "you're welcome"; after an answer it is
// thanks.
func TestPrayingHandsFirstIsGreeted(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, not string }{{"en", "welcome"}, {"ko", "천만에요"}, {"zh", "不客气"}} {
		chat := fmt.Sprintf("g%d", i)
		reply, kind, _ := f.convo(t, chat, c.lang, "🙏")
		if kind != "greeting" || strings.Contains(strings.ToLower(reply), c.not) {
			t.Errorf("%s 🙏 first: turn %s %q; want a greeting", c.lang, kind, reply)
		}
	}
	if _, kind, _ := f.convo(t, "g-after", "en", "how long does shipping take?", "🙏"); kind != "thanks" {
		t.Errorf("🙏 after an answer: turn %s, want thanks", kind)
	}
}

// A list stops counting once a timer has spoken since: after an idle
// check-in was delivered, "option 2" is a message of its own, not a pick
// of the topic the reply before the check-in offered.
func TestTypedPickNotAfterACheckIn(t *testing.T) {
	f := newFixture(t, false, bot.WithIdle(10*time.Minute, 30*time.Minute))
	ids := topicValues(f.turnIn(t, "c1", "en", "hmm the thing with my stuff"))
	if len(ids) < 2 {
		t.Fatalf("%d topics offered, want at least 2", len(ids))
	}
	f.clock.Add(10 * time.Minute)
	if n, err := f.bot.FireTimers(context.Background()); err != nil || n != 1 || lastBot(f.session(t, "c1")).Kind != "nudge" {
		t.Fatalf("check-in: fired %d, err %v, last turn %s", n, err, lastBot(f.session(t, "c1")).Kind)
	}
	msgs := f.turnIn(t, "c1", "en", "option 2")
	if last := lastBot(f.session(t, "c1")); last.Entry == ids[1] {
		t.Errorf("\"option 2\" after the check-in answered the listed topic %s (%q); want a message of its own", ids[1], replyText(msgs))
	}
}

// The same for an agent's message: once an agent has written to the
// customer, the list the bot offered before is not the last thing said.
// "option 2" after the agent gives the conversation back is a message of
// its own, not a pick of that list.
func TestTypedPickNotAfterAnAgentMessage(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	ids := topicValues(f.turnIn(t, "c1", "en", "hmm the thing with my stuff"))
	if len(ids) < 2 {
		t.Fatalf("%d topics offered, want at least 2", len(ids))
	}
	conv := bot.ConvID("test", "c1")
	if err := f.bot.AgentMessage(ctx, conv, bot.Agent{ID: "U1", Name: "Lia Park"}, "Hi Jane, Lia here. Let me look into it."); err != nil {
		t.Fatal(err)
	}
	if o := f.session(t, "c1").Outbox; o != nil {
		for _, r := range o.Replies {
			for _, b := range r.Buttons {
				if b.Kind == string(bot.KindTopic) {
					t.Errorf("after the agent's message the outbox still offers topic %s", b.Value)
				}
			}
		}
	}
	if err := f.bot.Return(ctx, conv, bot.Agent{ID: "U1", Name: "Lia Park"}); err != nil {
		t.Fatal(err)
	}
	msgs := f.turnIn(t, "c1", "en", "option 2")
	if last := lastBot(f.session(t, "c1")); last.Entry == ids[1] {
		t.Errorf("\"option 2\" after the agent's message answered the listed topic %s (%q); want a message of its own", ids[1], replyText(msgs))
	}
}
