package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/store"
)

var chatStarted = regexp.MustCompile(`Conversation (\S+) \(continue it with baton chat --chat (\S+)\)`)

// Walk 2026-12-06, item 17: with REDIS_URL set, every `baton chat` run
// resumed one shared conversation (a fixed chat id) and wrote no
// statistics. Each run is its own conversation now, --chat ID continues
// one, and the turns count in statistics as serve's do, apart from
// serve's under the chat's own prefix, which `baton report` reads.
// Real Redis.
func TestEachChatRunIsItsOwnConversation(t *testing.T) {
	url, prefix := sessiontest.URL(t), sessiontest.Prefix(t)
	rdb := sessiontest.Dial(t, url)
	t.Cleanup(func() { _ = sessiontest.DeletePrefix(context.Background(), rdb, prefix) })
	vars := map[string]string{"REDIS_URL": url, "BATON_REDIS_PREFIX": prefix}
	chat := func(input string, args ...string) (id string, out string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), append([]string{"chat"}, args...), env(vars), strings.NewReader(input), &stdout, &stderr); code != 0 {
			t.Fatalf("baton chat %v: exit %d: %s", args, code, stderr.String())
		}
		m := chatStarted.FindStringSubmatch(stdout.String())
		if m == nil || m[1] != m[2] {
			t.Fatalf("baton chat %v does not say which conversation it is:\n%s", args, stdout.String())
		}
		return m[1], stdout.String()
	}
	keys, err := store.NewKeys(prefix + "chat:")
	if err != nil {
		t.Fatal(err)
	}
	sessions := session.New(store.DB{Client: rdb, Keys: keys})
	messages := func(id string) int {
		t.Helper()
		s, ok, err := sessions.Get(context.Background(), "console:"+id)
		if err != nil || !ok {
			t.Fatalf("conversation %s: %v %v", id, ok, err)
		}
		return s.Messages
	}

	first, _ := chat("How long does shipping take?\n")
	second, _ := chat("What payment methods do you accept?\n")
	if first == second {
		t.Fatalf("two chat runs share the conversation %s", first)
	}
	if a, b := messages(first), messages(second); a != 1 || b != 1 {
		t.Errorf("messages in the two runs' conversations: %d and %d, want 1 each", a, b)
	}
	again, out := chat("and to Canada?\n", "--chat", first)
	if again != first || messages(first) != 2 {
		t.Errorf("--chat %s went on in %s (%d messages in %s, want 2):\n%s", first, again, messages(first), first, out)
	}

	var report, errs bytes.Buffer
	chatVars := map[string]string{"REDIS_URL": url, "BATON_REDIS_PREFIX": prefix + "chat:"}
	if code := run(context.Background(), []string{"report", "--since", "1d", "--format", "json"}, env(chatVars), nil, &report, &errs); code != 0 {
		t.Fatalf("baton report: exit %d: %s", code, errs.String())
	}
	var rep struct {
		Rows []struct {
			Conversations int64 `json:"conversations"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(report.Bytes(), &rep); err != nil || len(rep.Rows) == 0 {
		t.Fatalf("report: %v\n%s", err, report.String())
	}
	if n := rep.Rows[0].Conversations; n != 2 {
		t.Errorf("the chats' statistics count %d conversations, want 2", n)
	}

	// --chat without Redis, or with an id that is no id: said, exit 2.
	for _, c := range []struct {
		vars map[string]string
		args []string
		want string
	}{
		{nil, []string{"--chat", first}, "REDIS_URL is not set"},
		{vars, []string{"--chat", "a b"}, `--chat "a b": ' ' is not allowed`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), append([]string{"chat"}, c.args...), env(c.vars), strings.NewReader(""), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("baton chat %v: exit %d, %q; want 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
}

// Two chat runs on one Redis each keep their own check-ins: a run's
// timers are scoped to its conversation, so another run's timer loop
// never claims them (it took them, printed nothing in either terminal,
// and counted them delivered). Real Redis; the timers are claimed as
// each run's loop would, far past their due time.
func TestChatRunsKeepTheirOwnCheckIns(t *testing.T) {
	url, prefix := sessiontest.URL(t), sessiontest.Prefix(t)
	rdb := sessiontest.Dial(t, url)
	t.Cleanup(func() { _ = sessiontest.DeletePrefix(context.Background(), rdb, prefix) })
	vars := map[string]string{"REDIS_URL": url, "BATON_REDIS_PREFIX": prefix}
	var ids []string
	for _, q := range []string{"How long does shipping take?\n", "What payment methods do you accept?\n"} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"chat"}, env(vars), strings.NewReader(q), &stdout, &stderr); code != 0 {
			t.Fatalf("baton chat: exit %d: %s", code, stderr.String())
		}
		m := chatStarted.FindStringSubmatch(stdout.String())
		if m == nil {
			t.Fatalf("baton chat does not say which conversation it is:\n%s", stdout.String())
		}
		ids = append(ids, m[1])
	}
	keys, err := store.NewKeys(prefix + "chat:")
	if err != nil {
		t.Fatal(err)
	}
	db := store.DB{Client: rdb, Keys: keys}
	later := time.Now().Add(24 * time.Hour)
	for i, id := range ids {
		got, err := chatSessions(db, id).Due(context.Background(), "idle", later, 10)
		if err != nil || len(got) != 1 || got[0] != "console:"+id {
			t.Errorf("run %d (%s): its loop claims %v, %v; want only its own check-in (console:%s)", i+1, id, got, err, id)
		}
	}
}
