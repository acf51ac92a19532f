package bot

import (
	"context"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/session"
)

// BenchmarkTurn is the core's own work on one customer message, as the
// webhook benchmarks (adapters/telegram, issue 11) drive it: the same six
// questions from one customer, each turn on the session the last one left
// (history capped as the store caps it), without Redis or the adapter. It
// isolates what the core adds over the reference bot (reading the message,
// matching, handoff detection, the reply) from network and store noise.
func BenchmarkTurn(b *testing.B) {
	set, problems := content.Load(content.Dir("../prompts"), content.Dir("../knowledge"))
	if len(problems) > 0 {
		b.Fatalf("shipped content has problems: %v", problems)
	}
	bt := New(nil, staticContents{set})
	questions := []string{
		"where is my order?", "how long does shipping take?", "can I return a gift?",
		"do you ship to Canada?", "my discount code does not work", "how do I reset my password?",
	}
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	s := &session.Session{ID: "telegram:10000", Mode: session.ModeBot, Started: at}
	ev := Event{Channel: "telegram", ChatID: "10000", Kind: KindText,
		Customer: Customer{ID: "10000", Name: "Jane Doe", Username: "jane", Lang: "en"}}
	ctx := context.Background()
	var replies int
	for i := 0; b.Loop(); i++ {
		ev.Text, ev.At = questions[i%len(questions)], at.Add(time.Duration(i)*time.Second)
		t := &turn{b: bt, set: set, s: s, ev: ev, ctx: ctx}
		t.run()
		replies += len(t.out)
		if n := len(s.Turns) - session.DefaultMaxTurns; n > 0 {
			s.Turns = s.Turns[n:] // the store keeps the last ones (and decodes a fresh copy)
		}
	}
	if replies == 0 {
		b.Fatal("no replies")
	}
}

type staticContents struct{ set *content.Set }

func (c staticContents) Current() *content.Set { return c.set }
