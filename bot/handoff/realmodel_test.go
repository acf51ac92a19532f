package handoff

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/semantic"
	"github.com/batonhq/baton/bot/semantic/semantictest"
	"github.com/batonhq/baton/bot/store"
)

// realEmbedder returns an Embedder for the real English embedding model in
// ../shared/embed, for measuring the vector layer, or skips the test saying
// why (semantictest.URL).
func realEmbedder(t testing.TB) semantic.OpenAI {
	t.Helper()
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = semantictest.URL(t)
	return semantic.OpenAI{Client: openai.NewClientWithConfig(cfg), Model: semantictest.Model, Timeout: time.Minute}
}

// TestMain stops the real model's server, if a test started it.
func TestMain(m *testing.M) { semantictest.Main(m) }

// memoEmbeddings serves vectors embedded in bulk beforehand, as if the
// knowledge matcher had computed every message's vector.
type memoEmbeddings struct {
	v    *semantic.Vectors
	mu   sync.Mutex
	vecs map[string][]float32
	// hide: KnownVector says no, so the layer asks (MessageVector) only in
	// its grey zone, as when knowledge matching did not need the vector.
	hide bool
	asks int
}

func newMemoEmbeddings(t testing.TB, texts []string) *memoEmbeddings {
	t.Helper()
	var opts []semantic.VectorsOption
	// With REDIS_URL, vectors are cached there as serve caches them, so a
	// second measurement embeds nothing again.
	if u := os.Getenv("REDIS_URL"); u != "" {
		client, err := store.Open(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = client.Close() })
		db, err := store.New(client, "baton-measure")
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, semantic.WithCache(db, "use-lite-en"))
	}
	v, err := semantic.NewVectors(realEmbedder(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	m := &memoEmbeddings{v: v, vecs: map[string][]float32{}}
	m.add(t, texts)
	return m
}

func (m *memoEmbeddings) add(t testing.TB, texts []string) {
	t.Helper()
	var need []string
	seen := map[string]bool{}
	for _, s := range texts {
		if _, ok := m.vecs[s]; !ok && !seen[s] {
			need, seen[s] = append(need, s), true
		}
	}
	out, err := m.v.EmbedTexts(context.Background(), need)
	if err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, s := range need {
		m.vecs[s] = out[i]
	}
}

func (m *memoEmbeddings) MessageVector(ctx context.Context, text string) ([]float32, error) {
	m.mu.Lock()
	m.asks++
	v, ok := m.vecs[text]
	m.mu.Unlock()
	if ok {
		return v, nil
	}
	return m.v.MessageVector(ctx, text)
}

func (m *memoEmbeddings) KnownVector(text string) ([]float32, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hide {
		return nil, false
	}
	v, ok := m.vecs[text]
	return v, ok
}

func (m *memoEmbeddings) EmbedTexts(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	var need []int
	m.mu.Lock()
	for i, s := range texts {
		if v, ok := m.vecs[s]; ok {
			out[i] = v
		} else {
			need = append(need, i)
		}
	}
	m.mu.Unlock()
	in := make([]string, len(need))
	for j, i := range need {
		in[j] = texts[i]
	}
	got, err := m.v.EmbedTexts(ctx, in)
	if err != nil {
		return nil, err
	}
	for j, i := range need {
		out[i] = got[j]
	}
	return out, nil
}

func measuring(t *testing.T) {
	if os.Getenv("BATON_MEASURE") != "1" {
		t.Skip("a measurement against the real model: run with BATON_MEASURE=1")
	}
}

// loadShippedWith loads the shipped rules with the vector layer over emb
// and waits for the example vectors.
func loadShippedWith(t testing.TB, emb Embeddings) *Rules {
	t.Helper()
	kb, _ := knowledge.Load(os.DirFS("../../knowledge"), ".")
	r, probs := LoadRules(os.DirFS("../.."), "prompts/handoff.yaml", WithKnowledge(kb), WithEmbeddings(emb))
	for _, p := range probs {
		t.Errorf("%s", p)
	}
	if r == nil {
		t.Fatal("prompts/handoff.yaml did not load")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := r.WaitVectors(ctx); err != nil {
		t.Fatal(err)
	}
	return r
}
