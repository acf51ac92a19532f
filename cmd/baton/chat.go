package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/batonhq/baton/adapters/console"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/stats"
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
	resume := fl.String("chat", "", "continue the conversation with this id (each chat prints its own); needs REDIS_URL")
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "baton chat: unexpected argument %q; type your messages once the chat starts\n", fl.Arg(0))
		return 2
	}
	persistent := strings.TrimSpace(env("REDIS_URL")) != ""
	chatID := *resume
	switch {
	case chatID != "" && !persistent:
		fmt.Fprintf(stderr, "baton chat: --chat %s continues a conversation kept in Redis, and REDIS_URL is not set (without it a chat is kept in memory and gone when it ends)\n", chatID)
		return 2
	case chatID != "":
		if err := checkChatID(chatID); err != nil {
			fmt.Fprintf(stderr, "baton chat: --chat %q: %v\n", chatID, err)
			return 2
		}
	default:
		// Each run is a conversation of its own (walk item 17: every run
		// resumed one shared "local" conversation, greeted as a returning
		// customer, mid-handoff from the run before).
		chatID = newChatID()
	}
	// The configuration is checked before anything starts, so a wrong
	// value is the only thing said (not after "using an in-memory Redis").
	if err := checkEnv(withFolders(env, *promptsDir, *knowledgeDir)); err != nil {
		fmt.Fprintf(stderr, "baton chat: %v\n", err)
		return 2
	}
	// The flags win over the environment, as in check and match; the
	// brains read the folders from the environment (serve has no flags).
	env = withFolders(env, *promptsDir, *knowledgeDir)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	// A chat is a try-out: REDIS_URL when set, else Redis in memory. Its
	// terminal shows Redis trouble once, as the error below.
	quietRedis()
	rdb, closeRedis, err := openRedis(ctx, env("REDIS_URL"), !persistent, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "baton chat: %v\n", err)
		return 1
	}
	defer closeRedis()
	db, err := store.New(rdb, chatPrefix(env))
	if err != nil {
		fmt.Fprintf(stderr, "baton chat: %v\n", err)
		return 1
	}
	sessions := chatSessions(db, chatID)
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
		fmt.Fprintf(stderr, "baton chat: %v\n", err)
		return 1
	}
	defer br.close()
	// The chat's turns count in statistics as serve's do, kept apart
	// from serve's under the chat's own key prefix: a try-out is not a
	// customer, and `BATON_REDIS_PREFIX=chat: baton report` shows them.
	retention, err := daysEnv(env, envStatsRetention, stats.DefaultRetention)
	if err != nil {
		fmt.Fprintf(stderr, "baton chat: %v\n", err)
		return 2
	}
	rec := stats.New(db, stats.WithRetention(retention), stats.WithLogger(log))
	core, err := newCore(env, sessions, br, log, bot.WithObservers(rec))
	if err != nil {
		fmt.Fprintf(stderr, "baton chat: %v\n", err)
		return 1
	}
	name := br.holder.Current().Persona.Name()
	c := console.New(stdin, stdout, console.WithLanguage(*langCode), console.WithBotName(name), console.WithChatID(chatID))
	core.Register("console", c)
	go core.RunTimers(ctx, time.Second)
	fmt.Fprintf(stdout, "You are chatting with %s. Type a question (try \"hi\", \"how long does shipping take?\", \"退货\", \"배송 조회\"), /human for a person, /quit to leave.\n", name)
	if persistent {
		fmt.Fprintf(stdout, "Conversation %s (continue it with baton chat --chat %s); its statistics are kept apart from serve's: BATON_REDIS_PREFIX=%s baton report\n", chatID, chatID, chatPrefix(env))
	}
	fmt.Fprintln(stdout)
	if err := c.Run(ctx, core); err != nil {
		fmt.Fprintf(stderr, "baton chat: %v\n", err)
		return 1
	}
	return 0
}

// chatPrefix is the key prefix of `baton chat`'s conversations and
// statistics in Redis: inside the deployment's (BATON_REDIS_PREFIX),
// apart from serve's keys (theirs go on with "{").
func chatPrefix(env func(string) string) string {
	p, ok := lookup(env, envRedisPrefix)
	if !ok {
		p = store.DefaultPrefix
	}
	return p + "chat:"
}

// chatSessions is a chat run's session store: its timers (check-ins,
// reminders) are scoped to its conversation, so another run on the same
// Redis never claims them (that run's terminal would drop the check-in
// as not its own, and it would count as delivered), and --chat ID, in the
// same scope, picks up the ones an earlier run of ID left.
func chatSessions(db store.DB, chatID string) *session.Store {
	return session.New(db, session.WithTimerScope(chatID))
}

// newChatID names a new chat run's conversation: when it started, and a
// random part for runs started in the same second.
func newChatID() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// checkChatID accepts the ids newChatID makes and others as plain: letters,
// digits, '-' and '_', at most 64.
func checkChatID(id string) error {
	if len(id) > 64 {
		return errors.New("at most 64 characters")
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return fmt.Errorf("%q is not allowed: use letters, digits, - and _ (the id a chat prints when it starts)", r)
		}
	}
	return nil
}
