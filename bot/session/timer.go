package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/store"
)

// MaxDue is the most ids one Due call claims; callers loop for more.
const MaxDue = 1000

// Schedule sets (or moves) the timer of conversation id to fire at at, and
// resets its attempt count (see store.TimerArm). Timers live in Redis, so
// they survive restarts.
func (s *Store) Schedule(ctx context.Context, timer, id string, at time.Time) error {
	if err := checkTimer(timer, id); err != nil {
		return fmt.Errorf("session: schedule: %w", err)
	}
	if err := store.TimerArm.Run(ctx, s.db.Client, s.timerKeys(timer), armArgs(id, at)...).Err(); err != nil {
		return fmt.Errorf("session: schedule %s timer of %s: %w", timer, logmask.Conv(id), err)
	}
	return nil
}

// timerKeys are the keys of store.TimerArm, TimerDue and TimerDone: the
// timer's sorted set and attempt counts, within this Store's scope.
func (s *Store) timerKeys(timer string) []string {
	if s.timerScope != "" {
		timer += ":" + s.timerScope
	}
	return []string{s.db.Keys.Timer(timer), s.db.Keys.TimerAttempts(timer)}
}

// armArgs are store.TimerArm's arguments for id due at at.
func armArgs(id string, at time.Time) []any {
	return []any{at.UnixMilli(), id}
}

// queueArm queues on pipe the arm of id's timer t, by its script's hash:
// the script is almost always loaded, and a pipeline cannot load it.
func (s *Store) queueArm(ctx context.Context, pipe redis.Pipeliner, id string, t TimerAt) *redis.Cmd {
	return store.TimerArm.EvalSha(ctx, pipe, s.timerKeys(t.Name), armArgs(id, t.At)...)
}

// armed is the outcome of an arm queueArm queued, sent again whole when
// the server did not have the script (NOSCRIPT: a fresh or flushed
// server), so a timer is never lost to the script cache.
func (s *Store) armed(ctx context.Context, c *redis.Cmd, id string, t TimerAt) error {
	err := c.Err()
	if redis.HasErrorPrefix(err, "NOSCRIPT") {
		err = store.TimerArm.Eval(ctx, s.db.Client, s.timerKeys(t.Name), armArgs(id, t.At)...).Err()
	}
	return err
}

// Cancel removes the timer of conversation id (and its attempt count);
// cancelling a timer that is not set is not an error.
func (s *Store) Cancel(ctx context.Context, timer, id string) error {
	if err := checkTimer(timer, id); err != nil {
		return fmt.Errorf("session: cancel: %w", err)
	}
	if err := s.removeTimer(ctx, timer, id); err != nil {
		return fmt.Errorf("session: cancel %s timer of %s: %w", timer, logmask.Conv(id), err)
	}
	return nil
}

// Drop removes a claimed timer that will not be handled (its handler keeps
// failing, or failed for good), with its attempt count.
func (s *Store) Drop(ctx context.Context, timer, id string) error {
	if err := checkTimer(timer, id); err != nil {
		return fmt.Errorf("session: drop timer: %w", err)
	}
	if err := s.removeTimer(ctx, timer, id); err != nil {
		return fmt.Errorf("session: drop %s timer of %s: %w", timer, logmask.Conv(id), err)
	}
	return nil
}

// removeTimer removes id from the timer and its attempt count in one
// transaction (both keys share the timer's hash tag, hence one slot).
func (s *Store) removeTimer(ctx context.Context, timer, id string) error {
	keys := s.timerKeys(timer)
	_, err := s.db.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, keys[0], id)
		p.HDel(ctx, keys[1], id)
		return nil
	})
	return err
}

// TimerLease is how long a claimed timer stays with the replica that
// claimed it. Handling one takes a session update and a message or two
// (seconds at worst); if the replica dies before Done, the timer falls due
// again after the lease instead of being lost.
const TimerLease = 2 * time.Minute

// Due claims up to limit (at most MaxDue) conversation ids whose timer is at
// or before now, earliest first: each id is returned to exactly one caller,
// even with concurrent callers in several replicas. A claimed id stays in
// the set until its lease ends (now + TimerLease); the caller calls Done
// with the same now once it has handled it, or the id is claimed again
// after the lease (at least once: a crash never loses a check-in).
func (s *Store) Due(ctx context.Context, timer string, now time.Time, limit int) ([]string, error) {
	claims, err := s.Claim(ctx, timer, now, limit)
	ids := make([]string, len(claims))
	for i, c := range claims {
		ids[i] = c.ID
	}
	return ids, err
}

// A Claimed timer: its conversation and how many times in a row it has
// been claimed without being handled (Done), this claim included.
type Claimed struct {
	ID      string
	Attempt int
}

// Claim is Due with each id's attempt number, so a caller can give up on a
// timer whose handler keeps failing (Drop) instead of retrying it every
// lease. Done resets the count.
func (s *Store) Claim(ctx context.Context, timer string, now time.Time, limit int) ([]Claimed, error) {
	if timer == "" {
		return nil, errors.New("session: due: empty timer name")
	}
	if limit <= 0 {
		return nil, fmt.Errorf("session: due %s: limit %d must be positive", timer, limit)
	}
	limit = min(limit, MaxDue) // keeps the reply within Lua's stack
	res, err := store.TimerDue.Run(ctx, s.db.Client, s.timerKeys(timer),
		strconv.FormatInt(now.UnixMilli(), 10), limit, leaseEnd(now)).Slice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("session: due %s: %w", timer, err)
	}
	claims := make([]Claimed, 0, len(res)/2)
	for i := 0; i+1 < len(res); i += 2 {
		id, _ := res[i].(string)
		n, _ := res[i+1].(int64)
		claims = append(claims, Claimed{ID: id, Attempt: int(n)})
	}
	return claims, nil
}

// Done ends the claim Due(…, now, …) made on id: the timer is removed,
// unless it was set again meanwhile (Schedule moved it), which is kept;
// its attempt count is reset either way.
func (s *Store) Done(ctx context.Context, timer, id string, now time.Time) error {
	if err := checkTimer(timer, id); err != nil {
		return fmt.Errorf("session: timer done: %w", err)
	}
	if err := store.TimerDone.Run(ctx, s.db.Client, s.timerKeys(timer), id, leaseEnd(now)).Err(); err != nil {
		return fmt.Errorf("session: %s timer of %s done: %w", timer, logmask.Conv(id), err)
	}
	return nil
}

// leaseEnd is the score of a claimed timer: half a millisecond before the
// lease ends, so it falls due again exactly then, and a value Schedule
// (whole milliseconds) never writes, so Done cannot mistake a timer set
// again for the claim.
func leaseEnd(now time.Time) string {
	return strconv.FormatInt(now.Add(TimerLease).UnixMilli()-1, 10) + ".5"
}

func checkTimer(timer, id string) error {
	if timer == "" {
		return errors.New("empty timer name")
	}
	if id == "" {
		return errors.New("empty conversation id")
	}
	return nil
}
