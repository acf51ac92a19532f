package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// sentinelEnv names the Sentinel URL of a real master, replica and three
// sentinels (.ci/run starts them with .ci/redis-sentinel and sets it).
const sentinelEnv = "REDIS_SENTINEL_URL"

// sentinelURL returns REDIS_SENTINEL_URL, or skips the test when it is unset.
func sentinelURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(sentinelEnv)
	if u == "" {
		t.Skip(sentinelEnv + " is not set: no Redis Sentinel to test against (.ci/run starts one with .ci/redis-sentinel)")
	}
	return u
}

// The e2e conversation (customer → answer, handoff → Slack → agent reply →
// resolve → rating) with REDIS_URL naming the sentinels, not a server.
func TestTelegramCustomerServedBySlackAgentOnSentinel(t *testing.T) {
	customerServedBySlackAgent(t, sentinelURL(t))
}

// A Sentinel failover under a live bot: one customer is waiting for an
// agent, another writes while the sentinels promote the replica. Without a
// restart, the bot answers each of the second customer's messages once and
// in order, keeps answering after the switch, and the handoff made before
// the failover is still there: the agent's reply reaches the first customer.
func TestSentinelFailoverLosesNothing(t *testing.T) {
	raw := sentinelURL(t)
	tg := telegramtest.New(t)
	sl := slacktest.New(t)
	sl.AddUser("ULIA", "Lia", "Lia Park")
	const channel = "C0HANDOFF"
	s, env := serveWithSlack(t, tg, sl, channel, map[string]string{
		"REDIS_URL": raw,
	})

	// Before the failover: a customer is handed to the agents.
	a := telegramtest.User{ID: 5151, FirstName: "Jane", Lang: "en"}
	tg.Push(a.Text("Where is my order?"))
	tg.WaitSent(t, a.ID, 1)
	tg.Push(a.Text("This is the THIRD time I ask!!! Your service is terrible, I want my money back"))
	if sent := tg.WaitSent(t, a.ID, 2); !strings.Contains(sent[1], "stay in this chat") {
		t.Fatalf("handoff not announced to the customer: %q", sent[1])
	}
	card := sl.WaitMessage(t, "handoff card", func(m slacktest.Message) bool { return m.TopLevel() && m.Blocks != nil })

	// The failover, with a second customer writing while it happens.
	sen := newSentinelAdmin(t, raw)
	switched := sen.failover(t)
	b := telegramtest.User{ID: 5252, FirstName: "Sam", Lang: "en"}
	questions := []struct{ ask, answer string }{
		{"How long does shipping take?", "2 pm ET"},
		{"What payment methods do you accept?", "You can pay with"},
		{"How do I track my order?", "Track parcel"},
	}
	for _, q := range questions[:2] {
		tg.Push(b.Text(q.ask))
	}
	from, to := switched()
	t.Logf("failover: master %s -> %s", from, to)

	// After the switch: one more question, through the new master. Another
	// question, not the first again: a question asked twice gets the part
	// of the earlier answer that fits, not the whole answer (bot/passage.go).
	tg.Push(b.Text(questions[2].ask))
	want := []string{questions[0].answer, questions[1].answer, questions[2].answer}
	tg.Wait(t, "the second customer's three answers", func([]telegramtest.Call) bool {
		return strings.Contains(strings.Join(tg.Sent(b.ID), "\n"), questions[2].answer)
	})
	// The handoff survived: the agent's reply reaches the waiting customer.
	sl.SendEvent(t, sl.AgentReply(channel, card.TS, "ULIA", "Hi Jane, I found it: it left our warehouse today."))
	sent := tg.WaitSent(t, a.ID, 4)
	if !strings.Contains(sent[2], "Lia") || sent[3] != "Hi Jane, I found it: it left our warehouse today." {
		t.Fatalf("after the failover the agent's messages reached the customer as %q", sent[2:])
	}
	s.stop(t)
	// Read once the server has stopped: a late duplicate cannot come after
	// the count.
	all := strings.Join(tg.Sent(b.ID), "\n")
	at := 0
	for i, w := range want {
		j := strings.Index(all[at:], w)
		if j < 0 {
			t.Fatalf("answer %d (%q) missing or out of order across the failover:\n%s", i+1, w, all)
		}
		at += j + len(w)
	}
	for _, q := range questions {
		if n := strings.Count(all, q.answer); n != 1 {
			t.Errorf("the answer to %q went out %d times, want once:\n%s", q.ask, n, all)
		}
	}

	// The bot wrote to the new master, not to the old one (which still
	// says "master" until a sentinel demotes it): the new master itself
	// holds both conversations, the second customer's questions in order.
	rdb := redis.NewClient(&redis.Options{Addr: to})
	defer rdb.Close()
	db, err := store.New(rdb, env["BATON_REDIS_PREFIX"])
	if err != nil {
		t.Fatal(err)
	}
	sessions := session.New(db)
	ctx := t.Context()
	sb, ok, err := sessions.Get(ctx, "telegram:5252")
	if err != nil || !ok {
		t.Fatalf("the second customer's session on the new master %s: found %v, %v", to, ok, err)
	}
	var asked []string
	for _, tr := range sb.Turns {
		if tr.Role == "customer" {
			asked = append(asked, tr.Text)
		}
	}
	wantAsked := []string{questions[0].ask, questions[1].ask, questions[2].ask}
	if strings.Join(asked, "|") != strings.Join(wantAsked, "|") {
		t.Errorf("the new master has the second customer's questions as %q, want %q", asked, wantAsked)
	}
	sa, ok, err := sessions.Get(ctx, "telegram:5151")
	if err != nil || !ok || sa.Handoff == nil {
		t.Fatalf("the first customer's handoff on the new master %s: found %v, %v", to, ok, err)
	}
	if last := sa.Turns[len(sa.Turns)-1]; !strings.Contains(last.Text, "left our warehouse today") {
		t.Errorf("the first customer's last turn on the new master is %q, want the agent's reply", last.Text)
	}
}

// sentinelAdmin talks to one of the URL's sentinels.
type sentinelAdmin struct {
	c      *redis.SentinelClient
	master string
}

func newSentinelAdmin(t *testing.T, raw string) *sentinelAdmin {
	t.Helper()
	opt, err := redis.ParseFailoverURL(raw)
	if err != nil {
		t.Fatalf("%s: %v", sentinelEnv, err)
	}
	c := redis.NewSentinelClient(&redis.Options{Addr: opt.SentinelAddrs[0]})
	t.Cleanup(func() { _ = c.Close() })
	return &sentinelAdmin{c: c, master: opt.MasterName}
}

// failover starts `SENTINEL FAILOVER <master>` and returns a function that
// waits for the switch and returns the old and new master addresses. A
// failover needs a healthy replica: right after an earlier failover (the
// previous test run) the old master is a replica only once a sentinel has
// reconfigured it, up to ~10 s later, so this first waits for that.
func (s *sentinelAdmin) failover(t *testing.T) func() (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), serveWait)
	t.Cleanup(cancel)
	// Sentinel has no event for "a replica is ready", so its view is read
	// again every 100 ms; serveWait bounds it.
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !s.replicaReady(ctx) {
		select {
		case <-ctx.Done():
			reps, err := s.c.Replicas(context.Background(), s.master).Result()
			t.Fatalf("no replica of %s ready to take over: %v %v", s.master, reps, err)
		case <-tick.C:
		}
	}
	old, err := s.c.GetMasterAddrByName(ctx, s.master).Result()
	if err != nil {
		t.Fatal(err)
	}
	// Subscribed before the failover starts, so the switch is not missed.
	sub := s.c.Subscribe(ctx, "+switch-master")
	t.Cleanup(func() { _ = sub.Close() })
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.c.Failover(ctx, s.master).Err(); err != nil {
		t.Fatalf("SENTINEL FAILOVER %s: %v", s.master, err)
	}
	return func() (string, string) {
		t.Helper()
		// "+switch-master <name> <old ip> <old port> <new ip> <new port>".
		// Channel, not ReceiveMessage: the leader sentinel announces the
		// switch only once the other replica follows the new master, which
		// may take longer than one read's timeout.
		ch := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				t.Fatalf("waiting for the failover of %s: %v", s.master, ctx.Err())
			case msg := <-ch:
				f := strings.Fields(msg.Payload)
				if len(f) == 5 && f[0] == s.master {
					return strings.Join(old, ":"), f[3] + ":" + f[4]
				}
			}
		}
	}
}

// replicaReady: some replica is up, linked to the master, and knows it is
// a replica (what SENTINEL FAILOVER needs to pick it).
func (s *sentinelAdmin) replicaReady(ctx context.Context) bool {
	reps, err := s.c.Replicas(ctx, s.master).Result()
	if err != nil {
		return false
	}
	for _, r := range reps {
		if r["flags"] == "slave" && r["master-link-status"] == "ok" && r["role-reported"] == "slave" {
			return true
		}
	}
	return false
}
