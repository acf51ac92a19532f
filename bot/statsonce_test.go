package bot_test

import (
	"context"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/stats"
	"github.com/batonhq/baton/bot/store"
)

// gate holds a replica's observers at the first event it sees, before
// the statistics after it in the list (a replica killed, or only slow,
// between saving a turn and counting it): entered is closed when it
// holds, and it lets go once release is closed.
type gate struct {
	once             sync.Once
	entered, release chan struct{}
}

func (g *gate) Observe(context.Context, *session.Session, lifecycle.Event) {
	g.once.Do(func() {
		close(g.entered)
		<-g.release
	})
}

// A customer's turn whose update is met again counts its statistics once,
// in the real statistics on real Redis (and the Cluster when
// REDIS_CLUSTER_URL is set), for every kind of turn statistics: an answer
// (and the conversation it started), a hedged answer, a miss, a picked
// topic, a handoff with its reason, the agent's rating. Replica 1 saves
// each turn and is held before counting it; replica 2 meets the update
// (as after a take-over) and hands the turn on; replica 1 then goes on
// and counts it too, and replica 3 meets the update once more (as when
// the update was never marked answered). Each turn counts once; the same
// question again, as a new update, counts again.
func TestUpdateMetAgainCountsItsStatisticsOnceInRedis(t *testing.T) {
	ctx := context.Background()
	c := contents(t) // one load for all the replicas (a load is the slow part)
	likelyQuestion := hedgedQuestion(t, "").question
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			st := session.New(db, session.WithMaxTurns(200))
			clk := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
			rec := stats.New(db, stats.WithClock(clk.Now))
			out := &outbox{}
			replica := func(obs ...lifecycle.Observer) *bot.Bot {
				r := bot.New(st, c, bot.WithClock(clk.Now), bot.WithLocation(time.UTC), bot.WithDesk(&desk{}),
					bot.WithObservers(append(obs, rec)...))
				r.Register("test", out)
				return r
			}
			figures := func() stats.Figures {
				t.Helper()
				rep, err := rec.Report(ctx, 1)
				if err != nil {
					t.Fatal(err)
				}
				return rep.All
			}
			picks := func() int {
				t.Helper()
				n, _ := db.Client.HGet(ctx, db.Keys.StatsDay(clk.Now().Format("2006-01-02")), "picks").Int()
				return n
			}
			lia := bot.Agent{ID: "U1", Name: "Lia Park"}
			conv := bot.ConvID("test", "c1")
			id := 900
			// turn hands ev (a new update) to three replicas as above.
			turn := func(ev bot.Event) {
				t.Helper()
				id++
				ev.ID, ev.Channel, ev.ChatID = strconv.Itoa(id), "test", "c1"
				before, beforePicks := figures(), picks()
				g := &gate{entered: make(chan struct{}), release: make(chan struct{})}
				r1 := replica(g)
				done := make(chan error, 1)
				go func() {
					_, err := r1.Handle(ctx, ev)
					done <- err
				}()
				<-g.entered
				if _, err := replica().Handle(ctx, ev); err != nil {
					t.Fatal(err)
				}
				once, oncePicks := figures(), picks()
				if reflect.DeepEqual(once, before) && oncePicks == beforePicks {
					t.Fatalf("update %s (%q): nothing counted", ev.ID, ev.Text)
				}
				close(g.release)
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				if _, err := replica().Handle(ctx, ev); err != nil {
					t.Fatal(err)
				}
				if after := figures(); !reflect.DeepEqual(after, once) || picks() != oncePicks {
					t.Errorf("update %s (%q) met again counted again:\nonce:  %+v\nafter: %+v", ev.ID, ev.Text, once, after)
				}
			}
			turn(bot.Event{Kind: bot.KindText, Text: "How long does shipping take?"})
			turn(bot.Event{Kind: bot.KindText, Text: likelyQuestion})
			turn(bot.Event{Kind: bot.KindText, Text: "I have a question about money"})
			s, _, err := st.Get(ctx, conv)
			if err != nil || s == nil || s.Outbox == nil || len(s.Outbox.Replies) == 0 {
				t.Fatalf("no topics offered after the miss: %+v %v", s, err)
			}
			topic := ""
			for _, b := range s.Outbox.Replies[len(s.Outbox.Replies)-1].Buttons {
				if b.Kind == string(bot.KindTopic) {
					topic = b.Value
					break
				}
			}
			turn(bot.Event{Kind: bot.KindTopic, Text: topic})
			turn(bot.Event{Kind: bot.KindCommand, Text: "human"})
			r := replica()
			if err := r.Claim(ctx, conv, lia); err != nil {
				t.Fatal(err)
			}
			if err := r.Resolve(ctx, conv, lia); err != nil {
				t.Fatal(err)
			}
			turn(bot.Event{Kind: bot.KindRating, Text: "4"})

			f := figures()
			if f.Conversations != 1 || f.Answers != 1 || f.Likely != 1 || f.Misses != 1 || picks() != 1 ||
				f.Handoffs != 1 || f.Reasons["explicit"] != 1 || f.AgentRatings[4] != 1 {
				t.Errorf("after one turn of each, each met three times: %+v, picks %d; want each counted once", f, picks())
			}
			// The same question as a new update is a new turn: counted.
			turn(bot.Event{Kind: bot.KindText, Text: "How long does shipping take?"})
			if f := figures(); f.Answers != 2 {
				t.Errorf("answers %d after the same question as a second update, want 2", f.Answers)
			}
		})
	}
}

// holdSave is a go-redis hook that holds the first session save
// (SessionSave, alone or in a pipeline) until release is closed: the
// replica stalls between its turn and the save, past its chat lease, and
// entered is closed when it does.
type holdSave struct {
	once             sync.Once
	entered, release chan struct{}
}

func (h *holdSave) hold(cmds ...redis.Cmder) {
	for _, c := range cmds {
		if a := c.Args(); len(a) > 1 && a[0] == "evalsha" && a[1] == store.SessionSave.Hash() {
			h.once.Do(func() {
				close(h.entered)
				<-h.release
			})
			return
		}
	}
}

func (h *holdSave) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *holdSave) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.hold(cmd)
		return next(ctx, cmd)
	}
}
func (h *holdSave) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.hold(cmds...)
		return next(ctx, cmds)
	}
}

// A turn that stalls past its chat lease (replica 1 read the conversation
// ahead, ran the turn and stalls before its save) while replica 2 takes
// the update over and answers it: replica 1's save finds the conversation
// changed, its turn runs again under the lock, meets the update's saved
// turn and hands its events on again (its replies go out again: at least
// once). The statistics count the turn once.
func TestStalledTurnRerunUnderTheLockCountsOnce(t *testing.T) {
	ctx := context.Background()
	c := contents(t)
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			clk := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
			rec := stats.New(db, stats.WithClock(clk.Now))
			held := &holdSave{entered: make(chan struct{}), release: make(chan struct{})}
			rdb1 := sessiontest.Dial(t, url)
			rdb1.AddHook(held)
			db1 := store.DB{Client: rdb1, Keys: db.Keys}
			mk := func(db store.DB) *bot.Bot {
				r := bot.New(session.New(db, session.WithMaxTurns(200)), c, bot.WithClock(clk.Now), bot.WithLocation(time.UTC),
					bot.WithObservers(stats.New(db, stats.WithClock(clk.Now))))
				r.Register("test", &outbox{})
				return r
			}
			r1, r2 := mk(db1), mk(db)
			conv := bot.ConvID("test", "c1")
			// A conversation's first message owes more than statistics
			// (it started a conversation), so its hand-on is noted; the
			// next one owes only its answer, and is met again with it owed.
			if _, err := r2.Handle(ctx, bot.Event{ID: "950", Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "hello"}); err != nil {
				t.Fatal(err)
			}
			before, err := rec.Report(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			ev := bot.Event{ID: "951", Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "How long does shipping take?"}

			pipe := rdb1.Pipeline()
			ev1 := ev
			ev1.Read = r1.ReadAhead(ctx, pipe, conv)
			if _, err := pipe.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			type result struct {
				out []bot.Message
				err error
			}
			done := make(chan result, 1)
			go func() {
				out, err := r1.Handle(ctx, ev1)
				done <- result{out, err}
			}()
			<-held.entered
			out2, err := r2.Handle(ctx, ev)
			if err != nil || len(out2) == 0 {
				t.Fatalf("replica 2 answered %d messages, %v", len(out2), err)
			}
			close(held.release)
			res := <-done
			if res.err != nil {
				t.Fatal(res.err)
			}
			t.Logf("replica 1, after its stall, returned %d replies (the saved turn's, sent again)", len(res.out))
			rep, err := rec.Report(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if rep.All.Conversations != 1 || rep.All.Answers != before.All.Answers+1 {
				t.Errorf("conversations %d, answers %d after the stalled turn and its take-over (%d before); want 1 and one more",
					rep.All.Conversations, rep.All.Answers, before.All.Answers)
			}
			s, _, err := session.New(db).Get(ctx, conv)
			if err != nil || s == nil {
				t.Fatal(err)
			}
			if n := len(s.Turns); n != 4 {
				t.Errorf("%d turns saved, want 4 (two messages and the replies, once each)", n)
			}
		})
	}
}
