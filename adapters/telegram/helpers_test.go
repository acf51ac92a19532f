package telegram

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

// waitFor is the guard on every wait in these tests: a hung test fails
// instead of hanging, it is not a timing assertion.
const waitFor = 20 * time.Second

// recorder is a Handler that records events and answers "re: <text>"
// unless reply is set.
type recorder struct {
	mu      sync.Mutex
	events  []bot.Event
	got     chan bot.Event
	reply   func(ctx context.Context, ev bot.Event) ([]bot.Message, error)
	blocked chan string
	// gate, when set, holds Blocked until it is closed, as the core's
	// conversation lock holds it while a turn that called Send runs.
	gate chan struct{}
}

func newRecorder() *recorder {
	return &recorder{got: make(chan bot.Event, 10000), blocked: make(chan string, 100)}
}

func (r *recorder) Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	reply := r.reply
	r.mu.Unlock()
	r.got <- ev
	if reply != nil {
		return reply(ctx, ev)
	}
	return []bot.Message{{Text: "re: " + ev.Text}}, nil
}

func (r *recorder) Blocked(ctx context.Context, conv string) error {
	r.mu.Lock()
	gate := r.gate
	r.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.blocked <- conv
	return nil
}

func (r *recorder) Events() []bot.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Event(nil), r.events...)
}

// next waits for the next event the handler got.
func (r *recorder) next(t testing.TB) bot.Event {
	t.Helper()
	select {
	case ev := <-r.got:
		return ev
	case <-time.After(waitFor):
		t.Fatalf("no event reached the handler within %v", waitFor)
		return bot.Event{}
	}
}

// logBuffer collects JSON log lines for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// harness is one adapter against the fake Bot API and a test Redis.
type harness struct {
	t    testing.TB
	srv  *telegramtest.Server
	db   store.DB
	a    *Adapter
	h    Handler
	logs *logBuffer
	web  *httptest.Server // the adapter's HTTP side (webhook mode)
	mu   sync.Mutex
	naps []time.Duration // waits the retry policy asked for
	done chan struct{}   // closed and replaced whenever an update is marked answered
}

type setup struct {
	quiet   bool // warnings and errors only (benchmarks)
	webhook bool
	secret  string
	db      store.DB
	srv     *telegramtest.Server
	opts    []Option
}

func newHarness(t testing.TB, h Handler, s setup) *harness {
	t.Helper()
	hs := &harness{t: t, h: h, logs: &logBuffer{}, srv: s.srv, db: s.db, done: make(chan struct{})}
	if hs.srv == nil {
		hs.srv = telegramtest.New(t)
	}
	if hs.db.Client == nil {
		hs.db = sessiontest.DB(t)
	}
	level := slog.LevelDebug
	if s.quiet {
		level = slog.LevelWarn
	}
	opts := []Option{
		WithAPIURL(hs.srv.URL),
		WithLogger(slog.New(slog.NewJSONHandler(hs.logs, &slog.HandlerOptions{Level: level}))),
		WithPollTimeout(5 * time.Second),
	}
	mux := http.NewServeMux()
	if s.webhook {
		hs.web = httptest.NewServer(mux)
		t.Cleanup(hs.web.Close)
		opts = append(opts, WithWebhook(hs.web.URL+"/telegram/hook", s.secret))
	}
	opts = append(opts, s.opts...)
	a, err := New(telegramtest.Token, h, hs.db, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	a.sleep = hs.nap
	a.onDone = func(int64) {
		hs.mu.Lock()
		close(hs.done)
		hs.done = make(chan struct{})
		hs.mu.Unlock()
	}
	a.Mount(mux)
	hs.a = a
	return hs
}

// nap replaces the retry policy's sleep: it records the wait and returns
// at once, so retry tests take no wall time.
func (hs *harness) nap(ctx context.Context, d time.Duration) error {
	hs.mu.Lock()
	hs.naps = append(hs.naps, d)
	hs.mu.Unlock()
	return ctx.Err()
}

func (hs *harness) waits() []time.Duration {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return append([]time.Duration(nil), hs.naps...)
}

func (hs *harness) start() *harness {
	hs.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := hs.a.Start(ctx); err != nil {
		hs.t.Fatalf("Start: %v", err)
	}
	hs.t.Cleanup(func() { hs.stop() })
	return hs
}

func (hs *harness) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	return hs.a.Shutdown(ctx)
}

// deliver posts an update to the adapter's webhook with the right secret.
func (hs *harness) deliver(u telegramtest.Update) (int, int64) {
	hs.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	code, id, err := hs.srv.Deliver(ctx, u)
	if err != nil {
		hs.t.Fatalf("deliver: %v", err)
	}
	return code, id
}

// waitDrained waits until every persisted update was answered.
func (hs *harness) waitDrained() {
	hs.t.Helper()
	hs.waitInbox(0)
}

// waitInbox waits until n updates are left unanswered.
func (hs *harness) waitInbox(want int64) {
	hs.t.Helper()
	timeout := time.NewTimer(waitFor)
	defer timeout.Stop()
	for {
		hs.mu.Lock()
		ch := hs.done
		hs.mu.Unlock()
		n := hs.inboxLen()
		if n == want {
			return
		}
		select {
		case <-ch:
		case <-timeout.C:
			hs.t.Fatalf("%d updates unanswered in the inbox after %v, want %d", n, waitFor, want)
		}
	}
}

// inboxLen counts updates persisted and not yet answered.
func (hs *harness) inboxLen() int64 {
	hs.t.Helper()
	n, err := hs.db.Client.HLen(context.Background(), hs.a.keys.Inbox()).Result()
	if err != nil {
		hs.t.Fatalf("inbox: %v", err)
	}
	return n
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
