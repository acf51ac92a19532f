// Package telegramtest is a fake Telegram Bot API server for tests. The real
// go-telegram/bot client (and Baton's own getUpdates loop) talk to it over
// HTTP exactly as to api.telegram.org: it accepts multipart, JSON and
// url-encoded bodies, long-polls getUpdates with Telegram's offset
// semantics, delivers updates to a registered webhook with its secret,
// checks what Telegram checks (4,096-character limit, HTML/MarkdownV2
// entities, inline keyboards), and can inject failures (429 with
// retry_after, 5xx, dropped connections, a customer who blocked the bot).
//
// Tests wait for what they expect with Wait*, which wake on each API call:
// no sleeping.
package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// Token is the bot token the server accepts unless New is given another.
const Token = "123456:TEST-telegramtest-token"

// BotUsername is the fake bot's @username (getMe).
const BotUsername = "BatonTestBot"

// BotID is the fake bot's user id (the number before ':' in Token).
const BotID int64 = 123456

// MaxMessageLen is Telegram's limit for one text message, in UTF-16 code
// units as Telegram counts them.
const MaxMessageLen = 4096

// WaitTimeout bounds every Wait: a guard against a hung test, not a
// timing assertion.
var WaitTimeout = 20 * time.Second

// Update is one Telegram update as JSON fields. The server fills
// update_id when it is missing.
type Update map[string]any

// Call is one API request the server answered.
type Call struct {
	Seq    int               // order of arrival, from 1
	Method string            // "sendMessage", ...
	Params map[string]string // form values; JSON objects as JSON text
	Body   string            // "multipart", "json", "form" or "none"
	Code   int               // 200, or the error code returned
	At     time.Time
}

// ChatID is the chat_id parameter as a number (0 when absent).
func (c Call) ChatID() int64 {
	id, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	return id
}

// Text is the text parameter.
func (c Call) Text() string { return c.Params["text"] }

// OK reports whether the call succeeded.
func (c Call) OK() bool { return c.Code == http.StatusOK }

// Fault is an error the server returns instead of handling a call.
type Fault struct {
	Code        int    // HTTP and Bot API error code: 429, 500, 502, 403, ...; Drop closes the connection
	Description string // defaults to Telegram's wording for the code
	RetryAfter  int    // seconds, for 429
}

// Drop as a Fault.Code closes the connection without an answer (a network
// failure as the client sees it).
const Drop = -1

// Pass as a Fault.Code lets the call through, handled as usual: to fail a
// later call, Fail(method, Fault{Code: Pass}, Fault{Code: 400}).
const Pass = 0

// Webhook is what setWebhook registered.
type Webhook struct {
	URL            string
	Secret         string
	AllowedUpdates []string
	MaxConnections int
}

// Server is the fake Bot API. Make one with New.
type Server struct {
	URL   string // base URL: bot.WithServerURL / TELEGRAM_API_URL
	token string
	srv   *httptest.Server

	// OnSend, when set before traffic starts, is called (outside the lock)
	// for every successful sendMessage: benchmarks use it to measure.
	OnSend func(c Call)
	// KeepCalls false stops recording calls (long benchmarks); Wait* then
	// see nothing.
	KeepCalls bool

	seq      atomic.Int64
	updateID atomic.Int64
	msgID    atomic.Int64

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every change
	calls    []Call
	pending  []pending // updates not yet confirmed by a getUpdates offset
	faults   map[string][]Fault
	blocked  map[int64]bool
	holds    map[int64]chan struct{} // chats whose sendMessage calls wait until released
	held     map[int64]int           // sendMessage calls waiting in a hold now
	webhook  *Webhook
	pollers  int
	closed   bool
	hookHTTP *http.Client
}

type pending struct {
	id  int64
	raw json.RawMessage
}

// New starts a server for the test and closes it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := NewServer(Token)
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a server accepting token. Close it when done.
func NewServer(token string) *Server {
	s := &Server{
		token:     token,
		KeepCalls: true,
		changed:   make(chan struct{}),
		faults:    map[string][]Fault{},
		blocked:   map[int64]bool{},
		holds:     map[int64]chan struct{}{},
		held:      map[int64]int{},
		hookHTTP: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: 200, MaxIdleConnsPerHost: 200, IdleConnTimeout: 30 * time.Second,
		}},
	}
	s.updateID.Store(1000)
	s.msgID.Store(5000)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server and wakes long polls.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.notifyLocked()
	s.mu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
	s.hookHTTP.CloseIdleConnections()
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Fail makes the next len(faults) calls of method fail, in order.
func (s *Server) Fail(method string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], faults...)
}

// Block makes the chat answer 403 "bot was blocked by the user", as when a
// customer blocks the bot; Unblock undoes it.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// Hold makes sendMessage calls to chatID wait until release is called, to
// catch a replica in the middle of sending (and kill it there). A held call
// whose client goes away (a killed process) ends without a message, as a
// request that never reached Telegram; Held counts the calls waiting.
func (s *Server) Hold(chatID int64) (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.holds[chatID] = ch
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			if s.holds[chatID] == ch {
				delete(s.holds, chatID)
			}
			s.mu.Unlock()
			close(ch)
		})
	}
}

// Held is how many sendMessage calls to chatID wait in a Hold now.
func (s *Server) Held(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held[chatID]
}

// hold waits while sendMessage calls to the call's chat are held; false
// when the client went away meanwhile (the call is then dropped).
func (s *Server) hold(r *http.Request, call Call) bool {
	if call.Method != "sendMessage" {
		return true
	}
	chat, err := strconv.ParseInt(call.Params["chat_id"], 10, 64)
	if err != nil {
		return true
	}
	s.mu.Lock()
	ch := s.holds[chat]
	if ch == nil {
		s.mu.Unlock()
		return true
	}
	s.held[chat]++
	s.notifyLocked()
	s.mu.Unlock()
	gone := false
	select {
	case <-ch:
	case <-r.Context().Done():
		gone = true
	}
	s.mu.Lock()
	s.held[chat]--
	s.notifyLocked()
	s.mu.Unlock()
	if gone {
		s.record(call, Drop)
	}
	return !gone
}

// Unblock undoes Block.
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, chatID)
}

// Webhook returns the registered webhook, or nil.
func (s *Server) Webhook() *Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook == nil {
		return nil
	}
	w := *s.webhook
	return &w
}

// Push queues updates for getUpdates and returns their update_ids.
func (s *Server) Push(updates ...Update) []int64 {
	ids := make([]int64, 0, len(updates))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range updates {
		id, raw := s.stamp(u)
		s.pending = append(s.pending, pending{id: id, raw: raw})
		ids = append(ids, id)
	}
	s.notifyLocked()
	return ids
}

// Pending counts the updates no getUpdates offset has confirmed yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// stamp fills update_id and encodes the update.
func (s *Server) stamp(u Update) (int64, json.RawMessage) {
	var id int64
	switch v := u["update_id"].(type) {
	case int64:
		id = v
	case int:
		id = int64(v)
	default:
		id = s.updateID.Add(1)
		u["update_id"] = id
	}
	raw, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: update does not encode: %v", err)) // a broken test, not input
	}
	return id, raw
}

// Deliver posts an update to the registered webhook with the registered
// secret, as Telegram does, and returns the HTTP status and update_id.
func (s *Server) Deliver(ctx context.Context, u Update) (status int, id int64, err error) {
	w := s.Webhook()
	if w == nil {
		return 0, 0, fmt.Errorf("telegramtest: no webhook registered")
	}
	return s.DeliverTo(ctx, w.URL, w.Secret, u)
}

// DeliverTo posts an update to url with secret as the
// X-Telegram-Bot-Api-Secret-Token header ("" sends none).
func (s *Server) DeliverTo(ctx context.Context, url, secret string, u Update) (status int, id int64, err error) {
	s.mu.Lock()
	id, raw := s.stamp(u)
	s.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return 0, id, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := s.hookHTTP.Do(req)
	if err != nil {
		return 0, id, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, id, nil
}

// Calls returns the recorded calls, of the given methods when any are named.
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.calls, methods)
}

func filter(calls []Call, methods []string) []Call {
	out := []Call{}
	for _, c := range calls {
		if len(methods) == 0 || contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Sent returns the texts successfully sent to chat, in order.
func (s *Server) Sent(chatID int64) []string {
	var out []string
	for _, c := range s.Calls("sendMessage") {
		if c.OK() && c.ChatID() == chatID {
			out = append(out, c.Text())
		}
	}
	return out
}

// Wait blocks until cond holds for the recorded calls and returns them.
// The test fails after WaitTimeout.
func (s *Server) Wait(t testing.TB, what string, cond func(calls []Call) bool) []Call {
	t.Helper()
	calls, ok := s.Until(WaitTimeout, cond)
	if !ok {
		t.Fatalf("telegramtest: still waiting for %s after %v; calls so far:\n%s", what, WaitTimeout, Describe(calls))
	}
	return calls
}

// Until blocks until cond holds for the recorded calls, re-checking on
// every change, or until d passes; it returns the calls and whether cond
// held. Unlike Wait it may run on any goroutine (it fails no test).
func (s *Server) Until(d time.Duration, cond func(calls []Call) bool) ([]Call, bool) {
	timeout := time.NewTimer(d)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		calls := append([]Call(nil), s.calls...)
		ch := s.changed
		s.mu.Unlock()
		if cond(calls) {
			return calls, true
		}
		select {
		case <-ch:
		case <-timeout.C:
			return calls, false
		}
	}
}

// WaitConfirmed waits until getUpdates offsets confirmed every pushed
// update (Telegram has forgotten them).
func (s *Server) WaitConfirmed(t testing.TB) {
	t.Helper()
	s.Wait(t, "all updates confirmed by a getUpdates offset", func([]Call) bool { return s.Pending() == 0 })
}

// WaitSent waits until n messages were successfully sent to chat and
// returns their texts.
func (s *Server) WaitSent(t testing.TB, chatID int64, n int) []string {
	t.Helper()
	s.Wait(t, fmt.Sprintf("%d messages to chat %d", n, chatID), func(calls []Call) bool {
		got := 0
		for _, c := range calls {
			if c.Method == "sendMessage" && c.OK() && c.ChatID() == chatID {
				got++
			}
		}
		return got >= n
	})
	return s.Sent(chatID)
}

// WaitCalls waits until n calls of method were made and returns them.
func (s *Server) WaitCalls(t testing.TB, method string, n int) []Call {
	t.Helper()
	calls := s.Wait(t, fmt.Sprintf("%d %s calls", n, method), func(calls []Call) bool {
		return len(filter(calls, []string{method})) >= n
	})
	return filter(calls, []string{method})
}

// Describe renders calls for a failure message.
func Describe(calls []Call) string {
	var b strings.Builder
	for _, c := range calls {
		text := c.Params["text"]
		if len(text) > 60 {
			text = text[:60] + "…"
		}
		fmt.Fprintf(&b, "  #%d %s chat=%s code=%d %q\n", c.Seq, c.Method, c.Params["chat_id"], c.Code, text)
	}
	return b.String()
}

// --- HTTP side ---

type apiError struct {
	code int
	desc string
	wait int
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// /bot<token>/<method>
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		writeErr(w, apiError{code: 404, desc: "Not Found"})
		return
	}
	token, method, ok := strings.Cut(rest, "/")
	if !ok || method == "" {
		writeErr(w, apiError{code: 404, desc: "Not Found"})
		return
	}
	params, kind, err := readParams(r)
	call := Call{Seq: int(s.seq.Add(1)), Method: method, Params: params, Body: kind, At: time.Now()}
	if token != s.token {
		s.finish(w, call, nil, &apiError{code: 401, desc: "Unauthorized"})
		return
	}
	if err != nil {
		s.finish(w, call, nil, &apiError{code: 400, desc: "Bad Request: " + err.Error()})
		return
	}
	if !s.hold(r, call) {
		return
	}
	if f, ok := s.fault(method); ok && f.Code != Pass {
		if f.Code == Drop {
			s.record(call, Drop)
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		s.finish(w, call, nil, &apiError{code: f.Code, desc: f.describe(), wait: f.RetryAfter})
		return
	}
	if method == "getUpdates" {
		s.getUpdates(w, r, call)
		return
	}
	result, aerr := s.handle(call)
	s.finish(w, call, result, aerr)
}

func (f Fault) describe() string {
	if f.Description != "" {
		return f.Description
	}
	switch f.Code {
	case 429:
		return fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
	case 403:
		return "Forbidden: bot was blocked by the user"
	case 400:
		return "Bad Request"
	case 502:
		return "Bad Gateway"
	default:
		return "Internal Server Error"
	}
}

func (s *Server) fault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[method]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.faults[method] = q[1:]
	return q[0], true
}

func (s *Server) finish(w http.ResponseWriter, call Call, result any, aerr *apiError) {
	code := http.StatusOK
	if aerr != nil {
		code = aerr.code
	}
	s.record(call, code)
	if aerr != nil {
		writeErr(w, *aerr)
		return
	}
	writeOK(w, result)
	if call.Method == "sendMessage" && s.OnSend != nil {
		call.Code = code
		s.OnSend(call)
	}
}

func (s *Server) record(call Call, code int) {
	call.Code = code
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.KeepCalls {
		s.calls = append(s.calls, call)
	}
	s.notifyLocked()
}

func writeOK(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func writeErr(w http.ResponseWriter, e apiError) {
	body := map[string]any{"ok": false, "error_code": e.code, "description": e.desc}
	if e.wait > 0 {
		body["parameters"] = map[string]any{"retry_after": e.wait}
	}
	w.Header().Set("Content-Type", "application/json")
	status := e.code
	if status < 100 || status > 599 {
		status = http.StatusInternalServerError
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// readParams accepts the three encodings the Bot API accepts.
func readParams(r *http.Request) (map[string]string, string, error) {
	// Read the body to its end whatever happens, so the HTTP server
	// notices when a long-polling client hangs up.
	defer func() { _, _ = io.Copy(io.Discard, r.Body) }()
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			if errors.Is(err, io.EOF) {
				// The client sends a multipart header with an empty body
				// for methods without parameters; Telegram accepts it.
				return out, "multipart", nil
			}
			return out, "multipart", fmt.Errorf("bad multipart body: %v", err)
		}
		for k, v := range r.MultipartForm.Value {
			out[k] = v[0]
		}
		return out, "multipart", nil
	case "application/json":
		var m map[string]any
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil && err != io.EOF {
			return out, "json", fmt.Errorf("bad JSON body: %v", err)
		}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				out[k] = v
			case json.Number:
				out[k] = v.String()
			default:
				b, _ := json.Marshal(v)
				out[k] = string(b)
			}
		}
		return out, "json", nil
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return out, "form", fmt.Errorf("bad form body: %v", err)
		}
		for k, v := range r.PostForm {
			out[k] = v[0]
		}
		return out, "form", nil
	}
	return out, "none", nil
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, call Call) {
	offset, _ := strconv.ParseInt(call.Params["offset"], 10, 64)
	limit, _ := strconv.Atoi(call.Params["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(call.Params["timeout"])

	s.mu.Lock()
	if s.webhook != nil {
		s.mu.Unlock()
		s.finish(w, call, nil, &apiError{code: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})
		return
	}
	if s.pollers > 0 {
		s.mu.Unlock()
		s.finish(w, call, nil, &apiError{code: 409, desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"})
		return
	}
	s.pollers++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.pollers--
		s.mu.Unlock()
	}()

	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		// An offset confirms every update below it: Telegram forgets them.
		if offset != 0 {
			keep := s.pending[:0]
			for _, p := range s.pending {
				if p.id >= offset {
					keep = append(keep, p)
				}
			}
			if len(keep) != len(s.pending) {
				s.pending = keep
				s.notifyLocked() // WaitConfirmed
			}
		}
		var out []json.RawMessage
		for _, p := range s.pending {
			if len(out) == limit {
				break
			}
			out = append(out, p.raw)
		}
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		if len(out) > 0 || timeout == 0 || closed {
			if out == nil {
				out = []json.RawMessage{}
			}
			s.finish(w, call, out, nil)
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			timeout = 0
		case <-r.Context().Done():
			s.record(call, 499) // client went away (shutdown): nothing is confirmed
			return
		}
	}
}

// handle answers every method except getUpdates.
func (s *Server) handle(c Call) (any, *apiError) {
	p := c.Params
	switch c.Method {
	case "getMe":
		return map[string]any{"id": BotID, "is_bot": true, "first_name": "Baton", "username": BotUsername,
			"can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false}, nil
	case "setWebhook":
		if p["url"] == "" {
			return nil, &apiError{code: 400, desc: "Bad Request: bad webhook: an HTTPS URL must be provided for webhook"}
		}
		if sec := p["secret_token"]; sec != "" && !secretRe.MatchString(sec) {
			return nil, &apiError{code: 400, desc: "Bad Request: secret token contains unallowed characters"}
		}
		wh := &Webhook{URL: p["url"], Secret: p["secret_token"]}
		if au := p["allowed_updates"]; au != "" {
			_ = json.Unmarshal([]byte(au), &wh.AllowedUpdates)
		}
		wh.MaxConnections, _ = strconv.Atoi(p["max_connections"])
		s.mu.Lock()
		s.webhook = wh
		s.mu.Unlock()
		return true, nil
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook = nil
		if p["drop_pending_updates"] == "true" {
			s.pending = nil
		}
		s.mu.Unlock()
		return true, nil
	case "getWebhookInfo":
		w := s.Webhook()
		if w == nil {
			return map[string]any{"url": "", "pending_update_count": s.Pending()}, nil
		}
		return map[string]any{"url": w.URL, "pending_update_count": 0, "has_custom_certificate": false}, nil
	case "sendMessage":
		return s.sendMessage(p)
	case "sendChatAction":
		chat, err := chatID(p)
		if err != nil {
			return nil, err
		}
		if !contains(chatActions, p["action"]) {
			return nil, &apiError{code: 400, desc: "Bad Request: wrong parameter action in request"}
		}
		if s.isBlocked(chat) {
			return nil, &apiError{code: 403, desc: "Forbidden: bot was blocked by the user"}
		}
		return true, nil
	case "answerCallbackQuery":
		if p["callback_query_id"] == "" {
			return nil, &apiError{code: 400, desc: "Bad Request: QUERY_ID_INVALID"}
		}
		return true, nil
	case "editMessageReplyMarkup":
		chat, err := chatID(p)
		if err != nil {
			return nil, err
		}
		id, _ := strconv.Atoi(p["message_id"])
		if id == 0 {
			return nil, &apiError{code: 400, desc: "Bad Request: message identifier is not specified"}
		}
		if rm := p["reply_markup"]; rm != "" {
			if e := checkMarkup(rm); e != nil {
				return nil, e
			}
		}
		return message(chat, id, ""), nil
	}
	return nil, &apiError{code: 404, desc: "Not Found: method not found"}
}

var (
	secretRe    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	chatActions = []string{"typing", "upload_photo", "record_video", "upload_video", "record_voice",
		"upload_voice", "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}
)

func (s *Server) isBlocked(chat int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blocked[chat]
}

func chatID(p map[string]string) (int64, *apiError) {
	id, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil || id == 0 {
		return 0, &apiError{code: 400, desc: "Bad Request: chat not found"}
	}
	return id, nil
}

func message(chat int64, id int, text string) map[string]any {
	m := map[string]any{
		"message_id": id,
		"date":       time.Now().Unix(),
		"chat":       map[string]any{"id": chat, "type": "private"},
		"from":       map[string]any{"id": BotID, "is_bot": true, "first_name": "Baton", "username": BotUsername},
	}
	if text != "" {
		m["text"] = text
	}
	return m
}

func (s *Server) sendMessage(p map[string]string) (any, *apiError) {
	chat, aerr := chatID(p)
	if aerr != nil {
		return nil, aerr
	}
	text := p["text"]
	switch {
	case !utf8.ValidString(text):
		return nil, &apiError{code: 400, desc: "Bad Request: text must be encoded in UTF-8"}
	case strings.TrimSpace(text) == "":
		return nil, &apiError{code: 400, desc: "Bad Request: message text is empty"}
	}
	visible := text
	switch p["parse_mode"] {
	case "":
	case "HTML":
		v, err := checkHTML(text)
		if err != "" {
			return nil, &apiError{code: 400, desc: "Bad Request: can't parse entities: " + err}
		}
		visible = v
	case "MarkdownV2":
		if err := checkMarkdownV2(text); err != "" {
			return nil, &apiError{code: 400, desc: "Bad Request: can't parse entities: " + err}
		}
	default:
		return nil, &apiError{code: 400, desc: "Bad Request: unsupported parse_mode"}
	}
	// Counted without copying: the fake's work per byte of a reply is
	// charged to the core in the webhook benchmarks, and Telegram's is not.
	if n := utf16Len(visible); n > MaxMessageLen {
		return nil, &apiError{code: 400, desc: "Bad Request: message is too long"}
	}
	if rm := p["reply_markup"]; rm != "" {
		if e := checkMarkup(rm); e != nil {
			return nil, e
		}
	}
	if s.isBlocked(chat) {
		return nil, &apiError{code: 403, desc: "Forbidden: bot was blocked by the user"}
	}
	return message(chat, int(s.msgID.Add(1)), text), nil
}

// checkMarkup validates an inline keyboard the way Telegram does.
func checkMarkup(raw string) *apiError {
	var m struct {
		InlineKeyboard [][]map[string]json.RawMessage `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return &apiError{code: 400, desc: "Bad Request: can't parse reply keyboard markup JSON object"}
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			var text string
			_ = json.Unmarshal(b["text"], &text)
			if text == "" {
				return &apiError{code: 400, desc: "Bad Request: can't parse inline keyboard button: Text must be non-empty"}
			}
			if ct, ok := b["copy_text"]; ok {
				var c struct {
					Text string `json:"text"`
				}
				_ = json.Unmarshal(ct, &c)
				if c.Text == "" {
					return &apiError{code: 400, desc: "Bad Request: BUTTON_COPY_TEXT_INVALID"}
				}
			}
			actions := 0
			for _, k := range []string{"url", "callback_data", "web_app", "login_url", "switch_inline_query",
				"switch_inline_query_current_chat", "copy_text", "callback_game", "pay"} {
				if _, ok := b[k]; ok {
					actions++
				}
			}
			if actions != 1 {
				return &apiError{code: 400, desc: "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"}
			}
			if cd, ok := b["callback_data"]; ok {
				var data string
				_ = json.Unmarshal(cd, &data)
				if len(data) == 0 || len(data) > 64 {
					return &apiError{code: 400, desc: "Bad Request: BUTTON_DATA_INVALID"}
				}
			}
		}
	}
	return nil
}

var htmlTags = map[string]bool{"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "a": true, "code": true, "pre": true, "tg-spoiler": true,
	"span": true, "blockquote": true, "tg-emoji": true}

// checkHTML parses Telegram's HTML subset and returns the visible text, or
// what is wrong in Telegram's words.
func checkHTML(s string) (string, string) {
	var visible strings.Builder
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", fmt.Sprintf("unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+end]
			closing := strings.HasPrefix(tag, "/")
			name := strings.TrimPrefix(tag, "/")
			if sp := strings.IndexAny(name, " \t\n"); sp >= 0 {
				name = name[:sp]
			}
			if !htmlTags[strings.ToLower(name)] {
				return "", fmt.Sprintf("unsupported start tag %q at byte offset %d", name, i)
			}
			if closing {
				if len(stack) == 0 || stack[len(stack)-1] != name {
					return "", fmt.Sprintf("unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, last(stack), name)
				}
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, name)
			}
			i += end + 1
		case '&':
			end := strings.IndexByte(s[i:], ';')
			if end < 0 || !validEntity(s[i+1:i+end]) {
				return "", fmt.Sprintf("unsupported entity at byte offset %d", i)
			}
			visible.WriteByte('x')
			i += end + 1
		case '>':
			// Telegram accepts a bare '>' in text.
			visible.WriteByte('>')
			i++
		default:
			visible.WriteByte(s[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Sprintf("can't find end tag corresponding to start tag \"%s\"", last(stack))
	}
	return visible.String(), ""
}

func last(stack []string) string {
	if len(stack) == 0 {
		return ""
	}
	return stack[len(stack)-1]
}

func validEntity(e string) bool {
	switch e {
	case "lt", "gt", "amp", "quot":
		return true
	}
	if strings.HasPrefix(e, "#x") {
		_, err := strconv.ParseUint(e[2:], 16, 32)
		return err == nil
	}
	if strings.HasPrefix(e, "#") {
		_, err := strconv.ParseUint(e[1:], 10, 32)
		return err == nil
	}
	return false
}

// checkMarkdownV2 rejects reserved characters that are neither escaped nor
// balanced formatting, as Telegram does.
func checkMarkdownV2(s string) string {
	counts := map[rune]int{}
	escaped := false
	for i, r := range s {
		if escaped {
			escaped = false
			continue
		}
		switch r {
		case '\\':
			escaped = true
		case '_', '*', '~', '`', '[', ']', '(', ')':
			counts[r]++
		case '>', '#', '+', '-', '=', '|', '{', '}', '.', '!':
			return fmt.Sprintf("character '%c' is reserved and must be escaped with the preceding '\\' at byte offset %d", r, i)
		}
	}
	keys := make([]rune, 0, len(counts))
	for r := range counts {
		keys = append(keys, r)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, r := range keys {
		if r != '[' && r != ']' && r != '(' && r != ')' && counts[r]%2 != 0 {
			return fmt.Sprintf("can't find end of %c entity", r)
		}
	}
	if counts['['] != counts[']'] || counts['('] != counts[')'] {
		return "can't find end of a link entity"
	}
	return ""
}
