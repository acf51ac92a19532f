package telegram

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/store"
)

// The durable inbox makes delivery at-least-once without duplicates, across
// restarts and replicas. Every update is written to Redis before Telegram is
// told we have it (the next getUpdates offset, or the webhook's 200), and
// removed only after its replies went out:
//
//	inbox        hash update_id -> raw update JSON, until answered
//	update <id>  "<replica>" while a replica owns the update,
//	             "done" once answered; kept for the dedupe TTL
//	replica <r>  heartbeat of a live replica (short TTL)
//	flood        messages of a chat in a flood window
//
// (names in bot/store's keys.go, scripts in its scripts.go).
// A redelivered update (Telegram retries a webhook that was slow to answer,
// or polling restarts from an older offset) finds its state key and is not
// answered again. An update owned by a replica that died (no heartbeat) or
// that shut down before answering (it releases its claims) is taken over by
// the next sweep of any replica. The hash tag keeps all keys of one bot in
// one Redis Cluster slot, which the scripts need.

// accepted is what accept learned about a new update.
type accepted struct {
	result int   // store.InboxDone, InboxOwned or InboxNew
	count  int64 // the chat's messages in the current flood window, this one included (0: not counted)
}

// accept persists and claims one update. count says whether it counts
// against the flood limit.
func (a *Adapter) accept(ctx context.Context, id, chat int64, raw []byte, count bool) (accepted, error) {
	window := a.cfg.floodWindow
	if window <= 0 {
		window = time.Minute
	}
	w := a.now().UnixMilli() / window.Milliseconds()
	flag := "0"
	if count && a.cfg.floodLimit > 0 {
		flag = "1"
	}
	res, err := store.InboxAccept.Run(ctx, a.rdb,
		[]string{a.keys.Update(id), a.keys.Inbox(), a.keys.Flood(chat, w)},
		a.replica, id, raw, a.cfg.dedupeTTL.Milliseconds(), window.Milliseconds(), flag).Int64Slice()
	if err != nil {
		return accepted{}, fmt.Errorf("telegram: persisting update %d: %w", id, err)
	}
	if len(res) != 2 {
		return accepted{}, fmt.Errorf("telegram: persisting update %d: unexpected script result %v", id, res)
	}
	if res[0] == store.InboxNew {
		a.own(id)
	}
	return accepted{result: int(res[0]), count: res[1]}, nil
}

// done marks an update answered and drops it from the inbox.
func (a *Adapter) done(ctx context.Context, id int64) error {
	defer a.disown(id)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), redisTimeout)
	defer cancel()
	_, err := a.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, a.keys.Update(id), "done", a.cfg.dedupeTTL)
		p.HDel(ctx, a.keys.Inbox(), strconv.FormatInt(id, 10))
		return nil
	})
	if err != nil {
		return fmt.Errorf("telegram: marking update %d answered: %w", id, err)
	}
	return nil
}

func (a *Adapter) own(id int64) {
	a.ownedMu.Lock()
	a.owned[id] = struct{}{}
	a.ownedMu.Unlock()
}

func (a *Adapter) disown(id int64) {
	a.ownedMu.Lock()
	delete(a.owned, id)
	a.ownedMu.Unlock()
}

// releaseOwned gives back every update this replica holds but did not
// answer; they stay in the inbox for the next sweep.
func (a *Adapter) releaseOwned(ctx context.Context) (int, error) {
	a.ownedMu.Lock()
	ids := make([]int64, 0, len(a.owned))
	for id := range a.owned {
		ids = append(ids, id)
	}
	a.owned = map[int64]struct{}{}
	a.ownedMu.Unlock()
	var errs []error
	for _, id := range ids {
		if err := store.Unlock.Run(ctx, a.rdb, []string{a.keys.Update(id)}, a.replica).Err(); err != nil {
			errs = append(errs, fmt.Errorf("update %d: %w", id, err))
		}
	}
	if len(errs) > 0 {
		return len(ids), fmt.Errorf("telegram: releasing unanswered updates (they are taken over once this replica's heartbeat expires): %w", errors.Join(errs...))
	}
	return len(ids), nil
}

// heartbeat keeps this replica's claims alive until ctx ends, then removes
// the heartbeat so nothing waits for it to expire.
func (a *Adapter) heartbeat(ctx context.Context) {
	key := a.keys.Replica(a.replica)
	beat := func() {
		bctx, cancel := context.WithTimeout(ctx, redisTimeout)
		defer cancel()
		if err := a.rdb.Set(bctx, key, a.startedAt.Format(time.RFC3339), 3*a.cfg.heartbeat).Err(); err != nil && ctx.Err() == nil {
			a.m.Error("telegram_inbox")
			a.log.Warn("telegram: heartbeat failed; other replicas may take over this one's updates", "err", err)
		}
	}
	beat()
	t := time.NewTicker(a.cfg.heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), redisTimeout)
			_ = a.rdb.Del(dctx, key).Err()
			cancel()
			return
		case <-t.C:
			beat()
		}
	}
}

// sweep claims inbox entries nobody live owns (left by a restart or a dead
// replica) and queues them in update order.
func (a *Adapter) sweep(ctx context.Context) (int, error) {
	type entry struct {
		id  int64
		raw string
	}
	var found []entry
	var cursor uint64
	for {
		kv, next, err := a.rdb.HScan(ctx, a.keys.Inbox(), cursor, "*", 500).Result()
		if err != nil {
			return 0, fmt.Errorf("telegram: reading the inbox: %w", err)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			id, err := strconv.ParseInt(kv[i], 10, 64)
			if err != nil {
				continue
			}
			found = append(found, entry{id, kv[i+1]})
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	sort.Slice(found, func(i, j int) bool { return found[i].id < found[j].id })
	n := 0
	for _, e := range found {
		if a.isOwned(e.id) {
			continue
		}
		ok, err := store.InboxClaim.Run(ctx, a.rdb, []string{a.keys.Update(e.id), a.keys.Inbox()},
			a.replica, e.id, a.keys.ReplicaPrefix(), a.cfg.dedupeTTL.Milliseconds()).Int()
		if err != nil {
			return n, fmt.Errorf("telegram: claiming update %d: %w", e.id, err)
		}
		if ok != 1 {
			continue
		}
		a.own(e.id)
		upd, chat, err := decodeUpdate([]byte(e.raw))
		if err != nil {
			a.log.Error("telegram: dropping an unreadable inbox entry", "update_id", e.id, "err", err)
			_ = a.done(ctx, e.id)
			continue
		}
		n++
		if !a.disp.add(job{id: e.id, chat: chat, upd: upd, got: a.now(), recovered: true}) {
			return n, nil // shutting down: the claim is released with the rest
		}
	}
	return n, nil
}

func (a *Adapter) isOwned(id int64) bool {
	a.ownedMu.Lock()
	defer a.ownedMu.Unlock()
	_, ok := a.owned[id]
	return ok
}

// sweepLoop sweeps every cfg.sweep until ctx ends.
func (a *Adapter) sweepLoop(ctx context.Context) {
	t := time.NewTicker(a.cfg.sweep)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			n, err := a.sweep(sctx)
			cancel()
			if err != nil && ctx.Err() == nil {
				a.m.Error("telegram_inbox")
				a.log.Warn("telegram: inbox sweep failed", "err", err)
			} else if n > 0 {
				a.log.Info("telegram: took over unanswered updates", "count", n)
			}
		}
	}
}
