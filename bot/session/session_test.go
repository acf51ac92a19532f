package session_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

// testTimeout bounds every test's Redis calls so a broken server fails the
// test instead of hanging it; it is not a timing assertion.
const testTimeout = 30 * time.Second

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// newStore returns a store on the test's Redis and its DB (for tests that
// look at the keys themselves).
func newStore(t *testing.T, opts ...session.Option) (*session.Store, store.DB) {
	db := sessiontest.DB(t)
	return session.New(db, opts...), db
}

func addTurn(text string) func(*session.Session) error {
	return func(s *session.Session) error {
		s.Turns = append(s.Turns, session.Turn{Role: "customer", Text: text})
		s.Messages++
		return nil
	}
}

func TestUpdateCreatesSession(t *testing.T) {
	ctx := testCtx(t)
	started := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	st := sessiontest.Store(t, session.WithClock(func() time.Time { return started }))

	if _, ok, err := st.Get(ctx, "telegram:1"); err != nil || ok {
		t.Fatalf("Get before any update = ok %v, err %v; want absent", ok, err)
	}
	calls := 0
	got, err := st.Update(ctx, "telegram:1", func(s *session.Session) error {
		calls++
		if s.ID != "telegram:1" || s.Mode != session.ModeBot || !s.Started.Equal(started) || len(s.Turns) != 0 {
			t.Errorf("new session = %+v; want ID telegram:1, mode bot, started %v, no turns", s, started)
		}
		s.Channel, s.ChatID, s.Lang = "telegram", "1", "ko"
		return addTurn("안녕하세요")(s)
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("fn ran %d times, want 1", calls)
	}
	if got.Messages != 1 || got.Lang != "ko" {
		t.Errorf("Update returned %+v", got)
	}
	stored, ok, err := st.Get(ctx, "telegram:1")
	if err != nil || !ok {
		t.Fatalf("Get after update = ok %v, err %v", ok, err)
	}
	if !reflect.DeepEqual(stored, got) {
		t.Errorf("stored %+v\nreturned %+v", stored, got)
	}
	if stored.Turns[0].Text != "안녕하세요" {
		t.Errorf("turn text = %q", stored.Turns[0].Text)
	}

	// A second update sees the stored session, not a new one.
	_, err = st.Update(ctx, "telegram:1", func(s *session.Session) error {
		if s.Messages != 1 || s.Lang != "ko" {
			t.Errorf("second update got %+v; want the stored session", s)
		}
		return addTurn("again")(s)
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, _, _ = st.Get(ctx, "telegram:1")
	if stored.Messages != 2 || len(stored.Turns) != 2 {
		t.Errorf("after two updates: messages %d, turns %d", stored.Messages, len(stored.Turns))
	}
}

func TestEmptyIDIsAnError(t *testing.T) {
	ctx := testCtx(t)
	st := sessiontest.Store(t)
	if _, _, err := st.Get(ctx, ""); err == nil {
		t.Error("Get(\"\") succeeded")
	}
	if _, err := st.Update(ctx, "", addTurn("x")); err == nil {
		t.Error("Update(\"\") succeeded")
	}
	if err := st.Delete(ctx, ""); err == nil {
		t.Error("Delete(\"\") succeeded")
	}
}

func TestTTLSetAndRefreshed(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t, session.WithTTL(time.Hour))
	rdb := db.Client
	if _, err := st.Update(ctx, "c", addTurn("a")); err != nil {
		t.Fatal(err)
	}
	ttl := rdb.PTTL(ctx, db.Keys.State("c")).Val()
	if ttl <= 0 || ttl > time.Hour {
		t.Fatalf("state TTL = %v, want in (0, 1h]", ttl)
	}
	if n := rdb.Exists(ctx, db.Keys.Lock("c")).Val(); n != 0 {
		t.Errorf("lock still held after update")
	}
	// Shorten it by hand, then check the next update puts it back up.
	if err := rdb.PExpire(ctx, db.Keys.State("c"), 10*time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Update(ctx, "c", addTurn("b")); err != nil {
		t.Fatal(err)
	}
	ttl = rdb.PTTL(ctx, db.Keys.State("c")).Val()
	if ttl <= 10*time.Second || ttl > time.Hour {
		t.Errorf("state TTL after update = %v, want refreshed to about 1h", ttl)
	}
}

func TestSessionExpires(t *testing.T) {
	ctx := testCtx(t)
	mr := sessiontest.Miniredis(t)
	st := sessiontest.StoreOn(t, sessiontest.Dial(t, "redis://"+mr.Addr()), session.WithTTL(time.Hour))
	if _, err := st.Update(ctx, "c", addTurn("a")); err != nil {
		t.Fatal(err)
	}
	mr.FastForward(59 * time.Minute)
	if _, ok, _ := st.Get(ctx, "c"); !ok {
		t.Fatal("session gone before its TTL")
	}
	if _, err := st.Update(ctx, "c", addTurn("b")); err != nil { // refreshes to 1h
		t.Fatal(err)
	}
	mr.FastForward(59 * time.Minute)
	if _, ok, _ := st.Get(ctx, "c"); !ok {
		t.Fatal("session gone although the update refreshed its TTL")
	}
	mr.FastForward(2 * time.Minute)
	if _, ok, err := st.Get(ctx, "c"); ok || err != nil {
		t.Fatalf("Get after TTL = ok %v err %v, want absent", ok, err)
	}
	// A new update starts over.
	s, err := st.Update(ctx, "c", addTurn("c"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Messages != 1 {
		t.Errorf("messages after expiry = %d, want a fresh session", s.Messages)
	}
}

func TestHistoryCapped(t *testing.T) {
	ctx := testCtx(t)
	st := sessiontest.Store(t, session.WithMaxTurns(5))
	if st.MaxTurns() != 5 {
		t.Fatalf("MaxTurns = %d", st.MaxTurns())
	}
	for i := range 3 {
		if _, err := st.Update(ctx, "c", addTurn(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	// One update adding more than the cap at once.
	got, err := st.Update(ctx, "c", func(s *session.Session) error {
		for i := 3; i < 12; i++ {
			s.Turns = append(s.Turns, session.Turn{Role: "bot", Text: fmt.Sprint(i)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, _, err := st.Get(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*session.Session{got, stored} {
		var texts []string
		for _, tr := range s.Turns {
			texts = append(texts, tr.Text)
		}
		if want := []string{"7", "8", "9", "10", "11"}; !reflect.DeepEqual(texts, want) {
			t.Errorf("turns = %v, want the last five %v", texts, want)
		}
	}
	if stored.Messages != 3 {
		t.Errorf("messages = %d, the cap must not touch counters", stored.Messages)
	}
}

// requireAllSet fails when a field of v (recursively through structs,
// pointers, slices' first element and maps) is zero, so the round-trip test
// notices a field someone adds without a JSON tag that works.
func requireAllSet(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	if v.IsZero() {
		t.Errorf("%s is zero: fill it in the round-trip test", path)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		requireAllSet(t, v.Elem(), path)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := range v.NumField() {
			requireAllSet(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Slice:
		requireAllSet(t, v.Index(0), path+"[0]")
	}
}

func TestRoundTripAllFields(t *testing.T) {
	ctx := testCtx(t)
	st := sessiontest.Store(t)
	at := func(m int) time.Time { return time.Date(2025, 3, 1, 10, m, 7, 123456789, time.UTC) }
	turn := func(i int) session.Turn {
		return session.Turn{Role: "bot", Text: fmt.Sprintf("답변 %d 回答 \"quoted\"\n", i), Entry: "shipping/returns",
			Score: 0.875, Kind: "answer", Agent: "Mina", Tips: []string{"orders/tracking"}, At: at(i)}
	}
	want := &session.Session{
		ID: "telegram:42", Channel: "telegram", ChatID: "42", Name: "김민수", Username: "minsu",
		Lang: "zh", Mode: session.ModeAgent,
		Turns:    []session.Turn{turn(1), turn(2)},
		Messages: 7, Misses: 2, Greeted: true, Nudged: true, AwaitingRating: true, Blocked: true, Topic: "how much is shipping to Germany",
		Handoff: &session.Handoff{
			Reason: "asked for a person", Evidence: []string{"let me talk to a human"},
			Scores: map[string]float64{"ask_human": 0.95, "anger": 0.1}, At: at(3),
			Agent: "Mina", AgentID: "U123", ClaimedAt: at(4),
			FirstReplyAt: at(5), ResolvedAt: at(6), Outcome: "resolved", Rating: 4, Comment: "quick and kind",
			Team: "payments", Reminders: 2,
			Transfers: []session.Transfer{{From: "returns", To: "payments", Agent: "Lia", By: "Lia", At: at(4)}},
		},
		Outbox: &session.Outbox{Key: "u:812", Card: true, Replies: []session.Reply{
			{Text: "A person is coming 🙂", Buttons: []session.Button{{Label: "Shipping", Kind: "topic", Value: "shipping/times"}}},
		}, At: at(7), Owed: []string{"started", "opened"}},
		Started: at(0), LastCustomerAt: at(6), LastBotAt: at(7),
	}
	requireAllSet(t, reflect.ValueOf(want), "Session")

	if _, err := st.Update(ctx, want.ID, func(s *session.Session) error {
		*s = *want
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := st.Get(ctx, want.ID)
	if err != nil || !ok {
		t.Fatalf("Get = ok %v err %v", ok, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the session:\n got %+v\nwant %+v", got, want)
	}
}

// Two "replicas" (two clients, two Stores, one Redis) and 50 goroutines each
// add one turn to the same conversation: none may be lost.
func TestConcurrentUpdatesTwoReplicas(t *testing.T) {
	ctx := testCtx(t)
	url := sessiontest.URL(t)
	db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
	a := session.New(db, session.WithMaxTurns(1000))
	b := session.New(store.DB{Client: sessiontest.Dial(t, url), Keys: db.Keys}, session.WithMaxTurns(1000))

	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		st := a
		if i%2 == 1 {
			st = b
		}
		wg.Go(func() {
			if _, err := st.Update(ctx, "slack:busy", addTurn(fmt.Sprint(i))); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s, ok, err := a.Get(ctx, "slack:busy")
	if err != nil || !ok {
		t.Fatalf("Get = ok %v err %v", ok, err)
	}
	if s.Messages != n || len(s.Turns) != n {
		t.Fatalf("messages %d, turns %d; want %d of each", s.Messages, len(s.Turns), n)
	}
	seen := map[string]bool{}
	for _, tr := range s.Turns {
		seen[tr.Text] = true
	}
	for i := range n {
		if !seen[fmt.Sprint(i)] {
			t.Errorf("turn %d lost", i)
		}
	}
}

var errBoom = errors.New("boom")

func TestFnErrorSavesNothingAndReleasesLock(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t)
	rdb := db.Client

	_, err := st.Update(ctx, "new", func(s *session.Session) error { s.Name = "x"; return errBoom })
	if !errors.Is(err, errBoom) {
		t.Fatalf("err = %v, want it to wrap errBoom", err)
	}
	if _, ok, _ := st.Get(ctx, "new"); ok {
		t.Error("a failed update created the session")
	}
	if rdb.Exists(ctx, db.Keys.Lock("new")).Val() != 0 {
		t.Error("lock held after fn error")
	}

	if _, err := st.Update(ctx, "old", func(s *session.Session) error { s.Name = "before"; return nil }); err != nil {
		t.Fatal(err)
	}
	_, err = st.Update(ctx, "old", func(s *session.Session) error { s.Name = "after"; return errBoom })
	if !errors.Is(err, errBoom) {
		t.Fatalf("err = %v", err)
	}
	s, _, _ := st.Get(ctx, "old")
	if s.Name != "before" {
		t.Errorf("name = %q after a failed update, want unchanged", s.Name)
	}
	if rdb.Exists(ctx, db.Keys.Lock("old")).Val() != 0 {
		t.Error("lock held after fn error")
	}
}

func TestPanicInFnReleasesLock(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic was swallowed")
			}
		}()
		_, _ = st.Update(ctx, "c", func(*session.Session) error { panic("bug") })
	}()
	if db.Client.Exists(ctx, db.Keys.Lock("c")).Val() != 0 {
		t.Fatal("lock held after a panic in fn")
	}
	if _, ok, _ := st.Get(ctx, "c"); ok {
		t.Error("a panicking update saved the session")
	}
	if _, err := st.Update(ctx, "c", addTurn("ok")); err != nil {
		t.Fatal(err)
	}
}

// An update whose lock expired while fn ran must not overwrite the newer
// state written by the update that took the lock after it.
func TestExpiredLockDoesNotClobberNewerWrite(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t)
	_, err := st.Update(ctx, "c", func(s *session.Session) error {
		// Stand-in for the lock TTL running out during a slow LLM call.
		if err := db.Client.Del(ctx, db.Keys.Lock("c")).Err(); err != nil {
			return err
		}
		if _, err := st.Update(ctx, "c", addTurn("newer")); err != nil {
			return fmt.Errorf("newer update: %w", err)
		}
		return addTurn("stale")(s)
	})
	if !errors.Is(err, session.ErrLockLost) {
		t.Fatalf("err = %v, want ErrLockLost", err)
	}
	s, _, _ := st.Get(ctx, "c")
	if len(s.Turns) != 1 || s.Turns[0].Text != "newer" {
		t.Errorf("turns = %+v, want only the newer write", s.Turns)
	}
}

func TestLockTTLExpiryLetsNextUpdateIn(t *testing.T) {
	ctx := testCtx(t)
	mr := sessiontest.Miniredis(t)
	db := sessiontest.DBOn(t, sessiontest.Dial(t, "redis://"+mr.Addr()))
	st := session.New(db, session.WithLockTTL(time.Minute))
	// A replica that died holding the lock.
	if err := db.Client.Set(ctx, db.Keys.Lock("c"), "dead-replica", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	// Waiting is bounded by the context.
	short, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := st.Update(short, "c", addTurn("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Update with a held lock and a done context = %v, want context.Canceled", err)
	}
	if v := db.Client.Get(ctx, db.Keys.Lock("c")).Val(); v != "dead-replica" {
		t.Fatalf("lock = %q; a waiter must not touch someone else's lock", v)
	}
	mr.FastForward(time.Minute)
	if _, err := st.Update(ctx, "c", addTurn("after")); err != nil {
		t.Fatal(err)
	}
	if s, _, _ := st.Get(ctx, "c"); len(s.Turns) != 1 {
		t.Errorf("turns = %+v", s.Turns)
	}
}

func TestUpdateWaitsForHeldLock(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t)
	rdb := db.Client
	if err := rdb.Set(ctx, db.Keys.Lock("c"), "other", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	entered := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := st.Update(ctx, "c", func(s *session.Session) error {
			close(entered)
			return addTurn("x")(s)
		})
		done <- err
	}()
	// The holder releases; the waiter must then get in.
	if err := rdb.Del(ctx, db.Keys.Lock("c")).Err(); err != nil {
		t.Fatal(err)
	}
	<-entered
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestCorruptStateIsNotOverwritten(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t)
	rdb := db.Client
	if err := rdb.Set(ctx, db.Keys.State("c"), "{not json", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Get(ctx, "c"); err == nil {
		t.Error("Get of corrupt state succeeded")
	}
	called := false
	if _, err := st.Update(ctx, "c", func(*session.Session) error { called = true; return nil }); err == nil {
		t.Error("Update of corrupt state succeeded")
	}
	if called {
		t.Error("fn ran on corrupt state")
	}
	if v := rdb.Get(ctx, db.Keys.State("c")).Val(); v != "{not json" {
		t.Errorf("corrupt state overwritten with %q", v)
	}
	if rdb.Exists(ctx, db.Keys.Lock("c")).Val() != 0 {
		t.Error("lock held after a failed update")
	}
}

func TestDelete(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t)
	for _, id := range []string{"a", "b"} {
		if _, err := st.Update(ctx, id, addTurn("x")); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.Get(ctx, "a"); ok {
		t.Error("deleted session still there")
	}
	if _, ok, _ := st.Get(ctx, "b"); !ok {
		t.Error("Delete removed another session")
	}
	if n, _ := st.Active(ctx, time.Hour); n != 1 {
		t.Errorf("Active after delete = %d, want 1", n)
	}
	if db.Client.Exists(ctx, db.Keys.Lock("a")).Val() != 0 {
		t.Error("lock held after delete")
	}
	if err := st.Delete(ctx, "never"); err != nil {
		t.Errorf("Delete of an absent session = %v", err)
	}
}

func TestActive(t *testing.T) {
	ctx := testCtx(t)
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	st, db := newStore(t, session.WithClock(func() time.Time { return now }))
	if n, err := st.Active(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("Active on empty store = %d, %v", n, err)
	}
	for _, id := range []string{"a", "b"} {
		if _, err := st.Update(ctx, id, addTurn("x")); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(2 * time.Hour)
	for _, id := range []string{"b", "c"} { // b again: counted once
		if _, err := st.Update(ctx, id, addTurn("y")); err != nil {
			t.Fatal(err)
		}
	}
	for within, want := range map[time.Duration]int64{time.Hour: 2, 3 * time.Hour: 3} {
		if n, err := st.Active(ctx, within); err != nil || n != want {
			t.Errorf("Active(%v) = %d, %v; want %d", within, n, err, want)
		}
	}
	// Entries older than the session TTL are dropped on the next update.
	now = now.Add(session.DefaultTTL)
	if _, err := st.Update(ctx, "d", addTurn("z")); err != nil {
		t.Fatal(err)
	}
	if n := db.Client.ZCard(ctx, db.Keys.Active()).Val(); n != 3 {
		t.Errorf("activity set holds %d ids, want 3 (a dropped as expired)", n)
	}
}

func TestFirstTime(t *testing.T) {
	ctx := testCtx(t)
	mr := sessiontest.Miniredis(t)
	for name, db := range map[string]store.DB{
		"redis":     sessiontest.DB(t),
		"miniredis": sessiontest.DBOn(t, sessiontest.Dial(t, "redis://"+mr.Addr())),
	} {
		t.Run(name, func(t *testing.T) {
			st := session.New(db)
			for i, want := range []bool{true, false, false} {
				if got, err := st.FirstTime(ctx, "tg:update:100", time.Hour); err != nil || got != want {
					t.Errorf("call %d: FirstTime = %v, %v; want %v", i, got, err, want)
				}
			}
			if got, _ := st.FirstTime(ctx, "tg:update:101", time.Hour); !got {
				t.Error("another key was not new")
			}
			ttl := db.Client.PTTL(ctx, db.Keys.Seen("tg:update:100")).Val()
			if ttl <= 0 || ttl > time.Hour {
				t.Errorf("marker TTL = %v, want in (0, 1h]", ttl)
			}
			if _, err := st.FirstTime(ctx, "k", 0); err == nil {
				t.Error("FirstTime with no TTL succeeded")
			}
			if name == "miniredis" {
				mr.FastForward(time.Hour)
				if got, _ := st.FirstTime(ctx, "tg:update:100", time.Hour); !got {
					t.Error("key not new again after its TTL")
				}
			}
		})
	}
}

func TestPing(t *testing.T) {
	ctx := testCtx(t)
	st := session.New(sessiontest.DB(t))
	if err := st.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

// notifyConn reports on closed when a dialled connection is closed. go-redis
// closes its probe connection right after it decides Redis is back, which
// lets the long-outage test wait for that event instead of sleeping.
type notifyConn struct {
	net.Conn
	once   sync.Once
	closed chan<- struct{}
}

func (c *notifyConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.closed <- struct{}{} })
	return err
}

// outageStore returns a store on a miniredis the test can stop and start,
// through a client with Connect's settings, and a channel that gets a value
// each time a connection the client dialled is closed.
func outageStore(t *testing.T) (*session.Store, *miniredis.Miniredis, <-chan struct{}) {
	mr := sessiontest.Miniredis(t)
	closed := make(chan struct{}, 10000)
	rdb := redis.NewClient(store.Defaults(&redis.Options{
		Addr:     mr.Addr(),
		PoolSize: 20, // the dial-failure count that opens go-redis's breaker
		Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &notifyConn{Conn: c, closed: closed}, nil
		},
	}))
	t.Cleanup(func() { _ = rdb.Close() })
	return sessiontest.StoreOn(t, rdb), mr, closed
}

// Redis goes away for a moment: calls fail with errors (no panic, no hang),
// and the next call after it is back works on the same store.
func TestRedisBlipThenRecovers(t *testing.T) {
	ctx := testCtx(t)
	st, mr, _ := outageStore(t)
	if _, err := st.Update(ctx, "c", addTurn("before")); err != nil {
		t.Fatal(err)
	}
	mr.Close()
	called := false
	if _, err := st.Update(ctx, "c", func(*session.Session) error { called = true; return nil }); err == nil {
		t.Error("Update with Redis down succeeded")
	}
	if called {
		t.Error("fn ran without the lock")
	}
	if _, _, err := st.Get(ctx, "c"); err == nil {
		t.Error("Get with Redis down succeeded")
	}
	if err := mr.Restart(); err != nil {
		t.Fatal(err)
	}
	s, err := st.Update(ctx, "c", addTurn("after"))
	if err != nil {
		t.Fatalf("first Update after restart: %v", err)
	}
	if len(s.Turns) != 2 || s.Turns[0].Text != "before" || s.Turns[1].Text != "after" {
		t.Errorf("turns after recovery = %+v", s.Turns)
	}
}

// A long outage: every call fails, go-redis stops dialling on each call and
// probes in the background instead; once Redis is back the same store works
// again without being rebuilt.
func TestRedisOutageThenRecovers(t *testing.T) {
	ctx := testCtx(t)
	st, mr, closed := outageStore(t)
	if _, err := st.Update(ctx, "c", addTurn("before")); err != nil {
		t.Fatal(err)
	}
	if err := st.Schedule(ctx, "idle", "c", time.Unix(100, 0)); err != nil {
		t.Fatal(err)
	}

	mr.Close()
	failing := map[string]func() error{
		"Update": func() error { _, err := st.Update(ctx, "c", addTurn("lost")); return err },
		"Get":    func() error { _, _, err := st.Get(ctx, "c"); return err },
		"Ping":   func() error { return st.Ping(ctx) },
		"Due":    func() error { _, err := st.Due(ctx, "idle", time.Unix(200, 0), 10); return err },
		"Schedule": func() error {
			return st.Schedule(ctx, "idle", "d", time.Unix(100, 0))
		},
		"Cancel":    func() error { return st.Cancel(ctx, "idle", "c") },
		"FirstTime": func() error { _, err := st.FirstTime(ctx, "k", time.Hour); return err },
		"Active":    func() error { _, err := st.Active(ctx, time.Hour); return err },
		"Delete":    func() error { return st.Delete(ctx, "c") },
	}
	for name, call := range failing {
		if err := call(); err == nil {
			t.Errorf("%s with Redis down succeeded", name)
		}
	}

	if err := mr.Restart(); err != nil {
		t.Fatal(err)
	}
	// Wait for go-redis to notice, event by event: each closed connection
	// may be its probe succeeding.
	for st.Ping(ctx) != nil {
		select {
		case <-closed:
		case <-ctx.Done():
			t.Fatalf("store did not recover: %v", st.Ping(context.Background()))
		}
	}
	s, err := st.Update(ctx, "c", addTurn("after"))
	if err != nil {
		t.Fatalf("Update after recovery: %v", err)
	}
	if len(s.Turns) != 2 || s.Turns[1].Text != "after" {
		t.Errorf("turns after recovery = %+v", s.Turns)
	}
	if ids, err := st.Due(ctx, "idle", time.Unix(200, 0), 10); err != nil || !reflect.DeepEqual(ids, []string{"c"}) {
		t.Errorf("Due after recovery = %v, %v; want the timer set before the outage", ids, err)
	}
}

func TestUpdateReturnsWhatGetReads(t *testing.T) {
	ctx := testCtx(t)
	st := sessiontest.Store(t) // the default wall clock
	got, err := st.Update(ctx, "c", addTurn("x"))
	if err != nil {
		t.Fatal(err)
	}
	stored, _, err := st.Get(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, stored) {
		t.Errorf("Update returned %+v\nGet read %+v", got, stored)
	}
}

// A lock that expired under a live holder while nobody else came (renewals
// late on a loaded machine) loses nothing: the state is unchanged since it
// was read, so the save goes ahead. Once someone holds the lock, it fails.
func TestExpiredLockWithoutRivalStillSaves(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t)
	if _, err := st.Update(ctx, "c", addTurn("first")); err != nil {
		t.Fatal(err)
	}
	s, err := st.Update(ctx, "c", func(s *session.Session) error {
		if err := db.Client.Del(ctx, db.Keys.Lock("c")).Err(); err != nil {
			return err
		}
		return addTurn("second")(s)
	})
	if err != nil {
		t.Fatalf("update after an uncontended expiry: %v", err)
	}
	if got, _, _ := st.Get(ctx, "c"); len(got.Turns) != 2 || len(s.Turns) != 2 {
		t.Errorf("turns = %+v, want first and second", got.Turns)
	}

	_, err = st.Update(ctx, "c", func(s *session.Session) error {
		// Another process took the expired lock and is still working.
		if err := db.Client.Set(ctx, db.Keys.Lock("c"), "rival", time.Minute).Err(); err != nil {
			return err
		}
		return addTurn("stale")(s)
	})
	if !errors.Is(err, session.ErrLockLost) {
		t.Fatalf("err = %v, want ErrLockLost while a rival holds the lock", err)
	}
	if got, _, _ := st.Get(ctx, "c"); len(got.Turns) != 2 {
		t.Errorf("turns = %+v, the stale update was saved", got.Turns)
	}
	if v := db.Client.Get(ctx, db.Keys.Lock("c")).Val(); v != "rival" {
		t.Errorf("lock = %q, the rival's lock was released", v)
	}
}

// A record that vanishes while its update holds the lock (its TTL ran out
// during a long turn, an eviction, an ops DEL) loses nothing the update
// had: the save cannot copy the kept turns from the stored record, so it
// sends the whole one instead of failing the turn.
func TestStateGoneUnderOwnLockStillSaves(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t)
	for _, text := range []string{"first", "second"} {
		if _, err := st.Update(ctx, "c", addTurn(text)); err != nil {
			t.Fatal(err)
		}
	}
	s, err := st.Update(ctx, "c", func(s *session.Session) error {
		if err := db.Client.Del(ctx, db.Keys.State("c")).Err(); err != nil {
			return err
		}
		return addTurn("third")(s)
	})
	if err != nil {
		t.Fatalf("update after the record vanished: %v", err)
	}
	got, found, err := st.Get(ctx, "c")
	if err != nil || !found {
		t.Fatalf("get: found=%v err=%v", found, err)
	}
	var texts []string
	for _, tu := range got.Turns {
		texts = append(texts, tu.Text)
	}
	if want := []string{"first", "second", "third"}; !reflect.DeepEqual(texts, want) || len(s.Turns) != 3 {
		t.Errorf("stored turns %q, returned %d, want %q", texts, len(s.Turns), want)
	}
	if n := db.Client.Exists(ctx, db.Keys.Lock("c")).Val(); n != 0 {
		t.Errorf("lock left behind")
	}
}

// TestRecordOfThePreviousVersionLoads: a conversation saved as JSON by the
// version before the binary record (the key holds what json.Marshal of a
// Session gave) loads unchanged, and its next update keeps every turn and
// rewrites it in the new form: an upgrade loses no live conversation.
func TestRecordOfThePreviousVersionLoads(t *testing.T) {
	ctx := testCtx(t)
	st, db := newStore(t)
	at := time.Date(2026, 12, 1, 9, 30, 0, 123, time.UTC)
	old := &session.Session{ID: "telegram:7", Channel: "telegram", ChatID: "7", Name: "Jane", Lang: "en",
		Mode: session.ModeWaiting, Messages: 2, Greeted: true, Started: at, LastCustomerAt: at,
		Turns: []session.Turn{
			{Role: "customer", Text: "where is my order?", Kind: "text", At: at},
			{Role: "bot", Text: "Let me get a person.", Kind: "handoff", Score: 0.25, Tips: []string{"orders/tracking"}, At: at},
		},
		Handoff: &session.Handoff{Reason: "asked for a person", Scores: map[string]float64{"ask_human": 0.9}, At: at},
	}
	raw, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Client.Set(ctx, db.Keys.State(old.ID), raw, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	got, ok, err := st.Get(ctx, old.ID)
	if err != nil || !ok || !reflect.DeepEqual(got, old) {
		t.Fatalf("Get of a JSON record = %+v, %v, %v; want %+v", got, ok, err, old)
	}
	saved, err := st.Update(ctx, old.ID, addTurn("any news?"))
	if err != nil {
		t.Fatal(err)
	}
	if len(saved.Turns) != 3 || !reflect.DeepEqual(saved.Turns[:2], old.Turns) || saved.Handoff.Reason != old.Handoff.Reason {
		t.Errorf("update of a JSON record = %+v, want the old turns plus one", saved)
	}
	now := db.Client.Get(ctx, db.Keys.State(old.ID)).Val()
	if strings.HasPrefix(now, "{") {
		t.Error("the record is still JSON after an update")
	}
	if again, _, err := st.Get(ctx, old.ID); err != nil || !reflect.DeepEqual(again, saved) {
		t.Errorf("Get after the rewrite = %+v, %v; want %+v", again, err, saved)
	}
}

// TestUpdateTimersArmsTimers: the timers an update names are armed with its
// save; an update whose fn fails arms none.
func TestUpdateTimersArmsTimers(t *testing.T) {
	ctx := testCtx(t)
	st := sessiontest.Store(t)
	due := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if _, err := st.UpdateTimers(ctx, "a", func(s *session.Session) ([]session.TimerAt, error) {
		return []session.TimerAt{{Name: "idle", At: due}, {Name: "remind", At: due.Add(time.Hour)}}, addTurn("hi")(s)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateTimers(ctx, "b", func(*session.Session) ([]session.TimerAt, error) {
		return []session.TimerAt{{Name: "idle", At: due}}, errors.New("no")
	}); err == nil {
		t.Fatal("a failing fn's update succeeded")
	}
	if _, err := st.UpdateTimers(ctx, "c", func(*session.Session) ([]session.TimerAt, error) {
		return []session.TimerAt{{At: due}}, nil
	}); err == nil {
		t.Error("a timer without a name was accepted")
	}
	if got, err := st.Due(ctx, "idle", due, 10); err != nil || !reflect.DeepEqual(got, []string{"a"}) {
		t.Errorf("idle due = %v, %v; want [a]", got, err)
	}
	if got, err := st.Due(ctx, "remind", due.Add(time.Hour), 10); err != nil || !reflect.DeepEqual(got, []string{"a"}) {
		t.Errorf("remind due = %v, %v; want [a]", got, err)
	}
	if _, ok, _ := st.Get(ctx, "c"); ok {
		t.Error("an update refused for its timers saved the session")
	}
}

// TestWriteFormat: a Store writing json saves what json.Marshal of the
// Session gives (the only form releases before the binary record read:
// decoded as they did, it is the session saved), one writing binary saves
// the record (magic 0xB5); both read back what they saved through Get and
// the next Update, and each reads the other's form and rewrites it in its
// own (a rolling deploy or a rollback in either direction).
func TestWriteFormat(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 30, 0, 123, time.UTC)
	fill := func(s *session.Session) error {
		s.Channel, s.ChatID, s.Name, s.Lang, s.Topic, s.LastCustomerAt = "telegram", "7", "지수", "ko", "배송", at
		s.Turns = append(s.Turns,
			session.Turn{Role: "customer", Text: "배송 언제 와요?", At: at},
			session.Turn{Role: "bot", Text: "We ship within two days.", Entry: "orders/shipping", Score: 0.75, Kind: "answer", Tips: []string{"orders/tracking"}, At: at})
		s.Messages++
		s.Handoff = &session.Handoff{Reason: "asked for a person", Scores: map[string]float64{"ask_human": 0.9}, At: at,
			Transfers: []session.Transfer{{From: "", To: "billing", By: "ana", At: at}}}
		return nil
	}
	isJSON := func(t *testing.T, raw string, want *session.Session) {
		t.Helper()
		// What the release before the binary record did with a stored value.
		var old session.Session
		if err := json.Unmarshal([]byte(raw), &old); err != nil {
			t.Fatalf("the stored value is not JSON the old decoder reads: %v (%.40q)", err, raw)
		}
		old.ID = want.ID
		if !reflect.DeepEqual(&old, want) {
			t.Errorf("the old decoder reads\n%+v\nwant\n%+v", &old, want)
		}
	}
	isBinary := func(t *testing.T, raw string, _ *session.Session) {
		t.Helper()
		if raw == "" || raw[0] != 0xB5 {
			t.Errorf("the stored value starts with %.8q, want the record's magic 0xB5", raw)
		}
	}
	for _, tc := range []struct {
		name        string
		format      session.Format
		other       session.Format
		check       func(*testing.T, string, *session.Session)
		checkOthers func(*testing.T, string, *session.Session)
	}{
		{"json", session.FormatJSON, session.FormatBinary, isJSON, isBinary},
		{"binary", session.FormatBinary, session.FormatJSON, isBinary, isJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			db := sessiontest.DB(t)
			st := session.New(db, session.WithFormat(tc.format))
			stored := func() string { return db.Client.Get(ctx, db.Keys.State("telegram:7")).Val() }

			first, err := st.Update(ctx, "telegram:7", fill)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, stored(), first)
			second, err := st.Update(ctx, "telegram:7", addTurn("그리고 한국으로는요?"))
			if err != nil {
				t.Fatal(err)
			}
			if len(second.Turns) != 3 || !reflect.DeepEqual(second.Turns[:2], first.Turns) || !reflect.DeepEqual(second.Handoff, first.Handoff) {
				t.Errorf("second update = %+v, want the first's turns plus one", second)
			}
			tc.check(t, stored(), second)
			if got, ok, err := st.Get(ctx, "telegram:7"); err != nil || !ok || !reflect.DeepEqual(got, second) {
				t.Errorf("Get = %+v, %v, %v; want %+v", got, ok, err, second)
			}

			// A replica writing the other form takes the conversation over.
			other := session.New(db, session.WithFormat(tc.other))
			if got, ok, err := other.Get(ctx, "telegram:7"); err != nil || !ok || !reflect.DeepEqual(got, second) {
				t.Errorf("the other form's Get = %+v, %v, %v; want %+v", got, ok, err, second)
			}
			third, err := other.Update(ctx, "telegram:7", addTurn("thanks"))
			if err != nil {
				t.Fatal(err)
			}
			if len(third.Turns) != 4 || !reflect.DeepEqual(third.Turns[:3], second.Turns) {
				t.Errorf("the other form's update = %+v, want the turns so far plus one", third)
			}
			tc.checkOthers(t, stored(), third)
			if got, _, err := st.Get(ctx, "telegram:7"); err != nil || !reflect.DeepEqual(got, third) {
				t.Errorf("Get of the other form's save = %+v, %v; want %+v", got, err, third)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]session.Format{"": session.FormatBinary, "binary": session.FormatBinary, " JSON ": session.FormatJSON} {
		if got, err := session.ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := session.ParseFormat("protobuf"); err == nil || !strings.Contains(err.Error(), "binary or json") {
		t.Errorf("ParseFormat(protobuf) error = %v, want one naming binary and json", err)
	}
}
