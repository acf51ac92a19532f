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
// finds its turn saved, the announcement sent and the card missing, and
// posts the card (his message in its transcript); Mo is told of the
// handoff once, and the agent's reply reaches him after it.
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
	p.sl.WaitFor(t, "Mo's card, posted by replica 2", func() bool {
		c := p.cards(mo.FirstName)
		if len(c) == 0 {
			return false
		}
		card = c[0]
		return true
	})
	if !strings.Contains(card.BlockText(), "I want to talk to a person") {
		t.Errorf("Mo's card does not show his message:\n%s", card.BlockText())
	}
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

// Kill -9 after the handoff turn was saved and before the customer heard
// that a person is coming: replica 1 is caught sending Ada the handoff
// message and killed (the message never reaches her). Replica 2 takes the
// chat over and meets the message again: the turn is saved (the handoff
// is open), so the message is not handled as a new one (which, handed
// off, would only be passed to the agents and leave Ada in silence);
// replica 2 sends the turn's reply, then posts the card. Ada hears of
// the handoff once, before anything the agent writes.
func TestKill9BetweenHandoffTurnAndItsMessage(t *testing.T) {
	p := startPair(t, nil)
	ada := telegramtest.User{ID: 9602, FirstName: "Ada", Lang: "en"}
	release := p.tg.Hold(ada.ID)
	defer release()
	p.deliver(t, 0, ada.Text("I want to talk to a person"))
	p.tg.Wait(t, "replica 1 sending Ada the handoff message", func([]telegramtest.Call) bool { return p.tg.Held(ada.ID) == 1 })
	p.reps[0].kill(t)
	p.tg.Wait(t, "the killed replica's send gone", func([]telegramtest.Call) bool { return p.tg.Held(ada.ID) == 0 })
	release()
	if n := len(p.tg.Sent(ada.ID)); n != 0 {
		t.Fatalf("Ada got %d messages before the kill, want none", n)
	}

	var card slacktest.Message
	p.sl.WaitFor(t, "Ada's card, posted by replica 2", func() bool {
		c := p.cards(ada.FirstName)
		if len(c) == 0 {
			return false
		}
		card = c[0]
		return true
	})
	// Replica 2 sends the reply before it posts the card.
	if n := count(p.tg.Sent(ada.ID), handoffText); n != 1 {
		t.Fatalf("when her card was up Ada had heard of the handoff %d times, want 1:\n%s", n, strings.Join(p.tg.Sent(ada.ID), "\n---\n"))
	}
	reply := "Hi Ada, Lia here. How can I help?"
	p.sl.SendEvent(t, p.sl.AgentReply(pairChannel, card.TS, agentID, reply))
	p.tg.Wait(t, "Ada's agent reply", func([]telegramtest.Call) bool { return count(p.tg.Sent(ada.ID), reply) > 0 })
	if sent := p.tg.Sent(ada.ID); !inOrder(sent, handoffText, joinedText, reply) {
		t.Errorf("Ada heard (want once each, in order: a person is coming, who joined, the reply):\n%s", strings.Join(sent, "\n---\n"))
	}
	if n := len(p.cards(ada.FirstName)); n != 1 {
		t.Errorf("%d cards for Ada's handoff", n)
	}
	if th := p.threadTexts(card.TS); count(th, "I want to talk to a person") != 0 {
		t.Errorf("Ada's message was passed to the agents as a new one:\n%s", strings.Join(th, "\n"))
	}
	if errs := p.errors(); len(errs) > 0 {
		t.Errorf("error logs:\n%s", strings.Join(errs, "\n"))
	}
}
