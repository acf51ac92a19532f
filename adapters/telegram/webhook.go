package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/go-telegram/bot/models"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/store"
)

// maxUpdateSize bounds a webhook body; Telegram's updates are a few KiB.
const maxUpdateSize = 1 << 20

// Intake errors that are not Redis trouble.
var (
	errStopping   = errors.New("telegram: shutting down")
	errUnreadable = errors.New("telegram: not a Telegram update")
)

// intake persists one raw update and queues it. It returns the offset that
// confirms it (update_id+1). An error means the update is not safe yet and
// must not be confirmed.
func (a *Adapter) intake(ctx context.Context, raw []byte) (next int64, err error) {
	a.intakeMu.RLock()
	defer a.intakeMu.RUnlock()
	if !a.accepting.Load() {
		return 0, errStopping
	}
	got := a.now()
	upd, chat, derr := decodeUpdate(raw)
	if derr != nil {
		var head struct {
			ID int64 `json:"update_id"`
		}
		if json.Unmarshal(raw, &head) != nil || head.ID == 0 {
			return 0, fmt.Errorf("%w: %v", errUnreadable, derr)
		}
		a.m.Dropped(Channel, "unreadable")
		a.log.Error("telegram: dropping an update Baton cannot read", "update_id", head.ID, "err", derr)
		return head.ID + 1, nil
	}
	keep, counts := worthKeeping(upd)
	if !keep {
		a.m.Dropped(Channel, "ignored")
		return upd.ID + 1, nil
	}
	actx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	// With the chat's loop reserved before the accept, the update accept
	// hands back (its lease taken) goes straight to the new loop. Without
	// (a loop runs), the running loop is told to expect it: it reads the
	// conversation with the script that takes it up (see reserve).
	reserved := a.disp.reserve(chat, upd.ID)
	acc, err := a.accept(actx, upd.ID, chat, raw, counts, reserved)
	if reserved && (err != nil || acc.result != store.InboxNew) {
		a.disp.cancel(chat)
	}
	if !reserved && (err != nil || acc.result != store.InboxNew) {
		a.disp.taken(chat, upd.ID)
	}
	if err != nil {
		if counts {
			a.hold(chat, upd)
		}
		return 0, err
	}
	a.recovered()
	if acc.result != store.InboxNew {
		a.m.Dropped(Channel, "duplicate")
		a.log.Debug("telegram: duplicate update dropped", "update_id", upd.ID, "chat", logChat(chat))
		return upd.ID + 1, nil
	}
	a.gotAt.Store(upd.ID, got)
	switch {
	case reserved:
		// Nobody else on this replica can have answered first: no other
		// loop could start for the chat since before the accept. Without
		// first (another replica holds the lease), the loop asks for it.
		a.disp.start(chat, acc.first)
	case acc.first == nil:
		// The lease is held (by this replica's running loop, or another
		// replica's): its holder takes the update before letting go.
		// When kick refuses (shutdown began), the update stays queued for
		// another replica or the next start.
		a.disp.kick(chat, false)
	default:
		// accept took the lease while this replica's loop for the chat
		// was ending: first may be answered by that loop's last look or
		// by a loop started since, so it is not handed on; the loop
		// reads the queue itself.
		if a.disp.kickFor(chat, upd.ID, true) == kickClosed {
			// Shutdown began: the lease goes at once, so another replica
			// (or the next start) need not wait for it to expire.
			a.release(ctx, chat, acc.first.token)
		}
	}
	return upd.ID + 1, nil
}

// webhook serves Telegram's POSTs. It checks the secret itself (the
// library only logs a mismatch and answers 200) and answers 200 only once
// the update is in Redis; otherwise Telegram retries later.
func (a *Adapter) webhook(w http.ResponseWriter, r *http.Request) {
	got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
	if subtle.ConstantTimeCompare(got, []byte(a.cfg.webhookSecret)) != 1 {
		a.m.Error("telegram_webhook_auth")
		a.log.Warn("telegram: webhook request with a wrong secret token refused", "remote", r.RemoteAddr)
		http.Error(w, "wrong secret token", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateSize))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "update too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	_, err = a.intake(r.Context(), body)
	switch {
	case err == nil:
		w.WriteHeader(http.StatusOK)
	case errors.Is(err, errStopping):
		// Telegram retries; another replica or the next start answers.
		w.Header().Set("Retry-After", "1")
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
	default:
		if errors.Is(err, errUnreadable) {
			http.Error(w, "not a Telegram update", http.StatusBadRequest)
			return
		}
		a.m.Error("telegram_inbox")
		a.log.Error("telegram: webhook update not persisted; Telegram will retry", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
	}
}

// hold sends the handler's holding reply to a customer whose message could
// not be stored, once per chat per Redis outage, from memory: Telegram
// delivers the message again (webhook: no 200; polling: the offset stays)
// and it is answered once Redis is back. Private chats only. With several
// replicas each may hold the same chat once: in an outage they share
// nothing, and Telegram does not mark a redelivery (see the README's
// "Redis, Cluster and replicas" for why nothing sounder is done).
func (a *Adapter) hold(chat int64, upd *models.Update) {
	h, ok := a.h.(Holder)
	if !ok || upd.Message == nil || upd.Message.Chat.Type != models.ChatTypePrivate {
		return
	}
	a.holdMu.Lock()
	a.outage = true
	_, done := a.held[chat]
	a.held[chat] = struct{}{}
	a.holdMu.Unlock()
	if done || a.isBlocked(chat) {
		return
	}
	var lang string
	if upd.Message.From != nil {
		lang = upd.Message.From.LanguageCode
	}
	text := h.Holding(lang)
	a.m.Error("telegram_holding_reply")
	a.log.Warn("telegram: Redis unavailable; told the customer we have their message", "chat", logChat(chat))
	a.loops.Add(1)
	go func() {
		defer a.loops.Done()
		ctx, cancel := context.WithTimeout(a.workCtx, callTimeout)
		defer cancel()
		if err := a.deliver(ctx, chat, bot.Message{Text: text}); err != nil {
			a.log.Warn("telegram: holding reply not sent", "chat", logChat(chat), "err", err)
		}
	}()
}

// recovered ends an outage: the next one holds every chat again.
func (a *Adapter) recovered() {
	a.holdMu.Lock()
	defer a.holdMu.Unlock()
	if a.outage {
		a.outage = false
		clear(a.held)
		a.log.Info("telegram: Redis reachable again; stored updates flow as usual")
	}
}
