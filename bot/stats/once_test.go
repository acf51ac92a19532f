package stats_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/stats"
	"github.com/batonhq/baton/bot/store"
)

// turnEvents are the statistics events of customer turns of every kind a
// turn owes (bot/outbox.go): a conversation started, an answer, a hedged
// answer, a miss, a picked topic, a handoff with its reason, and ratings of
// the bot and of the agent.
func turnEvents(conv string, at time.Time) map[string][]lifecycle.Event {
	base := lifecycle.Base{Conv: conv, Lang: "en", At: at}
	h := base
	h.Handoff = at
	return map[string][]lifecycle.Event{
		"answer": {lifecycle.Started{Base: base, Channel: "telegram"}, lifecycle.Answered{Base: base, Entry: "shipping/times"}},
		"likely": {lifecycle.Missed{Base: base, Text: "when does my parcel come", Entry: "shipping/times", Score: 0.61, Likely: true}},
		"miss":   {lifecycle.Missed{Base: base, Text: "call me on +1 555 123 4567", Score: 0.2, Unsure: true}},
		"pick":   {lifecycle.Picked{Base: base, Entry: "returns/gift", After: "the present I got"}},
		"handoff": {lifecycle.CustomerWroteWhileWaiting{Base: h, Text: "hello?"},
			lifecycle.Opened{Base: h, Reason: "complaint", Team: ""}},
		"rate bot":   {lifecycle.Rated{Base: base, Stars: 4, Who: "bot"}},
		"rate agent": {lifecycle.Rated{Base: h, Stars: 2, Who: "agent", Agent: lia}},
	}
}

// snapshot reads every statistics key of db except the markers: what a
// report, the queue, the gaps and the ops page read.
func snapshot(t *testing.T, db store.DB, days ...string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, d := range days {
		h, err := db.Client.HGetAll(ctx, db.Keys.StatsDay(d)).Result()
		if err != nil {
			t.Fatal(err)
		}
		fields := make([]string, 0, len(h))
		for f, v := range h {
			fields = append(fields, f+"="+v)
		}
		sort.Strings(fields)
		fmt.Fprintf(&b, "day %s: %v\n", d, fields)
		for _, k := range []string{db.Keys.StatsMisses(d), db.Keys.StatsPicks(d)} {
			l, err := db.Client.LRange(ctx, k, 0, -1).Result()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s: %q\n", k, l)
		}
	}
	for _, k := range []string{db.Keys.StatsQueue(), db.Keys.StatsHandoffs(), db.Keys.StatsWorking()} {
		z, err := db.Client.ZRangeWithScores(ctx, k, 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s: %v\n", k, z)
	}
	a, err := db.Client.HGetAll(ctx, db.Keys.StatsAgents()).Result()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "agents: %v\n", a)
	return b.String()
}

// markers lists the "counted" markers under db's prefix with their TTLs.
func markers(t *testing.T, db store.DB) map[string]time.Duration {
	t.Helper()
	ctx := context.Background()
	var (
		mu   sync.Mutex
		keys []string
	)
	list := func(ctx context.Context, c redis.UniversalClient) error {
		k, err := c.Keys(ctx, db.Keys.StatsOnce("*")).Result()
		mu.Lock()
		keys = append(keys, k...)
		mu.Unlock()
		return err
	}
	var err error
	if c, ok := db.Client.(*redis.ClusterClient); ok {
		err = c.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error { return list(ctx, n) })
	} else {
		err = list(ctx, db.Client)
	}
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Duration{}
	for _, k := range keys {
		ttl, err := db.Client.PTTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		out[k] = ttl
	}
	return out
}

// A customer's turn handed on again (its update met again after a crash
// between counting and marking it answered, or by a second replica taking
// it over) counts once: the statistics, the gap samples, the queue and the
// handoff index are exactly as after the first time, for every kind of
// turn statistics; the same events under another turn's id count again.
// Single Redis and, when REDIS_CLUSTER_URL is set, the Cluster.
func TestWorkMetAgainCountsOnce(t *testing.T) {
	ctx := context.Background()
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			rec := stats.New(db, stats.WithClock(func() time.Time { return day0 }))
			day := day0.Format("2006-01-02")
			s := &session.Session{ID: "telegram:7", Lang: "en"}
			turns := turnEvents(s.ID, day0)
			kinds := make([]string, 0, len(turns))
			for k := range turns {
				kinds = append(kinds, k)
			}
			sort.Strings(kinds)
			for i, k := range kinds {
				id := fmt.Sprintf("%s|u:%d", s.ID, 1000+i)
				before := snapshot(t, db, day)
				rec.ObserveWork(ctx, s, id, turns[k])
				first := snapshot(t, db, day)
				if first == before {
					t.Fatalf("%s: the turn counted nothing", k)
				}
				// Met again, whole (a second replica) and as the owed
				// events alone (rebuilt from the outbox: no
				// CustomerWroteWhileWaiting here).
				rec.ObserveWork(ctx, s, id, turns[k])
				rec.ObserveWork(ctx, s, id, turns[k][len(turns[k])-1:])
				if again := snapshot(t, db, day); again != first {
					t.Errorf("%s met again changed the statistics:\nafter the first time:\n%s\nafter the replays:\n%s", k, first, again)
				}
			}
			rep, err := rec.Report(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			one := rep.All
			if one.Conversations != 1 || one.Answers != 1 || one.Likely != 1 || one.Misses != 1 || one.Handoffs != 1 ||
				one.Reasons["complaint"] != 1 || one.Complaints != 1 || one.BotRatings[4] != 1 || one.AgentRatings[2] != 1 {
				t.Errorf("after every turn once and again: %+v, want each counted once", one)
			}
			misses, picks, err := rec.Samples(ctx, 1, 100)
			if err != nil || len(misses) != 2 || len(picks) != 1 {
				t.Errorf("gap samples: %d misses (with the hedged answer), %d picks, %v; want 2 and 1", len(misses), len(picks), err)
			}
			if n, err := db.Client.HGet(ctx, db.Keys.StatsDay(day), "picks").Int(); err != nil || n != 1 {
				t.Errorf("picks %d (%v), want 1", n, err)
			}

			// The same events, other turns (the customer's next updates):
			// counted again.
			for i, k := range kinds {
				rec.ObserveWork(ctx, s, fmt.Sprintf("%s|u:%d", s.ID, 2000+i), turns[k])
			}
			rep, err = rec.Report(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			two := rep.All
			if two.Conversations != 2 || two.Answers != 2 || two.Likely != 2 || two.Misses != 2 || two.Handoffs != 2 ||
				two.Reasons["complaint"] != 2 || two.Complaints != 2 || two.BotRatings[4] != 2 || two.AgentRatings[2] != 2 {
				t.Errorf("after two turns of each: %+v, want each counted twice", two)
			}

			// One marker per counted turn, each expiring within the once-TTL.
			ms := markers(t, db)
			if len(ms) != 2*len(kinds) {
				t.Errorf("%d markers, want one per turn counted (%d)", len(ms), 2*len(kinds))
			}
			for k, ttl := range ms {
				if ttl <= 0 || ttl > stats.DefaultOnceTTL {
					t.Errorf("marker %s expires in %v, want within %v", k, ttl, stats.DefaultOnceTTL)
				}
			}
		})
	}
}

// Two replicas handing on the same turn at the same instant (one took the
// update over from the other, which was only slow) count it once.
func TestWorkHandedOnByTwoReplicasAtOnceCountsOnce(t *testing.T) {
	ctx := context.Background()
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			db := sessiontest.DBOn(t, sessiontest.Dial(t, url))
			replica2 := store.DB{Client: sessiontest.Dial(t, url), Keys: db.Keys}
			recs := []*stats.Recorder{stats.New(db), stats.New(replica2)}
			s := &session.Session{ID: "telegram:8", Lang: "en"}
			const turns = 50
			var wg sync.WaitGroup
			for i := range turns {
				evs := []lifecycle.Event{lifecycle.Answered{Base: lifecycle.Base{Conv: s.ID, Lang: "en", At: day0}, Entry: "shipping/times"},
					lifecycle.Rated{Base: lifecycle.Base{Conv: s.ID, Lang: "en", At: day0}, Stars: 5, Who: "bot"}}
				id := fmt.Sprintf("%s|u:%d", s.ID, i)
				for _, r := range recs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						r.ObserveWork(ctx, s, id, evs)
					}()
				}
			}
			wg.Wait()
			// A report reads the days up to its clock's today: day0's.
			rep, err := stats.New(db, stats.WithClock(func() time.Time { return day0 })).Report(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if rep.All.Answers != turns || rep.All.BotRatings[5] != turns {
				t.Errorf("%d turns each handed on by two replicas at once: %d answers, %d five-star ratings; want %d each",
					turns, rep.All.Answers, rep.All.BotRatings[5], turns)
			}
		})
	}
}

// Events without an id (an agent's action, a timer) are counted each time,
// as before; the events of one piece of work are one round trip whatever
// their number, and a turn met again is one round trip that writes nothing.
func TestWorkIsOneRoundTrip(t *testing.T) {
	ctx := context.Background()
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			rdb := sessiontest.Dial(t, url)
			db := sessiontest.DBOn(t, rdb)
			rec := stats.New(db, stats.WithClock(func() time.Time { return day0 }))
			s := &session.Session{ID: "telegram:9", Lang: "en"}
			// Scripts loaded first: a server's first EVALSHA of a script
			// costs one more (NOSCRIPT, then EVAL).
			rec.ObserveWork(ctx, s, "warm-up", []lifecycle.Event{lifecycle.Answered{Base: lifecycle.Base{Conv: "x", At: day0}}})
			trips := &tripCounter{}
			rdb.AddHook(trips)
			evs := turnEvents(s.ID, day0)
			all := append(append(append([]lifecycle.Event{}, evs["answer"]...), evs["handoff"]...), evs["miss"]...)
			rec.ObserveWork(ctx, s, s.ID+"|u:1", all)
			if n := trips.take(); n != 1 {
				t.Errorf("a turn of %d events took %d round trips, want 1", len(all), n)
			}
			rec.ObserveWork(ctx, s, s.ID+"|u:1", all)
			if n := trips.take(); n != 1 {
				t.Errorf("the turn met again took %d round trips, want 1", n)
			}
			rec.ObserveWork(ctx, s, s.ID+"|u:2", evs["handoff"][:1]) // counts nothing
			if n := trips.take(); n != 0 {
				t.Errorf("a turn with nothing to count took %d round trips, want 0", n)
			}
			reply := lifecycle.AgentReplied{Base: lifecycle.Base{Conv: s.ID, At: day0}, Agent: lia}
			rec.Observe(ctx, s, reply)
			rec.Observe(ctx, s, reply)
			rep, err := rec.Report(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if rep.All.Replies != 2 || rep.All.Answers != 2 || rep.All.Handoffs != 1 {
				t.Errorf("replies %d (want 2: no id, each counted), answers %d (want 2 with the warm-up), handoffs %d (want 1)",
					rep.All.Replies, rep.All.Answers, rep.All.Handoffs)
			}
		})
	}
}

// tripCounter counts the client's round trips (a command, or a pipeline).
type tripCounter struct {
	mu sync.Mutex
	n  int
}

func (c *tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if n := strings.ToLower(fmt.Sprint(cmd.Args()[0])); n != "hello" && n != "cluster" {
			c.mu.Lock()
			c.n++
			c.mu.Unlock()
		}
		return next(ctx, cmd)
	}
}

func (c *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.mu.Lock()
		c.n++
		c.mu.Unlock()
		return next(ctx, cmds)
	}
}

func (c *tripCounter) take() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	c.n = 0
	return n
}

// BenchmarkWorkMarkerMemory counts b.N customer turns (an answer each,
// with Telegram-like conversation and update ids) and reports the Redis
// memory of their "counted" markers: MEMORY USAGE per marker, and the
// growth of used_memory per turn (meaningful only on a Redis nobody else
// writes to during the run). Needs REDIS_URL (miniredis has no MEMORY).
func BenchmarkWorkMarkerMemory(b *testing.B) {
	if os.Getenv("REDIS_URL") == "" {
		b.Skip("REDIS_URL is not set: MEMORY USAGE needs a real Redis")
	}
	ctx := context.Background()
	// A prefix as long as the default "baton:" (a test's is ~40
	// characters, which would inflate every marker), removed afterwards.
	rdb := sessiontest.Client(b)
	db, err := store.New(rdb, "b"+strings.ToLower(rand.Text()[:4])+":")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sessiontest.DeletePrefix(context.Background(), rdb, db.Keys.Prefix()) })
	rec := stats.New(db)
	used := func() int64 {
		info, err := db.Client.InfoMap(ctx, "memory").Result()
		if err != nil {
			b.Fatal(err)
		}
		for _, sec := range info {
			if v, ok := sec["used_memory"]; ok {
				var n int64
				fmt.Sscan(v, &n)
				return n
			}
		}
		b.Fatal("no used_memory")
		return 0
	}
	now := time.Now()
	rec.ObserveWork(ctx, nil, "warm-up", []lifecycle.Event{lifecycle.Answered{Base: lifecycle.Base{Conv: "x", At: now}}})
	before := used()
	b.ResetTimer()
	for i := range b.N {
		conv := fmt.Sprintf("telegram:%d", 500000000+i)
		rec.ObserveWork(ctx, nil, fmt.Sprintf("%s|u:%d", conv, 800000000+i),
			[]lifecycle.Event{lifecycle.Answered{Base: lifecycle.Base{Conv: conv, Lang: "en", At: now}, Entry: "shipping/times"}})
	}
	b.StopTimer()
	after := used()
	iter := db.Client.Scan(ctx, 0, db.Keys.StatsOnce("*"), 1000).Iterator()
	var total, n int64
	for iter.Next(ctx) {
		m, err := db.Client.MemoryUsage(ctx, iter.Val()).Result()
		if err != nil {
			b.Fatal(err)
		}
		total, n = total+m, n+1
	}
	if err := iter.Err(); err != nil {
		b.Fatal(err)
	}
	if n != int64(b.N)+1 {
		b.Fatalf("%d markers for %d turns", n, b.N+1)
	}
	b.ReportMetric(float64(total)/float64(n), "memory-usage-bytes/marker")
	b.ReportMetric(float64(after-before)/float64(b.N), "used-memory-bytes/turn")
}
