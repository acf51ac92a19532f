package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// holdingText is the start of prompts/messages/en.yaml's hiccup message.
const holdingText = "We're having a small technical hiccup"

// Redis goes down under a live `baton serve` (webhook mode) and comes back:
// while it is down /readyz says not ready, the webhook answers 503 (so
// Telegram keeps the update and delivers it again), and each customer gets
// one short holding reply, however many messages they send; once Redis is
// back, the redelivered messages are answered properly, without a restart.
// The Redis here is the test's own redis-server, never the shared one.
func TestServeRedisOutage(t *testing.T) {
	rs := sessiontest.StartServer(t)
	tg := telegramtest.New(t)
	addr := freeAddr(t)
	s := startServe(t, testEnv(t, tg, map[string]string{
		"REDIS_URL":               rs.URL(),
		"BATON_ADDR":              addr,
		"TELEGRAM_WEBHOOK_URL":    "http://" + addr + "/telegram/webhook",
		"TELEGRAM_WEBHOOK_SECRET": "outage-secret",
	}))
	s.log.waitFor(t, "telegram: started")
	ctx, cancel := context.WithTimeout(context.Background(), serveWait)
	defer cancel()
	deliver := func(u telegramtest.Update) int {
		t.Helper()
		code, _, err := tg.Deliver(ctx, u)
		if err != nil {
			t.Fatalf("webhook: %v", err)
		}
		return code
	}

	jane, min := telegramtest.Customer(7001), telegramtest.Customer(7002)
	if code := deliver(jane.Text("hello")); code != http.StatusOK {
		t.Fatalf("webhook with Redis up: %d", code)
	}
	tg.WaitSent(t, jane.ID, 1)

	rs.Stop()
	if code, body := get(t, s.url("/readyz")); code != http.StatusServiceUnavailable || strings.Contains(body, `"redis":"ok"`) {
		t.Errorf("/readyz with Redis down: %d %s", code, body)
	}
	pending := []telegramtest.Update{
		jane.Text("How long does shipping take?"),
		jane.Text("and can I return shoes?"),
		min.Text("do you ship to Canada?"),
	}
	for _, u := range pending {
		if code := deliver(u); code == http.StatusOK {
			t.Fatalf("the webhook answered 200 for an update it could not store")
		}
	}
	if got := tg.WaitSent(t, jane.ID, 2)[1]; !strings.HasPrefix(got, holdingText) {
		t.Errorf("Jane's holding reply = %q", got)
	}
	if got := tg.WaitSent(t, min.ID, 1)[0]; !strings.HasPrefix(got, holdingText) {
		t.Errorf("Min's holding reply = %q", got)
	}

	rs.Start()
	back := time.Now()
	// Telegram delivers each refused update again until it gets a 200.
	for _, u := range pending {
		for attempt := 0; deliver(u) != http.StatusOK; attempt++ {
			if attempt == 100 {
				t.Fatal("the webhook still refuses updates after Redis came back")
			}
			time.Sleep(100 * time.Millisecond) // Telegram's redelivery pace, not a synchronisation
		}
	}
	t.Logf("updates stored again %v after Redis came back", time.Since(back).Round(time.Millisecond))
	sent := tg.WaitSent(t, jane.ID, 4)
	if !strings.Contains(sent[2], "business days") {
		t.Errorf("after the outage, the shipping question got %q", sent[2])
	}
	tg.WaitSent(t, min.ID, 2)
	holding := 0
	for _, m := range append(tg.Sent(jane.ID), tg.Sent(min.ID)...) {
		if strings.HasPrefix(m, holdingText) {
			holding++
		}
	}
	if holding != 2 {
		t.Errorf("%d holding replies, want one per customer:\nJane %q\nMin %q", holding, tg.Sent(jane.ID), tg.Sent(min.ID))
	}
	if code, body := get(t, s.url("/readyz")); code != http.StatusOK {
		t.Errorf("/readyz after Redis came back: %d %s", code, body)
	}
	s.stop(t)
}
