package bot

import "time"

// Observer receives the numbers support teams track: messages, reply
// times, handoffs and why, ratings of the bot and of agents. bot/metrics
// implements it with Prometheus collectors. (Agent response and
// resolution times are kept by the agent desk, per agent, in Redis.)
type Observer interface {
	MessageIn(channel string)
	Replied(channel string, messages int, took time.Duration)
	Handoff(reason string)
	Rating(who string, stars int) // who: "bot" or "agent"
	Error(where string)
}

type nopObserver struct{}

func (nopObserver) MessageIn(string)                   {}
func (nopObserver) Replied(string, int, time.Duration) {}
func (nopObserver) Handoff(string)                     {}
func (nopObserver) AgentFirstReply(time.Duration)      {}
func (nopObserver) Resolved(time.Duration)             {}
func (nopObserver) Rating(string, int)                 {}
func (nopObserver) Error(string)                       {}
