package slack

import (
	"strings"
	"testing"
	"time"
)

// An agent's reply waits on replica A for a card post in flight; A stops,
// the post fails (and the channel's history cannot be read to find the
// card), and replica B takes the reply up: B knows it waited (the wait is
// kept in Redis), so its author is told it was not sent. With the
// wait in A's memory, B took it for a message in some other thread and
// dropped it with a debug line (and A's entry was never cleaned up). The
// wait's record is gone once the reply is handled.
func TestReplyThatWaitedOnAnotherReplicaIsNotSilent(t *testing.T) {
	a := newFixture(t, fixtureOpt{socket: true, opts: []Option{WithHeartbeat(time.Second)}})
	unmapped, seen := signal()
	a.desk.unmapped = unmapped
	a.start(t, true)
	b := newFixture(t, fixtureOpt{db: a.db, store: a.store, srv: a.srv, opts: []Option{WithHeartbeat(time.Second)}})
	s := a.handedOff(t, "66", "Jane")

	held := a.holdOpen(t, s, "")
	card := held.card
	thread := testChannel + ":" + card.TS
	ev := a.reply(t, card.TS, "ULIA", "Lia here, on it")
	// The second look comes only after the first was held back to wait.
	waitSignal(t, seen, thread, 2, "the reply waiting on replica A")
	var waitKey string
	for _, m := range a.srv.Thread(card.TS) {
		if m.User == "ULIA" {
			waitKey = a.desk.keys.Waited("m:" + testChannel + ":" + m.TS)
		}
	}
	if n, err := a.db.Client.Exists(t.Context(), waitKey).Result(); err != nil || n != 1 {
		t.Fatalf("the reply's wait is not kept in Redis (%s: %d %v)", waitKey, n, err)
	}
	a.stop()
	// Baton cannot read the channel's history, which would find the card.
	a.srv.FailNext("conversations.history", historyRefused(5)...)
	held.giveUp(t)

	b.start(t, false) // its first sweep finds the thread
	b.waitHandled(t, ev)
	a.core.none(t)
	b.core.none(t)
	var told bool
	for _, e := range a.srv.Ephemerals() {
		told = told || e.User == "ULIA" && e.ThreadTS == card.TS && strings.Contains(e.Text, "Not sent to any customer")
	}
	if !told {
		t.Fatalf("the agent was not told the reply was not sent; ephemerals %+v", a.srv.Ephemerals())
	}
	if n, err := a.db.Client.Exists(t.Context(), waitKey).Result(); err != nil || n != 0 {
		t.Errorf("the reply's wait kept after it was handled (%d %v)", n, err)
	}
}

// An event that waits longer than any card post takes (here: the posts in
// flight cannot be read, Redis failing) is given up, and its author is
// told, in words for what it was: a reply was not sent, a press did
// nothing. It was a WARN only, which called a press "an agent's message".
// The wait is measured on the desk's clock, moved past the limit once the
// event has waited.
func TestEventThatWaitedTooLongIsNotSilent(t *testing.T) {
	clk := &clock{t: time.Now()}
	f := newFixture(t, fixtureOpt{socket: true, opts: []Option{WithClock(clk.Now)}})
	unmapped, seen := signal()
	f.desk.unmapped = unmapped
	f.start(t, true)
	s := f.handedOff(t, "67", "Jane")
	card := f.open(t, s)
	// The card's thread is not mapped (its mapping gone), and in-flight
	// posts cannot be read (the marker's key holds a string: WRONGTYPE).
	if err := f.db.Client.Del(t.Context(), f.desk.keys.Thread(testChannel, card.TS)).Err(); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Client.Set(t.Context(), f.desk.keys.Posting(), "not a sorted set", 0).Err(); err != nil {
		t.Fatal(err)
	}
	f.waitedTooLong(t, clk, seen, card, "Not sent to any customer", "Nothing was done")
}
