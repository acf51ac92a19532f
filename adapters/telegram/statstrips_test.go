package telegram

import (
	"context"
	"strings"
	"testing"

	baton "github.com/batonhq/baton"
	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/stats"
	"github.com/batonhq/baton/bot/store"
)

// With the statistics recorder `baton serve` runs, a customer message
// costs one round trip more than TestRoundTripsPerMessage's core without
// it, and only one: a turn's statistics (the conversation started and the
// answer, on a first message) are one StatsRecord script, which also
// marks the turn counted (main before it, 2026-12-04 23:45: the same 5
// and 4, each a MULTI of the turn's counters). A redelivered update costs
// no statistics.
func TestRoundTripsPerMessageWithStatistics(t *testing.T) {
	for name, url := range sessiontest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			rdb := sessiontest.Dial(t, url)
			db := sessiontest.DBOn(t, rdb)
			trips := &tripCounter{}
			rdb.AddHook(trips)
			prompts, err := content.Resolve("", "prompts", baton.Files, "prompts")
			if err != nil {
				t.Fatal(err)
			}
			knowledge, err := content.Resolve("", "knowledge", baton.Files, "knowledge")
			if err != nil {
				t.Fatal(err)
			}
			holder, _, err := content.NewHolder(prompts, knowledge, discard())
			if err != nil {
				t.Fatal(err)
			}
			core := bot.New(session.New(db), holder, bot.WithObservers(stats.New(db)))
			hs, exited := tripHarness(t, core, db)
			u := telegramtest.Customer(4343)
			send := tripSender(t, hs, trips, exited)
			loadScripts(t, rdb)
			ctx := t.Context()
			if c, ok := rdb.(*redis.ClusterClient); ok {
				err = c.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error { return store.StatsRecord.Load(ctx, n).Err() })
			} else {
				err = store.StatsRecord.Load(ctx, rdb).Err()
			}
			if err != nil {
				t.Fatal(err)
			}
			// StatsRecord is the one script cmdName does not name.
			statsTrips := func(l []string) int {
				n := 0
				for _, s := range l {
					if s == "evalsha" {
						n++
					}
				}
				return n
			}
			_, first := send(u.Text("hello"), true)
			var later [][]string
			var last int64
			for _, q := range []string{"where is my order?", "how long does shipping take?", "can I return a gift?"} {
				id, l := send(u.Text(q), true)
				later, last = append(later, l), id
			}
			again := u.Text("can I return a gift?")
			again["update_id"] = last
			_, dup := send(again, false)
			t.Logf("a conversation's first message: %d round trips: %s", len(first), strings.Join(first, ", "))
			for i, l := range later {
				t.Logf("message %d: %d round trips: %s", i+2, len(l), strings.Join(l, ", "))
			}
			if len(first) > wantFirst+1 || statsTrips(first) != 1 {
				t.Errorf("a conversation's first message took %d round trips (%d for the statistics), want at most %d with 1 for the statistics",
					len(first), statsTrips(first), wantFirst+1)
			}
			for i, l := range later {
				if len(l) > wantLater+1 || statsTrips(l) != 1 {
					t.Errorf("message %d took %d round trips (%d for the statistics), want at most %d with 1 for the statistics",
						i+2, len(l), statsTrips(l), wantLater+1)
				}
			}
			if len(dup) != 1 {
				t.Errorf("a redelivered update took %d round trips, want 1", len(dup))
			}
		})
	}
}
