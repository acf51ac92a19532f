package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Walk 2026-12-06, item 20: a wrong flag, argument, file or variable is
// said precisely (the flag, argument, file or variable named, and what is
// wrong with it), before anything starts, with a non-zero exit and no
// stack trace. A variable of a part that is off is checked too, and an
// argument a command does not take is not ignored.
func TestCommandLineMistakesAreSaidPrecisely(t *testing.T) {
	dir := t.TempDir()
	badYAML := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badYAML, []byte("tests:\n  - name: x\n    turns: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	for _, c := range []struct {
		args []string
		vars map[string]string
		code int
		want string
	}{
		{[]string{"chat", "--bogus"}, nil, 2, "flag provided but not defined: -bogus"},
		{[]string{"report", "--since", "0d"}, nil, 2, `baton report: --since "0d": want a number of days`},
		{[]string{"report", "--format", "xml"}, nil, 2, `--format "xml": want text, csv or json`},
		{[]string{"report", "last", "week"}, nil, 2, `baton report: unexpected argument "last"`},
		{[]string{"report"}, nil, 2, "baton report: REDIS_URL is not set: it reads the statistics baton serve keeps"},
		{[]string{"report"}, map[string]string{"REDIS_URL": "redis://127.0.0.1:1"}, 1, "baton report: store: redis at redis://127.0.0.1:1 does not answer"},
		{[]string{"gaps", "7d"}, nil, 2, `baton gaps: unexpected argument "7d"`},
		{[]string{"check", "knowledge"}, nil, 2, `baton check: unexpected argument "knowledge"`},
		{[]string{"check", "--strict", "--min-answered", "40"}, nil, 2, "baton check: --min-answered 40: want a share between 0 and 1"},
		{[]string{"check", "--prompts", filepath.Join(dir, "nope")}, nil, 2, "baton check: content folder " + filepath.Join(dir, "nope")},
		{[]string{"eval", missing}, nil, 2, "baton eval: read tests: open " + missing + ": no such file"},
		{[]string{"eval", badYAML}, nil, 2, "baton eval: " + badYAML + ":3: "},
		{[]string{"match", "hi"}, map[string]string{"BATON_WRONG_RATE": "2%"}, 2, `BATON_WRONG_RATE="2%": want a share between 0 and 1`},
		{[]string{"chat"}, map[string]string{"BATON_GUESS_RIGHT": "abc"}, 2, `baton chat: BATON_GUESS_RIGHT="abc": want a share between 0 and 1`},
		{[]string{"chat"}, map[string]string{"BATON_TIMEZONE": "Mars/Base"}, 2, `baton chat: BATON_TIMEZONE: "Mars/Base" is not an IANA time zone name`},
		{[]string{"chat"}, map[string]string{"BATON_IDLE_NUDGE": "5"}, 2, `baton chat: BATON_IDLE_NUDGE="5": want a positive duration`},
		{[]string{"serve", "--ephemeral"}, map[string]string{"BATON_TIMEZONE": "local"}, 2, `baton serve: BATON_TIMEZONE: "local": give an IANA zone name`},
		{[]string{"serve", "--ephemeral"}, map[string]string{"BATON_GUESS_RIGHT": "1.5"}, 2, `baton serve: BATON_GUESS_RIGHT="1.5"`},
		{[]string{"serve", "--ephemeral"}, map[string]string{"TELEGRAM_FLOOD_LIMIT": "lots"}, 2, `baton serve: TELEGRAM_FLOOD_LIMIT="lots": want a number of messages per minute`},
		{[]string{"serve", "--ephemeral"}, map[string]string{"BATON_IDLE_CLOSE": "5m"}, 2, "baton serve: BATON_IDLE_CLOSE (5m0s) must be longer than BATON_IDLE_NUDGE (10m0s)"},
		{[]string{"serve", "--ephemeral"}, map[string]string{"BATON_STATS_RETENTION": "forever"}, 2, `baton serve: BATON_STATS_RETENTION="forever": want a positive number of days such as 30d`},
		{[]string{"serve", "--ephemeral"}, map[string]string{"BATON_HOURS": "weekdays"}, 2, `baton serve: BATON_HOURS: hours "weekdays": unknown day`},
		{[]string{"report", "-h"}, nil, 0, "-since"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), c.args, env(c.vars), strings.NewReader(""), &out, &errOut)
		if code != c.code || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("baton %s %v: exit %d, stderr %q; want exit %d and %q", strings.Join(c.args, " "), c.vars, code, errOut.String(), c.code, c.want)
		}
		for _, trace := range []string{"panic", "goroutine ", ".go:"} {
			if strings.Contains(errOut.String(), trace) {
				t.Errorf("baton %s %v: a stack trace: %s", strings.Join(c.args, " "), c.vars, errOut.String())
			}
		}
		if c.code != 0 && strings.Count(strings.TrimSpace(errOut.String()), "\n") > 0 && !strings.Contains(c.want, "flag provided") {
			t.Errorf("baton %s %v: more than the one line that says it: %q", strings.Join(c.args, " "), c.vars, errOut.String())
		}
	}
}
