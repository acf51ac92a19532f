package main

import (
	"context"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/logmask"
)

// baton logid prints what serve logs for a chat: the pseudonym keyed with
// BATON_LOG_KEY, else derived from the Telegram bot token.
func TestLogid(t *testing.T) {
	logid := func(env map[string]string, stdin string, args ...string) (int, string, string) {
		var out, errs strings.Builder
		code := run(context.Background(), append([]string{"logid"}, args...), func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errs)
		return code, out.String(), errs.String()
	}
	tokenEnv := map[string]string{"TELEGRAM_BOT_TOKEN": "test-secret"}
	// The value Python's hmac gives (logmask's known-value test).
	code, out, errs := logid(tokenEnv, "", "123456789", "telegram:123456789")
	if want := "telegram:123456789\tc-eafcc4e4fe80\n"; code != 0 || out != want+want {
		t.Fatalf("logid with the token: exit %d, %q (stderr %q); want %q twice", code, out, errs, want)
	}
	// BATON_LOG_KEY wins over the token, and stdin lines are read without arguments.
	code, out, errs = logid(map[string]string{"TELEGRAM_BOT_TOKEN": "test-secret", "BATON_LOG_KEY": "ops key"}, "42\n\nconsole:7\n")
	logmask.SetKey("ops key")
	want := "telegram:42\t" + logmask.Pseudonym("telegram:42") + "\nconsole:7\t" + logmask.Pseudonym("console:7") + "\n"
	if code != 0 || out != want || strings.Contains(out, "c-eafcc4e4fe80") {
		t.Fatalf("logid with BATON_LOG_KEY: exit %d, %q (stderr %q); want %q", code, out, errs, want)
	}
	// Without a key, a pseudonym would be this process's own: useless, refused.
	if code, out, errs := logid(map[string]string{}, "", "42"); code != 2 || out != "" || !strings.Contains(errs, "BATON_LOG_KEY") {
		t.Errorf("logid without a key: exit %d, %q, %q; want 2 and a hint", code, out, errs)
	}
}
