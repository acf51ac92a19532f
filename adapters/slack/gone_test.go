package slack

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
)

// relayOK relays text through d as the core does and fails the test when
// the desk reports an error (safe from any goroutine).
func relayOK(t *testing.T, f *fixture, d *Desk, s *session.Session, text string) {
	cur, ok, err := f.store.Get(t.Context(), s.ID)
	if err != nil || !ok {
		t.Errorf("session: %v %v", ok, err)
		return
	}
	if err := d.Relay(t.Context(), cur, bot.Event{Kind: bot.KindText, Text: text}); err != nil {
		t.Errorf("Relay(%q): %v", text, err)
	}
}

// waitSharedOutboxEmpty waits until the outbox a and b share is empty:
// either replica may drain it (each reports only its own pops).
func waitSharedOutboxEmpty(t *testing.T, a, b *fixture) {
	t.Helper()
	timeout := time.After(slacktest.DefaultTimeout)
	for {
		n, err := a.desk.Pending(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		select {
		case <-a.popped:
		case <-b.popped:
		case <-timeout:
			t.Fatalf("timed out waiting for the outbox to empty (%d pending)", n)
		}
	}
}

// twoReplicas is a desk and a second replica of it on the same Redis and
// fake Slack, both running their outbox.
func twoReplicas(t *testing.T) (a, b *fixture) {
	a = newFixture(t, fixtureOpt{run: true})
	b = newFixture(t, fixtureOpt{run: true, db: a.db, store: a.store, srv: a.srv})
	return a, b
}

// A handoff card deleted in Slack (its thread is gone for good) is posted
// again once, whichever replica finds it gone first, and the customer's
// messages go on in the new card's thread, each once. Before, every
// message was refused by Slack again: an error for each (a dead letter
// for each that had waited in the outbox), and the agents never saw any.
// The first two messages are relayed by both replicas at once: one posts
// the card, the other waits for it (its post goes through the outbox).
func TestCardThreadGoneIsPostedAgainOnce(t *testing.T) {
	a, b := twoReplicas(t)
	s := a.handedOff(t, "90", "Jane")
	old := a.open(t, s)
	if !a.srv.DeleteMessage(old.TS) {
		t.Fatal("the card is not in the fake Slack")
	}

	var wg sync.WaitGroup
	wg.Go(func() { relayOK(t, a, a.desk, s, "first, the order is 1234") })
	wg.Go(func() { relayOK(t, b, b.desk, s, "second, it was a gift") })
	wg.Wait()
	for i, text := range []string{"third, please hurry", "fourth, anyone?"} {
		d := []*Desk{a.desk, b.desk}[i%2]
		relayOK(t, a, d, s, text)
	}
	waitSharedOutboxEmpty(t, a, b)

	if n := a.cards("Jane"); n != 1 {
		t.Fatalf("%d cards up in Slack, want the one posted again", n)
	}
	ref, ok, err := a.desk.card(t.Context(), s.ID)
	if err != nil || !ok || ref.ts == old.TS || ref.gone {
		t.Fatalf("card record %+v %v %v, want the card posted again", ref, ok, err)
	}
	if _, ok := a.srv.Message(ref.ts); !ok {
		t.Fatalf("the recorded card %s is not in Slack", ref.ts)
	}
	for _, text := range []string{"first, the order is 1234", "second, it was a gift", "third, please hurry", "fourth, anyone?"} {
		if n := a.seen(ref.ts, text); n != 1 {
			t.Errorf("the new card's thread has %q %d times, want 1: %q", text, n, a.threadTexts(ref.ts))
		}
	}
	if got := a.threadTexts(ref.ts); len(got) == 0 || !strings.Contains(got[0], "posted again") {
		t.Errorf("the new card's thread starts with %q, want a note that the card was posted again", got)
	}
	if n := a.metric(t, "baton_desk_card_reposted_total") + b.metric(t, "baton_desk_card_reposted_total"); n != 1 {
		t.Errorf("cards posted again %v, want 1", n)
	}
	if n, err := a.desk.Dead(t.Context()); err != nil || n != 0 {
		t.Errorf("dead letters %d (%v), want none", n, err)
	}
	// An agent's reply under the new card reaches the customer.
	if got, ok, err := a.desk.threadConv(t.Context(), testChannel, ref.ts); err != nil || !ok || got != s.ID {
		t.Errorf("the new card's thread maps to %q %v %v, want %s", got, ok, err, s.ID)
	}
	// The card's updates and notes go to the new card.
	if err := render(t.Context(), b.desk, s, "claimed"); err != nil {
		t.Errorf("claimed: %v", err)
	}
	if m := a.card(t, ref.ts); m.Edits == 0 {
		t.Errorf("the new card was not updated")
	}
	if n := a.seen(ref.ts, "has the conversation now"); n != 1 {
		t.Errorf("the claim's note is %d times in the new card's thread, want 1", n)
	}
}

// A card whose channel was archived: its thread is gone and a card cannot
// be posted there again. The loss is recorded once, whichever replica
// finds it: one dead letter (the message that found it), one count, one
// error log; the customer's later messages and the card's updates are
// dropped, counted, without a dead letter or an error each. Before, each
// message was one more error (or dead letter).
func TestCardChannelArchivedIsOneLossNotOnePerMessage(t *testing.T) {
	a, b := twoReplicas(t)
	s := a.handedOff(t, "91", "Jane")
	a.open(t, s)
	a.srv.Archive(testChannel)

	texts := []string{"first, the order is 1234", "second, it was a gift", "third, please hurry", "fourth, anyone?"}
	for i, text := range texts {
		relayOK(t, a, []*Desk{a.desk, b.desk}[i%2], s, text)
	}
	if err := render(t.Context(), b.desk, s, "claimed"); err != nil {
		t.Errorf("an update of the card whose loss is recorded: %v", err)
	}
	waitSharedOutboxEmpty(t, a, b)

	raws, err := a.db.Client.LRange(t.Context(), a.desk.deadKey(), 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) != 1 {
		t.Fatalf("dead letters %q, want one for the case", raws)
	}
	var j job
	if err := json.Unmarshal([]byte(raws[0]), &j); err != nil {
		t.Fatal(err)
	}
	if j.Conv != s.ID || !strings.Contains(j.Text, "first") || !strings.Contains(j.LastErr, "is_archived") {
		t.Errorf("dead letter %+v, want the first message and why", j)
	}
	sum := func(name string) float64 { return a.metric(t, name) + b.metric(t, name) }
	if n := sum("baton_desk_card_lost_total"); n != 1 {
		t.Errorf("cards lost %v, want 1", n)
	}
	if n := sum("baton_desk_card_lost_posts_dropped_total"); n != float64(len(texts)-1+2) {
		t.Errorf("posts dropped %v, want %d (the messages after the first, the claim's card update and note)", n, len(texts)-1+2)
	}
	if n := sum("baton_desk_card_reposted_total"); n != 0 {
		t.Errorf("cards posted again %v, want 0", n)
	}
	ref, ok, err := a.desk.card(t.Context(), s.ID)
	if err != nil || !ok || !ref.gone || !ref.lost {
		t.Errorf("card record %+v %v %v, want its thread gone and the loss recorded", ref, ok, err)
	}
}
