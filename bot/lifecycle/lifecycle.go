// Package lifecycle is the handoff's life as one state machine: the states
// a handoff can be in, the transitions agents, customers and timers cause,
// the timers it keeps, and the typed events each transition emits.
//
// The core (package bot) runs a transition on the locked session, talks to
// the customer in the persona's words, saves, and then hands the events to
// its observers: the agent desk (Slack renders them as cards and thread
// posts), statistics (Redis, for reports and the ops page) and metrics
// (Prometheus). Nothing else decides where a handoff stands; observers read
// the state with Of and never keep their own.
//
//	           Open            Claim / Reply
//	(bot) ─────────────▶ Waiting ──────────────▶ Claimed ──┐ Claim (take over)
//	                      │  ▲  Remind (timer)      │  ▲───┘ Reply
//	                      │  └──────┘               │
//	                      │  Transfer (to a team)   │ Transfer: Waiting again, for the new team
//	                      ├─────────────────────────┤
//	                      │ Resolve                 │ Resolve          Rate
//	                      ├────────────────────────▶├──────▶ Resolved ───────▶ (rated)
//	                      │ Return                  │ Return
//	                      ├────────────────────────▶└──────▶ Returned
//	                      │ Withdraw (the customer: "never mind", before any agent reply)
//	                      └──────────────────────────────────▶ Withdrawn
//	Resolved / Returned / Withdrawn / Closed ── Reply (a follow-up from the agent) ──▶ Claimed
//	Waiting / Claimed ── the desk went away (restart without one) ──▶ Closed
package lifecycle

import (
	"errors"
	"fmt"
	"time"

	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
)

// State is where a handoff stands.
type State string

const (
	StateNone      State = ""          // never handed off
	StateWaiting   State = "waiting"   // handed off, no agent has it yet
	StateClaimed   State = "claimed"   // an agent has it
	StateResolved  State = "resolved"  // an agent closed it; the customer was asked for a rating
	StateReturned  State = "returned"  // an agent gave it back to the bot, no survey
	StateWithdrawn State = "withdrawn" // the customer called it off ("never mind") before any agent wrote
	StateClosed    State = "closed"    // back with the bot for another reason (no desk)
)

// Open reports whether agents still have work to do on the handoff.
func (st State) Open() bool { return st == StateWaiting || st == StateClaimed }

// Of is the one reading of a session's handoff state.
func Of(s *session.Session) State {
	if s == nil || s.Handoff == nil {
		return StateNone
	}
	h := s.Handoff
	switch s.Mode {
	case session.ModeAgent:
		return StateClaimed
	case session.ModeWaiting:
		if h.Agent != "" {
			return StateClaimed
		}
		return StateWaiting
	}
	switch h.Outcome {
	case "resolved":
		return StateResolved
	case "returned":
		return StateReturned
	case "withdrawn":
		return StateWithdrawn
	}
	return StateClosed
}

// Agent is a human agent as the desk knows them.
type Agent struct {
	ID   string // desk user id
	Name string // display name the customer sees ("Lia")
}

// Timers the lifecycle keeps (their names in the session store).
const (
	TimerUnclaimed = "unclaimed" // a handoff nobody has claimed yet: remind
	MaxReminders   = 5           // desk reminders for one unclaimed handoff
)

// Schedule tells when the agent team is in (bot/hours implements it).
type Schedule interface {
	Open(t time.Time) bool
	NextOpen(t time.Time) time.Time
}

// NextReminder is when an unclaimed handoff is next reminded: after every,
// counted from when the team is next in.
func NextReminder(now time.Time, every time.Duration, h Schedule) time.Time {
	if h != nil && !h.Open(now) {
		return h.NextOpen(now).Add(every)
	}
	return now.Add(every)
}

// ErrNotOpen means an agent acted on a conversation with no open handoff.
var ErrNotOpen = errors.New("no open handoff")

// ErrWithBot means an agent tried to claim a conversation the bot has.
var ErrWithBot = errors.New("the conversation is with the bot")

// ErrSameTeam means an agent transferred a handoff to the team it is with.
var ErrSameTeam = errors.New("the handoff is with that team already")

// Step is what a transition did: the events to hand to observers, and
// whether the unclaimed-reminder timer is to be set (RemindAt) or
// cancelled (CancelRemind).
type Step struct {
	Events       []Event
	RemindAt     time.Time
	CancelRemind bool
}

func (st *Step) emit(ev Event) { st.Events = append(st.Events, ev) }

// OpenHandoff starts a handoff for reason, to team ("" for the default
// team). With no desk the handoff is recorded and closed at once: the
// customer is told nobody is available.
func OpenHandoff(s *session.Session, reason string, evidence []string, scores map[string]float64, team string, desk bool, now time.Time, remindAt time.Time) Step {
	s.Handoff = &session.Handoff{Reason: reason, Evidence: evidence, Scores: scores, Team: team, At: now}
	st := Step{}
	if !desk {
		s.Handoff.Outcome = "no_desk"
		st.emit(Opened{Base: base(s, now), Reason: reason, Team: team, NoDesk: true})
		return st
	}
	s.Mode = session.ModeWaiting
	st.emit(Opened{Base: base(s, now), Reason: reason, Team: team})
	st.RemindAt = remindAt
	return st
}

// Claim gives the handoff to an agent. Claiming one's own claimed handoff
// does nothing; claiming someone else's is a take-over.
func Claim(s *session.Session, a Agent, now time.Time) (Step, error) {
	switch Of(s) {
	case StateWaiting, StateClaimed:
	default:
		return Step{}, fmt.Errorf("claim %s: %w", logmask.Conv(s.ID), ErrWithBot)
	}
	if s.Mode == session.ModeAgent && s.Handoff.AgentID == a.ID {
		return Step{}, nil
	}
	return claim(s, a, now), nil
}

func claim(s *session.Session, a Agent, now time.Time) Step {
	h := s.Handoff
	ev := Claimed{Base: base(s, now), Agent: a, Before: h.Agent, First: h.ClaimedAt.IsZero()}
	if ev.First {
		ev.Wait = now.Sub(h.At)
	}
	s.Mode = session.ModeAgent
	h.Agent, h.AgentID, h.ClaimedAt = a.Name, a.ID, now
	st := Step{CancelRemind: true}
	st.emit(ev)
	return st
}

// Reply records an agent's message to the customer. A reply to a waiting
// handoff claims it; a reply after the handoff closed reopens it (a
// follow-up), and the agent has it.
func Reply(s *session.Session, a Agent, now time.Time) Step {
	var st Step
	if !Of(s).Open() {
		if s.Handoff == nil {
			s.Handoff = &session.Handoff{Reason: "agent", At: now}
		}
		s.Mode = session.ModeWaiting
		s.AwaitingRating = false
	}
	if s.Mode == session.ModeWaiting {
		st = claim(s, a, now)
	}
	h := s.Handoff
	first := h.FirstReplyAt.IsZero()
	if first {
		h.FirstReplyAt = now
	}
	ev := AgentReplied{Base: base(s, now), Agent: a, First: first}
	if first {
		ev.Since = now.Sub(h.At)
	}
	st.emit(ev)
	return st
}

// Resolve closes the handoff; the customer is asked for a rating.
func Resolve(s *session.Session, a Agent, now time.Time) (Step, error) {
	if !Of(s).Open() {
		return Step{}, fmt.Errorf("conversation %s: %w", logmask.Conv(s.ID), ErrNotOpen)
	}
	h := backToBot(s, "resolved", now)
	if h.Agent == "" {
		h.Agent, h.AgentID = a.Name, a.ID
	}
	s.AwaitingRating = true
	st := Step{CancelRemind: true}
	st.emit(Resolved{Base: base(s, now), Agent: Agent{ID: h.AgentID, Name: h.Agent}, By: a, Took: now.Sub(h.At)})
	return st, nil
}

// Return gives the conversation back to the bot at once, without a survey.
func Return(s *session.Session, a Agent, now time.Time) (Step, error) {
	if !Of(s).Open() {
		return Step{}, fmt.Errorf("conversation %s: %w", logmask.Conv(s.ID), ErrNotOpen)
	}
	h := backToBot(s, "returned", now)
	st := Step{CancelRemind: true}
	st.emit(Returned{Base: base(s, now), Agent: Agent{ID: h.AgentID, Name: h.Agent}, By: a, Took: now.Sub(h.At)})
	return st, nil
}

// Withdraw ends an open handoff the customer no longer needs ("never
// mind, I figured it out", "算了不用了", "괜찮아요 해결됐어요"): the bot
// helps again and the agents are told. Only before any agent wrote to the
// customer (Withdrawable): once a person is talking with them, "never
// mind" answers that person, who decides when it is over.
func Withdraw(s *session.Session, text string, now time.Time) (Step, error) {
	if !Withdrawable(s) {
		return Step{}, fmt.Errorf("withdraw %s: %w", logmask.Conv(s.ID), ErrNotOpen)
	}
	h := backToBot(s, "withdrawn", now)
	st := Step{CancelRemind: true}
	st.emit(Withdrawn{Base: base(s, now), Agent: Agent{ID: h.AgentID, Name: h.Agent}, Text: text, Took: now.Sub(h.At)})
	return st, nil
}

// backToBot closes s's open handoff with outcome at now: the bot has the
// conversation again.
func backToBot(s *session.Session, outcome string, now time.Time) *session.Handoff {
	s.Mode = session.ModeBot
	s.Handoff.Outcome, s.Handoff.ResolvedAt = outcome, now
	return s.Handoff
}

// Withdrawable reports whether the customer can still call the handoff
// off themselves: it is open and no agent has written to them yet.
func Withdrawable(s *session.Session) bool {
	return Of(s).Open() && s.Handoff.FirstReplyAt.IsZero()
}

// Transfer moves an open handoff to another team. It waits for that team
// as a new claim, keeping the whole story (transcript, reason, evidence,
// notes) and who had it before.
func Transfer(s *session.Session, to string, a Agent, now time.Time, remindAt time.Time) (Step, error) {
	if !Of(s).Open() {
		return Step{}, fmt.Errorf("conversation %s: %w", logmask.Conv(s.ID), ErrNotOpen)
	}
	h := s.Handoff
	if to == h.Team {
		return Step{}, fmt.Errorf("conversation %s, team %q: %w", logmask.Conv(s.ID), to, ErrSameTeam)
	}
	ev := Transferred{Base: base(s, now), From: h.Team, To: to, By: a, Before: h.Agent}
	h.Transfers = append(h.Transfers, session.Transfer{From: h.Team, To: to, Agent: h.Agent, By: a.Name, At: now})
	h.Team = to
	h.Agent, h.AgentID = "", ""
	h.Reminders = 0
	s.Mode = session.ModeWaiting
	st := Step{RemindAt: remindAt}
	st.emit(ev)
	return st, nil
}

// Remind notes one more reminder of an unclaimed handoff; ok is false when
// the handoff is not waiting any more. Again says whether another reminder
// is due later.
func Remind(s *session.Session, now time.Time) (ev Reminded, again, ok bool) {
	if Of(s) != StateWaiting {
		return Reminded{}, false, false
	}
	s.Handoff.Reminders++
	n := s.Handoff.Reminders
	return Reminded{Base: base(s, now), N: n, Wait: now.Sub(s.Handoff.At)}, n < MaxReminders, true
}

// Rate records the customer's 1-5 rating. After a resolved handoff it
// rates the agent (once); otherwise the bot.
func Rate(s *session.Session, stars int, now time.Time) Rated {
	ev := Rated{Base: base(s, now), Stars: stars, Who: "bot"}
	if h := s.Handoff; h != nil && h.Outcome == "resolved" && h.Rating == 0 {
		h.Rating = stars
		ev.Who, ev.Agent = "agent", Agent{ID: h.AgentID, Name: h.Agent}
	}
	return ev
}

// Comment keeps what the customer wrote after rating an agent.
func Comment(s *session.Session, text string, now time.Time) Commented {
	s.Handoff.Comment = text
	return Commented{Base: base(s, now), Text: text, Stars: s.Handoff.Rating}
}

// CustomerWrote is what the customer sent while a handoff is open; the
// desk passes it to the agents.
func CustomerWrote(s *session.Session, kind, text string, now time.Time) CustomerWroteWhileWaiting {
	return CustomerWroteWhileWaiting{Base: base(s, now), Kind: kind, Text: text}
}

// CloseNoDesk ends an open handoff when there is no desk to answer it any
// more (restarted without one): the bot helps again.
func CloseNoDesk(s *session.Session) {
	s.Mode = session.ModeBot
	if s.Handoff != nil {
		s.Handoff.Outcome = "no_desk"
	}
}

// BaseOf is what an event about s at now carries (the handoff's, if it
// has one): the core rebuilds the events of a turn met again with it.
func BaseOf(s *session.Session, now time.Time) Base { return base(s, now) }

func base(s *session.Session, now time.Time) Base {
	b := Base{Conv: s.ID, Lang: s.Lang, At: now}
	if s.Handoff != nil {
		b.Handoff = s.Handoff.At
		b.Team = s.Handoff.Team
	}
	return b
}

// ---- Events ----

// Event is something that happened in a conversation, handed to observers
// after the session is saved.
type Event interface {
	Meta() Base
}

// Base is what every event carries.
type Base struct {
	Conv    string    // conversation id
	Lang    string    // the conversation's language
	At      time.Time // when it happened
	Handoff time.Time // when the handoff it belongs to opened (zero outside one)
	Team    string    // the team that has the handoff ("" = default)
}

// Meta implements Event.
func (b Base) Meta() Base { return b }

// Opened: the conversation was handed to people.
type Opened struct {
	Base
	Reason string
	Team   string
	NoDesk bool // nobody could take it: the customer was told how to reach us
}

// Claimed: an agent took the handoff (First: nobody had it before).
type Claimed struct {
	Base
	Agent  Agent
	Before string        // who had it before (a take-over), "" if nobody
	First  bool          // the handoff's first claim
	Wait   time.Duration // with First: handoff -> claim
}

// AgentReplied: an agent's message went to the customer.
type AgentReplied struct {
	Base
	Agent Agent
	First bool          // the handoff's first agent reply
	Since time.Duration // with First: handoff -> first reply
}

// Reminded: an unclaimed handoff was reminded to the desk (the N-th time).
type Reminded struct {
	Base
	N    int
	Wait time.Duration
}

// Resolved: an agent closed the handoff.
type Resolved struct {
	Base
	Agent Agent // who had it
	By    Agent // who pressed resolve
	Took  time.Duration
}

// Returned: an agent gave the conversation back to the bot.
type Returned struct {
	Base
	Agent Agent
	By    Agent
	Took  time.Duration
}

// Withdrawn: the customer called the handoff off before any agent wrote
// to them. Text is what they wrote; Agent who had claimed it, if anyone.
type Withdrawn struct {
	Base
	Agent Agent
	Text  string
	Took  time.Duration
}

// Transferred: the handoff moved to another team.
type Transferred struct {
	Base
	From, To string // teams ("" = default)
	By       Agent
	Before   string // the agent who had it, "" if nobody
}

// Rated: the customer rated the bot or the agent 1-5.
type Rated struct {
	Base
	Who   string // "agent" or "bot"
	Agent Agent  // with Who "agent"
	Stars int
}

// Commented: the customer's words after rating an agent.
type Commented struct {
	Base
	Text  string
	Stars int
}

// CustomerWroteWhileWaiting: the customer sent something during an open handoff.
type CustomerWroteWhileWaiting struct {
	Base
	Kind string // bot.Kind of the message
	Text string
}
