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

	baton "github.com/batonhq/baton"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

// A replica that loses a chat's lease mid-turn (a stall longer than the
// lease: a long GC or LLM pause, renewals failing) must not send what it
// worked out, because the replica that took the chat over answers the
// same message: the customer would get the answer twice. These tests make
// the stall with a handler that waits on a channel and the loss by
// deleting the lease (what its expiry does), then let another replica's
// sweep take the chat over; no sleeps, no timing.

// sharedCore is realCore on contents loaded once for all these tests
// (loading them is most of a test's time, under -race and -count=20).
var sharedCore = sync.OnceValues(func() (*content.Holder, error) {
	prompts, err := content.Resolve("", "prompts", baton.Files, "prompts")
	if err != nil {
		return nil, err
	}
	knowledge, err := content.Resolve("", "knowledge", baton.Files, "knowledge")
	if err != nil {
		return nil, err
	}
	holder, _, err := content.NewHolder(prompts, knowledge, discard())
	return holder, err
})

func fenceCore(t *testing.T) func(*session.Store) Handler {
	t.Helper()
	holder, err := sharedCore()
	if err != nil {
		t.Fatal(err)
	}
	return func(st *session.Store) Handler { return bot.New(st, holder) }
}

// stall wraps a handler: the first event with text waits (after closing
// reached) until release is closed, as a turn stalled past its lease.
type stall struct {
	h        Handler
	text     string
	once     sync.Once
	reached  chan struct{}
	release  chan struct{}
	readable bool // h is a ReadAheader: the stalled replica reads ahead too
}

func newStall(h Handler, text string) *stall {
	_, ra := h.(ReadAheader)
	return &stall{h: h, text: text, reached: make(chan struct{}), release: make(chan struct{}), readable: ra}
}

func (s *stall) Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
	stalled := false
	if ev.Text == s.text {
		s.once.Do(func() { stalled = true })
	}
	if stalled {
		close(s.reached)
		select {
		case <-s.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return s.h.Handle(ctx, ev)
}

func (s *stall) ReadAhead(ctx context.Context, pipe redis.Pipeliner, conv string) *session.Read {
	if !s.readable {
		return nil
	}
	return s.h.(ReadAheader).ReadAhead(ctx, pipe, conv)
}

// fencePair is two replicas on one Redis behind one webhook, their leases
// never renewed nor swept on their own during a test (a long heartbeat):
// the test takes the lease away and sweeps itself. exited hears each
// chat loop's end, per replica.
type fencePair struct {
	srv          *telegramtest.Server
	r1, r2       *harness
	exit1, exit2 chan int64
	db           store.DB
	stalled      *stall
}

func newFencePair(t *testing.T, db store.DB, h1 *stall, h2 Handler) *fencePair {
	t.Helper()
	srv := telegramtest.New(t)
	slow := WithHeartbeat(time.Minute, time.Minute)
	r1 := newHarness(t, h1, setup{webhook: true, secret: "s3cret", srv: srv, db: db, opts: []Option{WithReplicaID("r1"), slow}})
	r2 := newHarness(t, h2, setup{webhook: true, secret: "s3cret", srv: srv, db: db, opts: []Option{WithReplicaID("r2"), slow}})
	r2.a.onDone = r1.a.onDone // r1.waitDrained hears about both
	p := &fencePair{srv: srv, r1: r1, r2: r2, exit1: make(chan int64, 16), exit2: make(chan int64, 16), db: db, stalled: h1}
	r1.a.disp.onExit = func(chat int64) { p.exit1 <- chat }
	r2.a.disp.onExit = func(chat int64) { p.exit2 <- chat }
	r1.start()
	r2.start()
	return p
}

func waitExit(t *testing.T, ch <-chan int64, chat int64, what string) {
	t.Helper()
	timeout := time.After(waitFor)
	for {
		select {
		case c := <-ch:
			if c == chat {
				return
			}
		case <-timeout:
			t.Fatalf("%s: the chat's loop did not end within %v", what, waitFor)
		}
	}
}

// takeOver stalls replica 1 on the chat's message, takes its lease away
// and has replica 2's sweep take the chat over and answer the message;
// then replica 1 goes on. It returns the replies the customer got.
func (p *fencePair) takeOver(t *testing.T, chat int64, text string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	u := telegramtest.Customer(chat)
	deliverTo(t, p.srv, p.r1, u.Text(text))
	waitClosed(t, p.stalled.reached, "replica 1 to take the message up")
	// The stall outlives the lease: it expires (deleted here, as its TTL
	// would), and replica 2's next sweep takes the chat over.
	if err := p.db.Client.Del(ctx, p.r1.a.keys.ChatLease(chat)).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.r2.a.sweep(ctx); err != nil {
		t.Fatal(err)
	}
	waitExit(t, p.exit2, chat, "replica 2")
	p.r1.waitDrained()
	// Replica 1 wakes up and finishes its turn.
	close(p.stalled.release)
	waitExit(t, p.exit1, chat, "replica 1")
	return p.srv.Sent(chat)
}

// The real core (session, outbox): the stalled replica's turn, met after
// the new holder saved and answered it, must not go out a second time.
func TestLostLeaseNoDuplicateReplyCore(t *testing.T) { lostLeaseCore(t, sessiontest.DB(t)) }

func TestLostLeaseNoDuplicateReplyCoreOnCluster(t *testing.T) {
	lostLeaseCore(t, sessiontest.DBOn(t, sessiontest.Dial(t, sessiontest.ClusterURL(t))))
}

func lostLeaseCore(t *testing.T, db store.DB) {
	core := fenceCore(t)
	p := newFencePair(t, db, newStall(core(session.New(db)), "where is my order?"), core(session.New(db)))
	got := p.takeOver(t, 701, "where is my order?")
	if len(got) == 0 {
		t.Fatal("no reply at all")
	}
	// The core's answer to one question is one or more messages; both
	// replicas' answers would be the same messages twice over.
	if n := len(got); n%2 == 0 && fmt.Sprint(got[:n/2]) == fmt.Sprint(got[n/2:]) {
		t.Errorf("the customer got the answer twice: %q", got)
	}
	dropped := ""
	for _, l := range strings.Split(p.r1.logs.String(), "\n") {
		if contains(l, "lost the chat's lease mid-turn") {
			dropped = l
		}
	}
	switch {
	case dropped == "":
		t.Errorf("replica 1 did not log dropping its turn:\n%s", p.r1.logs.String())
	case !contains(dropped, `"level":"INFO"`) || contains(dropped, "order") || contains(dropped, "text"):
		t.Errorf("the drop is logged at Info without the customer's words, got %s", dropped)
	}
}

// A handler without the session store: the adapter itself checks the
// lease before sending.
func TestLostLeaseNoDuplicateReplyPlain(t *testing.T) { lostLeasePlain(t, sessiontest.DB(t)) }

func TestLostLeaseNoDuplicateReplyPlainOnCluster(t *testing.T) {
	lostLeasePlain(t, sessiontest.DBOn(t, sessiontest.Dial(t, sessiontest.ClusterURL(t))))
}

func lostLeasePlain(t *testing.T, db store.DB) {
	p := newFencePair(t, db, newStall(newRecorder(), "m0"), newRecorder())
	got := p.takeOver(t, 702, "m0")
	if fmt.Sprint(got) != "[re: m0]" {
		t.Errorf("replies %q, want one %q", got, "re: m0")
	}
}

// The lease ran out during the stall but nobody took the chat over: the
// stalled replica's answer is not lost, it goes out once, and the chat's
// next message is answered after it.
func TestLapsedLeaseNobodyTookOver(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			core := fenceCore(t)
			st := newStall(core(session.New(db)), "where is my order?")
			p := newFencePair(t, db, st, core(session.New(db)))
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			defer cancel()
			const chat = 703
			u := telegramtest.Customer(chat)
			deliverTo(t, p.srv, p.r1, u.Text("where is my order?"))
			waitClosed(t, st.reached, "replica 1 to take the message up")
			if err := db.Client.Del(ctx, p.r1.a.keys.ChatLease(chat)).Err(); err != nil {
				t.Fatal(err)
			}
			close(st.release)
			p.srv.WaitSent(t, chat, 1)
			p.r1.waitDrained()
			waitExit(t, p.exit1, chat, "replica 1")
			once := p.srv.Sent(chat)
			deliverTo(t, p.srv, p.r2, u.Text("thanks"))
			p.r1.waitDrained()
			all := p.srv.WaitSent(t, chat, len(once)+1)
			if fmt.Sprint(all[:len(once)]) != fmt.Sprint(once) {
				t.Errorf("the first answer was not first: %q then %q", once, all)
			}
			if n := len(once); n%2 == 0 && fmt.Sprint(once[:n/2]) == fmt.Sprint(once[n/2:]) {
				t.Errorf("the customer got the answer twice: %q", once)
			}
			// The way it went: the save found the lease gone, the turn
			// was dropped, and replica 1 took the chat again and sent the
			// saved turn's replies.
			if !contains(p.r1.logs.String(), "lost the chat's lease mid-turn") {
				t.Errorf("replica 1 did not drop its turn first:\n%s", p.r1.logs.String())
			}
		})
	}
}

// The stall inside the turn, the conversation's lock held (an LLM call
// that outlives the chat's lease): the replica that takes the chat over
// waits for the lock, and the stalled replica, woken, saves first. Its
// save finds the lease lost: it sends nothing, and the new holder answers
// the message once.
func TestLostLeaseInsideTheTurn(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			reached, release, entered := make(chan struct{}), make(chan struct{}), make(chan struct{}, 4)
			var once sync.Once
			turn := func(st *session.Store, first bool) Handler {
				return HandlerFunc(func(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
					if !first {
						entered <- struct{}{}
					}
					_, err := st.Update(ctx, ev.ConvID(), func(s *session.Session) error {
						stalled := false
						if first {
							once.Do(func() { stalled = true })
						}
						if stalled {
							close(reached)
							<-release
						}
						s.Messages++
						return nil
					})
					if err != nil {
						return nil, err
					}
					return []bot.Message{{Text: "re: " + ev.Text}}, nil
				})
			}
			st := &stall{reached: make(chan struct{}), release: make(chan struct{})}
			close(st.release) // the stall is in the turn, not before it
			st.h = turn(session.New(db), true)
			p := newFencePair(t, db, st, turn(session.New(db), false))
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			defer cancel()
			const chat = 704
			deliverTo(t, p.srv, p.r1, telegramtest.Customer(chat).Text("m0"))
			waitClosed(t, reached, "replica 1 to stall in its turn")
			if err := db.Client.Del(ctx, p.r1.a.keys.ChatLease(chat)).Err(); err != nil {
				t.Fatal(err)
			}
			if _, err := p.r2.a.sweep(ctx); err != nil {
				t.Fatal(err)
			}
			select {
			case <-entered:
			case <-time.After(waitFor):
				t.Fatal("replica 2 did not take the message up")
			}
			close(release)
			waitExit(t, p.exit1, chat, "replica 1")
			waitExit(t, p.exit2, chat, "replica 2")
			p.r1.waitDrained()
			if got := p.srv.Sent(chat); fmt.Sprint(got) != "[re: m0]" {
				t.Errorf("replies %q, want one %q", got, "re: m0")
			}
		})
	}
}

// A turn fenced off again right after the replica took the chat anew
// (here a handler that always reports the lease lost, as one whose session
// store is on another Redis would) does not spin: nothing is sent, the
// update stays queued for a later sweep, and the error is logged.
func TestFencedTwiceLeavesTheChat(t *testing.T) {
	h := HandlerFunc(func(context.Context, bot.Event) ([]bot.Message, error) {
		return []bot.Message{{Text: "never"}}, session.ErrFenced
	})
	hs := newHarness(t, h, setup{webhook: true, secret: "s3cret", opts: []Option{WithHeartbeat(time.Minute, time.Minute)}})
	exited := make(chan int64, 4)
	hs.a.disp.onExit = func(chat int64) { exited <- chat }
	hs.start()
	deliverTo(t, hs.srv, hs, telegramtest.Customer(705).Text("hi"))
	waitExit(t, exited, 705, "the fenced chat")
	if got := hs.srv.Sent(705); len(got) != 0 {
		t.Errorf("sent %q", got)
	}
	if n := hs.inboxLen(); n != 1 {
		t.Errorf("%d updates queued, want the fenced one", n)
	}
	if !contains(hs.logs.String(), "fenced off twice") {
		t.Errorf("no error logged:\n%s", hs.logs.String())
	}
}

// The lease version counter ({tg:<bot>}:leasev, the inbox's slot) fell
// behind a conversation's fence ({c:telegram:<chat>}:fence, the
// conversation's slot): the counter key lost (evicted, deleted), its shard
// restored from an older snapshot, or a new bot id on the same
// conversations. The take gets a version below the fence and the turn's
// save is refused; the refused save reports the fence and the retake
// raises the counter above it, so the message is answered, once, and the
// log names the counter, not the store. (Review C, finding 1.)
func TestLeaseCounterBehindFenceStillAnswers(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			h := HandlerFunc(func(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
				_, err := session.New(db).Update(ctx, ev.ConvID(), func(s *session.Session) error {
					s.Messages++
					return nil
				})
				if err != nil {
					return nil, err
				}
				return []bot.Message{{Text: "re: " + ev.Text}}, nil
			})
			hs := newHarness(t, h, setup{webhook: true, secret: "s3cret", db: db,
				opts: []Option{WithHeartbeat(time.Minute, time.Minute)}})
			exited := make(chan int64, 16)
			hs.a.disp.onExit = func(chat int64) { exited <- chat }
			hs.start()
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			defer cancel()
			const chat = 731
			u := telegramtest.Customer(chat)

			// A bot that has taken 100 leases so far answers the chat once:
			// the conversation's fence is now 101.
			if err := db.Client.IncrBy(ctx, hs.a.keys.LeaseVersion(), 100).Err(); err != nil {
				t.Fatal(err)
			}
			deliverTo(t, hs.srv, hs, u.Text("m0"))
			waitExit(t, exited, chat, "first message")
			hs.waitDrained()

			// The counter is lost: it starts again below the fence.
			if err := db.Client.Del(ctx, hs.a.keys.LeaseVersion()).Err(); err != nil {
				t.Fatal(err)
			}
			deliverTo(t, hs.srv, hs, u.Text("m1"))
			waitExit(t, exited, chat, "second message")
			// Give it three more sweeps, as a running replica would.
			for i := 0; i < 3; i++ {
				if n, err := hs.a.sweep(ctx); err != nil {
					t.Fatal(err)
				} else if n > 0 {
					waitExit(t, exited, chat, "a sweep")
				}
			}
			if got := hs.srv.Sent(chat); fmt.Sprint(got) != "[re: m0 re: m1]" {
				t.Errorf("replies %q, want [re: m0 re: m1]: the second message was never answered (%d still queued)",
					got, hs.inboxLen())
			}
			if v, err := db.Client.Get(ctx, hs.a.keys.LeaseVersion()).Int64(); err != nil || v <= 101 {
				t.Errorf("lease counter %d (%v), want above the fence 101", v, err)
			}
			logs := hs.logs.String()
			if !contains(logs, "counter is behind") || contains(logs, "fenced off twice") {
				t.Errorf("want the counter named, and no second drop:\n%s", logs)
			}
		})
	}
}

// lapseAfterSave wraps a handler: on the first event with text, after the
// handler returned (its turn saved, the fence checked and the lease renewed),
// the lease lapses and the chat's next message lands on this same replica,
// whose accept takes the free lease with a new token of its own.
type lapseAfterSave struct {
	h    Handler
	text string
	once bool
	then func()
}

func (l *lapseAfterSave) Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
	msgs, err := l.h.Handle(ctx, ev)
	if ev.Text == l.text && !l.once {
		l.once = true
		l.then()
	}
	return msgs, err
}

// A lease that lapsed after the turn's save, taken again by this same
// replica's accept (the chat's next message, a new token of its own),
// still lets the replica mark the answered update answered (ChatAnswered
// accepts its own prefix while the update is queued, as ChatTake does):
// the update is not handed out again and the answer goes out once, as on
// main. (Review C, finding 2.)
func TestLapsedLeaseRetakenByOwnAcceptAnswersOnce(t *testing.T) {
	db := sessiontest.DB(t)
	core := fenceCore(t)(session.New(db))
	const chat = 732
	u := telegramtest.Customer(chat)
	var hs *harness
	h := &lapseAfterSave{h: core, text: "where is my order?"}
	hs = newHarness(t, h, setup{webhook: true, secret: "s3cret", db: db,
		opts: []Option{WithHeartbeat(time.Minute, time.Minute)}})
	h.then = func() {
		if err := db.Client.Del(context.Background(), hs.a.keys.ChatLease(chat)).Err(); err != nil {
			t.Error(err)
		}
		deliverTo(t, hs.srv, hs, u.Text("thanks"))
	}
	exited := make(chan int64, 16)
	hs.a.disp.onExit = func(chat int64) { exited <- chat }
	hs.start()
	deliverTo(t, hs.srv, hs, u.Text("where is my order?"))
	waitExit(t, exited, chat, "the chat")
	hs.waitDrained()
	got := hs.srv.Sent(chat)
	if len(got) == 0 {
		t.Fatal("no reply")
	}
	n := 0
	for _, m := range got {
		if m == got[0] {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the first answer went out %d times: %q", n, got)
	}
}

// A turn that stalls after its save's check for longer than TTL/3 (here
// a clock moved on by a whole lease TTL) checks the lease again before
// its reply goes out: taken by another replica meanwhile, the reply is
// left to that replica (nothing sent here, the update still queued for
// it); lapsed with nobody taking the chat, it is taken again and the
// replies go out, once. (Review C, finding 3.)
func TestLapsedLeaseRecheckedBeforeALateReply(t *testing.T) {
	for _, c := range []struct {
		name  string
		other string // the lease's value after the stall; "" for none
		want  string
	}{
		{"taken over", "r2#999999", "[]"},
		{"nobody took it", "", "[one two]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := sessiontest.DB(t)
			var skew atomic.Int64
			var hs *harness
			const chat = 733
			h := HandlerFunc(func(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
				_, err := session.New(db).Update(ctx, ev.ConvID(), func(s *session.Session) error {
					s.Messages++
					return nil
				})
				if err != nil {
					return nil, err
				}
				// The stall: a whole lease TTL after the save's check.
				skew.Add(int64(hs.a.leaseTTL()))
				lease := hs.a.keys.ChatLease(chat)
				if c.other == "" {
					err = db.Client.Del(ctx, lease).Err()
				} else {
					err = db.Client.Set(ctx, lease, c.other, time.Minute).Err()
				}
				if err != nil {
					t.Error(err)
				}
				return []bot.Message{{Text: "one"}, {Text: "two"}}, nil
			})
			hs = newHarness(t, h, setup{webhook: true, secret: "s3cret", db: db,
				opts: []Option{WithHeartbeat(time.Minute, time.Minute)}})
			hs.a.now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
			exited := make(chan int64, 4)
			hs.a.disp.onExit = func(chat int64) { exited <- chat }
			hs.start()
			deliverTo(t, hs.srv, hs, telegramtest.Customer(chat).Text("hi"))
			waitExit(t, exited, chat, "the chat")
			if got := fmt.Sprint(hs.srv.Sent(chat)); got != c.want {
				t.Errorf("sent %s, want %s", got, c.want)
			}
			queued := int64(0)
			if c.other != "" {
				queued = 1 // the holder's to answer
				if !contains(hs.logs.String(), "between replies") {
					t.Errorf("the hand-over is not logged:\n%s", hs.logs.String())
				}
			}
			if n := hs.inboxLen(); n != queued {
				t.Errorf("%d updates queued, want %d", n, queued)
			}
		})
	}
}
