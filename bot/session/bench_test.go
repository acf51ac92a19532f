package session_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/batonhq/baton/bot/session/sessiontest"
)

// BenchmarkUpdate: one conversation, one caller, a turn per update with the
// history at its cap (the steady state of a long chat).
func BenchmarkUpdate(b *testing.B) {
	ctx := context.Background()
	st := sessiontest.Store(b)
	for b.Loop() {
		if _, err := st.Update(ctx, "bench", addTurn("where is my order? 我的订单在哪里？")); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkUpdateParallel: many conversations updated at once, as under load
// (one conversation per goroutine, so no lock waits).
func BenchmarkUpdateParallel(b *testing.B) {
	ctx := context.Background()
	st := sessiontest.Store(b)
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		id := fmt.Sprint("bench:", next.Add(1))
		for pb.Next() {
			if _, err := st.Update(ctx, id, addTurn("where is my order?")); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkUpdateContended: every goroutine updates the same conversation,
// so each update waits for the lock (the worst case).
func BenchmarkUpdateContended(b *testing.B) {
	ctx := context.Background()
	st := sessiontest.Store(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := st.Update(ctx, "hot", addTurn("hello?")); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}
