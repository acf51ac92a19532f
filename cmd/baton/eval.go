package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/eval"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// runEval is `baton eval FILE...`: conversation tests on the prompts and
// knowledge in effect (the built-in ones unless overridden), each on a
// fresh in-memory Redis, with a pretend agent desk unless a test says
// `desk: false`. It prints a line per test and "N passed, M failed".
func runEval(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: baton eval FILE...")
		return 2
	}
	var tests []eval.Test
	for _, f := range args {
		ts, err := eval.Load(f)
		if err != nil {
			fmt.Fprintf(stderr, "baton eval: %v\n", err)
			return 2
		}
		tests = append(tests, ts...)
	}
	prompts, knowledge, err := sources(env, "", "")
	if err != nil {
		fmt.Fprintf(stderr, "baton eval: %v\n", err)
		return 2
	}
	// With embeddings configured, the conversations run on what serve
	// runs once its vectors are built: the fused matcher and the handoff
	// detector's vector layer.
	opts, closeSem, err := commandUnderstanding(ctx, env, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "baton eval: %v\n", err)
		return 2
	}
	defer closeSem()
	holder, problems, err := content.NewHolder(prompts, knowledge, nil, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "baton eval: %v (%d problems)\n", err, len(problems))
		return 2
	}
	// Both waits return at once when matching is lexical.
	set := holder.Current()
	waitVectors(ctx, set.KB, func(err error) {
		fmt.Fprintf(stderr, "baton eval: knowledge vectors not built (%v); matching lexically, as serve does until they are\n", err)
	})
	waitRuleVectors(ctx, set.Rules, func(err error) {
		fmt.Fprintf(stderr, "baton eval: handoff example vectors not built (%v); detecting by words, as serve does until they are\n", err)
	})
	rdb, closeRedis, err := store.Ephemeral(nil)
	if err != nil {
		fmt.Fprintf(stderr, "baton eval: %v\n", err)
		return 2
	}
	defer closeRedis()
	log := slog.New(slog.DiscardHandler)

	passed, failed := 0, 0
	envs := 0
	for _, t := range tests {
		factory := func(ctx context.Context, desk bool) (eval.Env, error) {
			// A prefix of its own for every bot: a test with
			// say_first_of plays its first turn on several.
			envs++
			db, err := store.New(rdb, fmt.Sprintf("eval:%d:", envs))
			if err != nil {
				return eval.Env{}, err
			}
			sessions := session.New(db, session.WithMaxTurns(1000))
			opts := []bot.Option{bot.WithLogger(log)}
			if desk {
				opts = append(opts, bot.WithDesk(eval.Desk{}))
			}
			return eval.Env{Bot: bot.New(sessions, holder, opts...), Store: sessions}, nil
		}
		res := eval.Run(ctx, t, factory)
		if res.Passed() {
			passed++
			fmt.Fprintf(stdout, "PASS %s\n", t.Name)
			continue
		}
		failed++
		fmt.Fprintf(stdout, "FAIL %s (%s:%d)\n", t.Name, t.File, t.Line)
		for _, f := range res.Failures {
			fmt.Fprintf(stdout, "     %s\n", f)
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}
