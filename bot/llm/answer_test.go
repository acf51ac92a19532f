package llm_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/llm"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/session"
)

func TestGroundedAnswerUsesTheRightEntry(t *testing.T) {
	h := newHarness(t, setup{})
	q := h.question("How do I track the parcel I ordered last week?")
	q.History = []session.Turn{
		{Role: "customer", Text: "hi there"},
		{Role: "bot", Text: "Hi Jane! How can I help?"},
	}
	ans := h.answer(t, q)

	entry, ok := h.kb.Entry("orders/tracking", "en")
	if !ok {
		t.Fatal("shipped knowledge lost orders/tracking")
	}
	firstSentence := strings.SplitN(entry.Answer, ".", 2)[0]
	if ans.Entry != "orders/tracking" || !ans.Confident || !strings.Contains(ans.Text, "Your Kumo order is on its way") {
		t.Fatalf("answer = %+v, want the tracking entry's text", ans)
	}
	if h.fb.count() != 0 {
		t.Fatal("the fallback was used for a good answer")
	}

	req := h.srv.LastChat()
	sys, user := req.System(), req.User()
	// The persona and the entry are in the system prompt...
	for _, want := range []string{"You are Mia", "Kumo Store", "greet them back", `<entry id="orders/tracking">`, firstSentence} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q", want)
		}
	}
	// ...and the customer's words only in the user message, quoted.
	for _, customer := range []string{q.Text, "hi there", "Jane"} {
		if strings.Contains(sys, customer) {
			t.Errorf("system prompt contains customer text %q", customer)
		}
		if !strings.Contains(user, customer) {
			t.Errorf("user message lacks %q", customer)
		}
	}
	if llmtest.CustomerMessage(user) != q.Text {
		t.Errorf("quoted message = %q", llmtest.CustomerMessage(user))
	}
	if !strings.Contains(llmtest.Conversation(user), "Mia: Hi Jane! How can I help?") {
		t.Errorf("quoted conversation = %q", llmtest.Conversation(user))
	}
	// Structured output with the strict schema, the right model and key.
	var rf struct {
		Type       string `json:"type"`
		JSONSchema struct {
			Name   string `json:"name"`
			Strict bool   `json:"strict"`
			Schema struct {
				Required []string `json:"required"`
			} `json:"schema"`
		} `json:"json_schema"`
	}
	var raw struct {
		ResponseFormat json.RawMessage `json:"response_format"`
		MaxTokens      int             `json:"max_tokens"`
	}
	if err := json.Unmarshal(req.Raw, &raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw.ResponseFormat, &rf); err != nil {
		t.Fatal(err)
	}
	if rf.Type != "json_schema" || rf.JSONSchema.Name != llmtest.AnswerSchema || !rf.JSONSchema.Strict || len(rf.JSONSchema.Schema.Required) != 6 {
		t.Errorf("response_format = %s", raw.ResponseFormat)
	}
	if req.Model != "gpt-test" || req.Auth != "Bearer "+testKey || raw.MaxTokens == 0 {
		t.Errorf("model %q auth %q max_tokens %d", req.Model, req.Auth, raw.MaxTokens)
	}
	if n := h.metric(t, "baton_llm_calls_total", "kind", "answer", "outcome", "ok"); n != 1 {
		t.Errorf("ok calls = %v, want 1", n)
	}
	if billed := h.histogramSum(t, "baton_llm_prompt_tokens", "kind", "answer"); billed != float64(req.PromptTokens()) {
		t.Errorf("prompt tokens on /metrics = %v, want the server's usage %d", billed, req.PromptTokens())
	}
}

func TestAnswersInTheCustomersLanguage(t *testing.T) {
	h := newHarness(t, setup{})
	q := h.question("我的包裹在哪里？怎么查物流")
	q.Lang = "zh"
	h.answer(t, q)
	sys := h.srv.LastChat().System()
	if !strings.Contains(sys, "Reply in Simplified Chinese") {
		t.Errorf("system prompt does not ask for Chinese:\n%s", sys)
	}
}

func TestNotCoveredIsLowConfidence(t *testing.T) {
	h := newHarness(t, setup{})
	ans := h.answer(t, h.question("Any zebra xylophone lessons?"))
	if ans.Confident || ans.Entry != "" || !strings.Contains(ans.Text, "don't have information") {
		t.Fatalf("answer = %+v, want the model's low-confidence reply", ans)
	}
	if h.fb.count() != 0 {
		t.Error("a valid 'not covered' reply went to the fallback")
	}
	if n := h.metric(t, "baton_llm_uncovered_total"); n != 1 {
		t.Errorf("uncovered = %v, want 1", n)
	}
}

func TestSignalsTriggerAHandoff(t *testing.T) {
	h := newHarness(t, setup{})
	// Phrased so the rule-based triggers stay quiet: only the model's
	// judgement can hand this one off.
	text := "hmm, let's see about that one"
	h.srv.SetResponder(llmtest.Fixed(llmtest.Answer{
		Answer: "Of course, I'll bring in someone from the team.", Covered: true, WantsHuman: true, Confused: true,
	}))
	ans := h.answer(t, h.question(text))
	if !ans.Signals.WantsHuman || !ans.Signals.Confused || ans.Signals.Angry {
		t.Fatalf("signals = %+v", ans.Signals)
	}
	rules, probs := handoff.LoadRules(os.DirFS("../../prompts"), "handoff.yaml") // with its learned layer
	if rules == nil {
		t.Fatalf("shipped handoff rules: %v", probs)
	}
	in := handoff.Input{Text: text, Lang: "en"}
	if d := rules.Detect(in); d.Handoff {
		t.Fatalf("rules alone hand off (%s); the test needs a message they miss", d.Reason)
	}
	in.Signals = handoff.Signals(ans.Signals)
	d := rules.Detect(in)
	if !d.Handoff || d.Reason != handoff.Explicit {
		t.Fatalf("decision = %+v, want an explicit handoff from the model's signal", d)
	}

	// And the plain keyword model flags anger on its own.
	h.srv.SetResponder(llmtest.Grounded())
	ans = h.answer(t, h.question("This is ridiculous, I want a real person now"))
	if !ans.Signals.WantsHuman || !ans.Signals.Angry {
		t.Errorf("signals = %+v, want wants-human and angry", ans.Signals)
	}
}

func TestFallback(t *testing.T) {
	cases := []struct {
		name    string
		arrange func(*llmtest.Server)
		env     map[string]string
		outcome string
	}{
		{"500", func(s *llmtest.Server) { s.FailChat(http.StatusInternalServerError, 1) }, nil, "fallback_5xx"},
		{"503", func(s *llmtest.Server) { s.FailChat(http.StatusServiceUnavailable, 1) }, nil, "fallback_5xx"},
		{"429", func(s *llmtest.Server) { s.FailChat(http.StatusTooManyRequests, 1) }, nil, "fallback_429"},
		{"timeout", func(s *llmtest.Server) { s.Stall() }, map[string]string{"OPENAI_TIMEOUT": "50ms"}, "fallback_timeout"},
		{"401", nil, map[string]string{"OPENAI_API_KEY": "sk-wrong"}, "fallback_error"},
		{"not JSON", func(s *llmtest.Server) {
			s.SetResponder(func(*llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Content: "Sure! Tracking is easy."} })
		}, nil, "fallback_invalid"},
		{"broken body", func(s *llmtest.Server) {
			s.SetResponder(func(*llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Body: `{"choices": [`} })
		}, nil, "fallback_invalid"},
		{"no choices", func(s *llmtest.Server) {
			s.SetResponder(func(*llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Body: `{"id":"x","choices":[]}`} })
		}, nil, "fallback_invalid"},
		{"schema violated", func(s *llmtest.Server) {
			s.SetResponder(func(*llmtest.ChatRequest) llmtest.Reply {
				return llmtest.Reply{Content: `{"answer": "Tracking is easy.", "covered": "yes"}`}
			})
		}, nil, "fallback_invalid"},
		{"empty answer", func(s *llmtest.Server) { s.SetResponder(llmtest.Fixed(llmtest.Answer{Covered: true})) }, nil, "fallback_invalid"},
		{"entry not given", func(s *llmtest.Server) {
			s.SetResponder(llmtest.Fixed(llmtest.Answer{Answer: "Tracking is easy.", EntryID: "made/up-entry", Covered: true}))
		}, nil, "fallback_invalid"},
		{"too long", func(s *llmtest.Server) {
			s.SetResponder(llmtest.Fixed(llmtest.Answer{Answer: strings.Repeat("Tracking is easy. ", 200), Covered: true}))
		}, nil, "fallback_invalid"},
		{"cut off", func(s *llmtest.Server) {
			s.SetResponder(func(*llmtest.ChatRequest) llmtest.Reply {
				return llmtest.Reply{Content: `{"answer": "Tracking is`, FinishReason: "length"}
			})
		}, nil, "fallback_invalid"},
		{"refusal", func(s *llmtest.Server) {
			s.SetResponder(func(*llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Refusal: "I can't help with that."} })
		}, nil, "fallback_invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, setup{env: c.env})
			if c.arrange != nil {
				c.arrange(h.srv)
			}
			q := h.question("How can I track my package? My email is jane@example.com")
			ans := h.answer(t, q)
			if ans.Text != offlineText {
				t.Fatalf("answer = %+v, want the offline answer", ans)
			}
			if h.fb.count() != 1 {
				t.Fatalf("fallback asked %d times", h.fb.count())
			}
			if n := h.metric(t, "baton_llm_calls_total", "kind", "answer", "outcome", c.outcome); n != 1 {
				t.Errorf("calls{outcome=%s} = %v, want 1", c.outcome, n)
			}
			logs := h.logs.String()
			if !strings.Contains(logs, "outcome="+c.outcome) {
				t.Errorf("log does not record the fallback: %s", logs)
			}
			for _, secret := range []string{"jane@example.com", "track my package", testKey, "sk-wrong"} {
				if strings.Contains(logs, secret) {
					t.Errorf("log contains %q: %s", secret, logs)
				}
			}
		})
	}
}

func TestCallerCancellationStillAnswers(t *testing.T) {
	h := newHarness(t, setup{})
	h.srv.Stall()
	arrivals := h.srv.Arrivals()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan bot.Answer)
	go func() {
		ans, _ := h.a.Answer(ctx, h.question("How can I track my package?"))
		done <- ans
	}()
	<-arrivals // the call is in flight
	cancel()
	if ans := <-done; ans.Text != offlineText {
		t.Fatalf("answer = %+v, want the offline answer", ans)
	}
}

func TestSloppyLocalModelOutputIsAccepted(t *testing.T) {
	h := newHarness(t, setup{srvOpts: []llmtest.Option{llmtest.WithResponder(llmtest.Fenced(llmtest.Grounded()))}})
	ans := h.answer(t, h.question("How can I track my package?"))
	if ans.Entry != "orders/tracking" || h.fb.count() != 0 {
		t.Fatalf("answer = %+v, fallback %d: fenced JSON should parse", ans, h.fb.count())
	}
}

func TestOutputModes(t *testing.T) {
	for _, mode := range []string{"tool", "json_object", "text"} {
		t.Run(mode, func(t *testing.T) {
			h := newHarness(t, setup{env: map[string]string{"OPENAI_OUTPUT": mode}})
			ans := h.answer(t, h.question("How can I track my package?"))
			if ans.Entry != "orders/tracking" || h.fb.count() != 0 {
				t.Fatalf("answer = %+v", ans)
			}
			req := h.srv.LastChat()
			switch mode {
			case "tool":
				if len(req.Tools) != 1 || req.Tools[0].Function.Name != llmtest.AnswerSchema || req.ResponseFormat != nil {
					t.Errorf("tools = %+v, response_format = %+v", req.Tools, req.ResponseFormat)
				}
			case "json_object":
				if req.ResponseFormat == nil || req.ResponseFormat.Type != "json_object" {
					t.Errorf("response_format = %+v", req.ResponseFormat)
				}
			case "text":
				if req.ResponseFormat != nil || len(req.Tools) != 0 {
					t.Errorf("text mode sent response_format %+v tools %+v", req.ResponseFormat, req.Tools)
				}
			}
		})
	}
}

func TestReasoningModelsGetMaxCompletionTokens(t *testing.T) {
	h := newHarness(t, setup{env: map[string]string{"OPENAI_MODEL": "gpt-5-mini"}})
	h.answer(t, h.question("How can I track my package?"))
	req := h.srv.LastChat()
	if req.MaxTokens != 0 || req.MaxCompletionTokens == 0 || req.Temperature != 0 {
		t.Errorf("max_tokens %d, max_completion_tokens %d, temperature %v", req.MaxTokens, req.MaxCompletionTokens, req.Temperature)
	}
	if h.fb.count() != 0 {
		t.Error("fell back")
	}
}

// contents serves the shipped content to the core's offline answerer.
type contents struct{ set *content.Set }

func (c contents) Current() *content.Set { return c.set }

func TestFallbackIsTheCoresOfflineAnswer(t *testing.T) {
	kb, p := shipped(t)
	offlineKB := bot.KnowledgeAnswerer(contents{&content.Set{KB: kb, Persona: p}})
	h := newHarness(t, setup{opts: []llm.Option{llm.WithFallback(offlineKB)}})
	h.srv.FailChat(http.StatusBadGateway, 1)
	q := h.question("How can I track my package?")
	want, err := offlineKB.Answer(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.answer(t, q); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want the offline answer %+v", got, want)
	}
}
