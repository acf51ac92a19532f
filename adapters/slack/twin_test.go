package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
)

// relay sends what the customer wrote, as the core does, and fails the
// test when the desk reports an error.
func (f *fixture) relay(t *testing.T, s *session.Session, text string) {
	t.Helper()
	cur, ok, err := f.store.Get(t.Context(), s.ID)
	if err != nil || !ok {
		t.Fatalf("session: %v %v", ok, err)
	}
	if err := f.desk.Relay(t.Context(), cur, bot.Event{Kind: bot.KindText, Text: text}); err != nil {
		t.Fatalf("Relay(%q): %v", text, err)
	}
}

// seen counts the bot's posts in thread ts that contain text.
func (f *fixture) seen(ts, text string) int {
	n := 0
	for _, m := range f.threadTexts(ts) {
		if strings.Contains(m, text) {
			n++
		}
	}
	return n
}

// agentUnder has an agent answer under the card ts (a twin's: its thread
// is adopted) and waits for the reply to be handled.
func (f *fixture) agentUnder(t *testing.T, s *session.Session, ts string) {
	t.Helper()
	f.waitHandled(t, f.reply(t, ts, "ULIA", "Lia here, on it"))
	if c := f.core.next(t); c.Method != "AgentMessage" || c.Conv != s.ID {
		t.Fatalf("core call = %+v, want the reply to %s", c, s.ID)
	}
}

// A twin card's thread (where an agent may be working) whose post fails
// for a moment gets it late, through the outbox, in order, and the card's
// own thread gets it once: a twin's failed post was a WARN and nothing
// more, and the agent under the twin never saw that message.
func TestTwinThreadPostFailingForAMomentIsRetried(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	s := f.handedOff(t, "80", "Jane")
	twin, card := f.twinCards(t, s)
	f.agentUnder(t, s, twin.TS)
	busy := slacktest.Failure{Status: 503}

	// Delivered at once: the card's thread has it, the twin's follows.
	f.srv.FailThreadPosts(twin.TS, busy)
	f.relay(t, s, "first, the order is 1234")
	f.waitOutboxEmpty(t)

	// Queued while Slack is down, then delivered from the outbox, where
	// the twin's post fails once more.
	f.srv.SetDown(true)
	f.relay(t, s, "second, it was a gift")
	f.relay(t, s, "third, please hurry")
	f.srv.FailThreadPosts(twin.TS, busy)
	f.srv.SetDown(false)
	f.waitOutboxEmpty(t)

	for _, ts := range []string{card, twin.TS} {
		var got []string
		for _, m := range f.threadTexts(ts) {
			if strings.Contains(m, "Jane") {
				got = append(got, m)
			}
		}
		want := []string{"first", "second", "third"}
		if len(got) != len(want) {
			t.Fatalf("thread %s has %q, want %v once each", ts, got, want)
		}
		for i, w := range want {
			if !strings.Contains(got[i], w) {
				t.Errorf("thread %s post %d is %q, want %q", ts, i, got[i], w)
			}
		}
	}
	if n := f.metric(t, "baton_desk_twin_post_failed_total"); n != 2 {
		t.Errorf("twin post failures counted %v, want 2", n)
	}
	if n := f.metric(t, "baton_desk_twin_post_dropped_total"); n != 0 {
		t.Errorf("twin posts dropped %v, want 0", n)
	}
}

// A twin card's thread whose posts keep failing: the customer's message
// reaches the card's own thread at once, the twin's post is tried
// twinMaxAttempts times in all and then given up (kept in dead letters,
// counted), and the outbox goes on with the posts behind it: the next
// message reaches both threads (its twin post fails once, the fake's last
// failure, and is retried).
func TestTwinThreadPostFailingForGoodIsCountedAndDropped(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	s := f.handedOff(t, "81", "Jane")
	twin, card := f.twinCards(t, s)
	f.agentUnder(t, s, twin.TS)
	fails := make([]slacktest.Failure, twinMaxAttempts+1)
	for i := range fails {
		fails[i] = slacktest.Failure{Status: 503}
	}
	f.srv.FailThreadPosts(twin.TS, fails...)

	f.relay(t, s, "the order is 1234")
	if n := f.seen(card, "the order is 1234"); n != 1 {
		t.Fatalf("the card's thread has the message %d times at once, want 1", n)
	}
	f.relay(t, s, "are you there?")
	f.waitOutboxEmpty(t)

	for _, c := range []struct {
		ts, text string
		want     int
	}{
		{card, "the order is 1234", 1},
		{card, "are you there?", 1},
		{twin.TS, "the order is 1234", 0},
		{twin.TS, "are you there?", 1},
	} {
		if n := f.seen(c.ts, c.text); n != c.want {
			t.Errorf("thread %s has %q %d times, want %d", c.ts, c.text, n, c.want)
		}
	}
	if n := f.metric(t, "baton_desk_twin_post_failed_total"); n != float64(twinMaxAttempts+1) {
		t.Errorf("twin post failures counted %v, want %d", n, twinMaxAttempts+1)
	}
	if n := f.metric(t, "baton_desk_twin_post_dropped_total"); n != 1 {
		t.Errorf("twin posts dropped %v, want 1", n)
	}
	raws, err := f.db.Client.LRange(t.Context(), f.desk.deadKey(), 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) != 1 {
		t.Fatalf("dead letters %q, want the twin's post", raws)
	}
	var j job
	if err := json.Unmarshal([]byte(raws[0]), &j); err != nil {
		t.Fatal(err)
	}
	if _, ok := j.Twins[twin.TS]; !ok || len(j.Twins) != 1 || !strings.Contains(j.Text, "the order is 1234") || j.Attempts != twinMaxAttempts {
		t.Errorf("dead letter %+v, want the twin's post of the first message after %d tries", j, twinMaxAttempts)
	}
}

// A twin card's thread Slack refuses for good (its channel archived, the
// app removed from it) is tried once: the refusal retires the twin on the
// card's record, counted and logged once, and the customer's later
// messages go to the card's own thread without trying the twin again. It
// was tried for every message, each refusal a failure, an error log and a
// dead letter. A press on the retired twin's buttons still acts on the
// handoff (it is still one of its cards).
func TestTwinThreadRefusedForGoodIsRetiredOnce(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	s := f.handedOff(t, "82", "Jane")
	twin, card := f.twinCards(t, s)
	f.agentUnder(t, s, twin.TS)
	archived := make([]slacktest.Failure, 10)
	for i := range archived {
		archived[i] = slacktest.Failure{Error: "is_archived"}
	}
	f.srv.FailThreadPosts(twin.TS, archived...)

	texts := []string{"the order is 1234", "are you there?", "hello??"}
	for _, text := range texts {
		f.relay(t, s, text)
	}
	f.waitOutboxEmpty(t)
	for _, text := range texts {
		if n := f.seen(card, text); n != 1 {
			t.Errorf("the card's thread has %q %d times, want 1", text, n)
		}
		if n := f.seen(twin.TS, text); n != 0 {
			t.Errorf("the retired twin's thread has %q %d times", text, n)
		}
	}
	if n := f.metric(t, "baton_desk_twin_post_failed_total"); n != 1 {
		t.Errorf("twin post failures counted %v, want 1 (the twin tried once)", n)
	}
	if n := f.metric(t, "baton_desk_twin_retired_total"); n != 1 {
		t.Errorf("twins retired %v, want 1", n)
	}
	if n, err := f.desk.Dead(t.Context()); err != nil || n != 0 {
		t.Errorf("dead letters %d (%v), want none: the twin's refusal is recorded on the card, once", n, err)
	}
	ref, ok, err := f.desk.card(t.Context(), s.ID)
	if err != nil || !ok {
		t.Fatalf("card: %v %v", ok, err)
	}
	if _, live := ref.twins[twin.TS]; live || !ref.has(twin.TS) || ref.retired[twin.TS] != testChannel {
		t.Errorf("card record %+v: want the twin retired, still one of the handoff's cards", ref)
	}
}

// A twin's refusal that ops can fix (the app removed from the channel, a
// scope missing) does not retire it: once the app is back in the channel,
// the twin's thread gets the customer's messages again. Before, any
// refusal not worth retrying at once retired the twin for good.
func TestTwinRefusedForAFixableReasonIsNotRetired(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true})
	s := f.handedOff(t, "83", "Jane")
	twin, card := f.twinCards(t, s)
	f.agentUnder(t, s, twin.TS)
	f.srv.FailThreadPosts(twin.TS, slacktest.Failure{Error: "not_in_channel"})

	f.relay(t, s, "first, while the app is out of the channel")
	f.waitOutboxEmpty(t)
	f.relay(t, s, "second, once it is back")
	f.waitOutboxEmpty(t)
	if n := f.seen(twin.TS, "second, once it is back"); n != 1 {
		t.Errorf("the twin's thread has the message after the fix %d times, want 1", n)
	}
	if n := f.seen(card, "second, once it is back"); n != 1 {
		t.Errorf("the card's thread has it %d times, want 1", n)
	}
	if n := f.metric(t, "baton_desk_twin_retired_total"); n != 0 {
		t.Errorf("twins retired %v, want 0", n)
	}
}
