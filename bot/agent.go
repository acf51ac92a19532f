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
	return b.agentTurn(ctx, convID, func(t *agentTurn) {
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
	return b.agentTurn(ctx, convID, func(t *agentTurn) {
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
	return b.agentTurn(ctx, convID, func(t *agentTurn) {
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
	return b.agentTurn(ctx, convID, func(t *agentTurn) {
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
	return b.agentTurn(ctx, convID, func(t *agentTurn) {
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
	return b.agentTurn(ctx, convID, func(t *agentTurn) {
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

// agentTurn is the work of one agent action on one locked session.
type agentTurn struct {
	b      *Bot
	ctx    context.Context
	set    *content.Set
	s      *session.Session
	now    time.Time
	events []lifecycle.Event
	step   lifecycle.Step
	err    error
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

func (b *Bot) agentTurn(ctx context.Context, convID string, fn func(*agentTurn)) error {
	if _, ok, err := b.store.Get(ctx, convID); err != nil {
		return fmt.Errorf("agent action on %s: %w", logmask.Conv(convID), err)
	} else if !ok {
		return fmt.Errorf("agent action on %s: %w", logmask.Conv(convID), ErrNoConversation)
	}
	var (
		events []lifecycle.Event
		step   lifecycle.Step
	)
	s, err := b.store.Update(ctx, convID, func(s *session.Session) error {
		t := &agentTurn{b: b, ctx: ctx, set: b.contents.Current(), s: s, now: b.now()}
		if s.Lang == "" {
			s.Lang = lang.Default
		}
		fn(t)
		events, step = t.events, t.step
		return t.err
	})
	if err != nil {
		return err
	}
	b.step(ctx, s, step)
	b.after(ctx, s, events)
	return nil
}

func (t *agentTurn) say(key string, d persona.Data) string {
	return t.b.say(t.set, t.s, t.s.Lang, key, d)
}

func (t *agentTurn) send(text string, tr session.Turn) {
	t.sendMessage(Message{Text: text}, tr)
}

// sendMessage delivers a message to the customer while the session is
// locked, so two quick agent messages reach the customer in order, and
// records it in the history.
func (t *agentTurn) sendMessage(m Message, tr session.Turn) {
	if t.err != nil {
		return
	}
	tr.Text, tr.At = m.Text, t.now
	appendTurn(t.s, tr)
	t.err = t.b.deliver(t.ctx, t.s, m)
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
