package slack

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// renewerFirstCore is the real core with a stall before its first
// Resolve that ends when the lease renewer of the drain (keepLease) has
// found the thread's lease gone and cancelled the work's context: the
// other order of what a replica does on waking from a freeze past its
// lease (both goroutines runnable; the renewer's tick is overdue), or a
// Redis brownout longer than the lease that the renewer sees first.
type renewerFirstCore struct {
	Core
	reached chan string
	once    *sync.Once
}

func (c renewerFirstCore) Resolve(ctx context.Context, conv string, a bot.Agent) error {
	c.once.Do(func() {
		c.reached <- "Resolve"
		select {
		case <-ctx.Done(): // the renewer found the lease lost
		case <-time.After(slacktest.DefaultTimeout):
		}
	})
	return c.Core.Resolve(ctx, conv, a)
}

// An agent's !resolve taken up by a replica whose
// thread lease then ran out, with no other replica taking the thread,
// must still be done (by this replica on its next take, or any other):
// the fence leaves a command it did not do queued. When the drain's own
// renewer notices the loss first, the core fails on the cancelled
// context (not ErrFenced), the "did not work" notice fails on the same
// context, and ChatDone marks the event handled regardless of the lease:
// the resolve is dropped for good and nobody is told. The only clock is
// the 50ms heartbeat that drives the renewer; synchronisation is on
// channels (the core's ctx.Done, the handled hook).
func TestLeaseLostSeenByRenewerKeepsTheCommand(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			contents, err := shippedContents()
			if err != nil {
				t.Fatalf("contents: %v", err)
			}
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			a := newFixture(t, fixtureOpt{socket: true, db: db, opts: []Option{WithHeartbeat(50 * time.Millisecond)}})
			cust := &customer{got: make(chan bot.Message, 100)}
			core := bot.New(a.store, contents, bot.WithDesk(a.desk))
			core.Register("telegram", cust)
			reached := make(chan string, 1)
			a.desk.SetCore(renewerFirstCore{Core: core, reached: reached, once: &sync.Once{}})
			a.start(t, true)

			sess, card, thread, ev := a.resolveThenLoseLease(t, reached)
			// Marked handled: by the stalled drain, or by whichever take
			// did the resolve after it.
			a.waitHandled(t, ev)

			cust.mu.Lock()
			var texts []string
			surveys := 0
			for _, m := range cust.msgs {
				texts = append(texts, m.Text)
				if len(m.Buttons) > 0 {
					surveys++
				}
			}
			cust.mu.Unlock()
			if surveys != 1 {
				queued := a.db.Client.ZCard(t.Context(), a.db.Keys.Slack().ThreadQueue(thread)).Val()
				s, _, _ := a.store.Get(t.Context(), sess.ID)
				t.Errorf("the !resolve was marked handled but not done: the customer got %d messages (%d rating prompts) %q; "+
					"still queued: %d; mode %s; agents' thread: %q",
					len(texts), surveys, strings.Join(texts, " | "), queued, s.Mode, a.threadTexts(card.TS))
			}
		})
	}
}

// The same lease running out with no
// replica taking the thread, but the core's lease check (CheckFence)
// sees it before the renewer does: ErrFenced, the event stays queued,
// and the next sweep (this replica's own) takes it up and resolves.
func TestFencedCommandWithNoHolderIsTakenBySweep(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			contents, err := shippedContents()
			if err != nil {
				t.Fatalf("contents: %v", err)
			}
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			a := newFixture(t, fixtureOpt{socket: true, db: db, opts: []Option{WithHeartbeat(time.Minute)}})
			cust := &customer{got: make(chan bot.Message, 100)}
			core := bot.New(a.store, contents, bot.WithDesk(a.desk))
			core.Register("telegram", cust)
			reached, release := make(chan string, 1), make(chan struct{})
			var once, rel sync.Once
			t.Cleanup(func() { rel.Do(func() { close(release) }) })
			a.desk.SetCore(stallCore{Core: core, stall: func(m string) {
				once.Do(func() { reached <- m; <-release })
			}})
			fenced := make(chan inbound, 1)
			a.desk.threadFenced = func(in inbound) { fenced <- in }
			a.start(t, true)

			_, _, _, ev := a.resolveThenLoseLease(t, reached)
			rel.Do(func() { close(release) })
			select {
			case <-fenced:
			case <-time.After(slacktest.DefaultTimeout):
				t.Fatal("the stalled drain did not leave the event")
			}
			a.desk.sweep(t.Context())
			a.waitHandled(t, ev)
			cust.mu.Lock()
			n := len(cust.msgs)
			cust.mu.Unlock()
			if n != 2 {
				t.Errorf("customer got %d messages, want the closing and the survey", n)
			}
		})
	}
}

// resolveThenLoseLease hands a customer off, has an agent type !resolve
// in the card's thread, waits until the core has the command (reached),
// then lets the thread's lease run out (DEL, as its TTL would) with no
// other replica taking the thread: a replica stalled past its lease.
func (f *fixture) resolveThenLoseLease(t *testing.T, reached <-chan string) (*session.Session, slacktest.Message, string, slacktest.Event) {
	t.Helper()
	sess := f.handedOff(t, "44", "Jane")
	card := f.open(t, sess)
	thread := testChannel + ":" + card.TS
	ev := f.reply(t, card.TS, "ULIA", "!resolve")
	select {
	case <-reached:
	case <-time.After(slacktest.DefaultTimeout):
		t.Fatal("the desk did not take the !resolve up")
	}
	if err := f.db.Client.Del(t.Context(), f.db.Keys.Slack().ThreadLease(thread)).Err(); err != nil {
		t.Fatal(err)
	}
	return sess, card, thread, ev
}
