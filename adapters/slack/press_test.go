package slack

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
)

// newHandoff starts a second handoff for a customer whose first card is
// posted: the first card's record stays (keepFor), as it does after a
// handoff closes and the customer asks for a person again.
func (f *fixture) newHandoff(t *testing.T, s *session.Session) *session.Session {
	t.Helper()
	s, err := f.store.Update(t.Context(), s.ID, func(s *session.Session) error {
		s.Mode = session.ModeWaiting
		s.Handoff = &session.Handoff{Reason: "explicit", At: t0.Add(20 * time.Minute)}
		return nil
	})
	if err != nil {
		t.Fatalf("storing the new handoff: %v", err)
	}
	return s
}

// A button pressed on the newest card the instant it appears, before the
// card's post returned and mapped its thread, waits for the mapping and is
// acted on once, on that card's conversation. It was refused as a press on
// an old card (the button's conversation led to the customer's previous
// card), and a Transfer menu choice (no conversation in its value) was
// dropped without a word.
func TestPressOnCardBeforeItsThreadIsMapped(t *testing.T) {
	for _, c := range []struct{ name, action, method, team string }{
		{"claim", ActionClaim, "Claim", ""},
		{"resolve", ActionResolve, "Resolve", ""},
		{"transfer", ActionTransfer, "Transfer", "returns"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpt{socket: true, opts: []Option{WithTeams(func() Teams { return teams{} })}})
			unmapped := make(chan string, 100)
			f.desk.unmapped = func(thread string) { unmapped <- thread }
			f.start(t, true)
			s := f.handedOff(t, "61", "Jane")
			old := f.open(t, s)
			s = f.newHandoff(t, s)

			held := f.holdOpen(t, s, old.TS)
			card := held.card
			thread := testChannel + ":" + card.TS
			var press []byte
			if c.team != "" {
				press = f.srv.Select("ULIA", "lia", card, c.action, c.team)
			} else {
				press = f.srv.Action("ULIA", "lia", card, c.action)
			}
			f.srv.WaitAck(t, f.srv.SendAction(t, press))
			// The press finds the thread not mapped; before the fix it was
			// handled at once instead.
			select {
			case th := <-unmapped:
				if th != thread {
					t.Fatalf("thread %s found unmapped, want %s", th, thread)
				}
			case id := <-f.handled:
				t.Fatalf("the press (%s) was handled before its card's thread was mapped; core calls %d, ephemerals %+v",
					id, len(f.core.calls), f.srv.Ephemerals())
			case <-time.After(slacktest.DefaultTimeout):
				t.Fatal("timed out waiting for the press to find its card's thread not mapped yet")
			}
			held.answer()
			if err := held.result(t); err != nil {
				t.Fatalf("Open: %v", err)
			}
			if got := f.core.next(t); got.Method != c.method || got.Conv != s.ID || got.Text != c.team {
				t.Fatalf("core call %+v, want %s on %s", got, c.method, s.ID)
			}
			for done := false; !done; {
				select {
				case id := <-f.handled:
					done = id == "action"
				case <-time.After(slacktest.DefaultTimeout):
					t.Fatal("the press was not handled")
				}
			}
			f.core.none(t)
			for _, e := range f.srv.Ephemerals() {
				t.Errorf("agent told %q", e.Text)
			}
		})
	}
}

// An agent's reply that waited for a card post which then failed (Slack
// showed the card, Baton never got its ts), when Baton cannot read the
// channel's history to find the card (conversations.history refused), is
// not sent, and its author is told so in the thread; it was dropped with
// only a debug line. (With the history readable the card is adopted and
// the reply sent: TestReplyUnderACardWhosePostTimedOutReachesTheCustomer.)
func TestReplyThatWaitedForAFailedCardPostIsNotSilent(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	unmapped, seen := signal()
	f.desk.unmapped = unmapped
	f.start(t, true)
	s := f.handedOff(t, "62", "Jane")

	held := f.holdOpen(t, s, "")
	card := held.card
	ev := f.reply(t, card.TS, "ULIA", "Lia here, on it")
	// Two looks at the unmapped thread: the second comes only after the
	// first was held back to wait for the post in flight.
	waitSignal(t, seen, testChannel+":"+card.TS, 2, "the reply waiting for its card")
	// The card post fails after Slack showed the card: the caller gives
	// up before the answer comes (the outbox posts the card again, in a
	// new thread, once answers flow again: it cannot look for the first).
	f.srv.FailNext("conversations.history", historyRefused(5)...)
	held.giveUp(t)
	f.waitHandled(t, ev)
	f.core.none(t)
	var told bool
	for _, e := range f.srv.Ephemerals() {
		told = told || e.User == "ULIA" && e.ThreadTS == card.TS && strings.Contains(e.Text, "Not sent to any customer")
	}
	if !told {
		t.Fatalf("the agent was not told the reply was not sent; ephemerals %+v", f.srv.Ephemerals())
	}
}

// A card is not posted while its post cannot be marked in flight (Redis
// failing): an instant reply would find no post to wait for and be lost,
// and the mapping's write, failing too, would have the outbox post the card
// a second time. The job waits in the outbox and the card is posted once
// the mark can be written.
func TestCardWaitsUntilItsPostIsMarkedInFlight(t *testing.T) {
	f := newFixture(t, fixtureOpt{run: true})
	s := f.handedOff(t, "63", "Jane")
	// The marker's key holding a string makes its write fail in Redis
	// (WRONGTYPE), as a failing Redis would.
	k := f.desk.keys.Posting()
	if err := f.db.Client.Set(t.Context(), k, "not a sorted set", 0).Err(); err != nil {
		t.Fatal(err)
	}
	ref, err := f.desk.Open(t.Context(), s)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if ref["ts"] != "" {
		t.Fatalf("Open = %v: the card was posted without its post marked in flight", ref)
	}
	if n := f.srv.Calls("chat.postMessage"); n != 0 {
		t.Fatalf("chat.postMessage called %d times while the post could not be marked in flight", n)
	}
	if n, err := f.desk.Pending(t.Context()); err != nil || n != 1 {
		t.Fatalf("outbox holds %d jobs (%v), want the card's", n, err)
	}
	if err := f.db.Client.Del(t.Context(), k).Err(); err != nil {
		t.Fatal(err)
	}
	f.waitOutboxEmpty(t)
	if n := f.cards("Jane"); n != 1 {
		t.Fatalf("%d cards posted, want 1", n)
	}
	if _, ok, err := f.desk.card(t.Context(), s.ID); err != nil || !ok {
		t.Fatalf("card not recorded (%v)", err)
	}
}

// Error notices name no conversation: core errors carry the conversation's
// log pseudonym for the log, agents get plain words.
func TestAgentErrorsNameNoConversation(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true, opts: []Option{WithTeams(func() Teams { return teams{} })}})
	s := f.handedOff(t, "64", "Jane")
	card := f.open(t, s)
	pseudonym := logmask.Pseudonym(s.ID)

	closed := &session.Session{ID: s.ID, Handoff: &session.Handoff{Outcome: "resolved", ResolvedAt: t0}}
	_, notOpen := lifecycle.Resolve(closed, lifecycle.Agent{ID: "ULIA"}, time.Now())
	open := &session.Session{ID: s.ID, Mode: session.ModeWaiting, Handoff: &session.Handoff{Team: "support", At: t0}}
	_, sameTeam := lifecycle.Transfer(open, "support", lifecycle.Agent{ID: "ULIA"}, time.Now(), time.Time{})
	if !errors.Is(notOpen, lifecycle.ErrNotOpen) || !errors.Is(sameTeam, lifecycle.ErrSameTeam) {
		t.Fatalf("lifecycle errors %v, %v", notOpen, sameTeam)
	}
	for _, c := range []struct {
		name string
		err  error
		act  func() // the agent's action, failing with err
		want string
	}{
		{"resolve button, closed", notOpen, func() {
			f.srv.SendAction(t, f.srv.Action("ULIA", "lia", f.card(t, card.TS), ActionResolve))
		}, "this handoff is closed"},
		{"transfer menu, same team", sameTeam, func() {
			f.srv.SendAction(t, f.srv.Select("ULIA", "lia", f.card(t, card.TS), ActionTransfer, "support"))
		}, `with team "support" already`},
		{"!transfer, no such team", fmt.Errorf("transfer %s: %w %q (teams: payments, returns, support)", logmask.Conv(s.ID), bot.ErrUnknownTeam, "nowhere"), func() {
			f.reply(t, card.TS, "ULIA", "!transfer Nowhere")
		}, "there is no team \"nowhere\". Teams: `payments`, `returns`, `support`"},
		{"reply, send failed", fmt.Errorf("send to %s: %w", logmask.Conv(s.ID), errBoom), func() {
			f.reply(t, card.TS, "ULIA", "hello")
		}, "Not delivered to the customer: something went wrong"},
	} {
		f.core.failNext(c.err)
		c.act()
		f.core.next(t)
		var got string
		f.srv.WaitFor(t, c.name+": the agent told", func() bool {
			for _, e := range f.srv.Ephemerals() {
				if strings.Contains(e.Text, c.want) {
					got = e.Text
					return true
				}
			}
			for _, m := range f.srv.Thread(card.TS) {
				if m.IsBot() && strings.Contains(m.Text, c.want) {
					got = m.Text
					return true
				}
			}
			return false
		})
		if strings.Contains(got, pseudonym) || strings.Contains(got, s.ID) {
			t.Errorf("%s: the agent was told %q, which names the conversation", c.name, got)
		}
	}
}

// An action saved with only part of its sends delivered (bot's
// ErrPartlyDelivered, whatever its cause) tells the agent that part reached
// the customer and that the same again delivers only the rest: it read
// "something went wrong… try again", or, with a blocked or undeliverable
// cause, that nothing could reach the customer; a resolve that was saved
// read "That did not work".
func TestAgentToldOfPartialDelivery(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	s := f.handedOff(t, "65", "Jane")
	card := f.open(t, s)
	partly := func(cause error) error {
		return fmt.Errorf("%w to %s (the same again sends only the rest): send to %s: %w",
			bot.ErrPartlyDelivered, logmask.Conv(s.ID), logmask.Conv(s.ID), cause)
	}
	for _, c := range []struct {
		name string
		err  error
		act  func()
		want string
	}{
		{"reply, then undeliverable", partly(bot.ErrUndeliverable), func() {
			f.reply(t, card.TS, "ULIA", "a long reply")
		}, "⚠️ Partly delivered to the customer: part of it reached the customer, the rest did not. Sending the same again"},
		{"reply, cause unknown", partly(errBoom), func() {
			f.reply(t, card.TS, "ULIA", "another long reply")
		}, "⚠️ Partly delivered to the customer: part of it reached the customer"},
		{"resolve button, then blocked", partly(bot.ErrBlocked), func() {
			f.srv.SendAction(t, f.srv.Action("ULIA", "lia", f.card(t, card.TS), ActionResolve))
		}, "⚠️ That was done, but only partly delivered: part of it reached the customer"},
		{"!resolve", partly(errBoom), func() {
			f.reply(t, card.TS, "ULIA", "!resolve")
		}, "⚠️ `!resolve` was done, but only partly delivered: part of it reached the customer"},
	} {
		// Counted, not merely found: two cases may be told alike, and
		// the next case's failure must not be armed before this one's
		// core call has taken its own.
		told := func() (n int) {
			for _, e := range f.srv.Ephemerals() {
				if strings.Contains(e.Text, c.want) {
					n++
				}
			}
			for _, m := range f.srv.Thread(card.TS) {
				if m.IsBot() && strings.Contains(m.Text, c.want) {
					n++
				}
			}
			return n
		}
		before := told()
		f.core.failNext(c.err)
		c.act()
		f.core.next(t)
		f.srv.WaitFor(t, c.name+": the agent told", func() bool { return told() > before })
	}
	for _, e := range f.srv.Ephemerals() {
		if strings.Contains(e.Text, "did not work") || strings.Contains(e.Text, "blocked") {
			t.Errorf("the agent was told %q", e.Text)
		}
	}
	for _, m := range f.srv.Thread(card.TS) {
		if m.IsBot() && (strings.Contains(m.Text, "Not delivered") || strings.Contains(m.Text, "something went wrong") || strings.Contains(m.Text, "cannot receive")) {
			t.Errorf("the agent was told %q", m.Text)
		}
	}
}
