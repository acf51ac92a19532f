package bot

import "time"

// Observer receives the numbers support teams track: messages, reply
// times, handoffs and why, agent response and resolution times, ratings.
// bot/metrics implements it with Prometheus collectors.
type Observer interface {
	MessageIn(channel string)
	Replied(channel string, messages int, took time.Duration)
	Handoff(reason string)
	AgentFirstReply(wait time.Duration)
	Resolved(took time.Duration)
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
