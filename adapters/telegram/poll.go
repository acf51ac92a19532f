package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Baton polls getUpdates itself instead of with the library's Start: the
// library advances its offset (which tells Telegram to forget the updates)
// as soon as it has read a batch, before any handler ran, and gives no hook
// in between, so a crash could lose what a customer sent. Here the offset
// moves past an update only after the update is in the Redis inbox.

// allowedUpdates are the update types Baton asks Telegram for.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

type apiResponse struct {
	OK          bool              `json:"ok"`
	Result      []json.RawMessage `json:"result"`
	ErrorCode   int               `json:"error_code"`
	Description string            `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// apiError is a Bot API error answer to getUpdates.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func (e *apiError) Error() string {
	return fmt.Sprintf("telegram: getUpdates: %d %s", e.code, e.desc)
}

// poll runs the getUpdates loop until ctx ends.
func (a *Adapter) poll(ctx context.Context) {
	var offset int64
	var wait time.Duration
	for ctx.Err() == nil {
		if wait > 0 {
			if a.sleep(ctx, wait) != nil {
				return
			}
		}
		updates, err := a.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			a.pollFailed(err)
			wait = a.pollBackoff(err, wait)
			continue
		}
		a.pollOK()
		wait = 0
		for _, raw := range updates {
			next, err := a.intake(ctx, raw)
			if errors.Is(err, errUnreadable) {
				a.m.Dropped(Channel, "unreadable")
				a.log.Error("telegram: getUpdates returned an entry without update_id", "err", err)
				continue
			}
			if errors.Is(err, errStopping) {
				return
			}
			if err != nil {
				// Redis is down: keep the offset here, so Telegram sends
				// this update again on the next poll.
				if ctx.Err() == nil {
					a.m.Error("telegram_inbox")
					a.log.Error("telegram: cannot persist an update; will fetch it again", "err", err)
					wait = backoffMax
				}
				break
			}
			offset = next
		}
	}
}

// pollBackoff chooses the wait after a failed getUpdates.
func (a *Adapter) pollBackoff(err error, prev time.Duration) time.Duration {
	var ae *apiError
	if errors.As(err, &ae) {
		switch {
		case ae.code == http.StatusTooManyRequests && ae.retryAfter > 0:
			return time.Duration(ae.retryAfter) * time.Second
		case ae.code == http.StatusUnauthorized || ae.code == http.StatusNotFound:
			return 30 * time.Second // a revoked token: keep trying, slowly, and say so in /readyz
		}
	}
	if prev == 0 {
		return 100 * time.Millisecond
	}
	return min(2*prev, 5*time.Second)
}

func (a *Adapter) pollFailed(err error) {
	a.m.Error("telegram_poll")
	a.pollErr.Store(&errBox{err})
	var ae *apiError
	switch {
	case errors.As(err, &ae) && ae.code == http.StatusConflict:
		a.log.Error("telegram: getUpdates conflict: another instance polls with this token, or a webhook is set; run one polling replica or use TELEGRAM_WEBHOOK_URL", "err", err)
	case errors.As(err, &ae) && (ae.code == http.StatusUnauthorized || ae.code == http.StatusNotFound):
		a.log.Error("telegram: the bot token was rejected; check TELEGRAM_BOT_TOKEN", "err", err)
	default:
		a.log.Warn("telegram: getUpdates failed; retrying", "err", err)
	}
}

func (a *Adapter) pollOK() { a.pollErr.Store(&errBox{}) }

// getUpdates long-polls once.
func (a *Adapter) getUpdates(ctx context.Context, offset int64) ([]json.RawMessage, error) {
	body, err := json.Marshal(map[string]any{
		"offset":          offset,
		"limit":           100,
		"timeout":         int(a.cfg.pollTimeout / time.Second),
		"allowed_updates": allowedUpdates,
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.pollTimeout+callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.apiURL+"/bot"+a.token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, a.redact(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.httpc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: %w", a.redact(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: reading the answer: %w", a.redact(err))
	}
	var r apiResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: HTTP %d with an unreadable body", resp.StatusCode)
	}
	if !r.OK {
		return nil, &apiError{code: r.ErrorCode, desc: r.Description, retryAfter: r.Parameters.RetryAfter}
	}
	return r.Result, nil
}

// redact removes the bot token from an error: request errors quote the URL,
// and the URL carries the token.
func (a *Adapter) redact(err error) error {
	if err == nil || !strings.Contains(err.Error(), a.token) {
		return err
	}
	return &redacted{msg: strings.ReplaceAll(err.Error(), a.token, "<token>"), err: err}
}

// redacted shows a message without the token but keeps the error chain for
// errors.Is (an Unauthorized answer must stay recognisable).
type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }

// errBox lets an atomic.Pointer hold "no error".
type errBox struct{ err error }
