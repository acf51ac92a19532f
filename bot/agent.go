package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/lang"
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
		s := t.s
		if s.Mode == session.ModeBot {
			// A follow-up after the case was closed: the agent takes it again.
			s.Mode = session.ModeWaiting
			if s.Handoff == nil {
				s.Handoff = &session.Handoff{Reason: "agent", At: t.now}
			}
			s.AwaitingRating = false
		}
		if s.Mode == session.ModeWaiting {
			t.claim(a)
		}
		if s.Handoff.FirstReplyAt.IsZero() {
			s.Handoff.FirstReplyAt = t.now
		}
		t.send(text, session.Turn{Role: "agent", Agent: a.Name, Text: text})
	})
}

// Claim gives the conversation to an agent and tells the customer who joined.
func (b *Bot) Claim(ctx context.Context, convID string, a Agent) error {
	return b.agentTurn(ctx, convID, func(t *agentTurn) {
		if t.s.Mode == session.ModeBot {
			t.err = fmt.Errorf("claim %s: the conversation is with the bot", convID)
			return
		}
		if t.s.Handoff.AgentID == a.ID && t.s.Mode == session.ModeAgent {
			return // already theirs
		}
		t.claim(a)
	})
}

// Resolve closes the handoff: a warm closing and a 1-5 survey go to the
// customer, and the bot is back in charge.
func (b *Bot) Resolve(ctx context.Context, convID string, a Agent) error {
	return b.agentTurn(ctx, convID, func(t *agentTurn) {
		if !t.open() {
			return
		}
		s := t.s
		s.Mode = session.ModeBot
		s.Handoff.Outcome, s.Handoff.ResolvedAt = "resolved", t.now
		if s.Handoff.Agent == "" {
			s.Handoff.Agent, s.Handoff.AgentID = a.Name, a.ID
		}
		s.AwaitingRating = true
		t.send(t.say("resolved", persona.Data{Agent: firstName(s.Handoff.Agent)}), session.Turn{Role: "bot", Kind: kindResolved})
		m := ratingMessage(t.say("rating_ask", persona.Data{}))
		t.sendMessage(m, session.Turn{Role: "bot", Text: m.Text, Kind: kindSurvey})
		t.changes = append(t.changes, deskChange{change: "resolved"})
		b.cancelTimer(ctx, timerUnclaimed, convID)
	})
}

// Return gives the conversation back to the bot at once, without a survey.
func (b *Bot) Return(ctx context.Context, convID string, a Agent) error {
	return b.agentTurn(ctx, convID, func(t *agentTurn) {
		if !t.open() {
			return
		}
		s := t.s
		s.Mode = session.ModeBot
		s.Handoff.Outcome, s.Handoff.ResolvedAt = "returned", t.now
		t.send(t.say("returned", persona.Data{}), session.Turn{Role: "bot", Kind: kindReturned})
		t.changes = append(t.changes, deskChange{change: "returned"})
		b.cancelTimer(ctx, timerUnclaimed, convID)
	})
}

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
	b       *Bot
	ctx     context.Context
	set     *content.Set
	s       *session.Session
	now     time.Time
	changes []deskChange
	err     error
}

func (b *Bot) agentTurn(ctx context.Context, convID string, fn func(*agentTurn)) error {
	if _, ok, err := b.store.Get(ctx, convID); err != nil {
		return fmt.Errorf("agent action on %s: %w", convID, err)
	} else if !ok {
		return fmt.Errorf("agent action on %s: %w", convID, ErrNoConversation)
	}
	var changes []deskChange
	s, err := b.store.Update(ctx, convID, func(s *session.Session) error {
		t := &agentTurn{b: b, ctx: ctx, set: b.contents.Current(), s: s, now: b.now()}
		if s.Lang == "" {
			s.Lang = lang.Default
		}
		fn(t)
		changes = t.changes
		return t.err
	})
	if err != nil {
		return err
	}
	b.after(ctx, s, changes)
	return nil
}

// open reports whether there is a handoff to act on.
func (t *agentTurn) open() bool {
	if t.s.Handoff == nil || t.s.Mode == session.ModeBot {
		t.err = fmt.Errorf("conversation %s has no open handoff", t.s.ID)
		return false
	}
	return true
}

func (t *agentTurn) claim(a Agent) {
	s := t.s
	first := s.Handoff.Agent == ""
	s.Mode = session.ModeAgent
	s.Handoff.Agent, s.Handoff.AgentID, s.Handoff.ClaimedAt = a.Name, a.ID, t.now
	t.b.cancelTimer(t.ctx, timerUnclaimed, s.ID)
	if first {
		t.b.recordWait(t.ctx, t.now.Sub(s.Handoff.At))
	}
	t.send(t.say("agent_joined", persona.Data{Agent: firstName(a.Name)}), session.Turn{Role: "bot", Kind: kindAgentJoin})
	t.changes = append(t.changes, deskChange{change: "claimed"})
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
		return fmt.Errorf("send to %s: %w", s.ID, ErrBlocked)
	}
	snd := b.sender(s.Channel)
	if snd == nil {
		return fmt.Errorf("send to %s: no sender registered for channel %q", s.ID, s.Channel)
	}
	if err := snd.Send(ctx, s.ChatID, m); err != nil {
		b.obs.Error("send")
		return fmt.Errorf("send to %s: %w", s.ID, err)
	}
	s.LastBotAt = b.now()
	return nil
}

func (b *Bot) cancelTimer(ctx context.Context, timer, convID string) {
	if err := b.store.Cancel(ctx, timer, convID); err != nil {
		b.log.Warn("cancel timer", "timer", timer, "conv", convID, "err", err)
	}
}
