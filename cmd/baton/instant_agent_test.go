package main

import (
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// instantAgent answers in the thread of each customer's card the instant
// the fake Slack stores the card: it wakes on the fake's change signal,
// before Baton has even read chat.postMessage's answer. At that instant it
// also looks whether the customer has been told a person is coming (told),
// which is the order the customer must hear things in. It returns a func
// that waits for the answering to end and fails the test if a card never
// came or came before the customer was told.
func instantAgent(t *testing.T, sl *slacktest.Server, channel string, users []telegramtest.User, told func(telegramtest.User) bool) (wait func()) {
	t.Helper()
	names := firstNames(users)
	byName := map[string]telegramtest.User{}
	for _, u := range users {
		byName[u.FirstName] = u
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		errs   []string
		missed []string
		untold []string
	)
	answered := map[string]bool{}
	wg.Go(func() {
		for len(answered) < len(names) {
			var fresh []slacktest.Message
			var who []string
			ok := sl.Until(sl.Timeout, func() bool {
				fresh, who = fresh[:0], who[:0]
				for _, m := range sl.Messages() {
					if !m.TopLevel() || m.Blocks == nil || m.Channel != channel {
						continue
					}
					for _, n := range names {
						if !answered[n] && strings.Contains(m.BlockText(), n) {
							fresh, who = append(fresh, m), append(who, n)
						}
					}
				}
				return len(fresh) > 0
			})
			if !ok {
				for _, n := range names {
					if !answered[n] {
						missed = append(missed, n)
					}
				}
				return
			}
			for i, card := range fresh {
				if !told(byName[who[i]]) {
					untold = append(untold, who[i])
				}
				answered[who[i]] = true
				if _, err := sl.TrySendEvent(sl.AgentReply(channel, card.TS, agentID, instantReply(who[i]))); err != nil {
					mu.Lock()
					errs = append(errs, err.Error())
					mu.Unlock()
				}
			}
		}
	})
	return func() {
		t.Helper()
		wg.Wait()
		if len(missed) > 0 {
			t.Errorf("no card for %v", missed)
		}
		if len(errs) > 0 {
			t.Errorf("sending the agent's replies: %v", errs)
		}
		if len(untold) > 0 {
			t.Errorf("the card of %v appeared before the customer was told a person is coming", untold)
		}
	}
}

func instantReply(name string) string { return "Hi " + name + ", Lia here, I have your order open." }

// waitHeard waits until each customer has the agent's reply.
func waitHeard(t *testing.T, tg *telegramtest.Server, users []telegramtest.User) {
	t.Helper()
	for _, u := range users {
		reply := instantReply(u.FirstName)
		tg.Wait(t, u.FirstName+"'s agent reply", func([]telegramtest.Call) bool {
			return count(tg.Sent(u.ID), reply) > 0
		})
	}
}

// checkHeardInOrder checks that each customer heard, once each and in this
// order: that a person is coming, who joined, the agent's reply. Call it
// once the servers have stopped, so a late duplicate is counted too.
func checkHeardInOrder(t *testing.T, tg *telegramtest.Server, users []telegramtest.User) {
	t.Helper()
	for _, u := range users {
		reply := instantReply(u.FirstName)
		if sent := tg.Sent(u.ID); !inOrder(sent, handoffText, joinedText, reply) {
			t.Errorf("%s heard (want once each, in order: a person is coming, who joined, the reply):\n%s",
				u.FirstName, strings.Join(sent, "\n---\n"))
		}
	}
}

func instantCustomers(base int64) []telegramtest.User {
	names := []string{"Ada", "Bea", "Cai", "Dov", "Eun", "Fei"}
	users := make([]telegramtest.User, len(names))
	for i, n := range names {
		users[i] = telegramtest.User{ID: base + int64(i), FirstName: n, Lang: "en"}
	}
	return users
}

func firstNames(users []telegramtest.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.FirstName
	}
	return out
}

// An agent who answers the instant a card appears (here: before Baton has
// the card's ts back from Slack) reaches the customer only after the bot's
// "a person is coming": the turn that hands off sends it before the card
// is posted, and the reply that came before the card's thread was mapped
// waits for the mapping instead of being dropped. One `baton serve`, six
// customers asking for a person at once.
func TestInstantAgentReplyComesAfterTheHandoffMessage(t *testing.T) {
	tg := telegramtest.New(t)
	sl := slacktest.New(t)
	sl.AddUser(agentID, "Lia", "Lia Park")
	s, _ := serveWithSlack(t, tg, sl, pairChannel, map[string]string{
		"REDIS_URL": sessiontest.URL(t),
	})

	users := instantCustomers(9400)
	t.Cleanup(func() {
		// Checked even when a wait failed: a card post whose answer came
		// too late is posted again, and the agent answers only the first.
		for _, u := range users {
			if c := cardsOf(sl, pairChannel, u.FirstName); len(c) != 1 {
				t.Errorf("%d cards for %s's one handoff", len(c), u.FirstName)
			}
		}
	})
	wait := instantAgent(t, sl, pairChannel, users, func(u telegramtest.User) bool {
		return count(tg.Sent(u.ID), handoffText) > 0
	})
	for _, u := range users {
		tg.Push(u.Text("I want to talk to a person"))
	}
	wait()
	waitHeard(t, tg, users)
	s.stop(t)
	checkHeardInOrder(t, tg, users)
	for _, line := range strings.Split(s.log.String(), "\n") {
		if strings.Contains(line, `"level":"ERROR"`) {
			t.Errorf("error log: %s", line)
		}
	}
	if e := sl.APIErrors(); len(e) > 0 {
		t.Errorf("Slack refused calls: %v", e)
	}
}

// The same with two replicas sharing one Redis: each customer's request
// goes to one replica's webhook, Slack sends the agent's replies on the
// two connections in turn, so the reply is often handled by the replica
// that did not post the card.
func TestInstantAgentReplyComesAfterTheHandoffMessageTwoReplicas(t *testing.T) {
	p := startPair(t, nil)
	users := instantCustomers(9500)
	wait := instantAgent(t, p.sl, pairChannel, users, func(u telegramtest.User) bool {
		return count(p.tg.Sent(u.ID), handoffText) > 0
	})
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() { p.deliver(t, i%2, u.Text("I want to talk to a person")) })
	}
	wg.Wait()
	wait()
	waitHeard(t, p.tg, users)
	for _, r := range p.reps {
		r.kill(t) // nothing more can reach the customers
	}
	checkHeardInOrder(t, p.tg, users)
	for _, u := range users {
		if c := p.cards(u.FirstName); len(c) != 1 {
			t.Errorf("%d cards for %s's one handoff", len(c), u.FirstName)
		}
	}
	if errs := p.errors(); len(errs) > 0 {
		t.Errorf("error logs:\n%s", strings.Join(errs, "\n"))
	}
	if e := p.sl.APIErrors(); len(e) > 0 {
		t.Errorf("Slack refused calls: %v", e)
	}
}
