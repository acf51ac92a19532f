package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	baton "github.com/batonhq/baton"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/hours"
	"github.com/batonhq/baton/bot/session"
)

// sources resolves where prompts and knowledge come from: the folders named
// by the flags or BATON_PROMPTS_DIR / BATON_KNOWLEDGE_DIR, else ./prompts and
// ./knowledge when present, else the copies embedded in the binary.
func sources(env func(string) string, promptsDir, knowledgeDir string) (prompts, knowledge content.Source, err error) {
	if promptsDir == "" {
		promptsDir = env("BATON_PROMPTS_DIR")
	}
	if knowledgeDir == "" {
		knowledgeDir = env("BATON_KNOWLEDGE_DIR")
	}
	prompts, err = content.Resolve(promptsDir, "prompts", baton.Files, "prompts")
	if err != nil {
		return prompts, knowledge, err
	}
	knowledge, err = content.Resolve(knowledgeDir, "knowledge", baton.Files, "knowledge")
	return prompts, knowledge, err
}

// durationEnv reads a duration variable, with a default.
func durationEnv(env func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := env(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive duration such as 10m", name, v)
	}
	return d, nil
}

// newCore builds the bot core from the environment: contents (watched for
// edits when they come from folders), idle and reminder timings, team hours.
func newCore(ctx context.Context, env func(string) string, store *session.Store, log *slog.Logger, opts ...bot.Option) (*bot.Bot, *content.Holder, error) {
	prompts, knowledge, err := sources(env, "", "")
	if err != nil {
		return nil, nil, err
	}
	holder, problems, err := content.NewHolder(prompts, knowledge, log)
	for _, p := range problems {
		log.Warn("content problem", "problem", p.String())
	}
	if err != nil {
		return nil, nil, err
	}
	go func() {
		if err := holder.Watch(ctx); err != nil {
			log.Error("content watch stopped", "err", err)
		}
	}()

	nudge, err := durationEnv(env, "BATON_IDLE_NUDGE", 10*time.Minute)
	if err != nil {
		return nil, nil, err
	}
	closeAfter, err := durationEnv(env, "BATON_IDLE_CLOSE", 30*time.Minute)
	if err != nil {
		return nil, nil, err
	}
	unclaimed, err := durationEnv(env, "BATON_UNCLAIMED_REMINDER", 3*time.Minute)
	if err != nil {
		return nil, nil, err
	}
	all := []bot.Option{
		bot.WithLogger(log),
		bot.WithIdle(nudge, closeAfter),
		bot.WithUnclaimedReminder(unclaimed),
	}
	if spec := env("BATON_HOURS"); spec != "" {
		h, err := hours.Parse(spec)
		if err != nil {
			return nil, nil, fmt.Errorf("BATON_HOURS: %w", err)
		}
		all = append(all, bot.WithHours(h), bot.WithLocation(h.Location()))
	}
	all = append(all, opts...)
	return bot.New(store, holder, all...), holder, nil
}
