package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/store"
)

// ErrFenced means the work an update belongs to was fenced off: it ran
// under a lease (a Telegram chat's) that its holder lost meanwhile (it
// stalled past the lease, and the lease ran out or another replica took
// the chat over). Nothing the work produced may reach the customer: the
// lease's holder now does the work again. The session may have been saved
// all the same (see Fence): a turn nobody else has saved over yet, which
// the new holder finds as its outbox and replays: then Update returns the
// saved session with ErrFenced, so the caller can tell the turn stands.
var ErrFenced = errors.New("session: the lease this work ran under was lost; its result must not be sent")

// Fence is the lease a piece of work runs under (a Telegram chat's, held
// by one replica at a time): its saves of the conversation Conv are
// checked against it in their own round trip. The lease's key and token
// are checked (and the lease renewed) by a Renew in the save's pipeline,
// and its Version by the save script against the conversation's fence
// (the highest version that saved it), so a turn of a holder that lost
// the lease never saves over a later holder's. Set it on the work's
// context with WithFence; it records what the checks found.
type Fence struct {
	Conv    string           // the conversation the work is on; saves of others are not fenced
	Key     string           // the lease's key (another slot than the conversation's: checked beside the save, not in it)
	Token   string           // the holder's token
	Version int64            // the lease's version, higher for every later take
	TTL     time.Duration    // the lease's TTL, renewed by a check that finds it held
	Now     func() time.Time // the clock a check is stamped with (HeldAt); time.Now when nil

	heldAt    atomic.Pointer[time.Time]
	checked   atomic.Bool
	leaseLost atomic.Bool
	newer     atomic.Int64

	mu     sync.Mutex
	timers []heldTimer // named by saves under the fence, not armed yet (ArmTimers)
}

// heldTimer is a timer a save under a fence named, held back until the
// work is known not to be fenced off (ArmTimers).
type heldTimer struct {
	st *Store
	id string
	t  TimerAt
}

// Checked reports whether a save checked the lease (and renewed it).
func (f *Fence) Checked() bool { return f != nil && f.checked.Load() }

// Lost reports whether a check found the lease lost, or a save was
// refused by a later version (Newer): the work's result must be dropped.
func (f *Fence) Lost() bool { return f != nil && (f.leaseLost.Load() || f.newer.Load() > 0) }

// LeaseLost reports whether a check found the lease no longer held by
// Token (expired, or taken by another replica).
func (f *Fence) LeaseLost() bool { return f != nil && f.leaseLost.Load() }

// Newer is the conversation's fence that refused a save: a version above
// Version has saved the conversation (0 when no save was refused). Either
// a later holder of the lease saved, or the versions handed out fell
// behind the fence (the counter lost or reset): the next take of the
// lease must be above it.
func (f *Fence) Newer() int64 {
	if f == nil {
		return 0
	}
	return f.newer.Load()
}

// HeldAt is when a check last found the lease held (and renewed it for
// a whole TTL, so it cannot have expired before HeldAt+TTL); the zero
// time when none did.
func (f *Fence) HeldAt() time.Time {
	if f == nil {
		return time.Time{}
	}
	if t := f.heldAt.Load(); t != nil {
		return *t
	}
	return time.Time{}
}

// Observe records a check of the lease its owner made outside a save
// (renewing it by Token): held or not.
func (f *Fence) Observe(held bool) { f.held(held) }

// held records a check of the lease: held or not.
func (f *Fence) held(ok bool) {
	if ok {
		now := time.Now
		if f.Now != nil {
			now = f.Now
		}
		t := now()
		f.heldAt.Store(&t)
	} else {
		f.leaseLost.Store(true)
	}
	f.checked.Store(true)
}

// refused records a save refused by the conversation's fence v.
func (f *Fence) refused(v int64) {
	f.checked.Store(true)
	f.newer.Store(max(v, f.Version+1))
}

type fenceKey struct{}

// WithFence makes the saves of f.Conv on ctx (Update and its variants)
// fenced by f. Saves of other conversations are not.
func WithFence(ctx context.Context, f *Fence) context.Context {
	return context.WithValue(ctx, fenceKey{}, f)
}

// fenceFor is the fence of the work on ctx when it guards conversation
// id, else nil.
func fenceFor(ctx context.Context, id string) *Fence {
	f, _ := ctx.Value(fenceKey{}).(*Fence)
	if f == nil || f.Conv != id || f.Key == "" || f.Token == "" {
		return nil
	}
	return f
}

// hold keeps the timers a save of conversation id under f named, saved
// and not fenced off, for ArmTimers.
func (f *Fence) hold(st *Store, id string, timers []TimerAt) {
	if len(timers) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range timers {
		f.timers = append(f.timers, heldTimer{st: st, id: id, t: t})
	}
}

// HoldsTimers reports whether saves under f named timers not armed yet.
func (f *Fence) HoldsTimers() bool {
	if f == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.timers) > 0
}

// ForgetTimers drops the timers saves under f held for ArmTimers: the
// work's owner learnt they must not be armed (the customer blocked the
// bot while its replies went out). Safe on a nil f.
func (f *Fence) ForgetTimers() {
	if f == nil {
		return
	}
	f.mu.Lock()
	f.timers = nil
	f.mu.Unlock()
}

// ArmTimers queues on pipe the arms of the timers the saves under f
// named (the idle check-in, say), and forgets them; call done once pipe
// has run: it arms any that met NOSCRIPT and reports the first that
// failed. A fenced save does not arm its timers in its own round trip:
// the timers live in other slots than the conversation, so the arm could
// not depend on the save's fence, and a turn fenced off would arm them
// for a chat another replica now holds. The fence's owner sends them
// with its next round trip once the work stands (the Telegram adapter's
// mark-answered, after the replies): no round trip of their own. Work
// that never gets there (fenced off, handed over, cut short) arms none:
// whoever answers the update next replays its saved turn, and the replay
// arms them. Safe on a nil f (nothing queued).
func (f *Fence) ArmTimers(ctx context.Context, pipe redis.Pipeliner) (done func(context.Context) error) {
	if f == nil {
		return func(context.Context) error { return nil }
	}
	f.mu.Lock()
	timers := f.timers
	f.timers = nil
	f.mu.Unlock()
	cmds := make([]*redis.Cmd, len(timers))
	for i, h := range timers {
		cmds[i] = h.st.queueArm(ctx, pipe, h.id, h.t)
	}
	return func(ctx context.Context) error {
		for i, c := range cmds {
			h := timers[i]
			if err := h.st.armed(ctx, c, h.id, h.t); err != nil {
				return fmt.Errorf("session %s: %s timer not armed: %w", logmask.Conv(h.id), h.t.Name, err)
			}
		}
		return nil
	}
}

// FenceOf is the fence the work on ctx runs under when it guards
// conversation id (WithFence), else nil.
func FenceOf(ctx context.Context, id string) *Fence { return fenceFor(ctx, id) }

// CheckFence checks, in one round trip, that f's lease is still held by
// its Token, and renews it for a whole TTL when it is: work that sends
// before it saves (an agent's command: the closing and the survey go out
// under the conversation's lock, then the session is saved) checks here
// first, under that lock, since a check in the save would come after the
// sends. It returns ErrFenced when the lease is lost (f records it), and
// Redis's error when the check could not be made (proving nothing: the
// work is not done, and its owner tries again). Safe on a nil f (nil).
func (s *Store) CheckFence(ctx context.Context, f *Fence) error {
	if f == nil || f.Key == "" || f.Token == "" {
		return nil
	}
	held, err := store.Renew.Run(ctx, s.db.Client, []string{f.Key}, f.Token, f.TTL.Milliseconds()).Int64()
	if err != nil {
		return fmt.Errorf("session %s: checking the lease: %w", logmask.Conv(f.Conv), err)
	}
	f.held(held == 1)
	if held != 1 {
		return fmt.Errorf("session %s: %w", logmask.Conv(f.Conv), ErrFenced)
	}
	return nil
}
