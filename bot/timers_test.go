package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
)

// errorCounter is a bot.Observer that counts errors by where.
type errorCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *errorCounter) MessageIn(string)                   {}
func (c *errorCounter) Replied(string, int, time.Duration) {}
func (c *errorCounter) Error(where string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[where]++
}
func (c *errorCounter) count(where string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[where]
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// records returns the log records with message prefix msg.
func (s *syncBuffer) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		if line == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m, _ := r["msg"].(string); strings.HasPrefix(m, msg) {
			out = append(out, r)
		}
	}
	return out
}

// A check-in whose send keeps failing is retried after each lease, then
// dropped after the last attempt with one error log (timer kind, masked
// chat) and one timer_dropped count, and never tried again.
func TestTimerDroppedAfterItsLastAttempt(t *testing.T) {
	logs, obs := &syncBuffer{}, &errorCounter{}
	f := newFixture(t, false, bot.WithIdle(10*time.Minute, 30*time.Minute),
		bot.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))), bot.WithObserver(obs))
	ctx := context.Background()
	const chat = "123456789"
	f.say(t, chat, "How long does shipping take?")
	f.clock.Add(10 * time.Minute)
	f.out.failWith(errors.New("send to test:123456789: no sender registered for channel"))
	for attempt := 1; attempt < 5; attempt++ {
		n, err := f.bot.FireTimers(ctx)
		if n != 1 || err == nil || !strings.Contains(err.Error(), fmt.Sprintf("attempt %d of 5", attempt)) {
			t.Fatalf("attempt %d: fired %d, err %v; want 1 and the failure reported for a retry", attempt, n, err)
		}
		// RunTimers logs it: the chat as its pseudonym, as in the drop log.
		if msg := err.Error(); strings.Contains(msg, chat) || !strings.Contains(msg, logmask.Pseudonym("test:"+chat)) {
			t.Fatalf("attempt %d: retry warning %q names the chat; want its pseudonym %s", attempt, msg, logmask.Pseudonym("test:"+chat))
		}
		if n, _ := f.bot.FireTimers(ctx); n != 0 {
			t.Fatalf("attempt %d: the timer fired again within its lease", attempt)
		}
		f.clock.Add(session.TimerLease)
	}
	if n, err := f.bot.FireTimers(ctx); n != 1 || err != nil {
		t.Fatalf("last attempt: fired %d, err %v; want 1, dropped without a retry warning", n, err)
	}
	recs := logs.records(t, "timer dropped")
	if len(recs) != 1 {
		t.Fatalf("%d 'timer dropped' records, want 1:\n%s", len(recs), logs.b.String())
	}
	r := recs[0]
	if r["level"] != "ERROR" || r["timer"] != "idle" || r["conv"] != logmask.Pseudonym("test:"+chat) || r["attempts"] != float64(5) {
		t.Errorf("drop record %v: want level ERROR, timer idle, conv %s, attempts 5", r, logmask.Pseudonym("test:"+chat))
	}
	if strings.Contains(logs.b.String(), chat) {
		t.Errorf("the log names the chat in full:\n%s", logs.b.String())
	}
	if got := obs.count("timer_dropped"); got != 1 {
		t.Errorf("timer_dropped counted %d times, want 1", got)
	}

	// Gone for good, even once sending works again.
	f.out.failWith(nil)
	f.clock.Add(session.TimerLease)
	if n, _ := f.bot.FireTimers(ctx); n != 0 || len(f.out.texts()) != 0 {
		t.Fatalf("a dropped timer fired again: %d, sent %q", n, f.out.texts())
	}
	// The customer writes again: a new check-in, with a fresh count.
	f.say(t, chat, "And what about returns?")
	f.clock.Add(10 * time.Minute)
	if n, err := f.bot.FireTimers(ctx); n != 1 || err != nil || len(f.out.texts()) != 1 {
		t.Fatalf("after the customer wrote again: fired %d, err %v, sent %q; want the check-in", n, err, f.out.texts())
	}
}

// Permanent failures are not retried: Telegram's "chat not found"
// (ErrUndeliverable) drops the timer at once, logged and counted; a block
// (ErrBlocked) ends it quietly.
func TestTimerWithAPermanentFailureDroppedAtOnce(t *testing.T) {
	logs, obs := &syncBuffer{}, &errorCounter{}
	f := newFixture(t, false, bot.WithIdle(10*time.Minute, 30*time.Minute),
		bot.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))), bot.WithObserver(obs))
	ctx := context.Background()
	f.say(t, "gone", "How long does shipping take?")
	f.clock.Add(10 * time.Minute)
	f.out.failWith(fmt.Errorf("telegram: sendMessage to chat 1: %w: %w", bot.ErrUndeliverable, errors.New("bad request, Bad Request: chat not found")))
	if n, err := f.bot.FireTimers(ctx); n != 1 || err != nil {
		t.Fatalf("fired %d, err %v; want 1, dropped", n, err)
	}
	if recs := logs.records(t, "timer dropped"); len(recs) != 1 || recs[0]["timer"] != "idle" || recs[0]["attempts"] != float64(1) {
		t.Fatalf("drop records %v, want one for the idle timer at attempt 1", recs)
	}
	if got := obs.count("timer_dropped"); got != 1 {
		t.Errorf("timer_dropped counted %d times, want 1", got)
	}
	f.out.failWith(nil)
	f.clock.Add(session.TimerLease)
	if n, _ := f.bot.FireTimers(ctx); n != 0 {
		t.Fatalf("an undeliverable check-in was retried")
	}

	f.say(t, "blocker", "How long does shipping take?")
	f.clock.Add(10 * time.Minute)
	f.out.failWith(fmt.Errorf("telegram: %w", bot.ErrBlocked))
	if n, err := f.bot.FireTimers(ctx); n != 1 || err != nil {
		t.Fatalf("blocked: fired %d, err %v; want 1 and no error", n, err)
	}
	f.out.failWith(nil)
	f.clock.Add(session.TimerLease)
	if n, _ := f.bot.FireTimers(ctx); n != 0 {
		t.Fatalf("a check-in for a customer who blocked the bot was retried")
	}
	if got := obs.count("timer_dropped"); got != 1 {
		t.Errorf("a block counted as a dropped timer: timer_dropped %d, want 1", got)
	}
}

// A success resets the count: failures before it do not bring the next
// check-in closer to being dropped.
func TestTimerAttemptsResetWhenHandled(t *testing.T) {
	f := newFixture(t, false, bot.WithIdle(10*time.Minute, 30*time.Minute))
	ctx := context.Background()
	f.say(t, "c1", "How long does shipping take?")
	f.clock.Add(10 * time.Minute)
	fail := errors.New("telegram: 502 bad gateway")
	f.out.failWith(fail)
	for range 3 {
		if _, err := f.bot.FireTimers(ctx); err == nil {
			t.Fatal("a failed check-in was not reported")
		}
		f.clock.Add(session.TimerLease)
	}
	f.out.failWith(nil)
	if n, err := f.bot.FireTimers(ctx); n != 1 || err != nil || len(f.out.texts()) != 1 {
		t.Fatalf("fourth attempt: fired %d, err %v, sent %q; want the check-in", n, err, f.out.texts())
	}
	// The closing, 20 minutes later, fails 4 times: retried each time (a
	// count carried over from the check-in would have dropped it).
	f.clock.Add(20 * time.Minute)
	f.out.failWith(fail)
	for attempt := 1; attempt <= 4; attempt++ {
		if _, err := f.bot.FireTimers(ctx); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("attempt %d of 5", attempt)) {
			t.Fatalf("closing attempt %d: err %v", attempt, err)
		}
		f.clock.Add(session.TimerLease)
	}
	f.out.failWith(nil)
	if n, err := f.bot.FireTimers(ctx); n != 1 || err != nil || len(f.out.texts()) != 2 {
		t.Fatalf("closing, fifth attempt: fired %d, err %v, sent %q; want the closing", n, err, f.out.texts())
	}
}
