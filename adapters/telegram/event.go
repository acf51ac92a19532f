package telegram

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/logmask"
)

// logChat is a chat as logs and logged errors name it: its conversation's
// pseudonym (logmask.Conv), the one the core and the desk log, so ops can
// follow a customer from the update to the reply. A private chat's id is
// the user's id, which logs never show.
type logChat int64

func (c logChat) conv() logmask.ConvID {
	return logmask.Conv(bot.ConvID(Channel, strconv.FormatInt(int64(c), 10)))
}

// LogValue is the pseudonym, computed only when the line is written.
func (c logChat) LogValue() slog.Value { return c.conv().LogValue() }

// String is the pseudonym.
func (c logChat) String() string { return c.conv().String() }

// Commands Baton knows; any other "/word" is passed on as text, so
// "/order 123" still reaches the answerer.
var commands = map[string]bool{"start": true, "help": true, "human": true}

// action is what to do with an update.
type action int

const (
	actHandle    action = iota // pass the event to the core
	actIgnore                  // nothing to do (channel posts, unaddressed group chatter, service messages)
	actBlocked                 // the customer blocked the bot
	actUnblocked               // the customer unblocked the bot
)

// decodeUpdate parses an update and names the chat it belongs to (0 when
// it has none).
func decodeUpdate(raw []byte) (*models.Update, int64, error) {
	var u models.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, 0, err
	}
	if u.ID == 0 {
		return nil, 0, errors.New("update without update_id")
	}
	return &u, chatOf(&u), nil
}

func chatOf(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message; m.Message != nil {
			return m.Message.Chat.ID
		} else if m.InaccessibleMessage != nil {
			return m.InaccessibleMessage.Chat.ID
		}
		return u.CallbackQuery.From.ID // an inline-mode press: the user's private chat
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	case u.ChannelPost != nil:
		return u.ChannelPost.Chat.ID
	case u.EditedChannelPost != nil:
		return u.EditedChannelPost.Chat.ID
	}
	return 0
}

// worthKeeping tells, before anything is persisted, whether an update can
// need an answer; channel posts and update types Baton never asks for are
// acknowledged and forgotten. counts says whether it counts against the
// chat's flood limit.
func worthKeeping(u *models.Update) (keep, counts bool) {
	switch {
	case u.Message != nil:
		return u.Message.Chat.Type != models.ChatTypeChannel, true
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.Type != models.ChatTypeChannel, true
	case u.CallbackQuery != nil:
		return true, true
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.Type == models.ChatTypePrivate, false
	}
	return false, false
}

// classify turns an update into a core event. me is the bot's own user
// (nil before getMe answered), used to tell when a group message is for it.
//
// Choices (see the package doc): edited messages are answered like new
// ones; in groups Baton answers only when addressed (mention, reply to it,
// or a command), with the core's note pointing to a private chat, and is
// silent otherwise; channel posts are ignored.
func classify(u *models.Update, me *models.User) (bot.Event, action) {
	ev := bot.Event{Channel: Channel}
	switch {
	case u.Message != nil || u.EditedMessage != nil:
		msg, at := u.Message, 0
		if msg == nil {
			msg = u.EditedMessage
			at = msg.EditDate
		}
		if at == 0 {
			at = msg.Date
		}
		if msg.From == nil || msg.From.IsBot {
			return ev, actIgnore
		}
		ev.ChatID = strconv.FormatInt(msg.Chat.ID, 10)
		ev.Customer = customer(msg.From)
		if at > 0 {
			ev.At = time.Unix(int64(at), 0)
		}
		switch msg.Chat.Type {
		case models.ChatTypePrivate:
		case models.ChatTypeGroup, models.ChatTypeSupergroup:
			if !addressed(msg, me) {
				return ev, actIgnore
			}
			ev.Kind, ev.Text = bot.KindGroup, bot.CleanText(msg.Text)
			return ev, actHandle
		default:
			return ev, actIgnore
		}
		kind, text, ok := messageKind(msg)
		if !ok {
			return ev, actIgnore
		}
		ev.Kind, ev.Text = kind, text
		if kind == bot.KindText {
			if name, isCmd := command(text, me); isCmd {
				ev.Kind, ev.Text = bot.KindCommand, name
			}
		}
		return ev, actHandle

	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		chat := chatOf(u)
		if cq.Message.Message != nil && cq.Message.Message.Chat.Type != models.ChatTypePrivate {
			return ev, actIgnore
		}
		kind, value, ok := decodeButton(cq.Data)
		if !ok || chat == 0 {
			return ev, actIgnore
		}
		ev.ChatID = strconv.FormatInt(chat, 10)
		ev.Customer = customer(&cq.From)
		ev.Kind, ev.Text = kind, value
		return ev, actHandle

	case u.MyChatMember != nil:
		cm := u.MyChatMember
		if cm.Chat.Type != models.ChatTypePrivate {
			return ev, actIgnore
		}
		ev.ChatID = strconv.FormatInt(cm.Chat.ID, 10)
		ev.Customer = customer(&cm.From)
		switch cm.NewChatMember.Type {
		case models.ChatMemberTypeBanned:
			return ev, actBlocked
		case models.ChatMemberTypeMember:
			if cm.OldChatMember.Type == models.ChatMemberTypeBanned {
				return ev, actUnblocked
			}
		}
		return ev, actIgnore
	}
	return ev, actIgnore
}

func customer(u *models.User) bot.Customer {
	return bot.Customer{
		ID:       strconv.FormatInt(u.ID, 10),
		Name:     strings.TrimSpace(u.FirstName + " " + u.LastName),
		Username: u.Username,
		Lang:     u.LanguageCode,
	}
}

// messageKind maps a private message to an event kind and its text (the
// caption for media). ok is false for service messages (pins, payments,
// web-app data), which need no answer.
func messageKind(m *models.Message) (bot.Kind, string, bool) {
	caption := bot.CleanText(m.Caption)
	switch {
	case m.Text != "":
		return bot.KindText, bot.CleanText(m.Text), true
	case m.Sticker != nil:
		return bot.KindSticker, "", true
	case len(m.Photo) > 0:
		return bot.KindPhoto, caption, true
	case m.Voice != nil, m.Audio != nil, m.VideoNote != nil:
		return bot.KindVoice, caption, true
	case m.Document != nil, m.Video != nil, m.Animation != nil:
		return bot.KindFile, caption, true
	case m.Location != nil, m.Venue != nil:
		return bot.KindLocation, "", true
	case m.Contact != nil, m.Poll != nil, m.Dice != nil, m.Game != nil, m.Story != nil,
		m.PaidMedia != nil, m.Checklist != nil:
		return bot.KindOther, caption, true
	}
	// A text message whose text was only white space or control
	// characters arrives with Text set, so it is handled above (cleaned to
	// ""); what is left here are service messages.
	return "", "", false
}

// command recognises "/start", "/help@BatonBot", "/HUMAN please".
func command(text string, me *models.User) (string, bool) {
	if !strings.HasPrefix(text, "/") {
		return "", false
	}
	word := text[1:]
	if i := strings.IndexFunc(word, unicode.IsSpace); i >= 0 {
		word = word[:i]
	}
	name, target, _ := strings.Cut(word, "@")
	if target != "" && me != nil && !strings.EqualFold(target, me.Username) {
		return "", false
	}
	name = strings.ToLower(name)
	if !commands[name] {
		return "", false
	}
	return name, true
}

// addressed tells whether a group message is meant for the bot: a reply to
// one of its messages, an @mention, or a command (bare or with its name).
// With privacy mode on (Telegram's default) these are the only group
// messages a bot receives anyway.
func addressed(m *models.Message, me *models.User) bool {
	if me == nil {
		return false
	}
	if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.ID == me.ID {
		return true
	}
	text := strings.ToLower(m.Text + " " + m.Caption)
	if me.Username != "" && strings.Contains(text, "@"+strings.ToLower(me.Username)) {
		return true
	}
	if strings.HasPrefix(m.Text, "/") {
		word := strings.Fields(m.Text)[0]
		_, target, _ := strings.Cut(word, "@")
		return target == "" || strings.EqualFold(target, me.Username)
	}
	return false
}

// Buttons travel in callback_data as "<kind>:<value>" (Telegram allows 64
// bytes).
const maxCallbackData = 64

func encodeButton(b bot.Button) (string, bool) {
	data := string(b.Kind) + ":" + b.Value
	if b.Kind == "" || strings.Contains(string(b.Kind), ":") || len(data) > maxCallbackData || !utf8.ValidString(data) {
		return "", false
	}
	return data, true
}

func decodeButton(data string) (bot.Kind, string, bool) {
	kind, value, ok := strings.Cut(data, ":")
	if !ok || kind == "" {
		return "", "", false
	}
	return bot.Kind(kind), value, true
}
