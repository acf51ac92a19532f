package metrics

import (
	"context"
	"errors"
	"github.com/batonhq/baton/bot/lifecycle"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("content type %q, want Prometheus text", ct)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("scrape body: %v", err)
	}
	return string(b)
}

func TestCountersAndScrape(t *testing.T) {
	m := New()
	m.MessageIn("telegram")
	m.MessageIn("telegram")
	m.MessageIn("console")
	m.MessageOut("telegram")
	m.ReplyLatency("telegram", 15*time.Millisecond)
	m.Replied("telegram", 2, 3*time.Millisecond)
	m.Error("session")
	m.Dropped("telegram", "duplicate")
	ctx := t.Context()
	m.Observe(ctx, nil, lifecycle.Opened{Reason: "asked"})
	m.Observe(ctx, nil, lifecycle.Rated{Who: "bot", Stars: 5})
	m.Observe(ctx, nil, lifecycle.AgentReplied{First: true, Since: 90 * time.Second})
	m.Observe(ctx, nil, lifecycle.Resolved{Took: 10 * time.Minute})
	m.Observe(ctx, nil, lifecycle.Transferred{From: "", To: "payments"})

	if got := testutil.ToFloat64(m.in.WithLabelValues("telegram")); got != 2 {
		t.Errorf("messages in (telegram) = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.errors.WithLabelValues("session")); got != 1 {
		t.Errorf("errors (session) = %v, want 1", got)
	}

	body := scrape(t, m)
	for _, want := range []string{
		`baton_messages_in_total{channel="telegram"} 2`,
		`baton_messages_in_total{channel="console"} 1`,
		`baton_messages_out_total{channel="telegram"} 1`,
		`baton_reply_latency_seconds_bucket{channel="telegram",le="0.02"} 1`,
		`baton_reply_latency_seconds_bucket{channel="telegram",le="0.01"} 0`,
		`baton_handle_seconds_count{channel="telegram"} 1`,
		`baton_errors_total{where="session"} 1`,
		`baton_updates_dropped_total{channel="telegram",reason="duplicate"} 1`,
		`baton_handoffs_total{reason="asked"} 1`,
		`baton_rating_sum{who="bot"} 5`,
		`baton_handoff_first_reply_seconds_bucket{le="120"} 1`,
		`baton_handoff_resolution_seconds_sum 600`,
		`baton_handoff_transitions_total{transition="resolved"} 1`,
		`baton_handoff_transitions_total{transition="transferred"} 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

// Two instances must not share state (no global registry).
func TestInstancesAreIndependent(t *testing.T) {
	a, b := New(), New()
	a.MessageIn("telegram")
	if got := testutil.ToFloat64(b.in.WithLabelValues("telegram")); got != 0 {
		t.Errorf("second instance saw the first one's count: %v", got)
	}
}

func TestNilIsSafe(t *testing.T) {
	var m *Metrics
	m.MessageIn("x")
	m.MessageOut("x")
	m.ReplyLatency("x", time.Second)
	m.Replied("x", 1, time.Second)
	m.Error("x")
	m.Dropped("x", "y")
	m.Observe(t.Context(), nil, lifecycle.Opened{Reason: "x"})
	m.Observe(t.Context(), nil, lifecycle.Rated{Who: "bot", Stars: 3})
	if err := m.WatchActive(func(context.Context) (int64, error) { return 0, nil }); err != nil {
		t.Errorf("nil WatchActive: %v", err)
	}
	if err := m.Register(prometheus.NewCounter(prometheus.CounterOpts{Name: "x"})); err != nil {
		t.Errorf("nil Register: %v", err)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("nil handler status %d, want 404", rec.Code)
	}
}

func TestActiveConversations(t *testing.T) {
	m := New()
	var fail bool
	if err := m.WatchActive(func(ctx context.Context) (int64, error) {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the active count got a context without deadline")
		}
		if fail {
			return 0, errors.New("redis down")
		}
		return 7, nil
	}); err != nil {
		t.Fatal(err)
	}
	if body := scrape(t, m); !strings.Contains(body, "baton_active_conversations 7") {
		t.Errorf("scrape lacks the active gauge:\n%s", body)
	}
	fail = true
	body := scrape(t, m)
	if strings.Contains(body, "baton_active_conversations ") {
		t.Error("a failed count should leave the gauge out, not report a made-up value")
	}
	// Collectors run concurrently within a scrape, so read the count after it.
	if got := testutil.ToFloat64(m.errors.WithLabelValues("metrics_active")); got != 1 {
		t.Error("a failed count should be counted as an error")
	}
	if !strings.Contains(body, `baton_messages_in_total`) && !strings.Contains(body, "go_goroutines") {
		t.Error("a failed collector hid the other metrics")
	}
}

func TestRegisterOwnCollectors(t *testing.T) {
	m := New()
	c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: Namespace, Name: "llm_tokens_total", Help: "tokens"})
	if err := m.Register(c); err != nil {
		t.Fatal(err)
	}
	c.Add(42)
	if err := m.Register(c); err == nil {
		t.Error("registering the same collector twice should fail")
	}
	if body := scrape(t, m); !strings.Contains(body, "baton_llm_tokens_total 42") {
		t.Error("an added collector is not served")
	}
}
