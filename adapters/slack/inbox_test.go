package slack

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
)

// An agent's replies that one replica acknowledged but never handled (it
// died) are handled by another replica, in the order written: they were
// kept in Redis before the ack.
func TestAgentEventsKeptForAnotherReplica(t *testing.T) {
	dead := newFixture(t, fixtureOpt{}) // accepts over HTTP, never runs its workers
	s := dead.handedOff(t, "41", "Jane")
	card := dead.open(t, s)
	h := httptest.NewServer(dead.desk.Routes()[EventsPath])
	defer h.Close()
	var evs []slacktest.Event
	for i := range 3 {
		ev := dead.srv.NewEvent(dead.srv.AgentReply(testChannel, card.TS, "ULIA", fmt.Sprintf("reply %d", i)))
		resp, err := http.DefaultClient.Do(slacktest.EventRequest(t, h.URL, ev, time.Now()))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery %d: %v %v", i, resp, err)
		}
		resp.Body.Close()
		evs = append(evs, ev)
	}
	dead.core.none(t)

	// The other replica's first sweep finds the thread.
	live := newFixture(t, fixtureOpt{run: true, db: dead.db, store: dead.store, srv: dead.srv})
	for i := range 3 {
		if c := live.core.next(t); c.Method != "AgentMessage" || c.Text != fmt.Sprintf("reply %d", i) {
			t.Fatalf("call %d: %+v", i, c)
		}
	}
	live.waitHandled(t, evs...) // each marked handled in Redis
	live.core.none(t)
	if n, err := live.db.Client.SCard(t.Context(), live.db.Keys.Slack().Threads()).Result(); err != nil || n != 0 {
		t.Fatalf("threads left in the inbox: %d %v", n, err)
	}
}

// signal returns a hook that reports each call's thread on a channel
// without ever blocking the desk.
func signal() (func(string), chan string) {
	ch := make(chan string, 1000)
	return func(thread string) {
		select {
		case ch <- thread:
		default:
		}
	}, ch
}

// waitSignal waits for n reports of thread.
func waitSignal(t *testing.T, ch chan string, thread string, n int, what string) {
	t.Helper()
	timeout := time.After(slacktest.DefaultTimeout)
	for got := 0; got < n; {
		select {
		case th := <-ch:
			if th == thread {
				got++
			}
		case <-timeout:
			t.Fatalf("timed out waiting for %s (%d of %d)", what, got, n)
		}
	}
}

// Two replicas compete for one thread: replica A is in the middle of the
// agent's first reply (caught looking up who the agent is) when the next
// five reach replica B, each delivered to A once more. B tries the thread
// and finds it held (the test waits for that refusal): it handles nothing.
// When A goes on, every reply is handled once, in the order written.
func TestThreadLeaseKeepsEventsOnOneReplica(t *testing.T) {
	a := newFixture(t, fixtureOpt{socket: true, opts: []Option{WithHeartbeat(time.Second)}})
	b := newFixture(t, fixtureOpt{socket: true, db: a.db, store: a.store, srv: a.srv, opts: []Option{WithHeartbeat(time.Second)}})
	refused, refusals := signal()
	b.desk.contended = refused
	a.start(t, true)
	connA := a.srv.Connections()
	b.start(t, true)
	connB := a.srv.Connections()
	s := a.handedOff(t, "42", "Jane")
	card := a.open(t, s)
	thread := testChannel + ":" + card.TS

	release := a.srv.Hold("users.info")
	defer release()
	var evs []slacktest.Event
	evs = append(evs, a.srv.SendEventOn(t, connA, a.srv.AgentReply(testChannel, card.TS, "ULIA", "r0")))
	a.srv.WaitFor(t, "replica A handling r0", func() bool { return a.srv.Held("users.info") == 1 })
	for i := 1; i < 6; i++ {
		ev := a.srv.SendEventOn(t, connB, a.srv.AgentReply(testChannel, card.TS, "ULIA", fmt.Sprintf("r%d", i)))
		a.srv.WaitAck(t, ev.Envelope) // kept in Redis: B tries the thread
		a.srv.RedeliverOn(t, connA, ev)
		evs = append(evs, ev)
	}
	waitSignal(t, refusals, thread, 1, "replica B finding the thread held")
	a.core.none(t)
	b.core.none(t)
	if n := a.srv.Held("users.info"); n != 1 {
		t.Fatalf("%d users.info calls waiting, want only replica A's", n)
	}
	release()

	seen := map[string]int{}
	last := -1
	for len(seen) < 6 {
		var c coreCall
		select {
		case c = <-a.core.calls:
		case c = <-b.core.calls:
		case <-time.After(slacktest.DefaultTimeout):
			t.Fatalf("replies handled so far: %v", seen)
		}
		seen[c.Text]++
		var n int
		fmt.Sscanf(c.Text, "r%d", &n)
		if n < last {
			t.Errorf("%s after r%d", c.Text, last)
		}
		last = n
	}
	a.waitHandled(t, evs...)
	a.core.none(t)
	b.core.none(t)
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s handled %d times", k, n)
		}
	}
}

// At shutdown the event being handled is finished, and its thread's lease
// is renewed until it is: replica A stops while it is in the middle of an
// agent's reply that outlasts the lease several times over; replica B,
// sweeping every beat, finds the thread held and does not relay the reply
// a second time. (Before, the lease stopped being renewed with the
// heartbeat and ran out while A was still relaying.)
func TestShutdownKeepsTheLeaseOfTheEventInHand(t *testing.T) {
	// 500 ms: a renewal starved for a few hundred ms on a loaded 2-core
	// machine must not let the lease (three beats) run out.
	const beat = 500 * time.Millisecond
	a := newFixture(t, fixtureOpt{socket: true, opts: []Option{WithHeartbeat(beat)}})
	b := newFixture(t, fixtureOpt{db: a.db, store: a.store, srv: a.srv, opts: []Option{WithHeartbeat(beat)}})
	renewed, renewals := signal()
	a.desk.threadRenewed = renewed
	refused, refusals := signal()
	b.desk.contended = refused
	a.start(t, true)
	connA := a.srv.Connections()
	s := a.handedOff(t, "43", "Jane")
	card := a.open(t, s)
	thread := testChannel + ":" + card.TS

	release := a.srv.Hold("users.info")
	defer release()
	ev := a.srv.SendEventOn(t, connA, a.srv.AgentReply(testChannel, card.TS, "ULIA", "the reply in hand"))
	a.srv.WaitFor(t, "replica A handling the reply", func() bool { return a.srv.Held("users.info") == 1 })
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		a.stop() // waits for the reply in hand
	}()
	b.start(t, false)
	// Six renewals after the stop began are two leases: without them B
	// would have taken the thread.
	waitSignal(t, renewals, thread, 6, "replica A renewing the thread's lease while it stops")
	waitSignal(t, refusals, thread, 1, "replica B finding the thread held")
	b.core.none(t)
	release()
	<-stopped
	if c := a.core.next(t); c.Text != "the reply in hand" {
		t.Fatalf("replica A handled %+v", c)
	}
	a.waitHandled(t, ev)
	b.core.none(t)
}

// An agent who answers the instant a card appears (Slack shows it, Baton
// does not have its ts back yet) reaches the customer even when the card's
// post ends right between the two looks the reply's handling takes: is
// the thread mapped (not yet), is a card post in flight (no longer). The
// post writes the mapping before it stops counting as in flight, so the
// reply finds its conversation then, rather than being taken for one in a
// thread that is no handoff's and dropped.
func TestInstantReplyWhoseCardPostEndsBetweenItsLooks(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	unmapped := make(chan string, 10)
	proceed := make(chan struct{})
	f.desk.unmapped = func(thread string) {
		unmapped <- thread
		<-proceed
	}
	f.start(t, true)
	s := f.handedOff(t, "45", "Jane")

	held := f.holdOpen(t, s, "")
	card := held.card
	thread := testChannel + ":" + card.TS
	ev := f.reply(t, card.TS, "ULIA", "Lia here, on it")
	select {
	case th := <-unmapped:
		if th != thread {
			t.Fatalf("thread %s found unmapped, want %s", th, thread)
		}
	case <-time.After(slacktest.DefaultTimeout):
		t.Fatal("timed out waiting for the reply to find its thread not mapped yet")
	}
	// The post ends (mapping written, no longer in flight) while the reply
	// is between its two looks.
	held.answer()
	if err := held.result(t); err != nil {
		t.Fatalf("Open: %v", err)
	}
	close(proceed)
	f.waitHandled(t, ev)
	select {
	case c := <-f.core.calls:
		if c.Method != "AgentMessage" || c.Conv != s.ID || c.Text != "Lia here, on it" {
			t.Fatalf("core call %+v, want the agent's reply to %s", c, s.ID)
		}
	default:
		t.Fatal("the agent's reply was marked handled without reaching the core (dropped)")
	}
	f.core.none(t)
}

// An unreadable stored event (a record cut short, or not JSON at all) is
// logged and marked handled, not left "queued" for the dedupe TTL; the
// events behind it in its thread (later Slack timestamps) are handled as
// usual.
func TestUnreadableStoredEventIsMarkedHandled(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	s := f.handedOff(t, "44", "Jane")
	card := f.open(t, s)
	thread := testChannel + ":" + card.TS
	cut := `{"k":"event","d":"m:` + testChannel + `:1600000000.000001","p":{"type":"event_cal`
	garbage := "\x00 not json"
	for _, c := range []struct{ id, raw string }{{"1600000000.000001", cut}, {"1600000000.000002", garbage}} {
		if !f.desk.persistRaw(thread, c.id, "m:"+testChannel+":"+c.id, c.raw) {
			t.Fatalf("keeping %s", c.id)
		}
	}
	f.start(t, true)
	ev := f.reply(t, card.TS, "ULIA", "after the unreadable ones")
	if c := f.core.next(t); c.Text != "after the unreadable ones" {
		t.Fatalf("core call %+v", c)
	}
	f.waitHandled(t, ev)
	for _, id := range []string{"1600000000.000001", "1600000000.000002"} {
		st, err := f.db.Client.Get(t.Context(), f.db.Keys.Slack().Event("m:"+testChannel+":"+id)).Result()
		if err != nil || st != "done" {
			t.Errorf("state of unreadable event %s = %q (%v), want done", id, st, err)
		}
	}
	f.core.none(t)
}

func TestSortKeyTakesOnlySlackTimestamps(t *testing.T) {
	now := time.Unix(1700000000, 123456000)
	for ts, want := range map[string]string{
		"1700000001.000101": "1700000001.000101",
		"":                  "1700000000.123456",
		"NaN":               "1700000000.123456",
		"Inf":               "1700000000.123456",
		"1e9":               "1700000000.123456",
		"-5.0":              "1700000000.123456",
		"17.":               "1700000000.123456",
		"12":                "1700000000.123456",
	} {
		if got := sortKey(ts, now); got != want {
			t.Errorf("sortKey(%q) = %q, want %q", ts, got, want)
		}
	}
}
