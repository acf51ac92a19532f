package llm_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	openai "github.com/sashabaranov/go-openai"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/semantic"
)

func TestNoCandidatesUsesTheMatcher(t *testing.T) {
	h := newHarness(t, setup{})
	ans := h.answer(t, bot.Question{Text: "How can I track my package?", Lang: "en"})
	if ans.Entry != "orders/tracking" {
		t.Errorf("entry = %q, want the matcher's pick", ans.Entry)
	}
}

// arrival is an embedding model that knows "get here" is about arriving;
// the lexical matcher does not.
func arrival(text string) []float32 {
	v := llmtest.HashEmbedder(256)(text)
	if regexp.MustCompile(`(?i)get here|arriv|deliver`).MatchString(text) {
		v[0] += 4
	}
	return v
}

// orderShop is a base where four entries share the word "order" with the
// message and the one it asks about shares none.
var orderShop = map[string][]string{
	"shipping/times": {"How long is delivery?", "How many days until arrival?"},
	"orders/cancel":  {"How do I cancel my order?", "Cancel an order"},
	"orders/change":  {"Can I change my order?", "Change something in an order"},
	"orders/invoice": {"Where is the invoice for my order?", "Order invoice"},
	"orders/number":  {"Where do I find my order number?", "Order number"},
	"payment/cards":  {"Which cards do you take?", "Can I pay by card?"},
}

func loadShop(t testing.TB, entries map[string][]string) *knowledge.Base {
	t.Helper()
	fs := fstest.MapFS{}
	for id, qs := range entries {
		var b strings.Builder
		b.WriteString("---\nquestions:\n")
		for _, q := range qs {
			fmt.Fprintf(&b, "  - %q\n", q)
		}
		fmt.Fprintf(&b, "---\nHere is what we can tell you about %s.\n", id)
		fs["en/"+id+".md"] = &fstest.MapFile{Data: []byte(b.String())}
	}
	kb, probs := knowledge.Load(fs, ".")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return kb
}

// LLM mode retrieves what serve's matcher ranks: with semantic matching
// on, an entry the words alone rank fifth reaches the model.
func TestFusedRankingFeedsRetrieval(t *testing.T) {
	base := loadShop(t, orderShop)
	h := newHarness(t, setup{kb: withMatcher(base), srvOpts: []llmtest.Option{llmtest.WithEmbedder(arrival)}})
	cfg := openai.DefaultConfig(testKey)
	cfg.BaseURL = h.srv.URL()
	v, err := semantic.NewVectors(semantic.OpenAI{Client: openai.NewClientWithConfig(cfg), Model: "fake-embed"})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	m := v.MatcherFunc(t.Context(), base, nil, knowledge.CalibrationConfig{OffTopic: []string{"good morning", "tell me a joke"}}).(*semantic.Matcher)
	if _, err := m.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	h.setKB(&knowledge.KB{Base: base, Matcher: m})

	const text, want = "my order, when will that get here?", "shipping/times"
	rank := func(ms []knowledge.Match) int {
		return slices.IndexFunc(ms, func(x knowledge.Match) bool { return x.ID == want })
	}
	if r := rank(m.Lexical().Match(context.Background(), text, 20)); r >= 0 && r < 3 {
		t.Fatalf("test premise: the lexical matcher ranks %s at %d; want fourth or lower", want, r+1)
	}
	// The core asks serve's matcher for candidates, as bot/turn.go does.
	q := bot.Question{Text: text, Lang: "en", Candidates: h.cur.Load().Match(context.Background(), text, 5), Customer: "Jane"}
	if r := rank(q.Candidates); r != 0 {
		t.Errorf("fused candidates %+v: want %s first", q.Candidates, want)
	}
	h.answer(t, q)
	if sys := h.srv.LastChat().System(); !strings.Contains(sys, `<entry id="`+want+`">`) {
		t.Errorf("%s is not in the prompt", want)
	}
}
