package bot

import (
	"context"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/lifecycle"
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
	// Seed picks among the persona's message variants; it changes every
	// turn (History is capped, so its length stops changing).
	Seed int
	// FollowUp is set when the message continues the last answer
	// (Candidates[0]) rather than asking afresh: "and to Korea?", "那支付宝
	// 呢？", "i checked with neighbours already", "what now".
	FollowUp *FollowUp
	// Hedge is the entry the conversation is on only by our guess, never
	// confirmed ("are you asking about …?", then "how long does it
	// take?"): an answer from it keeps the hedge.
	Hedge string
}

// FollowUp is what a message adds to the answer it continues.
type FollowUp struct {
	// Words are the customer's words past the markers that make the
	// message a follow-up ("to korea", "支付宝", "i dont have the receipt
	// anymore"): the reply keeps to the part of the entry about them.
	Words string
	// Said is Words as the customer wrote them ("AliPay", not "alipay"),
	// for echoing back; Words when they cannot be told apart.
	Said string
	// Named: it names one thing ("and to Korea?", "네이버페이는요?"); one
	// the entry lists nothing like is said plainly not to be listed.
	Named bool
	// Done: they did what Words name already, or ask what comes next
	// ("what now", "那现在怎么办"): the reply gives what follows.
	Done bool
	// Duration: it asks only how long ("how long?", "要多久"): the reply
	// gives the sentences of the entry that say how long, not all of it.
	Duration bool
	// Price: it asks how much ("how much for a day", "多少钱") after an
	// answer that gives prices: the reply gives the sentences with the
	// prices, the one about what it names first.
	Price bool
}

// Answer is an Answerer's reply for one turn.
type Answer struct {
	Text      string // the full reply text in the persona voice, tips included
	Entry     string // knowledge entry answered from ("" when none)
	Confident bool   // false: the answer is a rephrase request or says the knowledge does not cover it
	// Likely: not Confident, but Entry's answer is given with a hedge (its
	// topic named, Topics as the other choices): the first candidate was
	// knowledge.Match.Likely.
	Likely bool
	// Guess: neither, and nothing is answered: the reply asks whether the
	// first candidate is what the customer means, with it first among
	// Topics (knowledge.Match.Guess). A "yes" or a tap answers it.
	Guess   bool
	Signals Signals
	Topics  []Topic  // with a rephrase request: the closest entries, offered as buttons
	Tips    []string // entries whose tips the answer carries
	// OfferPerson: the answer says the knowledge has nothing more on the
	// topic and offers a person (a button beside it, no topics).
	OfferPerson bool
	// Partial: the answer gives only the part of Entry a follow-up asked
	// about (Question.FollowUp), not the whole answer again.
	Partial bool
	// short is the answer said again in short, for when the same question
	// once more brings in a person (the loop rule): the first sentence or
	// two of the part asked about, or the durations or prices it asked
	// for; nil when the answer is not a repeat. A function, not a string:
	// only the loop handoff reads it, and reading the question for
	// durations and prices (a tokenisation, a regexp over the answer) was
	// an eighth of a repeated question's turn (issue 11).
	short func() string
}

// inShort is the answer said again in short, or "" when it is not a repeat.
func (a Answer) inShort() string {
	if a.short == nil {
		return ""
	}
	return a.short()
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
// It renders the handoff lifecycle's events (lifecycle.Opened with the
// whole story in the session, CustomerWroteWhileWaiting, Claimed, Resolved, ...)
// for agents, and turns their actions into calls on the core. It keeps no
// state of the handoff of its own: lifecycle.Of reads it from the session.
// Events it has nothing to show for it ignores.
type Desk interface {
	Render(ctx context.Context, s *session.Session, ev lifecycle.Event) error
}

// Agent is a human agent as the desk knows them.
type Agent = lifecycle.Agent
