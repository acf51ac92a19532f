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

// stallCore is the real core with a stall before it acts on an agent's
// command: the replica stopped (a GC pause, a frozen VM) after taking
// the event up and before the core was called.
type stallCore struct {
	Core
	stall func(method string)
}

func (c stallCore) Claim(ctx context.Context, conv string, a bot.Agent) error {
	c.stall("Claim")
	return c.Core.Claim(ctx, conv, a)
}

func (c stallCore) Resolve(ctx context.Context, conv string, a bot.Agent) error {
	c.stall("Resolve")
	return c.Core.Resolve(ctx, conv, a)
}

// replicaPair is two desks on one Redis and one fake Slack, each with the
// real core: A (Socket Mode, so agents' events arrive there) stalls once
// in its core, before its first agent command; B takes the thread over.
type replicaPair struct {
	a, b     *fixture
	cust     *customer
	reached  chan string       // A's core was called (the method) and stalls
	release  func()            // ends A's stall
	fencedOf chan inbound      // A dropped an event: it lost the thread's lease first
	notices  func(string) int  // the agents' "did not work" notices in a thread
	conv     string            // the customer's conversation
	sess     *session.Session  // its handoff
	card     slacktest.Message // its card
	thread   string            // the card's thread (channel:ts)
}

func newReplicaPair(t *testing.T, url string) *replicaPair {
	t.Helper()
	contents, err := shippedContents()
	if err != nil {
		t.Fatalf("contents: %v", err)
	}
	db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
	slow := []Option{WithHeartbeat(time.Minute)} // no renewals nor sweeps of their own
	p := &replicaPair{
		cust:     &customer{got: make(chan bot.Message, 100)},
		reached:  make(chan string, 1),
		fencedOf: make(chan inbound, 10),
	}
	p.a = newFixture(t, fixtureOpt{socket: true, db: db, opts: slow})
	p.b = newFixture(t, fixtureOpt{db: db, store: p.a.store, srv: p.a.srv, opts: slow})
	release := make(chan struct{})
	var once, stallOnce sync.Once
	p.release = func() { once.Do(func() { close(release) }) }
	t.Cleanup(p.release) // before the desks stop: A's stalled drain must end
	coreA := bot.New(p.a.store, contents, bot.WithDesk(p.a.desk))
	coreA.Register("telegram", p.cust)
	coreB := bot.New(p.b.store, contents, bot.WithDesk(p.b.desk))
	coreB.Register("telegram", p.cust)
	p.a.desk.SetCore(stallCore{Core: coreA, stall: func(method string) {
		stallOnce.Do(func() {
			p.reached <- method
			<-release
		})
	}})
	p.b.desk.SetCore(coreB)
	p.a.desk.threadFenced = func(in inbound) { p.fencedOf <- in }
	p.a.start(t, true)
	p.b.start(t, false)

	p.sess = p.a.handedOff(t, "44", "Jane")
	p.conv = p.sess.ID
	p.card = p.a.open(t, p.sess)
	p.thread = testChannel + ":" + p.card.TS
	p.notices = func(ts string) int {
		n := 0
		for _, s := range p.a.threadTexts(ts) {
			if strings.Contains(s, "did not work") || strings.Contains(s, "⚠️") {
				n++
			}
		}
		return n
	}
	return p
}

// stalled waits for A to take the agent's event up and stall in its core.
func (p *replicaPair) stalled(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-p.reached:
		if got != want {
			t.Fatalf("replica A stalled in %s, want %s", got, want)
		}
	case <-time.After(slacktest.DefaultTimeout):
		t.Fatalf("replica A did not take the %s up", want)
	}
}

// takeOver has the thread's lease run out during A's stall (deleted, as
// its TTL would) and B's next sweep take the thread over.
func (p *replicaPair) takeOver(t *testing.T) {
	t.Helper()
	if err := p.a.db.Client.Del(t.Context(), p.a.db.Keys.Slack().ThreadLease(p.thread)).Err(); err != nil {
		t.Fatal(err)
	}
	p.b.desk.sweep(t.Context())
}

// resume ends A's stall and waits until A has dropped the event because
// it lost the thread's lease before acting.
func (p *replicaPair) resume(t *testing.T) {
	t.Helper()
	p.release()
	select {
	case <-p.fencedOf:
	case <-p.a.handled:
		// Done and marked (before the fence): what it did shows below.
		t.Error("replica A handled the event after losing the thread's lease")
	case <-time.After(slacktest.DefaultTimeout):
		t.Fatal("replica A did not leave the event to the thread's holder")
	}
}

// received is what the customer got so far, and how many of it were
// rating prompts (the 1-5 keyboard).
func (p *replicaPair) received() (texts []string, surveys int) {
	p.cust.mu.Lock()
	defer p.cust.mu.Unlock()
	for _, m := range p.cust.msgs {
		texts = append(texts, m.Text)
		if len(m.Buttons) > 0 {
			surveys++
		}
	}
	return texts, surveys
}

// Issue 11, agents' commands: a replica that took an agent's !resolve up
// and stalled past the thread's lease, while another replica took the
// thread over and resolved the handoff, must not resolve again when it
// wakes, though the customer has a new handoff open by then (its card
// check was before the stall): one closing, one rating prompt, no
// "did not work" notice. Then the same for a press of the card's Resolve
// button. Real core, real Redis and the Cluster; the stall is a hook
// that waits on a channel, the lease's expiry a DEL, the sweep called by
// the test: no sleeps.
func TestStalledReplicaDoesNotResolveAgain(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		for _, how := range []string{"command", "button"} {
			t.Run(name+"/"+how, func(t *testing.T) {
				p := newReplicaPair(t, url)
				var ev slacktest.Event
				if how == "command" {
					ev = p.a.reply(t, p.card.TS, "ULIA", "!resolve")
				} else {
					p.a.srv.SendAction(t, p.a.srv.Action("ULIA", "lia", p.a.card(t, p.card.TS), ActionResolve))
				}
				p.stalled(t, "Resolve")
				p.takeOver(t)
				if how == "command" {
					p.b.waitHandled(t, ev)
				} else {
					waitAction(t, p.b)
				}
				if _, surveys := p.received(); surveys != 1 {
					t.Fatalf("replica B did not resolve: %d rating prompts", surveys)
				}
				// Meanwhile the customer asked for a person again: a new
				// handoff, what a stale resolve would close now.
				p.a.handedOff(t, "44", "Jane")
				p.resume(t)

				texts, surveys := p.received()
				if surveys != 1 || len(texts) != 2 {
					t.Errorf("the customer got %d messages, %d rating prompts; want the closing and one prompt:\n%s", len(texts), surveys, strings.Join(texts, "\n"))
				}
				s, _, err := p.a.store.Get(t.Context(), p.conv)
				if err != nil || s.Handoff == nil || s.Mode != session.ModeWaiting || s.Handoff.Outcome != "" {
					t.Errorf("the new handoff: mode %s, outcome %q (%v); want it waiting, untouched", s.Mode, s.Handoff.Outcome, err)
				}
				if n := p.notices(p.card.TS); n != 0 {
					t.Errorf("%d warnings in the thread: %q", n, p.a.threadTexts(p.card.TS))
				}
			})
		}
	}
}

// Issue 11, agents' commands: Lia's !claim, taken up by a replica that
// stalled past the thread's lease, was done by the replica that took the
// thread over ("Lia ... is here now"); then Min-jun claimed the handoff.
// The stalled replica, waking, must not claim it back for Lia: no second
// "Lia ... is here now", and Min-jun keeps it.
func TestStalledReplicaDoesNotClaimAgain(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			p := newReplicaPair(t, url)
			ev := p.a.reply(t, p.card.TS, "ULIA", "!claim")
			p.stalled(t, "Claim")
			p.takeOver(t)
			p.b.waitHandled(t, ev)
			// Min-jun's claim comes to A's connection; A's worker for the
			// thread is the stalled one, so B's sweep takes it.
			ev2 := p.a.reply(t, p.card.TS, "UMIN", "!claim")
			p.b.desk.sweep(t.Context())
			p.b.waitHandled(t, ev2)
			p.resume(t)

			texts, _ := p.received()
			if joined := strings.Join(texts, "\n"); strings.Count(joined, "Lia") != 1 || strings.Count(joined, "Min-jun") != 1 || len(texts) != 2 {
				t.Errorf("the customer got:\n%s\nwant Lia's and then Min-jun's arrival, once each", joined)
			}
			s, _, err := p.a.store.Get(t.Context(), p.conv)
			if err != nil || s.Handoff == nil || s.Handoff.AgentID != "UMIN" {
				t.Errorf("the handoff is %+v (%v); want Min-jun's", s.Handoff, err)
			}
			if n := p.notices(p.card.TS); n != 0 {
				t.Errorf("%d warnings in the thread: %q", n, p.a.threadTexts(p.card.TS))
			}
		})
	}
}

// waitAction waits until f's desk has handled a button press.
func waitAction(t *testing.T, f *fixture) {
	t.Helper()
	select {
	case id := <-f.handled:
		if id != "action" {
			t.Fatalf("handled %s, want the press", id)
		}
	case <-time.After(slacktest.DefaultTimeout):
		t.Fatal("timed out waiting for the press to be handled")
	}
}
