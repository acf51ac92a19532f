package slack

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	goslack "github.com/slack-go/slack"

	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// The outbox keeps Slack posts that could not be delivered (Slack down,
// rate limited, a timeout) in a Redis list and delivers them in order when
// Slack answers again, so a customer message meant for an agent is never
// lost, not even across a restart. While anything waits there, new posts
// queue behind it, which keeps every thread in order.

type jobKind string

const (
	jobCard     jobKind = "card"     // post the handoff card
	jobUpdate   jobKind = "update"   // re-render the card from the session
	jobPost     jobKind = "post"     // a message in the card's thread
	jobReminder jobKind = "reminder" // "still waiting" in the channel
)

type job struct {
	ID        string    `json:"id"`
	Kind      jobKind   `json:"kind"`
	Conv      string    `json:"conv"`
	Text      string    `json:"text,omitempty"` // mrkdwn, escaped
	HandoffAt time.Time `json:"handoff_at,omitzero"`
	// N is the transfers of the handoff (HandoffAt) whose card a thread
	// post (jobPost) belongs under; a post without HandoffAt (queued
	// before it was recorded) goes under whatever card there is.
	N int `json:"n,omitempty"`
	// Twins, on a thread post, are the only threads (ts -> channel) it
	// still goes to: twin cards' threads that failed to take it after the
	// card's own thread did (twinMaxAttempts).
	Twins    map[string]string `json:"twins,omitempty"`
	Created  time.Time         `json:"created"`
	Attempts int               `json:"attempts,omitempty"`
	NextAt   time.Time         `json:"next_at,omitzero"`
	LastErr  string            `json:"last_error,omitempty"`
}

type result struct {
	ts     string // the card's ts (jobCard)
	queued bool
}

func (d *Desk) outboxKey() string { return d.keys.Outbox() }
func (d *Desk) deadKey() string   { return d.keys.OutboxDead() }
func (d *Desk) lockKey() string   { return d.keys.OutboxLock() }

// Pending is how many Slack posts wait in the outbox.
func (d *Desk) Pending(ctx context.Context) (int64, error) {
	n, err := d.rdb.LLen(ctx, d.outboxKey()).Result()
	if err != nil {
		return 0, fmt.Errorf("slack desk: outbox length: %w", err)
	}
	return n, nil
}

// Dead is how many posts Slack refused for good (kept for ops to inspect
// under the outbox's dead-letter key; the last 1000 are kept).
func (d *Desk) Dead(ctx context.Context) (int64, error) {
	n, err := d.rdb.LLen(ctx, d.deadKey()).Result()
	if err != nil {
		return 0, fmt.Errorf("slack desk: dead letters: %w", err)
	}
	return n, nil
}

// dispatch delivers j now, or queues it when the outbox is not empty (to
// keep order) or when Slack fails in a way worth retrying.
func (d *Desk) dispatch(ctx context.Context, j job, s *session.Session) (result, error) {
	j.ID = rand.Text()
	j.Created = d.now()
	if n, err := d.rdb.LLen(ctx, d.outboxKey()).Result(); err == nil && n > 0 {
		return result{queued: true}, d.enqueue(ctx, j)
	}
	res, err := d.deliver(ctx, j, s, false)
	if err == nil || errors.Is(err, errPostDropped) {
		return res, nil
	}
	var lost *cardLostError
	if errors.As(err, &lost) {
		// Logged once (cardLost); kept as the lost case's one dead letter.
		j.LastErr = truncate(err.Error(), 300)
		if derr := d.keepDead(ctx, j); derr != nil {
			return res, errors.Join(err, derr)
		}
		return res, nil
	}
	var tf *twinsFailed
	if errors.As(err, &tf) {
		// The card's own thread has it: the twins' post goes on alone.
		t, retry := d.twinJob(j, tf)
		if retry {
			qerr := d.enqueue(ctx, t)
			if qerr == nil {
				d.log.Warn("slack desk: a twin card's thread did not take a post; queued in the outbox",
					"conv", logmask.Conv(j.Conv), "twins", len(tf.twins), "retry_in", t.NextAt.Sub(d.now()).Round(time.Millisecond), "err", err)
				return res, nil
			}
			t.LastErr = truncate(qerr.Error(), 300)
		}
		d.dropTwins(ctx, t, "")
		return res, nil
	}
	wait, retry := retryable(err)
	if !retry {
		return res, err
	}
	j.Attempts = 1
	j.NextAt = d.now().Add(d.backoff(1, wait))
	j.LastErr = truncate(err.Error(), 300)
	if qerr := d.enqueue(ctx, j); qerr != nil {
		return res, errors.Join(err, qerr)
	}
	d.metrics.queued.Inc()
	d.log.Warn("slack desk: Slack unavailable, post queued in the outbox",
		"kind", j.Kind, "conv", logmask.Conv(j.Conv), "retry_in", j.NextAt.Sub(d.now()).Round(time.Millisecond), "err", err)
	return result{queued: true}, nil
}

// enqueue appends j to the outbox. It runs even when ctx is done (the
// caller gave up waiting for Slack; the post must still be kept).
func (d *Desk) enqueue(ctx context.Context, j job) error {
	raw, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("encoding outbox job: %w", err)
	}
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := d.rdb.RPush(qctx, d.outboxKey(), raw).Err(); err != nil {
		return fmt.Errorf("queueing in the outbox: %w", err)
	}
	select {
	case d.kick <- struct{}{}:
	default:
	}
	return nil
}

// backoff is the wait before attempt n+1: Slack's Retry-After when it gave
// one, else exponential from minBackoff to maxBackoff with jitter.
func (d *Desk) backoff(attempts int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	b := d.minBackoff
	for i := 1; i < attempts && b < d.maxBackoff; i++ {
		b *= 2
	}
	b = min(b, d.maxBackoff)
	// Up to 20% jitter so replicas and queued items do not retry in step.
	return b + time.Duration(mrand.Int64N(int64(b)/5+1))
}

// retryable says whether err is worth retrying later and how long Slack
// asked us to wait.
func retryable(err error) (time.Duration, bool) {
	var lost *cardLostError
	if errors.As(err, &lost) {
		return 0, false
	}
	if errors.Is(err, errCardReposting) {
		return 0, true
	}
	var rl *goslack.RateLimitedError
	if errors.As(err, &rl) {
		return rl.RetryAfter, true
	}
	var sc goslack.StatusCodeError
	if errors.As(err, &sc) {
		return 0, sc.Retryable() || sc.Code == 408
	}
	var se goslack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return 0, true
		}
		return 0, false
	}
	var re redisError
	if errors.As(err, &re) {
		return 0, true
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, true
	}
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ne) || errors.As(err, &ue) {
		return 0, true
	}
	return 0, false
}

// redisError marks a Redis failure inside a delivery: worth retrying, even
// if that posts a card twice (better than losing the thread mapping).
type redisError struct{ err error }

func (e redisError) Error() string { return e.err.Error() }
func (e redisError) Unwrap() error { return e.err }

// runOutbox delivers queued posts until ctx ends.
func (d *Desk) runOutbox(ctx context.Context) {
	for {
		wait := d.drain(ctx)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-d.kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// drain delivers from the head of the outbox while it can and returns how
// long to wait before trying again. One replica drains at a time (a Redis
// lock), which keeps the order. The lock is a lease of three heartbeats,
// renewed every beat while draining: a replica killed mid-drain holds the
// queued posts back for seconds, not for as long as a drain may take.
func (d *Desk) drain(parent context.Context) time.Duration {
	token := rand.Text()
	got, err := d.rdb.SetNX(parent, d.lockKey(), token, d.leaseTTL()).Result()
	if err != nil {
		if parent.Err() == nil {
			d.log.Warn("slack desk: outbox lock", "err", err)
		}
		return d.pollInterval
	}
	if !got {
		return d.pollInterval
	}
	ctx, lost := context.WithCancel(parent)
	renewing := make(chan struct{})
	go func() {
		defer close(renewing)
		d.keepLease(ctx, lost, "outbox", d.lockKey(), token, d.outboxRenewed)
	}()
	defer func() {
		lost()
		<-renewing
		uctx, cancel := context.WithTimeout(context.WithoutCancel(parent), 5*time.Second)
		defer cancel()
		_ = store.Unlock.Run(uctx, d.rdb, []string{d.lockKey()}, token).Err()
	}()
	for ctx.Err() == nil {
		raw, err := d.rdb.LIndex(ctx, d.outboxKey(), 0).Result()
		if errors.Is(err, redis.Nil) {
			return d.pollInterval
		}
		if err != nil {
			if ctx.Err() == nil {
				d.log.Warn("slack desk: reading the outbox", "err", err)
			}
			return d.pollInterval
		}
		var j job
		if err := json.Unmarshal([]byte(raw), &j); err != nil {
			d.log.Error("slack desk: unreadable outbox entry moved to dead letters", "err", err)
			_ = store.OutboxDeadHead.Run(ctx, d.rdb, []string{d.outboxKey(), d.deadKey()}, raw, raw).Err()
			d.metrics.dead.Inc()
			continue
		}
		if t, ok := d.twinHead.get(raw, j.ID); ok {
			// Its card's thread has it already: the head stands for the
			// twins' post alone (every update of the head below compares
			// against raw, the head as it is in Redis).
			j = t
		}
		if now := d.now(); j.NextAt.After(now) {
			return j.NextAt.Sub(now)
		}

		_, err = d.deliver(ctx, j, nil, true)
		if errors.Is(err, errPostDropped) {
			// Its card is lost (recorded once, with its dead letter).
			pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			err := store.OutboxPopHead.Run(pctx, d.rdb, []string{d.outboxKey()}, raw).Err()
			cancel()
			if err != nil {
				d.log.Warn("slack desk: removing a dropped post from the outbox", "err", err)
				return d.pollInterval
			}
			d.twinHead.forget(j.ID)
			if d.popped != nil {
				d.popped(j)
			}
			continue
		}
		var tf *twinsFailed
		if errors.As(err, &tf) {
			// The card's thread took it (or the job was the twins' alone):
			// the head becomes the twins' post alone, in its place, so
			// the twins' threads keep their order.
			t, retry := d.twinJob(j, tf)
			if !retry {
				if d.dropTwins(ctx, t, raw) {
					d.twinHead.forget(j.ID)
					continue
				}
				// The head is still there: remembered as the twins'
				// post alone, so the card's thread does not get it again.
				d.twinHead.put(raw, t, d.now())
				return d.pollInterval
			}
			// Even when the drain is being stopped: the head left as it
			// was would post in the card's thread a second time.
			upd, _ := json.Marshal(t)
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := store.OutboxReplaceHead.Run(rctx, d.rdb, []string{d.outboxKey()}, raw, upd).Err(); err != nil {
				// The head is still the whole post: this replica
				// remembers that its card part is done and posts only to
				// the twins next time (twinHeadSet).
				d.twinHead.put(raw, t, d.now())
				d.log.Warn("slack desk: updating the outbox", "err", err)
			} else {
				d.twinHead.forget(j.ID)
			}
			cancel()
			d.log.Warn("slack desk: a twin card's thread did not take a post, will retry", "conv", logmask.Conv(j.Conv),
				"twins", len(tf.twins), "attempts", t.Attempts, "retry_in", t.NextAt.Sub(d.now()).Round(time.Millisecond), "err", err)
			return t.NextAt.Sub(d.now())
		}
		if err == nil {
			// Delivered: popped even if the drain is being stopped, or the
			// next drain would post it again.
			pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			err := store.OutboxPopHead.Run(pctx, d.rdb, []string{d.outboxKey()}, raw).Err()
			cancel()
			if err != nil {
				d.log.Warn("slack desk: removing a delivered post from the outbox", "err", err)
				return d.pollInterval
			}
			d.twinHead.forget(j.ID)
			d.metrics.delivered.Inc()
			if d.popped != nil {
				d.popped(j)
			}
			d.log.Info("slack desk: queued post delivered", "kind", j.Kind, "conv", logmask.Conv(j.Conv),
				"attempts", j.Attempts+1, "waited", d.now().Sub(j.Created).Round(time.Millisecond))
			continue
		}
		if ctx.Err() != nil {
			return d.pollInterval
		}
		if wait, retry := retryable(err); retry {
			j.Attempts++
			j.NextAt = d.now().Add(d.backoff(j.Attempts, wait))
			j.LastErr = truncate(err.Error(), 300)
			upd, _ := json.Marshal(j)
			if err := store.OutboxReplaceHead.Run(ctx, d.rdb, []string{d.outboxKey()}, raw, upd).Err(); err != nil {
				d.log.Warn("slack desk: updating the outbox", "err", err)
			}
			d.metrics.retries.Inc()
			d.log.Warn("slack desk: Slack still unavailable, will retry", "kind", j.Kind, "conv", logmask.Conv(j.Conv),
				"attempts", j.Attempts, "retry_in", j.NextAt.Sub(d.now()).Round(time.Millisecond), "err", err)
			return j.NextAt.Sub(d.now())
		}
		j.LastErr = truncate(err.Error(), 300)
		dead, _ := json.Marshal(j)
		if err := store.OutboxDeadHead.Run(ctx, d.rdb, []string{d.outboxKey(), d.deadKey()}, raw, dead).Err(); err != nil {
			d.log.Warn("slack desk: moving a refused post to dead letters", "err", err)
			return d.pollInterval
		}
		d.twinHead.forget(j.ID)
		d.metrics.dead.Inc()
		if d.popped != nil {
			d.popped(j)
		}
		d.log.Error("slack desk: Slack refused a queued post; kept in dead letters", "kind", j.Kind,
			"conv", logmask.Conv(j.Conv), "err", j.LastErr)
	}
	return d.pollInterval
}

// twinMaxAttempts is how many times a post is tried in a twin card's
// thread after the card's own thread took it. Its retries hold the outbox
// (and so every Slack post behind them: the order) for their backoff, a
// few seconds at the default backoff; the customer's message is in the
// card's thread already, so after these tries it is given up (dead
// letters, baton_desk_twin_post_dropped_total) rather than hold everyone
// up for a thread Slack keeps refusing.
const twinMaxAttempts = 4

// twinJob is the job for the part of j its twins' threads did not take
// (tf), with its tries counted, and whether to try it again: a failure
// worth retrying, fewer than twinMaxAttempts tries.
func (d *Desk) twinJob(j job, tf *twinsFailed) (job, bool) {
	t := j
	if len(j.Twins) == 0 {
		// Its tries so far were the card thread's.
		t.Attempts = 0
	}
	t.Twins = tf.twins
	t.Attempts++
	t.LastErr = truncate(tf.Error(), 300)
	t.NextAt = time.Time{}
	wait, retry := retryable(tf.err)
	if !retry || t.Attempts >= twinMaxAttempts {
		return t, false
	}
	t.NextAt = d.now().Add(d.backoff(t.Attempts, wait))
	return t, true
}

// dropTwins gives a twin threads' post up: kept in dead letters (replacing
// the outbox's head raw when it is one, else added), counted, logged. It
// reports false when Redis failed with the head still there. A post that
// was never queued (raw "") whose dead letter Redis refuses too is lost:
// counted as dropped, not as dead, and logged as lost.
func (d *Desk) dropTwins(ctx context.Context, t job, raw string) bool {
	dead, _ := json.Marshal(t)
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var err error
	if raw != "" {
		err = store.OutboxDeadHead.Run(dctx, d.rdb, []string{d.outboxKey(), d.deadKey()}, raw, dead).Err()
	} else {
		pipe := d.rdb.TxPipeline()
		pipe.RPush(dctx, d.deadKey(), dead)
		pipe.LTrim(dctx, d.deadKey(), -1000, -1)
		_, err = pipe.Exec(dctx)
	}
	if err != nil {
		if raw != "" {
			d.log.Warn("slack desk: moving a twin thread's post to dead letters", "err", err)
			return false
		}
		// Not queued (dispatch could not enqueue it) and not kept
		// either: it is lost, and says so, without the customer's text.
		d.metrics.twinDropped.Inc()
		d.log.Error("slack desk: a twin card's thread did not take a post, and Redis kept it neither in the outbox nor in dead letters: lost (the card's own thread has it)",
			"conv", logmask.Conv(t.Conv), "twins", len(t.Twins), "attempts", t.Attempts, "err", t.LastErr, "dead_letter_err", err)
		return true
	}
	d.metrics.twinDropped.Inc()
	d.metrics.dead.Inc()
	if raw != "" && d.popped != nil {
		d.popped(t)
	}
	d.log.Error("slack desk: a twin card's thread did not take a post, given up (the card's own thread has it); kept in dead letters",
		"conv", logmask.Conv(t.Conv), "twins", len(t.Twins), "attempts", t.Attempts, "err", t.LastErr)
	return true
}

// cardQueued reports whether a card for s's handoff waits in the outbox
// (Slack was failing when it was opened). The outbox is empty but for
// Slack trouble, so this reads nothing most of the time.
func (d *Desk) cardQueued(ctx context.Context, s *session.Session) (bool, error) {
	raws, err := d.rdb.LRange(ctx, d.outboxKey(), 0, 999).Result()
	if err != nil {
		return false, fmt.Errorf("slack desk: reading the outbox: %w", err)
	}
	for _, raw := range raws {
		var j job
		if json.Unmarshal([]byte(raw), &j) == nil && j.Kind == jobCard && j.Conv == s.ID {
			return true, nil
		}
	}
	return false, nil
}

// twinHeadSet is the outbox heads whose card part this replica posted but
// could not record (the Redis update making the head the twins' post alone
// failed): the head in Redis is still the whole post, and the next drain
// posts only to the twins (the job remembered here), so a Redis blip does
// not post the customer's message in the card's thread twice. Memory
// only: a replica that dies in between leaves the whole post at the head,
// and whoever drains next posts it in the card's thread again (delivery
// stays at least once). Keyed by job id; an entry holds only while the
// head is the same raw entry, and is dropped after twinHeadFor when the
// head never comes up here again (another replica drained it).
type twinHeadSet struct {
	mu sync.Mutex
	m  map[string]twinHeadEntry
}

type twinHeadEntry struct {
	raw string // the head as it is in Redis
	t   job    // what is left of it: the twins' post
	at  time.Time
}

const twinHeadFor = time.Hour

func (s *twinHeadSet) put(raw string, t job, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]twinHeadEntry{}
	}
	for id, e := range s.m {
		if now.Sub(e.at) > twinHeadFor {
			delete(s.m, id)
		}
	}
	s.m[t.ID] = twinHeadEntry{raw: raw, t: t, at: now}
}

// get returns the twins' post that stands for the head raw (job id), if
// this replica posted its card part.
func (s *twinHeadSet) get(raw, id string) (job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[id]
	if !ok || e.raw != raw {
		return job{}, false
	}
	return e.t, true
}

func (s *twinHeadSet) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}
