package slack

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/logmask"
)

// A card Slack refuses for good (a channel the app was removed from, a
// block Slack will not take) leaves its handoff without a card. The
// customer was told a person is coming all the same, and what they write
// still reaches the agents: it is posted in the handoff channel, saying it
// has no card. The card is tried again on the customer's next message or
// the unclaimed reminder, but no sooner than its backoff (one minute,
// doubling to an hour) since the last refusal: it was tried, with an error
// log, on every message. Ops see each refusal in the log and
// baton_desk_card_refused_total, and the handoffs still without a card in
// baton_desk_cards_failed.

// Backoff between tries of a refused card.
const (
	cardRetryMin = time.Minute
	cardRetryMax = time.Hour
)

// cardsFailedFor is how long a refused card counts in the gauge without
// being tried again (its handoff ended, its conversation expired).
const cardsFailedFor = 24 * time.Hour

// cardRefused records that Slack refused the card of conv's handoff (mark)
// and returns how long until it is tried again.
func (d *Desk) cardRefused(ctx context.Context, conv, mark string) (time.Duration, error) {
	ctx = context.WithoutCancel(ctx)
	k := d.keys.CardFail(conv)
	m, err := d.rdb.HGetAll(ctx, k).Result()
	if err != nil {
		return 0, fmt.Errorf("reading the card's refusals: %w", err)
	}
	attempts := 0
	if m["mark"] == mark {
		attempts, _ = strconv.Atoi(m["attempts"])
	}
	attempts++
	wait := cardRetryMin
	for i := 1; i < attempts && wait < cardRetryMax; i++ {
		wait *= 2
	}
	wait = min(wait, cardRetryMax)
	next := d.now().Add(wait).UnixMilli()
	pipe := d.rdb.TxPipeline()
	pipe.HSet(ctx, k, "mark", mark, "attempts", attempts, "next", next)
	pipe.Expire(ctx, k, keepFor)
	pipe.ZAdd(ctx, d.keys.CardsFailed(), redis.Z{Score: float64(next), Member: conv})
	if _, err := pipe.Exec(ctx); err != nil {
		return wait, fmt.Errorf("recording the card's refusal: %w", err)
	}
	d.metrics.cardRefused.Inc()
	return wait, nil
}

// cardRetryWait is how long the refused card of conv's handoff (mark)
// waits before its next try; 0 when it was not refused or may go now.
func (d *Desk) cardRetryWait(ctx context.Context, conv, mark string) (time.Duration, error) {
	m, err := d.rdb.HGetAll(ctx, d.keys.CardFail(conv)).Result()
	if err != nil {
		return 0, fmt.Errorf("reading the card's refusals of %s: %w", logmask.Conv(conv), err)
	}
	if m["mark"] != mark {
		return 0, nil
	}
	next, _ := strconv.ParseInt(m["next"], 10, 64)
	return max(0, time.UnixMilli(next).Sub(d.now())), nil
}

// CardsFailed is how many handoffs have a card Slack refused, waiting for
// its next try (tried within the last day).
func (d *Desk) CardsFailed(ctx context.Context) (int64, error) {
	k := d.keys.CardsFailed()
	old := strconv.FormatInt(d.now().Add(-cardsFailedFor).UnixMilli(), 10)
	if err := d.rdb.ZRemRangeByScore(ctx, k, "-inf", "("+old).Err(); err != nil {
		return 0, fmt.Errorf("slack desk: trimming refused cards: %w", err)
	}
	n, err := d.rdb.ZCard(ctx, k).Result()
	if err != nil {
		return 0, fmt.Errorf("slack desk: refused cards: %w", err)
	}
	return n, nil
}
