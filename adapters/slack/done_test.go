package slack

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/store"
)

// blip fails the next run of one script (by its SHA) once armed, before it
// reaches Redis: a Redis blip at that moment.
type blip struct {
	hash string

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
		if a := cmd.Args(); len(a) > 1 && a[0] == "evalsha" && a[1] == b.hash {
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
	b := &blip{hash: store.ChatDone.Hash()}
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
