package session_test

import (
	"errors"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// CheckFence is the lease check of work that sends before it saves (an
// agent's command): held by the fence's token, it renews the lease for
// the fence's TTL; taken by another holder, or gone, it is ErrFenced and
// the fence says so. No fence (nil), nothing to check.
func TestCheckFence(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testCtx(t)
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			st := session.New(db)
			lease := db.Keys.Slack().ThreadLease("C1:1700000000.000100")
			if err := st.CheckFence(ctx, nil); err != nil {
				t.Fatalf("no fence: %v", err)
			}
			// No TTL: the check gives it the fence's, so the PTTL proves
			// the renewal without timing.
			if err := db.Client.Set(ctx, lease, "replicaA", 0).Err(); err != nil {
				t.Fatal(err)
			}
			f := &session.Fence{Conv: "telegram:7", Key: lease, Token: "replicaA", TTL: time.Minute}
			if err := st.CheckFence(ctx, f); err != nil || !f.Checked() || f.Lost() || f.HeldAt().IsZero() {
				t.Fatalf("held: %v, checked %v lost %v", err, f.Checked(), f.Lost())
			}
			if ttl := db.Client.PTTL(ctx, lease).Val(); ttl <= 0 || ttl > f.TTL {
				t.Errorf("the check did not renew the lease to the fence's TTL %v: PTTL %v", f.TTL, ttl)
			}
			// Another replica took the thread over.
			if err := db.Client.Set(ctx, lease, "replicaB", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			stale := &session.Fence{Conv: "telegram:7", Key: lease, Token: "replicaA", TTL: time.Minute}
			if err := st.CheckFence(ctx, stale); !errors.Is(err, session.ErrFenced) || !stale.LeaseLost() {
				t.Errorf("taken over: %v, lease lost %v; want ErrFenced", err, stale.LeaseLost())
			}
			if v := db.Client.Get(ctx, lease).Val(); v != "replicaB" {
				t.Errorf("the stale check changed the lease: %q", v)
			}
			// The lease ran out and nobody took it: lost as well (the next
			// sweep hands the work to whoever takes the lease).
			if err := db.Client.Del(ctx, lease).Err(); err != nil {
				t.Fatal(err)
			}
			gone := &session.Fence{Conv: "telegram:7", Key: lease, Token: "replicaB", TTL: time.Minute}
			if err := st.CheckFence(ctx, gone); !errors.Is(err, session.ErrFenced) || !gone.LeaseLost() {
				t.Errorf("expired: %v, lease lost %v; want ErrFenced", err, gone.LeaseLost())
			}
			if n := db.Client.Exists(ctx, lease).Val(); n != 0 {
				t.Errorf("the check brought an expired lease back")
			}
		})
	}
}
