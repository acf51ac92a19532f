package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// TestTelegramCustomerServedBySlackAgent runs `baton serve` with the fake
// Telegram and the fake Slack (Socket Mode): the detector hands an angry
// customer to the agents, an agent answers from the thread, resolves, and
// the customer's rating lands in the thread; then the bot answers again.
func TestTelegramCustomerServedBySlackAgent(t *testing.T) {
	customerServedBySlackAgent(t, sessiontest.URL(t))
}

// The same conversation with the state on a real Redis Cluster.
func TestTelegramCustomerServedBySlackAgentOnCluster(t *testing.T) {
	customerServedBySlackAgent(t, sessiontest.ClusterURL(t))
}

func customerServedBySlackAgent(t *testing.T, redisURL string) {
	tg := telegramtest.New(t)
	sl := slacktest.New(t)
	sl.AddUser("ULIA", "Lia", "Lia Park")
	const channel = "C0HANDOFF"
	s, env := serveWithSlack(t, tg, sl, channel, map[string]string{
		"REDIS_URL": redisURL,
	})

	u := telegramtest.User{ID: 4242, FirstName: "Jane", Username: "jane_d", Lang: "en"}
	tg.Push(u.Text("Where is my order?"))
	tg.WaitSent(t, u.ID, 1)
	tg.Push(u.Text("This is the THIRD time I ask!!! Your service is terrible, I want my money back"))
	sent := tg.WaitSent(t, u.ID, 2)
	if !strings.Contains(sent[1], "stay in this chat") {
		t.Fatalf("handoff not announced to the customer: %q", sent[1])
	}

	card := sl.WaitMessage(t, "handoff card", func(m slacktest.Message) bool { return m.TopLevel() && m.Blocks != nil })
	text := card.BlockText()
	for _, want := range []string{"Jane", "complaint", "Where is my order?", "THIRD time"} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}

	// The customer adds something; it goes to the thread, the bot stays quiet.
	tg.Push(u.Text("order KS-204817"))
	sl.WaitFor(t, "customer message in the thread", func() bool {
		for _, m := range sl.Thread(card.TS) {
			if strings.Contains(m.Text, "KS-204817") {
				return true
			}
		}
		return false
	})

	// The agent answers in the thread: the customer hears who joined, then the reply.
	sl.SendEvent(t, sl.AgentReply(channel, card.TS, "ULIA", "Hi Jane, I found it: it left our warehouse today."))
	sent = tg.WaitSent(t, u.ID, 4)
	if !strings.Contains(sent[2], "Lia") || sent[3] != "Hi Jane, I found it: it left our warehouse today." {
		t.Fatalf("agent messages reached the customer as %q", sent[2:])
	}
	if len(sent) != 4 {
		t.Errorf("the bot talked during the handoff: %q", sent)
	}

	// !resolve: a closing and a 1-5 keyboard on Telegram.
	sl.SendEvent(t, sl.AgentReply(channel, card.TS, "ULIA", "!resolve"))
	calls := tg.Wait(t, "rating keyboard", func(calls []telegramtest.Call) bool {
		for _, c := range calls {
			if c.Method == "sendMessage" && strings.Contains(c.Params["reply_markup"], "inline_keyboard") {
				return true
			}
		}
		return false
	})
	var markup string
	for _, c := range calls {
		if c.Method == "sendMessage" && strings.Contains(c.Params["reply_markup"], "inline_keyboard") {
			markup = c.Params["reply_markup"]
		}
	}
	var kb struct {
		Rows [][]struct {
			Text string `json:"text"`
			Data string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(markup), &kb); err != nil || len(kb.Rows) == 0 || len(kb.Rows[0]) != 5 {
		t.Fatalf("rating keyboard %s: %v", markup, err)
	}
	tg.Push(u.Press(kb.Rows[0][4].Data, 1))
	sl.WaitFor(t, "rating in the thread", func() bool {
		for _, m := range sl.Thread(card.TS) {
			if strings.Contains(m.Text, "5/5") {
				return true
			}
		}
		return false
	})

	// The customer is thanked for the rating; then the bot is back in charge.
	tg.Wait(t, "thanks for the rating", func([]telegramtest.Call) bool {
		sent := tg.Sent(u.ID)
		return strings.Contains(sent[len(sent)-1], "rating")
	})
	n := len(tg.Sent(u.ID))
	tg.Push(u.Text("How long does shipping take?"))
	sent = tg.WaitSent(t, u.ID, n+1)
	if !strings.Contains(sent[len(sent)-1], "business days") {
		t.Errorf("the bot did not answer after resolution: %q", sent[len(sent)-1])
	}
	s.stop(t)

	// baton report reads what the lifecycle's statistics observer kept.
	var out, errs strings.Builder
	getenv := func(k string) string { return env[k] }
	if code := run(t.Context(), []string{"report", "--since", "1d", "--format", "json"}, getenv, nil, &out, &errs); code != 0 {
		t.Fatalf("baton report: exit %d: %s", code, errs.String())
	}
	var rep struct {
		Rows []struct {
			Scope, Name       string
			Conversations     int64            `json:"conversations"`
			Handoffs          int64            `json:"handoffs"`
			Reasons           map[string]int64 `json:"handoffs_by_reason"`
			CSAT              float64          `json:"csat_mean"`
			CSATDistribution  [5]int64         `json:"csat_distribution"`
			FirstReplyCount   int64            `json:"first_reply_count"`
			Resolved          int64            `json:"resolved"`
			ComplaintShare    float64          `json:"complaint_share"`
			FirstTeamResolved int64            `json:"first_team_resolved"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out.String()), &rep); err != nil || len(rep.Rows) == 0 {
		t.Fatalf("report JSON: %v\n%s", err, out.String())
	}
	all := rep.Rows[0]
	if all.Conversations != 1 || all.Handoffs != 1 || all.Reasons["complaint"] != 1 || all.CSAT != 5 ||
		all.CSATDistribution[4] != 1 || all.FirstReplyCount != 1 || all.Resolved != 1 || all.ComplaintShare != 1 || all.FirstTeamResolved != 1 {
		t.Errorf("report, everyone: %+v", all)
	}
	found := false
	for _, r := range rep.Rows {
		found = found || (r.Scope == "agent" && r.Name == "Lia" && r.Resolved == 1 && r.CSAT == 5)
	}
	if !found {
		t.Errorf("report has no row for Lia: %s", out.String())
	}
	out.Reset()
	if code := run(t.Context(), []string{"report", "--since", "7d"}, getenv, nil, &out, &errs); code != 0 ||
		!strings.Contains(out.String(), "CSAT                5.00 over 1") || !strings.Contains(out.String(), "Lia ") {
		t.Errorf("text report (exit %d):\n%s%s", code, out.String(), errs.String())
	}
	out.Reset()
	if code := run(t.Context(), []string{"report", "--format", "csv"}, getenv, nil, &out, &errs); code != 0 ||
		!strings.HasPrefix(out.String(), "scope,key,name,conversations,containment") || !strings.Contains(out.String(), "all,,everyone,1,0.000,1,complaint=1") {
		t.Errorf("CSV report (exit %d):\n%s%s", code, out.String(), errs.String())
	}
}

// TestLLMModeThroughServe runs `baton serve` in LLM mode against the fake
// OpenAI-compatible server: a grounded model answer reaches the Telegram
// customer, a failing model falls back to the knowledge-base answer, and
// the handoff card gets the model's summary.
func TestLLMModeThroughServe(t *testing.T) {
	tg := telegramtest.New(t)
	sl := slacktest.New(t)
	model := llmtest.New(t, llmtest.WithResponder(llmtest.Grounded()))
	const channel = "C0HANDOFF"
	s, _ := serveWithSlack(t, tg, sl, channel, map[string]string{
		"OPENAI_BASE_URL": model.URL(),
		"OPENAI_MODEL":    "fake-small",
	})
	u := telegramtest.User{ID: 777, FirstName: "Sam", Lang: "en"}

	tg.Push(u.Text("How long does shipping take?"))
	sent := tg.WaitSent(t, u.ID, 1)
	if len(model.Chats()) == 0 || !strings.Contains(sent[0], "2 pm ET") {
		t.Fatalf("model answer %q (model calls %d)", sent[0], len(model.Chats()))
	}

	model.FailChat(500, 1)
	tg.Push(u.Text("What payment methods do you accept?"))
	sent = tg.WaitSent(t, u.ID, 2)
	if !strings.Contains(sent[1], "PayPal") {
		t.Fatalf("with the model failing, the customer got %q, want the knowledge-base answer", sent[1])
	}
	s.log.waitFor(t, "llm: answering offline instead")

	tg.Push(u.Text("/human"))
	card := sl.WaitMessage(t, "handoff card", func(m slacktest.Message) bool { return m.TopLevel() && m.Blocks != nil })
	sl.WaitFor(t, "summary on the card", func() bool {
		m, _ := sl.Message(card.TS)
		return strings.Contains(strings.ToLower(m.BlockText()), "summary")
	})
	s.stop(t)
}
