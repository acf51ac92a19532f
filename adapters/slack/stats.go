package slack

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
)

// Desk statistics live in Redis, so they add up across replicas and
// restarts: handoffs by reason, time to claim, to first agent reply and to
// resolution, outcomes and ratings, overall and per agent. The Prometheus
// collector reads them at scrape time.

// Histogram bucket bounds, in seconds.
var (
	waitBuckets       = []float64{15, 30, 60, 120, 300, 600, 1800, 3600, 14400, 86400}
	resolutionBuckets = []float64{60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200}
)

// Timing is a duration distribution: count, sum and histogram buckets.
type Timing struct {
	Count   int64
	Sum     time.Duration
	Buckets map[float64]int64 // upper bound in seconds -> observations in that bucket alone (not cumulative); +Inf for the rest
}

// Mean is the average duration, 0 without observations.
func (t Timing) Mean() time.Duration {
	if t.Count == 0 {
		return 0
	}
	return t.Sum / time.Duration(t.Count)
}

// AgentStats are the numbers of one agent, or of everyone.
type AgentStats struct {
	Name       string // latest display name ("" for the overall numbers)
	Claim      Timing // handoff -> claimed
	FirstReply Timing // handoff -> first agent reply
	Resolution Timing // handoff -> resolved
	Outcomes   map[string]int64
	Ratings    [6]int64 // Ratings[n] counts n-star ratings, n = 1..5
}

// RatingMean is the average rating, 0 without ratings.
func (a AgentStats) RatingMean() float64 {
	var n, sum int64
	for stars := 1; stars <= 5; stars++ {
		n += a.Ratings[stars]
		sum += int64(stars) * a.Ratings[stars]
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

// Stats are the desk's numbers.
type Stats struct {
	Handoffs map[string]int64 // by reason
	Overall  AgentStats
	Agents   map[string]AgentStats // by Slack user id
}

type statsRec struct{ d *Desk }

func (d *Desk) stats() statsRec { return statsRec{d} }

func (r statsRec) key(name string) string { return r.d.statKey("desk:" + name) }

// once reports whether what has not been counted yet for this handoff.
func (r statsRec) once(ctx context.Context, what string, s *session.Session) bool {
	ok, err := r.d.rdb.SetNX(ctx, r.key("seen:"+what+":"+s.ID+":"+stamp(s.Handoff.At)), 1, keepFor).Result()
	if err != nil {
		r.d.log.Warn("slack desk: stats marker", "err", err)
		return false
	}
	return ok
}

func (r statsRec) handoff(ctx context.Context, s *session.Session) {
	if !r.once(ctx, "open", s) {
		return
	}
	reason := s.Handoff.Reason
	if reason == "" {
		reason = "unknown"
	}
	if err := r.d.rdb.HIncrBy(ctx, r.key("handoffs"), reason, 1).Err(); err != nil {
		r.d.log.Warn("slack desk: stats", "err", err)
	}
}

func (r statsRec) claimed(ctx context.Context, s *session.Session) {
	h := s.Handoff
	if h.ClaimedAt.IsZero() || !r.once(ctx, "claim", s) {
		return
	}
	r.observe(ctx, h.AgentID, h.Agent, "claim", h.ClaimedAt.Sub(h.At), waitBuckets)
}

func (r statsRec) firstReply(ctx context.Context, conv string, a bot.Agent) {
	s, ok, err := r.d.store.Get(ctx, conv)
	if err != nil || !ok || s.Handoff == nil || s.Handoff.FirstReplyAt.IsZero() {
		return
	}
	if !r.once(ctx, "first_reply", s) {
		return
	}
	r.observe(ctx, a.ID, a.Name, "first_reply", s.Handoff.FirstReplyAt.Sub(s.Handoff.At), waitBuckets)
}

func (r statsRec) closed(ctx context.Context, s *session.Session) {
	h := s.Handoff
	outcome := h.Outcome
	if outcome == "" || !r.once(ctx, "closed", s) {
		return
	}
	pipe := r.d.rdb.TxPipeline()
	pipe.HIncrBy(ctx, r.key("overall"), "outcome:"+outcome, 1)
	if h.AgentID != "" {
		pipe.HIncrBy(ctx, r.key("agent:"+h.AgentID), "outcome:"+outcome, 1)
		pipe.HSet(ctx, r.key("agents"), h.AgentID, h.Agent)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		r.d.log.Warn("slack desk: stats", "err", err)
	}
	if outcome == "resolved" {
		end := h.ResolvedAt
		if end.IsZero() {
			end = r.d.now()
		}
		r.observe(ctx, h.AgentID, h.Agent, "resolution", end.Sub(h.At), resolutionBuckets)
	}
}

func (r statsRec) rated(ctx context.Context, s *session.Session) {
	h := s.Handoff
	if h.Rating < 1 || h.Rating > 5 || !r.once(ctx, "rated", s) {
		return
	}
	field := "rating:" + strconv.Itoa(h.Rating)
	pipe := r.d.rdb.TxPipeline()
	pipe.HIncrBy(ctx, r.key("overall"), field, 1)
	if h.AgentID != "" {
		pipe.HIncrBy(ctx, r.key("agent:"+h.AgentID), field, 1)
		pipe.HSet(ctx, r.key("agents"), h.AgentID, h.Agent)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		r.d.log.Warn("slack desk: stats", "err", err)
	}
}

// observe adds one duration to a timing, overall and for the agent.
func (r statsRec) observe(ctx context.Context, agentID, agentName, timing string, d time.Duration, buckets []float64) {
	if d < 0 {
		d = 0
	}
	sec := d.Seconds()
	le := "+Inf"
	for _, b := range buckets {
		if sec <= b {
			le = strconv.FormatFloat(b, 'g', -1, 64)
			break
		}
	}
	pipe := r.d.rdb.TxPipeline()
	for _, k := range r.scopes(agentID) {
		pipe.HIncrBy(ctx, k, timing+":count", 1)
		pipe.HIncrByFloat(ctx, k, timing+":sum", sec)
		pipe.HIncrBy(ctx, k, timing+":le:"+le, 1)
	}
	if agentID != "" {
		pipe.HSet(ctx, r.key("agents"), agentID, agentName)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		r.d.log.Warn("slack desk: stats", "err", err)
	}
}

func (r statsRec) scopes(agentID string) []string {
	if agentID == "" {
		return []string{r.key("overall")}
	}
	return []string{r.key("overall"), r.key("agent:" + agentID)}
}

// Stats reads the desk's numbers from Redis.
func (d *Desk) Stats(ctx context.Context) (Stats, error) {
	r := d.stats()
	st := Stats{Handoffs: map[string]int64{}, Agents: map[string]AgentStats{}}
	handoffs, err := d.rdb.HGetAll(ctx, r.key("handoffs")).Result()
	if err != nil {
		return st, fmt.Errorf("slack desk: stats: %w", err)
	}
	for reason, v := range handoffs {
		n, _ := strconv.ParseInt(v, 10, 64)
		st.Handoffs[reason] = n
	}
	overall, err := d.rdb.HGetAll(ctx, r.key("overall")).Result()
	if err != nil {
		return st, fmt.Errorf("slack desk: stats: %w", err)
	}
	st.Overall = parseAgentStats(overall)
	agents, err := d.rdb.HGetAll(ctx, r.key("agents")).Result()
	if err != nil {
		return st, fmt.Errorf("slack desk: stats: %w", err)
	}
	for id, name := range agents {
		m, err := d.rdb.HGetAll(ctx, r.key("agent:"+id)).Result()
		if err != nil {
			return st, fmt.Errorf("slack desk: stats: %w", err)
		}
		a := parseAgentStats(m)
		a.Name = name
		st.Agents[id] = a
	}
	return st, nil
}

func parseAgentStats(m map[string]string) AgentStats {
	a := AgentStats{Outcomes: map[string]int64{}}
	timings := map[string]*Timing{"claim": &a.Claim, "first_reply": &a.FirstReply, "resolution": &a.Resolution}
	for k, v := range m {
		name, rest, _ := strings.Cut(k, ":")
		switch {
		case name == "outcome":
			a.Outcomes[rest], _ = strconv.ParseInt(v, 10, 64)
		case name == "rating":
			if n, err := strconv.Atoi(rest); err == nil && n >= 1 && n <= 5 {
				a.Ratings[n], _ = strconv.ParseInt(v, 10, 64)
			}
		case timings[name] != nil:
			t := timings[name]
			switch {
			case rest == "count":
				t.Count, _ = strconv.ParseInt(v, 10, 64)
			case rest == "sum":
				f, _ := strconv.ParseFloat(v, 64)
				t.Sum = time.Duration(f * float64(time.Second))
			case strings.HasPrefix(rest, "le:"):
				b, err := strconv.ParseFloat(strings.TrimPrefix(rest, "le:"), 64)
				if err != nil {
					continue
				}
				if t.Buckets == nil {
					t.Buckets = map[float64]int64{}
				}
				t.Buckets[b], _ = strconv.ParseInt(v, 10, 64)
			}
		}
	}
	return a
}

// ---- Prometheus ----

const ns = "baton_desk"

type deskMetrics struct {
	d         *Desk
	queued    prometheus.Counter
	retries   prometheus.Counter
	delivered prometheus.Counter
	dead      prometheus.Counter

	handoffs, outcomes, ratings                *prometheus.Desc
	claim, firstReply, resolution              *prometheus.Desc
	agentOutcomes, agentRatings                *prometheus.Desc
	agentClaim, agentFirstReply, agentResolved *prometheus.Desc
	pending, deadGauge                         *prometheus.Desc
}

func newDeskMetrics(d *Desk) *deskMetrics {
	agent := []string{"agent_id", "agent"}
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(ns, "", name), help, labels, nil)
	}
	return &deskMetrics{
		d:             d,
		queued:        prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "outbox_queued_total", Help: "Slack posts queued because Slack was down or rate limited (this replica)."}),
		retries:       prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "outbox_retries_total", Help: "Failed retries of queued Slack posts (this replica)."}),
		delivered:     prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "outbox_delivered_total", Help: "Queued Slack posts delivered late (this replica)."}),
		dead:          prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "outbox_refused_total", Help: "Queued Slack posts Slack refused for good, moved to dead letters (this replica)."}),
		handoffs:      desc("handoffs_total", "Handoffs posted to Slack, by reason (all replicas, from Redis).", "reason"),
		outcomes:      desc("outcomes_total", "Closed handoffs by outcome (resolved, returned).", "outcome"),
		ratings:       desc("ratings_total", "Customer ratings after resolution, by stars.", "rating"),
		claim:         desc("claim_seconds", "Time from handoff to claim."),
		firstReply:    desc("first_reply_seconds", "Time from handoff to the first agent reply."),
		resolution:    desc("resolution_seconds", "Time from handoff to resolution."),
		agentOutcomes: desc("agent_outcomes_total", "Closed handoffs by agent and outcome.", append(agent, "outcome")...),
		agentRatings:  desc("agent_ratings_total", "Customer ratings by agent and stars.", append(agent, "rating")...),
		agentClaim:    desc("agent_claim_seconds", "Time from handoff to claim, by agent.", agent...),
		agentFirstReply: desc("agent_first_reply_seconds",
			"Time from handoff to the first agent reply, by the agent who replied.", agent...),
		agentResolved: desc("agent_resolution_seconds", "Time from handoff to resolution, by agent.", agent...),
		pending:       desc("outbox_pending", "Slack posts waiting in the outbox."),
		deadGauge:     desc("outbox_dead", "Slack posts refused for good, kept as dead letters."),
	}
}

func (m *deskMetrics) register(r prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{m.queued, m.retries, m.delivered, m.dead, m} {
		if err := r.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// Describe implements prometheus.Collector.
func (m *deskMetrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.handoffs, m.outcomes, m.ratings, m.claim, m.firstReply, m.resolution,
		m.agentOutcomes, m.agentRatings, m.agentClaim, m.agentFirstReply, m.agentResolved, m.pending, m.deadGauge} {
		ch <- d
	}
}

// Collect implements prometheus.Collector, reading the numbers from Redis.
func (m *deskMetrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if n, err := m.d.Pending(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(m.pending, prometheus.GaugeValue, float64(n))
	}
	if n, err := m.d.Dead(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(m.deadGauge, prometheus.GaugeValue, float64(n))
	}
	st, err := m.d.Stats(ctx)
	if err != nil {
		m.d.log.Warn("slack desk: metrics scrape could not read stats", "err", err)
		return
	}
	for reason, n := range st.Handoffs {
		ch <- prometheus.MustNewConstMetric(m.handoffs, prometheus.CounterValue, float64(n), reason)
	}
	for outcome, n := range st.Overall.Outcomes {
		ch <- prometheus.MustNewConstMetric(m.outcomes, prometheus.CounterValue, float64(n), outcome)
	}
	for stars := 1; stars <= 5; stars++ {
		ch <- prometheus.MustNewConstMetric(m.ratings, prometheus.CounterValue, float64(st.Overall.Ratings[stars]), strconv.Itoa(stars))
	}
	ch <- histogram(m.claim, st.Overall.Claim, waitBuckets)
	ch <- histogram(m.firstReply, st.Overall.FirstReply, waitBuckets)
	ch <- histogram(m.resolution, st.Overall.Resolution, resolutionBuckets)
	for id, a := range st.Agents {
		for outcome, n := range a.Outcomes {
			ch <- prometheus.MustNewConstMetric(m.agentOutcomes, prometheus.CounterValue, float64(n), id, a.Name, outcome)
		}
		for stars := 1; stars <= 5; stars++ {
			if a.Ratings[stars] > 0 {
				ch <- prometheus.MustNewConstMetric(m.agentRatings, prometheus.CounterValue, float64(a.Ratings[stars]), id, a.Name, strconv.Itoa(stars))
			}
		}
		if a.Claim.Count > 0 {
			ch <- histogram(m.agentClaim, a.Claim, waitBuckets, id, a.Name)
		}
		if a.FirstReply.Count > 0 {
			ch <- histogram(m.agentFirstReply, a.FirstReply, waitBuckets, id, a.Name)
		}
		if a.Resolution.Count > 0 {
			ch <- histogram(m.agentResolved, a.Resolution, resolutionBuckets, id, a.Name)
		}
	}
}

// histogram turns per-bucket counts into Prometheus' cumulative form.
func histogram(desc *prometheus.Desc, t Timing, bounds []float64, labels ...string) prometheus.Metric {
	cum := make(map[float64]uint64, len(bounds))
	var running int64
	for _, b := range bounds {
		running += t.Buckets[b]
		cum[b] = uint64(running)
	}
	return prometheus.MustNewConstHistogram(desc, uint64(t.Count), t.Sum.Seconds(), cum, labels...)
}
