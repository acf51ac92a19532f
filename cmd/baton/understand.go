package main

import (
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/llm"
	"github.com/batonhq/baton/bot/semantic"
	"github.com/batonhq/baton/bot/store"
)

// understanding is the one place that decides how customer messages are
// matched to the knowledge base: which Matcher is built for each loaded
// base, and the wrong-answer rate it is calibrated for. serve, chat, eval,
// check and `baton match` all load contents with these options, so what ops
// and benchmarks see is what customers get.
//
// BATON_WRONG_RATE is the highest share of confident answers that may be
// wrong (default 0.02: one in 50); calibration picks each base's decision
// to meet it.
//
// BATON_LIKELY_RIGHT is the least share of likely answers (not confident,
// answered with a hedge and the other topics beside it) that must be right
// on each base's calibration samples (default 0.8); 0 turns the likely
// tier off.
//
// BATON_GUESS_RIGHT is the same for the guess tier below it (not likely,
// but asked "are you asking about …?" with that topic first among the
// buttons; default 0.55); 0 turns the guess tier off.
//
// sem is the knowledge vector store when semantic matching is on (see
// newSemantic), nil for lexical matching.
func understanding(env func(string) string, sem *semantic.Vectors) ([]content.Option, error) {
	rate := knowledge.DefaultWrongRate
	if v := env("BATON_WRONG_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r <= 0 || r >= 1 {
			return nil, fmt.Errorf("BATON_WRONG_RATE=%q: want a share between 0 and 1, such as 0.02", v)
		}
		rate = r
	}
	likely, err := tierTarget(env, "BATON_LIKELY_RIGHT", knowledge.DefaultLikelyRight, "likely")
	if err != nil {
		return nil, err
	}
	guess, err := tierTarget(env, "BATON_GUESS_RIGHT", knowledge.DefaultGuessRight, "guess")
	if err != nil {
		return nil, err
	}
	opts := []content.Option{content.WithWrongRate(rate), content.WithLikelyRight(likely), content.WithGuessRight(guess), content.WithMatcher(newMatcher(sem))}
	if zone, err := shopZone(env); err != nil {
		return nil, err
	} else if zone != nil {
		// The zone the bot keeps the shop's time in is the one its hours
		// are said in.
		opts = append(opts, content.WithZone(zone))
	}
	if sem != nil {
		// The handoff detector compares English messages with its
		// examples by meaning too, sharing each message's one
		// embeddings call with matching.
		opts = append(opts, content.WithHandoff(handoff.WithEmbeddings(sem)))
	}
	return opts, nil
}

// tierTarget reads the least share right of a tier below the confident
// decision from the environment variable name: def when unset, -1 (off)
// for 0.
func tierTarget(env func(string) string, name string, def float64, tier string) (float64, error) {
	v := env(name)
	if v == "" {
		return def, nil
	}
	r, err := strconv.ParseFloat(v, 64)
	if err != nil || r < 0 || r >= 1 {
		return 0, fmt.Errorf("%s=%q: want a share between 0 and 1, such as %g (0 turns the %s tier off)", name, v, def, tier)
	}
	if r == 0 {
		return -1, nil // off
	}
	return r, nil
}

// newMatcher picks the matcher: lexical, calibrated per base; with
// semantic matching on, each base's vectors are built in the background
// and the fused matcher (lexical and vector evidence, calibrated the same
// way) takes over once they are.
func newMatcher(sem *semantic.Vectors) content.MatcherFunc {
	if sem != nil {
		return sem.MatcherFunc
	}
	return content.LexicalMatcher
}

// envSemanticReadyWait bounds how long /readyz waits for the first
// knowledge vectors (default semantic.DefaultReadyWait).
const envSemanticReadyWait = "BATON_SEMANTIC_READY_WAIT"

// newSemantic is the knowledge vector store when OPENAI_EMBEDDING_MODEL is
// set (with OPENAI_BASE_URL or OPENAI_API_KEY), nil otherwise. No chat
// model is needed. db, when not nil, caches vectors in Redis; reg may be
// nil. Close it when done.
func newSemantic(env func(string) string, db *store.DB, reg prometheus.Registerer, log *slog.Logger) (*semantic.Vectors, error) {
	cfg, ok, err := llm.ConfigFromEnv(env)
	if err != nil {
		return nil, err
	}
	if !ok || cfg.EmbeddingModel == "" {
		return nil, nil
	}
	wait, err := durationEnv(env, envSemanticReadyWait, semantic.DefaultReadyWait)
	if err != nil {
		return nil, err
	}
	emb := semantic.OpenAI{Client: llm.NewClient(cfg, nil), Model: cfg.EmbeddingModel, Timeout: cfg.Timeout}
	opts := []semantic.VectorsOption{
		semantic.WithLogger(log.With("part", "semantic")),
		semantic.WithReadyWait(wait),
		// The message's embedding is on the customer's critical path: a
		// small, fast call, and the lexical answer stands when it is slow.
		semantic.WithQueryTimeout(min(cfg.Timeout/4, 3*time.Second)),
	}
	if db != nil {
		opts = append(opts, semantic.WithCache(*db, cfg.EmbeddingModel))
	}
	if reg != nil {
		opts = append(opts, semantic.WithRegisterer(reg))
	}
	v, err := semantic.NewVectors(emb, opts...)
	if err != nil {
		return nil, err
	}
	log.Info("semantic matching on", "embedding_model", cfg.EmbeddingModel, "llm_chat", cfg.Chat)
	return v, nil
}
