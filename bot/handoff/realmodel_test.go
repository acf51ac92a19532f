package handoff

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/semantic"
	"github.com/batonhq/baton/bot/store"
)

// The real English embedding model in ../shared/embed, for measuring the
// vector layer. BATON_EMBED_URL (http://127.0.0.1:PORT/v1) uses a server
// already running; otherwise the test starts one (once per test binary)
// and skips, saying why, when node, npm or the folder is missing.

var realModel struct {
	once sync.Once
	url  string
	skip string
	cmd  *exec.Cmd
}

func realEmbedder(t testing.TB) semantic.OpenAI {
	t.Helper()
	realModel.once.Do(func() {
		if u := os.Getenv("BATON_EMBED_URL"); u != "" {
			realModel.url = u
			return
		}
		realModel.url, realModel.skip = startRealModel()
	})
	if realModel.skip != "" {
		t.Skip(realModel.skip)
	}
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = realModel.url
	return semantic.OpenAI{Client: openai.NewClientWithConfig(cfg), Model: "use-lite-en", Timeout: time.Minute}
}

func startRealModel() (url, skip string) {
	dir := filepath.Join("..", "..", "..", "shared", "embed")
	if _, err := os.Stat(filepath.Join(dir, "setup.sh")); err != nil {
		return "", "the real embedding model is not available: " + dir + " is missing"
	}
	for _, tool := range []string{"node", "npm", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", "the real embedding model needs " + tool + ", which is not installed"
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", filepath.Join(dir, "setup.sh")).Output()
	if err != nil {
		return "", fmt.Sprintf("setting up the real embedding model failed (%v); skipping", err)
	}
	cmd := exec.Command("node", strings.TrimSpace(string(out)), "--port", "0", "--quiet")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err.Error()
	}
	if err := cmd.Start(); err != nil {
		return "", "starting the real embedding model failed: " + err.Error()
	}
	realModel.cmd = cmd
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				listening <- m[1]
			}
		}
		close(listening)
	}()
	select {
	case addr, ok := <-listening:
		if ok {
			return addr + "/v1", ""
		}
		return "", "the real embedding model exited before it listened"
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		return "", "the real embedding model did not come up within a minute"
	}
}

var listenRE = regexp.MustCompile(`listening on (http://\S+)`)

// TestMain stops the real model's server, if a test started it.
func TestMain(m *testing.M) {
	code := m.Run()
	if realModel.cmd != nil {
		_ = realModel.cmd.Process.Kill()
		_ = realModel.cmd.Wait()
	}
	os.Exit(code)
}

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
