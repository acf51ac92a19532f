package telegram

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/stats"
	"github.com/batonhq/baton/bot/store"
)

// What a fenced-off turn leaves behind besides its replies: the timers it
// would arm and the counts it would make. Same harness as fence_test.go
// (two replicas, a stall on a channel, the lease taken away by the test).

// inCount counts the core's MessageIn over every replica it is given to,
// as a dashboard summing the replicas' baton_messages_in_total does.
type inCount struct{ n atomic.Int64 }

func (c *inCount) MessageIn(string)                   { c.n.Add(1) }
func (c *inCount) Replied(string, int, time.Duration) {}
func (c *inCount) Error(string)                       {}

// countedCore is the real core on st, counting into in and rec.
func countedCore(t *testing.T, st *session.Store, in *inCount, rec *stats.Recorder) *bot.Bot {
	t.Helper()
	holder, err := sharedCore()
	if err != nil {
		t.Fatal(err)
	}
	return bot.New(st, holder, bot.WithObserver(in), bot.WithObservers(rec))
}

// idleArmed reports whether conversation conv's idle timer is armed.
func idleArmed(t *testing.T, db store.DB, conv string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	_, err := db.Client.ZScore(ctx, db.Keys.Timer("idle"), conv).Result()
	if errors.Is(err, redis.Nil) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

// A turn fenced off by the chat's new holder arms no timer: the new
// holder's turn armed the idle check-in, the customer then blocked the
// bot (which cancels it), and the stalled replica, woken, must not bring
// it back for a conversation that is no longer its own. (Leftover 1.)
func TestFencedTurnArmsNoTimer(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			in, rec := &inCount{}, stats.New(db)
			core2 := countedCore(t, session.New(db), in, rec)
			st := newStall(countedCore(t, session.New(db), in, rec), "where is my order?")
			p := newFencePair(t, db, st, core2)
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			defer cancel()
			const chat = 741
			conv := bot.ConvID(Channel, strconv.Itoa(chat))
			deliverTo(t, p.srv, p.r1, telegramtest.Customer(chat).Text("where is my order?"))
			waitClosed(t, st.reached, "replica 1 to take the message up")
			if err := db.Client.Del(ctx, p.r1.a.keys.ChatLease(chat)).Err(); err != nil {
				t.Fatal(err)
			}
			if _, err := p.r2.a.sweep(ctx); err != nil {
				t.Fatal(err)
			}
			waitExit(t, p.exit2, chat, "replica 2")
			p.r1.waitDrained()
			if !idleArmed(t, db, conv) {
				t.Fatal("replica 2's turn armed no idle timer: the test shows nothing")
			}
			if err := core2.Blocked(ctx, conv); err != nil {
				t.Fatal(err)
			}
			if idleArmed(t, db, conv) {
				t.Fatal("Blocked left the idle timer armed")
			}
			close(st.release)
			waitExit(t, p.exit1, chat, "replica 1")
			if idleArmed(t, db, conv) {
				t.Error("the fenced-off replica armed the idle timer of a chat it had lost")
			}
			if got := p.srv.Sent(chat); len(got) == 0 {
				t.Error("no reply at all")
			}
		})
	}
}

// A customer message a fenced-off turn took up is counted once, in the
// MessageIn metric (summed over the replicas) and in the statistics,
// whichever way the fence went: the new holder answered it (the stalled
// turn refused at its save), or nobody took the chat over (the stalled
// turn saved, fenced off for its lapsed lease, and replayed from the
// saved turn when the replica took the chat again). (Leftover 2.)
func TestFencedMessageCountedOnce(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		for _, takenOver := range []bool{true, false} {
			how := "nobody took it"
			if takenOver {
				how = "taken over"
			}
			t.Run(name+"/"+how, func(t *testing.T) {
				db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
				in, rec := &inCount{}, stats.New(db)
				st := newStall(countedCore(t, session.New(db), in, rec), "where is my order?")
				p := newFencePair(t, db, st, countedCore(t, session.New(db), in, rec))
				ctx, cancel := context.WithTimeout(context.Background(), waitFor)
				defer cancel()
				const chat = 742
				if takenOver {
					p.takeOver(t, chat, "where is my order?")
				} else {
					deliverTo(t, p.srv, p.r1, telegramtest.Customer(chat).Text("where is my order?"))
					waitClosed(t, st.reached, "replica 1 to take the message up")
					if err := db.Client.Del(ctx, p.r1.a.keys.ChatLease(chat)).Err(); err != nil {
						t.Fatal(err)
					}
					close(st.release)
					p.r1.waitDrained()
					waitExit(t, p.exit1, chat, "replica 1")
					if !contains(p.r1.logs.String(), "lost the chat's lease mid-turn") {
						t.Fatalf("replica 1's turn was not fenced off: the test shows nothing\n%s", p.r1.logs.String())
					}
				}
				if got := p.srv.Sent(chat); len(got) == 0 {
					t.Fatal("no reply at all")
				}
				// And its idle check-in is armed, by the replica that
				// answered: a fenced-off turn arms none, so a replay arms
				// the saved turn's.
				if !idleArmed(t, db, bot.ConvID(Channel, strconv.Itoa(chat))) {
					t.Error("nobody armed the idle check-in of the answered message")
				}
				if n := in.n.Load(); n != 1 {
					t.Errorf("MessageIn counted the message %d times over both replicas, want 1", n)
				}
				rep, err := rec.Report(ctx, 2)
				if err != nil {
					t.Fatal(err)
				}
				if f := rep.All; f.Conversations != 1 || f.Answers+f.Misses+f.Likely != 1 {
					t.Errorf("statistics: %d conversations, %d answers + %d misses + %d likely; want 1 and 1",
						f.Conversations, f.Answers, f.Misses, f.Likely)
				}
			})
		}
	}
}

// A customer who blocked the bot while the turn's replies went out (403)
// gets no idle check-in armed: the block cancels it, and the timer the
// turn's save held back (armed with the mark-answered, after the
// replies) must not bring it back.
func TestBlockedDuringTheRepliesArmsNoTimer(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			core := countedCore(t, session.New(db), &inCount{}, stats.New(db))
			hs := newHarness(t, core, setup{webhook: true, secret: "s3cret", db: db,
				opts: []Option{WithHeartbeat(time.Minute, time.Minute)}})
			exited := make(chan int64, 4)
			hs.a.disp.onExit = func(chat int64) { exited <- chat }
			hs.start()
			const chat = 743
			hs.srv.Block(chat)
			deliverTo(t, hs.srv, hs, telegramtest.Customer(chat).Text("where is my order?"))
			waitExit(t, exited, chat, "the chat")
			if idleArmed(t, db, bot.ConvID(Channel, strconv.Itoa(chat))) {
				t.Error("the idle check-in of a customer who blocked the bot was armed")
			}
		})
	}
}
