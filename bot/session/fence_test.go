package session_test

import (
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

// A save fenced by a lease: held, it saves and renews the lease; lost, it
// reports ErrFenced; a later lease version's save fences an older one off
// (the stalled holder's turn never lands over the new holder's); saves of
// other conversations are not fenced. On each backend the tests run on
// (the Cluster too: the lease is in another slot than the conversation).
func TestFencedSave(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testCtx(t)
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			st := session.New(db)
			const conv = "telegram:9"
			lease := db.Keys.Telegram("1").ChatLease(9)
			// No TTL: the save's check gives it one (the fence's), so the
			// PTTL below proves the renewal without timing.
			if err := db.Client.Set(ctx, lease, "r1#5", 0).Err(); err != nil {
				t.Fatal(err)
			}
			old := &session.Fence{Conv: conv, Key: lease, Token: "r1#5", Version: 5, TTL: time.Minute}
			if _, err := st.Update(session.WithFence(ctx, old), conv, addTurn("one")); err != nil {
				t.Fatalf("held: %v", err)
			}
			if !old.Checked() || old.Lost() {
				t.Fatalf("held: checked %v lost %v", old.Checked(), old.Lost())
			}
			if ttl := db.Client.PTTL(ctx, lease).Val(); ttl <= 0 || ttl > old.TTL {
				t.Errorf("the check did not renew the lease to the fence's TTL %v: PTTL %v", old.TTL, ttl)
			}

			// Replica 2 takes the chat over (a later version) and saves.
			if err := db.Client.Set(ctx, lease, "r2#6", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			newer := &session.Fence{Conv: conv, Key: lease, Token: "r2#6", Version: 6, TTL: time.Minute}
			if _, err := st.Update(session.WithFence(ctx, newer), conv, addTurn("two")); err != nil {
				t.Fatalf("newer holder: %v", err)
			}
			// Replica 1, stalled, saves its next turn: fenced off.
			stale := &session.Fence{Conv: conv, Key: lease, Token: "r1#5", Version: 5, TTL: time.Minute}
			if _, err := st.Update(session.WithFence(ctx, stale), conv, addTurn("stale")); !errors.Is(err, session.ErrFenced) {
				t.Fatalf("stale holder: err %v, want ErrFenced", err)
			}
			if !stale.Lost() || stale.Newer() != 6 {
				t.Errorf("the stale holder's fence: lost %v, newer %d; want lost, refused by 6", stale.Lost(), stale.Newer())
			}
			// Even with the lease gone (no holder to renew for): the
			// version alone keeps the stale turn out.
			if err := db.Client.Del(ctx, lease).Err(); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Update(session.WithFence(ctx, stale), conv, addTurn("stale")); !errors.Is(err, session.ErrFenced) {
				t.Fatalf("stale holder, lease gone: err %v, want ErrFenced", err)
			}
			s, _, err := st.Get(ctx, conv)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tu := range s.Turns {
				got = append(got, tu.Text)
			}
			if len(got) != 2 || got[0] != "one" || got[1] != "two" {
				t.Errorf("turns %q, want [one two]", got)
			}
			// The lock was let go: an unfenced update goes through at once.
			if _, err := st.Update(ctx, conv, addTurn("agent")); err != nil {
				t.Fatalf("unfenced: %v", err)
			}
			// Another conversation's save on the fenced context is not fenced.
			if _, err := st.Update(session.WithFence(ctx, stale), "telegram:10", addTurn("x")); err != nil {
				t.Fatalf("another conversation: %v", err)
			}
			// Deleting the session deletes its fence (the key names the chat).
			if err := st.Delete(ctx, conv); err != nil {
				t.Fatal(err)
			}
			if n := db.Client.Exists(ctx, db.Keys.Fence(conv)).Val(); n != 0 {
				t.Error("the fence outlived the deleted session")
			}
		})
	}
}

// A fenced save whose lease lapsed with nobody saving since goes ahead
// (the turn stands, for the lease's next holder to replay) and still
// reports ErrFenced: Update then returns the saved session with it, so
// the caller can tell a turn that stands from one refused (nil).
func TestFencedSaveThatStandsReturnsTheSession(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testCtx(t)
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			st := session.New(db)
			const conv = "telegram:11"
			lease := db.Keys.Telegram("1").ChatLease(11)
			lapsed := &session.Fence{Conv: conv, Key: lease, Token: "r1#5", Version: 5, TTL: time.Minute}
			s, err := st.Update(session.WithFence(ctx, lapsed), conv, addTurn("one"))
			if !errors.Is(err, session.ErrFenced) || s == nil || len(s.Turns) != 1 {
				t.Fatalf("lapsed lease: session %v, err %v; want the saved session and ErrFenced", s, err)
			}
			if !lapsed.LeaseLost() || lapsed.Newer() != 0 {
				t.Errorf("fence: lease lost %v, newer %d; want lost, not refused", lapsed.LeaseLost(), lapsed.Newer())
			}
			// A later version saves; the lapsed holder's next save is
			// refused: no session.
			if err := db.Client.Set(ctx, lease, "r2#6", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			newer := &session.Fence{Conv: conv, Key: lease, Token: "r2#6", Version: 6, TTL: time.Minute}
			if _, err := st.Update(session.WithFence(ctx, newer), conv, addTurn("two")); err != nil {
				t.Fatal(err)
			}
			stale := &session.Fence{Conv: conv, Key: lease, Token: "r1#5", Version: 5, TTL: time.Minute}
			if s, err := st.Update(session.WithFence(ctx, stale), conv, addTurn("stale")); !errors.Is(err, session.ErrFenced) || s != nil {
				t.Errorf("refused: session %v, err %v; want none and ErrFenced", s, err)
			}
		})
	}
}

// A save under a fence arms none of its timers in its own round trip (the
// timers' slots cannot see the fence): it holds them, and the fence's
// owner arms them with ArmTimers once the work stands. A save fenced off
// holds none: a replica that lost the chat arms nothing for it.
func TestFencedSaveHoldsItsTimers(t *testing.T) {
	backends := sessiontest.Backends(t)
	// A server that has never run TimerArm (a fresh Redis, a restarted
	// one): the arm's EVALSHA in the owner's pipeline meets NOSCRIPT and
	// ArmTimers' done sends the body, as in production (runAhead). The
	// shared test Redis has the script cached, so this backend is what
	// makes the fallback run on every run.
	const fresh = "fresh server (no script loaded)"
	backends[fresh] = "redis://" + sessiontest.Miniredis(t).Addr()
	for name, url := range backends {
		t.Run(name, func(t *testing.T) {
			ctx := testCtx(t)
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			st := session.New(db)
			const conv = "telegram:12"
			lease := db.Keys.Telegram("1").ChatLease(12)
			at := time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC)
			idle := func(text string) func(*session.Session) ([]session.TimerAt, error) {
				return func(s *session.Session) ([]session.TimerAt, error) {
					return []session.TimerAt{{Name: "idle", At: at}}, addTurn(text)(s)
				}
			}
			armed := func() bool {
				t.Helper()
				_, err := db.Client.ZScore(ctx, db.Keys.Timer("idle"), conv).Result()
				if err != nil && !errors.Is(err, redis.Nil) {
					t.Fatal(err)
				}
				return err == nil
			}
			if err := db.Client.Set(ctx, lease, "r1#5", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			held := &session.Fence{Conv: conv, Key: lease, Token: "r1#5", Version: 5, TTL: time.Minute}
			if _, err := st.UpdateTimers(session.WithFence(ctx, held), conv, idle("one")); err != nil {
				t.Fatal(err)
			}
			if armed() || !held.HoldsTimers() {
				t.Fatalf("armed %v, held %v: want the timer held, not armed", armed(), held.HoldsTimers())
			}
			if name == fresh {
				loaded, err := db.Client.ScriptExists(ctx, store.TimerArm.Hash()).Result()
				if err != nil {
					t.Fatal(err)
				}
				if loaded[0] {
					t.Fatal("TimerArm is loaded already: the NOSCRIPT path would not run")
				}
			}
			pipe := db.Client.Pipeline()
			done := held.ArmTimers(ctx, pipe)
			owner := pipe.Ping(ctx) // the owner's own command
			// As production does: Exec's error is the first failed
			// command's (NOSCRIPT from the arm on a server that has not
			// loaded TimerArm); each command's own result decides.
			_, _ = pipe.Exec(ctx)
			if err := owner.Err(); err != nil {
				t.Fatalf("the owner's command in the pipeline: %v", err)
			}
			if err := done(ctx); err != nil {
				t.Fatal(err)
			}
			if !armed() || held.HoldsTimers() {
				t.Fatalf("after ArmTimers: armed %v, still held %v", armed(), held.HoldsTimers())
			}

			// Another replica takes the chat over and saves; the timer is
			// then cancelled (the customer blocked the bot, say). The
			// stalled holder's next save is fenced off: nothing held.
			if err := st.Cancel(ctx, "idle", conv); err != nil {
				t.Fatal(err)
			}
			if err := db.Client.Set(ctx, lease, "r2#6", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Update(session.WithFence(ctx, &session.Fence{Conv: conv, Key: lease, Token: "r2#6", Version: 6, TTL: time.Minute}), conv, addTurn("two")); err != nil {
				t.Fatal(err)
			}
			stale := &session.Fence{Conv: conv, Key: lease, Token: "r1#5", Version: 5, TTL: time.Minute}
			if _, err := st.UpdateTimers(session.WithFence(ctx, stale), conv, idle("stale")); !errors.Is(err, session.ErrFenced) {
				t.Fatalf("stale: %v, want ErrFenced", err)
			}
			if armed() || stale.HoldsTimers() {
				t.Errorf("the fenced-off save: armed %v, held %v; want neither", armed(), stale.HoldsTimers())
			}
			// Unfenced saves arm in their own round trip, as before.
			if _, err := st.UpdateTimers(ctx, conv, idle("agent")); err != nil {
				t.Fatal(err)
			}
			if !armed() {
				t.Error("an unfenced save did not arm its timer")
			}
		})
	}
}
