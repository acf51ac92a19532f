package bot

import (
	"context"
	"time"

	"github.com/batonhq/baton/bot/session"
)

// Kind says what a customer sent.
type Kind string

// Kinds of inbound events. Adapters map platform specifics onto these.
const (
	KindText     Kind = "text"
	KindCommand  Kind = "command" // Text holds the command without the slash: "start", "help", "human"
	KindRating   Kind = "rating"  // Text holds "1".."5" (an inline keyboard press)
	KindTopic    Kind = "topic"   // Text holds a knowledge entry id the customer picked from offered topics
	KindPerson   Kind = "person"  // the customer pressed "Talk to a person", offered after the bot was unsure
	KindSticker  Kind = "sticker"
	KindPhoto    Kind = "photo"
	KindVoice    Kind = "voice" // voice notes and audio
	KindFile     Kind = "file"  // documents, video
	KindLocation Kind = "location"
	KindOther    Kind = "other" // anything else the platform can carry

	// Kinds only an adapter can know about; the core answers them in the
	// persona's words.
	KindFlood Kind = "flood" // the adapter is dropping this customer's messages (flood limit); say so once
	KindGroup Kind = "group" // the customer wrote in a group chat; point them to a private chat
)

// Customer is who wrote, as far as the platform tells.
type Customer struct {
	ID       string // platform user id
	Name     string // display name ("Jane Doe")
	Username string // handle without @
	Lang     string // platform language code ("ko-KR"), may be empty
}

// Event is one inbound customer event from a channel adapter.
type Event struct {
	Channel  string // "telegram", "console", ...
	ChatID   string // channel-local chat id; Channel+":"+ChatID names the conversation
	Customer Customer
	Kind     Kind
	Text     string    // message text, command name, rating digit, or a caption
	At       time.Time // when the platform says it was sent; zero means now
	// ID is the platform's id of the event (Telegram's update_id), the
	// same when it is delivered or taken over again: its turn is then
	// not done twice (see Bot.Handle). "" when the channel has none.
	ID string
	// Read, when set, is the conversation's state the adapter read ahead
	// in a round trip of its own (Bot.ReadAhead, in the pipeline of its
	// accept of the event): the turn starts from it without locking and
	// reading, and is done again under the lock if anything wrote since
	// (session.Store.UpdateTimersRead).
	Read *session.Read
}

// ConvID names the conversation the event belongs to.
func (e Event) ConvID() string { return ConvID(e.Channel, e.ChatID) }

// ConvID joins a channel and a channel-local chat id.
func ConvID(channel, chatID string) string { return channel + ":" + chatID }

// Message is one outbound message to a customer. Text is plain text; the
// adapter escapes it for its platform.
type Message struct {
	Text    string
	Buttons []Button // optional inline buttons, one row
}

// Button is an inline button; pressing it comes back as an Event of
// Kind Data.Kind with Text Data.Value.
type Button struct {
	Label string
	Kind  Kind   // kind of the event a press produces (KindRating)
	Value string // its Text
}

// Sender delivers messages the bot sends on its own initiative (idle
// check-ins, agent replies, surveys) to a chat on one channel. Adapters
// register one per channel with Bot.Register.
//
// A Sender that fails after delivering the start of a message (it splits
// long messages into parts, and a later part failed) returns a
// *PartlySentError, so a caller that hands the message to someone else to
// retry hands over only the rest: the customer never reads a part twice.
// Any other error means nothing of the message was delivered, as far as the
// Sender knows.
type Sender interface {
	Send(ctx context.Context, chatID string, m Message) error
}

// PartlySentError is a Sender's error when only the start of a message was
// delivered. Rest is what was not (the remaining text, with the message's
// buttons); Err is why, and wraps on (ErrBlocked, ErrUndeliverable, ...).
type PartlySentError struct {
	Rest Message
	Err  error
}

func (e *PartlySentError) Error() string { return "partly sent: " + e.Err.Error() }
func (e *PartlySentError) Unwrap() error { return e.Err }
