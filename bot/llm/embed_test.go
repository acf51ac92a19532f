package llm_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/llm"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

var embedEnv = map[string]string{"OPENAI_EMBEDDING_MODEL": "text-embedding-3-small"}

// conceptEmbedder is a bag-of-words model that also knows one synonym
// phrase the lexical matcher does not: "whereabouts" is what the tracking
// entry's "has my order shipped" asks.
func conceptEmbedder(text string) []float32 {
	v := llmtest.HashEmbedder(256)(text)
	if regexp.MustCompile(`(?i)has my order shipped|whereabouts`).MatchString(text) {
		v[0] += 3
	}
	return v
}

func TestHybridRetrievalAddsSemanticMatches(t *testing.T) {
	db := sessiontest.DB(t)
	h := newHarness(t, setup{env: embedEnv,
		srvOpts: []llmtest.Option{llmtest.WithEmbedder(conceptEmbedder)},
		opts:    []llm.Option{llm.WithCache(db.Client, db.Keys.Cache)}})
	if err := h.a.Prepare(t.Context(), "en"); err != nil {
		t.Fatal(err)
	}
	text := "any news on the whereabouts of my purchase?"
	q := h.question(text)
	// Whatever the matcher's tuning, give it a miss: candidates without the
	// entry and none confident.
	var lexical []string
	var cands []knowledge.Match
	for _, c := range q.Candidates {
		if c.ID != "orders/tracking" {
			c.Confident = false
			cands = append(cands, c)
			lexical = append(lexical, c.ID)
		}
	}
	q.Candidates = cands
	before := len(h.srv.Embedded())
	ans := h.answer(t, q)
	sys := h.srv.LastChat().System()
	if !strings.Contains(sys, `<entry id="orders/tracking">`) {
		t.Errorf("the semantically nearest entry is not in the prompt (lexical top: %v)", lexical)
	}
	if got := h.srv.Embedded()[before:]; len(got) != 1 || got[0] != text {
		t.Errorf("query embeddings = %q, want the message once", got)
	}
	if ans.Text == offlineText {
		t.Error("fell back")
	}
}

func TestConfidentLexicalMatchSkipsTheQueryEmbedding(t *testing.T) {
	h := newHarness(t, setup{env: embedEnv})
	if err := h.a.Prepare(t.Context(), "en"); err != nil {
		t.Fatal(err)
	}
	q := h.question("How can I track my package?")
	q.Candidates = []knowledge.Match{{ID: "orders/tracking", Lang: "en", Score: 0.9, Confident: true}}
	calls := h.srv.Calls()
	h.answer(t, q)
	if n := h.srv.Calls() - calls; n != 1 {
		t.Errorf("%d calls for the turn, want exactly one (the chat)", n)
	}
}

func TestEmbeddingCacheSurvivesRestartAndReload(t *testing.T) {
	db := sessiontest.DB(t)
	cache := llm.WithCache(db.Client, db.Keys.Cache)
	kb, _ := shipped(t)
	first := newHarness(t, setup{env: embedEnv, opts: []llm.Option{cache}})
	if err := first.a.Prepare(t.Context(), "en"); err != nil {
		t.Fatal(err)
	}
	if n := len(first.srv.Embedded()); n != kb.Len() {
		t.Fatalf("embedded %d entries, want all %d", n, kb.Len())
	}

	// A restart: a new process with the same Redis embeds nothing.
	second := newHarness(t, setup{env: embedEnv, opts: []llm.Option{cache}})
	if err := second.a.Prepare(t.Context(), "en"); err != nil {
		t.Fatal(err)
	}
	if n := len(second.srv.Embedded()); n != 0 {
		t.Errorf("after a restart %d entries were embedded again, want 0", n)
	}
	if hits := second.metric(t, "baton_llm_embedding_cache_total", "result", "hit"); hits != float64(kb.Len()) {
		t.Errorf("cache hits = %v, want %d", hits, kb.Len())
	}

	// A hot reload with one entry edited embeds that entry only.
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../knowledge")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "en", "orders", "tracking.md")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, append(src, []byte("\nTracking also shows in the Kumo app.\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	edited, probs := knowledge.Load(os.DirFS(dir), ".")
	if edited.Len() != kb.Len() {
		t.Fatalf("edited copy: %v", probs)
	}
	second.setKB(withMatcher(edited))
	if err := second.a.Prepare(t.Context(), "en"); err != nil {
		t.Fatal(err)
	}
	got := second.srv.Embedded()
	if len(got) != 1 || !strings.Contains(got[0], "Kumo app") {
		t.Errorf("after editing one entry, embedded %d texts, want that entry only", len(got))
	}
}

func TestEmbeddingFailuresDegradeToLexical(t *testing.T) {
	h := newHarness(t, setup{env: embedEnv})
	h.srv.FailEmbeddings(500, 1)
	if err := h.a.Prepare(t.Context(), "en"); err == nil {
		t.Fatal("Prepare with a failing embeddings endpoint: want an error")
	}
	// No index: still answers, lexically, with one call.
	q := h.question("any news on the whereabouts of my purchase?")
	ans := h.answer(t, q)
	if ans.Text == offlineText {
		t.Fatal("fell back to offline; want a lexical-only LLM answer")
	}
	// The index builds on a later try; a failing query embedding then
	// still answers.
	if err := h.a.Prepare(t.Context(), "en"); err != nil {
		t.Fatal(err)
	}
	h.srv.FailEmbeddings(503, 1)
	if ans := h.answer(t, q); ans.Text == offlineText {
		t.Fatal("query embedding failure sent the turn offline")
	}
	if n := h.metric(t, "baton_llm_calls_total", "kind", "embed_query", "outcome", "fallback_5xx"); n != 1 {
		t.Errorf("embed_query failures = %v, want 1", n)
	}
	if n := h.metric(t, "baton_llm_calls_total", "kind", "answer", "outcome", "ok"); n != 2 {
		t.Errorf("ok answers = %v, want 2", n)
	}
}

func TestNoCandidatesUsesTheMatcher(t *testing.T) {
	h := newHarness(t, setup{})
	ans := h.answer(t, bot.Question{Text: "How can I track my package?", Lang: "en"})
	if ans.Entry != "orders/tracking" {
		t.Errorf("entry = %q, want the matcher's pick", ans.Entry)
	}
}
