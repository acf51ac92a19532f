package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
)

func personButton(msgs []bot.Message) bool {
	for _, m := range msgs {
		for _, b := range m.Buttons {
			if b.Kind == bot.KindPerson {
				return true
			}
		}
	}
	return false
}

// A problem after small talk is a question, not more small talk: missed
// like any other (topics and a person to talk to), and its misses add up
// until the third time a person is offered in words or brought in (no desk:
// how to reach one).
func TestProblemAfterSmallTalkIsNotSwallowed(t *testing.T) {
	f := newFixture(t, false)
	for i, text := range []string{"are you a bot? I was charged twice", "you're great. charged twice"} {
		chat := fmt.Sprintf("p%d", i)
		for n := 1; n <= 2; n++ {
			msgs := f.turnIn(t, chat, "en", text)
			reply := replyText(msgs)
			if strings.Contains(reply, "What can we help you with") || topicButtons(msgs) == 0 || !personButton(msgs) {
				t.Errorf("%q #%d: %q (%d topics, person %v); want a miss with topics and a person", text, n, reply, topicButtons(msgs), personButton(msgs))
			}
			if got := f.session(t, chat).Misses; got != n {
				t.Errorf("%q #%d: Misses %d, want %d", text, n, got, n)
			}
		}
		if reply, kind, _ := f.convo(t, chat, "en", text); kind != "nodesk" && kind != "handoff" && !strings.Contains(reply, "need a person") {
			t.Errorf("%q #3: turn %s %q; want a person", text, kind, reply)
		}
	}
}
