package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

// serveWait guards every wait in these tests; it is not a timing assertion.
// It is generous because a serve process calibrates and trains the
// shipped base before it listens: 35-45 s under the race detector on a
// 2-core machine at load 12 (ci7, 2026-12-07), past the 30 s it was, and
// three serve tests failed so; a wait that ends early costs nothing.
const serveWait = 2 * time.Minute

// lines is stderr for runServe: it keeps the JSON log and wakes waiters.
type lines struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newLines() *lines { return &lines{changed: make(chan struct{})} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.buf.Write(p)
	close(l.changed)
	l.changed = make(chan struct{})
	return n, err
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// waitFor waits for a log record with msg and returns it decoded.
func (l *lines) waitFor(t *testing.T, msg string) map[string]any {
	t.Helper()
	return l.waitForWith(t, msg, "", "")
}

// waitForWith waits for a log record with msg whose attribute key is val
// (any record with msg when key is "").
func (l *lines) waitForWith(t *testing.T, msg, key, val string) map[string]any {
	t.Helper()
	timeout := time.After(serveWait)
	for {
		l.mu.Lock()
		text, ch := l.buf.String(), l.changed
		l.mu.Unlock()
		for _, line := range strings.Split(text, "\n") {
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg && (key == "" || rec[key] == val) {
				return rec
			}
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("no %q log record after %v; log:\n%s", msg, serveWait, text)
		}
	}
}

type served struct {
	addr   string
	log    *lines
	cancel context.CancelFunc
	done   chan struct{} // closed when runServe returned
	code   int
}

func (s *served) url(path string) string { return "http://" + s.addr + path }

// stop is SIGTERM: runServe must exit 0.
func (s *served) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case <-s.done:
		if s.code != 0 {
			t.Errorf("baton serve exited %d after SIGTERM, want 0; log:\n%s", s.code, s.log.String())
		}
	case <-time.After(serveWait):
		t.Fatal("baton serve did not stop")
	}
}

// testEnv is a serve environment on the test Redis (unique prefix) and a
// fake Telegram. extra's REDIS_URL, when not empty, picks another Redis.
func testEnv(t *testing.T, tg *telegramtest.Server, extra map[string]string) map[string]string {
	t.Helper()
	url := extra["REDIS_URL"]
	if url == "" {
		url = sessiontest.URL(t)
	}
	prefix := sessiontest.Prefix(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), serveWait)
		defer cancel()
		rdb, err := store.Open(ctx, url)
		if err != nil {
			return // a test of an unreachable Redis wrote nothing
		}
		defer rdb.Close()
		_ = sessiontest.DeletePrefix(ctx, rdb, prefix)
	})
	env := map[string]string{
		"REDIS_URL":          url,
		"BATON_REDIS_PREFIX": prefix,
		"BATON_ADDR":         "127.0.0.1:0",
		"BATON_LOG_LEVEL":    "debug",
	}
	if tg != nil {
		env["TELEGRAM_BOT_TOKEN"] = telegramtest.Token
		env["TELEGRAM_API_URL"] = tg.URL
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// serveWithSlack starts `baton serve` against the fake Bot API tg with the
// fake Slack sl as its desk, posting handoffs to channel; extra adds to the
// environment. It returns once Telegram has started and Socket Mode is
// connected, with the environment it ran with.
func serveWithSlack(t *testing.T, tg *telegramtest.Server, sl *slacktest.Server, channel string, extra map[string]string) (*served, map[string]string) {
	t.Helper()
	env := map[string]string{
		"SLACK_BOT_TOKEN":       slacktest.BotToken,
		"SLACK_APP_TOKEN":       slacktest.AppToken,
		"SLACK_API_URL":         sl.URL,
		"SLACK_HANDOFF_CHANNEL": channel,
	}
	maps.Copy(env, extra)
	env = testEnv(t, tg, env)
	patientWaits(t, sl)
	s := startServe(t, env)
	s.log.waitFor(t, "telegram: started")
	sl.WaitConnected(t, 1)
	return s, env
}

// patientWaits gives the fakes' waits the margin of a loaded machine: CI
// runs these tests with the race detector on two cores shared with other
// packages' tests, where the fakes' default 15-20 s for a serve to answer
// six customers and post their cards is a timing assertion more than a
// guard against a hang, which is all these waits are for.
func patientWaits(t *testing.T, sl *slacktest.Server) {
	t.Helper()
	sl.Timeout = serveWait * 2
	old := telegramtest.WaitTimeout
	telegramtest.WaitTimeout = serveWait * 2
	t.Cleanup(func() { telegramtest.WaitTimeout = old })
}

// serveLogTail is how much of a serve's log a failed test shows.
const serveLogTail = 64 << 10

// tail is the end of s, at most n bytes, from a line start.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[len(s)-n:]
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

func startServe(t *testing.T, env map[string]string, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{log: newLines(), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.code = runServe(ctx, args, func(k string) string { return env[k] }, io.Discard, s.log)
	}()
	// Stopped at the end even when it never says it listens: left running,
	// it would go on into the next tests (and log into their serves' logs
	// through go-redis's process-wide logger).
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(serveWait):
			t.Error("baton serve did not stop")
		}
		if t.Failed() {
			// What serve did is the evidence of a failure seen once (CI).
			t.Logf("baton serve's log (the last %d bytes):\n%s", serveLogTail, tail(s.log.String(), serveLogTail))
		}
	})
	rec := s.log.waitFor(t, "baton serve: listening")
	s.addr, _ = rec["addr"].(string)
	return s
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeTelegramPolling(t *testing.T) {
	tg := telegramtest.New(t)
	s := startServe(t, testEnv(t, tg, nil))
	s.log.waitFor(t, "telegram: started")

	if code, body := get(t, s.url("/healthz")); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz: %d %s", code, body)
	}
	code, body := get(t, s.url("/readyz"))
	if code != 200 || !strings.Contains(body, `"redis":"ok"`) || !strings.Contains(body, `"telegram":"ok"`) {
		t.Errorf("/readyz: %d %s", code, body)
	}

	u := telegramtest.User{ID: 31337, FirstName: "Min", Username: "min", Lang: "ko"}
	tg.Push(u.Text("/start"))
	greeting := tg.WaitSent(t, 31337, 1)[0]
	if strings.TrimSpace(greeting) == "" {
		t.Fatal("empty greeting")
	}
	tg.Push(u.Text("how long does shipping take?"))
	tg.WaitSent(t, 31337, 2)

	// Typing came first for each message.
	calls := tg.Calls("sendChatAction", "sendMessage")
	if len(calls) == 0 || calls[0].Method != "sendChatAction" {
		t.Errorf("the first call to the chat should be the typing indicator:\n%s", telegramtest.Describe(calls))
	}

	// The first message was fully done before the second was taken up
	// (one chat, in order), so its delivery is counted by now; the core
	// counted both before their replies went out.
	_, m := get(t, s.url("/metrics"))
	for _, want := range []string{
		`baton_messages_in_total{channel="telegram"} 2`,
		`baton_messages_out_total{channel="telegram"}`,
		`baton_reply_latency_seconds_count{channel="telegram"}`,
		`baton_handle_seconds_count{channel="telegram"} 2`,
		"baton_active_conversations 1",
		"go_goroutines",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("metrics:\n%s\nsent: %q\nlog:\n%s", grepBaton(m), tg.Sent(31337), s.log.String())
	}
	s.stop(t)
	s.log.waitFor(t, "baton serve: stopped")
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestServeTelegramWebhook(t *testing.T) { serveTelegramWebhook(t, sessiontest.URL(t)) }

func TestServeTelegramWebhookOnCluster(t *testing.T) {
	serveTelegramWebhook(t, sessiontest.ClusterURL(t))
}

func serveTelegramWebhook(t *testing.T, redisURL string) {
	tg := telegramtest.New(t)
	addr := freeAddr(t)
	s := startServe(t, testEnv(t, tg, map[string]string{
		"REDIS_URL":               redisURL,
		"BATON_ADDR":              addr,
		"TELEGRAM_WEBHOOK_URL":    "http://" + addr + "/telegram/webhook",
		"TELEGRAM_WEBHOOK_SECRET": "serve-test-secret",
	}))
	s.log.waitFor(t, "telegram: started")
	wh := tg.Webhook()
	if wh == nil || wh.URL != "http://"+addr+"/telegram/webhook" || wh.Secret != "serve-test-secret" {
		t.Fatalf("setWebhook got %+v", wh)
	}
	ctx, cancel := context.WithTimeout(context.Background(), serveWait)
	defer cancel()
	u := telegramtest.Customer(4242)
	if code, _, err := tg.DeliverTo(ctx, wh.URL, "not-the-secret", u.Text("forged")); err != nil || code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d %v, want 401", code, err)
	}
	if code, _, err := tg.Deliver(ctx, u.Text("hello")); err != nil || code != http.StatusOK {
		t.Fatalf("webhook: %d %v", code, err)
	}
	tg.WaitSent(t, 4242, 1)
	// Health routes live beside the webhook.
	if code, _ := get(t, s.url("/healthz")); code != 200 {
		t.Errorf("/healthz %d", code)
	}
	s.stop(t)
}

func TestServeReadyzWithoutRedis(t *testing.T) {
	mr := sessiontest.Miniredis(t)
	s := startServe(t, map[string]string{
		"REDIS_URL":  "redis://" + mr.Addr(),
		"BATON_ADDR": "127.0.0.1:0",
	})
	if code, _ := get(t, s.url("/readyz")); code != 200 {
		t.Errorf("/readyz with Redis up: %d", code)
	}
	mr.Close()
	code, body := get(t, s.url("/readyz"))
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"redis"`) || strings.Contains(body, `"redis":"ok"`) {
		t.Errorf("/readyz with Redis down: %d %s", code, body)
	}
	if code, _ := get(t, s.url("/healthz")); code != 200 {
		t.Errorf("/healthz must stay 200 (the process is up): %d", code)
	}
	s.stop(t)
}

// Without REDIS_URL, --ephemeral serves from an in-memory Redis and says so.
func TestServeEphemeral(t *testing.T) {
	s := startServe(t, map[string]string{"BATON_ADDR": "127.0.0.1:0"}, "--ephemeral")
	if code, body := get(t, s.url("/readyz")); code != 200 || !strings.Contains(body, `"redis":"ok"`) {
		t.Errorf("/readyz: %d %s", code, body)
	}
	if !strings.Contains(s.log.String(), "in-memory Redis") {
		t.Errorf("no warning that conversations are not kept:\n%s", s.log.String())
	}
	s.stop(t)
}

func TestServeBadConfiguration(t *testing.T) {
	tg := telegramtest.New(t)
	other := telegramtest.NewServer("999:a-token-telegram-rejects")
	t.Cleanup(other.Close)
	cases := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"bad address", nil, map[string]string{"BATON_ADDR": "nonsense"}, 2, "BATON_ADDR"},
		{"bad log level", nil, map[string]string{"BATON_LOG_LEVEL": "loud"}, 2, "BATON_LOG_LEVEL"},
		{"bad shutdown timeout", nil, map[string]string{"BATON_SHUTDOWN_TIMEOUT": "soon"}, 2, "BATON_SHUTDOWN_TIMEOUT"},
		{"stray argument", []string{"now"}, nil, 2, "unexpected argument"},
		{"malformed token", nil, map[string]string{"TELEGRAM_BOT_TOKEN": "not a token"}, 1, "TELEGRAM_BOT_TOKEN"},
		{"bad flood limit", nil, map[string]string{"TELEGRAM_FLOOD_LIMIT": "-3"}, 2, "TELEGRAM_FLOOD_LIMIT"}, // checked before anything starts
		{"bad webhook secret", nil, map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example.com/hook", "TELEGRAM_WEBHOOK_SECRET": "no spaces allowed"}, 1, "TELEGRAM_WEBHOOK_SECRET"},
		{"token Telegram rejects", nil, map[string]string{"TELEGRAM_API_URL": other.URL}, 1, "nauthorized"},
		{"redis unreachable", nil, map[string]string{"REDIS_URL": "redis://127.0.0.1:1"}, 1, "redis"},
		{"no redis", nil, map[string]string{"REDIS_URL": ""}, 2, "--ephemeral"},
		{"ephemeral and a redis", []string{"--ephemeral"}, nil, 2, "--ephemeral"},
		{"prefix with a hash tag", nil, map[string]string{"BATON_REDIS_PREFIX": "shop{1}:"}, 2, "BATON_REDIS_PREFIX"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := testEnv(t, tg, c.env)
			var stderr bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), serveWait)
			defer cancel()
			code := runServe(ctx, c.args, func(k string) string { return env[k] }, io.Discard, &stderr)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.want) {
				t.Errorf("stderr should name %q:\n%s", c.want, stderr.String())
			}
			if strings.Contains(stderr.String(), telegramtest.Token) {
				t.Error("the bot token reached the log")
			}
		})
	}
}

func TestServeLogsMaskCustomerData(t *testing.T) {
	tg := telegramtest.New(t)
	s := startServe(t, testEnv(t, tg, nil))
	s.log.waitFor(t, "telegram: started")
	u := telegramtest.Customer(5151)
	secret := "my email is jane.doe@example.com, phone +1 415 555 0134, card 4111 1111 1111 1111"
	tg.Push(u.Text(secret))
	tg.WaitSent(t, 5151, 1)
	s.stop(t)
	logs := s.log.String()
	for _, leak := range []string{"jane.doe@example.com", "555 0134", "4111 1111", telegramtest.Token} {
		if strings.Contains(logs, leak) {
			t.Errorf("the log contains %q", leak)
		}
	}
	if !strings.Contains(logs, "[email]") {
		t.Errorf("debug logs should show the masked text; log:\n%s", logs)
	}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("a log line is not JSON: %s", line)
		}
	}
}

func grepBaton(m string) string {
	var out []string
	for _, l := range strings.Split(m, "\n") {
		if strings.HasPrefix(l, "baton_") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// With semantic matching on, /readyz reports not ready while the knowledge
// vectors are built, and ready once they are.
func TestServeReadyzWaitsForKnowledgeVectors(t *testing.T) {
	emb := llmtest.New(t)
	emb.Stall()
	arrived := emb.Arrivals()
	// A small base: the test is about readiness, and the shipped base's
	// calibration with vectors takes long under the race detector.
	kb := writeMatchKB(t, map[string]string{
		"en/shipping.md": "---\nquestions:\n  - How long is delivery?\n  - When will my order arrive?\n---\nTwo to four days.\n",
		"en/returns.md":  "---\nquestions:\n  - How do I return an item?\n  - Can I send it back?\n---\nWithin 30 days.\n",
	})
	s := startServe(t, testEnv(t, nil, map[string]string{
		"OPENAI_BASE_URL":        emb.URL(),
		"OPENAI_EMBEDDING_MODEL": "fake-embed",
		"BATON_KNOWLEDGE_DIR":    kb,
	}))
	<-arrived // the build's first embeddings request is waiting
	code, body := get(t, s.url("/readyz"))
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"knowledge_vectors":"knowledge vectors: building`) {
		t.Errorf("/readyz while building: %d %s", code, body)
	}
	emb.Release()
	s.log.waitFor(t, "semantic: knowledge vectors built")
	if code, body := get(t, s.url("/readyz")); code != 200 || !strings.Contains(body, `"knowledge_vectors":"ok"`) {
		t.Errorf("/readyz once built: %d %s", code, body)
	}
	if len(emb.Chats()) != 0 {
		t.Errorf("semantic matching alone made %d chat calls, want none", len(emb.Chats()))
	}
	s.stop(t)
}

// The wait is bounded: after BATON_SEMANTIC_READY_WAIT the replica reports
// ready (answers stay lexical) and says so in the log.
func TestServeReadyzWaitIsBounded(t *testing.T) {
	emb := llmtest.New(t)
	emb.Stall()
	arrived := emb.Arrivals()
	s := startServe(t, testEnv(t, nil, map[string]string{
		"OPENAI_BASE_URL":           emb.URL(),
		"OPENAI_EMBEDDING_MODEL":    "fake-embed",
		"BATON_SEMANTIC_READY_WAIT": "1ns",
	}))
	<-arrived
	if code, body := get(t, s.url("/readyz")); code != 200 {
		t.Errorf("/readyz after the wait: %d %s", code, body)
	}
	s.log.waitFor(t, "semantic: knowledge vectors still not built; reporting ready anyway, matching lexically until they are")
	s.stop(t)
}
