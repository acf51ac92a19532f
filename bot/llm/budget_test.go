package llm_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/llm"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/session"
)

var entryTagRe = regexp.MustCompile(`<entry id="([^"]+)">`)

// longTurns is a conversation far over any budget.
func longTurns(n int) []session.Turn {
	var turns []session.Turn
	for i := range n {
		role := "customer"
		if i%2 == 1 {
			role = "bot"
		}
		turns = append(turns, session.Turn{Role: role, Text: fmt.Sprintf("turn %d: %s", i, strings.Repeat("a rather long sentence about my order and its parcel ", 12))})
	}
	return turns
}

func TestTokenCapWithAThousandEntries(t *testing.T) {
	kb := bigKB(t, 1000)
	h := newHarness(t, setup{kb: kb})
	for _, c := range []struct {
		name string
		q    bot.Question
	}{
		{"first message", bot.Question{Text: "hi, what is your returns policy for the lamp I bought?", Lang: "en"}},
		{"typical", bot.Question{Text: "How does warranty work for the camera model 413?", Lang: "en",
			History: longTurns(4)[:4], Customer: "Jane"}},
		{"everything too long", bot.Question{Text: strings.Repeat("Please explain how shipping works for my kettle, I have been waiting. ", 80),
			Lang: "en", History: longTurns(30), Customer: strings.Repeat("Jane", 40)}},
		{"long Chinese", bot.Question{Text: strings.Repeat("我的订单为什么还没有发货，请帮我查一下。", 150), Lang: "zh", History: longTurns(10)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.Candidates = kb.Match(context.Background(), q.Text, 20)
			h.answer(t, q)
			req := h.srv.LastChat()
			billed := req.PromptTokens()
			if billed > 1500 {
				t.Errorf("prompt of %d tokens, over the 1,500 goal", billed)
			}
			estimate := 0
			for _, m := range req.Messages {
				estimate += llm.EstimateTokens(m.Text()) + 4
			}
			if estimate < billed {
				t.Errorf("local estimate %d is below the billed %d: budgeting is not conservative", estimate, billed)
			}
			ids := entryTagRe.FindAllStringSubmatch(req.System(), -1)
			if len(ids) > 4 || (len(ids) == 0) != (len(q.Candidates) == 0) {
				t.Errorf("%d entries in the prompt for %d candidates, want 1..4 (0 without candidates)", len(ids), len(q.Candidates))
			}
			if len(ids) > 0 && ids[0][1] != q.Candidates[0].ID {
				t.Errorf("first entry %s, want the best match %s", ids[0][1], q.Candidates[0].ID)
			}
			conv := llmtest.Conversation(req.User())
			if n := strings.Count(conv, "\n") + 1; conv != "" && n > 6 {
				t.Errorf("%d turns quoted, want at most 6", n)
			}
			t.Logf("%s: %d prompt tokens billed (estimate %d), %d entries", c.name, billed, estimate, len(ids))
		})
	}
	if n := h.metric(t, "baton_llm_prompt_tokens", "kind", "answer"); n != 4 {
		t.Errorf("prompt token observations = %v, want 4", n)
	}
}

func TestMessageIsTruncatedNotDropped(t *testing.T) {
	h := newHarness(t, setup{})
	text := "How can I track my package? " + strings.Repeat("More details about my situation. ", 200)
	h.answer(t, h.question(text))
	msg := llmtest.CustomerMessage(h.srv.LastChat().User())
	if !strings.HasPrefix(msg, "How can I track my package?") || !strings.HasSuffix(msg, "…") || len(msg) >= len(text) {
		t.Errorf("quoted message (%d bytes of %d) = %.80q…", len(msg), len(text), msg)
	}
}

// BenchmarkAnswer measures one LLM-mode turn against a 1,000-entry
// knowledge base with a fake model that answers at once, and reports the
// time the LLM path adds beyond the model's own (the fake's handler time is
// subtracted) and the prompt tokens per turn. Matching (lexical or fused,
// bot/semantic) is the core's job and not timed here.
//
//	go test -run XXX -bench Answer -benchtime 200x ./bot/llm/
func BenchmarkAnswer(b *testing.B) {
	kb := bigKB(b, 1000)
	h := newHarness(b, setup{kb: kb})
	texts := []string{
		"hello, how does warranty work for my camera? it stopped working",
		"what is your returns policy for the lamp I bought",
		"I need help with payment on a tablet",
		"can you explain shipping for the kettle number 12",
	}
	qs := make([]bot.Question, len(texts))
	for i, text := range texts {
		qs[i] = bot.Question{Text: text, Lang: "en", History: longTurns(4), Candidates: kb.Match(context.Background(), text, 8)}
	}
	h.answer(b, qs[0]) // warm up connections and caches
	srv0, calls0, chats0 := h.srv.HandlerTime(), h.srv.Calls(), len(h.srv.Chats())
	turns := 0
	start := time.Now()
	for b.Loop() {
		q := qs[turns%len(qs)]
		q.Text += fmt.Sprintf(" (%d)", turns)
		if _, err := h.a.Answer(b.Context(), q); err != nil {
			b.Fatal(err)
		}
		turns++
	}
	total := time.Since(start)
	tokens := 0
	for _, c := range h.srv.Chats()[chats0:] {
		tokens += c.PromptTokens()
	}
	if h.fb.count() != 0 {
		b.Fatalf("%d turns fell back", h.fb.count())
	}
	n := float64(turns)
	model := h.srv.HandlerTime() - srv0
	b.ReportMetric(float64(total-model)/n/1e6, "added-ms/turn")
	b.ReportMetric(float64(model)/n/1e6, "fake-model-ms/turn")
	b.ReportMetric(float64(tokens)/n, "prompt-tokens/turn")
	b.ReportMetric(float64(h.srv.Calls()-calls0)/n, "calls/turn")
}

func TestHugeTemplateStillAnswers(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../prompts")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "llm", "system.tmpl")
	src, _ := os.ReadFile(file)
	padded := strings.Replace(string(src), "Voice:", strings.Repeat("Be nice to every customer, always, in every way. ", 300)+"\nVoice:", 1)
	if err := os.WriteFile(file, []byte(padded), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, setup{prompts: os.DirFS(dir)})
	q := h.question("How can I track my package?")
	if ans := h.answer(t, q); ans.Text == offlineText {
		t.Fatal("fell back")
	}
	ids := entryTagRe.FindAllStringSubmatch(h.srv.LastChat().System(), -1)
	if len(ids) != 1 || ids[0][1] != q.Candidates[0].ID {
		t.Errorf("entries %v, want only the best, shortened", ids)
	}
	h.answer(t, h.question("How can I track my package?"))
	if n := strings.Count(h.logs.String(), "over its token budget"); n != 1 {
		t.Errorf("over-budget warning logged %d times, want once", n)
	}
}
