// Package metrics holds Baton's Prometheus collectors, shared by the core
// and the channel adapters, on a registry of their own (never the global
// default, so tests and two servers in one process do not collide).
//
// Every method is safe on a nil *Metrics and then does nothing, so packages
// can take an optional *Metrics without checking it at each call.
//
// Label values come from code (channel names, a fixed set of "where"
// places), never from customers, so the number of series stays bounded.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
)

// Namespace prefixes every metric name.
const Namespace = "baton"

// latencyBuckets cover a knowledge-base answer (milliseconds) up to a slow
// language model (tens of seconds).
var latencyBuckets = []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10, 20, 40}

// Metrics is the set of collectors. Make one with New.
type Metrics struct {
	reg *prometheus.Registry

	in       *prometheus.CounterVec
	out      *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	handle   *prometheus.HistogramVec
	errors   *prometheus.CounterVec
	dropped  *prometheus.CounterVec
	handoffs *prometheus.CounterVec
	ratings  *prometheus.HistogramVec

	transitions *prometheus.CounterVec
	firstReply  prometheus.Histogram
	resolution  prometheus.Histogram
}

// New registers the collectors (plus the Go runtime and process ones) on a
// new registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		in: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "messages_in_total",
			Help: "Customer messages received, by channel.",
		}, []string{"channel"}),
		out: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "messages_out_total",
			Help: "Messages delivered to customers, by channel (a long answer split in parts counts once).",
		}, []string{"channel"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "reply_latency_seconds",
			Help:    "Time from a customer message reaching Baton to its first reply being delivered, by channel.",
			Buckets: latencyBuckets,
		}, []string{"channel"}),
		handle: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "handle_seconds",
			Help:    "Time the core took to process one customer event, by channel.",
			Buckets: latencyBuckets,
		}, []string{"channel"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "errors_total",
			Help: "Errors, by where they happened (session, answer, desk, telegram_send, ...).",
		}, []string{"where"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "updates_dropped_total",
			Help: "Inbound platform updates not passed to the core, by channel and reason (duplicate, flood, ignored).",
		}, []string{"channel", "reason"}),
		handoffs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "handoffs_total",
			Help: "Handoffs the core decided, by reason (with or without an agent desk).",
		}, []string{"reason"}),
		ratings: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "rating",
			Help:    "Customer satisfaction ratings (1-5), by who was rated (bot, agent).",
			Buckets: []float64{1, 2, 3, 4, 5},
		}, []string{"who"}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "handoff_transitions_total",
			Help: "Handoff lifecycle transitions: claimed, resolved, returned, reminded, transferred.",
		}, []string{"transition"}),
		firstReply: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "handoff_first_reply_seconds",
			Help:    "Time from a handoff to the first agent reply (per agent and language: baton report).",
			Buckets: []float64{15, 30, 60, 120, 300, 600, 1800, 3600, 14400, 86400},
		}),
		resolution: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "handoff_resolution_seconds",
			Help:    "Time from a handoff to its resolution.",
			Buckets: []float64{60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200},
		}),
	}
	m.reg.MustRegister(m.in, m.out, m.latency, m.handle, m.errors, m.dropped, m.handoffs, m.ratings,
		m.transitions, m.firstReply, m.resolution,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where other packages register their own collectors
// (LLM tokens, desk latency, ...).
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// Register adds collectors to the registry.
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	if m == nil {
		return nil
	}
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// Handler serves the registry in the Prometheus text format. A collector
// that fails is reported in the scrape's errors but does not hide the rest.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling:     promhttp.ContinueOnError,
		Registry:          m.reg, // counts scrape errors as promhttp_metric_handler_errors_total
		EnableOpenMetrics: false,
	})
}

// MessageIn counts a customer message (the core calls it for every event).
func (m *Metrics) MessageIn(channel string) {
	if m == nil {
		return
	}
	m.in.WithLabelValues(channel).Inc()
}

// MessageOut counts a message delivered to a customer (adapters call it).
func (m *Metrics) MessageOut(channel string) {
	if m == nil {
		return
	}
	m.out.WithLabelValues(channel).Inc()
}

// Replied records the core's processing time of one event that produced
// messages replies.
func (m *Metrics) Replied(channel string, messages int, d time.Duration) {
	if m == nil {
		return
	}
	m.handle.WithLabelValues(channel).Observe(d.Seconds())
}

// ReplyLatency records what the customer waited: from their message
// reaching Baton to the first reply delivered.
func (m *Metrics) ReplyLatency(channel string, d time.Duration) {
	if m == nil {
		return
	}
	m.latency.WithLabelValues(channel).Observe(d.Seconds())
}

// Error counts an error at where ("session", "telegram_send", ...).
func (m *Metrics) Error(where string) {
	if m == nil {
		return
	}
	m.errors.WithLabelValues(where).Inc()
}

// Dropped counts an inbound update not passed to the core.
func (m *Metrics) Dropped(channel, reason string) {
	if m == nil {
		return
	}
	m.dropped.WithLabelValues(channel, reason).Inc()
}

// Observe implements lifecycle.Observer: the handoff lifecycle's events
// become the one set of handoff metrics.
func (m *Metrics) Observe(_ context.Context, _ *session.Session, ev lifecycle.Event) {
	if m == nil {
		return
	}
	switch e := ev.(type) {
	case lifecycle.Opened:
		m.handoffs.WithLabelValues(e.Reason).Inc()
	case lifecycle.Claimed:
		m.transitions.WithLabelValues("claimed").Inc()
	case lifecycle.AgentReplied:
		if e.First {
			m.firstReply.Observe(e.Since.Seconds())
		}
	case lifecycle.Resolved:
		m.transitions.WithLabelValues("resolved").Inc()
		m.resolution.Observe(e.Took.Seconds())
	case lifecycle.Returned:
		m.transitions.WithLabelValues("returned").Inc()
	case lifecycle.Withdrawn:
		m.transitions.WithLabelValues("withdrawn").Inc()
	case lifecycle.Reminded:
		m.transitions.WithLabelValues("reminded").Inc()
	case lifecycle.Transferred:
		m.transitions.WithLabelValues("transferred").Inc()
	case lifecycle.Rated:
		m.ratings.WithLabelValues(e.Who).Observe(float64(e.Stars))
	}
}

// ActiveFunc counts active conversations; the session store's Active does.
type ActiveFunc func(ctx context.Context) (int64, error)

// activeTimeout bounds the count at scrape time, so a slow Redis cannot
// hang /metrics.
const activeTimeout = 2 * time.Second

// WatchActive registers the baton_active_conversations gauge, read from f
// at scrape time. When f fails the gauge is left out of that scrape and the
// failure counted as errors_total{where="metrics_active"}.
func (m *Metrics) WatchActive(f ActiveFunc) error {
	if m == nil {
		return nil
	}
	return m.reg.Register(&activeCollector{m: m, f: f, desc: prometheus.NewDesc(
		prometheus.BuildFQName(Namespace, "", "active_conversations"),
		"Conversations with a customer message in the recent window (see the session store's Active).",
		nil, nil)})
}

type activeCollector struct {
	m    *Metrics
	f    ActiveFunc
	desc *prometheus.Desc
}

func (c *activeCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *activeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), activeTimeout)
	defer cancel()
	n, err := c.f(ctx)
	if err != nil {
		c.m.Error("metrics_active")
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n))
}
