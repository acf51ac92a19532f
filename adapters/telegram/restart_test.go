package telegram

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// stuckOn returns a handler that answers everything except text stuck,
// on which it hangs until its context ends (a slow model when the process
// is told to stop), reporting on the returned channel when it got there.
func stuckOn(chat, stuck string) (*recorder, chan struct{}) {
	rec := newRecorder()
	reached := make(chan struct{})
	rec.reply = func(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
		if ev.ChatID == chat && ev.Text == stuck {
			close(reached)
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return []bot.Message{{Text: "re: " + ev.Text}}, nil
	}
	return rec, reached
}

func waitClosed(t *testing.T, ch chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitFor):
		t.Fatalf("still waiting for %s after %v", what, waitFor)
	}
}

// wantAnswers checks chat got exactly "re: msg 0".."re: msg n-1", in order,
// each once.
func wantAnswers(t *testing.T, srv *telegramtest.Server, chat int64, n int) {
	t.Helper()
	got := srv.WaitSent(t, chat, n)
	if len(got) != n {
		t.Fatalf("chat %d got %d replies, want %d: %q", chat, len(got), n, got)
	}
	for i, text := range got {
		if want := fmt.Sprintf("re: msg %d", i); text != want {
			t.Fatalf("chat %d reply %d is %q, want %q; all: %q", chat, i, text, want, got)
		}
	}
}

func msgs(u telegramtest.User, n int) []telegramtest.Update {
	var out []telegramtest.Update
	for i := 0; i < n; i++ {
		out = append(out, u.Text(fmt.Sprintf("msg %d", i)))
	}
	return out
}

// A restart (SIGTERM with a deadline, then a new process) in the middle of
// a conversation: what the first process did not answer, the next one
// does, in order, and nothing twice.
func TestRestartInTheMiddleLeavesNothingUnanswered(t *testing.T) {
	srv := telegramtest.New(t)
	db := sessiontest.DB(t)
	recA, stuck := stuckOn("2000", "msg 1")
	first := newHarness(t, recA, setup{srv: srv, db: db}).start()
	u, v := telegramtest.Customer(2000), telegramtest.Customer(2001)
	srv.Push(msgs(u, 5)...)
	srv.Push(msgs(v, 3)...)
	waitClosed(t, stuck, "the first process to get stuck on msg 1")
	srv.WaitConfirmed(t) // from here on only Redis has the updates
	srv.WaitSent(t, 2000, 1)
	wantAnswers(t, srv, 2001, 3) // the other chat was not held up
	first.waitInbox(4)           // msg 1-4 of chat 2000

	// The deadline passes while msg 1 is still being answered.
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	if err := first.a.Shutdown(expired); err == nil {
		t.Error("Shutdown should report that its deadline cut work short")
	}
	if n := first.inboxLen(); n != 4 {
		kv, _ := db.Client.HGetAll(context.Background(), first.a.keys.Inbox()).Result()
		t.Fatalf("the inbox holds %d unanswered updates, want 4 (msg 1-4): %v", n, kv)
	}

	second := newHarness(t, newRecorder(), setup{srv: srv, db: db}).start()
	wantAnswers(t, srv, 2000, 5)
	second.waitDrained()
	wantAnswers(t, srv, 2001, 3)
}

// A crash: the process dies without releasing anything. Another replica
// takes its chats over once their leases expire (three missed heartbeats;
// short ones here).
func TestCrashedReplicaUpdatesTakenOver(t *testing.T) {
	srv := telegramtest.New(t)
	db := sessiontest.DB(t)
	recA, stuck := stuckOn("2100", "msg 0")
	zombie := newHarness(t, recA, setup{srv: srv, db: db, opts: []Option{WithReplicaID("zombie")}}).start()
	u := telegramtest.Customer(2100)
	srv.Push(msgs(u, 3)...)
	waitClosed(t, stuck, "the replica to get stuck")

	// "Crash": polling stops and the heartbeat ends, but no claim is
	// released and the stuck handler never returns on its own.
	zombie.a.accepting.Store(false)
	zombie.a.loopsStop()
	zombie.a.loops.Wait()
	zombie.a.beatStop()
	<-zombie.a.beatDone
	// Its lease on the chat has a TTL, so it comes free three missed
	// heartbeats later; the test expires it now instead of waiting (and
	// miniredis only moves TTLs when told).
	ctx := context.Background()
	lease := zombie.a.keys.ChatLease(2100)
	if ttl := db.Client.PTTL(ctx, lease).Val(); ttl <= 0 || ttl > zombie.a.leaseTTL() {
		t.Fatalf("the zombie's lease has TTL %v, want in (0, %v]", ttl, zombie.a.leaseTTL())
	}
	if err := db.Client.Del(ctx, lease).Err(); err != nil {
		t.Fatal(err)
	}

	heir := newHarness(t, newRecorder(), setup{srv: srv, db: db,
		opts: []Option{WithReplicaID("heir")}}).start()
	wantAnswers(t, srv, 2100, 3)
	heir.waitDrained()

	// The zombie finally dies; it must not answer what the heir answered.
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	_ = zombie.a.Shutdown(expired)
	if got := srv.Sent(2100); len(got) != 3 {
		t.Errorf("replies after the zombie stopped: %q", got)
	}
}

// In webhook mode Telegram has been told 200 for every update (they are in
// Redis); a restart answers the rest.
func TestWebhookRestartLeavesNothingUnanswered(t *testing.T) {
	srv := telegramtest.New(t)
	db := sessiontest.DB(t)
	recA, stuck := stuckOn("2200", "msg 0")
	first := newHarness(t, recA, setup{srv: srv, db: db, webhook: true, secret: "sec"}).start()
	u := telegramtest.Customer(2200)
	for _, upd := range msgs(u, 4) {
		if code, _ := first.deliver(upd); code != http.StatusOK {
			t.Fatalf("webhook status %d", code)
		}
	}
	waitClosed(t, stuck, "the first process to get stuck")
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	_ = first.a.Shutdown(expired)
	// While stopped, Telegram's deliveries are refused so it retries later.
	if code, _ := first.deliver(u.Text("while stopping")); code != http.StatusServiceUnavailable {
		t.Errorf("a stopping webhook answered %d, want 503", code)
	}

	second := newHarness(t, newRecorder(), setup{srv: srv, db: db, webhook: true, secret: "sec"}).start()
	wantAnswers(t, srv, 2200, 4)
	second.waitDrained()
}

// SIGTERM with time to spare: new updates are refused, queued ones are all
// answered, and Shutdown reports success.
func TestShutdownFinishesInFlight(t *testing.T) {
	rec := newRecorder()
	release := make(chan struct{})
	rec.reply = func(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
		if ev.Text == "msg 0" {
			<-release
		}
		return []bot.Message{{Text: "re: " + ev.Text}}, nil
	}
	hs := newHarness(t, rec, setup{webhook: true, secret: "sec"})
	stopping := make(chan struct{})
	hs.a.onStop = func() { close(stopping) }
	hs.start()
	u := telegramtest.Customer(2300)
	for _, upd := range msgs(u, 3) {
		hs.deliver(upd)
	}
	rec.next(t) // msg 0 is in the handler
	done := make(chan error, 1)
	go func() { done <- hs.stop() }()
	waitClosed(t, stopping, "Shutdown to stop taking updates")
	if code, _ := hs.deliver(u.Text("too late")); code != http.StatusServiceUnavailable {
		t.Errorf("after SIGTERM the webhook answered %d, want 503", code)
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(waitFor):
		t.Fatal("Shutdown did not return")
	}
	wantAnswers(t, hs.srv, 2300, 3)
	if n := hs.inboxLen(); n != 0 {
		t.Errorf("%d updates left in the inbox after a clean shutdown", n)
	}
}

// Redis down: the webhook must not say 200 (Telegram would forget the
// update); once Redis is back, the retried delivery is answered.
func TestWebhookWithoutRedisAsksTelegramToRetry(t *testing.T) {
	mr := sessiontest.Miniredis(t)
	rdb := sessiontest.Dial(t, "redis://"+mr.Addr())
	hs := newHarness(t, newRecorder(), setup{db: sessiontest.DBOn(t, rdb), webhook: true, secret: "sec"}).start()
	u := telegramtest.Customer(2400)
	upd := u.Text("msg 0")
	upd["update_id"] = int64(77000)
	mr.Close()
	if code, _ := hs.deliver(clone(upd)); code != http.StatusServiceUnavailable {
		t.Fatalf("with Redis down the webhook answered %d, want 503", code)
	}
	if err := mr.Restart(); err != nil {
		t.Fatal(err)
	}
	if code, _ := hs.deliver(clone(upd)); code != http.StatusOK {
		t.Fatalf("after Redis is back: %d", code)
	}
	wantAnswers(t, hs.srv, 2400, 1)
}
