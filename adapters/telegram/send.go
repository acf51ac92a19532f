package telegram

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/logmask"
)

// ErrBlocked is returned by Send when the customer blocked the bot (or
// Telegram otherwise forbids writing to the chat). Nothing more is sent to
// that chat until the customer writes again. It wraps bot.ErrBlocked, so
// the core knows the message cannot be delivered, ever, and does not retry
// it (a timer's check-in, say).
var ErrBlocked = fmt.Errorf("telegram: %w", bot.ErrBlocked)

// MaxMessageLen is Telegram's limit for one message, in UTF-16 code units
// (how Telegram counts characters).
const MaxMessageLen = 4096

// Retry policy for Bot API calls.
const (
	maxAttempts     = 5               // per call, for transient failures (network, 5xx)
	maxRateAttempts = 8               // per call, for 429s
	maxRateWait     = 2 * time.Minute // total retry_after one call may wait
	backoffBase     = 250 * time.Millisecond
	backoffMax      = 8 * time.Second
	callTimeout     = 15 * time.Second // one Bot API request
)

// Send delivers a message the core sends on its own (check-ins, agent
// replies, surveys). It implements bot.Sender. A message Telegram keeps
// refusing is logged with the chat id and returned as an error.
func (a *Adapter) Send(ctx context.Context, chatID string, m bot.Message) error {
	chat, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil {
		return fmt.Errorf("telegram: send: chat id of %s is not a Telegram chat id", logmask.Conv(bot.ConvID(Channel, chatID)))
	}
	if a.isBlocked(chat) {
		a.m.Dropped(Channel, "blocked")
		return ErrBlocked
	}
	err = a.deliver(ctx, chat, m)
	if errors.Is(err, ErrBlocked) && a.rememberBlocked(chat) {
		// The core sends while it holds the conversation's lock, and its
		// Blocked takes that lock: told here and now, it would wait for
		// itself until the call timeout and never record the block. Told
		// from a goroutine, it records it once the core's update is done.
		a.tellMu.Lock()
		if a.tellClosed { // shutting down: the next start hears of it on the next send
			a.tellMu.Unlock()
			return err
		}
		a.telling.Add(1)
		a.tellMu.Unlock()
		go func() {
			defer a.telling.Done()
			a.tellBlocked(context.WithoutCancel(ctx), chat)
		}()
	}
	return err
}

// deliver sends one message: cleaned, split at 4,096 characters, buttons on
// the last part. Parts of one message are never interleaved with another
// message to the same chat.
func (a *Adapter) deliver(ctx context.Context, chat int64, m bot.Message) error {
	text := bot.CleanText(m.Text)
	markup := a.keyboard(chat, m.Buttons)
	if text == "" {
		if markup == nil {
			a.log.Warn("telegram: an empty message was not sent", "chat", logChat(chat))
			return nil
		}
		text = "👇" // buttons need a message to hang on
	}
	parts := split(text, MaxMessageLen)

	unlock := a.chatLocks.lock(chat)
	defer unlock()
	for i, part := range parts {
		p := &tgbot.SendMessageParams{ChatID: chat, Text: part}
		if i == len(parts)-1 && markup != nil {
			p.ReplyMarkup = markup
		}
		err := a.call(ctx, chat, "sendMessage", func(ctx context.Context) error {
			// The returned message is always empty: skipEcho (echo.go)
			// drops Telegram's echo, relying on go-telegram v1.19's
			// decoding of {"ok":true,"result":{}}; nothing here needs its id.
			_, err := a.api.SendMessage(ctx, p)
			return err
		})
		if err != nil {
			if !errors.Is(err, ErrBlocked) {
				a.m.Error("telegram_send")
				a.log.Error("telegram: message not delivered", "chat", logChat(chat), "part", i+1, "parts", len(parts),
					"text", logmask.Mask(part), "err", err)
			}
			if i > 0 {
				// The customer read the first parts: whoever retries must
				// send only the rest (bot.Sender's contract).
				return &bot.PartlySentError{Rest: bot.Message{Text: rest(text, parts[:i]), Buttons: m.Buttons}, Err: err}
			}
			return err
		}
	}
	a.m.MessageOut(Channel)
	return nil
}

// call runs one Bot API request with the retry policy: a 429 waits its
// retry_after; network errors and 5xx back off exponentially; 403 means
// blocked; other 4xx are final.
func (a *Adapter) call(ctx context.Context, chat int64, method string, fn func(context.Context) error) error {
	var waited time.Duration
	transient, limited := 0, 0
	for {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		err := fn(cctx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("telegram: %s to chat %s: %w", method, logChat(chat), ctx.Err())
		}
		var tooMany *tgbot.TooManyRequestsError
		var migrate *tgbot.MigrateError
		switch {
		case errors.As(err, &tooMany):
			limited++
			wait := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
			if limited >= maxRateAttempts || waited+wait > maxRateWait {
				return fmt.Errorf("telegram: %s to chat %s: still rate limited after waiting %v: %w", method, logChat(chat), waited, err)
			}
			a.m.Error("telegram_rate_limited")
			a.log.Warn("telegram: rate limited; retrying after retry_after", "method", method, "chat", logChat(chat), "retry_after", wait.String())
			waited += wait
			if err := a.sleep(ctx, wait); err != nil {
				return fmt.Errorf("telegram: %s to chat %s: %w", method, logChat(chat), err)
			}
		case errors.Is(err, tgbot.ErrorForbidden):
			return fmt.Errorf("%w (chat %s): %v", ErrBlocked, logChat(chat), err)
		case errors.Is(err, tgbot.ErrorBadRequest) && chatGone(err):
			// "chat not found" and the like: final for this chat, so the
			// core does not retry it (a timer's check-in is dropped).
			return fmt.Errorf("telegram: %s to chat %s: %w: %w", method, logChat(chat), bot.ErrUndeliverable, err)
		case errors.Is(err, tgbot.ErrorBadRequest), errors.Is(err, tgbot.ErrorNotFound),
			errors.Is(err, tgbot.ErrorUnauthorized), errors.Is(err, tgbot.ErrorConflict), errors.As(err, &migrate):
			// Final for this request but not proof the chat is gone: a
			// 404 is a wrong token or API URL (every chat fails alike), a
			// 400 without a chat description is this message's fault.
			// The core retries a timer a few times before dropping it.
			return fmt.Errorf("telegram: %s to chat %s: %w", method, logChat(chat), err)
		default:
			transient++
			if transient >= maxAttempts {
				return fmt.Errorf("telegram: %s to chat %s: giving up after %d attempts: %w", method, logChat(chat), transient, err)
			}
			wait := backoff(transient)
			a.log.Warn("telegram: request failed; retrying", "method", method, "chat", logChat(chat), "attempt", transient, "in", wait.String(), "err", err)
			if err := a.sleep(ctx, wait); err != nil {
				return fmt.Errorf("telegram: %s to chat %s: %w", method, logChat(chat), err)
			}
		}
	}
}

// rest is text after its parts sent (split's leading parts, each a
// substring of text, in order), without the whitespace split cut there.
func rest(text string, sent []string) string {
	at := 0
	for _, p := range sent {
		at += strings.Index(text[at:], p) + len(p)
	}
	return strings.TrimLeftFunc(text[at:], unicode.IsSpace)
}

// chatGoneDescriptions are the (lower-cased) Bot API 400 descriptions that
// mean the chat itself cannot receive messages from the bot, whatever is
// sent. A block or a kick is a 403 (ErrBlocked) instead.
var chatGoneDescriptions = []string{
	"chat not found", "user not found", "peer_id_invalid", "chat_id_invalid", "user_id_invalid",
	"have no rights to send", "not enough rights to send", "chat was deactivated",
}

// chatGone reports whether a Bot API 400 says the chat cannot be written
// to (see chatGoneDescriptions).
func chatGone(err error) bool {
	msg := strings.ToLower(err.Error())
	for _, d := range chatGoneDescriptions {
		if strings.Contains(msg, d) {
			return true
		}
	}
	return false
}

// backoff is the wait before retry n (1-based): exponential with jitter.
func backoff(n int) time.Duration {
	d := backoffBase << (n - 1)
	if d > backoffMax || d <= 0 {
		d = backoffMax
	}
	return d/2 + rand.N(d/2+1)
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// inlineKeyboard and inlineButton are the Bot API's inline keyboard with
// only the fields Baton uses: the library's own type always sends an empty
// copy_text, which Telegram rejects (BUTTON_COPY_TEXT_INVALID).
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

const buttonsPerRow = 8 // Telegram shows at most 8 in a row

func (a *Adapter) keyboard(chat int64, buttons []bot.Button) *inlineKeyboard {
	if len(buttons) == 0 {
		return nil
	}
	kb := &inlineKeyboard{}
	var row []inlineButton
	for _, b := range buttons {
		data, ok := encodeButton(b)
		if !ok {
			a.m.Error("telegram_button")
			a.log.Error("telegram: button left out: its kind and value do not fit Telegram's 64-byte callback data",
				"chat", logChat(chat), "kind", b.Kind, "value_len", len(b.Value))
			continue
		}
		label := bot.CleanText(b.Label)
		if label == "" {
			label = b.Value
		}
		row = append(row, inlineButton{Text: label, CallbackData: data})
		if len(row) == buttonsPerRow {
			kb.InlineKeyboard = append(kb.InlineKeyboard, row)
			row = nil
		}
	}
	if len(row) > 0 {
		kb.InlineKeyboard = append(kb.InlineKeyboard, row)
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil
	}
	return kb
}

// Baton sends without a parse mode, so '<', '&', '*' and '_' arrive exactly
// as written and Telegram never fails with "can't parse entities";
// bot.CleanText makes the rest of any text sendable.

// utf16Len counts s the way Telegram counts message length.
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

// split cuts s into parts of at most limit UTF-16 units, preferring a
// paragraph break, then a line break, then the end of a sentence, then a
// space, in the second half of each part; only a text without any of these
// is cut mid-word (never mid-rune).
func split(s string, limit int) []string {
	if len(s) <= limit {
		// A rune takes at least as many UTF-8 bytes as UTF-16 units (an
		// invalid byte counts as one U+FFFD), so a text of at most limit
		// bytes fits whole: no count over every reply.
		if strings.TrimSpace(s) == "" {
			return nil
		}
		return []string{s}
	}
	var parts []string
	for utf16Len(s) > limit {
		cut := cutPoint(s, limit)
		head := strings.TrimRightFunc(s[:cut], unicode.IsSpace)
		if head != "" {
			parts = append(parts, head)
		}
		s = strings.TrimLeftFunc(s[cut:], unicode.IsSpace)
	}
	if strings.TrimSpace(s) != "" {
		parts = append(parts, s)
	}
	return parts
}

var sentenceEnds = []string{". ", "! ", "? ", ".\n", "!\n", "?\n", "。", "！", "？", "…"}

// cutPoint returns the byte index to cut s at, with s[:cut] within limit.
func cutPoint(s string, limit int) int {
	end, units := 0, 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if units+w > limit {
			break
		}
		units += w
		end = i + utf8.RuneLen(r)
	}
	window := s[:end]
	min := end / 2
	if i := strings.LastIndex(window, "\n\n"); i >= min {
		return i + 2
	}
	if i := strings.LastIndex(window, "\n"); i >= min {
		return i + 1
	}
	best := -1
	for _, sep := range sentenceEnds {
		if i := strings.LastIndex(window, sep); i >= 0 && i+len(sep) > best {
			best = i + len(sep)
		}
	}
	if best >= min {
		return best
	}
	if i := strings.LastIndexFunc(window, unicode.IsSpace); i >= min {
		_, w := utf8.DecodeRuneInString(window[i:])
		return i + w
	}
	if end == 0 { // cannot happen with limit >= 2, but never loop forever
		_, w := utf8.DecodeRuneInString(s)
		return w
	}
	return end
}

// typing shows "typing…" in a chat while a reply is prepared: at once,
// then every cfg.typing (Telegram clears it after 5 s).
type typing struct {
	first  chan struct{} // closed when the first sendChatAction returned
	cancel context.CancelFunc
	done   chan struct{}
}

func (a *Adapter) startTyping(ctx context.Context, chat int64) *typing {
	tctx, cancel := context.WithCancel(ctx)
	t := &typing{first: make(chan struct{}), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(t.done)
		ok := a.sendTyping(tctx, chat)
		close(t.first)
		if !ok {
			return
		}
		tick := time.NewTicker(a.cfg.typing)
		defer tick.Stop()
		for {
			select {
			case <-tctx.Done():
				return
			case <-tick.C:
				if !a.sendTyping(tctx, chat) {
					return
				}
			}
		}
	}()
	return t
}

// sendTyping makes one attempt (a late typing indicator is worthless) and
// reports whether to keep going.
func (a *Adapter) sendTyping(ctx context.Context, chat int64) bool {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := a.api.SendChatAction(cctx, &tgbot.SendChatActionParams{ChatID: chat, Action: models.ChatActionTyping})
	if err == nil || ctx.Err() != nil {
		return ctx.Err() == nil
	}
	if errors.Is(err, tgbot.ErrorForbidden) {
		return false
	}
	a.log.Debug("telegram: typing indicator failed", "chat", logChat(chat), "err", err)
	return true
}

// firstWait bounds how long a reply waits for the first typing indicator,
// so a slow sendChatAction never delays an answer much.
const firstWait = 2 * time.Second

// waitFirst lets the first typing indicator land before the first reply,
// so the customer sees "typing…" and then the answer, never the reverse.
func (t *typing) waitFirst(ctx context.Context) {
	select {
	case <-t.first:
		return
	default:
	}
	timer := time.NewTimer(firstWait)
	defer timer.Stop()
	select {
	case <-t.first:
	case <-timer.C:
	case <-ctx.Done():
	}
}

func (t *typing) stop() {
	t.cancel()
	<-t.done
}

// chatLocks serialises sends per chat so the parts of one long message are
// not interleaved with another message (an agent's reply) to that chat.
type chatLocks struct {
	mu sync.Mutex
	m  map[int64]*chatLock
}

type chatLock struct {
	mu   sync.Mutex
	refs int
}

func (c *chatLocks) lock(chat int64) func() {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[int64]*chatLock{}
	}
	l := c.m[chat]
	if l == nil {
		l = &chatLock{}
		c.m[chat] = l
	}
	l.refs++
	c.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		c.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(c.m, chat)
		}
		c.mu.Unlock()
	}
}
