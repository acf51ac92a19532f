package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
)

// TestTransferToAnotherTeam runs `baton serve` with routing rules that give
// the payments team a channel of its own: a handoff lands in the default
// channel; the agent keeps a note, answers, and transfers it with
// !transfer payments. The customer hears who is coming and is not asked to
// repeat anything; the payments channel gets a card with the whole story
// and who had it; a payments agent answers and resolves; the report counts
// the transfer and no first-team resolution.
func TestTransferToAnotherTeam(t *testing.T) {
	prompts := t.TempDir()
	if err := os.CopyFS(prompts, os.DirFS("../../prompts")); err != nil {
		t.Fatal(err)
	}
	routes := filepath.Join(prompts, "routing.yaml")
	data, err := os.ReadFile(routes)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "name: {en: payments team, zh: 支付团队, ko: 결제 담당 팀}\n    channel: \"\"",
		"name: {en: payments team, zh: 支付团队, ko: 결제 담당 팀}\n    channel: C0PAYMENTS", 1))
	if !strings.Contains(string(data), "C0PAYMENTS") {
		t.Fatal("could not give the payments team a channel")
	}
	if err := os.WriteFile(routes, data, 0o644); err != nil {
		t.Fatal(err)
	}

	tg := telegramtest.New(t)
	sl := slacktest.New(t)
	sl.AddUser("ULIA", "Lia", "Lia Park")
	sl.AddUser("UPAY", "Omar", "Omar Haddad")
	const channel = "C0HANDOFF"
	s, env := serveWithSlack(t, tg, sl, channel, map[string]string{
		"BATON_PROMPTS_DIR": prompts,
	})

	u := telegramtest.User{ID: 5151, FirstName: "Jane", Username: "jane_d", Lang: "en"}
	// Not a double charge: that is answered from payment/charged-twice,
	// whose tags route a handoff straight to payments.
	tg.Push(u.Text("Hi, something is off with my order KS-1001"))
	tg.WaitSent(t, u.ID, 1)
	tg.Push(u.Text("/human"))
	tg.WaitSent(t, u.ID, 2)
	first := sl.WaitMessage(t, "support card", func(m slacktest.Message) bool { return m.TopLevel() && m.Blocks != nil })
	s.log.waitForWith(t, "slack desk: card posted", "channel", channel)
	if first.Channel != channel {
		t.Fatalf("first card in %s, want the default channel", first.Channel)
	}

	sl.SendEvent(t, sl.AgentReply(channel, first.TS, "ULIA", "note: refund needs payments, double charge confirmed"))
	sl.SendEvent(t, sl.AgentReply(channel, first.TS, "ULIA", "Hi Jane, I see the double charge."))
	tg.WaitSent(t, u.ID, 4) // who joined, then Lia's reply
	sl.SendEvent(t, sl.AgentReply(channel, first.TS, "ULIA", "!transfer payments"))

	sent := tg.WaitSent(t, u.ID, 5)
	told := sent[4]
	if !strings.Contains(told, "payments team") || !strings.Contains(told, "no need to repeat") {
		t.Errorf("customer was told %q; want who is coming and no need to repeat", told)
	}
	for _, m := range sent {
		if strings.Contains(m, "refund needs payments") {
			t.Fatalf("a note reached the customer: %q", m)
		}
	}
	card := sl.WaitMessage(t, "payments card", func(m slacktest.Message) bool {
		return m.TopLevel() && m.Blocks != nil && m.Channel == "C0PAYMENTS"
	})
	text := card.BlockText()
	for _, want := range []string{"Transferred from support", "Lia had it", "something is off with my order", "refund needs payments", "I see the double charge", "asked for a person"} {
		if !strings.Contains(text, want) {
			t.Errorf("payments card lacks %q:\n%s", want, text)
		}
	}
	// The desk has saved the new thread once it logs the card posted.
	s.log.waitForWith(t, "slack desk: card posted", "channel", "C0PAYMENTS")
	sl.WaitFor(t, "old card says where it went", func() bool {
		m, _ := sl.Message(first.TS)
		return strings.Contains(m.BlockText(), "transferred to payments") && len(m.Buttons()) == 0
	})

	// A reply in the old thread goes nowhere; the payments agent takes over.
	sl.SendEvent(t, sl.AgentReply("C0PAYMENTS", card.TS, "UPAY", "Hello Jane, Omar from payments: the refund is on its way."))
	sent = tg.WaitSent(t, u.ID, 7)
	if !strings.Contains(sent[5], "Omar") || !strings.Contains(sent[6], "refund is on its way") {
		t.Errorf("payments agent's messages: %q", sent[5:])
	}
	sl.SendEvent(t, sl.AgentReply("C0PAYMENTS", card.TS, "UPAY", "!resolve"))
	tg.WaitSent(t, u.ID, 9)
	s.stop(t)

	var out, errs strings.Builder
	getenv := func(k string) string { return env[k] }
	if code := run(t.Context(), []string{"report", "--since", "1d", "--format", "csv"}, getenv, nil, &out, &errs); code != 0 {
		t.Fatalf("report: %d %s", code, errs.String())
	}
	csv := out.String()
	// everyone: 1 handoff, 1 resolved, 0 by the first team, 1 transfer out;
	// payments: resolved 1, transferred in 1.
	seen := 0
	for _, line := range strings.Split(csv, "\n") {
		f := strings.Split(line, ",")
		if len(f) > 15 && (f[0] == "all" || f[0] == "team" && f[1] == "payments") {
			seen++
		}
		if len(f) > 15 && f[0] == "all" && (f[5] != "1" || f[10] != "1" || f[13] != "0" || f[14] != "1") {
			t.Errorf("everyone: resolved %s, first-team %s, transfers %s; want 1, 0, 1", f[10], f[13], f[14])
		}
		if len(f) > 15 && f[0] == "team" && f[1] == "payments" && (f[10] != "1" || f[15] != "1") {
			t.Errorf("payments: resolved %s, transfers in %s; want 1, 1", f[10], f[15])
		}
	}
	if seen != 2 {
		t.Errorf("report lacks the everyone or payments row:\n%s", csv)
	}
}
