package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
)

// A card post times out on Baton's side after Slack showed the card, and
// an agent answers under it at once. The reply reaches the customer and
// the outbox's retry adopts that card instead of posting a second one
// (before: a second card, and the reply only a WARN and a notice to its
// author).
func TestReplyUnderACardWhosePostTimedOutReachesTheCustomer(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	f.start(t, true)
	s := f.handedOff(t, "70", "Jane")

	octx, cancelOpen := context.WithCancel(t.Context())
	defer cancelOpen()
	card, answer, opened := f.heldCard(t, octx, s, "")
	ev := f.reply(t, card.TS, "ULIA", "Lia here, on it")
	cancelOpen() // Baton gives up on the post; Slack shows the card
	select {
	case <-opened:
	case <-time.After(slacktest.DefaultTimeout):
		t.Fatal("timed out waiting for the card post to end")
	}
	answer()
	f.waitHandled(t, ev)
	if c := f.core.next(t); c.Method != "AgentMessage" || c.Conv != s.ID || c.Text != "Lia here, on it" {
		t.Fatalf("core call = %+v, want the reply to %s", c, s.ID)
	}
	f.waitOutboxEmpty(t)
	if n := f.cards("Jane"); n != 1 {
		t.Errorf("%d cards for one handoff, want 1", n)
	}
	ref, ok, err := f.desk.card(t.Context(), s.ID)
	if err != nil || !ok || ref.ts != card.TS {
		t.Errorf("card of the conversation = %+v %v %v, want the first card %s", ref, ok, err, card.TS)
	}
	for _, e := range f.srv.Ephemerals() {
		t.Errorf("agent told %q", e.Text)
	}
}

// The same timeout, and Baton cannot find the first card when it posts
// again (the history lookup refused): two cards stand. An agent who
// answers under the first one later still reaches the customer, the card
// update shows on both, a press on the first one acts, and the second
// one's thread works as usual.
func TestBothCardsOfAPostThatTimedOutReachTheCustomer(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	s := f.handedOff(t, "71", "Jane")
	octx, cancelOpen := context.WithCancel(t.Context())
	first, answer, opened := f.heldCard(t, octx, s, "")
	cancelOpen()
	<-opened
	answer()
	f.srv.FailNext("conversations.history", slacktest.Failure{Error: "missing_scope"})
	f.start(t, true) // the outbox posts the card again
	f.waitOutboxEmpty(t)
	if n := f.cards("Jane"); n != 2 {
		t.Fatalf("%d cards, want 2 (the history lookup was refused)", n)
	}
	ref, ok, err := f.desk.card(t.Context(), s.ID)
	if err != nil || !ok || ref.ts == first.TS {
		t.Fatalf("card = %+v %v %v, want the second card", ref, ok, err)
	}
	second := ref.ts

	f.waitHandled(t, f.reply(t, first.TS, "ULIA", "Lia here, on it"))
	if c := f.core.next(t); c.Method != "AgentMessage" || c.Conv != s.ID || c.Text != "Lia here, on it" {
		t.Fatalf("core call = %+v, want the reply under the first card to reach %s", c, s.ID)
	}
	for _, ts := range []string{first.TS, second} {
		f.srv.WaitFor(t, "the card shows the claim", func() bool {
			return strings.Contains(f.card(t, ts).BlockText(), "Lia has this conversation")
		})
	}
	f.waitHandled(t, f.reply(t, second, "ULIA", "and here"))
	if c := f.core.next(t); c.Method != "AgentMessage" || c.Conv != s.ID || c.Text != "and here" {
		t.Fatalf("core call = %+v, want the reply under the second card", c)
	}
	f.srv.SendAction(t, f.srv.Action("UMIN", "min", f.card(t, first.TS), ActionResolve))
	if c := f.core.next(t); c.Method != "Resolve" || c.Conv != s.ID {
		t.Fatalf("core call = %+v, want Resolve on %s from the first card", c, s.ID)
	}
	for _, e := range f.srv.Ephemerals() {
		t.Errorf("agent told %q", e.Text)
	}
	if n := f.cards("Jane"); n != 2 {
		t.Errorf("%d cards, want still 2", n)
	}
}
