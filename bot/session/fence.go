package session

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
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
