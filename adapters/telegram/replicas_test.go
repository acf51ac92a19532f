package telegram

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

// twoReplicas is two adapters behind one webhook URL sharing one Redis
// (the test's REDIS_URL, or the Cluster in the *OnCluster variants).
func twoReplicas(t *testing.T, db store.DB, h1, h2 Handler) (*telegramtest.Server, *harness, *harness) {
	t.Helper()
	srv := telegramtest.New(t)
	r1 := newHarness(t, h1, setup{webhook: true, secret: "s3cret", srv: srv, db: db, opts: []Option{WithReplicaID("r1")}})
	r2 := newHarness(t, h2, setup{webhook: true, secret: "s3cret", srv: srv, db: db, opts: []Option{WithReplicaID("r2")}})
	r2.a.onDone = r1.a.onDone // r1.waitDrained hears about both
	r1.start()
	r2.start()
	return srv, r1, r2
}

func deliverTo(t *testing.T, srv *telegramtest.Server, hs *harness, upd telegramtest.Update) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	code, _, err := srv.DeliverTo(ctx, hs.web.URL+"/telegram/hook", "s3cret", upd)
	if err != nil || code != 200 {
		t.Errorf("delivery to %s: %d %v", hs.a.replica, code, err)
	}
}

// The race the per-chat lease closes: replica 1 is still answering a
// chat's first message when the next three land on replica 2. Replica 2
// must not answer them first (nor at the same time); all four go out in
// order, each once.
func TestTwoReplicasKeepAChatInOrder(t *testing.T) { chatInOrder(t, sessiontest.DB(t)) }

func TestTwoReplicasKeepAChatInOrderOnCluster(t *testing.T) {
	chatInOrder(t, sessiontest.DBOn(t, sessiontest.Dial(t, sessiontest.ClusterURL(t))))
}

func chatInOrder(t *testing.T, db store.DB) {
	rec1, stuck, release := heldOn("500", "m0")
	rec2 := newRecorder()
	srv, r1, r2 := twoReplicas(t, db, rec1, rec2)
	u := telegramtest.Customer(500)
	deliverTo(t, srv, r1, u.Text("m0"))
	waitClosed(t, stuck, "replica 1 to take m0 up")
	for i := 1; i < 4; i++ {
		deliverTo(t, srv, r2, u.Text(fmt.Sprintf("m%d", i)))
	}
	// Replica 2 persisted them (200) and leaves them to the chat's holder.
	close(release)
	got := srv.WaitSent(t, 500, 4)
	want := []string{"re: m0", "re: m1", "re: m2", "re: m3"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("replies %q, want %q", got, want)
	}
	r1.waitDrained()
	if n := len(rec2.Events()); n != 0 {
		t.Errorf("replica 2 answered %d of the chat's messages while replica 1 held it", n)
	}
	if got := srv.Sent(500); len(got) != 4 {
		t.Errorf("%d replies, want 4: %q", len(got), got)
	}
}

// 24 customers each send 4 messages, spread over both replicas (message k
// of every chat to replica k%2), all chats at once: every chat's answers
// come out in order, once each.
func TestTwoReplicasManyChatsInOrder(t *testing.T) { manyChatsInOrder(t, sessiontest.DB(t)) }

func TestTwoReplicasManyChatsInOrderOnCluster(t *testing.T) {
	manyChatsInOrder(t, sessiontest.DBOn(t, sessiontest.Dial(t, sessiontest.ClusterURL(t))))
}

func manyChatsInOrder(t *testing.T, db store.DB) {
	// The handler records the order it saw each chat's messages in: a
	// second replica answering the same chat at once would show up here
	// as well as in the replies.
	var mu sync.Mutex
	seen := map[string][]string{}
	h := HandlerFunc(func(_ context.Context, ev bot.Event) ([]bot.Message, error) {
		mu.Lock()
		seen[ev.ChatID] = append(seen[ev.ChatID], ev.Text)
		mu.Unlock()
		return []bot.Message{{Text: "re: " + ev.Text}}, nil
	})
	srv, r1, r2 := twoReplicas(t, db, h, h)
	const chats, per = 24, 4
	var wg sync.WaitGroup
	for c := range chats {
		wg.Go(func() {
			u := telegramtest.Customer(int64(600 + c))
			for k := range per {
				deliverTo(t, srv, []*harness{r1, r2}[k%2], u.Text(fmt.Sprintf("m%d", k)))
			}
		})
	}
	wg.Wait()
	for c := range chats {
		chat := int64(600 + c)
		got := srv.WaitSent(t, chat, per)
		want := []string{"re: m0", "re: m1", "re: m2", "re: m3"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("chat %d: replies %q, want %q", chat, got, want)
		}
	}
	r1.waitDrained()
	for c := range chats {
		chat := int64(600 + c)
		if got := srv.Sent(chat); len(got) != per {
			t.Errorf("chat %d: %d replies, want %d", chat, len(got), per)
		}
		mu.Lock()
		order := seen[fmt.Sprint(chat)]
		mu.Unlock()
		if fmt.Sprint(order) != "[m0 m1 m2 m3]" {
			t.Errorf("chat %d: the core saw %v", chat, order)
		}
	}
}

// heldOn is a recorder that holds the message text of chat until release
// is closed, after closing reached.
func heldOn(chat, text string) (rec *recorder, reached, release chan struct{}) {
	rec = newRecorder()
	reached, release = make(chan struct{}), make(chan struct{})
	rec.reply = func(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
		if ev.ChatID == chat && ev.Text == text {
			close(reached)
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return []bot.Message{{Text: "re: " + ev.Text}}, nil
	}
	return rec, reached, release
}

// A replica remembers when it received an update until it answers it; an
// update the other replica answered is forgotten after receivedKeep, so
// two replicas do not grow an entry per message for good.
func TestReceiveTimesForgotten(t *testing.T) {
	a := &Adapter{}
	now := time.Now()
	a.gotAt.Store(int64(1), now.Add(-receivedKeep-time.Second)) // answered elsewhere long ago
	a.gotAt.Store(int64(2), now.Add(-time.Second))              // still queued
	a.forgetReceived(now)
	if _, ok := a.gotAt.Load(int64(1)); ok {
		t.Error("an old receive time was kept")
	}
	if _, ok := a.gotAt.Load(int64(2)); !ok {
		t.Error("a recent receive time was dropped")
	}
}
