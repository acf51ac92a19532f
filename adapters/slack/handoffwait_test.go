package slack

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
)

// waitingCore is the real core on the real desk and the fake Slack, with a
// settable clock, and a customer who writes to it.
type waitingCore struct {
	f     *fixture
	b     *bot.Bot
	cust  *customer
	clk   *clock
	chat  string
	lang  string
	event chan lifecycle.Event
}

// shippedContents are the shipped prompts and knowledge, loaded once for
// the tests that need them (loading takes seconds on a busy machine).
var shippedContents = sync.OnceValues(func() (*content.Holder, error) {
	c, problems, err := content.NewHolder(content.Dir("../../prompts"), content.Dir("../../knowledge"), nil)
	if err != nil {
		return nil, fmt.Errorf("contents: %w %v", err, problems)
	}
	return c, nil
})

func newWaitingCore(t *testing.T, chat, lang string) *waitingCore {
	t.Helper()
	contents, err := shippedContents()
	if err != nil {
		t.Fatal(err)
	}
	w := &waitingCore{f: newFixture(t, fixtureOpt{socket: true, run: true}), cust: &customer{got: make(chan bot.Message, 50)},
		clk: &clock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}, chat: chat, lang: lang, event: make(chan lifecycle.Event, 100)}
	w.b = bot.New(w.f.store, contents, bot.WithDesk(w.f.desk), bot.WithClock(w.clk.Now), bot.WithObservers(observer(w.event)))
	w.f.desk.SetCore(w.b)
	w.b.Register("telegram", w.cust)
	return w
}

// say sends the customer's message and returns the bot's replies.
func (w *waitingCore) say(t *testing.T, text string) []bot.Message {
	t.Helper()
	out, err := w.b.Handle(t.Context(), bot.Event{Channel: "telegram", ChatID: w.chat, Kind: bot.KindText, Text: text, At: w.clk.Now(),
		Customer: bot.Customer{ID: w.chat, Name: "Jane Doe", Lang: w.lang}})
	if err != nil {
		t.Fatalf("Handle(%q): %v", text, err)
	}
	return out
}

// handOff asks for a person and returns the card.
func (w *waitingCore) handOff(t *testing.T, ask string) slacktest.Message {
	t.Helper()
	w.say(t, ask)
	if m := w.cust.wait(t, "the handoff announcement"); m.Text == "" {
		t.Fatalf("empty handoff announcement")
	}
	return w.f.srv.WaitMessage(t, "handoff card", func(m slacktest.Message) bool { return m.TopLevel() && m.Blocks != nil })
}

// relayed waits until the customer's words are in the card's thread.
func (w *waitingCore) relayed(t *testing.T, card slacktest.Message, text string) {
	t.Helper()
	w.f.waitThread(t, card.TS, text)
}

func oneReply(t *testing.T, what string, out []bot.Message, want ...string) {
	t.Helper()
	if len(out) != 1 {
		t.Fatalf("%s: %d replies, want 1: %+v", what, len(out), out)
	}
	for _, s := range want {
		if !strings.Contains(out[0].Text, s) {
			t.Errorf("%s: reply lacks %q: %q", what, s, out[0].Text)
		}
	}
}

// QA walk 2026-12-06 09:05, item 4: handoffs are never silent. While
// nobody has the conversation, a wait question gets one short answer with
// roughly when (not one per message), a question the pages answer is
// answered, and "never mind" ends the handoff; every message still reaches
// the card's thread, and the agents are told the customer withdrew.
func TestWaitingCustomerHearsBackAndCanWithdraw(t *testing.T) {
	w := newWaitingCore(t, "701", "en")
	card := w.handOff(t, "I want to talk to a person")

	out := w.say(t, "how much longer do I have to wait??")
	oneReply(t, "a wait question", out, "in line", "about 5 minutes")
	w.relayed(t, card, "how much longer do I have to wait??")

	// Asked again at once: nothing new to say, but it reaches the team.
	if out := w.say(t, "hello?? is anyone there? this is taking forever"); len(out) != 0 {
		t.Errorf("a second wait question right after the first was answered again: %+v", out)
	}
	w.relayed(t, card, "this is taking forever")

	// Minutes later, past the usual wait: answered again, honestly late.
	w.clk.Add(6 * time.Minute)
	oneReply(t, "a ping after the usual wait", w.say(t, "hello?"), "longer than usual")
	w.relayed(t, card, "hello?")

	// A question the pages answer: answered now, and still relayed.
	oneReply(t, "a question while waiting", w.say(t, "how long does shipping take?"), "While you wait", "business days")
	w.relayed(t, card, "how long does shipping take?")

	oneReply(t, "never mind", w.say(t, "never mind, I figured it out, thanks"), "let our team know")
	w.relayed(t, card, "never mind, I figured it out, thanks")
	w.f.waitThread(t, card.TS, "no longer needs a person")
	w.f.srv.WaitFor(t, "the card says the customer withdrew, without buttons", func() bool {
		c := w.f.card(t, card.TS)
		return strings.Contains(c.BlockText(), "no longer needs a person") && len(c.Buttons()) == 0
	})
	s, _, err := w.f.store.Get(t.Context(), bot.ConvID("telegram", "701"))
	if err != nil || s.Mode != session.ModeBot || lifecycle.Of(s) != lifecycle.StateWithdrawn {
		t.Fatalf("after never mind: mode %q state %q (err %v)", s.Mode, lifecycle.Of(s), err)
	}
	for ev := range w.event {
		if e, ok := ev.(lifecycle.Withdrawn); ok {
			if e.Text != "never mind, I figured it out, thanks" {
				t.Errorf("withdrawn event text %q", e.Text)
			}
			break
		}
	}

	// The bot answers normally again; nothing more goes to the thread.
	before := len(w.f.srv.Thread(card.TS))
	out = w.say(t, "how long does shipping take?")
	if len(out) == 0 || strings.Contains(out[0].Text, "While you wait") {
		t.Errorf("after withdrawing, the question was not answered as usual: %+v", out)
	}
	if after := len(w.f.srv.Thread(card.TS)); after != before {
		t.Errorf("a message after withdrawing went to the thread: %q", w.f.threadTexts(card.TS))
	}
}

// Once an agent has the conversation, the bot does not talk over them: a
// question is theirs, and "never mind" answers them (only they end it).
// When they have been quiet a while, "hello??" hears who has it, by name.
func TestWaitingForAClaimingAgent(t *testing.T) {
	w := newWaitingCore(t, "702", "zh")
	card := w.handOff(t, "转人工")
	w.f.reply(t, card.TS, "ULIA", "您好，我看一下您的订单")
	w.cust.wait(t, "who joined")
	w.cust.wait(t, "the agent's reply")

	if out := w.say(t, "还要等多久"); len(out) != 0 {
		t.Errorf("the bot talked over the agent who just wrote: %+v", out)
	}
	if out := w.say(t, "运费多少钱"); len(out) != 0 {
		t.Errorf("the bot answered a question the agent has: %+v", out)
	}
	if out := w.say(t, "算了不用了"); len(out) != 0 {
		t.Errorf("never mind to an agent who wrote was answered by the bot: %+v", out)
	}
	w.relayed(t, card, "算了不用了")
	s, _, _ := w.f.store.Get(t.Context(), bot.ConvID("telegram", "702"))
	if lifecycle.Of(s) != lifecycle.StateClaimed {
		t.Fatalf("state %q, want the agent to still have it", lifecycle.Of(s))
	}

	w.clk.Add(10 * time.Minute)
	oneReply(t, "a wait question to a quiet agent", w.say(t, "人呢？还要等多久"), "Lia")
}
