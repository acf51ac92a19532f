package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// Texts of prompts/messages/en.yaml the replica tests count.
const (
	handoffText  = "stay in this chat"
	nudgeText    = "Just checking in"
	queueText    = "You're still in line"
	joinedText   = "from our team is here now"
	resolvedText = "We're glad we could sort this out"
	ratingAsk    = "How did we do today?"
	ratingThanks = "Thank you for the rating!"
)

// questions are four questions of the shipped knowledge base, each with a
// phrase only its answer contains: the order a customer hears them in
// shows in the replies.
var questions = []struct{ q, marker string }{
	{"How long does shipping take?", "International express: 3-5"},
	{"What payment methods do you accept?", "You can pay with"},
	{"How much is shipping?", "express is $12.95"},
	{"How do I track my order?", "Track parcel"},
}

const (
	pairChannel = "C0HANDOFF"
	pairSecret  = "pair-secret"
	agentID     = "ULIA"
)

// pair is two `baton serve` processes sharing one Redis, each with its own
// webhook address (updates are spread over both, as a load balancer
// would), both connected to the fake Slack over Socket Mode.
type pair struct {
	bin   string
	tg    *telegramtest.Server
	sl    *slacktest.Server
	base  map[string]string
	addrs [2]string
	reps  [2]*process
	conn  [2]int // each replica's Socket Mode connection number
}

// startPair starts both replicas; extra adds to (or overrides) the
// environment. The replicas' Redis is REDIS_URL's (or a miniredis that
// follows the wall clock, so leases run out), under the test's prefix.
func startPair(t *testing.T, extra map[string]string) *pair {
	t.Helper()
	p := &pair{bin: batonBinary(t), tg: telegramtest.New(t), sl: slacktest.New(t)}
	patientWaits(t, p.sl) // a loaded machine runs two processes and the test
	p.sl.AddUser(agentID, "Lia", "Lia Park")
	p.sl.SpreadEvents(true)
	env := map[string]string{
		"REDIS_URL":               sessiontest.RealtimeURL(t),
		"SLACK_BOT_TOKEN":         slacktest.BotToken,
		"SLACK_APP_TOKEN":         slacktest.AppToken,
		"SLACK_API_URL":           p.sl.URL,
		"SLACK_HANDOFF_CHANNEL":   pairChannel,
		"TELEGRAM_WEBHOOK_SECRET": pairSecret,
		"TELEGRAM_FLOOD_LIMIT":    "0",
		"BATON_HEARTBEAT":         "1s", // a dead replica's leases and locks free in about 3 s
		"BATON_LOG_LEVEL":         "info",
	}
	if os.Getenv("BATON_TEST_LOGS") != "" {
		env["BATON_LOG_LEVEL"] = "debug" // printed when the test fails
	}
	for k, v := range extra {
		env[k] = v
	}
	p.base = testEnv(t, p.tg, env)
	p.addrs = [2]string{freeAddr(t), freeAddr(t)}
	t.Cleanup(func() {
		if t.Failed() && os.Getenv("BATON_TEST_LOGS") != "" {
			for i, r := range p.reps {
				t.Logf("replica %d log:\n%s", i+1, r.log.String())
			}
		}
	})
	for i := range p.reps {
		p.start(t, i)
	}
	return p
}

// start starts replica i (again) and waits for its Socket Mode connection.
func (p *pair) start(t *testing.T, i int) {
	t.Helper()
	env := map[string]string{}
	for k, v := range p.base {
		env[k] = v
	}
	env["BATON_ADDR"] = p.addrs[i]
	env["TELEGRAM_WEBHOOK_URL"] = "http://" + p.addrs[i] + "/telegram/webhook"
	before := p.sl.Connections()
	p.reps[i] = startProcess(t, p.bin, env)
	// The connection opened after this start is this replica's.
	p.sl.WaitFor(t, fmt.Sprintf("replica %d's socket mode connection", i+1), func() bool {
		return p.sl.Connections() > before
	})
	p.conn[i] = p.sl.Connections()
}

// deliver posts u to replica i's webhook; a 503 (the replica is not ready
// to persist it) is retried as Telegram would.
func (p *pair) deliver(t *testing.T, i int, u telegramtest.Update) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), serveWait)
	defer cancel()
	code, _, err := p.tg.DeliverTo(ctx, "http://"+p.addrs[i]+"/telegram/webhook", pairSecret, u)
	if err != nil || code != http.StatusOK {
		t.Errorf("webhook at replica %d: %d %v", i+1, code, err)
	}
}

// errors lists the replicas' error-level log records.
func (p *pair) errors() []string {
	var out []string
	for i, r := range p.reps {
		if r == nil {
			continue
		}
		for _, line := range strings.Split(r.log.String(), "\n") {
			if strings.Contains(line, `"level":"ERROR"`) {
				out = append(out, fmt.Sprintf("replica %d: %s", i+1, line))
			}
		}
	}
	return out
}

// has reports whether a log record with msg was written.
func (l *lines) has(msg string) bool {
	for _, line := range strings.Split(l.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			return true
		}
	}
	return false
}

// count is how many of texts contain sub.
func count(texts []string, sub string) int {
	n := 0
	for _, s := range texts {
		n += strings.Count(s, sub)
	}
	return n
}

// inOrder reports whether the markers appear in texts in this order, each
// exactly once.
func inOrder(texts []string, markers ...string) bool {
	all := strings.Join(texts, "\n")
	at := -1
	for _, m := range markers {
		if strings.Count(all, m) != 1 {
			return false
		}
		i := strings.Index(all, m)
		if i < at {
			return false
		}
		at = i
	}
	return true
}

// cards are the handoff cards posted in the channel that name the customer.
func (p *pair) cards(name string) []slacktest.Message { return cardsOf(p.sl, pairChannel, name) }

// cardsOf are the handoff cards in channel that name a customer.
func cardsOf(sl *slacktest.Server, channel, name string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range sl.Messages() {
		if m.TopLevel() && m.Blocks != nil && m.Channel == channel && strings.Contains(m.BlockText(), name) {
			out = append(out, m)
		}
	}
	return out
}

// threadTexts are the texts of a card's thread replies.
func (p *pair) threadTexts(ts string) []string {
	var out []string
	for _, m := range p.sl.Thread(ts) {
		out = append(out, m.Text)
	}
	return out
}

// ratingButton returns the callback data of the rating keyboard's n
// button sent to chat.
func (p *pair) ratingButton(t *testing.T, chat int64, n int) string {
	t.Helper()
	data := ratingData(p.tg.Calls("sendMessage"), chat, n)
	if data == "" {
		t.Fatalf("no rating keyboard sent to %d", chat)
	}
	return data
}

// ratingData is the callback data of the rating keyboard's n button in
// the calls sent to chat, or "".
func ratingData(calls []telegramtest.Call, chat int64, n int) string {
	for _, c := range calls {
		if c.ChatID() != chat || !strings.Contains(c.Params["reply_markup"], "inline_keyboard") {
			continue
		}
		var kb struct {
			Rows [][]struct {
				Data string `json:"callback_data"`
			} `json:"inline_keyboard"`
		}
		if err := json.Unmarshal([]byte(c.Params["reply_markup"]), &kb); err == nil && len(kb.Rows) > 0 && len(kb.Rows[0]) == 5 {
			return kb.Rows[0][n-1].Data
		}
	}
	return ""
}

// Two replicas, one Redis, one Slack app with a Socket Mode connection
// each. Updates are spread over both webhooks and Slack spreads its events
// over both connections (and delivers some twice, as its retries do):
//   - ten customers each ask four questions within a second, message k on
//     replica k%2: every answer arrives once, in order;
//   - four customers ask for a person: one card each; what they write
//     while waiting reaches the thread once, in order; the queue reminder
//     reaches each once;
//   - the agent's two quick replies reach the customer once each, in order,
//     after one "Lia joined"; !resolve closes once (one closing, one
//     rating question, one thread note); the rating lands once;
//   - the idle check-in reaches each of the ten once.
func TestTwoReplicasWithSlack(t *testing.T) {
	p := startPair(t, map[string]string{
		"BATON_IDLE_NUDGE":         "6s",
		"BATON_IDLE_CLOSE":         "1h",
		"BATON_UNCLAIMED_REMINDER": "1s",
	})
	askers := make([]telegramtest.User, 10)
	for i := range askers {
		askers[i] = telegramtest.User{ID: int64(9100 + i), FirstName: fmt.Sprintf("Asker%d", i), Lang: "en"}
	}
	names := []string{"Hana", "Ivan", "Jun", "Kai"}
	waiters := make([]telegramtest.User, len(names))
	for i, n := range names {
		waiters[i] = telegramtest.User{ID: int64(9200 + i), FirstName: n, Lang: "en"}
	}

	// Everyone at once; each customer's messages one after another (the
	// webhook answers once the update is stored), alternating replicas.
	var wg sync.WaitGroup
	for i, u := range askers {
		wg.Go(func() {
			for k, q := range questions {
				p.deliver(t, (i+k)%2, u.Text(q.q))
			}
		})
	}
	for i, u := range waiters {
		wg.Go(func() {
			p.deliver(t, i%2, u.Text(questions[0].q))
			p.deliver(t, (i+1)%2, u.Text("I want to talk to a person"))
			p.deliver(t, i%2, u.Text(fmt.Sprintf("my order is KS-20%04d", i)))
			p.deliver(t, (i+1)%2, u.Text(fmt.Sprintf("it is urgent, parcel %d", i)))
		})
	}
	wg.Wait()

	markers := make([]string, len(questions))
	for k, q := range questions {
		markers[k] = q.marker
	}
	for _, u := range askers {
		p.tg.Wait(t, u.FirstName+"'s four answers", func([]telegramtest.Call) bool {
			return count(p.tg.Sent(u.ID), questions[len(questions)-1].marker) > 0
		})
		if sent := p.tg.Sent(u.ID); !inOrder(sent, markers...) {
			t.Errorf("%s's answers are missing, doubled or out of order:\n%s", u.FirstName, strings.Join(sent, "\n---\n"))
		}
	}

	cards := map[string]slacktest.Message{}
	for i, u := range waiters {
		p.sl.WaitFor(t, u.FirstName+"'s card and messages in its thread", func() bool {
			c := p.cards(u.FirstName)
			return len(c) > 0 && count(p.threadTexts(c[0].TS), fmt.Sprintf("parcel %d", i)) > 0
		})
		c := p.cards(u.FirstName)
		cards[u.FirstName] = c[0]
		if th := p.threadTexts(c[0].TS); !inOrder(th, fmt.Sprintf("KS-20%04d", i), fmt.Sprintf("parcel %d", i)) {
			t.Errorf("%s's messages in the thread are missing, doubled or out of order:\n%s", u.FirstName, strings.Join(th, "\n"))
		}
		if n := count(p.tg.Sent(u.ID), handoffText); n != 1 {
			t.Errorf("%s was told of the handoff %d times", u.FirstName, n)
		}
	}
	for _, u := range waiters {
		p.tg.Wait(t, u.FirstName+"'s queue reminder", func([]telegramtest.Call) bool {
			return count(p.tg.Sent(u.ID), queueText) > 0
		})
	}

	// The agent answers in each thread: two replies in quick succession,
	// on the two connections in turn, each delivered a second time on the
	// other connection (Slack's retry after a late ack). The second is sent
	// once the first is acknowledged (kept in Redis), as a person's second
	// message comes after the first arrived: replica 2 must not relay it
	// before replica 1 relayed the first. (Two events sent on two
	// connections in the same microsecond have no order to keep.)
	for i, u := range waiters {
		card := cards[u.FirstName]
		r1 := fmt.Sprintf("Hi %s, Lia here, looking at order %d now.", u.FirstName, i)
		r2 := fmt.Sprintf("Found it: parcel %d leaves today.", i)
		e1 := p.sl.SendEventOn(t, p.conn[0], p.sl.AgentReply(pairChannel, card.TS, agentID, r1))
		p.sl.WaitAck(t, e1.Envelope)
		e2 := p.sl.SendEventOn(t, p.conn[1], p.sl.AgentReply(pairChannel, card.TS, agentID, r2))
		p.sl.RedeliverOn(t, p.conn[1], e1)
		p.sl.RedeliverOn(t, p.conn[0], e2)
		p.tg.Wait(t, u.FirstName+"'s agent replies", func([]telegramtest.Call) bool {
			return count(p.tg.Sent(u.ID), r2) > 0 && count(p.tg.Sent(u.ID), r1) > 0
		})
	}
	for i, u := range waiters {
		r1 := fmt.Sprintf("Hi %s, Lia here, looking at order %d now.", u.FirstName, i)
		r2 := fmt.Sprintf("Found it: parcel %d leaves today.", i)
		if sent := p.tg.Sent(u.ID); !inOrder(sent, joinedText, r1, r2) {
			t.Errorf("%s heard the agent wrongly (want one 'joined', then each reply once, in order):\n%s", u.FirstName, strings.Join(sent, "\n---\n"))
		}
	}

	// !resolve, delivered twice: one closing, one rating question.
	for _, u := range waiters {
		card := cards[u.FirstName]
		ev := p.sl.SendEvent(t, p.sl.AgentReply(pairChannel, card.TS, agentID, "!resolve"))
		p.sl.Redeliver(t, ev)
	}
	for _, u := range waiters {
		p.tg.Wait(t, u.FirstName+"'s rating question", func([]telegramtest.Call) bool {
			return count(p.tg.Sent(u.ID), ratingAsk) > 0
		})
		// Telegram delivers the press twice, once to each replica.
		press := u.Press(p.ratingButton(t, u.ID, 5), 1)
		p.deliver(t, 0, press)
		p.deliver(t, 1, press)
	}
	for _, u := range waiters {
		card := cards[u.FirstName]
		// The thread's "Resolved" is posted after the customer got the
		// rating question, so it may come after the rating: wait for both.
		p.sl.WaitFor(t, u.FirstName+"'s resolution and rating in the thread", func() bool {
			th := p.threadTexts(card.TS)
			return count(th, "5/5") > 0 && count(th, "Resolved") > 0
		})
		p.tg.Wait(t, u.FirstName+"'s thanks", func([]telegramtest.Call) bool {
			return count(p.tg.Sent(u.ID), ratingThanks) > 0
		})
	}

	// The askers fell silent after their answers: one check-in each.
	for _, u := range askers {
		p.tg.Wait(t, u.FirstName+"'s check-in", func([]telegramtest.Call) bool {
			return count(p.tg.Sent(u.ID), nudgeText) > 0
		})
	}

	// Everything is in; now count.
	for _, u := range askers {
		sent := p.tg.Sent(u.ID)
		if !inOrder(sent, append(markers, nudgeText)...) {
			t.Errorf("%s: want each answer once in order, then one check-in:\n%s", u.FirstName, strings.Join(sent, "\n---\n"))
		}
	}
	for _, u := range waiters {
		sent := p.tg.Sent(u.ID)
		for _, once := range []string{handoffText, queueText, joinedText, resolvedText, ratingAsk, ratingThanks} {
			if n := count(sent, once); n != 1 {
				t.Errorf("%s heard %q %d times, want once:\n%s", u.FirstName, once, n, strings.Join(sent, "\n---\n"))
			}
		}
		card := cards[u.FirstName]
		th := p.threadTexts(card.TS)
		for _, once := range []string{"Resolved", "5/5", "Lia* has the conversation"} {
			if n := count(th, once); n != 1 {
				t.Errorf("%s's thread has %q %d times, want once:\n%s", u.FirstName, once, n, strings.Join(th, "\n"))
			}
		}
	}
	for _, name := range names {
		if c := p.cards(name); len(c) != 1 {
			t.Errorf("%d cards for %s's one handoff", len(c), name)
		}
	}
	if errs := p.errors(); len(errs) > 0 {
		t.Errorf("error logs:\n%s", strings.Join(errs, "\n"))
	}
	if e := p.sl.APIErrors(); len(e) > 0 {
		t.Errorf("Slack refused calls: %v", e)
	}
}

// Kill -9 of a replica mid-handoff, twice over: two customers are waiting
// for an agent (their cards posted); replica 1 is killed while it is
// handling the agent's reply to Bohdan (it acknowledged the event to Slack and
// is looking up the agent's name), and before the agent answers Cyrille. The
// other replica relays both replies, once each, and resolve and rating
// work; nothing the customers or the agent wrote is lost.
func TestKill9ReplicaMidHandoff(t *testing.T) {
	p := startPair(t, nil)
	bo := telegramtest.User{ID: 9301, FirstName: "Bohdan", Lang: "en"}
	cy := telegramtest.User{ID: 9302, FirstName: "Cyrille", Lang: "en"}
	for i, u := range []telegramtest.User{bo, cy} {
		p.deliver(t, i%2, u.Text(questions[1].q))
		p.deliver(t, (i+1)%2, u.Text("I want to talk to a person"))
	}
	cards := map[string]slacktest.Message{}
	for _, u := range []telegramtest.User{bo, cy} {
		p.sl.WaitFor(t, u.FirstName+"'s card", func() bool { return len(p.cards(u.FirstName)) > 0 })
		cards[u.FirstName] = p.cards(u.FirstName)[0]
		p.tg.Wait(t, u.FirstName+" told of the handoff", func([]telegramtest.Call) bool {
			return count(p.tg.Sent(u.ID), handoffText) > 0
		})
	}

	// Replica 1 takes the agent's reply to Bohdan, acknowledges it, and is
	// caught looking up who Lia is.
	release := p.sl.Hold("users.info")
	replyBo := "Hi Bohdan, Lia here. Your refund went out this morning."
	ev := p.sl.SendEventOn(t, p.conn[0], p.sl.AgentReply(pairChannel, cards["Bohdan"].TS, agentID, replyBo))
	p.sl.WaitAck(t, ev.Envelope)
	p.sl.WaitFor(t, "replica 1 handling the reply", func() bool { return p.sl.Held("users.info") == 1 })
	p.reps[0].kill(t)
	release()

	// Only replica 2 is connected now: Slack sends everything there.
	p.deliver(t, 1, bo.Text("thank you, I will wait"))
	replyCy := "Hi Cyrille, Lia here. I'm checking your order now."
	p.sl.SendEvent(t, p.sl.AgentReply(pairChannel, cards["Cyrille"].TS, agentID, replyCy))
	for _, c := range []struct {
		u     telegramtest.User
		reply string
	}{{bo, replyBo}, {cy, replyCy}} {
		p.tg.Wait(t, c.u.FirstName+"'s agent reply", func([]telegramtest.Call) bool {
			return count(p.tg.Sent(c.u.ID), c.reply) > 0
		})
		card := cards[c.u.FirstName]
		p.sl.SendEvent(t, p.sl.AgentReply(pairChannel, card.TS, agentID, "!resolve"))
		p.tg.Wait(t, c.u.FirstName+"'s rating question", func([]telegramtest.Call) bool {
			return count(p.tg.Sent(c.u.ID), ratingAsk) > 0
		})
		p.deliver(t, 1, c.u.Press(p.ratingButton(t, c.u.ID, 4), 1))
		p.sl.WaitFor(t, c.u.FirstName+"'s resolution and rating in the thread", func() bool {
			th := p.threadTexts(card.TS)
			return count(th, "4/5") > 0 && count(th, "Resolved") > 0
		})
		p.tg.Wait(t, c.u.FirstName+"'s thanks", func([]telegramtest.Call) bool {
			return count(p.tg.Sent(c.u.ID), ratingThanks) > 0
		})
		sent := p.tg.Sent(c.u.ID)
		if !inOrder(sent, handoffText, joinedText, c.reply, resolvedText, ratingAsk, ratingThanks) {
			t.Errorf("%s heard (want each once, in this order: handoff, joined, reply, resolved, rating, thanks):\n%s",
				c.u.FirstName, strings.Join(sent, "\n---\n"))
		}
		if n := len(p.cards(c.u.FirstName)); n != 1 {
			t.Errorf("%d cards for %s's handoff", n, c.u.FirstName)
		}
		th := p.threadTexts(card.TS)
		for _, once := range []string{"Resolved", "4/5", "Lia* has the conversation"} {
			if n := count(th, once); n != 1 {
				t.Errorf("%s's thread has %q %d times, want once:\n%s", c.u.FirstName, once, n, strings.Join(th, "\n"))
			}
		}
	}
	if th := p.threadTexts(cards["Bohdan"].TS); count(th, "thank you, I will wait") != 1 {
		t.Errorf("Bo's message after the kill is not in the thread once:\n%s", strings.Join(th, "\n"))
	}
	if code, body := get(t, "http://"+p.addrs[1]+"/readyz"); code != http.StatusOK {
		t.Errorf("replica 2 /readyz: %d %s", code, body)
	}
	if errs := p.errors(); len(errs) > 0 {
		t.Errorf("error logs:\n%s", strings.Join(errs, "\n"))
	}
}
