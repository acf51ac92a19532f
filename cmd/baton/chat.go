package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/batonhq/baton/adapters/console"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// runChat is `baton chat`: a terminal conversation where you are the
// customer, on the embedded defaults, no accounts needed.
func runChat(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("chat", flag.ContinueOnError)
	fl.SetOutput(stderr)
	langCode := fl.String("lang", env("BATON_LANG"), "your language code, as a phone would send it (en, zh, ko)")
	promptsDir := fl.String("prompts", "", "prompts folder (default $BATON_PROMPTS_DIR, ./prompts, or the built-in one)")
	knowledgeDir := fl.String("knowledge", "", "knowledge folder (default $BATON_KNOWLEDGE_DIR, ./knowledge, or the built-in one)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "baton chat: unexpected argument %q; type your messages once the chat starts\n", fl.Arg(0))
		return 2
	}
	// The flags win over the environment, as in check and match; the
	// brains read the folders from the environment (serve has no flags).
	env = withFolders(env, *promptsDir, *knowledgeDir)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	// A chat is a try-out: REDIS_URL when set, else Redis in memory.
	rdb, closeRedis, err := openRedis(ctx, env("REDIS_URL"), env("REDIS_URL") == "", stderr)
	if err != nil {
		fmt.Fprintf(stderr, "baton: %v\n", err)
		return 1
	}
	defer closeRedis()
	db, err := store.New(rdb, "chat:")
	if err != nil {
		fmt.Fprintf(stderr, "baton: %v\n", err)
		return 1
	}
	sessions := session.New(db)
	// The log shows errors only; what ops must see of their edits (an
	// entry not served for a YAML mistake) goes to stderr as file:line:
	// message, at start and after every reload of an edited folder.
	// Reloads report one at a time, from the watch goroutine.
	br, err := newBrains(ctx, env, db, nil, log, func(problems []content.Problem) {
		for _, p := range problems {
			fmt.Fprintln(stderr, p.String())
		}
	})
	if err != nil {
		fmt.Fprintf(stderr, "baton: %v\n", err)
		return 1
	}
	defer br.close()
	core, err := newCore(env, sessions, br, log)
	if err != nil {
		fmt.Fprintf(stderr, "baton: %v\n", err)
		return 1
	}
	name := br.holder.Current().Persona.Name()
	c := console.New(stdin, stdout, console.WithLanguage(*langCode), console.WithBotName(name))
	core.Register("console", c)
	go core.RunTimers(ctx, time.Second)
	fmt.Fprintf(stdout, "You are chatting with %s. Type a question (try \"hi\", \"how long does shipping take?\", \"退货\", \"배송 조회\"), /human for a person, /quit to leave.\n\n", name)
	if err := c.Run(ctx, core); err != nil {
		fmt.Fprintf(stderr, "baton: %v\n", err)
		return 1
	}
	return 0
}
