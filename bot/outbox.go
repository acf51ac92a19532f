package bot

import (
	"context"
	"errors"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
)

// What a piece of work had to send and may not have sent is kept in the
// session's Outbox under the work's key, so that doing the work again
// sends only that: a customer's update taken over by another replica (or
// the restarted one) after its turn was saved, a timer claimed again after
// its sends failed halfway, an agent sending the same reply again after
// "not delivered". One mechanism for all three, and the handoff
// announcement's (PartlySentError): a message whose start went out is
// kept as its rest.

// updateKey is the outbox key of a customer's event; "" when the channel
// gives events no id (nothing can be met again then).
func updateKey(id string) string {
	if id == "" {
		return ""
	}
	return "u:" + id
}

// workID names a customer's turn for the observers (lifecycle.WorkObserver):
// the conversation and its update's outbox key, the same when the update
// is met again, so the statistics count the turn once (bot/stats). ""
// when the update has no id. Agents' actions and timers get none: an
// agent's key names the same text sent again later too.
func workID(conv, key string) string {
	if key == "" {
		return ""
	}
	return conv + "|" + key
}

// Timers' outbox keys name the firing, not only the timer, so that only
// its retries (the next claims of the same timer) resume it: a later
// firing (a later silence, another handoff's reminder) is other work.

// idleKey is the outbox key of the idle timer's step (kindNudge or
// kindClosed) for the silence since lastCustomer.
func idleKey(lastCustomer time.Time, step string) string {
	return idlePrefix(lastCustomer) + step
}

func idlePrefix(lastCustomer time.Time) string {
	return "t:" + timerIdle + ":" + strconv.FormatInt(lastCustomer.UnixMilli(), 36) + ":"
}

// unclaimedKey is the outbox key of the reminder h is at: its handoff
// (opened at, transfers) and the reminder's number.
func unclaimedKey(h *session.Handoff) string {
	return "t:" + timerUnclaimed + ":" + strconv.FormatInt(h.At.UnixMilli(), 36) + "." +
		strconv.Itoa(len(h.Transfers)) + "." + strconv.Itoa(h.Reminders)
}

// timerOutbox reports whether key is the outbox key of timer (of any
// firing).
func timerOutbox(key, timer string) bool { return strings.HasPrefix(key, "t:"+timer+":") }

// halfSent reports whether key is the outbox of an agent's action or a
// timer: work that sends on its own, whose rest is resumed by its retry.
// Any other message to the customer since drops it (agentTurn.finish,
// Handle): the rest would come out of context.
func halfSent(key string) bool { return strings.HasPrefix(key, "a:") || strings.HasPrefix(key, "t:") }

// agentResumeWindow is how long after a partial send an agent's same
// action resumes it: the retry of a "not delivered" comes within it;
// later, the same text is the agent writing it again on purpose, and goes
// out whole as a new message.
const agentResumeWindow = 5 * time.Minute

// agentKey is the outbox key of an agent's action: the same agent doing
// the same thing again (sending the same text) resumes it.
func agentKey(action string, a Agent, text string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(text))
	return "a:" + action + ":" + a.ID + ":" + strconv.FormatUint(h.Sum64(), 36)
}

// sendAll delivers ms in order through the channel's Sender and returns
// what did not go out: nil when everything did; otherwise the failed
// message (only its rest when the Sender delivered its start, see
// PartlySentError) and those after it, with the error. some reports
// whether anything reached the customer.
func (b *Bot) sendAll(ctx context.Context, s *session.Session, ms []Message) (rest []Message, some bool, err error) {
	for i, m := range ms {
		err := b.deliver(ctx, s, m)
		if err == nil {
			continue
		}
		var partly *PartlySentError
		if errors.As(err, &partly) {
			rest := make([]Message, 0, len(ms)-i)
			if partly.Rest.Text != "" || len(partly.Rest.Buttons) > 0 {
				rest = append(rest, partly.Rest)
			}
			return append(rest, ms[i+1:]...), true, err
		}
		return ms[i:], i > 0, err
	}
	return nil, len(ms) > 0, nil
}

// repliesOf is ms as an outbox keeps them.
// withoutTopics is o with its replies' topic buttons left out (a copy:
// o is what the store last saved).
func withoutTopics(o *session.Outbox) *session.Outbox {
	c := *o
	c.Replies = make([]session.Reply, len(o.Replies))
	for i, r := range o.Replies {
		c.Replies[i].Text = r.Text
		for _, b := range r.Buttons {
			if b.Kind != string(KindTopic) {
				c.Replies[i].Buttons = append(c.Replies[i].Buttons, b)
			}
		}
	}
	return &c
}

func repliesOf(ms []Message) []session.Reply {
	if len(ms) == 0 {
		return nil
	}
	out := make([]session.Reply, len(ms))
	for i, m := range ms {
		out[i].Text = m.Text
		if len(m.Buttons) > 0 {
			out[i].Buttons = make([]session.Button, len(m.Buttons))
			for j, bt := range m.Buttons {
				out[i].Buttons[j] = session.Button{Label: bt.Label, Kind: string(bt.Kind), Value: bt.Value}
			}
		}
	}
	return out
}

// messagesOf is the messages an outbox keeps.
func messagesOf(rs []session.Reply) []Message {
	if len(rs) == 0 {
		return nil
	}
	out := make([]Message, len(rs))
	for i, r := range rs {
		out[i].Text = r.Text
		if len(r.Buttons) > 0 {
			out[i].Buttons = make([]Button, len(r.Buttons))
			for j, bt := range r.Buttons {
				out[i].Buttons[j] = Button{Label: bt.Label, Kind: Kind(bt.Kind), Value: bt.Value}
			}
		}
	}
	return out
}

// Kinds of the events a customer's turn owes the desk and the observers
// (session.Outbox.Owed) until after has handed them on: those the agents
// see (a message during a handoff, the card, a rating or its comment),
// those that count conversations, and the turn's statistics (an answer, a
// miss, a picked topic, the words after a low rating). An update met again before that rebuilds them
// from the saved session and the update itself (owedEvents).
//
// Handing them on is noted in the session (outboxPaid, one more save)
// only when the turn owed more than statistics: answers and misses are in
// nearly every turn, and noting them would cost every message a second
// save. So a turn's events are handed on at least once, as its replies are
// sent: a replica stopped after the observers and before the adapter
// marked the update answered has them handed on again by the replica that
// meets the update again; one stopped before the observers no longer loses
// them. The statistics in Redis (bot/stats) still count the turn once:
// the observers get its events with its workID, and the recorder writes a
// turn's counters and its "counted" marker in one atomic step, so the
// second hand-on finds the marker and writes nothing. (`baton serve`'s
// Prometheus counters follow the recorder's decision: stats.Recorder.Then.)
const (
	owedStarted    = "started"
	owedWrote      = "wrote"
	owedOpened     = "opened"
	owedRated      = "rated"       // the customer rated the bot
	owedRatedAgent = "rated_agent" // the customer rated the agent
	owedCommented  = "commented"
	owedWithdrawn  = "withdrawn" // the customer called the handoff off

	// Statistics, with what the event needs after a tab (owedSep): the
	// entry; a miss's score and flags too.
	owedAnswered = "answered"
	owedMissed   = "missed"
	owedPicked   = "picked"
	// What the customer wrote after a low rating of the bot, with its
	// stars, the entry answered last and whether it is still open.
	owedFeedback = "feedback"
)

// owedSep separates a statistics kind from its fields in Owed.
const owedSep = "\x1f"

// statsOnly reports whether kinds owe nothing but statistics (nothing to
// note as handed on, see above).
func statsOnly(kinds []string) bool {
	for _, k := range kinds {
		switch kind, _, _ := strings.Cut(k, owedSep); kind {
		case owedAnswered, owedMissed, owedPicked, owedFeedback:
		default:
			return false
		}
	}
	return true
}

// owedKinds are the kinds of events a turn owes, in order; nil when none.
func owedKinds(events []lifecycle.Event) []string {
	var kinds []string
	for _, ev := range events {
		k := ""
		switch e := ev.(type) {
		case lifecycle.Started:
			k = owedStarted
		case lifecycle.CustomerWroteWhileWaiting:
			k = owedWrote
		case lifecycle.Opened:
			k = owedOpened
		case lifecycle.Rated:
			k = owedRated
			if e.Who == "agent" {
				k = owedRatedAgent
			}
		case lifecycle.Commented:
			k = owedCommented
		case lifecycle.Withdrawn:
			k = owedWithdrawn
		case lifecycle.Answered:
			k = owedAnswered + owedSep + e.Entry
		case lifecycle.Missed:
			flags := ""
			if e.Unsure {
				flags += "u"
			}
			if e.Likely {
				flags += "l"
			}
			k = strings.Join([]string{owedMissed, e.Entry, strconv.FormatFloat(e.Score, 'g', -1, 64), flags}, owedSep)
		case lifecycle.Picked:
			k = owedPicked + owedSep + e.Entry
		case lifecycle.Feedback:
			open := ""
			if e.Open {
				open = "o"
			}
			k = strings.Join([]string{owedFeedback, strconv.Itoa(e.Stars), e.Entry, open}, owedSep)
		}
		if k != "" {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// owedEvents rebuilds the events of kinds for the update ev whose turn s
// saved: what the turn wrote into s (the handoff, its rating and comment)
// and what ev says.
func owedEvents(s *session.Session, ev Event, kinds []string) []lifecycle.Event {
	var events []lifecycle.Event
	h := s.Handoff
	for _, k := range kinds {
		k, fields, _ := strings.Cut(k, owedSep)
		f := strings.Split(fields, owedSep)
		switch k {
		case owedAnswered:
			// As turn.base: an answer while a handoff is open belongs to it
			// (the desk shows it in the handoff's thread).
			b := lifecycle.Base{Conv: s.ID, Lang: s.Lang, At: ev.At}
			if h != nil && lifecycle.Of(s).Open() {
				b.Handoff, b.Team = h.At, h.Team
			}
			events = append(events, lifecycle.Answered{Base: b, Entry: f[0]})
		case owedMissed:
			if len(f) < 3 {
				continue
			}
			// The text is the update's (the turn missed what was left of it
			// after small talk: the sample differs by a greeting at most).
			m := lifecycle.Missed{Base: lifecycle.Base{Conv: s.ID, Lang: s.Lang, At: ev.At},
				Text: truncateRunes(ev.Text, maxMessageRunes), Entry: f[0],
				Unsure: strings.Contains(f[2], "u"), Likely: strings.Contains(f[2], "l")}
			m.Score, _ = strconv.ParseFloat(f[1], 64)
			events = append(events, m)
		case owedFeedback:
			if len(f) < 3 {
				continue
			}
			stars, _ := strconv.Atoi(f[0])
			events = append(events, lifecycle.Feedback{Base: lifecycle.Base{Conv: s.ID, Lang: s.Lang, At: ev.At},
				Text: truncateRunes(ev.Text, maxTurnRunes), Stars: stars, Entry: f[1], Open: f[2] == "o"})
		case owedPicked:
			events = append(events, lifecycle.Picked{Base: lifecycle.Base{Conv: s.ID, Lang: s.Lang, At: ev.At}, Entry: f[0], After: pickedAfter(s.Turns)})
		case owedStarted:
			events = append(events, lifecycle.Started{Base: lifecycle.Base{Conv: s.ID, Lang: s.Lang, At: ev.At}, Channel: s.Channel})
		case owedWrote:
			events = append(events, lifecycle.CustomerWrote(s, string(ev.Kind), ev.Text, ev.At))
		case owedOpened:
			if h != nil {
				events = append(events, lifecycle.Opened{Base: lifecycle.BaseOf(s, h.At), Reason: h.Reason, Team: h.Team, NoDesk: h.Outcome == "no_desk"})
			}
		case owedRated, owedRatedAgent:
			n, ok := storedRating(ev.Text)
			if !ok {
				continue
			}
			r := lifecycle.Rated{Base: lifecycle.BaseOf(s, ev.At), Stars: n, Who: "bot"}
			if k == owedRatedAgent && h != nil {
				r.Who, r.Agent = "agent", lifecycle.Agent{ID: h.AgentID, Name: h.Agent}
			}
			events = append(events, r)
		case owedWithdrawn:
			if h != nil && h.Outcome == "withdrawn" {
				events = append(events, lifecycle.Withdrawn{Base: lifecycle.BaseOf(s, ev.At), Agent: lifecycle.Agent{ID: h.AgentID, Name: h.Agent},
					Text: truncateRunes(ev.Text, maxTurnRunes), Took: h.ResolvedAt.Sub(h.At)})
			}
		case owedCommented:
			if h != nil {
				events = append(events, lifecycle.Commented{Base: lifecycle.BaseOf(s, ev.At), Text: h.Comment, Stars: h.Rating})
			}
		}
	}
	return events
}

// pickedAfter is what the customer wrote before the bot asked them to
// rephrase, for the topic they picked in their last turn (the turn's
// missedText, read from the saved history).
func pickedAfter(turns []session.Turn) string {
	for i := len(turns) - 1; i >= 0; i-- {
		if turns[i].Role == "customer" {
			return missedBefore(turns[:i])
		}
	}
	return ""
}

// outboxPaid notes that the events the outbox of key owed were handed on.
// s is the session as last saved: when the stored outbox is still its
// Outbox (nothing saved the conversation since), one round trip without
// the lock swaps it for the same without Owed.
func (b *Bot) outboxPaid(ctx context.Context, s *session.Session, key string) {
	id := s.ID
	if o := s.Outbox; o != nil && o.Key == key {
		paid := *o
		paid.Owed = nil
		if ok, err := b.store.SwapOutbox(context.WithoutCancel(ctx), id, o, &paid); err == nil && ok {
			s.Outbox = &paid
			return
		}
	}
	_, err := b.store.Update(context.WithoutCancel(ctx), id, func(s *session.Session) error {
		if s.Outbox != nil && s.Outbox.Key == key {
			s.Outbox.Owed = nil
		}
		return nil
	})
	if err != nil {
		// A replica that meets the update again hands them on once more.
		b.log.Warn("could not note the turn's events handed on", "conv", logmask.Conv(id), "err", err)
	}
}
