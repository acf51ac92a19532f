package main

import (
	"context"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/metrics"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/stats"
)

// promValue sums the values of the metric name (a counter, or a
// histogram's count) over its series in m.
func promValue(t *testing.T, m *metrics.Metrics, name string) float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, s := range mf.GetMetric() {
			if c := s.GetCounter(); c != nil {
				sum += c.GetValue()
			}
			if h := s.GetHistogram(); h != nil {
				sum += float64(h.GetSampleCount())
			}
		}
	}
	return sum
}

// A customer's turn met again (its update taken over by another replica,
// or met by the restarted one, after the turn was handed on: the core
// hands its events on again with the same work id) counts once in the
// per-process Prometheus counters, summed over the replicas, as it does
// in the statistics in Redis: the metrics follow the statistics' "counted"
// decision. Before, each hand-on counted again (a handoff, a rating).
// Work with no id (an agent's action) and a new update count each time.
func TestMetricsCountATurnMetAgainOnce(t *testing.T) {
	ctx := context.Background()
	db := sessiontest.DB(t)
	rec := stats.New(db)
	m1, m2 := metrics.New(), metrics.New()
	replica1, replica2 := lifecycle.Observers(workObservers(m1, rec)), lifecycle.Observers(workObservers(m2, rec))
	sum := func(name string) float64 { return promValue(t, m1, name) + promValue(t, m2, name) }

	s := &session.Session{ID: "c-metrics-once", Channel: "telegram", ChatID: "1"}
	base := lifecycle.Base{Conv: s.ID, Lang: "en", At: time.Now()}
	turn := []lifecycle.Event{
		lifecycle.Opened{Base: base, Reason: "explicit"},
		lifecycle.Rated{Base: base, Who: "bot", Stars: 4},
	}
	replica1.ObserveWork(ctx, s, s.ID+"|u:1", turn)
	replica2.ObserveWork(ctx, s, s.ID+"|u:1", turn) // taken over
	replica1.ObserveWork(ctx, s, s.ID+"|u:1", turn) // met once more
	if h, r := sum("baton_handoffs_total"), sum("baton_rating"); h != 1 || r != 1 {
		t.Errorf("one turn met three times: handoffs %v, ratings %v over both replicas; want 1 and 1", h, r)
	}

	replica2.ObserveWork(ctx, s, s.ID+"|u:2", turn) // a new update: a new turn
	if h := sum("baton_handoffs_total"); h != 2 {
		t.Errorf("handoffs %v after a second update, want 2", h)
	}
	claimed := []lifecycle.Event{lifecycle.Claimed{Base: base, Agent: lifecycle.Agent{ID: "U1", Name: "Lia"}}}
	replica1.ObserveWork(ctx, s, "", claimed)
	replica1.Observe(ctx, s, claimed[0])
	if n := sum("baton_handoff_transitions_total"); n != 2 {
		t.Errorf("transitions %v after two claims without a work id, want 2", n)
	}
}
