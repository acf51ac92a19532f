package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// The durable inbox makes delivery at-least-once without duplicates, across
// restarts and replicas, and keeps each chat in order across replicas.
// Every update is written to Redis before Telegram is told we have it (the
// next getUpdates offset, or the webhook's 200), queued on its chat, and
// removed only after its replies went out (names in bot/store's keys.go,
// scripts in its scripts.go):
//
//	inbox        hash update_id -> raw update JSON, until answered
//	update <id>  "q" while queued, "done" once answered; kept for the dedupe TTL
//	chat queue   a chat's unanswered updates by update id
//	chat lease   the replica answering that chat now (TTL, renewed by heartbeat),
//	             as a token "<replica>#<version>", a new version per take
//	versions     the counter the lease versions come from (never expires)
//	chats        chats with unanswered updates
//	flood        messages of a chat in a flood window
//
// Whichever replica accepted an update, the one holding the chat's lease
// answers the chat's queue oldest first, so two replicas behind one
// webhook never answer one chat's messages out of order. A replica that
// accepts an update for a chat another replica is answering just leaves it
// queued: the holder takes it before letting the lease go (the release and
// the "queue empty" check are one script). A replica that accepts an
// update for a chat nobody holds takes the lease in the accept script
// itself and starts answering with the update it got back. A redelivered
// update finds its
// state key and is dropped. A dead replica's leases expire (three missed
// heartbeats) and the next sweep of any replica takes its chats over.
//
// A replica that is not dead but stalled past its lease (a long GC or
// LLM pause, renewals failing) is fenced off by its token: its session
// save finds the lease lost (or a later version's turn saved) and its
// replies are dropped unsent, and it cannot mark the update answered;
// the chat's new holder answers the message, once. What remains is
// described at process (telegram.go).

// accepted is what accept learned about a new update.
type accepted struct {
	result int    // store.InboxDone, InboxOwned or InboxNew
	count  int64  // the chat's messages in the current flood window, this one included (0: not counted)
	first  *entry // the chat's oldest update, when accept took the chat's lease (nobody held it)
}

// accept persists and queues one update. count says whether it counts
// against the flood limit. When no replica holds the chat's lease, accept
// takes it in the same round trip and returns the chat's oldest update in
// first (taken true), or reports the lease held by someone (taken false);
// the round trip a chat loop's first acquire would cost is saved.
//
// With ahead set (this replica will answer the chat if accept takes its
// lease), the conversation's state is read in the same pipeline
// (ReadAheader), and handed on with first: the turn then starts without a
// round trip to lock and read it. On a Cluster the two go to their nodes
// at once; a read that lands before the accept, or is stale by the time
// the turn saves, only sends the turn to the lock (the save checks).
func (a *Adapter) accept(ctx context.Context, id, chat int64, raw []byte, count, ahead bool) (accepted, error) {
	window := a.cfg.floodWindow
	if window <= 0 {
		window = time.Minute
	}
	w := a.now().UnixMilli() / window.Milliseconds()
	flag := "0"
	if count && a.cfg.floodLimit > 0 {
		flag = "1"
	}
	keys := []string{a.keys.Update(id), a.keys.Inbox(), a.keys.Flood(chat, w), a.keys.ChatQueue(chat), a.keys.Chats(),
		a.keys.ChatLease(chat), a.keys.LeaseVersion()}
	args := []any{id, raw, a.cfg.dedupeTTL.Milliseconds(), window.Milliseconds(), flag, chat,
		a.tokenPrefix(), a.leaseTTL().Milliseconds()}
	res, read, err := a.runAhead(ctx, store.InboxAcceptTake, keys, ahead, chat, nil, args...)
	if err != nil {
		return accepted{}, fmt.Errorf("telegram: persisting update %d: %w", id, err)
	}
	acc, err := acceptedOf(res)
	if err != nil {
		return accepted{}, fmt.Errorf("telegram: persisting update %d: %w", id, err)
	}
	if acc.first != nil {
		acc.first.read = read
	}
	return acc, nil
}

// runAhead runs one of the inbox scripts and, with ahead set and a
// handler that can (ReadAheader), reads the chat's conversation in the
// same pipeline (read is nil otherwise). The timers the saves of a
// finished turn held back on its fence f (nil: none) are armed in the
// same pipeline too (session.Fence.ArmTimers).
func (a *Adapter) runAhead(ctx context.Context, s *redis.Script, keys []string, ahead bool, chat int64, f *session.Fence, args ...any) (res []any, read *session.Read, err error) {
	ra, ok := a.h.(ReadAheader)
	ahead = ahead && ok
	if !ahead && !f.HoldsTimers() {
		res, err = s.Run(ctx, a.rdb, keys, args...).Slice()
		return res, nil, err
	}
	pipe := a.rdb.Pipeline()
	cmd := s.EvalSha(ctx, pipe, keys, args...)
	if ahead {
		read = ra.ReadAhead(ctx, pipe, bot.ConvID(Channel, strconv.FormatInt(chat, 10)))
	}
	armed := f.ArmTimers(ctx, pipe)
	_, _ = pipe.Exec(ctx) // each command's own result decides
	if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		// First use on this server: send the body.
		cmd = s.Eval(ctx, a.rdb, keys, args...)
	}
	if err := armed(ctx); err != nil {
		// The timer's check-in is missed unless the customer writes
		// again; the turn and its replies stand.
		a.m.Error("telegram_inbox")
		a.log.Warn("telegram: a conversation timer (the idle check-in) was not armed", "chat", logChat(chat), "err", err)
	}
	res, err = cmd.Slice()
	return res, read, err
}

// ReadAheader is a Handler that can read a conversation's state in the
// pipeline of the adapter's accept and take it back in bot.Event.Read
// (*bot.Bot): a message then costs one Redis round trip fewer. pipe is on
// the adapter's Redis, which must be the handler's.
type ReadAheader interface {
	ReadAhead(ctx context.Context, pipe redis.Pipeliner, convID string) *session.Read
}

// acceptedOf reads InboxAcceptTake's reply.
func acceptedOf(res []any) (accepted, error) {
	if len(res) != 2 && len(res) != 5 {
		return accepted{}, fmt.Errorf("unexpected script result %s", store.ReplyShape(res))
	}
	result, ok1 := res[0].(int64)
	count, ok2 := res[1].(int64)
	if !ok1 || !ok2 {
		return accepted{}, fmt.Errorf("unexpected script result %s", store.ReplyShape(res))
	}
	acc := accepted{result: int(result), count: count}
	if len(res) == 5 {
		e, _, ok, err := nextOf([]any{int64(2), res[2], res[3], res[4]})
		if err != nil || !ok {
			return accepted{}, fmt.Errorf("unexpected script result %s: %v", store.ReplyShape(res), err)
		}
		acc.first = &e
	}
	return acc, nil
}

// entry is a queued update handed out by the chat scripts.
type entry struct {
	member string // the chat queue's member, "<id>:<count>"
	id     int64
	count  int64
	raw    string
	token  string        // the chat lease's token it was handed out under (ChatTake, ChatAnswered, InboxAcceptTake)
	read   *session.Read // the conversation read with the accept that took the lease, or nil
}

// tokenPrefix starts every lease token of this replica ("<replica>#",
// then the lease's version): its heartbeat renews the leases so marked,
// and ChatTake and ChatAnswered take over one its own accept took.
func (a *Adapter) tokenPrefix() string { return a.replica + "#" }

// leaseVersion is the version in a lease token (0 when it has none).
func leaseVersion(token string) int64 {
	i := strings.LastIndexByte(token, '#')
	if i < 0 {
		return 0
	}
	v, _ := strconv.ParseInt(token[i+1:], 10, 64)
	return v
}

// leaseTTL is how long a chat stays with a replica that stopped renewing.
func (a *Adapter) leaseTTL() time.Duration { return 3 * a.cfg.heartbeat }

// nextOf reads a chat script's reply: held is false when the lease is not
// (or no longer) this replica's; ok is false when the chat has nothing
// left (and the lease was let go).
func nextOf(res []any) (e entry, held, ok bool, err error) {
	if len(res) == 0 {
		return entry{}, false, false, errors.New("empty script reply")
	}
	switch code, _ := res[0].(int64); code {
	case 0:
		return entry{}, false, false, nil
	case 1:
		return entry{}, true, false, nil
	case 2:
		if len(res) != 4 {
			return entry{}, false, false, fmt.Errorf("unexpected script reply %s", store.ReplyShape(res))
		}
		e.member, _ = res[1].(string)
		e.raw, _ = res[2].(string)
		e.token, _ = res[3].(string)
		ids, counts, _ := strings.Cut(e.member, ":")
		if e.id, err = strconv.ParseInt(ids, 10, 64); err != nil {
			return entry{}, false, false, fmt.Errorf("bad queue member %q", e.member)
		}
		e.count, _ = strconv.ParseInt(counts, 10, 64)
		return e, true, true, nil
	}
	return entry{}, false, false, fmt.Errorf("unexpected script reply %s", store.ReplyShape(res))
}

func (a *Adapter) chatKeys(chat int64) []string {
	return []string{a.keys.ChatLease(chat), a.keys.ChatQueue(chat), a.keys.Inbox(), a.keys.Chats()}
}

// acquire takes the chat's lease with a new token (unless another replica
// holds it), its version above floor (0: any), and returns the chat's
// oldest queued update; with ahead, its conversation read in the same
// round trip (runAhead).
func (a *Adapter) acquire(ctx context.Context, chat int64, ahead bool, floor int64) (entry, bool, bool, error) {
	res, read, err := a.runAhead(ctx, store.ChatTake, append(a.chatKeys(chat), a.keys.LeaseVersion()), ahead, chat, nil,
		a.tokenPrefix(), a.leaseTTL().Milliseconds(), chat, floor)
	if err != nil {
		return entry{}, false, false, fmt.Errorf("telegram: taking chat %s: %w", logChat(chat), err)
	}
	return nextRead(res, read)
}

// complete marks e answered and returns the chat's next update while the
// lease is still e's (its token, or one this replica's accept took while
// it had lapsed: ChatAnswered); held is false when it was lost, and then
// e is left to the replica that took the chat over. With
// ahead, the next update's conversation is read in the same round trip
// (runAhead), and so are the timers e's turn held back on its fence f
// armed: its replies went out, so the turn stands.
func (a *Adapter) complete(ctx context.Context, chat int64, e entry, ahead bool, f *session.Fence) (entry, bool, bool, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), redisTimeout)
	defer cancel()
	res, read, err := a.runAhead(ctx, store.ChatAnswered, append(a.chatKeys(chat), a.keys.Update(e.id)), ahead, chat, f,
		e.token, a.leaseTTL().Milliseconds(), chat, e.member, e.id, a.cfg.dedupeTTL.Milliseconds(), a.tokenPrefix())
	if err != nil {
		return entry{}, false, false, fmt.Errorf("telegram: marking update %d answered: %w", e.id, err)
	}
	return nextRead(res, read)
}

// nextRead is nextOf, the next update carrying read.
func nextRead(res []any, read *session.Read) (entry, bool, bool, error) {
	e, held, ok, err := nextOf(res)
	if ok {
		e.read = read
	}
	return e, held, ok, err
}

// release lets a chat's lease go (shutdown, or an update left unanswered),
// so another replica may take the chat at once; only while it is still
// held by token.
func (a *Adapter) release(ctx context.Context, chat int64, token string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), redisTimeout)
	defer cancel()
	if err := store.Unlock.Run(ctx, a.rdb, []string{a.keys.ChatLease(chat)}, token).Err(); err != nil {
		a.log.Warn("telegram: could not let a chat go; another replica takes it once the lease expires",
			"chat", logChat(chat), "err", err)
	}
}

// heartbeat renews the leases of the chats this replica is answering until
// ctx ends.
func (a *Adapter) heartbeat(ctx context.Context) {
	t := time.NewTicker(a.cfg.heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		chats := a.disp.active()
		if len(chats) == 0 {
			continue
		}
		bctx, cancel := context.WithTimeout(ctx, redisTimeout)
		pipe := a.rdb.Pipeline()
		for _, chat := range chats {
			store.RenewOwn.Eval(bctx, pipe, []string{a.keys.ChatLease(chat)}, a.tokenPrefix(), a.leaseTTL().Milliseconds())
		}
		_, err := pipe.Exec(bctx)
		cancel()
		if err != nil && ctx.Err() == nil {
			a.m.Error("telegram_inbox")
			a.log.Warn("telegram: renewing chat leases failed; other replicas may take these chats over", "err", err)
		}
	}
}

// sweep looks at every chat with unanswered updates and starts answering
// those no live replica holds (left by a restart or a dead replica). It
// returns how many chats it looked at.
func (a *Adapter) sweep(ctx context.Context) (int, error) {
	chats, err := a.rdb.SMembers(ctx, a.keys.Chats()).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("telegram: reading the inbox: %w", err)
	}
	n := 0
	for _, c := range chats {
		chat, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			continue
		}
		if a.disp.kick(chat, true) == kickStarted {
			n++
		}
	}
	return n, nil
}

// receivedKeep bounds how long a replica remembers when it received an
// update (for the reply latency): the replica holding the chat may be
// another one, and then this one never hears of the update again.
const receivedKeep = 10 * time.Minute

// forgetReceived drops the receive times older than receivedKeep; without
// it every update answered by another replica stayed in gotAt for good
// (the soak run's two replicas grew by one entry per such update).
func (a *Adapter) forgetReceived(now time.Time) {
	a.gotAt.Range(func(k, v any) bool {
		if t, ok := v.(time.Time); !ok || now.Sub(t) > receivedKeep {
			a.gotAt.Delete(k)
		}
		return true
	})
}

// sweepLoop sweeps every cfg.sweep until ctx ends, and forgets old
// receive times.
func (a *Adapter) sweepLoop(ctx context.Context) {
	t := time.NewTicker(a.cfg.sweep)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			_, err := a.sweep(sctx)
			cancel()
			a.forgetReceived(a.now())
			if err != nil && ctx.Err() == nil {
				a.m.Error("telegram_inbox")
				a.log.Warn("telegram: inbox sweep failed", "err", err)
			}
		}
	}
}
