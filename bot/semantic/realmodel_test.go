package semantic

import (
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/batonhq/baton/bot/semantic/semantictest"
)

// sharedDir is the shared folder beside the repository.
func sharedDir() string { return semantictest.SharedDir() }

// realEmbedder returns an Embedder for the real embedding model in
// ../shared/embed, or skips the test saying why (semantictest.URL).
func realEmbedder(t testing.TB) OpenAI {
	t.Helper()
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = semantictest.URL(t)
	return OpenAI{Client: openai.NewClientWithConfig(cfg), Model: semantictest.Model, Timeout: time.Minute}
}

// TestMain stops the real model's server, if a test started it.
func TestMain(m *testing.M) { semantictest.Main(m) }
