package slack

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The desk's own metrics are about Slack only: the outbox of posts that
// wait for Slack. Handoff numbers (reasons, times, ratings, per agent) are
// the core's statistics and metrics, observers of the handoff lifecycle.

const ns = "baton_desk"

type outboxMetrics struct {
	d         *Desk
	queued    prometheus.Counter
	retries   prometheus.Counter
	delivered prometheus.Counter
	dead      prometheus.Counter
	// cardRefused counts card posts Slack refused for good (each try).
	cardRefused prometheus.Counter
	// twinFailed counts posts a twin card's thread did not take (each
	// try, each thread); twinDropped the ones given up (outbox.go).
	twinFailed, twinDropped prometheus.Counter
	// twinRetired counts twin cards whose thread Slack refused for good,
	// once each: they get no more posts.
	twinRetired prometheus.Counter
	// cardReposted counts cards posted again because their thread was
	// gone, cardLost the ones that could not be, once each, and
	// lostDropped the posts dropped for a lost card (gone.go).
	cardReposted, cardLost, lostDropped prometheus.Counter
	// pressNotRecorded counts card button presses that could not be kept
	// (Redis failing): the agent was told to press again.
	pressNotRecorded prometheus.Counter

	pending, deadGauge, cardsFailed *prometheus.Desc
}

func newOutboxMetrics(d *Desk) *outboxMetrics {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(ns, "", name), help, nil, nil)
	}
	return &outboxMetrics{
		d:                d,
		queued:           prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "outbox_queued_total", Help: "Slack posts queued because Slack was down or rate limited (this replica)."}),
		retries:          prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "outbox_retries_total", Help: "Failed retries of queued Slack posts (this replica)."}),
		delivered:        prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "outbox_delivered_total", Help: "Queued Slack posts delivered late (this replica)."}),
		dead:             prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "outbox_refused_total", Help: "Queued Slack posts Slack refused for good, moved to dead letters (this replica)."}),
		cardRefused:      prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "card_refused_total", Help: "Handoff card posts Slack refused for good, each try (this replica); the card is tried again after a backoff."}),
		twinFailed:       prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "twin_post_failed_total", Help: "Posts in a twin card's thread (a handoff with two cards) that failed, each try and thread (this replica); the card's own thread had them, the twin's is tried again unless Slack refused it for good (twin_retired_total)."}),
		twinDropped:      prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "twin_post_dropped_total", Help: "Posts in a twin card's thread given up (failing after its tries, or refused for good when the twin could not be retired), kept in dead letters unless Redis refused that too (then logged as lost) (this replica): an agent working under the twin card missed them."}),
		twinRetired:      prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "twin_retired_total", Help: "Twin cards (a handoff with two cards) whose thread Slack refused for good, once each (the replica that retired it): their threads get no more posts; the card's own thread has them."}),
		cardReposted:     prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "card_reposted_total", Help: "Handoff cards posted again because Slack refused their thread for good (the card deleted), once per card (the replica that posted it); the customer's messages go on under the new card."}),
		cardLost:         prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "card_lost_total", Help: "Handoff cards whose thread Slack refused for good and that could not be posted again (the channel archived, the handoff over), once per card (the replica that found it); the post that found it is kept in dead letters."}),
		lostDropped:      prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "card_lost_posts_dropped_total", Help: "Posts and card updates dropped because their card was lost (card_lost_total) (this replica): what customers wrote that no agent saw."}),
		pressNotRecorded: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "presses_not_recorded_total", Help: "Card button presses that could not be kept because Redis failed (this replica): acknowledged, not acted on, and the agent told to press again."}),
		cardsFailed:      desc("cards_failed", "Open handoffs whose card Slack refused, waiting for the next try (their customers' messages go to the channel without a card)."),
		pending:          desc("outbox_pending", "Slack posts waiting in the outbox."),
		deadGauge:        desc("outbox_dead", "Slack posts refused for good, kept as dead letters."),
	}
}

func (m *outboxMetrics) register(r prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{m.queued, m.retries, m.delivered, m.dead, m.cardRefused, m.twinFailed, m.twinDropped, m.twinRetired, m.cardReposted, m.cardLost, m.lostDropped, m.pressNotRecorded, m} {
		if err := r.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// Describe implements prometheus.Collector.
func (m *outboxMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.pending
	ch <- m.deadGauge
	ch <- m.cardsFailed
}

// Collect implements prometheus.Collector, reading the depths from Redis.
func (m *outboxMetrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if n, err := m.d.Pending(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(m.pending, prometheus.GaugeValue, float64(n))
	}
	if n, err := m.d.Dead(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(m.deadGauge, prometheus.GaugeValue, float64(n))
	}
	if n, err := m.d.CardsFailed(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(m.cardsFailed, prometheus.GaugeValue, float64(n))
	}
}
