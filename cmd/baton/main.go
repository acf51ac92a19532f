// Command baton is the Baton customer-service bot.
//
//	baton chat     talk to the bot in the terminal (embedded defaults, no accounts)
//	baton serve    run the channels (Telegram, Slack) and the HTTP server
//	baton match    show which knowledge entry each stdin line matches
//	baton detect   show whether each stdin line would be handed to a person, and why
//	baton check    validate prompts/ and knowledge/
//	baton eval     run conversation tests written in YAML
//	baton report   figures for a window of days (text, CSV, JSON)
//	baton gaps     what the bot could not answer; --write adds phrasings to knowledge
//	baton logid    the pseudonym logs use for a conversation
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Baton, a customer-service bot.

Usage:
  baton chat  [--lang CODE] [--prompts DIR] [--knowledge DIR] [--chat ID]
                                     talk to the bot in this terminal (a new
                                     conversation each run; --chat ID continues one)
  baton serve                        run Telegram/Slack adapters and the HTTP server
  baton match [--explain] [--prompts DIR] [--knowledge DIR] [QUERY...]
                                     match each query (else each stdin line) to knowledge entries, as JSON
  baton detect [--explain] [--after ANSWER] [--prompts DIR] [--knowledge DIR] [MESSAGE...]
                                     would each message (else stdin line) be handed to a person, why, with what scores
  baton check [--prompts DIR] [--knowledge DIR]
                                     validate prompts and knowledge; prints file:line: problem
  baton eval  FILE...                run YAML conversation tests
  baton report [--since 7d] [--format text|csv|json]
                                     conversations, containment, handoffs, reply and
                                     resolution times, CSAT; per agent, language, team
  baton gaps [--since 7d] [--write --entry ID|--draft ID N | --write --pick ID]
                                     unanswered messages by similar wording; --write
                                     adds chosen phrasings to an entry's questions
  baton logid CHAT...                the pseudonym logs use for each conversation
                                     (telegram:123456789, or a Telegram chat id; stdin
                                     lines without arguments); needs the servers'
                                     BATON_LOG_KEY or TELEGRAM_BOT_TOKEN

Configuration comes from the environment; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "chat":
		return runChat(ctx, args[1:], env, stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], env, stdout, stderr)
	case "match":
		return runMatch(ctx, args[1:], env, stdin, stdout, stderr)
	case "detect":
		return runDetect(args[1:], env, stdin, stdout, stderr)
	case "check":
		return runCheck(ctx, args[1:], env, stdout, stderr)
	case "eval":
		return runEval(ctx, args[1:], env, stdout, stderr)
	case "report":
		return runReport(ctx, args[1:], env, stdout, stderr)
	case "gaps":
		return runGaps(ctx, args[1:], env, stdout, stderr)
	case "logid":
		return runLogid(args[1:], env, stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "baton: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// flagExit is a command's exit status when its flags do not parse: 0 for
// -h (the flags were printed, as asked), 2 for a mistake (the flag package
// printed which flag and what is wrong, and the flags).
func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// noArgs reports an argument a command without arguments was given: it
// would be ignored, and the command would run as if it were not there.
func noArgs(cmd string, fl *flag.FlagSet, stderr io.Writer) bool {
	if fl.NArg() == 0 {
		return true
	}
	fmt.Fprintf(stderr, "baton %s: unexpected argument %q (flags go before arguments; baton %s -h lists them)\n", cmd, fl.Arg(0), cmd)
	return false
}
