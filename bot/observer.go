package bot

import "time"

// Observer receives the counts of the message pipeline for metrics:
// messages, reply times and errors. bot/metrics implements it. What
// happens to handoffs and ratings goes to lifecycle observers instead
// (WithObservers), as typed events.
type Observer interface {
	MessageIn(channel string)
	Replied(channel string, messages int, took time.Duration)
	Error(where string)
}

type nopObserver struct{}

func (nopObserver) MessageIn(string)                   {}
func (nopObserver) Replied(string, int, time.Duration) {}
func (nopObserver) Error(string)                       {}
