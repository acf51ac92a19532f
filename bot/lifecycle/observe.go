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

// WorkObserver is an Observer that takes the events of one piece of work
// (a customer's turn, an agent's action, a timer's firing) together, with
// the work's id: the same id when the work is met again (a customer's
// update taken over after a crash hands its turn's events on again), ""
// when the work has none. The statistics count a piece of work with an id
// once, in one write, however often it is handed on.
type WorkObserver interface {
	Observer
	ObserveWork(ctx context.Context, s *session.Session, id string, events []Event)
}

// ObserveWork hands the events of one piece of work to every observer, in
// order: whole to a WorkObserver, one by one to the others.
func (os Observers) ObserveWork(ctx context.Context, s *session.Session, id string, events []Event) {
	for _, o := range os {
		if w, ok := o.(WorkObserver); ok {
			w.ObserveWork(ctx, s, id, events)
			continue
		}
		for _, ev := range events {
			o.Observe(ctx, s, ev)
		}
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

// Feedback: what the customer wrote when a low rating of the bot asked
// what went wrong (Stars), about the entry answered last (Entry, if any).
// Open: it says the problem is not solved yet, so a person was offered.
type Feedback struct {
	Base
	Text  string
	Stars int
	Entry string
	Open  bool
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
