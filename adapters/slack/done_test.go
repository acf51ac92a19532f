package slack

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/store"
)

// blip fails the next command match says yes to, once armed, before it
// reaches Redis: a Redis blip at that moment.
type blip struct {
	match func(args []any) bool

	mu     sync.Mutex
	armed  bool
	failed int
}

var errBlip = errors.New("redis blip (test)")

func (b *blip) arm() { b.mu.Lock(); b.armed = true; b.mu.Unlock() }

func (b *blip) fired() int { b.mu.Lock(); defer b.mu.Unlock(); return b.failed }

func (b *blip) DialHook(next redis.DialHook) redis.DialHook { return next }
func (b *blip) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if b.match(cmd.Args()) {
			b.mu.Lock()
			fail := b.armed
			if fail {
				b.armed = false
				b.failed++
			}
			b.mu.Unlock()
			if fail {
				cmd.SetErr(errBlip)
				return errBlip
			}
		}
		return next(ctx, cmd)
	}
}
func (b *blip) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// An agent's reply relayed to the customer whose mark as handled fails
// (Redis blips at that moment) is not relayed a second time when its
// thread is taken up again: it was (the replica's next take of the thread
// found it still queued), and the customer got the reply twice. The
// replica remembers what it relayed and only marks it.
func TestReplyWhoseHandledMarkFailsIsNotRelayedTwice(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, opts: []Option{WithHeartbeat(time.Second)}})
	b := &blip{match: func(a []any) bool { return len(a) > 1 && a[0] == "evalsha" && a[1] == store.ChatDone.Hash() }}
	f.db.Client.AddHook(b)
	f.start(t, true)
	s := f.handedOff(t, "82", "Jane")
	card := f.open(t, s)

	b.arm()
	ev := f.reply(t, card.TS, "ULIA", "Lia here, on it")
	f.waitHandled(t, ev) // marked handled in Redis, after the blip
	if n := b.fired(); n != 1 {
		t.Fatalf("the blip fired %d times, want 1", n)
	}
	if c := f.core.next(t); c.Method != "AgentMessage" || c.Text != "Lia here, on it" {
		t.Fatalf("core call = %+v, want the reply", c)
	}
	f.core.none(t)

	// The thread goes on as usual.
	f.waitHandled(t, f.reply(t, card.TS, "ULIA", "second"))
	if c := f.core.next(t); c.Text != "second" {
		t.Fatalf("core call = %+v, want the second reply", c)
	}
	f.core.none(t)
}

// An agent's reply or button press whose thread lookup fails (Redis blips
// at that moment) waits in its thread's queue and is handled once Redis
// answers, in its place: it was dropped with a notice asking the agent to
// send it again (a press: to press again), so a reply written after it
// reached the customer first, or nothing at all when the notice was missed.
func TestEventWhoseThreadLookupBlipsIsHandledLater(t *testing.T) {
	for _, c := range []struct {
		name   string
		act    func(f *fixture, ts string)
		method string
	}{
		{"reply", func(f *fixture, ts string) { f.reply(t, ts, "ULIA", "Lia here, on it") }, "AgentMessage"},
		{"press", func(f *fixture, ts string) {
			f.srv.WaitAck(t, f.srv.SendAction(t, f.srv.Action("ULIA", "lia", f.card(t, ts), ActionClaim)))
		}, "Claim"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpt{socket: true})
			var threadKey atomic.Value // the card's thread key, once posted
			threadKey.Store("")
			b := &blip{match: func(a []any) bool { return len(a) == 2 && a[0] == "get" && a[1] == threadKey.Load() }}
			f.db.Client.AddHook(b)
			f.start(t, true)
			s := f.handedOff(t, "83", "Jane")
			card := f.open(t, s)
			threadKey.Store(f.desk.keys.Thread(testChannel, card.TS))

			b.arm()
			c.act(f, card.TS)
			if got := f.core.next(t); got.Method != c.method || got.Conv != s.ID {
				t.Fatalf("core call = %+v, want %s on %s", got, c.method, s.ID)
			}
			if n := b.fired(); n != 1 {
				t.Fatalf("the blip fired %d times, want 1", n)
			}
			// A reply after it reaches the customer after it.
			f.waitHandled(t, f.reply(t, card.TS, "ULIA", "next"))
			if got := f.core.next(t); got.Text != "next" {
				t.Fatalf("core call = %+v, want the next reply", got)
			}
			f.core.none(t)
			for _, e := range f.srv.Ephemerals() {
				t.Errorf("agent told %q", e.Text)
			}
			for _, text := range f.threadTexts(card.TS) {
				if strings.Contains(text, "could not read its state") {
					t.Errorf("agent told %q", text)
				}
			}
		})
	}
}

// An event whose thread cannot be looked up for longer than any wait
// (the thread's key unreadable: WRONGTYPE, as a failing Redis answers) is
// given up, and its author is told it was Redis, not a card that failed to
// post. The wait is measured on the desk's clock.
func TestEventWhoseThreadLookupKeepsFailingIsNotSilent(t *testing.T) {
	clk := &clock{t: time.Now()}
	f := newFixture(t, fixtureOpt{socket: true, opts: []Option{WithClock(clk.Now)}})
	failed, seen := signal()
	f.desk.lookupFailed = failed
	f.start(t, true)
	s := f.handedOff(t, "84", "Jane")
	card := f.open(t, s)
	tk := f.desk.keys.Thread(testChannel, card.TS)
	if err := f.db.Client.Del(t.Context(), tk).Err(); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Client.HSet(t.Context(), tk, "not", "a string").Err(); err != nil {
		t.Fatal(err)
	}
	f.waitedTooLong(t, clk, seen, card, replyNotRead, pressNotRead)
}
