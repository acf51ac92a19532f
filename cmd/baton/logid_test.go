package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
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

// A whole handoff through baton serve at debug level (Telegram customer,
// core, Slack desk): the logs name the customer's chat only by the
// pseudonym baton logid prints for it, in the adapter's, the core's and
// the desk's lines alike, and never by its id.
func TestServeLogsNameChatsByPseudonym(t *testing.T) {
	tg := telegramtest.New(t)
	sl := slacktest.New(t)
	sl.AddUser("ULIA", "Lia", "Lia Park")
	const channel = "C0HANDOFF"
	s, env := serveWithSlack(t, tg, sl, channel, nil)
	var out, errs strings.Builder
	if code := run(t.Context(), []string{"logid", "730194628"}, func(k string) string { return env[k] }, nil, &out, &errs); code != 0 {
		t.Fatalf("baton logid: exit %d: %s", code, errs.String())
	}
	_, pseudonym, _ := strings.Cut(strings.TrimSpace(out.String()), "\t")

	u := telegramtest.User{ID: 730194628, FirstName: "Jane", Lang: "en"}
	tg.Push(u.Text("This is the THIRD time I ask!!! Your service is terrible, I want my money back"))
	tg.WaitSent(t, u.ID, 1)
	s.log.waitForWith(t, "slack desk: card posted", "conv", pseudonym)
	card := sl.WaitMessage(t, "handoff card", func(m slacktest.Message) bool { return m.TopLevel() && m.Blocks != nil })
	sl.SendEvent(t, sl.AgentReply(channel, card.TS, "ULIA", "Hi Jane, I am on it."))
	tg.WaitSent(t, u.ID, 3)
	sl.SendEvent(t, sl.AgentReply(channel, card.TS, "ULIA", "!resolve"))
	tg.Wait(t, "rating keyboard", func(calls []telegramtest.Call) bool {
		for _, c := range calls {
			if c.Method == "sendMessage" && strings.Contains(c.Params["reply_markup"], "inline_keyboard") {
				return true
			}
		}
		return false
	})
	s.stop(t)

	logs := s.log.String()
	if strings.Contains(logs, "730194628") {
		t.Errorf("the logs name the chat:\n%s", logs)
	}
	named := map[string]bool{}
	for line := range strings.Lines(logs) {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		msg, _ := rec["msg"].(string)
		for _, k := range []string{"conv", "chat"} {
			if v, ok := rec[k]; ok {
				if v != pseudonym {
					t.Errorf("%q logs %s %v, want %s", msg, k, v, pseudonym)
				}
				named[msg] = true
			}
		}
	}
	for _, msg := range []string{"telegram: update", "handoff", "slack desk: card posted"} {
		if !named[msg] {
			t.Errorf("no %q line naming the conversation:\n%s", msg, logs)
		}
	}
}
