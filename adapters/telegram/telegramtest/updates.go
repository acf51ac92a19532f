package telegramtest

import (
	"sync/atomic"
	"time"
)

var inMsgID atomic.Int64

// User is a customer as the fake server describes them.
type User struct {
	ID        int64
	FirstName string
	LastName  string
	Username  string
	Lang      string // language_code
}

// Customer returns a user whose private chat id equals id, the way
// Telegram numbers private chats.
func Customer(id int64) User {
	return User{ID: id, FirstName: "Jane", LastName: "Doe", Username: "jane", Lang: "en"}
}

func (u User) json() map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName}
	if u.LastName != "" {
		m["last_name"] = u.LastName
	}
	if u.Username != "" {
		m["username"] = u.Username
	}
	if u.Lang != "" {
		m["language_code"] = u.Lang
	}
	return m
}

// Msg builds a message object from u in their private chat, with extra
// fields (text, sticker, photo, ...).
func (u User) Msg(fields map[string]any) map[string]any {
	m := map[string]any{
		"message_id": inMsgID.Add(1),
		"date":       time.Now().Unix(),
		"from":       u.json(),
		"chat":       map[string]any{"id": u.ID, "type": "private", "first_name": u.FirstName, "username": u.Username},
	}
	for k, v := range fields {
		m[k] = v
	}
	return m
}

// Text is a private text message. Entities for a leading /command are
// added as Telegram does.
func (u User) Text(text string) Update {
	f := map[string]any{"text": text}
	if len(text) > 1 && text[0] == '/' {
		n := 1
		for n < len(text) && text[n] != ' ' && text[n] != '\n' {
			n++
		}
		f["entities"] = []any{map[string]any{"type": "bot_command", "offset": 0, "length": utf16Len(text[:n])}}
	}
	return Update{"message": u.Msg(f)}
}

// Edited is an edited private text message.
func (u User) Edited(text string) Update {
	m := u.Msg(map[string]any{"text": text, "edit_date": time.Now().Unix()})
	return Update{"edited_message": m}
}

// Sticker is a sticker message.
func (u User) Sticker() Update {
	return Update{"message": u.Msg(map[string]any{"sticker": map[string]any{
		"file_id": "CAAC-sticker", "file_unique_id": "s1", "type": "regular", "width": 512, "height": 512,
		"is_animated": false, "is_video": false, "emoji": "👍"}})}
}

// Photo is a photo message with an optional caption.
func (u User) Photo(caption string) Update {
	f := map[string]any{"photo": []any{
		map[string]any{"file_id": "AgAD-small", "file_unique_id": "p1", "width": 90, "height": 90},
		map[string]any{"file_id": "AgAD-big", "file_unique_id": "p2", "width": 1280, "height": 1280},
	}}
	if caption != "" {
		f["caption"] = caption
	}
	return Update{"message": u.Msg(f)}
}

// Voice is a voice note.
func (u User) Voice() Update {
	return Update{"message": u.Msg(map[string]any{"voice": map[string]any{
		"file_id": "AwAD-voice", "file_unique_id": "v1", "duration": 3}})}
}

// Document is a file with an optional caption.
func (u User) Document(caption string) Update {
	f := map[string]any{"document": map[string]any{"file_id": "BQAD-doc", "file_unique_id": "d1", "file_name": "invoice.pdf"}}
	if caption != "" {
		f["caption"] = caption
	}
	return Update{"message": u.Msg(f)}
}

// Location is a shared location.
func (u User) Location() Update {
	return Update{"message": u.Msg(map[string]any{"location": map[string]any{"latitude": 37.5665, "longitude": 126.978}})}
}

// Press is a press on an inline button of the bot's message msgID.
func (u User) Press(data string, msgID int) Update {
	return Update{"callback_query": map[string]any{
		"id":            "cbq-" + time.Now().Format("150405.000000000"),
		"from":          u.json(),
		"chat_instance": "ci-1",
		"data":          data,
		"message": map[string]any{
			"message_id": msgID, "date": time.Now().Unix(),
			"chat": map[string]any{"id": u.ID, "type": "private"},
			"from": map[string]any{"id": BotID, "is_bot": true, "first_name": "Baton", "username": BotUsername},
			"text": "How did we do?",
		},
	}}
}

// BlockedBot is the my_chat_member update Telegram sends when the customer
// blocks the bot (kicked) or, with blocked false, unblocks it.
func (u User) BlockedBot(blocked bool) Update {
	oldStatus, newStatus := "member", "kicked"
	if !blocked {
		oldStatus, newStatus = "kicked", "member"
	}
	bot := map[string]any{"id": BotID, "is_bot": true, "first_name": "Baton", "username": BotUsername}
	member := func(status string) map[string]any {
		m := map[string]any{"status": status, "user": bot}
		if status == "kicked" {
			m["until_date"] = 0
		}
		return m
	}
	return Update{"my_chat_member": map[string]any{
		"chat":            map[string]any{"id": u.ID, "type": "private", "first_name": u.FirstName},
		"from":            u.json(),
		"date":            time.Now().Unix(),
		"old_chat_member": member(oldStatus),
		"new_chat_member": member(newStatus),
	}}
}

// GroupText is a text message from u in group chat groupID.
func (u User) GroupText(groupID int64, text string) Update {
	m := u.Msg(map[string]any{"text": text})
	m["chat"] = map[string]any{"id": groupID, "type": "supergroup", "title": "Shop fans"}
	return Update{"message": m}
}

// GroupReplyToBot is a group message replying to one of the bot's messages.
func (u User) GroupReplyToBot(groupID int64, text string) Update {
	upd := u.GroupText(groupID, text)
	upd["message"].(map[string]any)["reply_to_message"] = map[string]any{
		"message_id": 1, "date": time.Now().Unix(),
		"chat": map[string]any{"id": groupID, "type": "supergroup", "title": "Shop fans"},
		"from": map[string]any{"id": BotID, "is_bot": true, "first_name": "Baton", "username": BotUsername},
		"text": "earlier answer",
	}
	return upd
}

// ChannelPost is a post in a channel the bot administers.
func ChannelPost(channelID int64, text string) Update {
	return Update{"channel_post": map[string]any{
		"message_id": inMsgID.Add(1), "date": time.Now().Unix(),
		"chat": map[string]any{"id": channelID, "type": "channel", "title": "Shop news"},
		"text": text,
	}}
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
