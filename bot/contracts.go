package bot

import (
	"context"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/session"
)

// Answerer turns a customer's message into an answer. The knowledge-base
// answerer is the default; bot/llm provides one backed by a language model
// that falls back to the knowledge base.
type Answerer interface {
	Answer(ctx context.Context, q Question) (Answer, error)
}

// Question is what an Answerer gets for one customer turn.
type Question struct {
	Text       string
	Lang       string            // reply language
	History    []session.Turn    // recent turns, oldest first, this message excluded
	Candidates []knowledge.Match // lexical matches, best first
	// Parts is set when the message asks several things the knowledge
	// base answers confidently: each part's candidates, in the order
	// asked. Candidates then starts with each part's best entry.
	Parts    [][]knowledge.Match
	Customer string // customer's first name, may be empty
}

// Answer is an Answerer's reply for one turn.
type Answer struct {
	Text      string // the full reply text in the persona voice, tips included
	Entry     string // knowledge entry answered from ("" when none)
	Confident bool   // false: the answer is a rephrase request or says the knowledge does not cover it
	Signals   Signals
	Topics    []Topic  // with a rephrase request: the closest entries, offered as buttons
	Tips      []string // entries whose tips the answer carries
}

// Topic is a knowledge entry offered to a customer who was not understood.
type Topic struct {
	Entry string // entry id
	Title string // how the entry is shown (its first example question)
}

// Signals are hints for the handoff detector that a model can give in the
// same call as the answer. Rule-based triggers still run and win.
type Signals struct {
	WantsHuman bool
	Angry      bool
	Confused   bool
}

// Desk is where human agents take over conversations (the Slack adapter).
// The core calls it; it never calls back into the adapter otherwise.
type Desk interface {
	// Open posts a new handoff with the whole story: the session carries the
	// reason, evidence and recent turns. The returned references are kept in
	// Handoff.Ref and given back on later calls.
	Open(ctx context.Context, s *session.Session) (ref map[string]string, err error)
	// Relay passes something the customer sent during a handoff to the agents.
	Relay(ctx context.Context, s *session.Session, ev Event) error
	// Changed tells the desk the handoff changed: "claimed", "resolved",
	// "returned", "rated", "reminder".
	Changed(ctx context.Context, s *session.Session, change string) error
}

// Agent is a human agent as the desk knows them.
type Agent struct {
	ID   string // desk user id
	Name string // display name the customer sees ("Lia")
}
