package llm_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/session"
)

func handedOff() *session.Session {
	at := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
	return &session.Session{
		ID: "telegram:42", Channel: "telegram", ChatID: "42", Name: "Jane Doe", Lang: "en", Mode: session.ModeWaiting,
		Turns: []session.Turn{
			{Role: "customer", Text: "Where is my order KS-777123?", At: at},
			{Role: "bot", Text: "As soon as your order ships, we send an email with your tracking link.", Entry: "orders/tracking", At: at},
			{Role: "customer", Text: "The tracking hasn't moved in 5 days, this is useless", At: at},
			{Role: "customer", Text: "I want to talk to a person", At: at},
		},
		Handoff: &session.Handoff{Reason: "explicit", Evidence: []string{`"talk to a person"`}, At: at},
	}
}

func TestSummaryForTheHandoffCard(t *testing.T) {
	h := newHarness(t, setup{})
	summary, reply, err := h.a.Summarize(context.Background(), handedOff())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(summary, "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "Where is my order KS-777123?") || !strings.Contains(lines[1], "talk to a person") {
		t.Errorf("summary = %q, want two lines about the conversation", summary)
	}
	if reply == "" {
		t.Error("no suggested reply")
	}

	req := h.srv.LastChat()
	if !req.Stream || req.StreamOptions == nil || !req.StreamOptions.IncludeUsage || req.SchemaName() != llmtest.SummarySchema {
		t.Errorf("stream %v, stream_options %+v, schema %q", req.Stream, req.StreamOptions, req.SchemaName())
	}
	sys, user := req.System(), req.User()
	for _, want := range []string{"Kumo Store", "explicit", `<entry id="orders/tracking">`, "Your Kumo order is on its way"} {
		if !strings.Contains(sys, want) {
			t.Errorf("summary prompt lacks %q", want)
		}
	}
	if strings.Contains(sys, "KS-777123") || !strings.Contains(llmtest.Conversation(user), "Customer: The tracking hasn't moved in 5 days") {
		t.Errorf("conversation not quoted in the user message only:\n%s", user)
	}
	if n := h.metric(t, "baton_llm_calls_total", "kind", "summary", "outcome", "ok"); n != 1 {
		t.Errorf("summary ok = %v", n)
	}
	if n := h.histogramSum(t, "baton_llm_prompt_tokens", "kind", "summary"); n != float64(req.PromptTokens()) {
		t.Errorf("summary prompt tokens on /metrics = %v, want %d from the streamed usage", n, req.PromptTokens())
	}
}

func TestSummaryInToolMode(t *testing.T) {
	h := newHarness(t, setup{env: map[string]string{"OPENAI_OUTPUT": "tool"}})
	summary, _, err := h.a.Summarize(context.Background(), handedOff())
	if err != nil || !strings.Contains(summary, "KS-777123") {
		t.Fatalf("summary %q, err %v", summary, err)
	}
}

func TestSummaryUnavailableFailsFast(t *testing.T) {
	h := newHarness(t, setup{})
	h.srv.FailChat(503, 1)
	if s, r, err := h.a.Summarize(context.Background(), handedOff()); err == nil || s != "" || r != "" {
		t.Fatalf("got %q %q %v, want an error", s, r, err)
	}
	// A stalled model: the caller's deadline decides, the card is not held.
	h.srv.Stall()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := h.a.Summarize(ctx, handedOff()); err == nil {
		t.Fatal("stalled model: want an error")
	}
	if n := h.metric(t, "baton_llm_calls_total", "kind", "summary", "outcome", "fallback_timeout"); n != 1 {
		t.Errorf("summary timeouts = %v", n)
	}
}

func TestSuggestedReplyIsGuarded(t *testing.T) {
	h := newHarness(t, setup{})
	h.srv.SetResponder(func(r *llmtest.ChatRequest) llmtest.Reply {
		b, _ := json.Marshal(map[string]string{
			"summary": "Customer waits for parcel KS-777123.\nWants a person.",
			"reply":   "Hi Jane, so sorry! I've added a 20% discount to your account for the trouble.",
		})
		return llmtest.Reply{Content: string(b)}
	})
	summary, reply, err := h.a.Summarize(context.Background(), handedOff())
	if err != nil || reply != "" || !strings.HasPrefix(summary, "Customer waits") {
		t.Fatalf("summary %q reply %q err %v: want the summary without the promising reply", summary, reply, err)
	}
}

func TestSummaryRejectsGarbage(t *testing.T) {
	h := newHarness(t, setup{})
	h.srv.SetResponder(func(r *llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Content: "The customer is upset."} })
	if _, _, err := h.a.Summarize(context.Background(), handedOff()); err == nil {
		t.Fatal("want an error for a reply that is not the JSON asked for")
	}
}
