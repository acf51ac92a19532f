package slack

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	goslack "github.com/slack-go/slack"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
)

// A card post times out on Baton's side after Slack showed the card, and
// an agent answers under it at once. The reply reaches the customer and
// the outbox's retry adopts that card instead of posting a second one
// (before: a second card, and the reply only a WARN and a notice to its
// author).
func TestReplyUnderACardWhosePostTimedOutReachesTheCustomer(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	f.start(t, true)
	s := f.handedOff(t, "70", "Jane")

	held := f.holdOpen(t, s, "")
	card := held.card
	ev := f.reply(t, card.TS, "ULIA", "Lia here, on it")
	held.giveUp(t)
	f.waitHandled(t, ev)
	if c := f.core.next(t); c.Method != "AgentMessage" || c.Conv != s.ID || c.Text != "Lia here, on it" {
		t.Fatalf("core call = %+v, want the reply to %s", c, s.ID)
	}
	f.waitOutboxEmpty(t)
	if n := f.cards("Jane"); n != 1 {
		t.Errorf("%d cards for one handoff, want 1", n)
	}
	ref, ok, err := f.desk.card(t.Context(), s.ID)
	if err != nil || !ok || ref.ts != card.TS {
		t.Errorf("card of the conversation = %+v %v %v, want the first card %s", ref, ok, err, card.TS)
	}
	for _, e := range f.srv.Ephemerals() {
		t.Errorf("agent told %q", e.Text)
	}
}

// The same timeout, and Baton cannot find the first card when it posts
// again (the history lookup refused): two cards stand. An agent who
// answers under the first one later still reaches the customer, the card
// update shows on both, a press on the first one acts, and the second
// one's thread works as usual.
func TestBothCardsOfAPostThatTimedOutReachTheCustomer(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	s := f.handedOff(t, "71", "Jane")
	first, second := f.twinCards(t, s)

	f.waitHandled(t, f.reply(t, first.TS, "ULIA", "Lia here, on it"))
	if c := f.core.next(t); c.Method != "AgentMessage" || c.Conv != s.ID || c.Text != "Lia here, on it" {
		t.Fatalf("core call = %+v, want the reply under the first card to reach %s", c, s.ID)
	}
	for _, ts := range []string{first.TS, second} {
		f.srv.WaitFor(t, "the card shows the claim", func() bool {
			return strings.Contains(f.card(t, ts).BlockText(), "Lia has this conversation")
		})
	}
	f.waitHandled(t, f.reply(t, second, "ULIA", "and here"))
	if c := f.core.next(t); c.Method != "AgentMessage" || c.Conv != s.ID || c.Text != "and here" {
		t.Fatalf("core call = %+v, want the reply under the second card", c)
	}
	f.srv.SendAction(t, f.srv.Action("UMIN", "min", f.card(t, first.TS), ActionResolve))
	if c := f.core.next(t); c.Method != "Resolve" || c.Conv != s.ID {
		t.Fatalf("core call = %+v, want Resolve on %s from the first card", c, s.ID)
	}
	for _, e := range f.srv.Ephemerals() {
		t.Errorf("agent told %q", e.Text)
	}
	if n := f.cards("Jane"); n != 2 {
		t.Errorf("%d cards, want still 2", n)
	}
}

// twinCards puts up two cards for s's handoff: the first post times out
// after Slack showed its card, and the outbox's retry cannot look for it
// (the history lookup refused), so it posts a second one, which becomes
// the card. The desk is running when it returns.
func (f *fixture) twinCards(t *testing.T, s *session.Session) (first slacktest.Message, second string) {
	t.Helper()
	held := f.holdOpen(t, s, "")
	held.giveUp(t)
	first = held.card
	f.srv.FailNext("conversations.history", slacktest.Failure{Error: "missing_scope"})
	f.start(t, true) // the outbox posts the card again
	f.waitOutboxEmpty(t)
	if n := f.cards(s.Name); n != 2 {
		t.Fatalf("%d cards, want 2 (the history lookup was refused)", n)
	}
	ref, ok, err := f.desk.card(t.Context(), s.ID)
	if err != nil || !ok || ref.ts == first.TS {
		t.Fatalf("card = %+v %v %v, want the second card", ref, ok, err)
	}
	return first, ref.ts
}

// Two cards stand for one handoff and an agent answers under the first
// one (the second is the card Baton posted last). What the customer
// writes next, and the notes of the claim and the resolution, show in the
// first card's thread too, where the agent is: they went to the second
// card's thread only, and the agent saw none of it.
func TestAgentUnderTheFirstOfTwoCardsSeesTheConversation(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	s := f.handedOff(t, "73", "Jane")
	first, second := f.twinCards(t, s)

	f.waitHandled(t, f.reply(t, first.TS, "ULIA", "Lia here, on it"))
	if c := f.core.next(t); c.Method != "AgentMessage" || c.Conv != s.ID {
		t.Fatalf("core call = %+v, want the reply to %s", c, s.ID)
	}
	for _, ts := range []string{first.TS, second} {
		f.waitThread(t, ts, "has the conversation now")
	}
	cur, ok, err := f.store.Get(t.Context(), s.ID)
	if err != nil || !ok {
		t.Fatalf("session: %v %v", ok, err)
	}
	if err := f.desk.Relay(t.Context(), cur, bot.Event{Kind: bot.KindText, Text: "thanks, the order is 1234"}); err != nil {
		t.Fatal(err)
	}
	for _, ts := range []string{first.TS, second} {
		f.waitThread(t, ts, "the order is 1234")
	}
	f.srv.SendAction(t, f.srv.Action("ULIA", "lia", f.card(t, first.TS), ActionResolve))
	if c := f.core.next(t); c.Method != "Resolve" || c.Conv != s.ID {
		t.Fatalf("core call = %+v, want Resolve on %s", c, s.ID)
	}
	for _, ts := range []string{first.TS, second} {
		f.waitThread(t, ts, "Resolved")
	}
	for _, ts := range []string{first.TS, second} {
		n := 0
		for _, text := range f.threadTexts(ts) {
			if strings.Contains(text, "the order is 1234") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("the customer's message shows %d times in thread %s, want once", n, ts)
		}
	}
}

// Slack puts the card up and answers its post with an error of its own
// trouble (internal_error, a 5xx, a 408): the card may be up, so the post
// stays in doubt and the outbox's retry looks for it and adopts it. The
// in-doubt mark was cleared on any Slack answer, and the retry posted a
// second card without looking.
func TestCardPostAnsweredWithSlacksOwnErrorIsNotPostedTwice(t *testing.T) {
	for _, c := range []struct {
		name string
		fail slacktest.Failure
	}{
		{"internal_error", slacktest.Failure{Error: "internal_error", Done: true}},
		{"fatal_error", slacktest.Failure{Error: "fatal_error", Done: true}},
		{"service_unavailable", slacktest.Failure{Error: "service_unavailable", Done: true}},
		{"request_timeout", slacktest.Failure{Error: "request_timeout", Done: true}},
		{"503", slacktest.Failure{Status: 503, Done: true}},
		{"500", slacktest.Failure{Status: 500, Done: true}},
		{"408", slacktest.Failure{Status: 408, Done: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpt{})
			s := f.handedOff(t, "75", "Jane")
			f.srv.FailNext("chat.postMessage", c.fail)
			ref, err := f.desk.Open(t.Context(), s)
			if err != nil || len(ref) != 0 {
				t.Fatalf("Open = %v, %v; want the card queued", ref, err)
			}
			if n := f.cards("Jane"); n != 1 {
				t.Fatalf("%d cards after the failed post, want 1 (Slack showed it)", n)
			}
			first := f.srv.Messages()[0].TS
			f.start(t, false)
			f.waitOutboxEmpty(t)
			if n := f.cards("Jane"); n != 1 {
				t.Errorf("%d cards for one handoff, want 1", n)
			}
			if got, ok, err := f.desk.card(t.Context(), s.ID); err != nil || !ok || got.ts != first {
				t.Errorf("card = %+v %v %v, want the first card %s adopted", got, ok, err, first)
			}
		})
	}
}

// What refused takes for a call that surely did nothing.
func TestRefused(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&goslack.RateLimitedError{RetryAfter: time.Second}, true},
		{goslack.StatusCodeError{Code: 400}, true},
		{goslack.StatusCodeError{Code: 403}, true},
		{goslack.StatusCodeError{Code: 408}, false},
		{goslack.StatusCodeError{Code: 500}, false},
		{goslack.StatusCodeError{Code: 503}, false},
		{goslack.SlackErrorResponse{Err: "channel_not_found"}, true},
		{goslack.SlackErrorResponse{Err: "invalid_blocks"}, true},
		{goslack.SlackErrorResponse{Err: "ratelimited"}, true},
		{goslack.SlackErrorResponse{Err: "internal_error"}, false},
		{goslack.SlackErrorResponse{Err: "fatal_error"}, false},
		{goslack.SlackErrorResponse{Err: "service_unavailable"}, false},
		{goslack.SlackErrorResponse{Err: "request_timeout"}, false},
		{context.DeadlineExceeded, false},
	} {
		if got := refused(fmt.Errorf("posting the card: %w", c.err)); got != c.want {
			t.Errorf("refused(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// A late save of an older card (an agent's reply adopting card n while a
// transfer saved card n+1, or a card of the previous handoff) leaves the
// newer card the conversation's card, with its in-doubt mark; only the old
// thread is mapped, so a reply there is told where to go on. It replaced
// the record whenever the handoff or transfers differed.
func TestLateSaveOfAnOlderCardKeepsTheNewerCard(t *testing.T) {
	f := newFixture(t, fixtureOpt{})
	ctx := t.Context()
	s := f.handedOff(t, "76", "Jane")
	at := s.Handoff.At
	newer := cardRef{channel: testChannel, ts: "1700000002.000000", at: at, n: 1}
	if saved, err := f.desk.saveCard(ctx, s.ID, newer); err != nil || saved != savedCard {
		t.Fatalf("saving the transfer's card = %v, %v", saved, err)
	}
	mark := cardMark(at, 2)
	if err := f.db.Client.Set(ctx, f.desk.keys.CardPost(s.ID), mark, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	for _, old := range []cardRef{
		{channel: testChannel, ts: "1700000001.000000", at: at, n: 0},
		{channel: testChannel, ts: "1600000001.000000", at: at.Add(-7 * 24 * time.Hour), n: 3},
		// at with fewer digits (its ns as a Lua number would round)
		{channel: testChannel, ts: "1000000001.000000", at: time.Unix(999999999, 999999999), n: 9},
	} {
		if saved, err := f.desk.saveCard(ctx, s.ID, old); err != nil || saved != savedStale {
			t.Errorf("late save of %+v = %v, %v; want it taken as older", old, saved, err)
		}
		ref, ok, err := f.desk.card(ctx, s.ID)
		if err != nil || !ok || ref.ts != newer.ts || ref.n != 1 || len(ref.twins) != 0 {
			t.Errorf("card after the late save of %s = %+v %v %v, want the transfer's card %s", old.ts, ref, ok, err, newer.ts)
		}
		if conv, ok, err := f.desk.threadConv(ctx, testChannel, old.ts); err != nil || !ok || conv != s.ID {
			t.Errorf("old card's thread maps to %q %v %v, want %s", conv, ok, err, s.ID)
		}
	}
	if got, err := f.db.Client.Get(ctx, f.desk.keys.CardPost(s.ID)).Result(); err != nil || got != mark {
		t.Errorf("in-doubt mark of the newer card's post = %q %v, want %q kept", got, err, mark)
	}
	// A newer one still replaces it.
	next := cardRef{channel: testChannel, ts: "1700000003.000000", at: at, n: 2}
	if saved, err := f.desk.saveCard(ctx, s.ID, next); err != nil || saved != savedCard {
		t.Fatalf("saving the next transfer's card = %v, %v", saved, err)
	}
	if ref, _, _ := f.desk.card(ctx, s.ID); ref.ts != next.ts {
		t.Errorf("card = %s, want the newest %s", ref.ts, next.ts)
	}
}

// logBuffer collects a desk's log lines (the desk logs from several
// goroutines).
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The search for a card whose post got no answer asks auth.test (who is
// Baton's bot) once, however many bot messages the history holds, even
// when auth.test fails: it asked once per bot message, one at a time.
func TestCardSearchAsksWhoWeAreOnce(t *testing.T) {
	f := newFixture(t, fixtureOpt{})
	s := f.handedOff(t, "77", "Jane")
	api := f.srv.Client()
	for i := range 10 {
		if _, _, err := api.PostMessage(testChannel, goslack.MsgOptionText(fmt.Sprintf("another bot message %d", i), false)); err != nil {
			t.Fatal(err)
		}
	}
	fails := make([]slacktest.Failure, 20)
	for i := range fails {
		fails[i] = slacktest.Failure{Error: "internal_error"}
	}
	f.srv.FailNext("auth.test", fails...)
	before := f.srv.Calls("auth.test")
	if _, found, err := f.desk.findCard(t.Context(), testChannel, s.ID, s.Handoff.At, 0); err != nil || found {
		t.Fatalf("findCard = %v, %v; want not found", found, err)
	}
	if n := f.srv.Calls("auth.test") - before; n != 1 {
		t.Errorf("auth.test asked %d times for one search, want 1", n)
	}
}

// A search that stops at its page bound says so in the log (it gave up
// silently), without the customer's words.
func TestCardSearchThatGivesUpWarns(t *testing.T) {
	logs := &logBuffer{}
	f := newFixture(t, fixtureOpt{opts: []Option{WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))}})
	s := f.handedOff(t, "78", "Jane")
	for i := range findCardPages*200 + 1 {
		f.srv.AgentReply(testChannel, "", "ULIA", fmt.Sprintf("chatter %d", i))
	}
	if _, found, err := f.desk.findCard(t.Context(), testChannel, s.ID, s.Handoff.At, 0); err != nil || found {
		t.Fatalf("findCard = %v, %v; want not found", found, err)
	}
	out := logs.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "gave up looking for a card") {
		t.Errorf("no WARN for the search that gave up; log:\n%s", out)
	}
	for _, turn := range s.Turns {
		if strings.Contains(out, turn.Text) {
			t.Errorf("customer text %q in the log", turn.Text)
		}
	}
	// Within the bound: no warning.
	logs2 := &logBuffer{}
	f.desk.log = slog.New(slog.NewTextHandler(logs2, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if _, _, err := f.desk.findCard(t.Context(), testChannel, s.ID, time.Now().Add(time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	if out := logs2.String(); out != "" {
		t.Errorf("a search within its bound logged:\n%s", out)
	}
}
