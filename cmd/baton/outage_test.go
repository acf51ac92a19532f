package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
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
	// Telegram delivers each refused update again. Once serve's Redis
	// client works on the restarted server, each is stored at once.
	waitForOtherRedisClient(t, rs.Addr())
	t.Logf("serve's Redis client back %v after Redis came back", time.Since(back).Round(time.Millisecond))
	for _, u := range pending {
		if code := deliver(u); code != http.StatusOK {
			t.Fatalf("the webhook answered %d for an update once serve's Redis client was back, want 200", code)
		}
	}
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

// waitForOtherRedisClient waits until a client other than the test's own
// runs a command on the Redis at addr (a server the test restarted): the
// process under test dialled it again and its client's pool serves calls
// (go-redis answers its last dial error, without dialling, until a probe
// of its own succeeds). Redis says so itself: MONITOR streams every
// command from the moment it answers +OK, and CLIENT LIST, asked after,
// shows each connection's last command from before. No polling.
func waitForOtherRedisClient(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(serveWait)
	dial := func() (net.Conn, *bufio.Reader) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			t.Fatalf("dialling the test's Redis: %v", err)
		}
		t.Cleanup(func() { c.Close() })
		_ = c.SetDeadline(deadline)
		return c, bufio.NewReader(c)
	}
	own := map[string]bool{}
	mon, monr := dial()
	own[mon.LocalAddr().String()] = true
	if _, err := fmt.Fprint(mon, "MONITOR\r\n"); err != nil {
		t.Fatalf("MONITOR: %v", err)
	}
	if line, err := monr.ReadString('\n'); err != nil || !strings.HasPrefix(line, "+OK") {
		t.Fatalf("MONITOR answered %q, %v", line, err)
	}

	cl, clr := dial()
	own[cl.LocalAddr().String()] = true
	if _, err := fmt.Fprint(cl, "CLIENT LIST\r\n"); err != nil {
		t.Fatalf("CLIENT LIST: %v", err)
	}
	var size int
	if line, err := clr.ReadString('\n'); err != nil || !strings.HasPrefix(line, "$") {
		t.Fatalf("CLIENT LIST answered %q, %v", line, err)
	} else if _, err := fmt.Sscanf(line, "$%d", &size); err != nil {
		t.Fatalf("CLIENT LIST answered %q: %v", line, err)
	}
	list := make([]byte, size+2)
	if _, err := io.ReadFull(clr, list); err != nil {
		t.Fatalf("reading CLIENT LIST: %v", err)
	}
	for _, line := range strings.Split(string(list), "\n") {
		var addr, cmd string
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, "addr="); ok {
				addr = v
			} else if v, ok := strings.CutPrefix(f, "cmd="); ok {
				cmd = v
			}
		}
		if addr != "" && !own[addr] && cmd != "" && cmd != "NULL" {
			return // a command ran before MONITOR began
		}
	}

	// A MONITOR line: +1733456789.123456 [0 127.0.0.1:54321] "set" "k" "v"
	for {
		line, err := monr.ReadString('\n')
		if err != nil {
			t.Fatalf("no other client ran a command on the restarted Redis: %v", err)
		}
		_, rest, ok := strings.Cut(line, "[")
		who, _, _ := strings.Cut(rest, "]")
		if f := strings.Fields(who); ok && len(f) == 2 && !own[f[1]] {
			return
		}
	}
}
