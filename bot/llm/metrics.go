package llm

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of a call, the "outcome" label of baton_llm_calls_total.
const (
	outcomeOK              = "ok"
	outcomeFallbackTimeout = "fallback_timeout"
	outcomeFallback429     = "fallback_429"
	outcomeFallback5xx     = "fallback_5xx"
	outcomeFallbackInvalid = "fallback_invalid"
	outcomeFallbackGuard   = "fallback_guard"
	outcomeFallbackError   = "fallback_error" // anything else: 401, 400, connection refused, a broken template
)

// Kinds of calls, the "kind" label.
const (
	kindAnswer  = "answer"
	kindSummary = "summary"
)

type metrics struct {
	calls            *prometheus.CounterVec   // kind, outcome
	promptTokens     *prometheus.HistogramVec // kind
	completionTokens *prometheus.HistogramVec // kind
	tokens           *prometheus.CounterVec   // kind, type
	latency          *prometheus.HistogramVec // kind
	guard            *prometheus.CounterVec   // reason
	uncovered        prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	tokenBuckets := []float64{100, 200, 400, 600, 800, 1000, 1200, 1500, 2000, 3000, 5000}
	m := &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_llm_calls_total",
			Help: "Model calls by kind (answer, summary) and outcome (ok or fallback_<why>).",
		}, []string{"kind", "outcome"}),
		promptTokens: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "baton_llm_prompt_tokens",
			Help:    "Prompt tokens per call as billed by the server (the local estimate when it reports none).",
			Buckets: tokenBuckets,
		}, []string{"kind"}),
		completionTokens: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "baton_llm_completion_tokens",
			Help:    "Completion tokens per call as billed by the server.",
			Buckets: []float64{25, 50, 100, 150, 200, 300, 400, 600, 1000},
		}, []string{"kind"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_llm_tokens_total",
			Help: "Tokens billed, by kind of call and type (prompt, completion), for cost tracking.",
		}, []string{"kind", "type"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "baton_llm_call_seconds",
			Help:    "Duration of model calls, by kind.",
			Buckets: []float64{.1, .25, .5, 1, 2, 3, 5, 8, 12, 20, 30},
		}, []string{"kind"}),
		guard: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baton_llm_guard_rejections_total",
			Help: "Answers the output guard rejected, by reason (leak, name, promise).",
		}, []string{"reason"}),
		uncovered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "baton_llm_uncovered_total",
			Help: "Answers where the model said the knowledge entries do not cover the question.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	m.calls = register(reg, m.calls, &err)
	m.promptTokens = register(reg, m.promptTokens, &err)
	m.completionTokens = register(reg, m.completionTokens, &err)
	m.tokens = register(reg, m.tokens, &err)
	m.latency = register(reg, m.latency, &err)
	m.guard = register(reg, m.guard, &err)
	m.uncovered = register(reg, m.uncovered, &err)
	return m, err
}

// register registers c, or reuses the collector already registered under
// the same name (a second Answerer on one registry, as in reloads).
func register[C prometheus.Collector](reg prometheus.Registerer, c C, errp *error) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		if *errp == nil {
			*errp = err
		}
	}
	return c
}

// usage records billed tokens for one call.
func (m *metrics) usage(kind string, prompt, completion int) {
	if prompt > 0 {
		m.promptTokens.WithLabelValues(kind).Observe(float64(prompt))
		m.tokens.WithLabelValues(kind, "prompt").Add(float64(prompt))
	}
	if completion > 0 {
		m.completionTokens.WithLabelValues(kind).Observe(float64(completion))
		m.tokens.WithLabelValues(kind, "completion").Add(float64(completion))
	}
}
