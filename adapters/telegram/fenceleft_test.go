package telegram

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/stats"
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
