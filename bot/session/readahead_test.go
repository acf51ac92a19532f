package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

// readAhead reads conversation id ahead, in a pipeline of its own (an
// adapter sends it with its accept).
func readAhead(t *testing.T, ctx context.Context, st *session.Store, db store.DB, id string) *session.Read {
	t.Helper()
	pipe := db.Client.Pipeline()
	r := st.ReadAhead(ctx, pipe, id)
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		t.Fatalf("read ahead: %v", err)
	}
	return r
}

// countingTurn is addTurn(text) that counts its runs.
func countingTurn(text string, runs *int) func(*session.Session) ([]session.TimerAt, error) {
	return func(s *session.Session) ([]session.TimerAt, error) {
		*runs++
		return nil, addTurn(text)(s)
	}
}

// lockTaken counts the SessionAcquire scripts a client runs.
type lockTaken struct{ n int }

func (l *lockTaken) DialHook(next redis.DialHook) redis.DialHook { return next }
func (l *lockTaken) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if a := cmd.Args(); len(a) > 1 && (a[1] == store.SessionAcquire.Hash() || a[0] == "eval" && a[1] == sessionAcquireBody) {
			l.n++
		}
		return next(ctx, cmd)
	}
}
func (l *lockTaken) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

var sessionAcquireBody = func() string {
	// The script's body as EVAL sends it (NOSCRIPT fallback).
	return store.SessionAcquire.Eval(context.Background(), noClient{}, nil).Args()[1].(string)
}()

// noClient records nothing; it only lets a Script build its EVAL command.
type noClient struct{ redis.Scripter }

func (noClient) Eval(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	return redis.NewCmd(ctx, "eval", script)
}

// Read ahead, a conversation nobody else touches is updated without its
// lock: fn runs once and the save is the update's only round trip.
func TestReadAheadUpdatesWithoutTheLock(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testCtx(t)
			rdb := sessiontest.Dial(t, url)
			db := sessiontest.DBOn(t, rdb)
			st := session.New(db)
			locks := &lockTaken{}
			rdb.AddHook(locks)
			for i, text := range []string{"first", "second"} { // a new conversation, then a stored one
				var runs int
				r := readAhead(t, ctx, st, db, "c")
				s, err := st.UpdateTimersRead(ctx, "c", r, countingTurn(text, &runs))
				if err != nil {
					t.Fatal(err)
				}
				if runs != 1 || len(s.Turns) != i+1 {
					t.Errorf("%s: fn ran %d times, %d turns; want once, %d", text, runs, len(s.Turns), i+1)
				}
			}
			if locks.n != 0 {
				t.Errorf("the lock was taken %d times", locks.n)
			}
			if _, err := st.Update(ctx, "c", addTurn("locked")); err != nil || locks.n == 0 {
				t.Errorf("an update without a read ahead: lock taken %d times (%v), want it taken (the count works)", locks.n, err)
			}
			got, _, err := st.Get(ctx, "c")
			if err != nil || len(got.Turns) != 3 || got.Turns[0].Text != "first" || got.Turns[1].Text != "second" {
				t.Fatalf("stored turns = %+v (%v), want first, second, locked", got, err)
			}
			if n := rdb.Exists(ctx, db.Keys.Lock("c")).Val(); n != 0 {
				t.Error("a lock was left behind")
			}
		})
	}
}

// Anything written between the read ahead and the save (another update,
// a timer, an agent, the outbox alone) sends the update to the lock: fn
// runs again on what is stored then, and nothing is lost.
func TestReadAheadChangedSinceRunsAgainUnderTheLock(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testCtx(t)
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			st := session.New(db)
			if _, err := st.Update(ctx, "c", addTurn("one")); err != nil {
				t.Fatal(err)
			}

			// The state rewritten since the read.
			r := readAhead(t, ctx, st, db, "c")
			if _, err := st.Update(ctx, "c", addTurn("other")); err != nil {
				t.Fatal(err)
			}
			var runs int
			s, err := st.UpdateTimersRead(ctx, "c", r, countingTurn("mine", &runs))
			if err != nil {
				t.Fatal(err)
			}
			if runs != 2 {
				t.Errorf("fn ran %d times, want twice (the second under the lock)", runs)
			}
			want := []string{"one", "other", "mine"}
			checkTurns(t, ctx, st, s, want)

			// Only the outbox changed since (the state's bytes the same).
			r = readAhead(t, ctx, st, db, "c")
			if _, err := st.Update(ctx, "c", func(s *session.Session) error {
				s.Outbox = &session.Outbox{Key: "u:7", Replies: []session.Reply{{Text: "hello"}}}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			runs = 0
			s, err = st.UpdateTimersRead(ctx, "c", r, func(s *session.Session) ([]session.TimerAt, error) {
				runs++
				if runs == 2 && (s.Outbox == nil || s.Outbox.Key != "u:7") {
					t.Errorf("second run's outbox = %+v, want the one written since the read", s.Outbox)
				}
				return nil, addTurn("after outbox")(s)
			})
			if err != nil {
				t.Fatal(err)
			}
			if runs != 2 {
				t.Errorf("outbox changed: fn ran %d times, want twice", runs)
			}
			want = append(want, "after outbox")
			checkTurns(t, ctx, st, s, want)

			// The state alone rewritten since, its outbox left as it was
			// (what a replica of a release before the outbox does).
			if _, err := st.Update(ctx, "c", func(s *session.Session) error {
				s.Outbox = &session.Outbox{Key: "u:8", Replies: []session.Reply{{Text: "hi"}}}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			r = readAhead(t, ctx, st, db, "c")
			ob := db.Client.Get(ctx, db.Keys.Outbox("c")).Val()
			if _, err := st.Update(ctx, "c", addTurn("older release")); err != nil {
				t.Fatal(err)
			}
			if err := db.Client.Set(ctx, db.Keys.Outbox("c"), ob, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			runs = 0
			s, err = st.UpdateTimersRead(ctx, "c", r, countingTurn("after older", &runs))
			if err != nil {
				t.Fatal(err)
			}
			if runs != 2 {
				t.Errorf("state alone changed: fn ran %d times, want twice", runs)
			}
			want = append(want, "older release", "after older")
			checkTurns(t, ctx, st, s, want)

			// Read when there was no conversation; created since.
			r = readAhead(t, ctx, st, db, "d")
			if _, err := st.Update(ctx, "d", addTurn("created")); err != nil {
				t.Fatal(err)
			}
			runs = 0
			s, err = st.UpdateTimersRead(ctx, "d", r, countingTurn("mine", &runs))
			if err != nil {
				t.Fatal(err)
			}
			if runs != 2 {
				t.Errorf("created since: fn ran %d times, want twice", runs)
			}
			checkTurns(t, ctx, st, s, []string{"created", "mine"})

			// Deleted since.
			r = readAhead(t, ctx, st, db, "d")
			if err := st.Delete(ctx, "d"); err != nil {
				t.Fatal(err)
			}
			runs = 0
			s, err = st.UpdateTimersRead(ctx, "d", r, countingTurn("fresh", &runs))
			if err != nil {
				t.Fatal(err)
			}
			if runs != 2 {
				t.Errorf("deleted since: fn ran %d times, want twice", runs)
			}
			checkTurns(t, ctx, st, s, []string{"fresh"})
		})
	}
}

// A lock held at the save (another update in flight, or a replica of an
// earlier release that reads and writes under it) is a conflict even when
// the state is unchanged: the update waits for the lock and runs again.
// The rival's lock expires by its TTL (the server's clock), as a dead
// holder's does.
func TestReadAheadWaitsForALockHeldAtTheSave(t *testing.T) {
	ctx := testCtx(t)
	db := sessiontest.DBOn(t, sessiontest.Dial(t, sessiontest.RealtimeURL(t)))
	st := session.New(db)
	if _, err := st.Update(ctx, "c", addTurn("one")); err != nil {
		t.Fatal(err)
	}
	r := readAhead(t, ctx, st, db, "c")
	var runs int
	s, err := st.UpdateTimersRead(ctx, "c", r, func(s *session.Session) ([]session.TimerAt, error) {
		runs++
		if runs == 1 {
			// A rival takes the lock while this turn runs, and dies.
			if err := db.Client.Set(ctx, db.Keys.Lock("c"), "rival", 200*time.Millisecond).Err(); err != nil {
				return nil, err
			}
		}
		return nil, addTurn("mine")(s)
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Errorf("fn ran %d times, want twice", runs)
	}
	checkTurns(t, ctx, st, s, []string{"one", "mine"})
}

// A read of another conversation, or none, is ignored: the update takes
// the lock as UpdateTimers does.
func TestReadAheadOfAnotherConversationIsIgnored(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t)
	if _, err := st.Update(ctx, "c", addTurn("one")); err != nil {
		t.Fatal(err)
	}
	r := readAhead(t, ctx, st, db, "other")
	var runs int
	s, err := st.UpdateTimersRead(ctx, "c", r, countingTurn("two", &runs))
	if err != nil {
		t.Fatal(err)
	}
	if runs != 1 {
		t.Errorf("fn ran %d times, want once", runs)
	}
	checkTurns(t, ctx, st, s, []string{"one", "two"})
	// Not run: no result.
	unsent := st.ReadAhead(ctx, db.Client.Pipeline(), "c")
	s, err = st.UpdateTimersRead(ctx, "c", unsent, countingTurn("three", &runs))
	if err != nil {
		t.Fatal(err)
	}
	checkTurns(t, ctx, st, s, []string{"one", "two", "three"})
}

// checkTurns checks what an update returned and what is stored.
func checkTurns(t *testing.T, ctx context.Context, st *session.Store, s *session.Session, want []string) {
	t.Helper()
	got, ok, err := st.Get(ctx, s.ID)
	if err != nil || !ok {
		t.Fatalf("get: %v %v", ok, err)
	}
	for _, ss := range []*session.Session{s, got} {
		var texts []string
		for _, tr := range ss.Turns {
			texts = append(texts, tr.Text)
		}
		if len(texts) != len(want) {
			t.Errorf("turns = %q, want %q", texts, want)
			continue
		}
		for i := range want {
			if texts[i] != want[i] {
				t.Errorf("turns = %q, want %q", texts, want)
				break
			}
		}
	}
}

// SwapOutbox replaces the outbox an update saved by another of the same
// work in one round trip, keeping its expiry and the state it belongs
// to; once later work replaced it, it does nothing.
func TestSwapOutbox(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testCtx(t)
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			st := session.New(db)
			at := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
			owing := &session.Outbox{Key: "u:1", Card: true, Replies: []session.Reply{{Text: "a person is coming",
				Buttons: []session.Button{{Label: "x", Kind: "k", Value: "v"}}}}, At: at, Owed: []string{"started", "opened"}}
			s, err := st.Update(ctx, "c", func(s *session.Session) error {
				s.Outbox = owing
				return addTurn("hi")(s)
			})
			if err != nil {
				t.Fatal(err)
			}
			paid := *s.Outbox
			paid.Owed = nil
			if ok, err := st.SwapOutbox(ctx, "c", s.Outbox, &paid); err != nil || !ok {
				t.Fatalf("swap = %v, %v; want done", ok, err)
			}
			got, _, err := st.Get(ctx, "c")
			if err != nil || got.Outbox == nil || got.Outbox.Key != "u:1" || len(got.Outbox.Owed) != 0 ||
				len(got.Outbox.Replies) != 1 || !got.Outbox.Card || !got.Outbox.At.Equal(at) || len(got.Turns) != 1 {
				t.Fatalf("after the swap: %+v (outbox %+v), %v", got, got.Outbox, err)
			}
			if ttl := db.Client.PTTL(ctx, db.Keys.Outbox("c")).Val(); ttl <= 0 {
				t.Errorf("the swapped outbox has TTL %v, want the state's", ttl)
			}
			// The swap is of what is stored: the owing outbox is gone.
			if ok, _ := st.SwapOutbox(ctx, "c", owing, &paid); ok {
				t.Error("swapped an outbox that is no longer stored")
			}

			// The state saved again with the same outbox: still that
			// work's, so it is swapped, and stays the new state's.
			s2, err := st.Update(ctx, "c", addTurn("more"))
			if err != nil {
				t.Fatal(err)
			}
			sent := *s2.Outbox
			sent.Replies = nil
			if ok, err := st.SwapOutbox(ctx, "c", s2.Outbox, &sent); err != nil || !ok {
				t.Fatalf("swap after a save that kept the outbox = %v, %v; want done", ok, err)
			}
			if got, _, _ := st.Get(ctx, "c"); got.Outbox == nil || len(got.Outbox.Replies) != 0 || got.Outbox.Key != "u:1" {
				t.Fatalf("outbox = %+v, want u:1 with nothing left to send", got.Outbox)
			}

			// Later work replaced it: nothing happens.
			if _, err := st.Update(ctx, "c", func(s *session.Session) error {
				s.Outbox = &session.Outbox{Key: "u:2", Replies: []session.Reply{{Text: "next"}}}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if ok, err := st.SwapOutbox(ctx, "c", &sent, &session.Outbox{Key: "u:1"}); err != nil || ok {
				t.Fatalf("swap of replaced work = %v, %v; want nothing done", ok, err)
			}
			if got, _, _ := st.Get(ctx, "c"); got.Outbox == nil || got.Outbox.Key != "u:2" {
				t.Fatalf("outbox = %+v, want u:2 untouched", got.Outbox)
			}
			// None stored.
			if ok, err := st.SwapOutbox(ctx, "none", &sent, &paid); err != nil || ok {
				t.Fatalf("swap without an outbox = %v, %v", ok, err)
			}
		})
	}
}

// A swap while a locked Update is in flight is refused: the Update writes
// back the outbox it read, so a swap under it would be undone and the
// replies and owed events stored as outstanding again (sent or handed on
// twice if the update is met again). The caller falls back to Update,
// which waits for the lock.
func TestSwapOutboxRefusedUnderALockedUpdate(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testCtx(t)
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			st := session.New(db)
			owing := &session.Outbox{Key: "u:1", Replies: []session.Reply{{Text: "a person is coming"}}, Owed: []string{"started"}}
			s, err := st.Update(ctx, "c", func(s *session.Session) error {
				s.Outbox = owing
				return addTurn("hi")(s)
			})
			if err != nil {
				t.Fatal(err)
			}
			entered, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				_, err := st.Update(ctx, "c", func(s *session.Session) error {
					close(entered)
					<-release
					return addTurn("agent")(s)
				})
				done <- err
			}()
			select {
			case <-entered:
			case <-ctx.Done():
				t.Fatal("the locked update never ran")
			}
			paid := *s.Outbox
			paid.Owed = nil
			ok, err := st.SwapOutbox(ctx, "c", s.Outbox, &paid)
			close(release)
			if err != nil || ok {
				t.Fatalf("swap under a locked update = %v, %v; want refused", ok, err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			// Refused, the caller's Update path does it after the lock.
			if ok, err := st.SwapOutbox(ctx, "c", s.Outbox, &paid); err != nil || !ok {
				t.Fatalf("swap after the update = %v, %v; want done", ok, err)
			}
			if got, _, err := st.Get(ctx, "c"); err != nil || got.Outbox == nil || len(got.Outbox.Owed) != 0 || len(got.Turns) != 2 {
				t.Fatalf("after: %+v (outbox %+v), %v", got, got.Outbox, err)
			}
		})
	}
}
