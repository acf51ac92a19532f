package slack

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// A replica that relayed an agent's reply to the customer and then
// stalled, before its turn was saved and the event marked handled, for
// longer than the thread's lease: another replica's sweep takes the
// thread over and meets the same event. It must not relay the reply a
// second time (the customer would read it twice); it tells the agent in
// the thread that it cannot tell whether the reply arrived, since a
// replica that died in the middle of the send looks the same from here.
// The stall is a hook that waits on a channel, the lease's expiry a DEL,
// B's drain of the thread called by the test (B is not run, so no sweep
// of its own can take the thread before A): no sleeps. (Leftover 3.)
func TestRelayedReplyNotRelayedAgainAfterATakeOver(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			slow := []Option{WithHeartbeat(time.Minute)} // no renewals nor sweeps of their own
			a := newFixture(t, fixtureOpt{socket: true, db: db, opts: slow})
			b := newFixture(t, fixtureOpt{db: db, store: a.store, srv: a.srv, opts: slow})
			reached, release := make(chan struct{}), make(chan struct{})
			var once sync.Once
			a.core.relayed = func(text string) {
				once.Do(func() {
					close(reached)
					<-release
				})
			}
			a.start(t, true) // B is not run: its drain of the thread is called below
			var released sync.Once
			let := func() { released.Do(func() { close(release) }) }
			t.Cleanup(let) // before the desks stop: A's stalled drain must end
			s := a.handedOff(t, "44", "Jane")
			card := a.open(t, s)
			thread := testChannel + ":" + card.TS

			ev := a.reply(t, card.TS, "ULIA", "your parcel ships today")
			select {
			case <-reached:
			case <-time.After(slacktest.DefaultTimeout):
				t.Fatal("replica A did not relay the reply")
			}
			if c := a.core.next(t); c.Method != "AgentMessage" {
				t.Fatalf("replica A: %+v", c)
			}
			// The stall outlives the thread's lease: it expires (deleted
			// here, as its TTL would), and B takes the thread over.
			if err := db.Client.Del(t.Context(), db.Keys.Slack().ThreadLease(thread)).Err(); err != nil {
				t.Fatal(err)
			}
			b.desk.drainThread(t.Context(), thread) // as its sweep would
			b.waitHandled(t, ev)
			b.core.none(t)
			b.waitThread(t, card.TS, relayUnsure)

			let()
			a.waitHandled(t, ev)
			a.core.none(t)
			if got := strings.Join(a.threadTexts(card.TS), " | "); strings.Count(got, relayUnsure) != 1 {
				t.Errorf("thread %q: want the one notice", got)
			}
		})
	}
}

// A replica that stalled before it claimed the reply (here in the
// lookup of the agent's name, before the relay) and lost the thread
// meanwhile relays nothing when it wakes, and leaves the event to the
// thread's new holder, which relays it: the customer gets it once.
func TestReplyStalledBeforeItsClaimIsRelayedOnceByTheNewHolder(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			slow := []Option{WithHeartbeat(time.Minute)}
			a := newFixture(t, fixtureOpt{socket: true, db: db, opts: slow})
			b := newFixture(t, fixtureOpt{db: db, store: a.store, srv: a.srv, opts: slow})
			a.start(t, true) // B is not run: its drain of the thread is called below
			s := a.handedOff(t, "45", "Jane")
			card := a.open(t, s)
			thread := testChannel + ":" + card.TS
			b.desk.agent(t.Context(), "ULIA", "") // B knows Lia's name: only A's lookup is held

			release := a.srv.Hold("users.info")
			t.Cleanup(release)
			ev := a.reply(t, card.TS, "ULIA", "your parcel ships today")
			a.srv.WaitFor(t, "replica A looking the agent up", func() bool { return a.srv.Held("users.info") == 1 })
			if err := db.Client.Del(t.Context(), db.Keys.Slack().ThreadLease(thread)).Err(); err != nil {
				t.Fatal(err)
			}
			b.desk.drainThread(t.Context(), thread) // as its sweep would
			if c := b.core.next(t); c.Method != "AgentMessage" || c.Text != "your parcel ships today" {
				t.Fatalf("replica B: %+v", c)
			}
			b.waitHandled(t, ev)
			release()
			a.stop() // A's drain has ended once Run returned
			a.core.none(t)
			b.core.none(t)
			if got := strings.Join(a.threadTexts(card.TS), " | "); strings.Contains(got, relayUnsure) {
				t.Errorf("a notice for a reply relayed once: %q", got)
			}
		})
	}
}
