package slack

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	goslack "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/batonhq/baton/bot/store"
)

// The agent inbox makes what agents do in Slack durable and ordered across
// replicas, as the Telegram inbox does for customers (same scripts, keys
// under {slack}):
//
//   - an agent event (a thread message, a button) is written to Redis, on
//     its thread's queue, before Slack is acknowledged: a replica killed
//     after the ack loses nothing;
//   - one replica at a time holds a thread's lease and handles its queue
//     oldest first (by Slack's ts), whichever replica's connection Slack
//     chose: two quick replies reach the customer in the order written;
//   - an event Slack delivers again (a retry, or both Socket Mode and the
//     HTTP Events API) finds its state key and is dropped;
//   - a dead replica's leases expire (three missed heartbeats) and the next
//     sweep of any replica takes its threads over.
//
// Delivery is at least once: a replica killed after relaying a reply but
// before marking it handled has it relayed again by the replica that takes
// the thread over.

// stored is an agent event as the inbox keeps it: Slack's own JSON, so it
// is read back exactly as it arrived.
type stored struct {
	Kind    string          `json:"k"` // "event" (Events API callback) or "action" (interaction)
	Key     string          `json:"d"` // its dedupe key (the state key's suffix)
	Payload json.RawMessage `json:"p"`
}

const (
	kindEvent  = "event"
	kindAction = "action"
)

// defaultHeartbeat is how often a replica renews the leases of the threads
// it is handling and looks for threads nobody handles (BATON_HEARTBEAT).
const defaultHeartbeat = 5 * time.Second

// WithHeartbeat sets how often leases are renewed and the inbox swept; a
// dead replica's threads go to another about three beats later.
func WithHeartbeat(beat time.Duration) Option {
	return func(d *Desk) {
		if beat > 0 {
			d.heartbeat = beat
		}
	}
}

func (d *Desk) leaseTTL() time.Duration { return 3 * d.heartbeat }

func (d *Desk) threadKeys(thread string) []string {
	return []string{d.keys.ThreadLease(thread), d.keys.ThreadQueue(thread), d.keys.ThreadInbox(thread), d.keys.Threads()}
}

// persist writes one agent event to its thread's queue and wakes the
// thread's worker. It reports false when Redis failed: the caller then
// does not acknowledge, and Slack delivers the event again.
func (d *Desk) persist(thread, id string, st stored) bool {
	raw, err := json.Marshal(st)
	if err != nil {
		d.log.Error("slack desk: encoding an agent event", "err", err)
		return true // cannot happen; a retry would not help
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// KEYS[3] is the flood counter of the Telegram inbox; with count "0"
	// the script never touches it.
	res, err := store.InboxAccept.Run(ctx, d.rdb,
		[]string{d.keys.Event(st.Key), d.keys.ThreadInbox(thread), d.keys.ThreadQueue(thread), d.keys.ThreadQueue(thread), d.keys.Threads()},
		id, raw, dedupeTTL.Milliseconds(), 1, "0", thread).Int64Slice()
	if err != nil || len(res) != 2 {
		d.log.Warn("slack desk: could not keep an agent event; Slack will deliver it again", "err", err)
		return false
	}
	if res[0] == store.InboxNew {
		d.kickThread(thread)
	}
	return true
}

// kickThread asks the thread's worker to handle its queue. A full worker
// queue drops the kick: the next sweep repeats it.
func (d *Desk) kickThread(thread string) {
	h := fnv.New32a()
	h.Write([]byte(thread))
	select {
	case d.inboxes[h.Sum32()%uint32(len(d.inboxes))] <- thread:
	default:
	}
}

// queued is one event handed out by the thread scripts.
type queued struct {
	member string // the queue's member, "<id>:0"
	id     string // Slack's ts of the message or action
	raw    string
}

// nextEvent reads a thread script's reply: held is false when the lease is
// not (or no longer) this replica's; ok is false when the thread has
// nothing left (and the lease was let go).
func nextEvent(res []any) (q queued, held, ok bool, err error) {
	if len(res) == 0 {
		return queued{}, false, false, errors.New("empty script reply")
	}
	switch code, _ := res[0].(int64); code {
	case 0:
		return queued{}, false, false, nil
	case 1:
		return queued{}, true, false, nil
	case 2:
		if len(res) != 3 {
			return queued{}, false, false, fmt.Errorf("unexpected script reply %v", res)
		}
		q.member, _ = res[1].(string)
		q.raw, _ = res[2].(string)
		q.id, _, _ = strings.Cut(q.member, ":")
		return q, true, true, nil
	}
	return queued{}, false, false, fmt.Errorf("unexpected script reply %v", res)
}

// drainThread handles a thread's queued events while this replica holds
// its lease.
func (d *Desk) drainThread(ctx context.Context, thread string) {
	d.active.add(thread)
	defer d.active.remove(thread)
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	res, err := store.ChatAcquire.Run(rctx, d.rdb, d.threadKeys(thread), d.replica, d.leaseTTL().Milliseconds(), thread).Slice()
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("slack desk: taking a thread's events", "err", err)
		}
		return
	}
	q, _, ok, err := nextEvent(res)
	for ok && err == nil {
		if ctx.Err() != nil {
			d.releaseThread(thread) // another replica may take it at once
			return
		}
		var st stored
		if jerr := json.Unmarshal([]byte(q.raw), &st); jerr != nil {
			d.log.Error("slack desk: unreadable agent event dropped", "err", jerr)
		} else if in, derr := decodeStored(st); derr != nil {
			d.log.Error("slack desk: unreadable agent event dropped", "kind", st.Kind, "err", derr)
		} else {
			pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), processTimeout)
			later := d.process(pctx, in)
			cancel()
			if later && d.waiting.wait(q.member, d.now(), d.postingFor()) {
				// Its card is still being posted: the event stays first in
				// its thread's queue and is taken up again shortly.
				d.releaseThread(thread)
				time.AfterFunc(notYetRetry, func() { d.kickThread(thread) })
				return
			}
			d.waiting.done(q.member)
			if d.handled != nil {
				d.handled(in)
			}
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		res, err = store.ChatDone.Run(rctx, d.rdb, append(d.threadKeys(thread), d.keys.Event(st.Key)),
			d.replica, d.leaseTTL().Milliseconds(), thread, q.member, q.id, dedupeTTL.Milliseconds()).Slice()
		cancel()
		if err == nil {
			q, _, ok, err = nextEvent(res)
		}
	}
	if err != nil && ctx.Err() == nil {
		// The lease runs out and a sweep (here or elsewhere) retries.
		d.log.Warn("slack desk: marking an agent event handled", "err", err)
	}
}

func (d *Desk) releaseThread(thread string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = store.Unlock.Run(ctx, d.rdb, []string{d.keys.ThreadLease(thread)}, d.replica).Err()
}

// decodeStored reads a kept event back into what process handles.
func decodeStored(st stored) (inbound, error) {
	switch st.Kind {
	case kindEvent:
		ev, err := slackevents.ParseEvent(st.Payload, slackevents.OptionNoVerifyToken())
		if err != nil {
			return inbound{}, err
		}
		msg, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
		if !ok {
			return inbound{}, fmt.Errorf("not a message event: %T", ev.InnerEvent.Data)
		}
		in := inbound{msg: msg}
		if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
			in.eventID = cb.EventID
		}
		return in, nil
	case kindAction:
		var cb goslack.InteractionCallback
		if err := json.Unmarshal(st.Payload, &cb); err != nil {
			return inbound{}, err
		}
		return inbound{action: &cb}, nil
	}
	return inbound{}, fmt.Errorf("unknown kind %q", st.Kind)
}

// runHeartbeat renews the leases of the threads this replica is handling
// and sweeps the inbox for threads nobody handles, every beat.
func (d *Desk) runHeartbeat(ctx context.Context) {
	t := time.NewTicker(d.heartbeat)
	defer t.Stop()
	d.sweep(ctx) // events a stopped replica left behind
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if threads := d.active.list(); len(threads) > 0 {
			bctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			pipe := d.rdb.Pipeline()
			for _, th := range threads {
				store.Renew.Eval(bctx, pipe, []string{d.keys.ThreadLease(th)}, d.replica, d.leaseTTL().Milliseconds())
			}
			if _, err := pipe.Exec(bctx); err != nil && ctx.Err() == nil {
				d.log.Warn("slack desk: renewing thread leases failed; another replica may take these threads over", "err", err)
			}
			cancel()
		}
		d.sweep(ctx)
	}
}

// sweep kicks every thread with events not handled yet; a thread another
// live replica holds costs one script call that changes nothing.
func (d *Desk) sweep(ctx context.Context) {
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	threads, err := d.rdb.SMembers(sctx, d.keys.Threads()).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		if ctx.Err() == nil {
			d.log.Warn("slack desk: reading the agent inbox", "err", err)
		}
		return
	}
	for _, th := range threads {
		d.kickThread(th)
	}
}

// notYetRetry is how soon an agent event that came before its card's
// thread was mapped is taken up again.
const notYetRetry = 100 * time.Millisecond

// waitingEvents remembers since when events have waited for their card's
// thread to be mapped, so none waits longer than a card post can take.
type waitingEvents struct {
	mu sync.Mutex
	m  map[string]time.Time
}

// wait reports whether the event may wait (again): true until it has
// waited for longer than limit.
func (w *waitingEvents) wait(member string, now time.Time, limit time.Duration) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[string]time.Time{}
	}
	since, ok := w.m[member]
	if !ok {
		w.m[member] = now
		return true
	}
	if now.Sub(since) > limit {
		delete(w.m, member)
		return false
	}
	return true
}

func (w *waitingEvents) done(member string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.m, member)
}

// activeThreads are the threads this replica is handling now.
type activeThreads struct {
	mu sync.Mutex
	m  map[string]int
}

func (a *activeThreads) add(th string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		a.m = map[string]int{}
	}
	a.m[th]++
}

func (a *activeThreads) remove(th string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m[th]--; a.m[th] <= 0 {
		delete(a.m, th)
	}
}

func (a *activeThreads) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.m))
	for th := range a.m {
		out = append(out, th)
	}
	return out
}

// newReplicaID names this process's leases.
func newReplicaID() string { return rand.Text() }
