package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/lang"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/session"
)

// ErrBlocked is returned when the customer has blocked the bot, so nothing
// can reach them.
var ErrBlocked = errors.New("the customer blocked the bot")

// AgentMessage relays an agent's reply to the customer. The first agent to
// write claims the conversation if nobody has, and the customer is told who
// joined, by name.
func (b *Bot) AgentMessage(ctx context.Context, convID string, a Agent, text string) error {
	text = CleanText(text)
	if text == "" {
		return nil
	}
	return b.agentTurn(ctx, convID, agentKey("reply", a, text), func(t *agentTurn) {
		st := lifecycle.Reply(t.s, a, t.now)
		if claimed(st) {
			t.send(t.say("agent_joined", persona.Data{Agent: firstName(a.Name)}), session.Turn{Role: "bot", Kind: kindAgentJoin})
		}
		t.send(text, session.Turn{Role: "agent", Agent: a.Name, Text: text})
		t.apply(st)
	})
}

func claimed(st lifecycle.Step) bool {
	for _, ev := range st.Events {
		if _, ok := ev.(lifecycle.Claimed); ok {
			return true
		}
	}
	return false
}

// Claim gives the conversation to an agent and tells the customer who joined.
func (b *Bot) Claim(ctx context.Context, convID string, a Agent) error {
	return b.agentTurn(ctx, convID, agentKey("claim", a, ""), func(t *agentTurn) {
		st, err := lifecycle.Claim(t.s, a, t.now)
		if t.fail(err) || !claimed(st) {
			return
		}
		t.send(t.say("agent_joined", persona.Data{Agent: firstName(a.Name)}), session.Turn{Role: "bot", Kind: kindAgentJoin})
		t.apply(st)
	})
}

// Resolve closes the handoff: a warm closing and a 1-5 survey go to the
// customer, and the bot is back in charge.
func (b *Bot) Resolve(ctx context.Context, convID string, a Agent) error {
	return b.agentTurn(ctx, convID, agentKey("resolve", a, ""), func(t *agentTurn) {
		st, err := lifecycle.Resolve(t.s, a, t.now)
		if t.fail(err) {
			return
		}
		t.send(t.say("resolved", persona.Data{Agent: firstName(t.s.Handoff.Agent)}), session.Turn{Role: "bot", Kind: kindResolved})
		m := ratingMessage(t.say("rating_ask", persona.Data{}))
		t.sendMessage(m, session.Turn{Role: "bot", Text: m.Text, Kind: kindSurvey})
		t.apply(st)
	})
}

// Return gives the conversation back to the bot at once, without a survey.
func (b *Bot) Return(ctx context.Context, convID string, a Agent) error {
	return b.agentTurn(ctx, convID, agentKey("return", a, ""), func(t *agentTurn) {
		st, err := lifecycle.Return(t.s, a, t.now)
		if t.fail(err) {
			return
		}
		t.send(t.say("returned", persona.Data{}), session.Turn{Role: "bot", Kind: kindReturned})
		t.apply(st)
	})
}

// Transfer moves an open handoff to another team's desk. The customer is
// told who is coming now and is not asked to repeat anything; the new
// team's card carries the whole story and who had it before.
func (b *Bot) Transfer(ctx context.Context, convID, team string, a Agent) error {
	routes := b.contents.Current().Routing
	if !routes.Known(team) {
		return fmt.Errorf("transfer %s: %w %q (teams: %s)", logmask.Conv(convID), ErrUnknownTeam, team, strings.Join(routes.IDs(), ", "))
	}
	return b.agentTurn(ctx, convID, agentKey("transfer", a, team), func(t *agentTurn) {
		st, err := lifecycle.Transfer(t.s, team, a, t.now, lifecycle.NextReminder(t.now, b.unclaimed, b.hours))
		if t.fail(err) {
			return
		}
		label := routes.Label(team, t.s.Lang)
		t.send(t.say("transferred", persona.Data{Team: label}), session.Turn{Role: "bot", Kind: kindTransfer})
		t.apply(st)
	})
}

// Note keeps an agent's internal note in the conversation's story, never
// shown to the customer: a team the conversation is transferred to sees it.
func (b *Bot) Note(ctx context.Context, convID string, a Agent, text string) error {
	text = CleanText(text)
	if text == "" {
		return nil
	}
	return b.agentTurn(ctx, convID, "", func(t *agentTurn) {
		appendTurn(t.s, session.Turn{Role: roleNote, Agent: a.Name, Text: text, At: t.now})
	})
}

// roleNote marks an agent's internal note in the history; the answerer and
// the detector never see notes.
const roleNote = "note"

// ErrUnknownTeam is returned by Transfer for a team the routing rules do
// not name.
var ErrUnknownTeam = errors.New("no such team")

// Blocked marks a conversation whose customer blocked the bot; nothing is
// sent to it until they write again.
func (b *Bot) Blocked(ctx context.Context, convID string) error {
	if _, ok, err := b.store.Get(ctx, convID); err != nil || !ok {
		return err
	}
	_, err := b.store.Update(ctx, convID, func(s *session.Session) error {
		s.Blocked = true
		return nil
	})
	if err == nil {
		b.cancelTimer(ctx, timerIdle, convID)
	}
	return err
}

// agentTurn is the work of one agent action (or timer) on one locked
// session.
type agentTurn struct {
	b      *Bot
	ctx    context.Context
	set    *content.Set
	s      *session.Session
	now    time.Time
	key    string // the work's outbox key ("": it keeps no outbox)
	events []lifecycle.Event
	step   lifecycle.Step
	err    error // nothing is saved: the work is done again whole

	// After a send failed with part of the work delivered: the work is
	// saved with what did not go out in the outbox, and sendErr is
	// returned after the save, so the retry resumes (see resume).
	delivered bool
	sendErr   error
	unsent    []Message
}

// apply keeps a transition's events and timers for after the save.
func (t *agentTurn) apply(st lifecycle.Step) {
	t.events = append(t.events, st.Events...)
	t.step.CancelRemind = t.step.CancelRemind || st.CancelRemind
	if !st.RemindAt.IsZero() {
		t.step.RemindAt = st.RemindAt
	}
}

// fail keeps err as the turn's error; true when there was one.
func (t *agentTurn) fail(err error) bool {
	if err != nil && t.err == nil {
		t.err = err
	}
	return err != nil
}

// resume sends what the outbox holds for the turn's key, left by the same
// work cut short before, and reports whether there was such work: the
// caller then does not do it again. Everything sent empties the outbox;
// a send that fails keeps what is still unsent there (when some went
// out) or fails the turn (nothing did).
func (t *agentTurn) resume() bool {
	o := t.s.Outbox
	if t.key == "" || o == nil || o.Key != t.key {
		return false
	}
	if strings.HasPrefix(o.Key, "a:") && t.now.Sub(o.At) > agentResumeWindow {
		t.s.Outbox = nil // too late to be a retry: done again, whole
		return false
	}
	rest, some, err := t.b.sendAll(t.ctx, t.s, messagesOf(o.Replies))
	switch {
	case err == nil:
		t.s.Outbox = nil
	case some:
		t.sendErr, t.unsent = err, rest
	default:
		t.err = err
	}
	return true
}

// finish ends the turn's work on the session: what a failed send left
// unsent goes into the outbox. Its error is what the Update must return.
func (t *agentTurn) finish() error {
	switch o := t.s.Outbox; {
	case t.err != nil:
	case t.sendErr != nil:
		t.s.Outbox = &session.Outbox{Key: t.key, Replies: repliesOf(t.unsent), At: t.now}
	case t.delivered && o != nil && o.Key != t.key && halfSent(o.Key):
		// The customer read something else since another action's
		// send was cut: its rest would now come out of context.
		t.s.Outbox = nil
	case t.delivered && o != nil && o.Key != t.key:
		// A customer message's replies, kept for its retry and for
		// typedPick: a check-in or an agent spoke since, so the topics
		// that reply offered are no longer the last thing said, and
		// "option 2" now is a message of its own.
		t.s.Outbox = withoutTopics(o)
	}
	return t.err
}

// ErrPartlyDelivered is the error of an agent action saved as done with
// part of what it sends to the customer delivered and the rest not (a
// reply's first part, a resolve's closing without its survey): it also
// wraps the send's error, yet unlike ErrBlocked or ErrUndeliverable alone
// it says the customer read something, and that the same action again, by
// the same agent, sends only the rest (the session's Outbox).
var ErrPartlyDelivered = errors.New("partly delivered")

// partly is the error of work saved with part of its messages unsent.
func (t *agentTurn) partly() error {
	if t.sendErr == nil {
		return nil
	}
	return fmt.Errorf("%w to %s (the same again sends only the rest): %w", ErrPartlyDelivered, logmask.Conv(t.s.ID), t.sendErr)
}

func (b *Bot) agentTurn(ctx context.Context, convID, key string, fn func(*agentTurn)) error {
	if _, ok, err := b.store.Get(ctx, convID); err != nil {
		return fmt.Errorf("agent action on %s: %w", logmask.Conv(convID), err)
	} else if !ok {
		return fmt.Errorf("agent action on %s: %w", logmask.Conv(convID), ErrNoConversation)
	}
	// An agent's command may run under a lease (its Slack thread's, held
	// by one replica at a time: session.WithFence). A replica that
	// stalled past it while another took the thread over and did the
	// command must not do it again, nor anything it would now mean (the
	// customer's next handoff resolved, a transferred one claimed back).
	// Its sends come before its save, under the conversation's lock, so
	// a check in the save would come too late: the lease is checked (and
	// renewed for a whole TTL) under the lock, before anything is done or
	// sent, and lost, nothing is (ErrFenced; the lease's holder does the
	// command). The save is not fenced again: the sends went out, the
	// turn stands.
	fence := session.FenceOf(ctx, convID)
	if fence != nil {
		ctx = session.WithFence(ctx, nil)
	}
	var (
		events []lifecycle.Event
		step   lifecycle.Step
		partly error
	)
	s, err := b.store.Update(ctx, convID, func(s *session.Session) error {
		if err := b.store.CheckFence(ctx, fence); err != nil {
			return err
		}
		t := &agentTurn{b: b, ctx: ctx, set: b.contents.Current(), s: s, now: b.now(), key: key}
		if s.Lang == "" {
			s.Lang = lang.Default
		}
		if !t.resume() {
			fn(t)
		}
		events, step, partly = t.events, t.step, nil
		err := t.finish()
		if err == nil {
			partly = t.partly()
		}
		return err
	})
	if err != nil {
		return err
	}
	b.step(ctx, s, step)
	b.after(ctx, s, events)
	return partly
}

func (t *agentTurn) say(key string, d persona.Data) string {
	return t.b.say(t.set, t.s, t.s.Lang, key, d)
}

func (t *agentTurn) send(text string, tr session.Turn) {
	t.sendMessage(Message{Text: text}, tr)
}

// sendMessage delivers a message to the customer while the session is
// locked, so two quick agent messages reach the customer in order, and
// records it in the history. When a send fails before anything of the
// work went out, the work fails whole (nothing is saved, it is done again
// as before). When part of it went out (an earlier message, or the start
// of this one), it is saved as done, and what did not go out, this and
// the messages after it, waits in the outbox for the retry.
func (t *agentTurn) sendMessage(m Message, tr session.Turn) {
	if t.err != nil {
		return
	}
	tr.Text, tr.At = m.Text, t.now
	appendTurn(t.s, tr)
	if t.sendErr != nil {
		t.unsent = append(t.unsent, m)
		return
	}
	rest, some, err := t.b.sendAll(t.ctx, t.s, []Message{m})
	switch {
	case err == nil:
		t.delivered = true
	case some || t.delivered:
		t.sendErr, t.unsent = err, rest
	default:
		t.err = err
	}
}

// deliver sends a message the bot initiates through the channel's Sender.
func (b *Bot) deliver(ctx context.Context, s *session.Session, m Message) error {
	if s.Blocked {
		return fmt.Errorf("send to %s: %w", logmask.Conv(s.ID), ErrBlocked)
	}
	snd := b.sender(s.Channel)
	if snd == nil {
		return fmt.Errorf("send to %s: no sender registered for channel %q", logmask.Conv(s.ID), s.Channel)
	}
	if err := snd.Send(ctx, s.ChatID, m); err != nil {
		b.obs.Error("send")
		return fmt.Errorf("send to %s: %w", logmask.Conv(s.ID), err)
	}
	s.LastBotAt = b.now()
	return nil
}

func (b *Bot) cancelTimer(ctx context.Context, timer, convID string) {
	if err := b.store.Cancel(ctx, timer, convID); err != nil {
		b.log.Warn("cancel timer", "timer", timer, "conv", logmask.Conv(convID), "err", err)
	}
}
