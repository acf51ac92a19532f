package telegram

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	tgbot "github.com/go-telegram/bot"
)

// Telegram answers a sendMessage with the message it just sent: the whole
// text again, the chat, the sender, the keyboard. go-telegram decodes that
// echo twice (the response envelope, then a models.Message) and the
// adapter never reads it: for the core's ~700-character replies that was
// about a twentieth of a message's CPU in the webhook benchmark (callgrind,
// issue 11). skipEcho sits between the library and the Bot API client and
// hands the library a successful sendMessage answer as
// {"ok":true,"result":{}}. Every other answer (any other method, any HTTP
// status but 200, a body that does not start with {"ok":true,) reaches the
// library byte for byte, so its errors (403, 429 with retry_after, 400
// descriptions) are what they were.
type skipEcho struct{ c tgbot.HttpClient }

// okPrefix is how every successful Bot API answer starts (compact JSON,
// "ok" first).
const okPrefix = `{"ok":true,`

// emptyOK is what the library reads instead of the echo.
const emptyOK = `{"ok":true,"result":{}}`

func (s skipEcho) Do(req *http.Request) (*http.Response, error) {
	resp, err := s.c.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasSuffix(req.URL.Path, "/sendMessage") {
		return resp, err
	}
	var head [len(okPrefix)]byte
	n, rerr := io.ReadFull(resp.Body, head[:])
	if rerr != nil || string(head[:]) != okPrefix {
		// Not the answer this expects (or a short read): the library reads
		// exactly what came, the bytes read here first, then the rest, and
		// whatever read error there was.
		var rest io.Reader = resp.Body
		if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
			rest = readErr{rerr}
		}
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(head[:n]), rest), resp.Body}
		return resp, nil
	}
	// Sent. Drain the echo so the connection is reused; a failure to read
	// the rest of it does not unsend the message.
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(emptyOK))
	resp.ContentLength = int64(len(emptyOK))
	return resp, nil
}

// readErr is a reader that fails with err.
type readErr struct{ err error }

func (r readErr) Read([]byte) (int, error) { return 0, r.err }

type readCloser struct {
	io.Reader
	io.Closer
}
