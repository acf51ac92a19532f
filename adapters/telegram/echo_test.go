package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	tgbot "github.com/go-telegram/bot"
)

// echoAPI is a Bot API that answers every method with one status and body,
// and counts the connections its clients opened.
func echoAPI(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func echoBot(t *testing.T, srv *httptest.Server, skip bool) *tgbot.Bot {
	t.Helper()
	var c tgbot.HttpClient = srv.Client()
	if skip {
		c = skipEcho{srv.Client()}
	}
	b, err := tgbot.New("123:abc", tgbot.WithSkipGetMe(), tgbot.WithServerURL(srv.URL), tgbot.WithHTTPClient(0, c))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSkipEchoKeepsWhatTheLibraryReports sends through go-telegram with and
// without skipEcho, against a Bot API answering each way Telegram can, and
// requires the same outcome: success, or the same error (type, wrapped
// sentinel, retry_after).
func TestSkipEchoKeepsWhatTheLibraryReports(t *testing.T) {
	echo := `{"ok":true,"result":{"message_id":7,"from":{"id":1,"is_bot":true,"first_name":"Baton"},` +
		`"chat":{"id":42,"type":"private"},"date":1,"text":"` + strings.Repeat("Your order ships soon. ", 30) + `"}}`
	cases := []struct {
		name   string
		status int
		body   string
		ok     bool
	}{
		{"sent, with the echo", 200, echo, true},
		{"sent, the echo spaced out (passed on as it came)", 200, `{ "ok": true, "result": {"message_id": 7} }`, true},
		{"a 200 that is not JSON", 200, `<html>gateway</html>`, false},
		{"a 200 shorter than the prefix", 200, `{}`, false},
		{"an empty 200", 200, ``, false},
		{"a 200 that says not ok", 200, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`, false},
		{"blocked", 403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`, false},
		{"rate limited", 429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`, false},
		{"chat gone", 400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`, false},
		{"server error", 502, `bad gateway`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, _ := echoAPI(t, c.status, c.body)
			ctx := context.Background()
			p := &tgbot.SendMessageParams{ChatID: 42, Text: "hello"}
			_, plain := echoBot(t, srv, false).SendMessage(ctx, p)
			_, skipped := echoBot(t, srv, true).SendMessage(ctx, p)
			if (skipped == nil) != c.ok {
				t.Fatalf("with skipEcho: err = %v, want ok = %v", skipped, c.ok)
			}
			if fmt.Sprint(plain) != fmt.Sprint(skipped) {
				t.Errorf("with skipEcho the library reports %v; without, %v", skipped, plain)
			}
			for _, target := range []error{tgbot.ErrorForbidden, tgbot.ErrorBadRequest} {
				if errors.Is(plain, target) != errors.Is(skipped, target) {
					t.Errorf("errors.Is(%v): %v with skipEcho, %v without", target, errors.Is(skipped, target), errors.Is(plain, target))
				}
			}
			var a, b *tgbot.TooManyRequestsError
			if errors.As(plain, &a) != errors.As(skipped, &b) || (a != nil && a.RetryAfter != b.RetryAfter) {
				t.Errorf("429: %+v with skipEcho, %+v without", b, a)
			}
		})
	}
}

// TestSkipEchoOnlyTouchesSendMessage: another method's answer reaches the
// library whole (getMe's user, here).
func TestSkipEchoOnlyTouchesSendMessage(t *testing.T) {
	srv, _ := echoAPI(t, 200, `{"ok":true,"result":{"id":99,"is_bot":true,"first_name":"Baton","username":"baton_bot"}}`)
	me, err := echoBot(t, srv, true).GetMe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != 99 || me.Username != "baton_bot" {
		t.Errorf("getMe through skipEcho = %+v, want id 99, baton_bot", me)
	}
}

// TestSkipEchoReusesTheConnection: the skipped echo is read to its end, so
// sends one after another share one connection as they did before.
func TestSkipEchoReusesTheConnection(t *testing.T) {
	srv, conns := echoAPI(t, 200, `{"ok":true,"result":{"message_id":7,"text":"`+strings.Repeat("x", 5000)+`"}}`)
	b := echoBot(t, srv, true)
	for i := range 20 {
		if _, err := b.SendMessage(context.Background(), &tgbot.SendMessageParams{ChatID: 42, Text: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("20 sends in a row opened %d connections, want 1", n)
	}
}

// TestSkipEchoDropsTheEcho: what the library reads of a successful
// sendMessage is the empty result, and the echo was read to its end and
// closed.
func TestSkipEchoDropsTheEcho(t *testing.T) {
	echo := &trackedBody{Reader: strings.NewReader(`{"ok":true,"result":{"message_id":7,"text":"a long reply"}}`)}
	c := skipEcho{clientFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: echo}, nil
	})}
	req, _ := http.NewRequest(http.MethodPost, "http://api.invalid/bot1:x/sendMessage", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	if err != nil || string(got) != emptyOK {
		t.Errorf("the library reads %q, %v; want %s", got, err, emptyOK)
	}
	if echo.Len() != 0 || !echo.closed {
		t.Errorf("echo left with %d bytes unread, closed %v; want drained and closed", echo.Len(), echo.closed)
	}
}

type trackedBody struct {
	*strings.Reader
	closed bool
}

func (b *trackedBody) Close() error { b.closed = true; return nil }

// TestSkipEchoPassesReadErrors: a body that breaks before the prefix is
// read reaches the library as a read error, as it would have.
func TestSkipEchoPassesReadErrors(t *testing.T) {
	broken := errors.New("connection reset")
	c := skipEcho{clientFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: io.NopCloser(io.MultiReader(strings.NewReader(`{"ok"`), readErr{broken}))}, nil
	})}
	req, _ := http.NewRequest(http.MethodPost, "http://api.invalid/bot1:x/sendMessage", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	if string(got) != `{"ok"` || !errors.Is(err, broken) {
		t.Errorf("read %q, %v; want {\"ok\" then %v", got, err, broken)
	}
}

type clientFunc func(*http.Request) (*http.Response, error)

func (f clientFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// TestSkipEchoSentIsSentAfterABrokenEcho: a 200 that starts {"ok":true, and
// breaks while the echo is read was delivered by Telegram; the library sees
// a success, so the adapter does not retry and send the message twice.
func TestSkipEchoSentIsSentAfterABrokenEcho(t *testing.T) {
	var calls atomic.Int64
	c := skipEcho{clientFunc(func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		body := io.MultiReader(strings.NewReader(`{"ok":true,"result":{"message_id":7,"te`), readErr{errors.New("connection reset")})
		return &http.Response{StatusCode: 200, Body: io.NopCloser(body)}, nil
	})}
	b, err := tgbot.New("123:abc", tgbot.WithSkipGetMe(), tgbot.WithServerURL("http://api.invalid"), tgbot.WithHTTPClient(0, c))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendMessage(context.Background(), &tgbot.SendMessageParams{ChatID: 42, Text: "hi"}); err != nil {
		t.Errorf("a delivered message whose echo broke: %v, want success", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d requests, want 1 (no second send)", n)
	}
}
