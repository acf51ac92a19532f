package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/session"
)

// RunTimers fires due timers (idle check-ins and closings, unclaimed
// handoff reminders) every interval until ctx ends. Timers live in Redis,
// so they survive restarts; each fires on one replica, and again after
// session.TimerLease if that replica died before handling it.
func (b *Bot) RunTimers(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := b.FireTimers(ctx); err != nil && ctx.Err() == nil {
				b.log.Warn("timers", "err", err)
			}
		}
	}
}

// timerBatch is how many due timers one claim takes. They are handled one
// after another and all share the claim's lease (session.TimerLease), so
// the batch must be handled well within it even when every send waits for
// its full timeout; otherwise another replica would claim the last ones
// again and handle them twice.
const timerBatch = 4

// maxTimerAttempts is how many claims in a row a timer gets before it is
// dropped. A handler that fails (Telegram down, Redis hiccup) is retried
// after each lease, which rides out an outage of several minutes; one that
// still fails after this many (the chat is gone, no sender for its
// channel) would otherwise be retried every lease, with a warning each
// time, until its session expires.
const maxTimerAttempts = 5

// ErrUndeliverable is wrapped by a Sender's error when the platform refuses
// the message for good (a 4xx such as "chat not found"): sending it again
// cannot succeed, so a timer that met it is dropped at once, as for
// ErrBlocked.
var ErrUndeliverable = errors.New("the chat cannot receive this message")

// FireTimers handles every timer due now and reports how many fired.
func (b *Bot) FireTimers(ctx context.Context) (int, error) {
	fired := 0
	var errs []error
	for _, name := range []string{timerIdle, timerUnclaimed} {
		for {
			now := b.now()
			claims, err := b.store.Claim(ctx, name, now, timerBatch)
			if err != nil {
				return fired, fmt.Errorf("due %s timers: %w", name, err)
			}
			for _, c := range claims {
				var err error
				if name == timerIdle {
					err = b.idle(ctx, c.ID)
				} else {
					err = b.unclaimedReminder(ctx, c.ID)
				}
				fired++
				switch {
				case err == nil:
					if err := b.store.Done(ctx, name, c.ID, now); err != nil {
						errs = append(errs, err)
					}
				case errors.Is(err, ErrBlocked):
					// The customer blocked the bot: nobody to tell, nothing
					// to report.
					if err := b.store.Done(ctx, name, c.ID, now); err != nil {
						errs = append(errs, err)
					}
				case errors.Is(err, ErrUndeliverable) || c.Attempt >= maxTimerAttempts:
					b.dropTimer(ctx, name, c, err)
				default:
					// It stays claimed and falls due again after the lease,
					// so a Redis or Telegram hiccup does not lose it.
					// Logged by RunTimers: the conversation as its pseudonym, as in
					// the drop log, and the cause's text too (a Sender's
					// error names the chat).
					errs = append(errs, fmt.Errorf("%s timer for %s (attempt %d of %d): %w", name, logmask.Conv(c.ID), c.Attempt, maxTimerAttempts, maskedError{err}))
				}
			}
			if len(claims) < timerBatch {
				break
			}
		}
	}
	return fired, errors.Join(errs...)
}

// dropTimer gives up on a timer whose handler failed for good or too many
// times: one error log (the conversation as its logmask.Conv pseudonym) and the timer_dropped
// error metric, instead of a warning every lease.
func (b *Bot) dropTimer(ctx context.Context, name string, c session.Claimed, cause error) {
	b.obs.Error("timer_dropped")
	why := "failed for good"
	if !errors.Is(cause, ErrUndeliverable) {
		why = "kept failing"
	}
	b.log.Error("timer dropped: its handler "+why, "timer", name, "conv", logmask.Conv(c.ID),
		"attempts", c.Attempt, "err", logmask.Mask(cause.Error()))
	if err := b.store.Drop(ctx, name, c.ID); err != nil {
		// Still claimed: it falls due again after the lease and is
		// dropped then.
		b.log.Warn("timers", "err", err)
	}
}

// maskedError is err with its text masked for logs (logmask: long digit
// runs such as chat ids, e-mail addresses), still matching errors.Is/As.
type maskedError struct{ err error }

func (e maskedError) Error() string { return logmask.MaskN(e.err.Error(), 0) }
func (e maskedError) Unwrap() error { return e.err }

// idle checks in once after BATON_IDLE_NUDGE of silence mid-conversation,
// and closes the session politely after BATON_IDLE_CLOSE. A check-in or
// closing whose send failed after part of it went out is saved as sent,
// its rest in the outbox: the timer's next claim sends only the rest.
func (b *Bot) idle(ctx context.Context, id string) error {
	if _, ok, err := b.store.Get(ctx, id); err != nil || !ok {
		return err
	}
	var (
		next   time.Time
		partly error
	)
	_, err := b.store.Update(ctx, id, func(s *session.Session) error {
		next, partly = time.Time{}, nil
		now := b.now()
		t := &agentTurn{b: b, ctx: ctx, set: b.contents.Current(), s: s, now: now}
		if o := s.Outbox; o != nil && timerOutbox(o.Key, timerIdle) {
			// Only the same silence's step is resumed; the customer
			// wrote since, or the bot is not in charge: it is stale.
			if s.Mode == session.ModeBot && strings.HasPrefix(o.Key, idlePrefix(s.LastCustomerAt)) {
				t.key = o.Key
			} else {
				s.Outbox = nil
			}
		}
		// What was saved as sent decides what follows: after the rest
		// of a check-in, the closing is scheduled as below.
		if t.resume() && (t.err != nil || t.sendErr != nil) {
			err := t.finish()
			partly = t.partly()
			return err
		}
		if s.Mode != session.ModeBot || s.Blocked || !midConversation(s) {
			return nil
		}
		silent := now.Sub(s.LastCustomerAt)
		switch {
		case silent >= b.idleClose:
			t.key = idleKey(s.LastCustomerAt, kindClosed)
			t.send(t.say("idle_close", persona.Data{}), session.Turn{Role: "bot", Kind: kindClosed})
			s.Greeted, s.Misses, s.AwaitingRating, s.Nudged = false, 0, false, false
		case silent >= b.idleNudge && !s.Nudged:
			t.key = idleKey(s.LastCustomerAt, kindNudge)
			t.send(t.say("nudge", persona.Data{}), session.Turn{Role: "bot", Kind: kindNudge})
			s.Nudged = true
			next = s.LastCustomerAt.Add(b.idleClose)
		case s.Nudged:
			next = s.LastCustomerAt.Add(b.idleClose)
		default:
			next = s.LastCustomerAt.Add(b.idleNudge) // they wrote since; wait again
		}
		err := t.finish()
		partly = t.partly()
		return err
	})
	if err != nil {
		return err
	}
	if partly != nil {
		// Still claimed: the next claim sends the rest, then schedules.
		return partly
	}
	if !next.IsZero() {
		return b.store.Schedule(ctx, timerIdle, id, next)
	}
	return nil
}

// unclaimedReminder nudges the desk when nobody has claimed a handoff, and
// tells the customer once, kindly, that they are still in the queue. A
// reminder whose message to the customer went out only in part is saved
// as done (the desk is reminded once), its rest in the outbox for the
// timer's next claim.
func (b *Bot) unclaimedReminder(ctx context.Context, id string) error {
	if _, ok, err := b.store.Get(ctx, id); err != nil || !ok {
		return err
	}
	var (
		events []lifecycle.Event
		again  bool
		partly error
	)
	s, err := b.store.Update(ctx, id, func(s *session.Session) error {
		events, again, partly = nil, false, nil
		now := b.now()
		t := &agentTurn{b: b, ctx: ctx, set: b.contents.Current(), s: s, now: now}
		if o := s.Outbox; o != nil && timerOutbox(o.Key, timerUnclaimed) {
			// Only this handoff's reminder, still waiting and not
			// reminded since, is resumed: "still in the queue" after
			// "Lia joined", or an old handoff's rest, would mislead.
			if lifecycle.Of(s) == lifecycle.StateWaiting && o.Key == unclaimedKey(s.Handoff) {
				t.key = o.Key
			} else {
				s.Outbox = nil
			}
		}
		if t.resume() {
			// The reminder itself was saved: only its message is resumed.
			again = t.err == nil && t.sendErr == nil && lifecycle.Of(s) == lifecycle.StateWaiting &&
				s.Handoff.Reminders < lifecycle.MaxReminders
			err := t.finish()
			partly = t.partly()
			return err
		}
		if lifecycle.Of(s) != lifecycle.StateWaiting {
			return nil
		}
		if b.hours != nil && !b.hours.Open(now) {
			again = true // nobody is in; remind when the team is back
			return nil
		}
		ev, more, ok := lifecycle.Remind(s, now)
		if !ok {
			return nil
		}
		events, again = []lifecycle.Event{ev}, more
		t.key = unclaimedKey(s.Handoff)
		if ev.N == 1 && !s.Blocked {
			t.send(t.say("queue_reminder", persona.Data{}), session.Turn{Role: "bot", Kind: kindQueue})
		}
		err := t.finish()
		partly = t.partly()
		return err
	})
	if err != nil {
		return err
	}
	b.after(ctx, s, events)
	if partly != nil {
		return partly
	}
	if again {
		return b.store.Schedule(ctx, timerUnclaimed, id, lifecycle.NextReminder(b.now(), b.unclaimed, b.hours))
	}
	return nil
}
