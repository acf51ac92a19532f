package ops

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/stats"
	"github.com/batonhq/baton/bot/store"
)

// benchConversations is how many conversations the window holds.
const benchConversations = 10000

// missWordings are what customers ask that the knowledge does not cover.
var missWordings = []string{
	"can I pay with seashells", "do you ship to Antarctica", "is there a student discount",
	"can I get gift wrapping", "do you have a store in Paris", "what is your CEO's name",
	"can I pay in bitcoin", "do you sell refurbished phones", "how do I become a reseller",
	"你们有实体店吗", "학생 할인 있어요?", "can you engrave my name on it",
}

// seed plays benchConversations conversations over the last 30 days through
// the lifecycle, the way the core hands them to the statistics: every
// conversation starts, 30% are handed off (claimed, answered, resolved and
// rated), 20% have a miss; 20 are waiting now.
func seed(tb testing.TB, db store.DB, rec *stats.Recorder, now time.Time) *session.Store {
	tb.Helper()
	ctx := context.Background()
	sessions := session.New(db)
	agents := []lifecycle.Agent{{ID: "ULIA", Name: "Lia"}, {ID: "UMIN", Name: "Min-jun"}, {ID: "UWEI", Name: "Wei"}}
	langs := []string{"en", "en", "zh", "ko"}
	reasons := []string{"explicit", "complaint", "confusion", "loop"}
	for i := range benchConversations {
		at := now.Add(-time.Duration(i%30) * 24 * time.Hour).Add(-time.Duration(i%600) * time.Second)
		lang := langs[i%len(langs)]
		id := fmt.Sprintf("telegram:%d", 100000+i)
		s := &session.Session{ID: id, Lang: lang, Mode: session.ModeBot}
		emit := func(evs ...lifecycle.Event) {
			for _, ev := range evs {
				rec.Observe(ctx, s, ev)
			}
		}
		base := lifecycle.Base{Conv: id, Lang: lang, At: at}
		emit(lifecycle.Started{Base: base, Channel: "telegram"})
		if i%5 == 0 {
			emit(lifecycle.Missed{Base: base, Text: missWordings[i%len(missWordings)], Unsure: i%2 == 0})
		}
		if i%10 < 3 {
			a := agents[i%len(agents)]
			emit(lifecycle.OpenHandoff(s, reasons[i%len(reasons)], nil, nil, "", true, at, time.Time{}).Events...)
			emit(lifecycle.Reply(s, a, at.Add(90*time.Second)).Events...)
			st, _ := lifecycle.Resolve(s, a, at.Add(12*time.Minute))
			emit(st.Events...)
			emit(lifecycle.Rate(s, 1+i%5, at.Add(13*time.Minute)))
		}
	}
	for i := range 20 {
		id := fmt.Sprintf("telegram:%d", 900000+i)
		s, err := sessions.Update(ctx, id, func(s *session.Session) error {
			s.Channel, s.ChatID, s.Name, s.Lang = "telegram", fmt.Sprint(900000+i), "Customer Waiting", "en"
			s.Turns = []session.Turn{{Role: "customer", Text: "I need a person", At: now}}
			lifecycle.OpenHandoff(s, "explicit", nil, nil, "", true, now.Add(-time.Duration(i)*time.Minute), time.Time{})
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
		rec.Observe(ctx, s, lifecycle.Opened{Base: lifecycle.Base{Conv: id, Lang: "en", At: s.Handoff.At}, Reason: "explicit"})
	}
	return sessions
}

// BenchmarkOpsPage renders /ops with 10,000 conversations in the 30-day
// window (cold: the gap clusters are computed in every render; warm: they
// are reused for a minute, as between page views and SSE refreshes), and
// reports the Redis memory the statistics keep per conversation.
//
//	REDIS_URL=redis://127.0.0.1:6379 go test -run '^$' -bench OpsPage -benchtime 50x ./adapters/ops/
func BenchmarkOpsPage(b *testing.B) {
	db := sessiontest.DB(b)
	now := time.Now()
	rec := stats.New(db)
	sessions := seed(b, db, rec, now)
	h, err := New(Config{Token: "t", Stats: rec, Sessions: sessions})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/ops", nil)
	req.Header.Set("Authorization", "Bearer t")
	render := func(b *testing.B) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || w.Body.Len() < 10000 {
			b.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
		}
	}
	perConv, keys := statsMemory(b, db)
	for _, c := range []struct {
		name string
		cold bool
	}{{"cold", true}, {"warm", false}} {
		b.Run(c.name, func(b *testing.B) {
			render(b)
			b.ResetTimer()
			for b.Loop() {
				if c.cold {
					h.forgetGaps()
				}
				render(b)
			}
			b.ReportMetric(perConv, "redis-bytes/conv")
			b.ReportMetric(float64(keys), "stats-keys")
		})
	}
}

// statsMemory sums MEMORY USAGE of the statistics keys (the test's prefix
// holds nothing else but the 20 waiting sessions, which are left out).
func statsMemory(b *testing.B, db store.DB) (float64, int) {
	ctx := context.Background()
	var total int64
	keys := 0
	iter := db.Client.Scan(ctx, 0, db.Keys.Prefix()+"*stats*", 1000).Iterator()
	for iter.Next(ctx) {
		n, err := db.Client.MemoryUsage(ctx, iter.Val()).Result()
		if err != nil {
			b.Fatal(err)
		}
		total += n
		keys++
	}
	if err := iter.Err(); err != nil {
		b.Fatal(err)
	}
	return float64(total) / benchConversations, keys
}
