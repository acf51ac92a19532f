package slack

import (
	"fmt"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
)

// While auth.test fails, the desk does not ask it again for every agent
// event (it did: one auth.test per reply, each a Slack call on the
// reply's path), but again after a backoff on the desk's clock; once
// known, the bot's identity is kept. Meanwhile the bot's own user is
// still not taken for an agent: users.info says it is a bot.
func TestAuthTestFailingIsNotAskedPerEvent(t *testing.T) {
	clk := &clock{t: time.Now()}
	f := newFixture(t, fixtureOpt{socket: true, run: true, opts: []Option{WithClock(clk.Now)}})
	s := f.handedOff(t, "79", "Jane")
	card := f.open(t, s)
	fails := make([]slacktest.Failure, 20)
	for i := range fails {
		fails[i] = slacktest.Failure{Error: "internal_error"}
	}
	f.srv.FailNext("auth.test", fails...)
	before := f.srv.Calls("auth.test")
	replies := func(n int, prefix string) {
		t.Helper()
		for i := range n {
			text := fmt.Sprintf("%s %d", prefix, i)
			f.waitHandled(t, f.reply(t, card.TS, "ULIA", text))
			if c := f.core.next(t); c.Method != "AgentMessage" || c.Conv != s.ID || c.Text != text {
				t.Fatalf("core call = %+v, want the reply %q to %s", c, text, s.ID)
			}
		}
	}
	// A message by the bot's own user without bot_id (the first line of
	// defence) is handled and reaches no customer.
	own := func(text string) {
		t.Helper()
		ev := f.srv.SendEvent(t, map[string]any{"type": "message", "channel": testChannel, "user": slacktest.BotUserID,
			"text": text, "ts": f.srv.NewTS(), "thread_ts": card.TS})
		f.srv.WaitAck(t, ev.Envelope)
		f.waitHandled(t, ev)
		f.core.none(t)
	}
	asked := func(want int, when string) {
		t.Helper()
		if n := f.srv.Calls("auth.test") - before; n != want {
			t.Errorf("auth.test asked %d times %s, want %d", n, when, want)
		}
	}
	replies(5, "while auth.test fails")
	own("our own user without bot_id")
	asked(1, "for 6 events within its backoff")

	// Past the backoff, with auth.test answering: asked once more, then
	// kept.
	f.srv.ClearFailures("auth.test")
	clk.Add(time.Hour)
	replies(3, "auth.test answers")
	own("our own user again")
	asked(2, "in all (once more after the backoff, then kept)")
}
