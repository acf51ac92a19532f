package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	tgbot "github.com/go-telegram/bot"
)

// sendMessage is the Bot API's sendMessage, without go-telegram's
// request path: the same multipart form (chat_id, text, reply_markup when
// there are buttons) and the same errors (tgbot.ErrorForbidden,
// *tgbot.TooManyRequestsError and the rest, as call expects), but the
// message Telegram echoes back is not decoded. Baton never reads it, and
// for a reply of a few hundred characters decoding it (go-telegram
// validates and decodes the response twice, then builds a models.Message)
// was the largest part of the adapter's own CPU per reply after the
// network. The form is built in memory rather than streamed through a
// pipe from a goroutine, so the request also goes with a Content-Length
// instead of chunked.
func (a *Adapter) sendMessage(ctx context.Context, chat int64, text string, markup *inlineKeyboard) error {
	const method = "sendMessage"
	body := bytes.NewBuffer(make([]byte, 0, len(text)+512))
	form := multipart.NewWriter(body)
	var num [20]byte
	if err := form.WriteField("chat_id", string(strconv.AppendInt(num[:0], chat, 10))); err != nil {
		return fmt.Errorf("error build request form for method %s, %w", method, err)
	}
	if err := form.WriteField("text", text); err != nil {
		return fmt.Errorf("error build request form for method %s, %w", method, err)
	}
	if markup != nil {
		rm, err := json.Marshal(markup)
		if err != nil {
			return fmt.Errorf("error build request form for method %s, %w", method, err)
		}
		w, err := form.CreateFormField("reply_markup")
		if err == nil {
			_, err = w.Write(rm)
		}
		if err != nil {
			return fmt.Errorf("error build request form for method %s, %w", method, err)
		}
	}
	if err := form.Close(); err != nil {
		return fmt.Errorf("error form close for method %s, %w", method, err)
	}
	return a.post(ctx, method, form.FormDataContentType(), body)
}

// post sends a Bot API request whose result Baton does not use, and
// returns the error go-telegram would have returned for its answer.
func (a *Adapter) post(ctx context.Context, method, contentType string, body *bytes.Buffer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.apiURL+"/bot"+a.token+"/"+method, body)
	if err != nil {
		return fmt.Errorf("error create request for method %s, %w", method, err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := a.httpc.Do(req)
	if err != nil {
		var netErr *url.Error
		if errors.As(err, &netErr) {
			netErr.URL = strings.ReplaceAll(netErr.URL, a.token, "***")
		}
		return fmt.Errorf("error do request for method %s, %w", method, err)
	}
	defer resp.Body.Close()
	buf := respBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledResp {
			buf.Reset()
			respBufs.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, maxAnswer)); err != nil {
		return fmt.Errorf("error read response body for method %s, %w", method, err)
	}
	return answerError(method, buf.Bytes())
}

// respBufs holds the buffers Bot API answers are read into (an answer is
// decoded before its buffer goes back, and nothing keeps a slice of it).
var respBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const (
	maxPooledResp = 64 << 10
	maxAnswer     = 16 << 20 // far above any answer to a request without a result Baton reads
)

// apiAnswer is a Bot API answer without its result: json skips the result
// without building it.
type apiAnswer struct {
	OK          bool   `json:"ok"`
	Description string `json:"description,omitempty"`
	ErrorCode   int    `json:"error_code,omitempty"`
	Parameters  struct {
		RetryAfter      int `json:"retry_after,omitempty"`
		MigrateToChatID int `json:"migrate_to_chat_id,omitempty"`
	} `json:"parameters,omitempty"`
}

// answerError is the error of a Bot API answer (nil when ok), worded and
// wrapped as go-telegram's rawRequest words and wraps it, so call's retry
// policy and the logs read the same whichever path sent the request.
func answerError(method string, body []byte) error {
	var r apiAnswer
	if err := json.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("error decode response body for method %s, %s, %w", method, body, err)
	}
	if r.OK {
		return nil
	}
	switch r.ErrorCode {
	case http.StatusForbidden:
		return fmt.Errorf("%w, %s", tgbot.ErrorForbidden, r.Description)
	case http.StatusBadRequest:
		if r.Parameters.MigrateToChatID != 0 {
			return &tgbot.MigrateError{
				Message:         fmt.Sprintf("%s: %s", tgbot.ErrorBadRequest, r.Description),
				MigrateToChatID: r.Parameters.MigrateToChatID,
			}
		}
		return fmt.Errorf("%w, %s", tgbot.ErrorBadRequest, r.Description)
	case http.StatusUnauthorized:
		return fmt.Errorf("%w, %s", tgbot.ErrorUnauthorized, r.Description)
	case http.StatusNotFound:
		return fmt.Errorf("%w, %s", tgbot.ErrorNotFound, r.Description)
	case http.StatusConflict:
		return fmt.Errorf("%w, %s", tgbot.ErrorConflict, r.Description)
	case http.StatusTooManyRequests:
		return &tgbot.TooManyRequestsError{
			Message:    fmt.Sprintf("%s, %s", tgbot.ErrorTooManyRequests, r.Description),
			RetryAfter: r.Parameters.RetryAfter,
		}
	default:
		return fmt.Errorf("error response from telegram for method %s, %d %s", method, r.ErrorCode, r.Description)
	}
}
