package main

import (
	"context"

	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	baton "github.com/batonhq/baton"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/hours"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/llm"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/semantic"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/stats"
	"github.com/batonhq/baton/bot/store"
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

// withFolders is env with BATON_PROMPTS_DIR and BATON_KNOWLEDGE_DIR set
// to the folders a command's --prompts and --knowledge flags name, when
// they name one.
func withFolders(env func(string) string, promptsDir, knowledgeDir string) func(string) string {
	return func(k string) string {
		switch {
		case k == "BATON_PROMPTS_DIR" && promptsDir != "":
			return promptsDir
		case k == "BATON_KNOWLEDGE_DIR" && knowledgeDir != "":
			return knowledgeDir
		}
		return env(k)
	}
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

// daysEnv reads a duration that may also be given in days ("30d").
func daysEnv(env func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(env(name))
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, fmt.Errorf("%s=%q: want a positive number of days such as 30d, or a duration such as 720h", name, v)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := durationEnv(env, name, def)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: want a positive number of days such as 30d, or a duration such as 720h", name, v)
	}
	return d, nil
}

// brains is what the core thinks with: the ops-edited contents (watched
// for edits when they come from folders) and, when configured, the LLM.
type brains struct {
	holder    *content.Holder
	prompts   content.Source
	knowledge content.Source
	llm       *llm.Answerer     // nil: offline knowledge-base mode
	sem       *semantic.Vectors // nil: lexical matching
}

// close stops background work.
func (b *brains) close() {
	if b.llm != nil {
		b.llm.Close()
	}
	if b.sem != nil {
		b.sem.Close()
	}
}

// Dir is the knowledge folder on disk, "" when embedded (the ops page's
// gap actions write there).
func (b *brains) Dir() string { return b.knowledge.Dir }

// Entries lists the knowledge entries and their languages.
func (b *brains) Entries() map[string][]string {
	kb := b.holder.Current().KB
	out := make(map[string][]string, kb.Len())
	for _, id := range kb.IDs() {
		out[id] = kb.Langs(id)
	}
	return out
}

// newBrains loads the contents, starts watching them, and sets up
// semantic matching (OPENAI_EMBEDDING_MODEL) and LLM mode (a chat model),
// each when configured (see llm.ConfigFromEnv). reg may be nil (no
// metrics). The contents' problems (a file with a YAML mistake is not
// served until fixed) are logged as warnings at load and at every reload;
// report, when not nil, is given them too (chat prints them, its log being
// quiet).
func newBrains(ctx context.Context, env func(string) string, db store.DB, reg prometheus.Registerer, log *slog.Logger, report func([]content.Problem)) (_ *brains, err error) {
	prompts, kb, err := sources(env, "", "")
	if err != nil {
		return nil, err
	}
	sem, err := newSemantic(env, &db, reg, log)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && sem != nil {
			sem.Close()
		}
	}()
	opts, err := understanding(env, sem)
	if err != nil {
		return nil, err
	}
	holder, problems, err := content.NewHolder(prompts, kb, log, opts...)
	for _, p := range problems {
		log.Warn("content problem", "problem", p.String())
	}
	if err != nil {
		// What keeps the bot from starting, at its file and line.
		if report != nil {
			report(problems)
		}
		return nil, err
	}
	log.Info("knowledge base calibrated", "entries", holder.Current().KB.Len(), "matching", holder.Current().Calibration().String())
	if report != nil {
		holder.OnProblems(report) // the holder logs them itself
	}
	// Edits are watched before the start's problems are reported; one
	// saved while loading is reloaded (and reported) as watching starts.
	if done, err := holder.StartWatch(ctx); err != nil {
		log.Error("content watch stopped", "err", err)
	} else {
		go func() {
			if err := <-done; err != nil {
				log.Error("content watch stopped", "err", err)
			}
		}()
	}
	if report != nil {
		report(problems)
	}
	b := &brains{holder: holder, prompts: prompts, knowledge: kb, sem: sem}
	llmOpts := []llm.Option{
		llm.WithFallback(bot.KnowledgeAnswerer(holder)),
		llm.WithKnowledge(func() *knowledge.KB { return holder.Current().KB }),
		llm.WithPersona(func() *persona.Persona { return holder.Current().Persona }),
		llm.WithPrompts(prompts.FS, prompts.Root),
		llm.WithLogger(log.With("part", "llm")),
	}
	if reg != nil {
		llmOpts = append(llmOpts, llm.WithRegisterer(reg))
	}
	a, ok, err := llm.FromEnv(env, llmOpts...)
	if err != nil {
		return nil, err
	}
	if ok {
		b.llm = a
		log.Info("LLM mode on", "model", a.Config().Model)
	}
	return b, nil
}

// The idle check-in and closing when BATON_IDLE_NUDGE and BATON_IDLE_CLOSE
// are not set.
const (
	defaultIdleNudge = 10 * time.Minute
	defaultIdleClose = 30 * time.Minute
)

// newCore builds the bot core from the environment: idle and reminder
// timings, team hours, and the brains.
func newCore(env func(string) string, store *session.Store, br *brains, log *slog.Logger, opts ...bot.Option) (*bot.Bot, error) {
	nudge, err := durationEnv(env, "BATON_IDLE_NUDGE", defaultIdleNudge)
	if err != nil {
		return nil, err
	}
	closeAfter, err := durationEnv(env, "BATON_IDLE_CLOSE", defaultIdleClose)
	if err != nil {
		return nil, err
	}
	if closeAfter <= nudge {
		return nil, fmt.Errorf("BATON_IDLE_CLOSE (%s) must be longer than BATON_IDLE_NUDGE (%s)", closeAfter, nudge)
	}
	unclaimed, err := durationEnv(env, "BATON_UNCLAIMED_REMINDER", 3*time.Minute)
	if err != nil {
		return nil, err
	}
	all := []bot.Option{
		bot.WithLogger(log),
		bot.WithIdle(nudge, closeAfter),
		bot.WithUnclaimedReminder(unclaimed),
	}
	if br.llm != nil {
		all = append(all, bot.WithAnswerer(br.llm))
	}
	if spec := env("BATON_HOURS"); spec != "" {
		h, err := hours.Parse(spec)
		if err != nil {
			return nil, fmt.Errorf("BATON_HOURS: %w", err)
		}
		all = append(all, bot.WithHours(h))
	}
	// The shop's time zone for "good evening" and "have a great Monday"
	// (shopZone: the one its hours are said in); without one, the
	// server's.
	loc, err := shopZone(env)
	if err != nil {
		return nil, err
	}
	if loc != nil {
		all = append(all, bot.WithLocation(loc))
	}
	all = append(all, opts...)
	return bot.New(store, br.holder, all...), nil
}

// shopZone is the shop's time zone as configured: BATON_TIMEZONE, else
// the zone of BATON_HOURS, else nil (persona.yaml's timezone, if any,
// names the hours' zone).
func shopZone(env func(string) string) (*time.Location, error) {
	if tz := env("BATON_TIMEZONE"); tz != "" {
		return loadZone(tz)
	}
	if spec := env("BATON_HOURS"); spec != "" {
		h, err := hours.Parse(spec)
		if err != nil {
			return nil, fmt.Errorf("BATON_HOURS: %w", err)
		}
		return h.Location(), nil
	}
	return nil, nil
}

// loadZone reads BATON_TIMEZONE, an IANA zone name ("Asia/Seoul"). The
// zone database is embedded (bot/hours imports time/tzdata), so names work
// on images without /usr/share/zoneinfo.
func loadZone(name string) (*time.Location, error) {
	if strings.EqualFold(name, "local") {
		return nil, fmt.Errorf("BATON_TIMEZONE: %q: give an IANA zone name such as Europe/London or Asia/Seoul", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("BATON_TIMEZONE: %q is not an IANA time zone name (such as Europe/London or Asia/Seoul): %w", name, err)
	}
	return loc, nil
}

// checkEnv checks the folders and variables chat and serve read, before
// anything starts: a wrong value is said first, naming the variable, and
// not after seconds of loading (serve) or "using an in-memory Redis"
// (chat). A variable of a part that is off is checked too: it is set
// for when the part is on.
func checkEnv(env func(string) string) error {
	if _, _, err := sources(env, "", ""); err != nil {
		return err
	}
	if _, err := understanding(env, nil); err != nil {
		return err
	}
	if _, _, err := llm.ConfigFromEnv(env); err != nil {
		return err
	}
	for _, name := range []string{"BATON_UNCLAIMED_REMINDER", envSemanticReadyWait, envHeartbeat} {
		if _, err := durationEnv(env, name, time.Minute); err != nil {
			return err
		}
	}
	nudge, err := durationEnv(env, "BATON_IDLE_NUDGE", defaultIdleNudge)
	if err != nil {
		return err
	}
	closeAfter, err := durationEnv(env, "BATON_IDLE_CLOSE", defaultIdleClose)
	if err != nil {
		return err
	}
	if closeAfter <= nudge {
		return fmt.Errorf("BATON_IDLE_CLOSE (%s) must be longer than BATON_IDLE_NUDGE (%s)", closeAfter, nudge)
	}
	if v, ok := lookup(env, envTelegramFlood); ok {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return fmt.Errorf("%s=%q: want a number of messages per minute (0 = no limit)", envTelegramFlood, v)
		}
	}
	if _, err := daysEnv(env, envStatsRetention, stats.DefaultRetention); err != nil {
		return err
	}
	if _, err := store.NewKeys(chatPrefix(env)); err != nil {
		return fmt.Errorf("%s=%q: %w", envRedisPrefix, env(envRedisPrefix), err)
	}
	if tz := env("BATON_TIMEZONE"); tz != "" {
		if _, err := loadZone(tz); err != nil {
			return err
		}
	}
	if spec := env("BATON_HOURS"); spec != "" {
		if _, err := hours.Parse(spec); err != nil {
			return fmt.Errorf("BATON_HOURS: %w", err)
		}
	}
	return nil
}
