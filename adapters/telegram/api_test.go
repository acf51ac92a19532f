package telegram

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	tgbot "github.com/go-telegram/bot"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// apiCapture is a Bot API that records each request's form and answers
// every request with the same body.
type apiCapture struct {
	mu     sync.Mutex
	forms  []map[string][]string
	answer string
}

func (c *apiCapture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	form := map[string][]string{"_path": {r.URL.Path}}
	if err == nil && mt == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			form[p.FormName()] = append(form[p.FormName()], string(b))
		}
	} else {
		form["_content_type"] = []string{r.Header.Get("Content-Type")}
	}
	c.mu.Lock()
	c.forms = append(c.forms, form)
	answer := c.answer
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, answer)
}

func (c *apiCapture) last() map[string][]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.forms[len(c.forms)-1]
}

// TestSendMessageAsGoTelegram: the adapter's own sendMessage sends the
// form go-telegram's SendMessage sends for the same message (with and
// without buttons) and returns the errors go-telegram returns for the same
// answers, worded the same and matching the same errors.Is / errors.As
// targets call's retry policy looks for.
func TestSendMessageAsGoTelegram(t *testing.T) {
	capture := &apiCapture{}
	srv := httptest.NewServer(capture)
	defer srv.Close()
	const token = "123456:test-token_x"
	a, err := New(token, HandlerFunc(func(context.Context, bot.Event) ([]bot.Message, error) { return nil, nil }),
		sessiontest.DB(t), WithAPIURL(srv.URL), WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const chat = int64(-1001234567890)
	text := "Héllo 👋 <b>&amp;</b> \"quoted\"\n\nsecond line\r\n--boundary-like--"
	markups := []*inlineKeyboard{nil, a.keyboard(chat, []bot.Button{
		{Label: "Yes", Kind: bot.KindRating, Value: "5"}, {Label: "Talk to a person", Kind: bot.KindPerson},
	})}

	answers := []string{
		`{"ok":true,"result":{"message_id":7,"date":1,"chat":{"id":-1001234567890,"type":"private"},"text":"Héllo"}}`,
		`{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`,
		`{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`,
		`{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1009876543210}}`,
		`{"ok":false,"error_code":401,"description":"Unauthorized"}`,
		`{"ok":false,"error_code":404,"description":"Not Found"}`,
		`{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request"}`,
		`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}`,
		`{"ok":false,"error_code":502,"description":"Bad Gateway"}`,
		`<html>502 Bad Gateway</html>`,
	}
	for _, markup := range markups {
		for _, answer := range answers {
			capture.mu.Lock()
			capture.answer = answer
			capture.mu.Unlock()

			p := &tgbot.SendMessageParams{ChatID: chat, Text: text}
			if markup != nil {
				p.ReplyMarkup = markup
			}
			_, theirs := a.api.SendMessage(ctx, p)
			theirForm := capture.last()
			ours := a.sendMessage(ctx, chat, text, markup)
			ourForm := capture.last()

			if !reflect.DeepEqual(ourForm, theirForm) {
				t.Errorf("buttons %v: form\n%v\nwant (go-telegram's)\n%v", markup != nil, ourForm, theirForm)
			}
			if (ours == nil) != (theirs == nil) || (ours != nil && ours.Error() != theirs.Error()) {
				t.Errorf("answer %s: error %v, want (go-telegram's) %v", answer, ours, theirs)
				continue
			}
			for _, target := range []error{tgbot.ErrorForbidden, tgbot.ErrorBadRequest, tgbot.ErrorUnauthorized,
				tgbot.ErrorNotFound, tgbot.ErrorConflict} {
				if errors.Is(ours, target) != errors.Is(theirs, target) {
					t.Errorf("answer %s: errors.Is(%v) = %v, go-telegram's %v", answer, target, errors.Is(ours, target), errors.Is(theirs, target))
				}
			}
			var tm1, tm2 *tgbot.TooManyRequestsError
			if errors.As(ours, &tm1) != errors.As(theirs, &tm2) || (tm1 != nil && *tm1 != *tm2) {
				t.Errorf("answer %s: TooManyRequestsError %+v, go-telegram's %+v", answer, tm1, tm2)
			}
			var m1, m2 *tgbot.MigrateError
			if errors.As(ours, &m1) != errors.As(theirs, &m2) || (m1 != nil && *m1 != *m2) {
				t.Errorf("answer %s: MigrateError %+v, go-telegram's %+v", answer, m1, m2)
			}
		}
	}

	// A network failure: the same words, and the token is not in them.
	srv.Close()
	_, theirs := a.api.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chat, Text: text})
	ours := a.sendMessage(ctx, chat, text, nil)
	if ours == nil || theirs == nil {
		t.Fatalf("closed server: errors %v and %v, want both", ours, theirs)
	}
	if strings.Contains(ours.Error(), token) {
		t.Errorf("the network error shows the token: %v", ours)
	}
	if ours.Error() != theirs.Error() {
		t.Errorf("closed server: error %v, want (go-telegram's) %v", ours, theirs)
	}
}
