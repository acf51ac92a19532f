// Package llmtest is a fake OpenAI-compatible API server for tests: chat
// completions (plain and streamed as server-sent events), embeddings, and
// injectable errors, stalls and delays. It speaks the wire format, not the
// client library's types, so tests that drive the real go-openai client
// against it check what really goes over HTTP.
//
// What the "model" says is up to the test: a Responder function, or one of
// the scripted models in this package (Grounded answers from the prompt's
// knowledge entries, Naive additionally obeys whatever the customer asks).
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Message is one chat message as sent on the wire. Content may be a string
// or an array of parts; Text flattens it.
type Message struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	Name       string          `json:"name,omitempty"`
	ToolCallID string          `json:"tool_call_id,omitempty"`
}

// Text is the message content as plain text.
func (m Message) Text() string {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(m.Content, &parts) == nil {
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(p.Text)
		}
		return b.String()
	}
	return ""
}

// ChatRequest is a decoded /chat/completions request.
type ChatRequest struct {
	Model               string          `json:"model"`
	Messages            []Message       `json:"messages"`
	Stream              bool            `json:"stream"`
	StreamOptions       *streamOptions  `json:"stream_options,omitempty"`
	MaxTokens           int             `json:"max_tokens,omitempty"`
	MaxCompletionTokens int             `json:"max_completion_tokens,omitempty"`
	Temperature         float64         `json:"temperature,omitempty"`
	ResponseFormat      *ResponseFormat `json:"response_format,omitempty"`
	Tools               []Tool          `json:"tools,omitempty"`
	ToolChoice          json.RawMessage `json:"tool_choice,omitempty"`

	// Raw is the request body as received.
	Raw []byte `json:"-"`
	// Auth is the Authorization header ("Bearer <key>") or the api-key header.
	Auth string `json:"-"`
	// Path is the request path, for Azure-style deployment URLs.
	Path string `json:"-"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// ResponseFormat is the response_format field.
type ResponseFormat struct {
	Type       string `json:"type"`
	JSONSchema *struct {
		Name   string          `json:"name"`
		Strict bool            `json:"strict"`
		Schema json.RawMessage `json:"schema"`
	} `json:"json_schema,omitempty"`
}

// Tool is one entry of the tools field.
type Tool struct {
	Type     string `json:"type"`
	Function struct {
		Name       string          `json:"name"`
		Parameters json.RawMessage `json:"parameters"`
	} `json:"function"`
}

// System is the text of the first system (or developer) message.
func (r *ChatRequest) System() string {
	for _, m := range r.Messages {
		if m.Role == "system" || m.Role == "developer" {
			return m.Text()
		}
	}
	return ""
}

// User is the text of the last user message.
func (r *ChatRequest) User() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Text()
		}
	}
	return ""
}

// SchemaName is the name of the requested JSON schema or forced tool, "" if none.
func (r *ChatRequest) SchemaName() string {
	if r.ResponseFormat != nil && r.ResponseFormat.JSONSchema != nil {
		return r.ResponseFormat.JSONSchema.Name
	}
	if len(r.Tools) == 1 {
		return r.Tools[0].Function.Name
	}
	return ""
}

// PromptTokens is what the fake bills as prompt tokens for the request: the
// CountTokens estimate of every message plus the OpenAI per-message framing,
// plus the schema or tool definitions, which real servers count too.
func (r *ChatRequest) PromptTokens() int {
	n := 3
	for _, m := range r.Messages {
		n += 4 + CountTokens(m.Text())
	}
	if r.ResponseFormat != nil && r.ResponseFormat.JSONSchema != nil {
		n += CountTokens(string(r.ResponseFormat.JSONSchema.Schema))
	}
	for _, t := range r.Tools {
		n += 8 + CountTokens(string(t.Function.Parameters))
	}
	return n
}

// Reply is what the fake model answers to one chat request.
type Reply struct {
	Content string // the assistant message content
	Refusal string // a refusal instead of content
	// ToolName/ToolArgs answer with a tool call instead of content.
	ToolName string
	ToolArgs string
	// FinishReason defaults to "stop" ("tool_calls" for a tool call).
	FinishReason string
	// PromptTokens/CompletionTokens override the billed usage (0: counted).
	PromptTokens     int
	CompletionTokens int
	// NoUsage leaves the usage out, as some local servers do.
	NoUsage bool
	// Status, when not 0 or 200, answers with that HTTP status and an
	// OpenAI-style error body instead.
	Status int
	// Body, when set, is sent verbatim as the response body (with Status or 200).
	Body string
}

// Responder decides the fake model's reply to a chat request.
type Responder func(r *ChatRequest) Reply

// Embedder maps a text to its embedding vector.
type Embedder func(text string) []float32

// Server is a running fake API. Its zero value is not usable; call New.
type Server struct {
	srv *httptest.Server
	key string

	mu        sync.Mutex
	respond   Responder
	embed     Embedder
	faults    []fault
	stall     chan struct{} // non-nil: calls wait on it (closed = released)
	delay     time.Duration
	chats     []*ChatRequest
	embedded  []string
	arrived   chan string // optional: every call's path, for tests that wait on arrival
	handlerNs atomic.Int64
	calls     atomic.Int64
}

type fault struct {
	path   string // "" any endpoint, else "chat" or "embeddings"
	status int
}

// Option configures a Server.
type Option func(*Server)

// WithKey makes the server demand this API key (401 otherwise).
func WithKey(key string) Option { return func(s *Server) { s.key = key } }

// WithResponder sets the chat model (default: Grounded()).
func WithResponder(r Responder) Option { return func(s *Server) { s.respond = r } }

// WithEmbedder sets the embedding model (default: HashEmbedder(256)).
func WithEmbedder(e Embedder) Option { return func(s *Server) { s.embed = e } }

// New starts a fake server that is closed when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{respond: Grounded(), embed: HashEmbedder(256)}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.handleChat)
	mux.HandleFunc("POST /v1/embeddings", s.handleEmbeddings)
	// Azure-style deployment URLs.
	mux.HandleFunc("POST /openai/deployments/{dep}/chat/completions", s.handleChat)
	mux.HandleFunc("POST /openai/deployments/{dep}/embeddings", s.handleEmbeddings)
	s.srv = httptest.NewServer(s.timed(mux))
	t.Cleanup(func() {
		s.Release()
		s.srv.Close()
	})
	return s
}

// URL is the base URL to give the client (OPENAI_BASE_URL), ending in /v1.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Root is the server's root URL, for Azure-style clients.
func (s *Server) Root() string { return s.srv.URL }

// SetResponder replaces the chat model.
func (s *Server) SetResponder(r Responder) {
	s.mu.Lock()
	s.respond = r
	s.mu.Unlock()
}

// Fail makes the next n calls (any endpoint) answer with status.
func (s *Server) Fail(status, n int) { s.addFaults("", status, n) }

// FailChat makes the next n chat calls answer with status.
func (s *Server) FailChat(status, n int) { s.addFaults("chat", status, n) }

// FailEmbeddings makes the next n embedding calls answer with status.
func (s *Server) FailEmbeddings(status, n int) { s.addFaults("embeddings", status, n) }

func (s *Server) addFaults(path string, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, fault{path: path, status: status})
	}
}

// Stall makes every call wait until Release or until the client gives up
// (its context ends), like a model that never answers.
func (s *Server) Stall() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stall == nil {
		s.stall = make(chan struct{})
	}
}

// Release lets stalled calls (and later ones) go on.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stall != nil {
		close(s.stall)
		s.stall = nil
	}
}

// Delay makes every call wait d before answering (or until the client gives
// up), to mimic a model's think time in benchmarks.
func (s *Server) Delay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Arrivals returns a channel that receives the endpoint ("chat" or
// "embeddings") of every call as it arrives, so tests can wait for a call
// without sleeping. Calls do not block on it when nobody reads (buffer 64).
func (s *Server) Arrivals() <-chan string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.arrived == nil {
		s.arrived = make(chan string, 64)
	}
	return s.arrived
}

// Chats returns the chat requests received so far.
func (s *Server) Chats() []*ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*ChatRequest(nil), s.chats...)
}

// LastChat is the last chat request received, nil if none.
func (s *Server) LastChat() *ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.chats) == 0 {
		return nil
	}
	return s.chats[len(s.chats)-1]
}

// Embedded returns every text embedded so far, in order.
func (s *Server) Embedded() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.embedded...)
}

// Calls is the number of API calls received. A call is counted as it
// arrives, so every call whose answer the client has read is in the count.
func (s *Server) Calls() int64 { return s.calls.Load() }

// HandlerTime is the total time the server spent before answering each
// call (including Delay), so a benchmark can subtract "the model's own
// time". Like Calls, it is complete for every call the client has an
// answer to.
func (s *Server) HandlerTime() time.Duration { return time.Duration(s.handlerNs.Load()) }

// timed counts each call and its time to answer. Both are recorded before
// the first byte of the response leaves: counting after the handler
// returns would race the client, which already has the answer and may
// read the counters while the handler is still returning.
func (s *Server) timed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.calls.Add(1)
		tw := &timedWriter{ResponseWriter: w, start: time.Now(), total: &s.handlerNs}
		h.ServeHTTP(tw, r)
		tw.answered() // a handler that wrote nothing (the client gave up)
	})
}

// timedWriter adds the time to the first byte of the response to total.
type timedWriter struct {
	http.ResponseWriter
	start time.Time
	total *atomic.Int64
	done  bool
}

func (w *timedWriter) answered() {
	if !w.done {
		w.done = true
		w.total.Add(int64(time.Since(w.start)))
	}
}

func (w *timedWriter) WriteHeader(code int) {
	w.answered()
	w.ResponseWriter.WriteHeader(code)
}

func (w *timedWriter) Write(b []byte) (int, error) {
	w.answered()
	return w.ResponseWriter.Write(b)
}

// Flush keeps streamed replies streaming.
func (w *timedWriter) Flush() {
	w.answered()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *timedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// begin runs what every call shares: arrival notice, auth, stalls, delays
// and injected faults. It reports whether the handler should go on.
func (s *Server) begin(w http.ResponseWriter, r *http.Request, endpoint string) bool {
	s.mu.Lock()
	arrived, stall, delay := s.arrived, s.stall, s.delay
	status := 0
	for i, f := range s.faults {
		if f.path == "" || f.path == endpoint {
			status = f.status
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			break
		}
	}
	s.mu.Unlock()

	if arrived != nil {
		select {
		case arrived <- endpoint:
		default:
		}
	}
	if s.key != "" && r.Header.Get("Authorization") != "Bearer "+s.key && r.Header.Get("api-key") != s.key {
		writeError(w, http.StatusUnauthorized, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
		return false
	}
	if stall != nil {
		select {
		case <-stall:
		case <-r.Context().Done():
			return false
		}
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return false
		}
	}
	if status != 0 {
		writeStatus(w, status)
		return false
	}
	return true
}

// writeStatus answers like OpenAI does for the common failures.
func writeStatus(w http.ResponseWriter, status int) {
	switch {
	case status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "20")
		writeError(w, status, "Rate limit reached for requests.", "requests", "rate_limit_exceeded")
	case status >= 500:
		writeError(w, status, "The server had an error while processing your request.", "server_error", "")
	default:
		writeError(w, status, http.StatusText(status), "invalid_request_error", "")
	}
}

func writeError(w http.ResponseWriter, status int, msg, typ, code string) {
	body := map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": nilIfEmpty(code)}}
	writeJSON(w, status, body)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	var req ChatRequest
	body, err := readBody(r)
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request: "+err.Error(), "invalid_request_error", "")
		return
	}
	req.Raw = body
	req.Path = r.URL.Path
	req.Auth = r.Header.Get("Authorization")
	if req.Auth == "" {
		req.Auth = r.Header.Get("api-key")
	}
	if len(req.Messages) == 0 {
		writeError(w, http.StatusBadRequest, "'messages' must contain at least one message", "invalid_request_error", "")
		return
	}
	s.mu.Lock()
	s.chats = append(s.chats, &req)
	respond := s.respond
	s.mu.Unlock()

	if !s.begin(w, r, "chat") {
		return
	}
	rep := respond(&req)
	if rep.Status != 0 && rep.Status != http.StatusOK && rep.Body == "" {
		writeStatus(w, rep.Status)
		return
	}
	if rep.Body != "" {
		status := rep.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(rep.Body))
		return
	}
	usage := usageFor(&req, rep)
	if req.Stream {
		s.stream(w, &req, rep, usage)
		return
	}
	msg := map[string]any{"role": "assistant", "content": nilIfEmpty(rep.Content)}
	if rep.Refusal != "" {
		msg["refusal"] = rep.Refusal
	}
	finish := rep.FinishReason
	if rep.ToolName != "" {
		msg["tool_calls"] = []any{map[string]any{
			"id": "call_1", "type": "function",
			"function": map[string]any{"name": rep.ToolName, "arguments": rep.ToolArgs},
		}}
		if finish == "" {
			finish = "tool_calls"
		}
	}
	if finish == "" {
		finish = "stop"
	}
	resp := map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finish}},
	}
	if usage != nil {
		resp["usage"] = usage
	}
	writeJSON(w, http.StatusOK, resp)
}

func usageFor(req *ChatRequest, rep Reply) map[string]int {
	if rep.NoUsage {
		return nil
	}
	p, c := rep.PromptTokens, rep.CompletionTokens
	if p == 0 {
		p = req.PromptTokens()
	}
	if c == 0 {
		c = CountTokens(rep.Content+rep.ToolArgs+rep.Refusal) + 1
	}
	return map[string]int{"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}
}

// stream sends the reply as server-sent events the way OpenAI does: a role
// chunk, content in small pieces, a finish chunk, the usage chunk when asked
// for, then [DONE].
func (s *Server) stream(w http.ResponseWriter, req *ChatRequest, rep Reply, usage map[string]int) {
	fl, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if fl != nil {
			fl.Flush()
		}
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		}
	}
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	if rep.ToolName != "" {
		send(chunk(map[string]any{"tool_calls": []any{map[string]any{
			"index": 0, "id": "call_1", "type": "function",
			"function": map[string]any{"name": rep.ToolName, "arguments": ""},
		}}}, nil))
		for _, piece := range pieces(rep.ToolArgs, 16) {
			send(chunk(map[string]any{"tool_calls": []any{map[string]any{
				"index": 0, "function": map[string]any{"arguments": piece},
			}}}, nil))
		}
	}
	for _, piece := range pieces(rep.Content, 16) {
		send(chunk(map[string]any{"content": piece}, nil))
	}
	finish := rep.FinishReason
	if finish == "" {
		finish = "stop"
		if rep.ToolName != "" {
			finish = "tool_calls"
		}
	}
	send(chunk(map[string]any{}, finish))
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage && usage != nil {
		send(map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": req.Model,
			"choices": []any{}, "usage": usage,
		})
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	if fl != nil {
		fl.Flush()
	}
}

// pieces splits s into chunks of about n bytes without cutting a rune.
func pieces(s string, n int) []string {
	var out []string
	for len(s) > 0 {
		end := min(n, len(s))
		for end < len(s) && !utf8RuneStart(s[end]) {
			end++
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

func (s *Server) handleEmbeddings(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model          string          `json:"model"`
		Input          json.RawMessage `json:"input"`
		EncodingFormat string          `json:"encoding_format"`
	}
	body, err := readBody(r)
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "We could not parse the JSON body of your request.", "invalid_request_error", "")
		return
	}
	var inputs []string
	var one string
	if json.Unmarshal(req.Input, &one) == nil {
		inputs = []string{one}
	} else if json.Unmarshal(req.Input, &inputs) != nil || len(inputs) == 0 {
		writeError(w, http.StatusBadRequest, "'input' must be a string or a non-empty array of strings", "invalid_request_error", "")
		return
	}
	if req.EncodingFormat != "" && req.EncodingFormat != "float" {
		writeError(w, http.StatusBadRequest, "the fake only speaks encoding_format float", "invalid_request_error", "")
		return
	}
	if !s.begin(w, r, "embeddings") {
		return
	}
	s.mu.Lock()
	s.embedded = append(s.embedded, inputs...)
	embed := s.embed
	s.mu.Unlock()
	data := make([]any, len(inputs))
	tokens := 0
	for i, in := range inputs {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": embed(in)}
		tokens += CountTokens(in)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": tokens, "total_tokens": tokens},
	})
}

func readBody(r *http.Request) ([]byte, error) {
	const limit = 8 << 20
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		return nil, fmt.Errorf("body over %d bytes", limit)
	}
	return b, nil
}
