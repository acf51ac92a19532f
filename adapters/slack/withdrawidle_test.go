package slack

import (
	"testing"
	"time"
)

// Review 2026-12-06: the idle check-in ("are you still there?") followed
// the customer's "never mind, I figured it out" that withdrew a waiting
// handoff: that message armed the silence timer as any question would,
// though it ends the conversation as a goodbye does. After a withdrawal
// no check-in and no closing come; a question the customer asks after it
// is mid-conversation again, and its silence gets the check-in.
func TestNoCheckInAfterTheCustomerWithdrew(t *testing.T) {
	w := newWaitingCore(t, "802", "en")
	card := w.handOff(t, "I want to talk to a person")
	oneReply(t, "never mind", w.say(t, "never mind, I figured it out, thanks"), "let our team know")
	w.f.waitThread(t, card.TS, "no longer needs a person")

	for _, after := range []time.Duration{11 * time.Minute, 20 * time.Minute} {
		w.clk.Add(after)
		if _, err := w.b.FireTimers(t.Context()); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-w.cust.got:
			t.Fatalf("after withdrawing the handoff, the customer got %q", m.Text)
		default:
		}
	}

	// Asking again makes it a conversation with the bot: its silence is
	// checked in on, as always.
	if out := w.say(t, "how long does shipping take?"); len(out) == 0 {
		t.Fatal("the question after withdrawing was not answered")
	}
	w.clk.Add(11 * time.Minute)
	if n, err := w.b.FireTimers(t.Context()); err != nil || n != 1 {
		t.Fatalf("the silence after a question: %d timers fired (%v), want the check-in", n, err)
	}
	if m := w.cust.wait(t, "the check-in"); m.Text == "" {
		t.Error("an empty check-in")
	}
}
