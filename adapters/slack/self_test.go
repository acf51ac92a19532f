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
	replies(5, "while auth.test fails")
	// The bot's own user, without bot_id (the first line of defence).
	own := f.srv.SendEvent(t, map[string]any{"type": "message", "channel": testChannel, "user": slacktest.BotUserID,
		"text": "our own user without bot_id", "ts": f.srv.NewTS(), "thread_ts": card.TS})
	f.srv.WaitAck(t, own.Envelope)
	f.waitHandled(t, own)
	f.core.none(t)
	if n := f.srv.Calls("auth.test") - before; n != 1 {
		t.Errorf("auth.test asked %d times for 6 events within its backoff, want 1", n)
	}

	// Past the backoff, with auth.test answering: asked once more, then
	// kept.
	f.srv.ClearFailures("auth.test")
	clk.Add(time.Hour)
	replies(3, "auth.test answers")
	if n := f.srv.Calls("auth.test") - before; n != 2 {
		t.Errorf("auth.test asked %d times in all, want 2 (once more after the backoff, then kept)", n)
	}
	own = f.srv.SendEvent(t, map[string]any{"type": "message", "channel": testChannel, "user": slacktest.BotUserID,
		"text": "our own user again", "ts": f.srv.NewTS(), "thread_ts": card.TS})
	f.srv.WaitAck(t, own.Envelope)
	f.waitHandled(t, own)
	f.core.none(t)
	if n := f.srv.Calls("auth.test") - before; n != 2 {
		t.Errorf("auth.test asked %d times in all, want 2", n)
	}
}
