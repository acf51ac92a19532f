package telegram

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

// tripCounter is a go-redis hook that records every round trip the
// client makes: a command alone, or a pipeline (one write, one read of
// all the replies), named by its commands (scripts by their names in
// bot/store).
type tripCounter struct {
	mu    sync.Mutex
	trips []string
}

// scriptNames names bot/store's scripts by their SHA1 (EVALSHA's first
// argument).
var scriptNames = map[string]string{
	store.Unlock.Hash():            "Unlock",
	store.Renew.Hash():             "Renew",
	store.SessionAcquire.Hash():    "SessionAcquire",
	store.SessionSave.Hash():       "SessionSave",
	store.SessionDelete.Hash():     "SessionDelete",
	store.SessionOutboxSwap.Hash(): "SessionOutboxSwap",
	store.TimerDue.Hash():          "TimerDue",
	store.TimerArm.Hash():          "TimerArm",
	store.TimerDone.Hash():         "TimerDone",
	store.InboxAccept.Hash():       "InboxAccept",
	store.InboxAcceptTake.Hash():   "InboxAcceptTake",
	store.ChatAcquire.Hash():       "ChatAcquire",
	store.ChatDone.Hash():          "ChatDone",
	store.ChatTake.Hash():          "ChatTake",
	store.ChatAnswered.Hash():      "ChatAnswered",
	store.RenewOwn.Hash():          "RenewOwn",
	store.ChatHold.Hash():          "ChatHold",
}

func cmdName(c redis.Cmder) string {
	args := c.Args()
	name := strings.ToLower(fmt.Sprint(args[0]))
	if name == "evalsha" && len(args) > 1 {
		if s, ok := scriptNames[fmt.Sprint(args[1])]; ok {
			return s
		}
	}
	return name
}

func (c *tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if n := cmdName(cmd); n != "hello" { // a new connection's handshake
			c.add(n)
		}
		return next(ctx, cmd)
	}
}

func (c *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		names := make([]string, 0, len(cmds))
		for _, cmd := range cmds {
			if n := cmdName(cmd); n != "client" { // a new connection's CLIENT SETINFO
				names = append(names, n)
			}
		}
		if len(names) > 0 {
			c.add("[" + strings.Join(names, " ") + "]")
		}
		return next(ctx, cmds)
	}
}

func (c *tripCounter) add(s string) {
	c.mu.Lock()
	c.trips = append(c.trips, s)
	c.mu.Unlock()
}

// take returns the round trips since the last take and forgets them.
func (c *tripCounter) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.trips
	c.trips = nil
	return out
}

// TestRoundTripsPerMessage counts the Redis round trips (a command or a
// pipeline, counted by a go-redis hook, not timed) that one customer
// message costs through the webhook and the real core: each message is
// delivered alone and waited for until it is marked answered, so every
// round trip of its handling is counted, and nothing else's. The lease
// renewals and sweeps (a heartbeat pipeline every few seconds per
// replica, not per message) are kept out by a long heartbeat.
func TestRoundTripsPerMessage(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			rdb := sessiontest.Dial(t, url)
			db := sessiontest.DBOn(t, rdb)
			trips := &tripCounter{}
			rdb.AddHook(trips)
			// A message is counted until its chat's loop has ended: the next
			// one then finds no loop running (as a customer who waits for
			// the answer before writing again does), not one about to end.
			hs, exited := tripHarness(t, realCore(t)(session.New(db)), db)
			u := telegramtest.Customer(4242)

			send := tripSender(t, hs, trips, exited)
			// Every script loaded on every node first: a server's first
			// EVALSHA of a script costs one more (NOSCRIPT, then EVAL).
			loadScripts(t, rdb)
			_, first := send(u.Text("hello"), true)
			var later [][]string
			var last int64
			for _, q := range []string{"where is my order?", "how long does shipping take?", "can I return a gift?"} {
				id, l := send(u.Text(q), true)
				later, last = append(later, l), id
			}
			again := u.Text("can I return a gift?")
			again["update_id"] = last // answered already
			_, dup := send(again, false)

			t.Logf("a conversation's first message: %d round trips: %s", len(first), strings.Join(first, ", "))
			for i, l := range later {
				t.Logf("message %d: %d round trips: %s", i+2, len(l), strings.Join(l, ", "))
			}
			t.Logf("a redelivered update: %d round trips: %s", len(dup), strings.Join(dup, ", "))
			if len(first) > wantFirst {
				t.Errorf("a conversation's first message took %d round trips, want at most %d", len(first), wantFirst)
			}
			for i, l := range later {
				if len(l) > wantLater {
					t.Errorf("message %d took %d round trips, want at most %d", i+2, len(l), wantLater)
				}
			}
			if len(dup) != 1 {
				t.Errorf("a redelivered update took %d round trips, want 1 (the accept finds it answered)", len(dup))
			}
		})
	}
}

// loadScripts loads every script of bot/store on every master.
func loadScripts(t *testing.T, rdb redis.UniversalClient) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	load := func(ctx context.Context, c redis.Scripter) error {
		for _, s := range []*redis.Script{store.Unlock, store.Renew, store.SessionAcquire, store.SessionSave,
			store.SessionDelete, store.SessionOutboxSwap, store.TimerDue, store.TimerArm, store.TimerDone, store.InboxAccept,
			store.InboxAcceptTake, store.ChatAcquire, store.ChatDone, store.ChatTake, store.ChatAnswered, store.RenewOwn, store.ChatHold} {
			if err := s.Load(ctx, c).Err(); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	if c, ok := rdb.(*redis.ClusterClient); ok {
		err = c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error { return load(ctx, node) })
	} else {
		err = load(ctx, rdb)
	}
	if err != nil {
		t.Fatalf("loading the scripts: %v", err)
	}
}

// The round trips a message may cost (see TestRoundTripsPerMessage).
const (
	wantFirst = 4
	wantLater = 3
)

// tripSender returns send: it delivers one update and, unless it is a
// duplicate, waits until it is marked answered and its chat's loop has
// ended; it returns the update id and the round trips it cost.
func tripSender(t *testing.T, hs *harness, trips *tripCounter, exited <-chan int64) func(telegramtest.Update, bool) (int64, []string) {
	return func(upd telegramtest.Update, answered bool) (int64, []string) {
		t.Helper()
		hs.mu.Lock()
		done := hs.done
		hs.mu.Unlock()
		trips.take()
		code, id := hs.deliver(upd)
		if code != 200 {
			t.Fatalf("webhook answered %d", code)
		}
		if answered {
			select {
			case <-done:
			case <-time.After(waitFor):
				t.Fatalf("not answered within %v", waitFor)
			}
			select {
			case <-exited:
			case <-time.After(waitFor):
				t.Fatalf("the chat's loop did not end within %v", waitFor)
			}
		}
		return id, trips.take()
	}
}

// gatedCore is the real core whose first held Handle waits for gate
// (after telling in), as a slow turn would.
type gatedCore struct {
	*bot.Bot
	hold     atomic.Bool
	in, gate chan struct{}
}

func (g *gatedCore) Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
	if g.hold.CompareAndSwap(true, false) {
		g.in <- struct{}{}
		<-g.gate
	}
	return g.Bot.Handle(ctx, ev)
}

// TestRoundTripsOfAMessageSentDuringATurn: a customer writes again while
// their last message is being answered. The second message is queued
// behind the first; the script that marks the first answered and hands
// the second over also reads the conversation (one pipeline), so the
// second turn takes no round trip to lock and read it: the two messages
// cost the round trips of two, less one.
func TestRoundTripsOfAMessageSentDuringATurn(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			rdb := sessiontest.Dial(t, url)
			db := sessiontest.DBOn(t, rdb)
			trips := &tripCounter{}
			rdb.AddHook(trips)
			core := &gatedCore{Bot: realCore(t)(session.New(db)).(*bot.Bot), in: make(chan struct{}), gate: make(chan struct{})}
			hs, exited := tripHarness(t, core, db)
			u := telegramtest.Customer(4243)
			send := tripSender(t, hs, trips, exited)
			loadScripts(t, rdb)
			send(u.Text("hello"), true)

			core.hold.Store(true)
			if code, _ := hs.deliver(u.Text("where is my order?")); code != 200 {
				t.Fatalf("webhook answered %d", code)
			}
			select {
			case <-core.in:
			case <-time.After(waitFor):
				t.Fatal("the first message's turn did not start")
			}
			if code, _ := hs.deliver(u.Text("how long does shipping take?")); code != 200 {
				t.Fatalf("webhook answered %d", code)
			}
			trips.take() // the two accepts
			close(core.gate)
			// The loop ends once both are marked answered.
			select {
			case <-exited:
			case <-time.After(waitFor):
				t.Fatal("the chat's loop did not end")
			}
			got := trips.take()
			t.Logf("both turns after the accepts: %d round trips: %s", len(got), strings.Join(got, ", "))
			for _, g := range got {
				if g == "SessionAcquire" {
					t.Errorf("the second turn took the conversation's lock to read it: %s", strings.Join(got, ", "))
				}
			}
			if want := 4; len(got) != want {
				t.Errorf("the two turns took %d round trips after their accepts, want %d (a save and a mark-answered each)", len(got), want)
			}
			if sent := hs.srv.Sent(4243); len(sent) < 3 {
				t.Errorf("%d messages sent, want replies to all three: %q", len(sent), sent)
			}
		})
	}
}

// BenchmarkWebhookTrips counts (go-redis hook, not timed) the Redis round
// trips a message costs the core and the reference bot in
// BenchmarkWebhookRatio's closed loop, where a chat's next message
// arrives the instant its reply went out, mostly while the chat's loop
// is still running. It reports core-trips/msg and ref-trips/msg, and
// logs them by kind with -v. Each replica's lease renewals and sweeps
// (every few seconds, not per message) are left out.
func BenchmarkWebhookTrips(b *testing.B) {
	bots := []struct {
		name string
		mk   func(*session.Store) Handler
	}{{"core", realCore(b)}, {"ref", referenceBot}}
	per := make([]float64, len(bots))
	for i, bot := range bots {
		trips := &tripCounter{}
		rig := newWebhookRig(b, bot.mk, trips)
		rig.run(b, benchChats, 0) // every chat's first message, scripts loaded
		trips.take()
		rig.run(b, b.N, 0)
		kinds, n := map[string]int{}, 0
		for _, t := range trips.take() {
			if t == "smembers" || strings.HasPrefix(t, "[eval") {
				continue // a sweep, a heartbeat's renewals
			}
			kinds[t]++
			n++
		}
		per[i] = float64(n) / float64(b.N)
		b.Logf("%s: %d messages, %d round trips: %v", bot.name, b.N, n, kinds)
	}
	for i, bot := range bots {
		b.ReportMetric(per[i], bot.name+"-trips/msg")
	}
}

// tripHarness is a started webhook harness for counting round trips: its
// heartbeat too long to renew a lease or sweep during a test (those are
// per replica every few seconds, not per message), and exited told each
// chat whose loop has ended.
func tripHarness(t *testing.T, core Handler, db store.DB) (*harness, <-chan int64) {
	hs := newHarness(t, core, setup{db: db, webhook: true, secret: "rt-secret",
		opts: []Option{WithHeartbeat(time.Minute, time.Minute)}})
	exited := make(chan int64, 16)
	hs.a.disp.onExit = func(chat int64) { exited <- chat }
	hs.start()
	return hs, exited
}
