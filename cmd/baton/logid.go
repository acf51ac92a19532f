package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/batonhq/baton/adapters/slack"
	"github.com/batonhq/baton/adapters/telegram"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/logmask"
)

// envLogKey is the secret conversation pseudonyms in logs are keyed with
// (logmask.Pseudonym).
const envLogKey = "BATON_LOG_KEY"

// logKeySources are where the pseudonym key comes from, first set wins.
// BATON_LOG_KEY is for deployments that want logs unlinkable even by
// whoever holds the bot's tokens, or pseudonyms that outlive a token
// rotation. Without it the key is derived from the Telegram bot token:
// every replica that serves customers has it, so pseudonyms agree across
// replicas and restarts with nothing new to configure, and the derived
// key (an HMAC of the token under a fixed label) tells nothing about the
// token; whoever holds the token could link pseudonyms to chats, but can
// already write to those chats as the bot. The Slack secrets come after
// it, for a desk-only process.
var logKeySources = []string{envLogKey, envTelegramToken, slack.EnvSigningSecret, slack.EnvBotToken}

// setLogKey keys this process's log pseudonyms from the environment and
// returns the variable the key came from ("" when none is set: the key is
// then random, and pseudonyms are this process's own).
func setLogKey(env func(string) string) string {
	for _, name := range logKeySources {
		if v, ok := lookup(env, name); ok {
			logmask.SetKey(v)
			return name
		}
	}
	return ""
}

// runLogid is `baton logid`: the pseudonym the logs use for a
// conversation, so ops can find a customer's lines ("telegram:123456789",
// or a bare Telegram chat id). It needs the servers' environment
// (BATON_LOG_KEY or the token the key is derived from).
func runLogid(args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("logid", flag.ContinueOnError)
	fl.SetOutput(stderr)
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	if setLogKey(env) == "" {
		fmt.Fprintf(stderr, "baton logid: set %s (or the %s the servers run with): pseudonyms are keyed with it\n", envLogKey, envTelegramToken)
		return 2
	}
	ids := fl.Args()
	if len(ids) == 0 {
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			if id := strings.TrimSpace(sc.Text()); id != "" {
				ids = append(ids, id)
			}
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintf(stderr, "baton logid: reading stdin: %v\n", err)
			return 1
		}
	}
	for _, id := range ids {
		conv := id
		if !strings.Contains(id, ":") {
			conv = bot.ConvID(telegram.Channel, id)
		}
		fmt.Fprintf(stdout, "%s\t%s\n", conv, logmask.Pseudonym(conv))
	}
	return 0
}
