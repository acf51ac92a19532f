package slack

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/lifecycle"
)

// Review 2026-12-06: while a handoff waits for an agent, the bot answers
// the customer's questions the help pages answer (bot/waiting.go), and the
// desk ignored those answers: the agent who claimed the thread could not
// see what the customer had been told. The answer is in the thread now,
// marked as the bot's, in one line, once (a turn met again hands its
// Answered event on again); the agent's claim afterwards finds it there.
func TestBotAnswerWhileWaitingIsInTheThread(t *testing.T) {
	w := newWaitingCore(t, "801", "en")
	card := w.handOff(t, "I want to talk to a person")

	out := w.say(t, "how long does shipping take?")
	oneReply(t, "a question while waiting", out, "While you wait", "business days")
	w.relayed(t, card, "how long does shipping take?")
	post := w.f.waitThread(t, card.TS, "The bot answered while they wait")
	if !strings.Contains(post.Text, "warehouse") || strings.Contains(post.Text, "\n") {
		t.Errorf("the bot's answer in the thread is not the answer, in one line: %q", post.Text)
	}

	// The same Answered again (the turn met again): posted once.
	s, _, err := w.f.store.Get(t.Context(), bot.ConvID("telegram", "801"))
	if err != nil {
		t.Fatal(err)
	}
	var entry string
	for _, tr := range s.Turns {
		if tr.Role == "bot" && tr.Entry != "" {
			entry = tr.Entry
		}
	}
	again := lifecycle.Answered{Base: lifecycle.BaseOf(s, w.clk.Now()), Entry: entry}
	if err := w.f.desk.Render(t.Context(), s, again); err != nil {
		t.Fatal(err)
	}
	w.f.waitOutboxEmpty(t)
	n := 0
	for _, text := range w.f.threadTexts(card.TS) {
		if strings.Contains(text, "The bot answered while they wait") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the bot's answer is in the thread %d times, want once: %q", n, w.f.threadTexts(card.TS))
	}

	// An agent claims by replying; the bot no longer answers, and the
	// thread gets nothing of the bot's.
	w.f.reply(t, card.TS, "ULIA", "Hi, Lia here")
	w.cust.wait(t, "who joined")
	w.cust.wait(t, "the agent's reply")
	before := len(w.f.threadTexts(card.TS))
	if out := w.say(t, "do you ship abroad?"); len(out) != 0 {
		t.Errorf("the bot answered while an agent has the conversation: %+v", out)
	}
	w.relayed(t, card, "do you ship abroad?")
	for _, text := range w.f.threadTexts(card.TS)[before:] {
		if strings.Contains(text, "The bot answered") {
			t.Errorf("a bot answer was posted while an agent has the conversation: %q", text)
		}
	}
}
