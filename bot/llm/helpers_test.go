package llm_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/llm"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/persona"
)

const testKey = "sk-test-0123456789abcdef"

var shippedOnce = sync.OnceValues(func() (*knowledge.KB, *persona.Persona) {
	set, _ := content.Load(content.Dir("../../prompts"), content.Dir("../../knowledge"))
	return set.KB, set.Persona
})

// withMatcher is b with the lexical matcher, calibrated with no lexicon or
// off-topic messages (the shipped base gets both through shipped).
func withMatcher(b *knowledge.Base) *knowledge.KB {
	return &knowledge.KB{Base: b, Matcher: knowledge.NewLexicalMatcher(context.Background(), b, nil, knowledge.CalibrationConfig{})}
}

// shipped loads the knowledge base and persona the binary ships (once:
// both are immutable).
func shipped(t testing.TB) (*knowledge.KB, *persona.Persona) {
	t.Helper()
	kb, p := shippedOnce()
	if kb == nil || kb.Len() == 0 {
		_, probs := knowledge.Load(os.DirFS("../../knowledge"), ".")
		t.Fatalf("shipped knowledge does not load: %v", probs)
	}
	if p == nil {
		_, probs := persona.Load(os.DirFS("../.."), "prompts")
		t.Fatalf("shipped prompts do not load: %v", probs)
	}
	return kb, p
}

// offline stands in for the core's knowledge-base answerer: a recognisable
// answer, and a record of being asked.
type offline struct {
	mu    sync.Mutex
	calls int
}

const offlineText = "OFFLINE: here is what the knowledge base says."

func (o *offline) Answer(_ context.Context, q bot.Question) (bot.Answer, error) {
	o.mu.Lock()
	o.calls++
	o.mu.Unlock()
	a := bot.Answer{Text: offlineText}
	if len(q.Candidates) > 0 && q.Candidates[0].Confident {
		a.Entry, a.Confident = q.Candidates[0].ID, true
	}
	return a, nil
}

func (o *offline) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.calls
}

// harness is an Answerer wired to a fake server, the shipped content, a
// fresh metrics registry and a captured log.
type harness struct {
	srv  *llmtest.Server
	a    *llm.Answerer
	kb   *knowledge.KB // the first one; see setKB
	cur  atomic.Pointer[knowledge.KB]
	p    *persona.Persona
	fb   *offline
	reg  *prometheus.Registry
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type setup struct {
	env     map[string]string
	srvOpts []llmtest.Option
	opts    []llm.Option
	kb      *knowledge.KB
	prompts fs.FS
}

func newHarness(t testing.TB, s setup) *harness {
	t.Helper()
	kb, p := shipped(t)
	if s.kb != nil {
		kb = s.kb
	}
	h := &harness{kb: kb, p: p, fb: &offline{}, reg: prometheus.NewRegistry(), logs: &syncBuffer{}}
	h.cur.Store(kb)
	h.srv = llmtest.New(t, append([]llmtest.Option{llmtest.WithKey(testKey)}, s.srvOpts...)...)
	env := map[string]string{"OPENAI_API_KEY": testKey, "OPENAI_BASE_URL": h.srv.URL(), "OPENAI_MODEL": "gpt-test"}
	for k, v := range s.env {
		env[k] = v
	}
	if env["OPENAI_BASE_URL"] == "ROOT" { // Azure-style clients add the path themselves
		env["OPENAI_BASE_URL"] = h.srv.Root()
	}
	prompts := s.prompts
	if prompts == nil {
		prompts = os.DirFS("../../prompts")
	}
	opts := append([]llm.Option{
		llm.WithFallback(h.fb),
		llm.WithKnowledge(h.cur.Load),
		llm.WithPersona(func() *persona.Persona { return h.p }),
		llm.WithPrompts(prompts, "."),
		llm.WithRegisterer(h.reg),
		llm.WithLogger(slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	}, s.opts...)
	a, ok, err := llm.FromEnv(func(k string) string { return env[k] }, opts...)
	if err != nil || !ok {
		t.Fatalf("FromEnv: ok %v, err %v", ok, err)
	}
	t.Cleanup(a.Close)
	h.a = a
	return h
}

// setKB swaps the knowledge base, as a hot reload does.
func (h *harness) setKB(kb *knowledge.KB) { h.cur.Store(kb) }

// question is a customer turn as the core builds it: lexical candidates
// from the matcher.
func (h *harness) question(text string) bot.Question {
	return bot.Question{Text: text, Lang: "en", Candidates: h.cur.Load().Match(context.Background(), text, 8), Customer: "Jane"}
}

func (h *harness) answer(t testing.TB, q bot.Question) bot.Answer {
	t.Helper()
	ans, err := h.a.Answer(context.Background(), q)
	if err != nil {
		t.Fatalf("Answer(%q): %v", q.Text, err)
	}
	if strings.TrimSpace(ans.Text) == "" {
		t.Fatalf("Answer(%q): empty text", q.Text)
	}
	return ans
}

// metric returns the value of a counter, or the sample count of a
// histogram, with the given labels (0 if absent).
func (h *harness) metric(t testing.TB, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if !labelsMatch(m, want) {
				continue
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return 0
}

// histogramSum is the sum of a histogram's samples.
func (h *harness) histogramSum(t testing.TB, name string, labels ...string) float64 {
	t.Helper()
	mfs, _ := h.reg.Gather()
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				if labelsMatch(m, want) && m.Histogram != nil {
					return m.Histogram.GetSampleSum()
				}
			}
		}
	}
	return 0
}

func labelsMatch(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// bigKB builds a knowledge base of n entries in the knowledge format, with
// realistic lengths (five questions, a tip, a two-paragraph answer), through
// the real loader.
func bigKB(t testing.TB, n int) *knowledge.KB {
	t.Helper()
	topics := []string{"shipping", "returns", "payment", "warranty", "account", "orders", "products", "gift cards", "stores", "repairs"}
	things := []string{"headphones", "charger", "speaker", "watch", "camera", "keyboard", "tablet", "lamp", "backpack", "kettle"}
	dir := t.TempDir()
	for i := range n {
		topic, thing := topics[i%len(topics)], things[(i/len(topics))%len(things)]
		id := fmt.Sprintf("%s/item-%04d", strings.ReplaceAll(topic, " ", "-"), i)
		var b strings.Builder
		b.WriteString("---\nquestions:\n")
		for _, q := range []string{
			"How does %[1]s work for the %[2]s model %[3]d?",
			"Question about %[1]s and my %[2]s (ref %[3]d)",
			"Can you explain %[1]s for %[2]s number %[3]d?",
			"I need help with %[1]s on a %[2]s, item %[3]d",
			"What is your %[1]s policy for %[2]s %[3]d?",
		} {
			fmt.Fprintf(&b, "  - %q\n", fmt.Sprintf(q, topic, thing, i))
		}
		fmt.Fprintf(&b, "tip: %q\n---\n", fmt.Sprintf("Keep your receipt for the %s %d, it makes %s faster.", thing, i, topic))
		fmt.Fprintf(&b, "For the %s %d, %s works like this: we check your order within one business day and email you the next steps, "+
			"including a prepaid label where one applies. Most customers are done within a week.\n\n"+
			"If anything looks wrong, reply to that email with your order number (it looks like KS-%06d) and a photo, "+
			"and the team picks it up from there. Opening hours and contact details are on the Help page.\n", thing, i, topic, 200000+i)
		path := dir + "/en/" + id + ".md"
		if err := os.MkdirAll(path[:strings.LastIndex(path, "/")], 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kb, probs := knowledge.Load(os.DirFS(dir), ".")
	if kb.Len() != n {
		t.Fatalf("built %d entries, loaded %d: %v", n, kb.Len(), probs)
	}
	return withMatcher(kb)
}
