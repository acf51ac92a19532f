package slack

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	goslack "github.com/slack-go/slack"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/store"
)

// A card whose own thread Slack refuses for good (threadGone: the card
// deleted, its channel archived) would fail every post of its case: each
// customer message one more error, or one more dead letter once the
// outbox held it, and no agent saw any of them. Now the first post that
// meets the refusal records it on the card (SlackCardGone), once across
// replicas, and:
//   - a live twin card of the handoff, if there is one, becomes the card;
//   - else one replica posts the card again (in its team's channel as it
//     is configured now), and the case goes on under the new card;
//   - when that is refused too (the channel archived, no other configured)
//     or the handoff is over, the loss is recorded: the post that found it
//     is the case's one dead letter, with one error log; later posts and
//     updates of that card are dropped, counted in
//     baton_desk_card_lost_posts_dropped_total.
//
// A replica killed between posting the card again and recording it leaves
// the claim to expire (repostClaim) and the card is posted once more by
// whoever meets the gone thread next: at least once, as card posts are.

// errCardReposting: another replica is posting the card again; the post
// is retried (the outbox) and then goes under the new card.
var errCardReposting = errors.New("the card's thread is gone and the card is being posted again")

// errPostDropped: the post's card is lost (recorded once, by the post that
// found it): this post is dropped, counted, not kept.
var errPostDropped = errors.New("the card's thread is gone and the card could not be posted again: post dropped")

// cardLostError is the post that found its card lost: the case's one dead
// letter.
type cardLostError struct{ err error }

func (e *cardLostError) Error() string {
	return "the card's thread is gone and the card could not be posted again: " + e.err.Error()
}
func (e *cardLostError) Unwrap() error { return e.err }

// repostClaim bounds how long one replica holds the job of posting a card
// again, timed by Redis (SlackCardGone), not by any replica's clock: the
// look for a card already up (findCardPages calls), the card's post, the
// note's, the Redis reads before them and the record's write, with a
// margin. A holder slower than that is fenced: its post is not recorded
// as the card (SlackCardReposted checks the claim's token).
func (d *Desk) repostClaim() time.Duration {
	return time.Duration(findCardPages+2)*d.callTimeout + 4*5*time.Second
}

// cardGone handles the card ref of conv whose own thread Slack refused for
// good (cause; nil when the record said so already) and returns the card
// to post under instead. Errors: errCardReposting (retry soon),
// errPostDropped, *cardLostError, or a Slack or Redis failure worth a
// retry.
func (d *Desk) cardGone(ctx context.Context, conv string, ref cardRef, cause error) (cardRef, error) {
	reason := "the card's thread is gone"
	if cause != nil {
		reason = truncate(cause.Error(), 200)
	}
	token := rand.Text()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	res, err := store.SlackCardGone.Run(rctx, d.rdb, []string{d.keys.Card(conv)},
		ref.ts, reason, d.repostClaim().Milliseconds(), token).Slice()
	cancel()
	if err != nil || len(res) == 0 {
		return ref, redisError{fmt.Errorf("recording a gone card thread: %w", err)}
	}
	code, _ := res[0].(int64)
	switch code {
	case 1:
		return d.repostCard(ctx, conv, ref, reason, token)
	case 3:
		return ref, errCardReposting
	case 4:
		d.metrics.lostDropped.Inc()
		d.log.Debug("slack desk: a post for a card that is lost dropped", "conv", logmask.Conv(conv))
		return ref, errPostDropped
	}
	if code == 2 {
		d.log.Error("slack desk: Slack refused a handoff card's thread for good; its twin card is the card now",
			"conv", logmask.Conv(conv), "channel", ref.channel, "card", ref.ts, "err", reason)
	}
	// Moved on (a newer card), or a twin took its place.
	now, ok, err := d.card(ctx, conv)
	if err != nil {
		return ref, redisError{err}
	}
	if !ok {
		return ref, errCardRecordGone
	}
	if now.ts == ref.ts {
		return ref, errCardReposting
	}
	return now, nil
}

// errCardRecordGone: the card's record vanished while its thread was
// found gone (expired, deleted by hand): nothing to post under. Retrying
// cannot bring it back, and a retried head job would hold every post
// queued behind it, so the post is the one dead letter.
var errCardRecordGone = &cardLostError{err: errors.New("the card's record is gone")}

// repostCard posts conv's card again in place of old, whose thread is
// gone (this caller holds the claim, token), and returns the new card.
func (d *Desk) repostCard(ctx context.Context, conv string, old cardRef, reason, token string) (cardRef, error) {
	s, err := d.session(ctx, conv, nil)
	if err != nil && !errors.Is(err, errGone) {
		d.releaseRepost(ctx, conv, old, token)
		return old, err
	}
	if errors.Is(err, errGone) || !old.shows(s.Handoff) || !lifecycle.Of(s).Open() {
		// The handoff is over, or moved on to a card of its own: none to
		// put up again for this one.
		return old, d.cardLost(ctx, conv, old, reason, errors.New("the handoff is over"))
	}
	h := s.Handoff
	channel, n := d.channelFor(h.Team), len(h.Transfers)
	// A post of this card again that got no answer (a timeout on our
	// side) may have put it up: adopt it, as postCard does, rather than
	// post a second one. The gone card and its twins carry the same
	// metadata and are not it.
	ch, ts, err := d.adoptCard(ctx, conv, channel, h.At, n, old)
	if err != nil {
		d.releaseRepost(ctx, conv, old, token)
		return old, err
	}
	done := func() {}
	if ts == "" {
		blocks, fallback := buildCard(d.cardInput(ctx, s, cardRef{n: n}))
		if done, err = d.startPosting(ctx, conv, cardMark(h.At, n)); err != nil {
			d.releaseRepost(ctx, conv, old, token)
			return old, redisError{err}
		}
		cctx, cancel := d.call(ctx)
		ch, ts, err = d.api.PostMessageContext(cctx, channel,
			goslack.MsgOptionBlocks(blocks...), goslack.MsgOptionText(fallback, false),
			goslack.MsgOptionMetadata(cardMetadata(conv, h.At, n)))
		cancel()
		if err != nil {
			done()
			if _, retry := retryable(err); retry {
				d.releaseRepost(ctx, conv, old, token)
				return old, fmt.Errorf("posting the card again: %w", err)
			}
			return old, d.cardLost(ctx, conv, old, reason, err)
		}
		if ch == "" {
			ch = channel
		}
	}
	ref := cardRef{channel: ch, ts: ts, at: h.At, n: n}
	// The note first: once the card is recorded, other posts go under it.
	note := "_(This handoff's card was posted again: Slack refused the thread of the first one (" + Escape(reason) +
		"). What the customer wrote meanwhile may be missing here; the card shows the conversation.)_"
	nctx, ncancel := d.call(ctx)
	if _, _, err := d.api.PostMessageContext(nctx, ch, goslack.MsgOptionText(note, false), goslack.MsgOptionTS(ts)); err != nil {
		d.log.Warn("slack desk: noting a card posted again in its thread", "conv", logmask.Conv(conv), "err", err)
	}
	ncancel()
	wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	saved, err := store.SlackCardReposted.Run(wctx, d.rdb,
		[]string{d.keys.Card(conv), d.keys.Thread(ch, ts), d.keys.CardPost(conv)},
		old.ts, ch, ts, conv, keepFor.Milliseconds(), token).Int()
	wcancel()
	done()
	if err != nil {
		// Posted, not recorded: the claim expires and the card is posted
		// once more by whoever meets the gone thread next.
		return old, redisError{fmt.Errorf("recording the card posted again: %w", err)}
	}
	if saved == 0 {
		// The record moved on, or this claim expired and another caller
		// holds it: that caller's card is the card.
		d.log.Warn("slack desk: a card posted again was not recorded as the card (the record moved on, or the claim expired and another replica took it)",
			"conv", logmask.Conv(conv), "channel", ch, "card", ts)
		now, ok, err := d.card(ctx, conv)
		switch {
		case err != nil:
			return old, redisError{fmt.Errorf("reading the card: %w", err)}
		case !ok:
			return old, errCardRecordGone
		case now.ts == old.ts:
			return old, errCardReposting
		}
		return now, nil
	}
	d.metrics.cardReposted.Inc()
	d.log.Error("slack desk: Slack refused a handoff card's thread for good; the card was posted again, once",
		"conv", logmask.Conv(conv), "channel", old.channel, "card", old.ts, "new_card", ts, "err", reason)
	d.summarize(conv, ref, s)
	return ref, nil
}

// releaseRepost gives up the claim on posting old's card again, so the
// next post tries at once.
func (d *Desk) releaseRepost(ctx context.Context, conv string, old cardRef, token string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := store.SlackCardRepostFailed.Run(rctx, d.rdb, []string{d.keys.Card(conv)}, old.ts, "", token).Err(); err != nil {
		d.log.Warn("slack desk: releasing a card's post again", "conv", logmask.Conv(conv), "err", err)
	}
}

// cardLost records that old's card could not be posted again (cause) and
// returns the error for the post that found it: *cardLostError when this
// call recorded it, errPostDropped when it was recorded already.
func (d *Desk) cardLost(ctx context.Context, conv string, old cardRef, reason string, cause error) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	n, err := store.SlackCardRepostFailed.Run(rctx, d.rdb, []string{d.keys.Card(conv)}, old.ts,
		truncate(reason+"; posting it again: "+cause.Error(), 300)).Int()
	cancel()
	switch {
	case err != nil:
		return redisError{fmt.Errorf("recording a lost card: %w", err)}
	case n == 0:
		return errCardReposting // the record moved on: the retry reads it again
	case n == 2:
		d.metrics.lostDropped.Inc()
		return errPostDropped
	}
	d.metrics.cardLost.Inc()
	d.log.Error("slack desk: Slack refused a handoff card's thread for good and the card could not be posted again; this post is kept in dead letters, the case's later posts are dropped (baton_desk_card_lost_posts_dropped_total)",
		"conv", logmask.Conv(conv), "channel", old.channel, "card", old.ts, "thread_err", reason, "err", cause)
	return &cardLostError{err: fmt.Errorf("%s; posting it again: %w", reason, cause)}
}

// keepDead keeps j in dead letters (a post that was not queued).
func (d *Desk) keepDead(ctx context.Context, j job) error {
	raw, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("encoding a dead letter: %w", err)
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	pipe := d.rdb.TxPipeline()
	pipe.RPush(dctx, d.deadKey(), raw)
	pipe.LTrim(dctx, d.deadKey(), -1000, -1)
	if _, err := pipe.Exec(dctx); err != nil {
		return fmt.Errorf("keeping a dead letter: %w", err)
	}
	d.metrics.dead.Inc()
	return nil
}

// adoptCard looks for conv's card (at, n) that a post again which got no
// answer may have put up in channel (cardInDoubt): its channel and ts, or
// "" when the card is to be posted.
func (d *Desk) adoptCard(ctx context.Context, conv, channel string, at time.Time, n int, old cardRef) (string, string, error) {
	doubt, err := d.rdb.Get(ctx, d.keys.CardPost(conv)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return "", "", redisError{fmt.Errorf("reading a card post's in-doubt mark: %w", err)}
	}
	skip := []string{old.ts}
	for ts := range old.twins {
		skip = append(skip, ts)
	}
	for ts := range old.retired {
		skip = append(skip, ts)
	}
	ts, err := d.cardInDoubt(ctx, conv, doubt, channel, at, n, skip...)
	if err != nil || ts == "" {
		return "", "", err
	}
	d.log.Info("slack desk: a card posted again whose post got no answer was up in Slack; adopted, not posted again", "conv", logmask.Conv(conv))
	return channel, ts, nil
}
