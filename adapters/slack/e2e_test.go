package slack

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/stats"
)

// The real core is what the desk calls when agents act.
var _ Core = (*bot.Bot)(nil)

// customer is the Telegram side as the core sees it: a Sender that
// records what the bot sends on its own initiative.
type customer struct {
	mu   sync.Mutex
	msgs []bot.Message
	got  chan bot.Message
}

func (c *customer) Send(_ context.Context, _ string, m bot.Message) error {
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	c.mu.Unlock()
	c.got <- m
	return nil
}

// wait returns the next message the customer receives on its own
// initiative (agent replies, closings, surveys).
func (c *customer) wait(t *testing.T, what string) bot.Message {
	t.Helper()
	select {
	case m := <-c.got:
		return m
	case <-time.After(slacktest.DefaultTimeout):
		t.Fatalf("timed out waiting for the customer to get %s", what)
		return bot.Message{}
	}
}

// observer passes the events it sees on; after the statistics in the
// observers' order, it tells the test they are written.
type observer chan lifecycle.Event

func (o observer) Observe(_ context.Context, _ *session.Session, ev lifecycle.Event) { o <- ev }

// TestWithRealCore drives the real core (bot.New) with the real desk on
// the fake Slack: handoff card, customer -> thread, agent -> customer with
// the agent's name, note not relayed, !resolve -> rating keyboard -> rating
// in the thread -> the bot answers again; then a second handoff and !bot.
func TestWithRealCore(t *testing.T) {
	contents, problems, err := content.NewHolder(content.Dir("../../prompts"), content.Dir("../../knowledge"), nil)
	if err != nil {
		t.Fatalf("contents: %v %v", err, problems)
	}
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	rec := stats.New(f.db)
	observed := make(chan lifecycle.Event, 100)
	b := bot.New(f.store, contents, bot.WithDesk(f.desk), bot.WithObservers(rec, observer(observed)))
	f.desk.SetCore(b)
	cust := &customer{got: make(chan bot.Message, 50)}
	b.Register("telegram", cust)

	ctx := t.Context()
	say := func(kind bot.Kind, text string) []bot.Message {
		t.Helper()
		out, err := b.Handle(ctx, bot.Event{Channel: "telegram", ChatID: "555", Kind: kind, Text: text,
			Customer: bot.Customer{ID: "555", Name: "Jane Doe", Username: "jane_d", Lang: "en"}})
		if err != nil {
			t.Fatalf("Handle(%q): %v", text, err)
		}
		return out
	}

	say(bot.KindText, "hello")
	// The turn that hands off tells the customer itself, through the
	// Sender, before the card is posted: Handle returns nothing more.
	if out := say(bot.KindCommand, "human"); len(out) != 0 {
		t.Errorf("the handoff turn returned %d replies; the core sends them itself", len(out))
	}
	if m := cust.wait(t, "the handoff announcement"); !strings.Contains(m.Text, "person from our team") {
		t.Errorf("the customer was not told a person is coming: %q", m.Text)
	}
	card := f.srv.WaitMessage(t, "handoff card", func(m slacktest.Message) bool { return m.TopLevel() && m.Blocks != nil })
	if !strings.Contains(card.BlockText(), "Jane Doe") || len(card.Buttons()) != 3 {
		t.Fatalf("card:\n%s", card.BlockText())
	}

	// Customer -> thread.
	say(bot.KindText, "my parcel is <b>lost</b> & I'm upset")
	f.waitThread(t, card.TS, "my parcel is &lt;b&gt;lost&lt;/b&gt; &amp; I'm upset")

	// A note stays in Slack; the reply reaches the customer, named.
	f.reply(t, card.TS, "ULIA", "note: check the warehouse first")
	f.reply(t, card.TS, "ULIA", "Hi Jane! *So sorry* — a new parcel ships today: <https://track.example/1|tracking>")
	joined := cust.wait(t, "the agent's introduction")
	if !strings.Contains(joined.Text, "Lia") {
		t.Errorf("the customer was not told who joined: %q", joined.Text)
	}
	reply := cust.wait(t, "the agent's reply")
	if reply.Text != "Hi Jane! So sorry — a new parcel ships today: tracking (https://track.example/1)" {
		t.Errorf("agent reply reached the customer as %q", reply.Text)
	}
	for _, m := range []bot.Message{joined, reply} {
		if strings.Contains(m.Text, "warehouse") {
			t.Fatalf("a note reached the customer: %q", m.Text)
		}
	}
	f.srv.WaitFor(t, "card claimed by Lia", func() bool {
		return strings.Contains(f.card(t, card.TS).BlockText(), "Lia has this conversation")
	})

	// !resolve: closing and a 1-5 keyboard; the rating lands in the thread.
	f.reply(t, card.TS, "ULIA", "!resolve")
	var survey bot.Message
	for i := 0; i < 3 && len(survey.Buttons) == 0; i++ {
		survey = cust.wait(t, "the survey")
	}
	if len(survey.Buttons) != 5 || survey.Buttons[0].Kind != bot.KindRating || survey.Buttons[4].Value != "5" {
		t.Fatalf("survey = %+v", survey)
	}
	f.waitThread(t, card.TS, "✅ Resolved by *Lia*")
	say(bot.KindRating, "4")
	f.waitThread(t, card.TS, "★★★★☆ 4/5")
	f.srv.WaitFor(t, "card shows the rating", func() bool {
		return strings.Contains(f.card(t, card.TS).BlockText(), "★★★★☆ 4/5")
	})

	// What the customer writes right after rating is their comment.
	say(bot.KindText, "quick & kind, thanks")
	f.waitThread(t, card.TS, "Their comment: “quick &amp; kind, thanks”")
	f.srv.WaitFor(t, "card shows the comment", func() bool {
		return strings.Contains(f.card(t, card.TS).BlockText(), "★★★★☆ 4/5 — “quick &amp; kind, thanks”")
	})

	// The bot is in charge again: it answers, nothing goes to the thread.
	before := len(f.srv.Thread(card.TS))
	if out := say(bot.KindText, "how long does shipping take?"); len(out) == 0 {
		t.Errorf("the bot did not answer after the handoff was resolved")
	}
	if after := len(f.srv.Thread(card.TS)); after != before {
		t.Errorf("a message after resolution went to the thread (%d -> %d posts): %q", before, after, f.threadTexts(card.TS))
	}

	// A second handoff, handed back with !bot: no survey.
	say(bot.KindCommand, "human")
	cust.wait(t, "the second handoff announcement")
	second := f.srv.WaitMessage(t, "second card", func(m slacktest.Message) bool {
		return m.TopLevel() && m.Blocks != nil && m.TS != card.TS
	})
	f.reply(t, second.TS, "UMIN", "!bot")
	back := cust.wait(t, "back to the bot")
	if len(back.Buttons) != 0 {
		t.Errorf("!bot sent a survey: %+v", back)
	}
	f.waitThread(t, second.TS, "Back with the bot, no survey.")
	cur, _, _ := f.store.Get(ctx, "telegram:555")
	if cur.Mode != session.ModeBot || cur.Handoff.Outcome != "returned" {
		t.Errorf("after !bot: mode %s outcome %q", cur.Mode, cur.Handoff.Outcome)
	}
	// The statistics observed the lifecycle: two handoffs, one resolved by
	// Lia and rated 4, one returned by Min-jun. Observers run after the
	// desk has rendered, so wait for the last of them.
	for ev := range observed {
		if _, ok := ev.(lifecycle.Returned); ok {
			break
		}
	}
	rep, err := rec.Report(ctx, 1)
	if err != nil || rep.All.Returned != 1 || rep.All.AgentRatings[4] != 1 || rep.Agents["ULIA"].AgentRatings[4] != 1 ||
		rep.All.Handoffs != 2 || rep.All.Reasons["explicit"] != 2 || rep.Agents["ULIA"].FirstReply.Count != 1 ||
		rep.Agents["ULIA"].Resolved != 1 || rep.Agents["UMIN"].Returned != 1 || rep.AgentNames["ULIA"] != "Lia" {
		t.Errorf("report = %+v", rep)
	}
}
