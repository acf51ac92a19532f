package main

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
)

// Kill -9 between telling the customer a person is coming and posting the
// card: replica 1 is caught posting Mo's card and killed. Replica 2 takes
// the chat over, meets the message again (it was never marked answered),
// finds the handoff open with no card and posts it, with the message in its
// thread; Mo is told of the handoff once, and the agent's reply reaches
// him after it.
func TestKill9BetweenHandoffMessageAndCard(t *testing.T) {
	p := startPair(t, nil)
	mo := telegramtest.User{ID: 9601, FirstName: "Mo", Lang: "en"}
	release := p.sl.Hold("chat.postMessage")
	defer release()
	p.deliver(t, 0, mo.Text("I want to talk to a person"))
	p.sl.WaitFor(t, "replica 1 posting Mo's card", func() bool { return p.sl.Held("chat.postMessage") == 1 })
	if n := count(p.tg.Sent(mo.ID), handoffText); n != 1 {
		t.Fatalf("Mo was told of the handoff %d times before the card was posted, want 1", n)
	}
	p.reps[0].kill(t)
	p.sl.WaitFor(t, "the killed replica's card post gone", func() bool { return p.sl.Held("chat.postMessage") == 0 })
	release()

	var card slacktest.Message
	p.sl.WaitFor(t, "Mo's card, posted by replica 2, with his message in its thread", func() bool {
		c := p.cards(mo.FirstName)
		if len(c) == 0 {
			return false
		}
		card = c[0]
		return count(p.threadTexts(card.TS), "I want to talk to a person") > 0
	})
	reply := "Hi Mo, Lia here. How can I help?"
	p.sl.SendEvent(t, p.sl.AgentReply(pairChannel, card.TS, agentID, reply))
	p.tg.Wait(t, "Mo's agent reply", func([]telegramtest.Call) bool { return count(p.tg.Sent(mo.ID), reply) > 0 })
	if sent := p.tg.Sent(mo.ID); !inOrder(sent, handoffText, joinedText, reply) {
		t.Errorf("Mo heard (want once each, in order: a person is coming, who joined, the reply):\n%s", strings.Join(sent, "\n---\n"))
	}
	if n := len(p.cards(mo.FirstName)); n != 1 {
		t.Errorf("%d cards for Mo's handoff", n)
	}
	if errs := p.errors(); len(errs) > 0 {
		t.Errorf("error logs:\n%s", strings.Join(errs, "\n"))
	}
}
