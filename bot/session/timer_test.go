package session_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

var t0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func TestDueOrderLimitAndRemoval(t *testing.T) {
	ctx := testCtx(t)
	st := sessiontest.Store(t)
	for i, id := range []string{"c", "a", "b", "later"} {
		at := t0.Add(time.Duration(i) * time.Second)
		if id == "later" {
			at = t0.Add(time.Hour)
		}
		if err := st.Schedule(ctx, "idle", id, at); err != nil {
			t.Fatal(err)
		}
	}
	now := t0.Add(time.Minute)
	got, err := st.Due(ctx, "idle", now, 2)
	if err != nil || !reflect.DeepEqual(got, []string{"c", "a"}) {
		t.Fatalf("Due(limit 2) = %v, %v; want [c a] (earliest first)", got, err)
	}
	got, _ = st.Due(ctx, "idle", now, 10)
	if !reflect.DeepEqual(got, []string{"b"}) {
		t.Fatalf("second Due = %v, want [b]", got)
	}
	if got, _ = st.Due(ctx, "idle", now, 10); len(got) != 0 {
		t.Fatalf("third Due = %v, want none (claimed ids are leased)", got)
	}
	for _, id := range []string{"c", "a", "b"} {
		if err := st.Done(ctx, "idle", id, now); err != nil {
			t.Fatal(err)
		}
	}
	// Timers of another name are separate.
	if got, _ = st.Due(ctx, "survey", t0.Add(2*time.Hour), 10); len(got) != 0 {
		t.Errorf("Due of another timer = %v", got)
	}
	if got, _ = st.Due(ctx, "idle", t0.Add(time.Hour), 10); !reflect.DeepEqual(got, []string{"later"}) {
		t.Errorf("Due at exactly its time = %v, want [later]", got)
	}
	if _, err := st.Due(ctx, "idle", now, 0); err == nil {
		t.Error("Due with limit 0 succeeded")
	}
	if err := st.Schedule(ctx, "", "x", now); err == nil {
		t.Error("Schedule without a timer name succeeded")
	}
}

func TestScheduleMovesTimer(t *testing.T) {
	ctx := testCtx(t)
	st := sessiontest.Store(t)
	if err := st.Schedule(ctx, "idle", "c", t0); err != nil {
		t.Fatal(err)
	}
	if err := st.Schedule(ctx, "idle", "c", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Due(ctx, "idle", t0.Add(time.Minute), 10); len(got) != 0 {
		t.Fatalf("moved timer fired at its old time: %v", got)
	}
	if err := st.Schedule(ctx, "idle", "c", t0.Add(-time.Hour)); err != nil { // and back earlier
		t.Fatal(err)
	}
	got, _ := st.Due(ctx, "idle", t0, 10)
	if !reflect.DeepEqual(got, []string{"c"}) {
		t.Fatalf("Due = %v, want [c] once", got)
	}
	if err := st.Done(ctx, "idle", "c", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Due(ctx, "idle", t0.Add(2*time.Hour), 10); len(got) != 0 {
		t.Errorf("timer fired twice: %v", got)
	}
}

func TestCancel(t *testing.T) {
	ctx := testCtx(t)
	st := sessiontest.Store(t)
	for _, id := range []string{"a", "b"} {
		if err := st.Schedule(ctx, "idle", id, t0); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Cancel(ctx, "idle", "a"); err != nil {
		t.Fatal(err)
	}
	if err := st.Cancel(ctx, "idle", "never-set"); err != nil {
		t.Errorf("Cancel of an unset timer = %v", err)
	}
	if got, _ := st.Due(ctx, "idle", t0.Add(time.Hour), 10); !reflect.DeepEqual(got, []string{"b"}) {
		t.Errorf("Due = %v, want [b]", got)
	}
}

// Two replicas, several claimers each: every due id goes to exactly one.
func TestDueConcurrentClaimersExactlyOnce(t *testing.T) {
	ctx := testCtx(t)
	url := sessiontest.URL(t)
	db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
	a := session.New(db)
	b := session.New(store.DB{Client: sessiontest.Dial(t, url), Keys: db.Keys})

	const due, future = 300, 20
	for i := range due {
		if err := a.Schedule(ctx, "idle", fmt.Sprint("d", i), t0.Add(-time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range future {
		if err := b.Schedule(ctx, "idle", fmt.Sprint("f", i), t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}

	var (
		mu     sync.Mutex
		counts = map[string]int{}
		wg     sync.WaitGroup
	)
	for w := range 10 {
		st := a
		if w%2 == 1 {
			st = b
		}
		wg.Go(func() {
			for {
				ids, err := st.Due(ctx, "idle", t0, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ids) == 0 {
					return
				}
				mu.Lock()
				for _, id := range ids {
					counts[id]++
				}
				mu.Unlock()
				for _, id := range ids {
					if err := st.Done(ctx, "idle", id, t0); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if len(counts) != due {
		t.Errorf("claimed %d distinct ids, want %d", len(counts), due)
	}
	for i := range due {
		if c := counts[fmt.Sprint("d", i)]; c != 1 {
			t.Errorf("d%d claimed %d times", i, c)
		}
	}
	for id := range counts {
		if id[0] == 'f' {
			t.Errorf("future timer %s fired early", id)
		}
	}
	if got, _ := a.Due(ctx, "idle", t0.Add(time.Minute), 100); len(got) != future {
		t.Errorf("future timers left = %d, want %d", len(got), future)
	}
}

// A replica that claimed a timer and died before handling it (no Done)
// does not lose it: it falls due again when the lease ends.
func TestClaimedTimerFallsDueAgainAfterTheLease(t *testing.T) {
	ctx := testCtx(t)
	st := sessiontest.Store(t)
	if err := st.Schedule(ctx, "idle", "c", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Due(ctx, "idle", t0, 10); !reflect.DeepEqual(got, []string{"c"}) {
		t.Fatalf("Due = %v, want [c]", got)
	}
	// The claimer dies here.
	if got, _ := st.Due(ctx, "idle", t0.Add(session.TimerLease-time.Millisecond), 10); len(got) != 0 {
		t.Fatalf("claimed timer handed out again within its lease: %v", got)
	}
	again := t0.Add(session.TimerLease)
	if got, _ := st.Due(ctx, "idle", again, 10); !reflect.DeepEqual(got, []string{"c"}) {
		t.Fatalf("after the lease Due = %v, want [c] again", got)
	}
	if err := st.Done(ctx, "idle", "c", t0); err != nil { // the dead claim's Done, late: a no-op
		t.Fatal(err)
	}
	if err := st.Done(ctx, "idle", "c", again); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Due(ctx, "idle", again.Add(10*session.TimerLease), 10); len(got) != 0 {
		t.Errorf("timer left after Done: %v", got)
	}
}

// Done keeps a timer that was set again while it was being handled (the
// customer wrote, or the handler scheduled the next step).
func TestDoneKeepsATimerSetAgain(t *testing.T) {
	ctx := testCtx(t)
	st := sessiontest.Store(t)
	if err := st.Schedule(ctx, "idle", "c", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Due(ctx, "idle", t0, 10); len(got) != 1 {
		t.Fatalf("Due = %v", got)
	}
	next := t0.Add(30 * time.Minute)
	if err := st.Schedule(ctx, "idle", "c", next); err != nil {
		t.Fatal(err)
	}
	if err := st.Done(ctx, "idle", "c", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Due(ctx, "idle", next.Add(-time.Millisecond), 10); len(got) != 0 {
		t.Fatalf("timer fired before its new time: %v", got)
	}
	if got, _ := st.Due(ctx, "idle", next, 10); !reflect.DeepEqual(got, []string{"c"}) {
		t.Errorf("timer set again was lost by Done: %v", got)
	}
	if err := st.Done(ctx, "", "c", t0); err == nil {
		t.Error("Done without a timer name succeeded")
	}

	// Set again to exactly the claim's lease end: still not the claim.
	if err := st.Schedule(ctx, "idle", "d", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Due(ctx, "idle", t0, 10); !reflect.DeepEqual(got, []string{"d"}) {
		t.Fatalf("Due = %v, want [d]", got)
	}
	if err := st.Schedule(ctx, "idle", "d", t0.Add(session.TimerLease)); err != nil {
		t.Fatal(err)
	}
	if err := st.Done(ctx, "idle", "d", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Due(ctx, "idle", t0.Add(session.TimerLease), 10); !reflect.DeepEqual(got, []string{"d"}) {
		t.Errorf("a timer set again to the lease's end was taken for the claim and removed: %v", got)
	}
}

// Claim numbers each claim of a timer that was not handled: 1, 2, 3 after
// each lease; Done resets the count, and Cancel and Drop remove it with the
// timer, so no count outlives its timer in Redis.
func TestClaimCountsAttempts(t *testing.T) {
	ctx := testCtx(t)
	db := sessiontest.DB(t)
	st := session.New(db)
	for _, id := range []string{"a", "b", "c"} {
		if err := st.Schedule(ctx, "idle", id, t0); err != nil {
			t.Fatal(err)
		}
	}
	now := t0
	for attempt := 1; attempt <= 3; attempt++ {
		got, err := st.Claim(ctx, "idle", now, 10)
		want := []session.Claimed{{ID: "a", Attempt: attempt}, {ID: "b", Attempt: attempt}, {ID: "c", Attempt: attempt}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("claim %d = %v, %v; want %v", attempt, got, err, want)
		}
		now = now.Add(session.TimerLease)
	}
	last := now.Add(-session.TimerLease)
	// a: handled, then set again: it starts over at 1.
	if err := st.Done(ctx, "idle", "a", last); err != nil {
		t.Fatal(err)
	}
	if err := st.Schedule(ctx, "idle", "a", now); err != nil {
		t.Fatal(err)
	}
	// b: cancelled; c: dropped.
	if err := st.Cancel(ctx, "idle", "b"); err != nil {
		t.Fatal(err)
	}
	if err := st.Drop(ctx, "idle", "c"); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Claim(ctx, "idle", now, 10); err != nil || !reflect.DeepEqual(got, []session.Claimed{{ID: "a", Attempt: 1}}) {
		t.Fatalf("claim after Done, Cancel and Drop = %v, %v; want [{a 1}]", got, err)
	}
	if err := st.Done(ctx, "idle", "a", now); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{db.Keys.Timer("idle"), db.Keys.TimerAttempts("idle")} {
		if n, err := db.Client.Exists(ctx, key).Result(); err != nil || n != 0 {
			t.Errorf("%s still exists (%d, %v) with every timer handled or removed", key, n, err)
		}
	}
	if err := st.Drop(ctx, "", "c"); err == nil {
		t.Error("Drop without a timer name succeeded")
	}
}

// TestArmingResetsAttempts: arming a timer again (a new customer message's
// save, or Schedule) starts its attempt count over, so the failed claims of
// the timer it replaces do not count against the new one. The reviewer's
// case: a check-in fails 4 times, the customer writes again, and the next
// check-in must get its full 5 tries, not be dropped on its first failure.
// Run on a Redis of its own first, so the first save meets NOSCRIPT for the
// arming script too (as on a fresh server or after SCRIPT FLUSH).
func TestArmingResetsAttempts(t *testing.T) {
	ctx := testCtx(t)
	own := sessiontest.StartServer(t)
	backends := map[string]string{"fresh": own.URL()}
	for name, url := range sessiontest.Backends(t) {
		backends[name] = url
	}
	for name, url := range backends {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			st := session.New(db)
			failClaims := func(id string, at time.Time, n int) {
				t.Helper()
				now := at
				for attempt := 1; attempt <= n; attempt++ {
					got, err := st.Claim(ctx, "idle", now, 10)
					if want := []session.Claimed{{ID: id, Attempt: attempt}}; err != nil || !reflect.DeepEqual(got, want) {
						t.Fatalf("claim at %v = %v, %v; want %v", now, got, err, want)
					}
					now = now.Add(session.TimerLease) // not Done: the handler failed
				}
			}
			// Armed by a save (UpdateTimers: the message path).
			arm := func(at time.Time) {
				t.Helper()
				if _, err := st.UpdateTimers(ctx, "m", func(s *session.Session) ([]session.TimerAt, error) {
					return []session.TimerAt{{Name: "idle", At: at}}, addTurn("again")(s)
				}); err != nil {
					t.Fatal(err)
				}
			}
			arm(t0)
			failClaims("m", t0, 4)
			next := t0.Add(time.Hour)
			arm(next)
			failClaims("m", next, 1)
			// Armed by Schedule (a handler setting its timer again).
			later := next.Add(time.Hour)
			if err := st.Schedule(ctx, "idle", "m", later); err != nil {
				t.Fatal(err)
			}
			failClaims("m", later, 1)
			if err := st.Drop(ctx, "idle", "m"); err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{db.Keys.Timer("idle"), db.Keys.TimerAttempts("idle")} {
				if n, err := db.Client.Exists(ctx, key).Result(); err != nil || n != 0 {
					t.Errorf("%s still exists (%d, %v) after the drop", key, n, err)
				}
			}
		})
	}
}

// Stores of different timer scopes on one Redis (two `baton chat` runs)
// each claim only the timers they set; Cancel and Done stay in the scope,
// and an unscoped Store (serve's replicas) sees none of them.
func TestTimerScopesKeepTimersApart(t *testing.T) {
	ctx := testCtx(t)
	db := sessiontest.DB(t)
	a := session.New(db, session.WithTimerScope("run-a"))
	b := session.New(db, session.WithTimerScope("run-b"))
	shared := session.New(db)
	for _, c := range []struct {
		st *session.Store
		id string
	}{{a, "console:run-a"}, {b, "console:run-b"}, {shared, "telegram:42"}} {
		if err := c.st.Schedule(ctx, "idle", c.id, t0); err != nil {
			t.Fatal(err)
		}
	}
	now := t0.Add(time.Minute)
	for _, c := range []struct {
		name string
		st   *session.Store
		want []string
	}{{"run-a", a, []string{"console:run-a"}}, {"run-b", b, []string{"console:run-b"}}, {"unscoped", shared, []string{"telegram:42"}}} {
		got, err := c.st.Due(ctx, "idle", now, 10)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Due = %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	if err := a.Done(ctx, "idle", "console:run-a", now); err != nil {
		t.Fatal(err)
	}
	// b's timer stays b's: set again, cancelled by a (nothing there), still due for b.
	if err := b.Schedule(ctx, "idle", "console:run-b", t0); err != nil {
		t.Fatal(err)
	}
	if err := a.Cancel(ctx, "idle", "console:run-b"); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Due(ctx, "idle", now.Add(time.Hour), 10); len(got) != 0 {
		t.Errorf("run-a after its Done: Due = %v, want none", got)
	}
	if got, _ := b.Due(ctx, "idle", now, 10); !reflect.DeepEqual(got, []string{"console:run-b"}) {
		t.Errorf("run-b after run-a's Cancel: Due = %v, want [console:run-b]", got)
	}
}
