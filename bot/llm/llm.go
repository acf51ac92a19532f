// Package llm answers customers through an OpenAI-compatible chat model
// (OpenAI, Azure OpenAI, gateways, Ollama, vLLM, llama.cpp), grounded in the
// knowledge base, and falls back to the offline knowledge-base answerer
// whenever the model is slow, failing, or says something it should not.
//
// One chat call per customer turn carries everything: the persona, the
// knowledge entries retrieved for the message, the recent turns, and a
// structured reply (answer, entry cited, covered or not, and the signals
// the handoff detector uses). The reply is validated and checked by an
// output guard before the customer sees it.
package llm

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	openai "github.com/sashabaranov/go-openai"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/knowledge"
)

// Defaults for the environment settings.
const (
	DefaultModel   = "gpt-4.1-mini"
	DefaultTimeout = 20 * time.Second
	// DefaultAzureAPIVersion is used with OPENAI_API_TYPE=azure when
	// OPENAI_API_VERSION is not set.
	DefaultAzureAPIVersion = "2024-10-21"
)

// Knowledge is what the answerer needs from the knowledge base
// (*knowledge.Base).
type Knowledge interface {
	Entry(id, lang string) (*knowledge.Entry, bool)
	Match(ctx context.Context, text string, n int) []knowledge.Match
	IDs() []string
}

// Persona is what the answerer needs from the persona (*persona.Persona).
type Persona interface {
	Name() string
	Tone() []string
}

// OutputMode is how the model is asked for its structured reply. Servers
// differ in what they support; every mode's reply is parsed and validated
// the same way, and plain JSON content is accepted in all of them.
type OutputMode string

const (
	// OutputJSONSchema asks for response_format json_schema (strict). OpenAI,
	// Azure, vLLM, llama.cpp and recent Ollama support it; servers that
	// ignore it still mostly answer JSON because the prompt asks for it.
	OutputJSONSchema OutputMode = "json_schema"
	// OutputTool forces a function call whose arguments are the reply.
	OutputTool OutputMode = "tool"
	// OutputJSONObject asks for response_format json_object (no schema).
	OutputJSONObject OutputMode = "json_object"
	// OutputText sends no response_format at all, for servers that reject it.
	OutputText OutputMode = "text"
)

// Config is the connection to the model.
type Config struct {
	APIKey         string
	BaseURL        string // "" means OpenAI's
	Model          string
	EmbeddingModel string // "" disables semantic matching (bot/semantic)
	// Chat is whether LLM mode is on: answers written by the chat model.
	// Semantic matching alone (an embeddings model, curated answers) needs
	// no chat model.
	Chat       bool
	Timeout    time.Duration
	APIType    string // "openai" (default) or "azure"
	APIVersion string // Azure only
	Output     OutputMode
	// MaxPromptTokens overrides Budget.PromptTokens when > 0.
	MaxPromptTokens int
}

// LogValue keeps the API key out of logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.baseURL()),
		slog.String("model", c.Model),
		slog.String("embedding_model", c.EmbeddingModel),
		slog.Bool("chat", c.Chat),
		slog.Duration("timeout", c.Timeout),
		slog.String("output", string(c.Output)),
		slog.Bool("api_key_set", c.APIKey != ""),
	)
}

// String is like LogValue, for fmt.
func (c Config) String() string {
	return fmt.Sprintf("model %s at %s (embeddings %q, timeout %s, output %s, key set %v)",
		c.Model, c.baseURL(), c.EmbeddingModel, c.Timeout, c.Output, c.APIKey != "")
}

// Modes says in one line what the configuration turns on, for `baton
// check` and logs: semantic matching (an embeddings model) and LLM chat (a
// chat model) are separate. ok is ConfigFromEnv's.
func (c Config) Modes(ok bool) string {
	if !ok {
		return "models: none configured: lexical matching, answers from the knowledge base"
	}
	sem := "semantic matching off (set OPENAI_EMBEDDING_MODEL to match by meaning too)"
	if c.EmbeddingModel != "" {
		sem = fmt.Sprintf("semantic matching on (embeddings model %s)", c.EmbeddingModel)
	}
	chat := "LLM chat off (answers are the knowledge entries as written)"
	if c.Chat {
		chat = fmt.Sprintf("LLM chat on (model %s)", c.Model)
	}
	return fmt.Sprintf("models at %s: %s; %s", c.baseURL(), sem, chat)
}

// GoString keeps the key out of %#v too.
func (c Config) GoString() string { return "llm.Config{" + c.String() + "}" }

// baseURL is the API address for logs, with any user:password in it
// masked (gateways sometimes take credentials that way).
func (c Config) baseURL() string {
	if c.BaseURL == "" {
		return "https://api.openai.com/v1"
	}
	if u, err := url.Parse(c.BaseURL); err == nil {
		return u.Redacted()
	}
	return "(unparseable URL)"
}

// ConfigFromEnv reads the OPENAI_* settings. ok is false when neither
// OPENAI_API_KEY nor OPENAI_BASE_URL is set: no model server, and the bot
// answers from the knowledge base alone. With a server, two things can be
// on, separately:
//
//   - semantic matching, when OPENAI_EMBEDDING_MODEL is set: messages are
//     matched to the curated entries by meaning too; nothing is generated;
//   - LLM mode (cfg.Chat), when OPENAI_MODEL is set, or when no embedding
//     model is (a key or URL alone keeps meaning LLM mode with the default
//     model, as it always has).
//
// So OPENAI_BASE_URL plus OPENAI_EMBEDDING_MODEL is semantic matching
// without a chat model. Errors name the variable and say what a valid
// value looks like.
//
//	OPENAI_API_KEY            API key (optional for local servers)
//	OPENAI_BASE_URL           e.g. http://localhost:11434/v1 for Ollama
//	OPENAI_MODEL              chat model (default gpt-4.1-mini); turns LLM mode on
//	OPENAI_EMBEDDING_MODEL    turns semantic matching on, e.g. text-embedding-3-small
//	OPENAI_TIMEOUT            per call, e.g. 20s (default) or 20
//	OPENAI_API_TYPE           azure for Azure OpenAI deployments
//	OPENAI_API_VERSION        Azure API version (default 2024-10-21)
//	OPENAI_OUTPUT             json_schema (default), tool, json_object or text
//	OPENAI_MAX_PROMPT_TOKENS  prompt budget per turn, estimated (default 1500)
func ConfigFromEnv(env func(string) string) (cfg Config, ok bool, err error) {
	get := func(k string) string { return strings.TrimSpace(env(k)) }
	cfg = Config{
		APIKey:         get("OPENAI_API_KEY"),
		BaseURL:        get("OPENAI_BASE_URL"),
		Model:          get("OPENAI_MODEL"),
		EmbeddingModel: get("OPENAI_EMBEDDING_MODEL"),
		Timeout:        DefaultTimeout,
		APIType:        strings.ToLower(get("OPENAI_API_TYPE")),
		APIVersion:     get("OPENAI_API_VERSION"),
		Output:         OutputMode(strings.ToLower(get("OPENAI_OUTPUT"))),
	}
	if cfg.APIKey == "" && cfg.BaseURL == "" {
		if cfg.EmbeddingModel != "" {
			return cfg, true, fmt.Errorf("OPENAI_EMBEDDING_MODEL=%q needs OPENAI_BASE_URL (your embeddings server, e.g. http://localhost:11434/v1) or OPENAI_API_KEY (OpenAI)", cfg.EmbeddingModel)
		}
		return Config{}, false, nil
	}
	cfg.Chat = cfg.Model != "" || cfg.EmbeddingModel == ""
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	if v := get("OPENAI_TIMEOUT"); v != "" {
		d, perr := time.ParseDuration(v)
		if perr != nil {
			n, nerr := strconv.ParseFloat(v, 64)
			if nerr != nil {
				return cfg, true, fmt.Errorf("OPENAI_TIMEOUT=%q: not a duration (use for example 20s or 1m)", v)
			}
			d = time.Duration(n * float64(time.Second))
		}
		if d <= 0 {
			return cfg, true, fmt.Errorf("OPENAI_TIMEOUT=%q: must be positive (for example 20s)", v)
		}
		cfg.Timeout = d
	}
	if v := get("OPENAI_MAX_PROMPT_TOKENS"); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 300 {
			return cfg, true, fmt.Errorf("OPENAI_MAX_PROMPT_TOKENS=%q: must be a whole number of at least 300", v)
		}
		cfg.MaxPromptTokens = n
	}
	if err := cfg.validate(); err != nil {
		return cfg, true, err
	}
	return cfg, true, nil
}

func (c *Config) validate() error {
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("OPENAI_BASE_URL=%q: must be an http(s) URL such as http://localhost:11434/v1", c.BaseURL)
		}
	}
	switch c.APIType {
	case "", "openai":
		c.APIType = "openai"
	case "azure":
		if c.BaseURL == "" || c.APIKey == "" {
			return errors.New("OPENAI_API_TYPE=azure needs OPENAI_BASE_URL (https://<resource>.openai.azure.com) and OPENAI_API_KEY")
		}
		if c.APIVersion == "" {
			c.APIVersion = DefaultAzureAPIVersion
		}
	default:
		return fmt.Errorf("OPENAI_API_TYPE=%q: use openai or azure", c.APIType)
	}
	switch c.Output {
	case "":
		c.Output = OutputJSONSchema
	case OutputJSONSchema, OutputTool, OutputJSONObject, OutputText:
	default:
		return fmt.Errorf("OPENAI_OUTPUT=%q: use json_schema, tool, json_object or text", c.Output)
	}
	if c.Model == "" {
		c.Model = DefaultModel
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	return nil
}

// Answerer is a bot.Answerer backed by a chat model. It is safe for
// concurrent use.
type Answerer struct {
	cfg      Config
	client   *openai.Client
	fallback bot.Answerer
	kb       func() Knowledge
	persona  func() Persona
	tmpl     *templates
	budget   Budget
	log      *slog.Logger
	m        *metrics

	httpClient *http.Client
	reg        prometheus.Registerer
	promptsFS  fs.FS
	promptsDir string

	overBudget atomic.Bool // logged once that the template leaves no room

	guardMu    sync.Mutex
	guardCache map[uint64]shingles // instruction text hash -> its word runs

}

// Option configures an Answerer.
type Option func(*Answerer)

// WithFallback sets the answerer used whenever the model cannot be used for
// a turn: the core's offline knowledge-base answerer. Required.
func WithFallback(f bot.Answerer) Option { return func(a *Answerer) { a.fallback = f } }

// WithKnowledge sets how to get the current knowledge base; it is called on
// every turn so hot reloads are seen. Required.
//
//	llm.WithKnowledge(func() *knowledge.Base { return holder.Current().KB })
func WithKnowledge[K interface {
	comparable
	Knowledge
}](get func() K) Option {
	return func(a *Answerer) {
		a.kb = func() Knowledge {
			var zero K
			if k := get(); k != zero {
				return k
			}
			return nil
		}
	}
}

// WithPersona sets how to get the current persona (name and tone rules);
// called on every turn. Required.
func WithPersona[P interface {
	comparable
	Persona
}](get func() P) Option {
	return func(a *Answerer) {
		a.persona = func() Persona {
			var zero P
			if p := get(); p != zero {
				return p
			}
			return nil
		}
	}
}

// WithPrompts sets the prompts folder: dir inside fsys holds
// llm/system.tmpl and llm/summary.tmpl. Files are re-read when they change
// (checked on each use), so edits on disk apply without a restart; a broken
// edit keeps the last good version. Required.
func WithPrompts(fsys fs.FS, dir string) Option {
	return func(a *Answerer) { a.promptsFS, a.promptsDir = fsys, dir }
}

// WithRegisterer registers the answerer's metrics (token counts, calls by
// outcome, latency) with reg.
func WithRegisterer(reg prometheus.Registerer) Option { return func(a *Answerer) { a.reg = reg } }

// WithLogger sets the logger (default slog.Default()). Customer text is
// never logged.
func WithLogger(l *slog.Logger) Option { return func(a *Answerer) { a.log = l } }

// WithBudget replaces the prompt budget; zero fields keep their defaults.
func WithBudget(b Budget) Option { return func(a *Answerer) { a.budget = b.withDefaults() } }

// WithHTTPClient sets the HTTP client for API calls (proxies, custom TLS).
// Per-call timeouts come from contexts, so it needs no Timeout of its own.
func WithHTTPClient(c *http.Client) Option { return func(a *Answerer) { a.httpClient = c } }

// FromEnv builds an Answerer from the OPENAI_* environment (see
// ConfigFromEnv). ok is false, with a nil Answerer and error, when LLM mode
// is not on (no server, or an embeddings model without a chat model).
func FromEnv(env func(string) string, opts ...Option) (a *Answerer, ok bool, err error) {
	cfg, ok, err := ConfigFromEnv(env)
	if !ok || err != nil || !cfg.Chat {
		return nil, ok && cfg.Chat, err
	}
	a, err = New(cfg, opts...)
	return a, true, err
}

// New builds an Answerer for cfg.
func New(cfg Config, opts ...Option) (*Answerer, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	a := &Answerer{cfg: cfg, budget: Budget{}.withDefaults()}
	for _, o := range opts {
		o(a)
	}
	if cfg.MaxPromptTokens > 0 {
		a.budget.PromptTokens = cfg.MaxPromptTokens
	}
	switch {
	case a.fallback == nil:
		return nil, errors.New("llm: WithFallback is required (the offline knowledge-base answerer)")
	case a.kb == nil:
		return nil, errors.New("llm: WithKnowledge is required")
	case a.persona == nil:
		return nil, errors.New("llm: WithPersona is required")
	case a.promptsFS == nil:
		return nil, errors.New("llm: WithPrompts is required")
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	a.tmpl = newTemplates(a.promptsFS, a.promptsDir, a.log)
	for _, name := range []string{systemTemplate, summaryTemplate} {
		if _, err := a.tmpl.get(name); err != nil {
			return nil, err
		}
	}
	var err error
	if a.m, err = newMetrics(a.reg); err != nil {
		return nil, fmt.Errorf("llm: metrics: %w", err)
	}

	a.client = NewClient(cfg, a.httpClient)
	return a, nil
}

// NewClient is the go-openai client for cfg's server (Azure-style or
// OpenAI-style URLs), for the chat model and the embeddings model alike.
// httpClient may be nil. Per-call timeouts come from contexts.
func NewClient(cfg Config, httpClient *http.Client) *openai.Client {
	var oc openai.ClientConfig
	if cfg.APIType == "azure" {
		oc = openai.DefaultAzureConfig(cfg.APIKey, cfg.BaseURL)
		oc.APIVersion = cfg.APIVersion
	} else {
		oc = openai.DefaultConfig(cfg.APIKey)
		if cfg.BaseURL != "" {
			oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
		}
	}
	if httpClient != nil {
		oc.HTTPClient = httpClient
	}
	return openai.NewClientWithConfig(oc)
}

// Config is the connection settings (LogValue hides the key).
func (a *Answerer) Config() Config { return a.cfg }

// Close releases the answerer. It holds no background work today (the
// knowledge vectors live in bot/semantic); it stays so callers need not
// change when it does again.
func (a *Answerer) Close() {}
