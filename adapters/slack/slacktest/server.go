// Package slacktest is a fake Slack for tests: an httptest server that
// answers the Web API methods Baton uses (auth.test, chat.postMessage,
// chat.update, chat.postEphemeral, chat.getPermalink, users.info,
// conversations.history, apps.connections.open) the way Slack does, and a WebSocket endpoint that
// speaks the Socket Mode envelopes (hello, events_api, interactive,
// disconnect, acks, pings). The real slack-go client and its socketmode
// package run against it unchanged.
//
// It keeps what was posted so tests can assert on it, validates Block Kit
// against Slack's documented limits (so a card too big for Slack fails here
// too), checks tokens, and can fail calls on demand (429 with Retry-After,
// 5xx, API errors, or "down" altogether).
package slacktest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// Identities of the fake workspace.
const (
	BotToken  = "xoxb-slacktest-bot"
	AppToken  = "xapp-slacktest-app"
	BotUserID = "UBATONBOT"
	BotID     = "BBATONBOT"
	TeamID    = "TSLACKTEST"
	AppID     = "ASLACKTEST"
)

// DefaultTimeout bounds every Wait; reaching it fails the test.
const DefaultTimeout = 15 * time.Second

// Message is a message as the fake stores it.
type Message struct {
	Channel   string
	TS        string
	ThreadTS  string // "" for a top-level message
	User      string
	BotID     string
	Text      string
	Blocks    json.RawMessage // the blocks as last posted or updated; nil when none
	Mrkdwn    bool            // false when posted with mrkdwn=false
	Broadcast bool            // thread reply also sent to the channel
	Edits     int             // chat.update calls applied
	// Metadata is the message metadata as posted ({"event_type",
	// "event_payload"}); nil when none. conversations.history returns it
	// with include_all_metadata.
	Metadata json.RawMessage
}

// IsBot reports whether the bot posted the message.
func (m Message) IsBot() bool { return m.BotID != "" }

// TopLevel reports whether the message is not a thread reply.
func (m Message) TopLevel() bool { return m.ThreadTS == "" || m.ThreadTS == m.TS }

// BlockText is every text object of the message's blocks, joined by
// newlines, for assertions ("does the card say who claimed it").
func (m Message) BlockText() string {
	var blocks []any
	if len(m.Blocks) == 0 || json.Unmarshal(m.Blocks, &blocks) != nil {
		return ""
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if t, ok := v["type"].(string); ok && (t == "mrkdwn" || t == "plain_text") {
				if s, ok := v["text"].(string); ok {
					out = append(out, s)
				}
			}
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			// Block order matters, key order does not; sort keys so the
			// result is stable.
			slices.Sort(keys)
			for _, k := range keys {
				walk(v[k])
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(blocks)
	return strings.Join(out, "\n")
}

// Button is an interactive button found in a message's blocks.
type Button struct {
	ActionID string
	Text     string
	Value    string
	Style    string
}

// Buttons lists the message's buttons in order.
func (m Message) Buttons() []Button {
	var blocks []struct {
		Type     string          `json:"type"`
		Elements json.RawMessage `json:"elements"`
	}
	if len(m.Blocks) == 0 || json.Unmarshal(m.Blocks, &blocks) != nil {
		return nil
	}
	var out []Button
	for _, b := range blocks {
		if b.Type != "actions" {
			continue
		}
		var els []struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
			Style    string `json:"style"`
			Text     struct {
				Text string `json:"text"`
			} `json:"text"`
		}
		if json.Unmarshal(b.Elements, &els) != nil {
			continue
		}
		for _, e := range els {
			if e.Type == "button" {
				out = append(out, Button{ActionID: e.ActionID, Text: e.Text.Text, Value: e.Value, Style: e.Style})
			}
		}
	}
	return out
}

// Ephemeral is a message only one user sees.
type Ephemeral struct {
	Channel, User, Text string
	ThreadTS            string // the thread it shows in; "" for the channel
}

// Failure is what a failed Web API call answers.
type Failure struct {
	Status     int    // HTTP status; 0 means 200 with an API error
	RetryAfter string // Retry-After header for a 429 ("0", "1", ...)
	Error      string // API error for Status 0 ("channel_not_found")
	// Done makes the call do its work first (a post is stored) and answer
	// the failure after, as Slack may with internal_error or a 5xx.
	Done bool
}

// Server is the fake Slack. Create it with New.
type Server struct {
	// URL is the Web API base URL with a trailing slash (SLACK_API_URL).
	URL string
	// Timeout bounds Wait and friends (DefaultTimeout).
	Timeout time.Duration
	// PingInterval is how often the WebSocket pings clients (Slack does,
	// and slack-go reconnects when pings stop).
	PingInterval time.Duration

	hs *httptest.Server

	mu         sync.Mutex
	notify     chan struct{}
	messages   []*Message
	ephemeral  []Ephemeral
	users      map[string]slack.User
	calls      map[string]int
	failures   map[string][]Failure
	threadFail map[string][]Failure // chat.postMessage into a thread: its next failures (FailThreadPosts)
	down       bool
	archived   map[string]bool // channels archived: posts and updates there answer is_archived
	conns      map[*wsConn]struct{}
	connects   int
	acks       map[string]bool
	nextTS     int64
	nextID     int
	echo       bool
	apiErrors  []string
	spread     bool                     // Send picks the open connections in turn
	lastSeq    int                      // the connection Send used last (spread)
	retry      time.Duration            // redeliver envelopes not acked within this; 0 = never
	holds      map[string]chan struct{} // Web API methods held until released
	answers    map[string]chan struct{} // Web API methods whose answers are held until released
	held       map[string]int           // calls waiting in a hold now
	closing    chan struct{}            // closed by Close: held calls and retries stop
}

// New starts a fake Slack and stops it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		Timeout:      DefaultTimeout,
		PingInterval: 2 * time.Second,
		notify:       make(chan struct{}),
		// The bot's own user, as users.info shows it (is_bot).
		users:      map[string]slack.User{BotUserID: {ID: BotUserID, Name: "baton", TeamID: TeamID, IsBot: true}},
		threadFail: map[string][]Failure{},
		archived:   map[string]bool{},
		calls:      map[string]int{},
		failures:   map[string][]Failure{},
		conns:      map[*wsConn]struct{}{},
		acks:       map[string]bool{},
		nextTS:     time.Now().UnixMicro(), // like Slack's: about now

		holds:   map[string]chan struct{}{},
		answers: map[string]chan struct{}{},
		held:    map[string]int{},
		closing: make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/socket", s.serveSocket)
	s.hs = httptest.NewServer(mux)
	s.URL = s.hs.URL + "/api/"
	t.Cleanup(s.Close)
	return s
}

// Close drops every socket and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closing:
	default:
		close(s.closing) // held calls return, so hs.Close does not wait for them
	}
	conns := make([]*wsConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	s.hs.Close()
}

// Client returns a slack-go client for the fake with both tokens set.
func (s *Server) Client(opts ...slack.Option) *slack.Client {
	opts = append([]slack.Option{slack.OptionAPIURL(s.URL), slack.OptionAppLevelToken(AppToken)}, opts...)
	return slack.New(BotToken, opts...)
}

// AddUser registers a workspace member for users.info.
func (s *Server) AddUser(id, displayName, realName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := slack.User{ID: id, Name: strings.ToLower(strings.ReplaceAll(realName, " ", ".")), RealName: realName, TeamID: TeamID}
	u.Profile.DisplayName = displayName
	u.Profile.RealName = realName
	s.users[id] = u
}

// FailNext makes the next len(f) calls of method fail, in order.
func (s *Server) FailNext(method string, f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], f...)
}

// ClearFailures drops the failures FailNext (and, for chat.postMessage,
// FailThreadPosts) queued for method and not used yet.
func (s *Server) ClearFailures(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.failures, method)
	if method == "chat.postMessage" {
		clear(s.threadFail)
	}
}

// FailThreadPosts makes the next len(f) chat.postMessage calls into the
// thread under thread fail, in order (after any FailNext failures): one
// thread broken while the rest of Slack works.
func (s *Server) FailThreadPosts(thread string, f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.threadFail[thread] = append(s.threadFail[thread], f...)
}

// DeleteMessage deletes the message ts, as a person in Slack may: posts in
// its thread then answer thread_not_found and updates message_not_found.
// Its replies stay (Thread still lists them). It reports whether there
// was such a message.
func (s *Server) DeleteMessage(ts string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, m := range s.messages {
		if m.TS == ts {
			s.messages = append(s.messages[:i:i], s.messages[i+1:]...)
			s.changedLocked()
			return true
		}
	}
	return false
}

// Archive archives channel: posts and updates in it answer is_archived.
func (s *Server) Archive(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.archived[channel] = true
	s.changedLocked()
}

// SetDown makes every Web API call answer 503 (Slack is down) until
// SetDown(false).
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.changedLocked()
	s.mu.Unlock()
}

// EchoBotMessages makes the fake send the bot's own posts back as message
// events over Socket Mode, as Slack does for channels the app is in.
func (s *Server) EchoBotMessages(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.echo = on
}

// Hold makes every call of the Web API method wait, from now until
// release is called (or the caller goes away, or the fake closes): a test
// catches a replica in the middle of its work this way.
func (s *Server) Hold(method string) (release func()) { return s.hold(s.holds, method) }

// HoldAnswer makes every call of the Web API method do its work (a post
// is stored: Messages and Until see it) and then wait before answering,
// from now until release is called (or the caller goes away, or the fake
// closes): Slack shows what its caller does not know yet, as when an
// agent answers a card before Baton has the card's ts back.
func (s *Server) HoldAnswer(method string) (release func()) { return s.hold(s.answers, method) }

func (s *Server) hold(holds map[string]chan struct{}, method string) (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	holds[method] = ch
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			if holds[method] == ch {
				delete(holds, method)
			}
			s.mu.Unlock()
			close(ch)
		})
	}
}

// wait keeps a call of method in its hold until the hold is released, the
// caller goes away or the fake closes; Held counts it meanwhile. It
// reports whether the caller is still there to be answered.
func (s *Server) wait(hold chan struct{}, method string, r *http.Request) bool {
	select {
	case <-hold:
	case <-r.Context().Done(): // the client is gone (killed)
	case <-s.closing:
	}
	s.mu.Lock()
	s.held[method]--
	s.changedLocked()
	s.mu.Unlock()
	return r.Context().Err() == nil
}

// Held is how many calls of method wait in a Hold or a HoldAnswer now.
func (s *Server) Held(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held[method]
}

// Calls is how many times method was called (failed calls included).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// APIErrors lists the API errors the fake answered (invalid_blocks: ...),
// to explain a failing test.
func (s *Server) APIErrors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.apiErrors)
}

// Messages returns a snapshot of every stored message, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		out[i] = *m
	}
	return out
}

// Message returns the message with ts.
func (s *Server) Message(ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.messages {
		if m.TS == ts {
			return *m, true
		}
	}
	return Message{}, false
}

// Thread returns the replies to the top-level message ts, oldest first.
func (s *Server) Thread(ts string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		if m.ThreadTS == ts && m.TS != ts {
			out = append(out, m)
		}
	}
	return out
}

// Ephemerals returns the ephemeral messages posted so far.
func (s *Server) Ephemerals() []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ephemeral)
}

// WaitFor blocks until cond is true, re-checking whenever the fake's state
// changes; it fails the test after Timeout. Call it from the test goroutine.
func (s *Server) WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	if !s.Until(s.Timeout, cond) {
		t.Fatalf("slacktest: timed out after %v waiting for %s (API errors: %v)", s.Timeout, what, s.APIErrors())
	}
}

// Until blocks until cond is true, re-checking whenever the fake's state
// changes, or until d passes, and says whether cond held. Unlike WaitFor
// it may run on any goroutine (it fails no test).
func (s *Server) Until(d time.Duration, cond func() bool) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		s.mu.Lock()
		ch := s.notify
		s.mu.Unlock()
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return false
		}
	}
}

// WaitMessage waits for a stored message matching pred and returns it.
func (s *Server) WaitMessage(t testing.TB, what string, pred func(Message) bool) Message {
	t.Helper()
	var found Message
	s.WaitFor(t, what, func() bool {
		for _, m := range s.Messages() {
			if pred(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// changedLocked wakes every waiter. Callers hold s.mu.
func (s *Server) changedLocked() {
	close(s.notify)
	s.notify = make(chan struct{})
}

// newTSLocked returns a fresh, increasing Slack timestamp ("1700000000.000101").
func (s *Server) newTSLocked() string {
	s.nextTS++
	return fmt.Sprintf("%d.%06d", s.nextTS/1_000_000, s.nextTS%1_000_000)
}

// NewTS returns a fresh message timestamp, for events the test makes up.
func (s *Server) NewTS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newTSLocked()
}

func (s *Server) newIDLocked(prefix string) string {
	s.nextID++
	return fmt.Sprintf("%s%06d", prefix, s.nextID)
}

// ---- Web API ----

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	// The form is read before any hold: with the body read, the server
	// notices a client that goes away (a killed replica) and a held call
	// ends there, as the request would never have reached Slack.
	var formErr error
	if method != "apps.connections.open" {
		formErr = r.ParseForm()
	}
	s.mu.Lock()
	s.calls[method]++
	var fail *Failure
	if s.down {
		fail = &Failure{Status: http.StatusServiceUnavailable}
	} else if q := s.failures[method]; len(q) > 0 {
		fail = &q[0]
		s.failures[method] = q[1:]
	} else if q := s.threadFail[r.Form.Get("thread_ts")]; len(q) > 0 && method == "chat.postMessage" && formErr == nil {
		fail = &q[0]
		s.threadFail[r.Form.Get("thread_ts")] = q[1:]
	}
	hold, answer := s.holds[method], s.answers[method]
	if hold != nil {
		s.held[method]++
	}
	s.changedLocked()
	s.mu.Unlock()

	if hold != nil && !s.wait(hold, method, r) {
		return
	}
	if answer != nil {
		// The work is done into a recorder; its answer leaves the hold.
		out, rec := w, httptest.NewRecorder()
		defer func() {
			s.mu.Lock()
			s.held[method]++
			s.changedLocked()
			s.mu.Unlock()
			if !s.wait(answer, method, r) {
				return
			}
			maps.Copy(out.Header(), rec.Header())
			out.WriteHeader(rec.Code)
			_, _ = out.Write(rec.Body.Bytes())
		}()
		w = rec
	}

	if fail != nil {
		if !fail.Done {
			writeFailure(w, fail)
			return
		}
		// The work is done into a recorder, and the failure answered.
		out := w
		w = httptest.NewRecorder()
		defer writeFailure(out, fail)
	}

	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if method != "apps.connections.open" {
		if formErr != nil {
			s.apiError(w, "invalid_form_data", formErr.Error())
			return
		}
		if t := r.Form.Get("token"); t != "" {
			token = t
		}
	}
	want := BotToken
	if method == "apps.connections.open" {
		want = AppToken
	}
	if token != want {
		s.apiError(w, "invalid_auth", method)
		return
	}

	switch method {
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "url": "https://slacktest.example/", "team": "Slacktest",
			"user": "baton", "team_id": TeamID, "user_id": BotUserID, "bot_id": BotID})
	case "apps.connections.open":
		u := "ws" + strings.TrimPrefix(s.hs.URL, "http") + "/socket"
		writeJSON(w, map[string]any{"ok": true, "url": u})
	case "chat.postMessage":
		s.postMessage(w, r.Form)
	case "chat.update":
		s.update(w, r.Form)
	case "conversations.history":
		s.history(w, r.Form)
	case "chat.postEphemeral":
		s.mu.Lock()
		s.ephemeral = append(s.ephemeral, Ephemeral{Channel: r.Form.Get("channel"), User: r.Form.Get("user"), Text: r.Form.Get("text"), ThreadTS: r.Form.Get("thread_ts")})
		ts := s.newTSLocked()
		s.changedLocked()
		s.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "message_ts": ts})
	case "chat.getPermalink":
		ch, ts := r.Form.Get("channel"), r.Form.Get("message_ts")
		if _, ok := s.Message(ts); !ok {
			s.apiError(w, "message_not_found", ts)
			return
		}
		writeJSON(w, map[string]any{"ok": true, "channel": ch,
			"permalink": "https://slacktest.example/archives/" + ch + "/p" + strings.ReplaceAll(ts, ".", "")})
	case "users.info":
		s.mu.Lock()
		u, ok := s.users[r.Form.Get("user")]
		s.mu.Unlock()
		if !ok {
			s.apiError(w, "user_not_found", r.Form.Get("user"))
			return
		}
		writeJSON(w, map[string]any{"ok": true, "user": u})
	default:
		s.apiError(w, "unknown_method", method)
	}
}

func (s *Server) apiError(w http.ResponseWriter, code, detail string) {
	s.mu.Lock()
	s.apiErrors = append(s.apiErrors, code+": "+detail)
	s.changedLocked()
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": false, "error": code})
}

func writeFailure(w http.ResponseWriter, fail *Failure) {
	if fail.Status != 0 {
		if fail.RetryAfter != "" {
			w.Header().Set("Retry-After", fail.RetryAfter)
		}
		http.Error(w, http.StatusText(fail.Status), fail.Status)
		return
	}
	writeJSON(w, map[string]any{"ok": false, "error": fail.Error})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) postMessage(w http.ResponseWriter, f url.Values) {
	ch := f.Get("channel")
	if !validChannel(ch) {
		s.apiError(w, "channel_not_found", ch)
		return
	}
	text, blocks := f.Get("text"), f.Get("blocks")
	if text == "" && blocks == "" {
		s.apiError(w, "no_text", "")
		return
	}
	if len(text) > 40000 {
		s.apiError(w, "msg_too_long", strconv.Itoa(len(text)))
		return
	}
	if blocks != "" {
		if err := validateBlocks([]byte(blocks)); err != nil {
			s.apiError(w, "invalid_blocks", err.Error())
			return
		}
	}
	thread := f.Get("thread_ts")
	s.mu.Lock()
	if s.archived[ch] {
		s.mu.Unlock()
		s.apiError(w, "is_archived", ch)
		return
	}
	if thread != "" {
		root := s.findLocked(ch, thread)
		if root == nil || !root.TopLevel() {
			s.mu.Unlock()
			s.apiError(w, "thread_not_found", thread)
			return
		}
	}
	m := &Message{
		Channel: ch, TS: s.newTSLocked(), ThreadTS: thread, User: BotUserID, BotID: BotID,
		Text: text, Mrkdwn: f.Get("mrkdwn") != "false", Broadcast: f.Get("reply_broadcast") == "true",
	}
	if blocks != "" {
		m.Blocks = json.RawMessage(blocks)
	}
	if md := f.Get("metadata"); md != "" {
		m.Metadata = json.RawMessage(md)
	}
	s.messages = append(s.messages, m)
	echo := s.echo
	s.changedLocked()
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": m.TS,
		"message": map[string]any{"type": "message", "text": m.Text, "ts": m.TS, "bot_id": BotID, "user": BotUserID}})
	if echo {
		ev := map[string]any{"type": "message", "channel": ch, "user": BotUserID, "bot_id": BotID,
			"text": m.Text, "ts": m.TS, "event_ts": m.TS, "channel_type": "channel"}
		if thread != "" {
			ev["thread_ts"] = thread
		}
		s.broadcastEvent(ev)
	}
}

func (s *Server) update(w http.ResponseWriter, f url.Values) {
	ch, ts := f.Get("channel"), f.Get("ts")
	text, blocks := f.Get("text"), f.Get("blocks")
	if blocks != "" {
		if err := validateBlocks([]byte(blocks)); err != nil {
			s.apiError(w, "invalid_blocks", err.Error())
			return
		}
	}
	s.mu.Lock()
	if s.archived[ch] {
		s.mu.Unlock()
		s.apiError(w, "is_archived", ch)
		return
	}
	m := s.findLocked(ch, ts)
	if m == nil {
		s.mu.Unlock()
		s.apiError(w, "message_not_found", ts)
		return
	}
	if m.BotID != BotID {
		s.mu.Unlock()
		s.apiError(w, "cant_update_message", ts)
		return
	}
	if text != "" {
		m.Text = text
	}
	if blocks != "" {
		m.Blocks = json.RawMessage(blocks)
	}
	m.Edits++
	s.changedLocked()
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": ts, "text": text})
}

// history answers conversations.history: the channel's top-level
// messages between oldest and latest, newest first, limit at a time
// (default 100) with a cursor for the next page, and their metadata when
// include_all_metadata is set.
func (s *Server) history(w http.ResponseWriter, f url.Values) {
	ch := f.Get("channel")
	if !validChannel(ch) {
		s.apiError(w, "channel_not_found", ch)
		return
	}
	inclusive := f.Get("inclusive") == "1" || f.Get("inclusive") == "true"
	oldest, latest := tsMicros(f.Get("oldest")), tsMicros(f.Get("latest"))
	limit, _ := strconv.Atoi(f.Get("limit"))
	if limit <= 0 || limit > 999 {
		limit = 100
	}
	skip, _ := strconv.Atoi(f.Get("cursor"))
	meta := f.Get("include_all_metadata") == "1" || f.Get("include_all_metadata") == "true"
	s.mu.Lock()
	var out []map[string]any
	for i := len(s.messages) - 1; i >= 0; i-- {
		m := s.messages[i]
		if m.Channel != ch || !m.TopLevel() {
			continue
		}
		ts := tsMicros(m.TS)
		if f.Get("oldest") != "" && (ts < oldest || (ts == oldest && !inclusive)) {
			continue
		}
		if f.Get("latest") != "" && (ts > latest || (ts == latest && !inclusive)) {
			continue
		}
		msg := map[string]any{"type": "message", "ts": m.TS, "text": m.Text, "user": m.User}
		if m.BotID != "" {
			msg["bot_id"] = m.BotID
		}
		if m.Blocks != nil {
			msg["blocks"] = m.Blocks
		}
		if meta && m.Metadata != nil {
			msg["metadata"] = m.Metadata
		}
		out = append(out, msg)
	}
	s.mu.Unlock()
	more := false
	next := ""
	if skip > len(out) {
		skip = len(out)
	}
	out = out[skip:]
	if len(out) > limit {
		out, more, next = out[:limit], true, strconv.Itoa(skip+limit)
	}
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, map[string]any{"ok": true, "messages": out, "has_more": more,
		"response_metadata": map[string]any{"next_cursor": next}})
}

// tsMicros reads a Slack ts ("1700000000.000101") as microseconds; 0
// when it is not one.
func tsMicros(ts string) int64 {
	secs, frac, _ := strings.Cut(ts, ".")
	sec, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return 0
	}
	frac = (frac + "000000")[:6]
	us, _ := strconv.ParseInt(frac, 10, 64)
	return sec*1_000_000 + us
}

func (s *Server) findLocked(ch, ts string) *Message {
	for _, m := range s.messages {
		if m.Channel == ch && m.TS == ts {
			return m
		}
	}
	return nil
}

func validChannel(ch string) bool {
	if len(ch) < 2 || (ch[0] != 'C' && ch[0] != 'G' && ch[0] != 'D') {
		return false
	}
	for _, r := range ch {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// validateBlocks checks the Block Kit limits Slack enforces with
// invalid_blocks, for the block types Baton uses.
func validateBlocks(raw []byte) error {
	var blocks []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return fmt.Errorf("blocks are not a JSON array of objects: %w", err)
	}
	if len(blocks) > 50 {
		return fmt.Errorf("%d blocks, at most 50", len(blocks))
	}
	type textObj struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	checkText := func(where string, t *textObj, limit int, plainOnly bool) error {
		if t == nil {
			return fmt.Errorf("%s: missing text", where)
		}
		if t.Type != "plain_text" && t.Type != "mrkdwn" {
			return fmt.Errorf("%s: text type %q", where, t.Type)
		}
		if plainOnly && t.Type != "plain_text" {
			return fmt.Errorf("%s: must be plain_text", where)
		}
		if n := len([]rune(t.Text)); n > limit || n == 0 {
			return fmt.Errorf("%s: text length %d, want 1..%d", where, n, limit)
		}
		return nil
	}
	for i, b := range blocks {
		var typ string
		_ = json.Unmarshal(b["type"], &typ)
		where := fmt.Sprintf("block %d (%s)", i, typ)
		switch typ {
		case "header":
			var t *textObj
			_ = json.Unmarshal(b["text"], &t)
			if err := checkText(where, t, 150, true); err != nil {
				return err
			}
		case "section":
			var t *textObj
			var fields []*textObj
			_ = json.Unmarshal(b["text"], &t)
			_ = json.Unmarshal(b["fields"], &fields)
			if t == nil && len(fields) == 0 {
				return fmt.Errorf("%s: needs text or fields", where)
			}
			if t != nil {
				if err := checkText(where, t, 3000, false); err != nil {
					return err
				}
			}
			if len(fields) > 10 {
				return fmt.Errorf("%s: %d fields, at most 10", where, len(fields))
			}
			for j, f := range fields {
				if err := checkText(fmt.Sprintf("%s field %d", where, j), f, 2000, false); err != nil {
					return err
				}
			}
		case "context":
			var els []*textObj
			_ = json.Unmarshal(b["elements"], &els)
			if len(els) == 0 || len(els) > 10 {
				return fmt.Errorf("%s: %d elements, want 1..10", where, len(els))
			}
			for j, e := range els {
				if err := checkText(fmt.Sprintf("%s element %d", where, j), e, 3000, false); err != nil {
					return err
				}
			}
		case "actions":
			var els []struct {
				Type        string   `json:"type"`
				ActionID    string   `json:"action_id"`
				Value       string   `json:"value"`
				Text        *textObj `json:"text"`
				Style       string   `json:"style"`
				Placeholder *textObj `json:"placeholder"`
				Options     []struct {
					Text  *textObj `json:"text"`
					Value string   `json:"value"`
				} `json:"options"`
			}
			_ = json.Unmarshal(b["elements"], &els)
			if len(els) == 0 || len(els) > 25 {
				return fmt.Errorf("%s: %d elements, want 1..25", where, len(els))
			}
			for j, e := range els {
				w := fmt.Sprintf("%s element %d", where, j)
				if e.Type == "static_select" {
					if err := checkText(w+" placeholder", e.Placeholder, 150, true); err != nil {
						return err
					}
					if len(e.Options) == 0 || len(e.Options) > 100 || len(e.ActionID) == 0 {
						return fmt.Errorf("%s: %d options (want 1..100), action_id %q", w, len(e.Options), e.ActionID)
					}
					for k, o := range e.Options {
						if err := checkText(fmt.Sprintf("%s option %d", w, k), o.Text, 75, true); err != nil {
							return err
						}
						if len(o.Value) == 0 || len(o.Value) > 150 {
							return fmt.Errorf("%s option %d: value length %d", w, k, len(o.Value))
						}
					}
					continue
				}
				if e.Type != "button" {
					return fmt.Errorf("%s: type %q", w, e.Type)
				}
				if err := checkText(w, e.Text, 75, true); err != nil {
					return err
				}
				if len(e.ActionID) == 0 || len(e.ActionID) > 255 || len(e.Value) > 2000 {
					return fmt.Errorf("%s: action_id/value length", w)
				}
				if e.Style != "" && e.Style != "primary" && e.Style != "danger" {
					return fmt.Errorf("%s: style %q", w, e.Style)
				}
			}
		case "divider":
		default:
			return fmt.Errorf("%s: block type not supported by slacktest", where)
		}
	}
	return nil
}

// ---- Socket Mode ----

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

type wsConn struct {
	seq  int // connection number, to pick the newest
	ws   *websocket.Conn
	wmu  sync.Mutex
	done chan struct{}
	once sync.Once
}

func (c *wsConn) writeJSON(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(v)
}

func (c *wsConn) close() {
	c.once.Do(func() {
		close(c.done)
		c.wmu.Lock()
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "slacktest closing"), time.Now().Add(time.Second))
		c.wmu.Unlock()
		_ = c.ws.Close()
	})
}

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &wsConn{ws: ws, done: make(chan struct{})}
	s.mu.Lock()
	s.connects++
	c.seq = s.connects
	s.conns[c] = struct{}{}
	n := len(s.conns)
	s.mu.Unlock()

	// Ping first: slack-go counts the time since the last ping.
	c.wmu.Lock()
	_ = ws.WriteControl(websocket.PingMessage, []byte("slacktest"), time.Now().Add(time.Second))
	c.wmu.Unlock()
	_ = c.writeJSON(map[string]any{"type": "hello", "num_connections": n,
		"debug_info":      map[string]any{"host": "slacktest", "approximate_connection_time": 3600},
		"connection_info": map[string]any{"app_id": AppID}})

	go func() {
		t := time.NewTicker(s.PingInterval)
		defer t.Stop()
		for {
			select {
			case <-c.done:
				return
			case <-t.C:
				c.wmu.Lock()
				err := ws.WriteControl(websocket.PingMessage, []byte("slacktest"), time.Now().Add(time.Second))
				c.wmu.Unlock()
				if err != nil {
					return
				}
			}
		}
	}()

	// The hello counts as connected once it is written.
	s.mu.Lock()
	s.changedLocked()
	s.mu.Unlock()

	defer func() {
		c.close()
		s.mu.Lock()
		delete(s.conns, c)
		s.changedLocked()
		s.mu.Unlock()
	}()
	for {
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := ws.ReadJSON(&ack); err != nil {
			return
		}
		if ack.EnvelopeID == "" {
			continue
		}
		s.mu.Lock()
		s.acks[ack.EnvelopeID] = true
		s.changedLocked()
		s.mu.Unlock()
	}
}

// Connections is how many Socket Mode connections were ever opened.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connects
}

// Connected is how many Socket Mode connections are open now.
func (s *Server) Connected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// WaitConnected waits until at least n connections were ever opened and
// one is open now.
func (s *Server) WaitConnected(t testing.TB, n int) {
	t.Helper()
	s.WaitFor(t, fmt.Sprintf("socket mode connection #%d", n), func() bool {
		return s.Connections() >= n && s.Connected() > 0
	})
}

// DropConnections closes every socket, as a network failure would.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := make([]*wsConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// Acked reports whether the client acknowledged envelope id.
func (s *Server) Acked(envelopeID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acks[envelopeID]
}

// WaitAck waits for the client's ack of envelope id.
func (s *Server) WaitAck(t testing.TB, envelopeID string) {
	t.Helper()
	s.WaitFor(t, "ack of envelope "+envelopeID, func() bool { return s.Acked(envelopeID) })
}

// Envelope is one Socket Mode request the fake sends.
type Envelope struct {
	ID      string
	Type    string // "events_api", "interactive", "disconnect"
	Payload json.RawMessage
	Retry   int
}

// Send writes an envelope to one open socket and fails the test when none
// is open: the newest one, or with SpreadEvents the next one in turn.
func (s *Server) Send(t testing.TB, env Envelope) {
	t.Helper()
	if err := s.send(env, 0); err != nil {
		t.Fatalf("slacktest: %v", err)
	}
}

// SendOn writes an envelope to the open connection number n (1 is the
// first connection ever opened; see OpenConnections).
func (s *Server) SendOn(t testing.TB, n int, env Envelope) {
	t.Helper()
	if err := s.send(env, n); err != nil {
		t.Fatalf("slacktest: %v", err)
	}
}

// SpreadEvents makes Send deliver each envelope to the next open
// connection in turn, as Slack spreads an app's events over its Socket
// Mode connections (one per replica). Off, Send uses the newest.
func (s *Server) SpreadEvents(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.spread = on
}

// RetryUnacked makes the fake deliver an envelope again when no ack came
// within after, up to three times, on another open connection when there
// is one: Slack does so (after about 3 s) when a replica died before
// acknowledging. 0 turns it off (the default).
func (s *Server) RetryUnacked(after time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retry = after
}

// OpenConnections lists the numbers of the open connections, oldest first.
func (s *Server) OpenConnections() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for c := range s.conns {
		out = append(out, c.seq)
	}
	slices.Sort(out)
	return out
}

// pickLocked chooses the connection for an envelope: number n when n > 0;
// else the newest (an old one may be closing after a restart), or with
// spread the next after the last used; avoid is skipped when another is
// open (a retry goes elsewhere).
func (s *Server) pickLocked(n, avoid int) *wsConn {
	open := make([]*wsConn, 0, len(s.conns))
	for c := range s.conns {
		if n > 0 && c.seq == n {
			return c
		}
		open = append(open, c)
	}
	if n > 0 || len(open) == 0 {
		return nil
	}
	slices.SortFunc(open, func(a, b *wsConn) int { return a.seq - b.seq })
	if len(open) > 1 {
		open = slices.DeleteFunc(open, func(c *wsConn) bool { return c.seq == avoid })
	}
	c := open[len(open)-1]
	if s.spread {
		c = open[0]
		for _, o := range open {
			if o.seq > s.lastSeq {
				c = o
				break
			}
		}
	}
	s.lastSeq = c.seq
	return c
}

func (s *Server) send(env Envelope, n int) error {
	return s.sendAvoiding(env, n, 0, nil)
}

// sendAvoiding sends env (on connection n when n > 0, else not on avoid
// when another is open) and, with RetryUnacked, arranges its redelivery;
// chain holds the envelope ids of earlier attempts (an ack of any counts).
func (s *Server) sendAvoiding(env Envelope, n, avoid int, chain []string) error {
	s.mu.Lock()
	c := s.pickLocked(n, avoid)
	retry := s.retry
	s.mu.Unlock()
	if c == nil {
		if n > 0 {
			return fmt.Errorf("no open socket mode connection #%d to send %s %s on", n, env.Type, env.ID)
		}
		return fmt.Errorf("no socket mode connection to send %s %s on", env.Type, env.ID)
	}
	msg := map[string]any{"envelope_id": env.ID, "type": env.Type, "payload": env.Payload,
		"accepts_response_payload": false}
	if env.Retry > 0 {
		msg["retry_attempt"] = env.Retry
		msg["retry_reason"] = "timeout"
	}
	if env.Type == "disconnect" {
		msg = map[string]any{"type": "disconnect", "reason": "refresh_requested",
			"debug_info": map[string]any{"host": "slacktest"}}
	}
	err := c.writeJSON(msg)
	if retry > 0 && env.Type != "disconnect" && env.Retry < 3 {
		chain = append(slices.Clone(chain), env.ID)
		time.AfterFunc(retry, func() { s.retryUnacked(env, c.seq, chain) })
	}
	return err
}

// retryUnacked sends env once more, in a new envelope, unless an earlier
// attempt was acknowledged or the fake is closing.
func (s *Server) retryUnacked(env Envelope, last int, chain []string) {
	s.mu.Lock()
	select {
	case <-s.closing:
		s.mu.Unlock()
		return
	default:
	}
	for _, id := range chain {
		if s.acks[id] {
			s.mu.Unlock()
			return
		}
	}
	env.ID = s.newIDLocked("env-")
	env.Retry++
	s.mu.Unlock()
	_ = s.sendAvoiding(env, 0, last, chain) // none open: Slack gives up too
}

// Event is an Events API event the fake delivered or will deliver.
type Event struct {
	ID       string          // event_id
	Envelope string          // Socket Mode envelope id
	Body     json.RawMessage // the outer event_callback JSON (the HTTP request body)
}

// NewEvent wraps inner (a message event map, for example) in an
// event_callback with a fresh event_id, without sending it.
func (s *Server) NewEvent(inner any) Event {
	s.mu.Lock()
	id := s.newIDLocked("Ev")
	env := s.newIDLocked("env-")
	s.mu.Unlock()
	body, _ := json.Marshal(map[string]any{
		"token": "legacy-verification-token", "team_id": TeamID, "api_app_id": AppID,
		"type": "event_callback", "event_id": id, "event_time": time.Now().Unix(),
		"event": inner, "authorizations": []any{map[string]any{"team_id": TeamID, "user_id": BotUserID, "is_bot": true}},
	})
	return Event{ID: id, Envelope: env, Body: body}
}

// SendEvent delivers an Events API event over Socket Mode and returns it.
func (s *Server) SendEvent(t testing.TB, inner any) Event {
	t.Helper()
	ev := s.NewEvent(inner)
	s.Send(t, Envelope{ID: ev.Envelope, Type: "events_api", Payload: ev.Body})
	return ev
}

// TrySendEvent is SendEvent for goroutines other than the test's: it
// reports a missing connection instead of failing the test.
func (s *Server) TrySendEvent(inner any) (Event, error) {
	ev := s.NewEvent(inner)
	return ev, s.send(Envelope{ID: ev.Envelope, Type: "events_api", Payload: ev.Body}, 0)
}

// SendEventOn delivers an Events API event on connection number n.
func (s *Server) SendEventOn(t testing.TB, n int, inner any) Event {
	t.Helper()
	ev := s.NewEvent(inner)
	s.SendOn(t, n, Envelope{ID: ev.Envelope, Type: "events_api", Payload: ev.Body})
	return ev
}

// RedeliverOn sends ev again on connection number n, in a new envelope
// marked as a retry (Slack retries on any of the app's connections).
func (s *Server) RedeliverOn(t testing.TB, n int, ev Event) Event {
	t.Helper()
	s.mu.Lock()
	ev.Envelope = s.newIDLocked("env-")
	s.mu.Unlock()
	s.SendOn(t, n, Envelope{ID: ev.Envelope, Type: "events_api", Payload: ev.Body, Retry: 1})
	return ev
}

// Redeliver sends ev again in a new envelope marked as a retry, as Slack
// does when an ack was late.
func (s *Server) Redeliver(t testing.TB, ev Event) Event {
	t.Helper()
	s.mu.Lock()
	ev.Envelope = s.newIDLocked("env-")
	s.mu.Unlock()
	s.Send(t, Envelope{ID: ev.Envelope, Type: "events_api", Payload: ev.Body, Retry: 1})
	return ev
}

func (s *Server) broadcastEvent(inner any) {
	ev := s.NewEvent(inner)
	_ = s.send(Envelope{ID: ev.Envelope, Type: "events_api", Payload: ev.Body}, 0)
}

// AgentReply records a message by user in the thread under threadTS (as
// Slack would store it) and returns the message event Slack would send.
func (s *Server) AgentReply(channel, threadTS, user, text string) map[string]any {
	s.mu.Lock()
	ts := s.newTSLocked()
	s.messages = append(s.messages, &Message{Channel: channel, TS: ts, ThreadTS: threadTS, User: user, Text: text, Mrkdwn: true})
	s.changedLocked()
	s.mu.Unlock()
	return map[string]any{
		"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
		"thread_ts": threadTS, "event_ts": ts, "channel_type": "channel", "team": TeamID,
		"client_msg_id": fmt.Sprintf("msg-%s", ts),
	}
}

// Action is the interaction payload Slack sends when user presses the
// button actionID on the message msg.
func (s *Server) Action(user, userName string, msg Message, actionID string) json.RawMessage {
	var value string
	for _, b := range msg.Buttons() {
		if b.ActionID == actionID {
			value = b.Value
		}
	}
	return s.blockActions(user, userName, msg, func(actionTS string) map[string]any {
		return map[string]any{"type": "button", "action_id": actionID, "block_id": "baton_actions",
			"value": value, "action_ts": actionTS, "text": map[string]any{"type": "plain_text", "text": actionID}}
	})
}

// Select is the interaction payload Slack sends when user picks value in
// the static select menu actionID on the message msg.
func (s *Server) Select(user, userName string, msg Message, actionID, value string) json.RawMessage {
	return s.blockActions(user, userName, msg, func(actionTS string) map[string]any {
		return map[string]any{"type": "static_select", "action_id": actionID, "block_id": "baton_actions", "action_ts": actionTS,
			"selected_option": map[string]any{"value": value, "text": map[string]any{"type": "plain_text", "text": value}}}
	})
}

// blockActions wraps one action, made with its action_ts, in the
// block_actions envelope Slack sends for an interaction on msg.
func (s *Server) blockActions(user, userName string, msg Message, action func(actionTS string) map[string]any) json.RawMessage {
	s.mu.Lock()
	trigger := s.newIDLocked("trigger-")
	actionTS := s.newTSLocked()
	s.mu.Unlock()
	body, _ := json.Marshal(map[string]any{
		"type": "block_actions", "token": "legacy-verification-token", "trigger_id": trigger,
		"api_app_id": AppID, "team": map[string]any{"id": TeamID},
		"user":      map[string]any{"id": user, "name": userName, "team_id": TeamID},
		"channel":   map[string]any{"id": msg.Channel, "name": "handoffs"},
		"container": map[string]any{"type": "message", "message_ts": msg.TS, "channel_id": msg.Channel, "is_ephemeral": false},
		"message":   map[string]any{"type": "message", "ts": msg.TS, "text": msg.Text, "bot_id": msg.BotID, "user": msg.User},
		"actions":   []any{action(actionTS)},
	})
	return body
}

// SendAction delivers a button press over Socket Mode and returns the
// envelope id.
func (s *Server) SendAction(t testing.TB, payload json.RawMessage) string {
	t.Helper()
	s.mu.Lock()
	env := s.newIDLocked("env-")
	s.mu.Unlock()
	s.Send(t, Envelope{ID: env, Type: "interactive", Payload: payload})
	return env
}
