package bot

import (
	"context"
	"errors"
	"hash/fnv"
	"strconv"

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

// timerKey is the outbox key of a timer's firing: its retries (the next
// claims of the same timer) resume it.
func timerKey(name string) string { return "t:" + name }

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
