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
	for i := range 3 {
		ev := dead.srv.NewEvent(dead.srv.AgentReply(testChannel, card.TS, "ULIA", fmt.Sprintf("reply %d", i)))
		resp, err := http.DefaultClient.Do(slacktest.EventRequest(t, h.URL, ev, time.Now()))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery %d: %v %v", i, resp, err)
		}
		resp.Body.Close()
	}
	dead.core.none(t)

	// The other replica's first sweep finds the thread.
	live := newFixture(t, fixtureOpt{run: true, db: dead.db, store: dead.store, srv: dead.srv})
	for i := range 3 {
		if c := live.core.next(t); c.Method != "AgentMessage" || c.Text != fmt.Sprintf("reply %d", i) {
			t.Fatalf("call %d: %+v", i, c)
		}
	}
	live.core.none(t)
	// Marked handled right after the core call: poll until the thread is
	// off the inbox's list.
	for deadline := time.Now().Add(slacktest.DefaultTimeout); ; time.Sleep(10 * time.Millisecond) {
		n, err := live.db.Client.SCard(t.Context(), live.db.Keys.Slack().Threads()).Result()
		if err == nil && n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("threads left in the inbox: %d %v", n, err)
		}
	}
}

// A thread another live replica holds is left to it: the sweep of a second
// replica does not handle its events a second time. (The lease is three
// heartbeats: a much shorter one could run out under a replica stalled by
// a loaded machine, and the event would be handled twice, by design.)
func TestThreadLeaseKeepsEventsOnOneReplica(t *testing.T) {
	a := newFixture(t, fixtureOpt{socket: true, run: true, opts: []Option{WithHeartbeat(time.Second)}})
	b := newFixture(t, fixtureOpt{socket: true, run: true, db: a.db, store: a.store, srv: a.srv, opts: []Option{WithHeartbeat(time.Second)}})
	a.srv.SpreadEvents(true)
	s := a.handedOff(t, "42", "Jane")
	card := a.open(t, s)
	var evs []slacktest.Event
	for i := range 6 {
		evs = append(evs, a.srv.SendEvent(t, a.srv.AgentReply(testChannel, card.TS, "ULIA", fmt.Sprintf("r%d", i))))
		a.srv.Redeliver(t, evs[i]) // and once more, to the other replica
	}
	// Every reply reaches one core or the other once; whichever replica
	// handled one, the thread's replies go out in order.
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
	a.core.none(t)
	b.core.none(t)
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s handled %d times", k, n)
		}
	}
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
