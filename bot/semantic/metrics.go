package semantic

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	openai "github.com/sashabaranov/go-openai"
)

const (
	kindQuery = "query" // a customer message
	kindBuild = "build" // knowledge questions and off-topic messages
)

type metrics struct {
	matches    *prometheus.CounterVec
	embeddings *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	vectors    *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		matches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_semantic_matches_total",
			Help: "Messages matched with embeddings configured, by path: lexical_sure (no embeddings call), fused, embed_failed, not_ready, budget_spent (the message's one call was made), lang_blind (a language the model does not tell apart: lexical).",
		}, []string{"path"}),
		embeddings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_semantic_embeddings_calls_total",
			Help: "Embeddings requests, by kind (query, build) and outcome (ok, error).",
		}, []string{"kind", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "baton_semantic_embeddings_seconds",
			Help:    "Embeddings request latency, by kind.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"kind"}),
		vectors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_semantic_vectors_total",
			Help: "Vectors of knowledge builds, by source: reused (memory), cached (Redis), embedded.",
		}, []string{"source"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.matches, m.embeddings, m.latency, m.vectors} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *metrics) path(p string) { m.matches.WithLabelValues(p).Inc() }

// counted wraps the embedder with the call metrics for kind.
func (v *Vectors) counted(kind string) Embedder {
	return embedFunc(func(ctx context.Context, texts []string) ([][]float32, error) {
		start := time.Now()
		out, err := v.emb.Embed(ctx, texts)
		v.m.latency.WithLabelValues(kind).Observe(time.Since(start).Seconds())
		outcome := "ok"
		if err != nil {
			outcome = "error"
		}
		v.m.embeddings.WithLabelValues(kind, outcome).Inc()
		return out, err
	})
}

type embedFunc func(ctx context.Context, texts []string) ([][]float32, error)

func (f embedFunc) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return f(ctx, texts)
}

// DescribeError is an OpenAI-compatible server's error for the log: the
// HTTP status and the API's error type and code, never a response body (it
// can echo the customer's message). bot/llm logs its chat errors with it too.
func DescribeError(err error) string {
	if err == nil {
		return ""
	}
	var ae *openai.APIError
	if errors.As(err, &ae) {
		return fmt.Sprintf("HTTP %d %s %v", ae.HTTPStatusCode, ae.Type, ae.Code)
	}
	var re *openai.RequestError
	if errors.As(err, &re) {
		return fmt.Sprintf("HTTP %d (non-JSON error body)", re.HTTPStatusCode)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return err.Error()
}
