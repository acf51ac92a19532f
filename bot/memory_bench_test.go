package bot_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// BenchmarkSessionRedisMemory runs b.N conversations of six customer
// messages (Telegram updates, with ids) through the core on real Redis and reports the Redis memory a
// conversation takes: MEMORY USAGE of every key under the test prefix
// (state, outbox, timers, activity set, markers), divided by the conversations.
// Needs REDIS_URL (miniredis has no MEMORY USAGE).
func BenchmarkSessionRedisMemory(b *testing.B) {
	if os.Getenv("REDIS_URL") == "" {
		b.Skip("REDIS_URL is not set: MEMORY USAGE needs a real Redis")
	}
	db := sessiontest.DB(b)
	core := bot.New(session.New(db), contents(b))
	ctx := context.Background()
	questions := []string{"hi", "where is my order?", "how long does shipping take?",
		"can I return a gift?", "do you ship to Canada?", "thanks!"}
	b.ResetTimer()
	for i := range b.N {
		for j, q := range questions {
			// With an id, as Telegram's updates have: the session then
			// keeps the last turn's replies (its outbox) until the next.
			ev := bot.Event{ID: fmt.Sprint(i*len(questions) + j), Channel: "telegram", ChatID: fmt.Sprint(100000 + i), Kind: bot.KindText, Text: q,
				Customer: bot.Customer{ID: fmt.Sprint(100000 + i), Name: "Jane Doe", Lang: "en"}}
			if _, err := core.Handle(ctx, ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	var total, state, outbox int64
	iter := db.Client.Scan(ctx, 0, db.Keys.Prefix()+"*", 1000).Iterator()
	for iter.Next(ctx) {
		n, err := db.Client.MemoryUsage(ctx, iter.Val()).Result()
		if err != nil {
			b.Fatal(err)
		}
		total += n
		switch {
		case strings.HasSuffix(iter.Val(), ":state"):
			state += n
		case strings.HasSuffix(iter.Val(), ":outbox"):
			outbox += n
		}
	}
	if err := iter.Err(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(total)/float64(b.N), "redis-bytes/session")
	// The conversation's own record; the rest is its share of the
	// activity set and the timers.
	b.ReportMetric(float64(state)/float64(b.N), "state-bytes/session")
	// The last turn's replies, in a key of their own beside the state.
	b.ReportMetric(float64(outbox)/float64(b.N), "outbox-bytes/session")
}
