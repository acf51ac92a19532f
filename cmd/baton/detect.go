package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sort"
	"strings"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/semantic"
	"github.com/batonhq/baton/bot/session"
)

// detectResult is one line of `baton detect` output.
type detectResult struct {
	Message  string             `json:"message"`
	Handoff  bool               `json:"handoff"`
	Reason   string             `json:"reason,omitempty"`
	Evidence []string           `json:"evidence,omitempty"`
	Scores   map[string]float64 `json:"scores"`
	Demand   string             `json:"demand,omitempty"` // an unreasonable demand: refused softly, not handed off
}

// runDetect is `baton detect`: it reads one customer message per stdin
// line and shows whether the handoff detector (prompts/handoff.yaml and
// its learned examples, trained exactly as `baton serve` trains them)
// would hand it to a person, why, and with what scores. --after gives the
// bot's previous answer, so confusion can be tried; --explain prints
// readable lines instead of JSON.
func runDetect(args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("detect", flag.ContinueOnError)
	fl.SetOutput(stderr)
	promptsDir := fl.String("prompts", "", "prompts folder (default $BATON_PROMPTS_DIR, ./prompts, or the built-in one)")
	knowledgeDir := fl.String("knowledge", "", "knowledge folder (default $BATON_KNOWLEDGE_DIR, ./knowledge, or the built-in one)")
	after := fl.String("after", "", "the bot's previous answer (empty: each message is the first of a conversation)")
	explain := fl.Bool("explain", false, "print readable decisions with their evidence instead of JSON")
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	prompts, knowledge, err := sources(env, *promptsDir, *knowledgeDir)
	if err != nil {
		fmt.Fprintf(stderr, "baton detect: %v\n", err)
		return 2
	}
	// With embeddings configured, the rules load as serve loads them:
	// with the vector layer, once its example vectors are built.
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sem, closeSem, err := commandSemantic(ctx, env, log)
	if err != nil {
		fmt.Fprintf(stderr, "baton detect: %v\n", err)
		return 2
	}
	defer closeSem()
	// Only the handoff option: knowledge vectors and their calibration
	// (understanding()) would be built for nothing here.
	var opts []content.Option
	if sem != nil {
		opts = append(opts, content.WithHandoff(handoff.WithEmbeddings(sem)))
	}
	set, problems := content.Load(prompts, knowledge, opts...)
	for _, p := range problems {
		fmt.Fprintln(stderr, p.String())
	}
	if set.Rules == nil {
		fmt.Fprintln(stderr, "baton detect: no usable handoff rules")
		return 1
	}
	waitRuleVectors(ctx, set.Rules, func(err error) {
		fmt.Fprintf(stderr, "baton detect: example vectors not built (%v); detecting by words, as serve does until they are\n", err)
	})
	var history []session.Turn
	if *after != "" {
		history = []session.Turn{{Role: "customer", Text: "(earlier question)"}, {Role: "bot", Text: *after, Kind: "answer"}}
	}

	return perLine("detect", fl.Args(), stdin, stdout, stderr, func(w io.Writer, msg string) any {
		// One embeddings call per message, as in serve.
		d := set.Rules.DetectContext(semantic.WithEmbeddingsBudget(ctx, 1), handoff.Input{Text: msg, History: history})
		r := detectResult{Message: msg, Handoff: d.Handoff, Reason: d.Reason, Evidence: d.Evidence, Scores: map[string]float64{}, Demand: d.Demand}
		for k, v := range d.Scores {
			r.Scores[k] = math.Round(v*1e3) / 1e3
		}
		if *explain {
			writeExplained(w, r)
			return nil
		}
		return r
	})
}

func writeExplained(w io.Writer, r detectResult) {
	verdict := "no handoff"
	if r.Handoff {
		verdict = "HANDOFF: " + r.Reason
	}
	names := make([]string, 0, len(r.Scores))
	for k := range r.Scores {
		names = append(names, k)
	}
	sort.Strings(names)
	scores := make([]string, len(names))
	for i, k := range names {
		scores[i] = fmt.Sprintf("%s %.2f", k, r.Scores[k])
	}
	fmt.Fprintf(w, "%q\n  %s (%s)\n", r.Message, verdict, strings.Join(scores, ", "))
	for _, e := range r.Evidence {
		fmt.Fprintf(w, "  - %s\n", e)
	}
	if r.Demand != "" {
		fmt.Fprintf(w, "  - %s (refused softly, not a handoff)\n", r.Demand)
	}
}
