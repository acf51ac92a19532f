package lifecycle

import (
	"context"

	"github.com/batonhq/baton/bot/session"
)

// Observer sees every event after the session it changed is saved:
// statistics, metrics and the ops view's queue. Observe must not block
// for long; errors are the observer's to log.
type Observer interface {
	Observe(ctx context.Context, s *session.Session, ev Event)
}

// Observers fans one event out to several observers, in order.
type Observers []Observer

// Observe implements Observer.
func (os Observers) Observe(ctx context.Context, s *session.Session, ev Event) {
	for _, o := range os {
		o.Observe(ctx, s, ev)
	}
}

// Conversation events outside a handoff, for statistics and knowledge
// gaps. The core emits them with the handoff's events.

// Started: a new conversation (a first message, or the first after the
// last one was closed).
type Started struct {
	Base
	Channel string
}

// Missed: the bot could not answer a customer's message, or answered
// unsure. Text is what the customer wrote.
type Missed struct {
	Base
	Text   string
	Unsure bool    // answered with the closest topics, not a confident match
	Likely bool    // answered the closest entry with a hedge (not a miss: stats count it apart)
	Entry  string  // the closest entry, if any
	Score  float64 // its score
}

// Picked: after a miss, the customer picked a topic from the offered
// buttons. After is what they had written; Entry is what they meant.
type Picked struct {
	Base
	Entry string
	After string
}

// Answered: the bot answered from the knowledge base with confidence.
type Answered struct {
	Base
	Entry string
}
