package llm_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/llm"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/persona"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestFromEnvOffWithoutKeyOrURL(t *testing.T) {
	a, ok, err := llm.FromEnv(envOf(map[string]string{"OPENAI_MODEL": "gpt-4.1-mini"}))
	if a != nil || ok || err != nil {
		t.Fatalf("got %v %v %v, want LLM mode off", a, ok, err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	cfg, ok, err := llm.ConfigFromEnv(envOf(map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_TIMEOUT": "5"}))
	if !ok || err != nil || cfg.Timeout != 5*time.Second || cfg.Model != llm.DefaultModel || cfg.Output != llm.OutputJSONSchema {
		t.Fatalf("cfg %+v ok %v err %v", cfg, ok, err)
	}
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"OPENAI_API_KEY": "k", "OPENAI_TIMEOUT": "soon"}, `OPENAI_TIMEOUT="soon": not a duration`},
		{map[string]string{"OPENAI_API_KEY": "k", "OPENAI_TIMEOUT": "-3s"}, `OPENAI_TIMEOUT="-3s": must be positive`},
		{map[string]string{"OPENAI_BASE_URL": "localhost:11434"}, `OPENAI_BASE_URL="localhost:11434": must be an http(s) URL`},
		{map[string]string{"OPENAI_API_KEY": "k", "OPENAI_OUTPUT": "xml"}, `OPENAI_OUTPUT="xml": use json_schema, tool, json_object or text`},
		{map[string]string{"OPENAI_API_KEY": "k", "OPENAI_API_TYPE": "azure"}, `OPENAI_API_TYPE=azure needs OPENAI_BASE_URL`},
		{map[string]string{"OPENAI_API_KEY": "k", "OPENAI_API_TYPE": "vertex"}, `OPENAI_API_TYPE="vertex": use openai or azure`},
		{map[string]string{"OPENAI_API_KEY": "k", "OPENAI_MAX_PROMPT_TOKENS": "12"}, `OPENAI_MAX_PROMPT_TOKENS="12"`},
	} {
		_, ok, err := llm.ConfigFromEnv(envOf(c.env))
		if !ok || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: ok %v err %v, want %q", c.env, ok, err, c.want)
		}
	}
}

func TestKeyNeverLogged(t *testing.T) {
	cfg, _, _ := llm.ConfigFromEnv(envOf(map[string]string{"OPENAI_API_KEY": testKey, "OPENAI_BASE_URL": "https://user:hunter2@gw.example/v1"}))
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("llm mode", "llm", cfg)
	out := buf.String() + fmt.Sprint(cfg) + fmt.Sprintf("%+v %#v", cfg, cfg)
	for _, secret := range []string{testKey, "hunter2"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q shows in %s", secret, out)
		}
	}
	if !strings.Contains(buf.String(), `"api_key_set":true`) || !strings.Contains(buf.String(), "gw.example") {
		t.Errorf("log lacks the useful parts: %s", buf.String())
	}
}

func TestLocalServerWithoutKey(t *testing.T) {
	srv := llmtest.New(t)
	kb, p := shipped(t)
	a, ok, err := llm.FromEnv(envOf(map[string]string{"OPENAI_BASE_URL": srv.URL() + "/", "OPENAI_MODEL": "llama3.2"}),
		llm.WithFallback(&offline{}), llm.WithPrompts(os.DirFS("../../prompts"), "."),
		llm.WithKnowledge(func() *knowledge.KB { return kb }), llm.WithPersona(func() *persona.Persona { return p }))
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	defer a.Close()
	text := "How can I track my package?"
	if _, err := a.Answer(t.Context(), bot.Question{Text: text, Lang: "en", Candidates: kb.Match(context.Background(), text, 8)}); err != nil {
		t.Fatal(err)
	}
	if req := srv.LastChat(); req == nil || req.Auth != "" || req.Model != "llama3.2" {
		t.Fatalf("request %+v: want no key and the local model", req)
	}
}

func TestAzure(t *testing.T) {
	h := newHarness(t, setup{env: map[string]string{"OPENAI_API_TYPE": "azure", "OPENAI_MODEL": "support-gpt", "OPENAI_BASE_URL": "ROOT"}})
	ans := h.answer(t, h.question("How can I track my package?"))
	if ans.Entry != "orders/tracking" {
		t.Fatalf("answer %+v", ans)
	}
	req := h.srv.LastChat()
	if req.Path != "/openai/deployments/support-gpt/chat/completions" || req.Auth != testKey {
		t.Errorf("path %q auth %q", req.Path, req.Auth)
	}
}

func TestRequiredOptions(t *testing.T) {
	cfg := llm.Config{APIKey: "k"}
	kb, p := shipped(t)
	all := []llm.Option{
		llm.WithFallback(&offline{}), llm.WithPrompts(os.DirFS("../../prompts"), "."),
		llm.WithKnowledge(func() *knowledge.KB { return kb }), llm.WithPersona(func() *persona.Persona { return p }),
	}
	for i, want := range []string{"WithFallback", "WithPrompts", "WithKnowledge", "WithPersona"} {
		opts := append(append([]llm.Option{}, all[:i]...), all[i+1:]...)
		if _, err := llm.New(cfg, opts...); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("without %s: err %v", want, err)
		}
	}
	if _, err := llm.New(cfg, append(all[:1:1], append([]llm.Option{llm.WithPrompts(fstest.MapFS{}, ".")}, all[2:]...)...)...); err == nil ||
		!strings.Contains(err.Error(), "llm/system.tmpl") {
		t.Errorf("without templates: err %v", err)
	}
}

func TestShippedTemplatesCheckClean(t *testing.T) {
	if probs := llm.Check(os.DirFS("../.."), "prompts", "prompts"); len(probs) != 0 {
		t.Fatalf("shipped templates: %v", probs)
	}
}

func TestCheckReportsFileAndLine(t *testing.T) {
	fsys := fstest.MapFS{
		"llm/system.tmpl":  {Data: []byte("You are {{.Bot}}.\n\nRules\n{{range .Entries}}{{.Nope}}{{end}}\n")},
		"llm/summary.tmpl": {Data: []byte("Summary for {{.Bot}}\n{{if .Reason}\n")},
	}
	probs := llm.Check(fsys, ".", "prompts")
	got := fmt.Sprint(probs)
	for _, want := range []string{"prompts/llm/system.tmpl:4:", "Nope", "prompts/llm/summary.tmpl:2:"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %s lack %q", got, want)
		}
	}
	if probs := llm.Check(fstest.MapFS{}, ".", "prompts"); len(probs) != 2 || !strings.Contains(probs[0].Msg, "missing") {
		t.Errorf("missing templates: %v", probs)
	}
}

func TestTemplateEditsApplyAndBrokenEditsKeepTheLastGood(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../prompts")); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, setup{prompts: os.DirFS(dir)})
	file := filepath.Join(dir, "llm", "system.tmpl")
	src, _ := os.ReadFile(file)

	edited := strings.Replace(string(src), "Voice:", "Voice (EDITED BY OPS):", 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	h.answer(t, h.question("How can I track my package?"))
	if !strings.Contains(h.srv.LastChat().System(), "EDITED BY OPS") {
		t.Fatal("the edit did not apply")
	}

	if err := os.WriteFile(file, []byte(edited+"{{.NoSuchField}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if ans := h.answer(t, h.question("How can I track my package?")); ans.Text == offlineText {
			t.Fatal("a broken template sent the turn offline; want the last good template")
		}
		if !strings.Contains(h.srv.LastChat().System(), "EDITED BY OPS") {
			t.Fatal("the last good template was not used")
		}
	}
	if n := strings.Count(h.logs.String(), "prompt template has an error"); n != 1 {
		t.Errorf("the broken template was logged %d times, want once:\n%s", n, h.logs.String())
	}
}

func TestEmbeddingsAndChatAreSeparate(t *testing.T) {
	for _, c := range []struct {
		env               map[string]string
		chat, embeddings  bool
		model, embedModel string
	}{
		// An embeddings server alone: semantic matching, no chat model.
		{map[string]string{"OPENAI_BASE_URL": "http://localhost:8089/v1", "OPENAI_EMBEDDING_MODEL": "use-lite-en"}, false, true, llm.DefaultModel, "use-lite-en"},
		// Both named: both on.
		{map[string]string{"OPENAI_API_KEY": "k", "OPENAI_MODEL": "gpt-x", "OPENAI_EMBEDDING_MODEL": "emb"}, true, true, "gpt-x", "emb"},
		// A key or URL alone keeps meaning LLM mode with the default model.
		{map[string]string{"OPENAI_API_KEY": "k"}, true, false, llm.DefaultModel, ""},
		{map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_MODEL": "llama3.2"}, true, false, "llama3.2", ""},
	} {
		cfg, ok, err := llm.ConfigFromEnv(envOf(c.env))
		if !ok || err != nil || cfg.Chat != c.chat || (cfg.EmbeddingModel != "") != c.embeddings || cfg.Model != c.model || cfg.EmbeddingModel != c.embedModel {
			t.Errorf("%v: cfg %+v ok %v err %v; want chat %v embeddings %v", c.env, cfg, ok, err, c.chat, c.embeddings)
		}
		// (Without the required options, building an answerer fails; ok
		// still says whether LLM mode is on.)
		if _, ok, _ := llm.FromEnv(envOf(c.env)); ok != c.chat {
			t.Errorf("%v: FromEnv ok %v, want LLM mode %v", c.env, ok, c.chat)
		}
	}
	_, ok, err := llm.ConfigFromEnv(envOf(map[string]string{"OPENAI_EMBEDDING_MODEL": "emb"}))
	if !ok || err == nil || !strings.Contains(err.Error(), "OPENAI_EMBEDDING_MODEL") || !strings.Contains(err.Error(), "OPENAI_BASE_URL") {
		t.Errorf("an embeddings model without a server: ok %v err %v, want an error naming both variables", ok, err)
	}
}

func TestModesSayWhatIsOn(t *testing.T) {
	for env, want := range map[string][2]string{
		"":     {"none configured", ""},
		"emb":  {"semantic matching on (embeddings model use-lite-en)", "LLM chat off"},
		"chat": {"semantic matching off", "LLM chat on (model gpt-x)"},
		"both": {"semantic matching on", "LLM chat on"},
	} {
		e := map[string]map[string]string{
			"":     {},
			"emb":  {"OPENAI_BASE_URL": "http://127.0.0.1:8089/v1", "OPENAI_EMBEDDING_MODEL": "use-lite-en"},
			"chat": {"OPENAI_API_KEY": "k", "OPENAI_MODEL": "gpt-x"},
			"both": {"OPENAI_API_KEY": "k", "OPENAI_MODEL": "gpt-x", "OPENAI_EMBEDDING_MODEL": "e"},
		}[env]
		cfg, ok, err := llm.ConfigFromEnv(envOf(e))
		if err != nil {
			t.Fatal(err)
		}
		got := cfg.Modes(ok)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: Modes = %q, want %q", env, got, w)
			}
		}
	}
}
