package slack

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot/store"
)

// A twin card's thread post queued for retry whose re-queueing fails (a
// Redis blip as the outbox head is replaced by the twins' post alone)
// reaches the card's thread once: the whole post stayed at the head, and
// the next drain posted it in the card's thread a second time. The
// replica remembers that the card part is done and posts only to the twin.
func TestTwinRetryWhoseRequeueBlipsIsNotPostedTwiceInTheCardsThread(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	b := &blip{match: func(a []any) bool { return len(a) > 1 && a[0] == "evalsha" && a[1] == store.OutboxReplaceHead.Hash() }}
	f.db.Client.AddHook(b)
	s := f.handedOff(t, "90", "Jane")
	twin, card := f.twinCards(t, s)
	f.agentUnder(t, s, twin.TS)

	// Queued while Slack is down; delivered from the outbox, where the
	// twin's thread fails once and the head's update blips.
	f.srv.SetDown(true)
	f.relay(t, s, "second, it was a gift")
	f.srv.FailThreadPosts(twin.TS, slacktest.Failure{Status: 503})
	b.arm()
	f.srv.SetDown(false)
	f.waitOutboxEmpty(t)

	if n := b.fired(); n != 1 {
		t.Fatalf("the blip fired %d times, want 1", n)
	}
	if n := f.seen(card, "second, it was a gift"); n != 1 {
		t.Errorf("the card's thread has the message %d times, want 1", n)
	}
	if n := f.seen(twin.TS, "second, it was a gift"); n != 1 {
		t.Errorf("the twin's thread has the message %d times, want 1", n)
	}
	if n := f.metric(t, "baton_desk_twin_post_failed_total"); n != 1 {
		t.Errorf("twin post failures counted %v, want 1", n)
	}
	if n := f.metric(t, "baton_desk_twin_post_dropped_total"); n != 0 {
		t.Errorf("twin posts dropped %v, want 0", n)
	}
	if n, err := f.desk.Dead(t.Context()); err != nil || n != 0 {
		t.Errorf("dead letters = %d, %v; want none", n, err)
	}
}

// deadLetterFail fails, once armed, the outbox's RPUSH (dispatch queueing
// a post) and the pipeline that adds a dead letter: Redis refusing both.
type deadLetterFail struct {
	outbox, dead string

	mu     sync.Mutex
	armed  bool
	failed []string
}

func (h *deadLetterFail) arm() { h.mu.Lock(); h.armed = true; h.mu.Unlock() }

func (h *deadLetterFail) fails() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.failed...)
}

func (h *deadLetterFail) hit(what string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.armed {
		h.failed = append(h.failed, what)
	}
	return h.armed
}

func isRPush(a []any, key string) bool {
	return len(a) > 1 && strings.EqualFold(a[0].(string), "rpush") && a[1] == key
}

func (h *deadLetterFail) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *deadLetterFail) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if isRPush(cmd.Args(), h.outbox) && h.hit("outbox") {
			cmd.SetErr(errBlip)
			return errBlip
		}
		return next(ctx, cmd)
	}
}
func (h *deadLetterFail) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, c := range cmds {
			if isRPush(c.Args(), h.dead) && h.hit("dead") {
				for _, c := range cmds {
					c.SetErr(errBlip)
				}
				return errBlip
			}
		}
		return next(ctx, cmds)
	}
}

// A twin thread's post that fails when first delivered, cannot be queued
// for retry and whose dead letter Redis refuses too is lost, and the desk
// says so: it was counted and logged as kept in dead letters, where
// nothing was. The log names no customer text.
func TestTwinPostNeitherQueuedNorKeptIsLoggedAsLost(t *testing.T) {
	logs := &logBuffer{}
	f := newFixture(t, fixtureOpt{socket: true, opts: []Option{WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))}})
	h := &deadLetterFail{outbox: f.desk.outboxKey(), dead: f.desk.deadKey()}
	f.db.Client.AddHook(h)
	s := f.handedOff(t, "91", "Jane")
	twin, card := f.twinCards(t, s)
	f.agentUnder(t, s, twin.TS)

	f.srv.FailThreadPosts(twin.TS, slacktest.Failure{Status: 503})
	h.arm()
	f.relay(t, s, "my address is 12 Elm Street")
	if got := h.fails(); len(got) != 2 || got[0] != "outbox" || got[1] != "dead" {
		t.Fatalf("Redis refused %q, want the outbox then the dead letter", got)
	}
	if n := f.seen(card, "12 Elm Street"); n != 1 {
		t.Errorf("the card's thread has the message %d times, want 1", n)
	}
	if n := f.seen(twin.TS, "12 Elm Street"); n != 0 {
		t.Errorf("the twin's thread has the message %d times, want 0", n)
	}
	if n := f.metric(t, "baton_desk_twin_post_dropped_total"); n != 1 {
		t.Errorf("twin posts dropped %v, want 1", n)
	}
	if n := f.metric(t, "baton_desk_outbox_refused_total"); n != 0 {
		t.Errorf("dead letters counted %v, want 0 (none was kept)", n)
	}
	out := logs.String()
	lost := false
	for _, line := range strings.Split(out, "\n") {
		lost = lost || strings.Contains(line, "level=ERROR") && strings.Contains(line, "lost")
	}
	if !lost {
		t.Errorf("log %q, want an ERROR saying the post was lost", out)
	}
	if strings.Contains(out, "kept in dead letters") {
		t.Errorf("log %q says the post was kept in dead letters", out)
	}
	if strings.Contains(out, "Elm") {
		t.Errorf("log %q names the customer's text", out)
	}
}
