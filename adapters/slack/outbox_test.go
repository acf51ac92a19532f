package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	goslack "github.com/slack-go/slack"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (f *fixture) outbox(t *testing.T) []job {
	t.Helper()
	raws, err := f.db.Client.LRange(t.Context(), f.desk.outboxKey(), 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	jobs := make([]job, len(raws))
	for i, r := range raws {
		if err := json.Unmarshal([]byte(r), &jobs[i]); err != nil {
			t.Fatal(err)
		}
	}
	return jobs
}

// A 429 puts the post in the outbox with Slack's Retry-After; the worker
// waits that long, keeps the order, backs off on further failures and
// delivers everything. Driven step by step with a fake clock.
func TestRateLimitedPostWaitsForRetryAfter(t *testing.T) {
	clk := &clock{t: time.Now()}
	f := newFixture(t, fixtureOpt{opts: []Option{WithClock(clk.Now)}})
	s := f.handedOff(t, "20", "Jane")
	card := f.open(t, s)

	f.srv.FailNext("chat.postMessage", slacktest.Failure{Status: 429, RetryAfter: "30"})
	if err := f.desk.Relay(t.Context(), s, bot.Event{Kind: bot.KindText, Text: "first"}); err != nil {
		t.Fatalf("a rate-limited relay must be queued, not fail: %v", err)
	}
	calls := f.srv.Calls("chat.postMessage")
	// While something waits, later posts queue behind it without calling Slack.
	if err := f.desk.Relay(t.Context(), s, bot.Event{Kind: bot.KindText, Text: "second"}); err != nil {
		t.Fatal(err)
	}
	if f.srv.Calls("chat.postMessage") != calls {
		t.Fatal("a post went to Slack past the queue")
	}
	jobs := f.outbox(t)
	if len(jobs) != 2 || jobs[0].Attempts != 1 || !jobs[0].NextAt.Equal(clk.Now().Add(30*time.Second)) ||
		!strings.Contains(jobs[0].LastErr, "rate limit") || jobs[1].Attempts != 0 {
		t.Fatalf("outbox = %+v", jobs)
	}

	// Before Retry-After: nothing is sent.
	if wait := f.desk.drain(t.Context()); wait != 30*time.Second {
		t.Errorf("drain before Retry-After waits %v, want 30s", wait)
	}
	if f.srv.Calls("chat.postMessage") != calls {
		t.Fatal("retried before Retry-After")
	}

	// After it: Slack fails with a 500 once, the worker backs off.
	clk.Add(30 * time.Second)
	f.srv.FailNext("chat.postMessage", slacktest.Failure{Status: 500})
	wait := f.desk.drain(t.Context())
	if wait < 10*time.Millisecond || wait > 12*time.Millisecond { // 5ms doubled once, up to 20% jitter
		t.Errorf("backoff after a 500 = %v, want 10-12ms", wait)
	}
	if jobs := f.outbox(t); len(jobs) != 2 || jobs[0].Attempts != 2 {
		t.Fatalf("outbox after the 500 = %+v", jobs)
	}

	clk.Add(time.Second)
	f.desk.drain(t.Context())
	got := f.threadTexts(card.TS)
	if len(got) != 2 || !strings.HasSuffix(got[0], ": first") || !strings.HasSuffix(got[1], ": second") {
		t.Fatalf("thread = %q, want first then second", got)
	}
	if n, _ := f.desk.Pending(t.Context()); n != 0 {
		t.Errorf("pending = %d", n)
	}
}

func TestRetryable(t *testing.T) {
	cases := []struct {
		err   error
		retry bool
		wait  time.Duration
	}{
		{&goslack.RateLimitedError{RetryAfter: 7 * time.Second}, true, 7 * time.Second},
		{fmt.Errorf("posting: %w", &goslack.RateLimitedError{RetryAfter: time.Second}), true, time.Second},
		{goslack.StatusCodeError{Code: 503}, true, 0},
		{goslack.StatusCodeError{Code: 400}, false, 0},
		{goslack.SlackErrorResponse{Err: "internal_error"}, true, 0},
		{goslack.SlackErrorResponse{Err: "channel_not_found"}, false, 0},
		{goslack.SlackErrorResponse{Err: "invalid_blocks"}, false, 0},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, true, 0},
		{redisError{errors.New("redis down")}, true, 0},
		{errors.New("something else"), false, 0},
	}
	for _, c := range cases {
		wait, retry := retryable(c.err)
		if retry != c.retry || wait != c.wait {
			t.Errorf("retryable(%v) = %v %v, want %v %v", c.err, wait, retry, c.wait, c.retry)
		}
	}
}

// Slack is down for a while: the card, the customer's messages and the
// card update wait in the outbox and arrive, in order, when it is back.
func TestSlackDownLosesNothing(t *testing.T) {
	f := newFixture(t, fixtureOpt{run: true})
	s := f.handedOff(t, "21", "Jane")
	f.srv.SetDown(true)
	ref, err := f.desk.Open(t.Context(), s)
	if err != nil {
		t.Fatalf("Open with Slack down must queue the card: %v", err)
	}
	if len(ref) != 0 {
		t.Fatalf("ref = %v, want none until the card is posted", ref)
	}
	for i := 1; i <= 5; i++ {
		if err := f.desk.Relay(t.Context(), s, bot.Event{Kind: bot.KindText, Text: fmt.Sprintf("message %d", i)}); err != nil {
			t.Fatalf("relay %d: %v", i, err)
		}
	}
	s, _ = f.store.Update(t.Context(), s.ID, func(s *session.Session) error {
		s.Mode, s.Handoff.Agent, s.Handoff.AgentID, s.Handoff.ClaimedAt = session.ModeAgent, "Lia", "ULIA", time.Now()
		return nil
	})
	if err := render(t.Context(), f.desk, s, "claimed"); err != nil {
		t.Fatal(err)
	}
	// A card post answered 503 may have put the card up: its retries look
	// for it in the channel's history first (failing too while Slack is
	// down).
	f.srv.WaitFor(t, "retries while Slack is down", func() bool {
		return f.srv.Calls("chat.postMessage")+f.srv.Calls("conversations.history") >= 3
	})
	f.srv.SetDown(false)

	card := f.srv.WaitMessage(t, "the card", func(m slacktest.Message) bool { return m.TopLevel() && m.Blocks != nil })
	f.waitThread(t, card.TS, "*Lia* has the conversation now.")
	got := f.threadTexts(card.TS)
	want := []string{"message 1", "message 2", "message 3", "message 4", "message 5", "Lia* has the conversation now."}
	if len(got) != len(want) {
		t.Fatalf("thread = %q", got)
	}
	for i := range want {
		if !strings.HasSuffix(got[i], want[i]) {
			t.Errorf("thread[%d] = %q, want …%q", i, got[i], want[i])
		}
	}
	f.srv.WaitFor(t, "card shows the claim", func() bool {
		return strings.Contains(f.card(t, card.TS).BlockText(), "Lia has this conversation")
	})
	f.waitOutboxEmpty(t)
}

// What Slack refuses for good is kept aside and does not block the rest.
func TestRefusedPostGoesToDeadLetters(t *testing.T) {
	f := newFixture(t, fixtureOpt{})
	s := f.handedOff(t, "22", "Jane")
	card := f.open(t, s)

	// Refused right away: the caller hears about it.
	f.srv.FailNext("chat.postMessage", slacktest.Failure{Error: "not_in_channel"})
	if err := f.desk.Relay(t.Context(), s, bot.Event{Kind: bot.KindText, Text: "x"}); err == nil || !strings.Contains(err.Error(), "not_in_channel") {
		t.Fatalf("Relay error = %v, want not_in_channel", err)
	}
	// Refused after queueing: dead letter, and the next one still goes out.
	f.srv.FailNext("chat.postMessage", slacktest.Failure{Status: 502}, slacktest.Failure{Error: "msg_too_long"})
	for _, text := range []string{"too long", "fine"} {
		if err := f.desk.Relay(t.Context(), s, bot.Event{Kind: bot.KindText, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	for n, _ := f.desk.Pending(t.Context()); n > 0; n, _ = f.desk.Pending(t.Context()) {
		if jobs := f.outbox(t); len(jobs) > 0 {
			// Make the head due now rather than sleeping through its backoff.
			jobs[0].NextAt = time.Time{}
			raw, _ := json.Marshal(jobs[0])
			f.db.Client.LSet(t.Context(), f.desk.outboxKey(), 0, raw)
		}
		f.desk.drain(t.Context())
	}
	if n, _ := f.desk.Dead(t.Context()); n != 1 {
		t.Errorf("dead letters = %d, want 1", n)
	}
	got := f.threadTexts(card.TS)
	if len(got) != 1 || !strings.HasSuffix(got[0], ": fine") {
		t.Errorf("thread = %q", got)
	}
}

// A restart of baton serve in the middle of a handoff loses nothing: a
// post queued before the restart is delivered by the new process, and the
// thread still routes agents' replies.
func TestRestartMidHandoff(t *testing.T) {
	url := sessiontest.URL(t)
	db1 := sessiontest.DBOn(t, sessiontest.Dial(t, url))
	srv := slacktest.New(t)
	srv.AddUser("ULIA", "Lia", "Lia Park")
	f1 := newFixture(t, fixtureOpt{srv: srv, db: db1, socket: true, run: true})
	s := f1.handedOff(t, "30", "Jane")
	card := f1.open(t, s)
	f1.reply(t, card.TS, "ULIA", "Hello Jane")
	if c := f1.core.next(t); c.Conv != s.ID {
		t.Fatalf("before restart: %+v", c)
	}
	f1.waitThread(t, card.TS, "*Lia* has the conversation now.")

	// Slack hiccups; the customer writes; the process stops before the retry.
	srv.SetDown(true)
	if err := f1.desk.Relay(t.Context(), s, bot.Event{Kind: bot.KindText, Text: "written while Slack was down"}); err != nil {
		t.Fatal(err)
	}
	f1.stop()
	srv.SetDown(false)
	if n, _ := f1.desk.Pending(t.Context()); n != 1 {
		t.Fatalf("pending before restart = %d, want 1", n)
	}

	// A new process: new Redis connection, new Slack client, same keys.
	db2 := store.DB{Client: sessiontest.Dial(t, url), Keys: db1.Keys}
	f2 := newFixture(t, fixtureOpt{srv: srv, db: db2, socket: true, run: true})
	f2.waitThread(t, card.TS, "written while Slack was down")

	f2.reply(t, card.TS, "ULIA", "Still here, Jane.")
	if c := f2.core.next(t); c.Conv != s.ID || c.Text != "Still here, Jane." || c.Agent.Name != "Lia" {
		t.Fatalf("after restart: %+v", c)
	}
	if err := f2.desk.Relay(t.Context(), s, bot.Event{Kind: bot.KindText, Text: "thanks!"}); err != nil {
		t.Fatal(err)
	}
	f2.waitThread(t, card.TS, ": thanks!")
	f2.srv.WaitFor(t, "card updated by the new process", func() bool {
		return strings.Contains(f2.card(t, card.TS).BlockText(), "Lia has this conversation")
	})
	f1.core.none(t)
}

func TestFromEnv(t *testing.T) {
	db := sessiontest.DB(t)
	sessions := session.New(db)
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	d, err := FromEnv(env(nil), db, sessions, nil)
	if d != nil || err != nil {
		t.Fatalf("no token: %v %v, want the desk off", d, err)
	}
	bad := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{EnvBotToken: "xoxb-1"}, "SLACK_APP_TOKEN (Socket Mode"},
		{map[string]string{EnvBotToken: "xoxb-1", EnvAppToken: "xapp-1"}, "SLACK_HANDOFF_CHANNEL is empty"},
		{map[string]string{EnvBotToken: "xoxb-1", EnvAppToken: "xapp-1", EnvChannel: "#support"}, "is a channel name"},
		{map[string]string{EnvBotToken: "xoxb-1", EnvAppToken: "xoxb-2", EnvChannel: "C1"}, "must be an app-level token"},
		{map[string]string{EnvBotToken: "xoxb-1", EnvSigningSecret: "s", EnvChannel: "C1", EnvAPIURL: "ftp://x"}, "SLACK_API_URL"},
		{map[string]string{EnvBotToken: "xoxb-1", EnvSigningSecret: "s", EnvChannel: "C1", EnvHours: "Mon-Fry 09:00-18:00"}, `BATON_HOURS: hours "Mon-Fry 09:00-18:00": unknown day "Fry"`},
		{map[string]string{EnvBotToken: "xoxb-1 x", EnvSigningSecret: "s", EnvChannel: "C1"}, "white space"},
	}
	for _, c := range bad {
		d, err := FromEnv(env(c.vars), db, sessions, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("FromEnv(%v) = %v, %v; want error containing %q", c.vars, d, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "xoxb-1") {
			t.Errorf("error leaks the token: %v", err)
		}
	}

	// A working configuration against the fake Slack: SLACK_API_URL without
	// the trailing slash, Socket Mode and HTTP both on.
	srv := slacktest.New(t)
	d, err = FromEnv(env(map[string]string{
		EnvBotToken: slacktest.BotToken, EnvAppToken: slacktest.AppToken, EnvSigningSecret: slacktest.SigningSecret,
		EnvChannel: testChannel, EnvAPIURL: strings.TrimSuffix(srv.URL, "/"), EnvHours: "Mon-Fri 09:00-18:00 Asia/Seoul",
	}), db, sessions, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !d.socket || len(d.Routes()) != 2 || d.hours.String() != "Mon-Fri 09:00-18:00 Asia/Seoul" {
		t.Errorf("desk = socket %v routes %d hours %q", d.socket, len(d.Routes()), d.hours)
	}
	f := &fixture{srv: srv, db: db, store: sessions, desk: d}
	card := f.open(t, f.handedOffOn(t, "40"))
	if !strings.Contains(card.BlockText(), "needs a person") {
		t.Errorf("card not posted through SLACK_API_URL")
	}
}

// handedOffOn is handedOff for fixtures built by hand.
func (f *fixture) handedOffOn(t *testing.T, chatID string) *session.Session {
	return f.handedOff(t, chatID, "Jane")
}

// The outbox lock is a lease of three heartbeats renewed every beat while
// a replica drains. Replica A is caught in a Slack call that outlasts its
// lease several times over: the lease is renewed and replica B cannot take
// the outbox. Then A dies in that call (its Redis connection and its
// request gone, the lock left behind): B takes the outbox over once A's
// lease runs out and delivers every queued post, once, in order. Real
// Redis (REDIS_URL): the lease expires in real time.
func TestOutboxLeaseRenewedWhileDrainingAndTakenOverWhenTheDrainerDies(t *testing.T) {
	url := sessiontest.RealtimeURL(t)
	srv := slacktest.New(t)
	srv.AddUser("ULIA", "Lia", "Lia Park")
	// 500 ms: a renewal starved for a few hundred ms on a loaded 2-core
	// machine must not let the lease (three beats) run out.
	const beat = 500 * time.Millisecond
	base := sessiontest.DBOn(t, sessiontest.Dial(t, url)) // cleans the keys up
	dbA := store.DB{Client: sessiontest.Dial(t, url), Keys: base.Keys}
	fA := newFixture(t, fixtureOpt{srv: srv, db: dbA, opts: []Option{WithHeartbeat(beat)}})
	renewed := make(chan struct{}, 100)
	fA.desk.outboxRenewed = func() {
		select {
		case renewed <- struct{}{}:
		default:
		}
	}
	s := fA.handedOff(t, "50", "Jane")
	card := fA.open(t, s)

	srv.SetDown(true)
	texts := []string{"first while Slack was down", "second while Slack was down"}
	for _, text := range texts {
		if err := fA.desk.Relay(t.Context(), s, bot.Event{Kind: bot.KindText, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	srv.SetDown(false)
	if n, _ := fA.desk.Pending(t.Context()); n != 2 {
		t.Fatalf("pending = %d, want 2", n)
	}

	release := srv.Hold("chat.postMessage")
	defer release()
	ctxA, killA := context.WithCancel(context.Background())
	defer killA()
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		fA.desk.runOutbox(ctxA)
	}()
	srv.WaitFor(t, "replica A posting the first queued message", func() bool { return srv.Held("chat.postMessage") == 1 })
	// Six renewals are two leases: without them the lock would be free.
	for i := range 6 {
		select {
		case <-renewed:
		case <-time.After(slacktest.DefaultTimeout):
			t.Fatalf("the outbox lock was renewed %d times, want 6", i)
		}
	}
	lock := fA.desk.lockKey()
	if ttl, err := dbA.Client.PTTL(t.Context(), lock).Result(); err != nil || ttl <= 0 || ttl > 3*beat {
		t.Errorf("outbox lock TTL = %v (%v), want a lease of at most three beats (%v)", ttl, err, 3*beat)
	}

	dbB := store.DB{Client: sessiontest.Dial(t, url), Keys: base.Keys}
	fB := newFixture(t, fixtureOpt{srv: srv, db: dbB, opts: []Option{WithHeartbeat(beat)}})
	calls := srv.Calls("chat.postMessage")
	fB.desk.drain(t.Context())
	if n := srv.Calls("chat.postMessage"); n != calls {
		t.Fatalf("replica B drained the outbox while A held it (%d posts)", n-calls)
	}

	// A dies mid-call: no more renewals, no unlock.
	_ = dbA.Client.Close()
	killA()
	<-drained
	srv.WaitFor(t, "replica A's call gone", func() bool { return srv.Held("chat.postMessage") == 0 })
	release()
	if held, err := dbB.Client.Exists(t.Context(), lock).Result(); err != nil || held != 1 {
		t.Fatalf("replica A's lock: exists=%d err=%v, want it left behind", held, err)
	}
	died := time.Now()
	ctxB, stopB := context.WithCancel(context.Background())
	doneB := make(chan struct{})
	go func() {
		defer close(doneB)
		_ = fB.desk.Run(ctxB)
	}()
	defer func() { stopB(); <-doneB }()
	fB.waitOutboxEmpty(t)
	t.Logf("replica B delivered the queued posts %v after replica A died (lease %v)", time.Since(died).Round(10*time.Millisecond), 3*beat)
	th := fB.threadTexts(card.TS)
	var got []string
	for _, m := range th {
		for _, text := range texts {
			if strings.Contains(m, text) {
				got = append(got, text)
			}
		}
	}
	if strings.Join(got, "|") != strings.Join(texts, "|") {
		t.Errorf("thread after the takeover: %q, want each queued post once, in order", th)
	}
}
