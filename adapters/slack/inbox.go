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

	"github.com/batonhq/baton/bot/session"
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
//
// Commands and buttons (!claim, !resolve, !bot, !transfer and the card's
// buttons) are fenced by the thread's lease: the core checks it under the
// conversation's lock before it acts (commandCtx, bot's agentTurn), and a
// replica that lost it does nothing, tells nobody, and leaves the event
// queued for the holder. So a replica that stalled past its lease before
// the check never does a command its thread's new holder did, nor what
// the command would mean by then. What is left is at least once, chosen
// as for replies (at most once would lose a resolve to a replica that
// died mid-send: the revert of ec06250 says why that is worse):
//   - the closing, the survey and "X is with you now" go to Telegram
//     after the check and before the save (a send cannot be conditional
//     on Redis): a replica that stalls longer than the lease (and the
//     conversation's lock) between its check and the end of its sends,
//     while another takes the thread over, can have them sent twice;
//   - a replica that did the command and stopped before marking the
//     event handled leaves it to the next holder, which meets it again:
//     the lifecycle refuses what no longer applies (a resolve of the
//     handoff it resolved: the agents read that it is closed; a claim by
//     the agent who has it: nothing), and a command from a card the
//     customer has a newer one of is refused as such.
// Slack's own side (notices, card updates through the outbox) is at
// least once as before.

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
// does not acknowledge a message event, and Slack delivers it again, or
// tells the agent a press was not recorded (pressNotRecorded).
func (d *Desk) persist(thread, id string, st stored) bool {
	raw, err := json.Marshal(st)
	if err != nil {
		d.log.Error("slack desk: encoding an agent event", "err", err)
		return true // cannot happen; a retry would not help
	}
	return d.persistRaw(thread, id, st.Key, string(raw))
}

// persistRaw keeps an encoded event under its dedupe key (persist).
func (d *Desk) persistRaw(thread, id, key, raw string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// KEYS[3] is the flood counter of the Telegram inbox; with count "0"
	// the script never touches it.
	res, err := store.InboxAccept.Run(ctx, d.rdb,
		[]string{d.keys.Event(key), d.keys.ThreadInbox(thread), d.keys.ThreadQueue(thread), d.keys.ThreadQueue(thread), d.keys.Threads()},
		id, raw, dedupeTTL.Milliseconds(), 1, "0", thread).Int64Slice()
	if err != nil || len(res) != 2 {
		// A message event is delivered again by Slack; a press is not
		// (the caller tells its agent: pressNotRecorded).
		d.log.Warn("slack desk: could not keep an agent event (Redis failing)", "key", key, "err", err)
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
			return queued{}, false, false, fmt.Errorf("unexpected script reply %s", store.ReplyShape(res))
		}
		q.member, _ = res[1].(string)
		q.raw, _ = res[2].(string)
		q.id, _, _ = strings.Cut(q.member, ":")
		return q, true, true, nil
	}
	return queued{}, false, false, fmt.Errorf("unexpected script reply %s", store.ReplyShape(res))
}

// drainThread handles a thread's queued events while this replica holds
// its lease.
func (d *Desk) drainThread(ctx context.Context, thread string) {
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	res, err := store.ChatAcquire.Run(rctx, d.rdb, d.threadKeys(thread), d.replica, d.leaseTTL().Milliseconds(), thread).Slice()
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("slack desk: taking a thread's events", "err", err)
		}
		return
	}
	q, held, ok, err := nextEvent(res)
	if err == nil && !held && d.contended != nil {
		d.contended(thread)
	}
	if err != nil && ctx.Err() == nil {
		d.log.Warn("slack desk: taking a thread's events", "err", err)
	}
	if !ok || err != nil {
		return
	}
	// The lease is renewed every beat for as long as this drain runs, the
	// last event's handling included: at shutdown that handling goes on
	// (up to processTimeout) after Run's heartbeat has stopped, and a
	// lease left to run out meanwhile would let another replica relay the
	// same reply again.
	lctx, lost := context.WithCancel(context.WithoutCancel(ctx))
	renewing := make(chan struct{})
	go func() {
		defer close(renewing)
		var renewed func()
		if d.threadRenewed != nil {
			renewed = func() { d.threadRenewed(thread) }
		}
		d.keepLease(lctx, lost, "thread", d.keys.ThreadLease(thread), d.replica, renewed)
	}()
	defer func() {
		lost()
		<-renewing
	}()
	var handled *inbound // the event just relayed, for the test hook
	for ok && err == nil {
		if ctx.Err() != nil || lctx.Err() != nil {
			d.releaseThread(thread) // another replica may take it at once
			return
		}
		key := eventKey(thread, q)
		var st stored
		if jerr := json.Unmarshal([]byte(q.raw), &st); jerr != nil {
			d.log.Error("slack desk: unreadable agent event dropped (marked handled)", "event", key, "err", jerr)
		} else if in, derr := decodeStored(st); derr != nil {
			d.log.Error("slack desk: unreadable agent event dropped (marked handled)", "event", key, "kind", st.Kind, "err", derr)
		} else if d.unmarked.has(key) {
			// Handled here already; only its mark failed (below).
			handled = &in
		} else {
			// Whether it waited is kept in Redis: after a wait the thread
			// is let go, and any replica may take the event up next.
			var asked, waited bool
			in.waited = func() bool {
				if !asked {
					asked, waited = true, d.hasWaited(lctx, key)
				}
				return waited
			}
			// A command or button runs under the thread's lease: the core
			// checks it before acting (commandCtx).
			var fence *session.Fence
			in.fence = func(conv string) *session.Fence {
				fence = &session.Fence{Conv: conv, Key: d.keys.ThreadLease(thread), Token: d.replica, TTL: d.leaseTTL(), Now: d.now}
				return fence
			}
			pctx, cancel := context.WithTimeout(lctx, processTimeout)
			later := d.process(pctx, in)
			cancel()
			if fence.LeaseLost() || lctx.Err() != nil {
				// Not done, not to be marked handled: the event is its
				// thread's new holder's, which does it (or did it). With
				// no holder, the next sweep takes it up (here or not).
				// The lease renewer may see the loss first: it cancels
				// lctx, the core's work fails with that and never
				// reaches the fence, so both say the lease is gone.
				if d.threadFenced != nil {
					d.threadFenced(in)
				}
				return
			}
			if later {
				if d.mayWait(lctx, key) {
					// Its card is still being posted: the event stays first
					// in its thread's queue and is taken up again shortly.
					d.releaseThread(thread)
					time.AfterFunc(notYetRetry, func() { d.kickThread(thread) })
					return
				}
				// Longer than any card post takes: the post failed after
				// Slack showed the card, or in-flight posts could not be
				// read all along. Nothing was done; its author is told.
				d.waitedInVain(lctx, key, in)
			}
			handled = &in
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		res, err = store.ChatDone.Run(rctx, d.rdb, append(d.threadKeys(thread), d.keys.Event(key)),
			d.replica, d.leaseTTL().Milliseconds(), thread, q.member, q.id, dedupeTTL.Milliseconds()).Slice()
		cancel()
		if err != nil && handled != nil {
			// Relayed, but not marked (Redis failing): the event stays
			// first in its thread's queue, and the next take of the
			// thread (this replica's: the lease is still ours for a while)
			// must only mark it, or the customer gets the reply twice.
			d.unmarked.add(key, d.now())
			time.AfterFunc(notYetRetry, func() { d.kickThread(thread) })
		}
		if err == nil {
			d.unmarked.forget(key)
			if handled != nil {
				// Whether it waited is not asked again. Deleted whether
				// or not this replica saw it wait: another may have.
				d.waitedDone(key)
			}
			// Tests wait on the hook for an event marked handled in Redis,
			// not merely relayed.
			if handled != nil && d.handled != nil {
				d.handled(*handled)
			}
			q, _, ok, err = nextEvent(res)
		}
		handled = nil
	}
	if err != nil && ctx.Err() == nil {
		// The lease runs out and a sweep (here or elsewhere) retries.
		d.log.Warn("slack desk: marking an agent event handled", "err", err)
	}
}

// keepLease renews a lease (key, held with token) every heartbeat until ctx
// ends: a thread's while its events are drained, the outbox's while it is
// delivered. When the lease turns out to be gone or another replica's (this
// one stalled longer than the lease), it calls lost, so the work in hand
// is cut short and two replicas never work on one queue for longer than a
// beat. renewed (tests) hears each renewal.
func (d *Desk) keepLease(ctx context.Context, lost context.CancelFunc, what, key, token string, renewed func()) {
	t := time.NewTicker(d.heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		n, err := store.Renew.Run(rctx, d.rdb, []string{key}, token, d.leaseTTL().Milliseconds()).Int()
		cancel()
		switch {
		case err != nil:
			if ctx.Err() == nil {
				d.log.Warn("slack desk: renewing a lease failed; another replica may take the work over", "lease", what, "err", err)
			}
		case n == 0:
			d.log.Warn("slack desk: a lease was lost (it ran out); another replica has the work now", "lease", what)
			lost()
			return
		default:
			if renewed != nil {
				renewed()
			}
		}
	}
}

// eventKey is the dedupe key of a queued event (its state key's suffix),
// read from the stored record. A record that does not decode still names
// its key near the start (the encoder writes it second), so it is read
// token by token; failing that, a message event's key is rebuilt from its
// thread and ts. The key is marked handled either way, so an unreadable
// event does not stay "queued" for the dedupe TTL.
func eventKey(thread string, q queued) string {
	dec := json.NewDecoder(strings.NewReader(q.raw))
	if tok, err := dec.Token(); err == nil && tok == json.Delim('{') {
		for dec.More() {
			name, err := dec.Token()
			if err != nil {
				break
			}
			if name == "d" {
				if v, err := dec.Token(); err == nil {
					if k, ok := v.(string); ok && k != "" {
						return k
					}
				}
				break
			}
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				break
			}
		}
	}
	channel, _, _ := strings.Cut(thread, ":")
	return "m:" + channel + ":" + q.id
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

// runHeartbeat sweeps the inbox for threads nobody handles, every beat
// (each drain renews its own thread's lease: keepLease).
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

// waitedFor is how long an event's first wait is kept (Waited): past any
// wait (postingFor) and the event's last handling (processTimeout), even
// when a stopped replica's thread is taken over (a lease) in between. The
// key is deleted once the event is handled; this bounds what a failed
// delete leaves.
func (d *Desk) waitedFor() time.Duration {
	return d.postingFor() + 2*d.leaseTTL() + processTimeout
}

// mayWait reports whether the event (by its dedupe key) may wait (again)
// for its card's thread to be mapped: true until it has waited for longer
// than a card post can take. Its first wait is kept in Redis, so the limit
// holds whichever replica takes it up. While Redis fails it waits on.
func (d *Desk) mayWait(ctx context.Context, key string) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	now := d.now()
	k := d.keys.Waited(key)
	first, err := d.rdb.SetNX(ctx, k, now.UnixMilli(), d.waitedFor()).Result()
	if err == nil && first {
		return true
	}
	var since int64
	if err == nil {
		since, err = d.rdb.Get(ctx, k).Int64()
		if errors.Is(err, redis.Nil) {
			return false // it outlived waitedFor
		}
	}
	if err != nil {
		d.log.Warn("slack desk: keeping how long an agent event has waited", "event", key, "err", err)
		return true
	}
	return now.Sub(time.UnixMilli(since)) <= d.postingFor()
}

// hasWaited reports whether the event has waited (mayWait said true for
// it), on this replica or another.
func (d *Desk) hasWaited(ctx context.Context, key string) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	n, err := d.rdb.Exists(ctx, d.keys.Waited(key)).Result()
	if err != nil {
		d.log.Warn("slack desk: reading whether an agent event waited", "event", key, "err", err)
		return false
	}
	return n > 0
}

// waitedDone forgets an event's wait once it is handled (one call per
// agent event, which come at the pace people type and press).
func (d *Desk) waitedDone(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.rdb.Del(ctx, d.keys.Waited(key)).Err(); err != nil {
		d.log.Warn("slack desk: forgetting an agent event's wait (it expires)", "event", key, "err", err)
	}
}

// waitedInVain tells the author of an event that waited longer than any
// card post takes that nothing was done with it, as handleMessage and
// handleAction do when the wait ends with no card's thread mapped.
func (d *Desk) waitedInVain(ctx context.Context, key string, in inbound) {
	// It may have waited for Redis rather than a card post: the thread
	// could not be looked up all along. Its author is told which.
	switch {
	case in.msg != nil:
		text := replyNotSent
		if _, _, err := d.threadConv(ctx, in.msg.Channel, in.msg.ThreadTimeStamp); err != nil {
			text = replyNotRead
		}
		d.log.Warn("slack desk: an agent's message waited in vain for its thread to become a handoff card's, or for Redis; not sent", "event", key)
		d.ephemeral(ctx, in.msg.Channel, in.msg.ThreadTimeStamp, in.msg.User, text)
	case in.action != nil:
		channel, ts := actionCard(in.action)
		text := pressNotDone
		if _, _, err := d.threadConv(ctx, channel, ts); err != nil {
			text = pressNotRead
		}
		d.log.Warn("slack desk: a button press waited in vain for its card's thread to be mapped, or for Redis; not acted on", "event", key)
		d.ephemeral(ctx, channel, "", in.action.User.ID, text)
	}
}

// unmarkedSet is the agent events this replica handled (relayed to the
// customer, a button acted on) whose mark as handled (ChatDone) failed:
// still queued, they come up again, and are then only marked. Another
// replica taking the thread over (this one stopped) handles them again:
// delivery stays at least once, but a Redis blip no longer doubles.
type unmarkedSet struct {
	mu sync.Mutex
	m  map[string]time.Time
}

// unmarkedFor bounds how long an entry is kept when the event never comes
// up here again (another replica took its thread).
const unmarkedFor = time.Hour

func (u *unmarkedSet) add(key string, now time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.m == nil {
		u.m = map[string]time.Time{}
	}
	for k, at := range u.m {
		if now.Sub(at) > unmarkedFor {
			delete(u.m, k)
		}
	}
	u.m[key] = now
}

func (u *unmarkedSet) has(key string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	_, ok := u.m[key]
	return ok
}

func (u *unmarkedSet) forget(key string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.m, key)
}

// newReplicaID names this process's leases.
func newReplicaID() string { return rand.Text() }
