package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	goslack "github.com/slack-go/slack"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// errGone marks a job whose conversation no longer exists: nothing to do.
var errGone = errors.New("the conversation no longer exists")

// call bounds one Slack API call.
func (d *Desk) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d.callTimeout)
}

// deliver performs one job against Slack. s is the session when the caller
// has it fresh (the core's call); the outbox passes nil and the current
// session is read from the store, so a late card shows the latest state.
func (d *Desk) deliver(ctx context.Context, j job, s *session.Session, queued bool) (result, error) {
	switch j.Kind {
	case jobCard:
		return d.postCard(ctx, j, s, queued)
	case jobUpdate:
		return result{}, d.updateCard(ctx, j.Conv, s)
	case jobPost:
		return result{}, d.postThread(ctx, j)
	case jobReminder:
		return result{}, d.postReminder(ctx, j.Conv, s)
	}
	return result{}, fmt.Errorf("unknown outbox job kind %q", j.Kind)
}

func (d *Desk) session(ctx context.Context, conv string, s *session.Session) (*session.Session, error) {
	if s != nil {
		return s, nil
	}
	s, ok, err := d.store.Get(ctx, conv)
	if err != nil {
		return nil, redisError{err}
	}
	if !ok || s.Handoff == nil {
		return nil, errGone
	}
	return s, nil
}

func (d *Desk) cardInput(ctx context.Context, s *session.Session, ref cardRef) cardInput {
	in := cardInput{s: s, now: d.now(), hours: d.hours, teams: d.teams()}
	if h := s.Handoff; ref.n < len(h.Transfers) {
		in.movedTo = &h.Transfers[ref.n] // an earlier team's card
	}
	if ref.ts != "" {
		in.summary, in.suggested = d.summary(ctx, ref)
	}
	return in
}

func (d *Desk) postCard(ctx context.Context, j job, s *session.Session, queued bool) (result, error) {
	s, err := d.session(ctx, j.Conv, s)
	if errors.Is(err, errGone) {
		return result{}, nil
	}
	if err != nil {
		return result{}, err
	}
	channel := d.channelFor(s.Handoff.Team)
	n := len(s.Handoff.Transfers)
	mark := cardMark(s.Handoff.At, n)
	// Read before the card: saveCard maps the card and ends the in-doubt
	// mark at once, so a mark found gone here means the card read next
	// is there (or was never posted).
	doubt, err := d.rdb.Get(ctx, d.keys.CardPost(j.Conv)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return result{}, redisError{err}
	}
	// Posted already (a retry after a lost answer, or a newer card job
	// for the same handoff): do not post a second card.
	if ref, ok, err := d.card(ctx, j.Conv); err != nil {
		return result{}, redisError{err}
	} else if ok && ref.shows(s.Handoff) {
		return result{ts: ref.ts}, nil
	}
	// A post of this card ended without an answer (a timeout on our side,
	// a replica stopped): Slack may show it. Adopt it rather than post a
	// second one (see lookup.go).
	if ts, err := d.cardInDoubt(ctx, j.Conv, doubt, channel, s.Handoff.At, n); err != nil {
		return result{}, err
	} else if ts != "" {
		ref := cardRef{channel: channel, ts: ts, at: s.Handoff.At, n: n}
		if _, err := d.saveCard(context.WithoutCancel(ctx), j.Conv, ref); err != nil {
			return result{}, redisError{err}
		}
		d.log.Info("slack desk: a card whose post got no answer was up in Slack; adopted, not posted again", "conv", logmask.Conv(j.Conv))
		d.summarize(j.Conv, ref, s)
		return result{ts: ts}, nil
	}
	blocks, fallback := buildCard(d.cardInput(ctx, s, cardRef{n: n}))
	// From the post until its thread is mapped, an agent's reply in the
	// new thread finds no conversation: the inbox waits for it then. The
	// post stops counting as in flight only once saveCard has mapped the
	// thread (deferred), so a reply that then finds no post in flight
	// finds the mapping (handleMessage looks again).
	done, err := d.startPosting(ctx, j.Conv, mark)
	if err != nil {
		return result{}, redisError{err}
	}
	defer done()
	cctx, cancel := d.call(ctx)
	ch, ts, err := d.api.PostMessageContext(cctx, channel,
		goslack.MsgOptionBlocks(blocks...), goslack.MsgOptionText(fallback, false),
		goslack.MsgOptionMetadata(cardMetadata(j.Conv, s.Handoff.At, n)))
	cancel()
	if err != nil {
		if refused(err) {
			// Slack answered no: the card is not up, nothing to look for.
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if derr := d.rdb.Del(dctx, d.keys.CardPost(j.Conv)).Err(); derr != nil {
				d.log.Warn("slack desk: clearing a card post's in-doubt mark", "err", derr)
			}
			cancel()
		}
		return result{}, fmt.Errorf("posting the card: %w", err)
	}
	if ch == "" {
		ch = channel
	}
	ref := cardRef{channel: ch, ts: ts, at: s.Handoff.At, n: n}
	saved, err := d.saveCard(context.WithoutCancel(ctx), j.Conv, ref)
	if err != nil {
		return result{}, redisError{err}
	}
	switch saved {
	case savedStale:
		d.log.Warn("slack desk: a card posted for a handoff that moved on meanwhile (a transfer's card is newer); kept as an old card", "conv", logmask.Conv(j.Conv))
	case savedTwin:
		// An agent wrote under the card an earlier post put up unanswered
		// while this one was posted: both stay, both reach the customer.
		d.log.Warn("slack desk: a second card for one handoff (the first post timed out after Slack showed it); both threads reach the customer", "conv", logmask.Conv(j.Conv))
	}
	d.log.Debug("slack desk: card posted", "conv", logmask.Conv(j.Conv), "channel", ch, "team", s.Handoff.Team)
	d.summarize(j.Conv, ref, s)
	return result{ts: ts}, nil
}

// refused reports whether err is Slack's answer that the call did nothing:
// a rate limit, a 4xx status but 408, an API error but those of Slack's
// own trouble. Not a timeout or a cut connection, nor internal_error,
// fatal_error, service_unavailable, request_timeout, a 5xx or a 408, after
// which Slack may have done it.
func refused(err error) bool {
	var rl *goslack.RateLimitedError
	if errors.As(err, &rl) {
		return true
	}
	var sc goslack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 400 && sc.Code < 500 && sc.Code != 408
	}
	var se goslack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return false
		}
		return true
	}
	return false
}

func (d *Desk) updateCard(ctx context.Context, conv string, s *session.Session) error {
	ref, ok, err := d.card(ctx, conv)
	if err != nil {
		return redisError{err}
	}
	if !ok {
		return nil // the card was never posted (refused for good); nothing to update
	}
	s, err = d.session(ctx, conv, s)
	if errors.Is(err, errGone) {
		return nil
	}
	if err != nil {
		return err
	}
	if !s.Handoff.At.Equal(ref.at) {
		return nil // the session moved on to a newer handoff whose card is not posted yet
	}
	if ref.n > len(s.Handoff.Transfers) {
		return nil // cannot happen: transfers only add up
	}
	if ref.gone {
		if ref, err = d.cardGone(ctx, conv, ref, nil); err != nil {
			return err
		}
	}
	blocks, fallback := buildCard(d.cardInput(ctx, s, ref))
	cctx, cancel := d.call(ctx)
	defer cancel()
	_, _, _, err = d.api.UpdateMessageContext(cctx, ref.channel, ref.ts,
		goslack.MsgOptionBlocks(blocks...), goslack.MsgOptionText(fallback, false))
	if err != nil && threadGone(err) {
		// Posted again, the card shows the handoff as it is now.
		_, err = d.cardGone(ctx, conv, ref, err)
		return err
	}
	if err != nil {
		return fmt.Errorf("updating the card: %w", err)
	}
	for ts, ch := range ref.twins {
		// A twin shows the same: agents act on either.
		tctx, cancel := d.call(ctx)
		if _, _, _, err := d.api.UpdateMessageContext(tctx, ch, ts,
			goslack.MsgOptionBlocks(blocks...), goslack.MsgOptionText(fallback, false)); err != nil {
			d.log.Warn("slack desk: updating a twin card", "conv", logmask.Conv(conv), "err", err)
		}
		cancel()
	}
	return nil
}

// postThread posts text in the thread of the card of conv's handoff, and
// in its twins' threads: an agent who answered under either card follows
// the conversation there (the customer's messages, claims, resolution);
// posted only in the card's, the agent in a twin's thread saw none of it.
// The card's post decides the job (retried when it fails). A twin's that
// fails does not undo it: postThread returns *twinsFailed, and the outbox
// retries the twins' post alone (twinMaxAttempts, see outbox.go). A job
// with Twins is such a retry: only those threads.
//
// The card must be of the post's handoff: card records outlive their
// handoff (keepFor), and a new handoff whose card Slack refused would
// have its customer's messages posted under last week's resolved card.
// A card of a later transfer of the same handoff takes it (what the
// customer wrote just before a transfer goes to the new team).
func (d *Desk) postThread(ctx context.Context, j job) error {
	conv, text := j.Conv, j.Text
	if len(j.Twins) > 0 {
		return d.postTwins(ctx, conv, text, j.Twins)
	}
	ref, ok, err := d.card(ctx, conv)
	if err != nil {
		return redisError{err}
	}
	if ok && !j.HandoffAt.IsZero() && (!ref.at.Equal(j.HandoffAt) || ref.n < j.N) {
		ok = false
	}
	if !ok {
		// No card (Slack refused it for good): say so in the channel rather
		// than lose what the customer wrote.
		cctx, cancel := d.call(ctx)
		_, _, err = d.api.PostMessageContext(cctx, d.channel,
			goslack.MsgOptionText("_(no handoff card for `"+Escape(conv)+"`)_ "+text, false), goslack.MsgOptionDisableLinkUnfurl())
		cancel()
		if err != nil {
			return fmt.Errorf("posting in the thread: %w", err)
		}
		return nil
	}
	// A card whose thread is gone is replaced (gone.go), and the post goes
	// under the new card; tried under at most three cards.
	for try := 1; ; try++ {
		if ref.gone {
			if ref, err = d.cardGone(ctx, conv, ref, nil); err != nil {
				return err
			}
		}
		cctx, cancel := d.call(ctx)
		_, _, err = d.api.PostMessageContext(cctx, ref.channel, goslack.MsgOptionText(text, false),
			goslack.MsgOptionDisableLinkUnfurl(), goslack.MsgOptionTS(ref.ts))
		cancel()
		if err == nil {
			break
		}
		if !threadGone(err) || try == 3 {
			return fmt.Errorf("posting in the thread: %w", err)
		}
		if ref, err = d.cardGone(ctx, conv, ref, err); err != nil {
			return err
		}
	}
	return d.postTwins(ctx, conv, text, ref.twins)
}

// twinsFailed is a thread post that reached the card's thread but not
// these twins' (ts -> channel).
type twinsFailed struct {
	twins map[string]string
	err   error
}

func (e *twinsFailed) Error() string {
	return fmt.Sprintf("posting in %d twin card thread(s): %v", len(e.twins), e.err)
}
func (e *twinsFailed) Unwrap() error { return e.err }

// threadGone reports whether Slack refused a post because the thread
// itself is gone for good: its channel archived or deleted, the card
// deleted. Other refusals that are not worth retrying at once
// (not_in_channel, missing_scope, invalid_auth, token_revoked) are a
// setup ops can fix (invite the app again, renew the token): retiring the
// twin for them would leave it silent after the fix, so they go the way
// of any failed post (retries, then a dead letter).
func threadGone(err error) bool {
	var se goslack.SlackErrorResponse
	if !errors.As(err, &se) {
		return false
	}
	switch se.Err {
	case "is_archived", "channel_not_found", "thread_not_found", "message_not_found", "cannot_reply_to_message":
		return true
	}
	return false
}

// postTwins posts text in the twin cards' threads (ts -> channel) of
// conv's card; the ones it could not reach come back as *twinsFailed. A
// twin whose thread Slack refuses for good is retired (retireTwin)
// instead: not tried again for this post nor any later one.
func (d *Desk) postTwins(ctx context.Context, conv, text string, twins map[string]string) error {
	var failed map[string]string
	var errs []error
	for ts, ch := range twins {
		tctx, cancel := d.call(ctx)
		_, _, err := d.api.PostMessageContext(tctx, ch, goslack.MsgOptionText(text, false),
			goslack.MsgOptionDisableLinkUnfurl(), goslack.MsgOptionTS(ts))
		cancel()
		if err != nil {
			d.metrics.twinFailed.Inc()
			if threadGone(err) && d.retireTwin(ctx, conv, ts, ch, err) {
				continue
			}
			if failed == nil {
				failed = map[string]string{}
			}
			failed[ts] = ch
			errs = append(errs, err)
		}
	}
	if failed == nil {
		return nil
	}
	return &twinsFailed{twins: failed, err: errors.Join(errs...)}
}

// retireTwin records on conv's card that Slack refused the twin card ts's
// thread for good (err: the card's own thread took the same text, so it is
// the thread, not the post): later posts skip it, and the refusal is
// counted and logged once, by whichever replica retired it, instead of a
// failure, an error log and a dead letter for every message the customer
// writes. It reports false when Redis failed, or when ts is no twin of
// the card recorded now (the record moved on to a newer card): the post
// then goes the way of any failed twin post (dead letters).
func (d *Desk) retireTwin(ctx context.Context, conv, ts, channel string, err error) bool {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	n, rerr := store.SlackRetireTwin.Run(rctx, d.rdb, []string{d.keys.Card(conv)}, ts, truncate(err.Error(), 200)).Int()
	if rerr != nil {
		d.log.Warn("slack desk: recording a twin card's thread refused for good", "conv", logmask.Conv(conv), "err", rerr)
		return false
	}
	switch n {
	case 1:
		d.metrics.twinRetired.Inc()
		d.log.Error("slack desk: Slack refused a twin card's thread for good; it gets no more posts (the card's own thread has them)",
			"conv", logmask.Conv(conv), "channel", channel, "twin", ts, "err", err)
		return true
	case 2:
		return true // retired by another post meanwhile
	}
	return false
}

func (d *Desk) postReminder(ctx context.Context, conv string, s *session.Session) error {
	ref, ok, err := d.card(ctx, conv)
	if err != nil {
		return redisError{err}
	}
	if !ok {
		return nil
	}
	// Read the session now: a reminder that waited in the outbox must not
	// nag about a handoff somebody claimed meanwhile.
	s, err = d.session(ctx, conv, nil)
	if errors.Is(err, errGone) {
		return nil
	}
	if err != nil {
		return err
	}
	if lifecycle.Of(s) != lifecycle.StateWaiting || !ref.shows(s.Handoff) {
		return nil
	}
	if ref.gone {
		if ref, err = d.cardGone(ctx, conv, ref, nil); err != nil {
			return err
		}
	}
	link := ""
	cctx, cancel := d.call(ctx)
	permalink, err := d.api.GetPermalinkContext(cctx, &goslack.PermalinkParameters{Channel: ref.channel, Ts: ref.ts})
	cancel()
	if err == nil && permalink != "" {
		link = " <" + permalink + "|Open the handoff>."
	}
	text := fmt.Sprintf("⏰ *%s* has been waiting %s for an agent and was told they are still in the queue.%s Reply in its thread or press Claim.",
		Escape(customerName(s)), humanDuration(d.now().Sub(s.Handoff.At)), link)
	cctx, cancel = d.call(ctx)
	defer cancel()
	if _, _, err := d.api.PostMessageContext(cctx, ref.channel, goslack.MsgOptionText(text, false)); err != nil {
		return fmt.Errorf("posting the reminder: %w", err)
	}
	return nil
}

// summarize asks the Summarizer for a summary off the critical path and
// adds it to the card when it arrives.
func (d *Desk) summarize(conv string, ref cardRef, s *session.Session) {
	if d.summarizer == nil {
		return
	}
	snapshot := *s
	d.goBG(func() {
		ctx, cancel := context.WithTimeout(context.Background(), d.summaryWait)
		defer cancel()
		start := d.now()
		summary, suggested, err := d.summarizer.Summarize(ctx, &snapshot)
		if err != nil {
			d.log.Warn("slack desk: summary failed; the card stays without it", "conv", logmask.Conv(conv), "err", err)
			return
		}
		if summary == "" && suggested == "" {
			return
		}
		if err := d.saveSummary(ctx, ref, summary, suggested); err != nil {
			d.log.Warn("slack desk: saving the summary", "conv", logmask.Conv(conv), "err", err)
			return
		}
		if _, err := d.dispatch(ctx, job{Kind: jobUpdate, Conv: conv}, nil); err != nil {
			d.log.Warn("slack desk: adding the summary to the card", "conv", logmask.Conv(conv), "err", err)
		}
		d.log.Debug("slack desk: summary added", "conv", logmask.Conv(conv), "took", time.Since(start).Round(time.Millisecond))
	})
}
