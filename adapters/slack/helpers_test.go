package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

const testChannel = "CHANDOFFS"

// coreCall is one call the desk made into the core.
type coreCall struct {
	Method string // "AgentMessage", "Claim", "Resolve", "Return"
	Conv   string
	Agent  bot.Agent
	Text   string
}

// fakeCore records the desk's calls and plays the core's part well enough
// for the card to follow: it updates the session the way the core does and
// renders the event the change stands for.
type fakeCore struct {
	desk  *Desk
	store *session.Store
	calls chan coreCall
	now   func() time.Time

	mu   sync.Mutex
	fail error // returned by the next call
}

func (c *fakeCore) failNext(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail = err
}

func (c *fakeCore) record(method, conv string, a bot.Agent, text string) error {
	c.calls <- coreCall{method, conv, a, text}
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.fail
	c.fail = nil
	return err
}

func (c *fakeCore) change(ctx context.Context, conv string, fn func(*session.Session) string) error {
	var change string
	s, err := c.store.Update(ctx, conv, func(s *session.Session) error {
		if s.Handoff == nil {
			return bot.ErrNoConversation
		}
		change = fn(s)
		return nil
	})
	if err != nil {
		return err
	}
	if change == "" {
		return nil
	}
	return render(ctx, c.desk, s, change)
}

// render plays the core's part after a change: the lifecycle event the
// change stands for, rendered by the desk. A reminder is counted in the
// session first, as the core's lifecycle does.
func render(ctx context.Context, d *Desk, s *session.Session, change string) error {
	var ev lifecycle.Event
	b := lifecycle.Base{Conv: s.ID, At: time.Now()}
	switch change {
	case "claimed":
		ev = lifecycle.Claimed{Base: b}
	case "resolved":
		ev = lifecycle.Resolved{Base: b}
	case "returned":
		ev = lifecycle.Returned{Base: b}
	case "rated":
		ev = lifecycle.Rated{Base: b, Who: "agent"}
	case "transferred:payments", "transferred:returns":
		ev = lifecycle.Transferred{Base: b, To: strings.TrimPrefix(change, "transferred:")}
	case "reminder":
		var err error
		s, err = d.store.Update(ctx, s.ID, func(cur *session.Session) error {
			if lifecycle.Of(cur) == lifecycle.StateWaiting {
				cur.Handoff.Reminders++
			}
			return nil
		})
		if err != nil {
			return err
		}
		ev = lifecycle.Reminded{Base: b}
	default:
		return fmt.Errorf("unknown change %q", change)
	}
	return d.Render(ctx, s, ev)
}

func (c *fakeCore) AgentMessage(ctx context.Context, conv string, a bot.Agent, text string) error {
	if err := c.record("AgentMessage", conv, a, text); err != nil {
		return err
	}
	return c.change(ctx, conv, func(s *session.Session) string {
		now := c.now()
		s.Turns = append(s.Turns, session.Turn{Role: "agent", Agent: a.Name, Text: text, At: now})
		if s.Handoff.FirstReplyAt.IsZero() {
			s.Handoff.FirstReplyAt = now
		}
		if s.Mode == session.ModeWaiting {
			s.Mode = session.ModeAgent
			s.Handoff.Agent, s.Handoff.AgentID, s.Handoff.ClaimedAt = a.Name, a.ID, now
			return "claimed"
		}
		return ""
	})
}

func (c *fakeCore) Claim(ctx context.Context, conv string, a bot.Agent) error {
	if err := c.record("Claim", conv, a, ""); err != nil {
		return err
	}
	return c.change(ctx, conv, func(s *session.Session) string {
		s.Mode = session.ModeAgent
		s.Handoff.Agent, s.Handoff.AgentID, s.Handoff.ClaimedAt = a.Name, a.ID, c.now()
		return "claimed"
	})
}

func (c *fakeCore) Resolve(ctx context.Context, conv string, a bot.Agent) error {
	if err := c.record("Resolve", conv, a, ""); err != nil {
		return err
	}
	return c.change(ctx, conv, func(s *session.Session) string {
		s.Mode = session.ModeBot
		s.Handoff.Outcome, s.Handoff.ResolvedAt = "resolved", c.now()
		if s.Handoff.Agent == "" {
			s.Handoff.Agent, s.Handoff.AgentID = a.Name, a.ID
		}
		return "resolved"
	})
}

func (c *fakeCore) Return(ctx context.Context, conv string, a bot.Agent) error {
	if err := c.record("Return", conv, a, ""); err != nil {
		return err
	}
	return c.change(ctx, conv, func(s *session.Session) string {
		s.Mode = session.ModeBot
		s.Handoff.Outcome, s.Handoff.ResolvedAt = "returned", c.now()
		return "returned"
	})
}

func (c *fakeCore) Transfer(ctx context.Context, conv, team string, a bot.Agent) error {
	if err := c.record("Transfer", conv, a, team); err != nil {
		return err
	}
	return c.change(ctx, conv, func(s *session.Session) string {
		s.Handoff.Transfers = append(s.Handoff.Transfers, session.Transfer{From: s.Handoff.Team, To: team, Agent: s.Handoff.Agent, By: a.Name, At: c.now()})
		s.Handoff.Team, s.Handoff.Agent, s.Handoff.AgentID = team, "", ""
		s.Mode = session.ModeWaiting
		return "transferred:" + team
	})
}

func (c *fakeCore) Note(ctx context.Context, conv string, a bot.Agent, text string) error {
	if err := c.record("Note", conv, a, text); err != nil {
		return err
	}
	_, err := c.store.Update(ctx, conv, func(s *session.Session) error {
		s.Turns = append(s.Turns, session.Turn{Role: "note", Agent: a.Name, Text: text, At: c.now()})
		return nil
	})
	return err
}

// next waits for the desk's next call into the core.
func (c *fakeCore) next(t *testing.T) coreCall {
	t.Helper()
	select {
	case call := <-c.calls:
		return call
	case <-time.After(slacktest.DefaultTimeout):
		t.Fatal("timed out waiting for a call into the core")
		return coreCall{}
	}
}

// none fails if the core was called (check after a later call arrived).
func (c *fakeCore) none(t *testing.T) {
	t.Helper()
	select {
	case call := <-c.calls:
		t.Fatalf("unexpected call into the core: %+v", call)
	default:
	}
}

// fixture is a desk on a fake Slack and a real (or mini) Redis.
type fixture struct {
	srv   *slacktest.Server
	db    store.DB
	store *session.Store
	desk  *Desk
	core  *fakeCore
	reg   *prometheus.Registry
	stop  func()

	handled chan string // event ids of handled agent events
	popped  chan job    // posts that left the outbox
}

type fixtureOpt struct {
	socket bool
	run    bool
	db     store.DB       // default: a fresh one for the test
	store  *session.Store // default: on db
	srv    *slacktest.Server
	opts   []Option
}

func newFixture(t *testing.T, fo fixtureOpt) *fixture {
	t.Helper()
	f := &fixture{srv: fo.srv, db: fo.db, store: fo.store, reg: prometheus.NewRegistry()}
	if f.srv == nil {
		f.srv = slacktest.New(t)
		f.srv.AddUser("ULIA", "Lia", "Lia Park")
		f.srv.AddUser("UMIN", "", "Min-jun Kim")
	}
	if f.db.Client == nil {
		f.db = sessiontest.DB(t)
	}
	if f.store == nil {
		f.store = session.New(f.db)
	}
	f.core = &fakeCore{store: f.store, calls: make(chan coreCall, 100), now: time.Now}
	opts := []Option{
		WithSigningSecret(slacktest.SigningSecret),
		WithRetryBackoff(5*time.Millisecond, 50*time.Millisecond),
		WithPollInterval(20 * time.Millisecond),
		WithRegisterer(f.reg),
		WithCallTimeout(5 * time.Second),
	}
	if fo.socket {
		opts = append(opts, WithSocketMode())
	}
	d, err := New(f.srv.Client(), f.db, f.store, f.core, testChannel, append(opts, fo.opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f.desk = d
	f.core.desk = d
	f.handled = make(chan string, 1000)
	f.popped = make(chan job, 1000)
	d.popped = func(j job) { f.popped <- j }
	d.handled = func(in inbound) {
		switch {
		case in.eventID != "":
			f.handled <- in.eventID
		case in.action != nil:
			f.handled <- "action"
		}
	}
	f.stop = func() {}
	if fo.run {
		f.start(t, fo.socket)
	}
	return f
}

// start runs the desk (fixtureOpt.run does it at once; a test that sets
// hooks first starts it itself). socket: wait for its Socket Mode
// connection. f.stop stops it and waits for Run to return.
func (f *fixture) start(t *testing.T, socket bool) {
	t.Helper()
	d := f.desk
	conns := f.srv.Connections()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	var once sync.Once
	f.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
			d.Close()
		})
	}
	t.Cleanup(f.stop)
	if socket {
		f.srv.WaitConnected(t, conns+1)
	}
}

var t0 = time.Now().Add(-10 * time.Minute).Truncate(time.Second)

// handedOff stores a conversation that was just handed off and returns it.
func (f *fixture) handedOff(t *testing.T, chatID, name string) *session.Session {
	t.Helper()
	conv := bot.ConvID("telegram", chatID)
	s, err := f.store.Update(t.Context(), conv, func(s *session.Session) error {
		s.Channel, s.ChatID = "telegram", chatID
		s.Name, s.Username, s.Lang = name, "jane_d", "ko"
		s.Mode = session.ModeWaiting
		s.Started = t0
		s.Turns = []session.Turn{
			{Role: "customer", Text: "where is my parcel? ordered 2 weeks ago", At: t0},
			{Role: "bot", Kind: "answer", Entry: "shipping/delays", Score: 0.42, Text: "Parcels usually arrive in 3-5 days.", At: t0.Add(time.Second)},
			{Role: "customer", Text: "still nothing & I'm <upset>", At: t0.Add(3 * time.Minute)},
			{Role: "bot", Kind: "rephrase", Text: "Could you tell me more?", At: t0.Add(3*time.Minute + time.Second)},
			{Role: "customer", Text: "I want a human now", At: t0.Add(5 * time.Minute)},
		}
		s.Handoff = &session.Handoff{
			Reason:   "explicit",
			Evidence: []string{`asked for a person: "I want a human now"`},
			Scores:   map[string]float64{"explicit": 1, "complaint": 0.35},
			At:       t0.Add(5*time.Minute + 2*time.Second),
		}
		return nil
	})
	if err != nil {
		t.Fatalf("storing the session: %v", err)
	}
	return s
}

// open posts the card for s and returns the card message.
func (f *fixture) open(t *testing.T, s *session.Session) slacktest.Message {
	t.Helper()
	ref, err := f.desk.Open(t.Context(), s)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if ref["channel"] != testChannel || ref["ts"] == "" {
		t.Fatalf("Open ref = %v, want channel %s and a ts", ref, testChannel)
	}
	m, ok := f.srv.Message(ref["ts"])
	if !ok {
		t.Fatalf("card %s not in the fake Slack", ref["ts"])
	}
	return m
}

// cards counts the handoff cards posted so far that name the customer.
func (f *fixture) cards(name string) int {
	n := 0
	for _, m := range f.srv.Messages() {
		if m.TopLevel() && m.Blocks != nil && strings.Contains(m.BlockText(), name) {
			n++
		}
	}
	return n
}

// card returns the current version of the card message.
func (f *fixture) card(t *testing.T, ts string) slacktest.Message {
	t.Helper()
	m, ok := f.srv.Message(ts)
	if !ok {
		t.Fatalf("card %s vanished", ts)
	}
	return m
}

// reply sends an agent's thread reply over Socket Mode and waits for the ack.
func (f *fixture) reply(t *testing.T, thread, user, text string) slacktest.Event {
	t.Helper()
	ev := f.srv.SendEvent(t, f.srv.AgentReply(testChannel, thread, user, text))
	f.srv.WaitAck(t, ev.Envelope)
	return ev
}

// waitHandled waits until the desk has handled every event in evs.
func (f *fixture) waitHandled(t *testing.T, evs ...slacktest.Event) {
	t.Helper()
	want := map[string]bool{}
	for _, ev := range evs {
		want[ev.ID] = true
	}
	timeout := time.After(slacktest.DefaultTimeout)
	for len(want) > 0 {
		select {
		case id := <-f.handled:
			delete(want, id)
		case <-timeout:
			t.Fatalf("timed out waiting for events %v to be handled", want)
		}
	}
}

// waitOutboxEmpty waits until the outbox worker has delivered everything.
func (f *fixture) waitOutboxEmpty(t *testing.T) {
	t.Helper()
	timeout := time.After(slacktest.DefaultTimeout)
	for {
		n, err := f.desk.Pending(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		select {
		case <-f.popped:
		case <-timeout:
			t.Fatalf("timed out waiting for the outbox to empty (%d pending)", n)
		}
	}
}

// waitThread waits for a bot post in the thread containing want.
func (f *fixture) waitThread(t *testing.T, thread, want string) slacktest.Message {
	t.Helper()
	return f.srv.WaitMessage(t, fmt.Sprintf("thread post %q", want), func(m slacktest.Message) bool {
		return m.ThreadTS == thread && m.IsBot() && strings.Contains(m.Text, want)
	})
}

// threadTexts lists the bot's posts in the thread.
func (f *fixture) threadTexts(ts string) []string {
	var out []string
	for _, m := range f.srv.Thread(ts) {
		if m.IsBot() {
			out = append(out, m.Text)
		}
	}
	return out
}

var errBoom = errors.New("boom")

// heldOpen is a card post Slack has done and not answered yet: the card is
// in Slack, Baton does not have its ts (an agent may answer the instant it
// appears).
type heldOpen struct {
	card   slacktest.Message
	answer func()             // releases Slack's answer (safe to call again)
	cancel context.CancelFunc // Baton gives up on the post
	opened chan error         // Open's result
}

// holdOpen opens s's card with the card post's answer held. not is the ts
// of an earlier card to pass over ("" for none).
func (f *fixture) holdOpen(t *testing.T, s *session.Session, not string) *heldOpen {
	t.Helper()
	h := &heldOpen{answer: f.srv.HoldAnswer("chat.postMessage"), opened: make(chan error, 1)}
	t.Cleanup(h.answer)
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	h.cancel = cancel
	go func() {
		_, err := f.desk.Open(ctx, s)
		h.opened <- err
	}()
	f.srv.WaitFor(t, "the card in Slack, its answer held", func() bool {
		for _, m := range f.srv.Messages() {
			if m.TopLevel() && m.Blocks != nil && m.TS != not && f.srv.Held("chat.postMessage") == 1 {
				h.card = m
				return true
			}
		}
		return false
	})
	return h
}

// result waits for Open to return and returns its error.
func (h *heldOpen) result(t *testing.T) error {
	t.Helper()
	select {
	case err := <-h.opened:
		return err
	case <-time.After(slacktest.DefaultTimeout):
		t.Fatal("timed out waiting for the card post to end")
		return nil
	}
}

// giveUp has the post time out on Baton's side after Slack showed the
// card: Baton stops waiting (Open returns; the outbox posts the card
// again), then Slack's answer goes out to nobody.
func (h *heldOpen) giveUp(t *testing.T) {
	t.Helper()
	h.cancel()
	h.result(t)
	h.answer()
}

// waitedTooLong has an agent reply under card and then press its Claim,
// each held back to wait (seen reports each look at the card's thread),
// moves the desk's clock past any wait once the event has waited, and
// waits for the agent to be told: told, for the reply, in its thread, for
// the press, in the channel. Nothing reaches the core.
func (f *fixture) waitedTooLong(t *testing.T, clk *clock, seen chan string, card slacktest.Message, reply, press string) {
	t.Helper()
	thread := testChannel + ":" + card.TS
	for _, c := range []struct {
		name string
		act  func()
		want string
		to   string // the thread the notice is in ("": the channel)
	}{
		{"reply", func() { f.reply(t, card.TS, "ULIA", "Lia here, on it") }, reply, card.TS},
		{"press", func() { f.srv.SendAction(t, f.srv.Action("ULIA", "lia", f.card(t, card.TS), ActionClaim)) }, press, ""},
	} {
		// The last case's event looked again (every retry reports) until
		// it was handled: drop those reports, or this case's wait would
		// count them and move the clock before its event first waited.
		for len(seen) > 0 {
			<-seen
		}
		c.act()
		// Held back once (the second look proves the first wait kept):
		// then past any wait.
		waitSignal(t, seen, thread, 2, c.name+" waiting")
		clk.Add(f.desk.postingFor() + time.Second)
		f.srv.WaitFor(t, c.name+": the agent told", func() bool {
			for _, e := range f.srv.Ephemerals() {
				if e.User == "ULIA" && e.ThreadTS == c.to && strings.Contains(e.Text, c.want) {
					return true
				}
			}
			return false
		})
	}
	f.core.none(t)
}

// historyRefused is n conversations.history calls refused as by an app
// without the history scopes.
func historyRefused(n int) []slacktest.Failure {
	out := make([]slacktest.Failure, n)
	for i := range out {
		out[i] = slacktest.Failure{Error: "missing_scope"}
	}
	return out
}
