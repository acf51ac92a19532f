package session

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/store"
)

// ErrLockLost means an update held the conversation's lock longer than the
// lock TTL and another update took it or wrote meanwhile, so its changes
// were not saved (saving would have overwritten the newer state).
var ErrLockLost = errors.New("session: lock expired before the update could be saved")

// The lock waiter polls with a jittered exponential backoff from
// minLockBackoff to maxLockBackoff. Updates under contention are short
// (a few round trips) unless an LLM call runs under the lock, in which case
// a 50ms poll is negligible next to the call.
const (
	minLockBackoff = time.Millisecond
	maxLockBackoff = 50 * time.Millisecond
	// unlockTimeout bounds the release of a lock after the caller's context
	// may already be done (the release must still happen).
	unlockTimeout = 5 * time.Second
)

// Why one string key rather than a hash plus a turns list: every update
// reads the whole session under the lock anyway (the turn logic looks at
// the history), the capped history keeps it small, and one key lets a
// single Lua script check the lock token and save atomically with one SET,
// with one TTL to refresh. The record's form (codec.go) makes the rewrite
// cheap: unchanged turns are copied as stored bytes, not encoded again.
// The outbox is the one exception, a second key in the same hash tag
// (codec.go says why): the same scripts read and write both, so it costs
// no round trip.

// Get returns the stored session without taking the lock; ok is false when
// there is none (never created, deleted or expired).
func (s *Store) Get(ctx context.Context, id string) (*Session, bool, error) {
	if id == "" {
		return nil, false, errors.New("session: get: empty conversation id")
	}
	// One MGET: both keys share the conversation's hash tag (one slot).
	vals, err := s.db.Client.MGet(ctx, s.db.Keys.State(id), s.db.Keys.Outbox(id)).Result()
	if err != nil {
		return nil, false, fmt.Errorf("session %s: get: %w", logmask.Conv(id), err)
	}
	if len(vals) != 2 {
		return nil, false, fmt.Errorf("session %s: get: %d values for 2 keys", logmask.Conv(id), len(vals))
	}
	raw, found := vals[0].(string)
	if !found {
		return nil, false, nil
	}
	ob, _ := vals[1].(string)
	sess, _, err := loadSession(id, raw, ob)
	if err != nil {
		return nil, false, fmt.Errorf("session %s: get: %w", logmask.Conv(id), err)
	}
	return sess, true, nil
}

// Update runs fn exactly once while holding the conversation's lock, on the
// stored session or on a new one (ID from id, Mode bot, Started now), then
// saves it with the session TTL and the history capped to MaxTurns, and
// returns what it saved. If fn returns an error nothing is saved and the
// error is returned wrapped. The lock serialises updates to one conversation
// across goroutines and processes, so concurrent updates never lose a turn.
//
// Waiting for the lock is bounded by ctx. If the lock expired while fn ran
// (renewals late on a loaded machine) the save still goes ahead when no
// other update has taken the lock or written since; otherwise nothing is
// saved and the error wraps ErrLockLost. fn must not call
// Update or Delete for the same conversation (it would wait for itself).
// If fn panics, the lock is released and the panic goes on.
func (s *Store) Update(ctx context.Context, id string, fn func(*Session) error) (*Session, error) {
	return s.UpdateTimers(ctx, id, func(sess *Session) ([]TimerAt, error) { return nil, fn(sess) })
}

// TimerAt (re)arms the conversation's timer Name to fire at At.
type TimerAt struct {
	Name string
	At   time.Time
}

// UpdateTimers is Update where fn also names timers of the conversation
// to (re)arm, as Schedule would; they are written in the save's round
// trip, or, for a save under a Fence, held for its owner to arm with its
// next round trip once the work stands (Fence.ArmTimers). A timer is armed even when the save then finds the lock lost (the
// pipeline cannot make one command depend on another's result): timers
// must therefore check the conversation when they fire, as bot's do. When
// the session was saved but a timer was not, the error wraps
// ErrTimersNotArmed and the saved session is returned with it.
func (s *Store) UpdateTimers(ctx context.Context, id string, fn func(*Session) ([]TimerAt, error)) (*Session, error) {
	return s.UpdateTimersRead(ctx, id, nil, fn)
}

// Read is a conversation's state (and outbox) read ahead, without its
// lock, in the pipeline of a round trip the caller makes anyway (the
// Telegram adapter's accept of the update), so that the update that
// follows needs no round trip of its own to lock and read: see
// UpdateTimersRead. Its result is there once the pipeline ran.
type Read struct {
	id  string
	cmd *redis.SliceCmd
}

// ReadAhead queues the read of conversation id's state and outbox on
// pipe (one MGET: both keys share the conversation's slot).
func (s *Store) ReadAhead(ctx context.Context, pipe redis.Pipeliner, id string) *Read {
	return &Read{id: id, cmd: pipe.MGet(ctx, s.db.Keys.State(id), s.db.Keys.Outbox(id))}
}

// state is what r read, ok false when its pipeline failed or has not run.
func (r *Read) state() (readState, bool) {
	if r == nil || r.cmd == nil {
		return readState{}, false
	}
	vals, err := r.cmd.Result()
	if err != nil || len(vals) != 2 {
		return readState{}, false
	}
	raw, found := vals[0].(string)
	if !found {
		return readState{}, true
	}
	ob, _ := vals[1].(string)
	return readState{raw: raw, found: true, outbox: ob}, true
}

// UpdateTimersRead is UpdateTimers on the state r read ahead (nil, of
// another conversation, or not read: UpdateTimers itself). fn runs first
// on that state without taking the lock, and the save checks in the same
// script that nobody holds the lock and that the state and outbox are
// still what r read (their SHA1s); then the update cost one round trip
// (the save) instead of two. When the check fails (another update, a
// timer, an agent's action or a replica of an earlier release wrote or
// holds the lock since), nothing is saved and the update is done again
// as UpdateTimers does: fn runs a second time, under the lock, on the
// state read then. fn must therefore be safe to run twice (its effects
// outside the session are repeated, as for an update whose lock was
// lost); only what the save succeeded with counts.
func (s *Store) UpdateTimersRead(ctx context.Context, id string, r *Read, fn func(*Session) ([]TimerAt, error)) (*Session, error) {
	if id == "" {
		return nil, errors.New("session: update: empty conversation id")
	}
	if r != nil && r.id == id {
		if read, ok := r.state(); ok {
			sess, done, err := s.attempt(ctx, id, "", read, fn)
			if done {
				return sess, err
			}
			// Written or locked since the read: under the lock, as usual.
		}
	}
	token, read, err := s.lock(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("session %s: update: %w", logmask.Conv(id), err)
	}
	sess, _, err := s.attempt(ctx, id, token, read, fn)
	return sess, err
}

// attempt runs fn on the state read and saves it: under the lock token,
// or without a lock (token "") when read was read ahead. done is false
// only when a save without a lock found the state changed or locked
// since the read (nothing saved, no error: the caller does it again under
// the lock).
func (s *Store) attempt(ctx context.Context, id, token string, read readState, fn func(*Session) ([]TimerAt, error)) (_ *Session, done bool, _ error) {
	raw, found := read.raw, read.found
	held := token != ""
	if held {
		// While fn runs (an LLM call may take a while) the lock is renewed, so
		// the TTL only has to outlast a dead process, not the slowest turn:
		// another replica gets a crashed one's conversation within a TTL.
		stopRenew := s.renew(ctx, id, token)
		// Deferred so that the lock is freed on every early return and even if
		// fn panics; a crashed process's lock still expires after the lock TTL.
		defer func() {
			stopRenew()
			if held {
				s.unlock(ctx, id, token)
			}
		}()
	}
	var err error

	// UTC and Round(0) (no monotonic reading) make what Update returns
	// equal to what Get later decodes from the stored record (either form:
	// the binary one gives times back in UTC, JSON drops the monotonic
	// reading).
	sess := &Session{ID: id, Mode: ModeBot, Started: s.now().UTC().Round(0)}
	var prev *previous
	if found {
		var spans []span
		sess, spans, err = loadSession(id, raw, read.outbox)
		if err != nil {
			// Refuse rather than overwrite: the stored state may be
			// recoverable by hand, a fresh session would lose it for good.
			return nil, true, fmt.Errorf("session %s: update: %w", logmask.Conv(id), err)
		}
		if spans != nil {
			prev = &previous{raw: raw, spans: spans}
		}
	}
	timers, err := fn(sess)
	if err != nil {
		return nil, true, fmt.Errorf("session %s: update: %w", logmask.Conv(id), err)
	}
	for _, t := range timers {
		if t.Name == "" {
			return nil, true, fmt.Errorf("session %s: update: a timer without a name", logmask.Conv(id))
		}
	}
	sess.ID = id // the key decides the id; fn must not move a session
	if n := len(sess.Turns); n > s.maxTurns {
		sess.Turns = sess.Turns[n-s.maxTurns:]
		if prev != nil {
			prev.first = n - s.maxTurns
		}
	}
	buf, k, err := s.encode(getBuf(), sess, prev)
	if err != nil {
		putBuf(buf)
		return nil, true, fmt.Errorf("session %s: update: %w", logmask.Conv(id), err)
	}
	n := len(buf)
	buf = appendOutboxRecord(buf, sess.Outbox, buf[:n])
	defer putBuf(buf)

	saved, timerErr, err := s.save(ctx, id, token, read, buf[:n], k, buf[n:], timers)
	if err != nil {
		if saved {
			// Fenced off after all, its lease lost: the session is
			// returned all the same, as the turn that stands (ErrFenced).
			return sess, true, fmt.Errorf("session %s: update: %w", logmask.Conv(id), err)
		}
		return nil, true, fmt.Errorf("session %s: update: saving: %w", logmask.Conv(id), err)
	}
	held = false // saved: the script released the lock; lost: it is not ours
	if !saved {
		if token == "" {
			return nil, false, nil
		}
		return nil, true, fmt.Errorf("session %s: update: %w", logmask.Conv(id), ErrLockLost)
	}
	if timerErr != nil {
		return sess, true, fmt.Errorf("session %s: update: %w: %w", logmask.Conv(id), ErrTimersNotArmed, timerErr)
	}
	return sess, true, nil
}

// ErrTimersNotArmed is UpdateTimers' error when the session was saved but
// a timer could not be written; the session it returns alongside is the
// saved one, so the turn stands and only the timer is missing.
var ErrTimersNotArmed = errors.New("saved, but a timer was not armed")

// readState is the state an update read under its lock, and its outbox
// record ("" for none).
type readState struct {
	raw    string
	found  bool
	outbox string
}

// save records activity, writes the state and arms the timers in one
// round trip (a pipeline: the activity set and the timers are in other
// Cluster slots than the state, so one script cannot do all). Activity
// goes first: if the pipeline breaks halfway the gauge may count one
// session too many, but a saved session is not missing from it. data is
// the encoded record; the kept run k of it is not sent (the script copies
// it from the stored record). outbox is the outbox record written beside
// it by the same script (empty: the outbox key is deleted).
func (s *Store) save(ctx context.Context, id, token string, read readState, data []byte, k kept, outbox []byte, timers []TimerAt) (saved bool, timerErr, err error) {
	now := s.now()
	active := s.db.Keys.Active()
	keys := []string{s.db.Keys.Lock(id), s.db.Keys.State(id), s.db.Keys.Outbox(id), s.db.Keys.Fence(id)}
	ttl := s.ttl.Milliseconds()
	fence := fenceFor(ctx, id)
	version := ""
	if fence != nil {
		version = strconv.FormatInt(fence.Version, 10)
	}
	// The SHA1s of what was read only matter when the lock expired
	// meanwhile (rare): "?" asks the script to say so, and then they are
	// computed and sent. A save without a lock (token "": read ahead)
	// always checks what it read: it sends it back ("=") to be compared
	// as it is, cheaper for both sides than a SHA1 of each.
	sum := ""
	if token == "" && read.found {
		sum = "="
	} else if read.found {
		sum = "?"
	}
	head, tail := data[:k.at], data[k.at+k.to-k.from:]
	args := []any{token, head, ttl, sum, k.from, k.to, tail, len(read.raw), outbox, version}
	if sum == "=" {
		args = append(args, read.raw, read.outbox)
	}

	pipe := s.db.Client.Pipeline()
	// A fenced save checks (and renews) the lease its work runs under in
	// the same round trip, first: another slot, so beside the save, not
	// in it. Held, the work may send its replies (the lease was just
	// renewed for a whole TTL). Lost, the save may still have gone ahead
	// (when no later holder has saved: the version check), and the work
	// is dropped unsent: whoever holds the lease now finds this turn as
	// the outbox and sends its replies, once.
	var renewCmd *redis.Cmd
	if fence != nil {
		renewCmd = store.Renew.EvalSha(ctx, pipe, []string{fence.Key}, fence.Token, fence.TTL.Milliseconds())
	}
	pipe.ZAdd(ctx, active, redis.Z{Score: float64(now.UnixMilli()), Member: id})
	// Entries older than the session TTL belong to expired sessions. They
	// only cost memory (Active counts by time), so one save a second per
	// Store drops them, not every save.
	if ms := now.UnixMilli(); ms-s.trimmed.Load() >= activeTrimEvery.Milliseconds() {
		s.trimmed.Store(ms)
		pipe.ZRemRangeByScore(ctx, active, "-inf", "("+strconv.FormatInt(now.Add(-s.ttl).UnixMilli(), 10))
		pipe.PExpire(ctx, active, s.ttl)
	}
	cmd := store.SessionSave.EvalSha(ctx, pipe, keys, args...)
	// Arming a timer also resets its attempt count (store.TimerArm), in
	// this same round trip; under a fence they are held for its owner to
	// arm once the work stands (Fence.ArmTimers says why).
	var timerCmds []*redis.Cmd
	if fence == nil {
		timerCmds = make([]*redis.Cmd, len(timers))
		for i, t := range timers {
			timerCmds[i] = s.queueArm(ctx, pipe, id, t)
		}
	}
	// Exec's error is the first failed command's; the save's own result is
	// what decides. A failed activity write alone does not fail a saved
	// update: reporting failure would make the caller redo work that stuck,
	// for the sake of a gauge.
	_, _ = pipe.Exec(ctx)
	if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		// First use on this server (or after SCRIPT FLUSH): send the body.
		cmd = store.SessionSave.Eval(ctx, s.db.Client, keys, args...)
	}
	n, newer, err := saveResult(cmd)
	// 2: the lock expired, the script needs the SHA1 of what was read;
	// 3: the stored record vanished under our lock (TTL, eviction), so the
	// kept turns cannot be copied from it and the whole record is sent.
	// Each can happen once.
	for range 2 {
		if err != nil || (n != 2 && n != 3) {
			break
		}
		if n == 2 {
			args[3] = stateSum(read)
		} else {
			args[1], args[4], args[5], args[6] = data, 0, 0, ""
		}
		n, newer, err = saveResult(store.SessionSave.Run(ctx, s.db.Client, keys, args...))
	}
	if err != nil {
		return false, nil, err
	}
	if fence != nil {
		if redis.HasErrorPrefix(renewCmd.Err(), "NOSCRIPT") {
			renewCmd = store.Renew.Eval(ctx, s.db.Client, []string{fence.Key}, fence.Token, fence.TTL.Milliseconds())
		}
		// A check that failed (Redis) proves nothing either way: the
		// fence stays unchecked and its owner checks again.
		if held, rerr := renewCmd.Int64(); rerr == nil {
			fence.held(held == 1)
		}
		if n == 4 {
			fence.refused(newer)
		}
		if fence.Lost() {
			// Saved (n 1) when no later holder had saved: the turn
			// stands, and the lease's holder replays it (see ErrFenced).
			return n == 1, nil, ErrFenced
		}
		if n == 1 {
			fence.hold(s, id, timers)
		}
	}
	for i, c := range timerCmds {
		if err := s.armed(ctx, c, id, timers[i]); err != nil {
			timerErr = fmt.Errorf("%s timer: %w", timers[i].Name, err)
			break
		}
	}
	return n == 1, timerErr, nil
}

// saveResult reads SessionSave's reply: its result, and with 4 (refused
// by the conversation's fence) the fence's version.
func saveResult(cmd *redis.Cmd) (n, fence int64, err error) {
	v, err := cmd.Result()
	if err != nil {
		return 0, 0, err
	}
	switch r := v.(type) {
	case int64:
		return r, 0, nil
	case []any:
		if len(r) == 2 {
			n, ok1 := r[0].(int64)
			f, ok2 := r[1].(int64)
			if ok1 && ok2 {
				return n, f, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("unexpected save script result %s", store.ReplyShape([]any{v}))
}

// SwapOutbox replaces the conversation's outbox was, as an Update saved
// it (the Outbox of the session it returned), by now (the same work's,
// with less left to send or owe), in one round trip and without the lock.
// It does nothing and reports false when the stored outbox is no longer
// was (replaced by later work, or saved inside a record of the build that
// kept it there), when a locked Update is in flight (it would write back
// the outbox it read), or there is none: the caller then does it with Update,
// as before. The stored state is not touched, so now belongs to the same
// state as was.
func (s *Store) SwapOutbox(ctx context.Context, id string, was, now *Outbox) (bool, error) {
	if was == nil || now == nil {
		return false, nil
	}
	buf := appendOutbox(getBuf(), was)
	defer func() { putBuf(buf) }()
	n := len(buf)
	buf = appendOutbox(buf, now)
	ok, err := store.SessionOutboxSwap.Run(ctx, s.db.Client, []string{s.db.Keys.Outbox(id), s.db.Keys.Lock(id)},
		buf[:n], buf[n:], string([]byte{outboxMagic, outboxVersion})).Int64()
	if err != nil {
		return false, fmt.Errorf("session %s: outbox: %w", logmask.Conv(id), err)
	}
	return ok == 1, nil
}

// Delete removes a conversation's session (under its lock, so an update in
// flight cannot bring it back) and its activity entry. Timers are the
// caller's to Cancel.
func (s *Store) Delete(ctx context.Context, id string) error {
	if id == "" {
		return errors.New("session: delete: empty conversation id")
	}
	token, _, err := s.lock(ctx, id)
	if err != nil {
		return fmt.Errorf("session %s: delete: %w", logmask.Conv(id), err)
	}
	n, err := store.SessionDelete.Run(ctx, s.db.Client, []string{s.db.Keys.Lock(id), s.db.Keys.State(id), s.db.Keys.Outbox(id), s.db.Keys.Fence(id)}, token).Int64()
	if err != nil {
		s.unlock(ctx, id, token)
		return fmt.Errorf("session %s: delete: %w", logmask.Conv(id), err)
	}
	if n != 1 {
		return fmt.Errorf("session %s: delete: %w", logmask.Conv(id), ErrLockLost)
	}
	if err := s.db.Client.ZRem(ctx, s.db.Keys.Active(), id).Err(); err != nil {
		return fmt.Errorf("session %s: delete: activity: %w", logmask.Conv(id), err)
	}
	return nil
}

// stateSum is the SHA1s (hex, as Redis's redis.sha1hex) of the state an
// update read and of its outbox ("" for none), one after the other, or ""
// when there was no state: the save compares them to find out whether
// anyone wrote since, should the lock have expired or the state have been
// read without it.
func stateSum(read readState) string {
	if !read.found {
		return ""
	}
	a, b := sha1.Sum(bytesOf(read.raw)), sha1.Sum(bytesOf(read.outbox))
	return hex.EncodeToString(a[:]) + hex.EncodeToString(b[:])
}

// lock takes the conversation's lock, polling with backoff until ctx is
// done, and returns the token and the stored state (and outbox) read with it.
func (s *Store) lock(ctx context.Context, id string) (token string, read readState, err error) {
	token = newToken()
	keys := []string{s.db.Keys.Lock(id), s.db.Keys.State(id), s.db.Keys.Outbox(id)}
	wait := minLockBackoff
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		res, err := store.SessionAcquire.Run(ctx, s.db.Client, keys, token, s.lockTTL.Milliseconds()).Slice()
		if err != nil {
			return "", readState{}, fmt.Errorf("taking lock: %w", err)
		}
		if len(res) == 0 {
			return "", readState{}, fmt.Errorf("taking lock: empty reply")
		}
		if got, _ := res[0].(int64); got == 1 {
			if len(res) < 2 {
				return token, readState{}, nil
			}
			v, ok := res[1].(string)
			if !ok {
				return "", readState{}, fmt.Errorf("taking lock: unexpected state reply %T", res[1])
			}
			read := readState{raw: v, found: true}
			if len(res) > 2 {
				if read.outbox, ok = res[2].(string); !ok {
					return "", readState{}, fmt.Errorf("taking lock: unexpected outbox reply %T", res[2])
				}
			}
			return token, read, nil
		}
		d := wait/2 + mrand.N(wait/2+1) // jitter so waiters do not poll in step
		if timer == nil {
			timer = time.NewTimer(d)
		} else {
			timer.Reset(d)
		}
		select {
		case <-ctx.Done():
			return "", readState{}, fmt.Errorf("waiting for lock: %w", context.Cause(ctx))
		case <-timer.C:
		}
		wait = min(wait*2, maxLockBackoff)
	}
}

// newToken names one holder of a lock. It must only differ from every
// other holder's, not be secret: 128 bits of the runtime's ChaCha8
// generator (crypto/rand costs a system call per update).
func newToken() string {
	var b [26]byte
	return string(strconv.AppendUint(strconv.AppendUint(b[:0], mrand.Uint64(), 36), mrand.Uint64(), 36))
}

// renew extends the conversation's lock every third of its TTL until the
// returned stop is called (which waits for the renewer to finish, so no
// renewal lands after the save released the lock). A renewal that finds
// the lock gone or someone else's does nothing; the save then reports
// ErrLockLost as before.
func (s *Store) renew(ctx context.Context, id, token string) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(s.lockTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
				_ = store.Renew.Run(rctx, s.db.Client, []string{s.db.Keys.Lock(id)}, token, s.lockTTL.Milliseconds()).Err()
				cancel()
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// unlock releases the lock if it is still ours. It runs even when ctx is
// already done (the update failed because of it), with a bounded context of
// its own. A failed release is harmless beyond a delay: the lock expires.
func (s *Store) unlock(ctx context.Context, id, token string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
	defer cancel()
	_ = store.Unlock.Run(ctx, s.db.Client, []string{s.db.Keys.Lock(id)}, token).Err()
}

// Active counts sessions updated within d of now (for a gauge).
func (s *Store) Active(ctx context.Context, within time.Duration) (int64, error) {
	from := strconv.FormatInt(s.now().Add(-within).UnixMilli(), 10)
	n, err := s.db.Client.ZCount(ctx, s.db.Keys.Active(), from, "+inf").Result()
	if err != nil {
		return 0, fmt.Errorf("session: active: %w", err)
	}
	return n, nil
}

// FirstTime records key for ttl and reports whether it was new, so that a
// redelivered Telegram update or Slack event is processed once.
func (s *Store) FirstTime(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if key == "" {
		return false, errors.New("session: first time: empty key")
	}
	if ttl < time.Millisecond {
		return false, fmt.Errorf("session: first time %s: ttl %v is too short (a marker without expiry would stay forever)", key, ttl)
	}
	ok, err := s.db.Client.SetNX(ctx, s.db.Keys.Seen(key), 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("session: first time %s: %w", key, err)
	}
	return ok, nil
}

// Ping checks that Redis answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.Client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("session: ping redis: %w", err)
	}
	return nil
}

// WaitsKept is how many recent waits RecentWaits returns at most.
const WaitsKept = 50

// RecordWait keeps how long a customer waited for an agent (all replicas
// share the list), so the next customer hears a realistic estimate.
func (s *Store) RecordWait(ctx context.Context, d time.Duration) error {
	key := s.db.Keys.StatsWaits()
	pipe := s.db.Client.TxPipeline()
	pipe.LPush(ctx, key, int64(d/time.Second))
	pipe.LTrim(ctx, key, 0, WaitsKept-1)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("session: record wait: %w", err)
	}
	return nil
}

// RecentWaits returns the last WaitsKept waits, newest first.
func (s *Store) RecentWaits(ctx context.Context) ([]time.Duration, error) {
	vals, err := s.db.Client.LRange(ctx, s.db.Keys.StatsWaits(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("session: recent waits: %w", err)
	}
	out := make([]time.Duration, 0, len(vals))
	for _, v := range vals {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			out = append(out, time.Duration(n)*time.Second)
		}
	}
	return out, nil
}
