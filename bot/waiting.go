package bot

import (
	"strings"
	"time"

	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/session"
)

// Kinds of the bot's turns while a handoff is open (see whileWaiting).
const (
	kindWaitAck   = "wait_ack"  // "you're in line, about 4 minutes": a wait question or "hello?" answered
	kindWithdrawn = "withdrawn" // the customer called the handoff off; the bot helps again
)

// waitAckEvery is how often, at most, a handoff's customer hears the
// short "you're in line" answer to a wait question or a "hello?": a second
// "how much longer??" right after the first learns nothing new from it,
// and their message still reaches the team (relayed like every other).
const waitAckEvery = 3 * time.Minute

// whileWaiting answers what the customer writes while a handoff is open,
// after relay passed it on to the agents (QA walk 2026-12-06 09:05, item
// 4: handoffs are never silent). What a customer who is kept waiting
// expects:
//
//   - "never mind, I figured it out", "算了不用了", "괜찮아요 해결됐어요"
//     before any agent wrote to them: the handoff ends (the agents are told
//     in its thread), a kind word, and the bot answers normally again.
//   - "how much longer??", "hello? anyone there?", "还要等多久", "언제
//     와요?", or asking for a person again: one short answer with who is
//     coming and roughly when (the rest of the wait the handoff message
//     gave), at most once per waitAckEvery; an agent who claimed the
//     conversation and has been quiet that long is named.
//   - a question the help pages answer confidently, while nobody from the
//     team has the conversation yet: the answer now, said to come while
//     they wait; the person still comes, and sees the question relayed.
//     Not an answer the bot already gave in this conversation (that is
//     what the person is coming about), and never once an agent has the
//     conversation: the bot does not talk over a person.
//
// Anything else stays with the agents, relayed, as before.
func (t *turn) whileWaiting(text string) {
	s := t.s
	// "해결됐어요?", "found it?": asking whether it is solved is not
	// calling the handoff off; only a statement withdraws.
	if lifecycle.Withdrawable(s) && !strings.ContainsAny(text, "?？") && t.set.Persona.OnlyIn(t.words(text), "withdraw", "thanks", "bye") {
		t.withdraw(text)
		return
	}
	if t.agentSpokeWithin(waitAckEvery) {
		return // a person is talking with them now
	}
	if t.asksAfterPerson(text) {
		if !t.ackedWithin(waitAckEvery) {
			t.waitAck()
		}
		return
	}
	if lifecycle.Of(s) == lifecycle.StateWaiting {
		t.answerWhileWaiting(text)
	}
}

// withdraw ends the handoff the customer no longer needs.
func (t *turn) withdraw(text string) {
	st, err := lifecycle.Withdraw(t.s, truncateRunes(text, maxTurnRunes), t.b.now())
	if err != nil {
		return // not withdrawable: checked just before, under the same lock
	}
	t.s.Misses = 0
	t.say("handoff_withdrawn", kindWithdrawn, persona.Data{})
	t.b.step(t.ctx, t.s, st)
	t.events = append(t.events, st.Events...)
}

// asksAfterPerson reports whether text asks about the wait or checks that
// someone is there: smalltalk.yaml's waiting phrases, a greeting or
// question marks alone ("hello??", "???"), or a request for a person or a
// complaint again ("agent!!", "this is ridiculous"), which a person is
// already coming for.
func (t *turn) asksAfterPerson(text string) bool {
	p := t.set.Persona
	if p.Only(text, "waiting") {
		return true
	}
	if k, rest := p.Smalltalk(text); (persona.IsGreeting(k) || k == "ping") && !hasWords(rest) {
		return true
	}
	d := t.set.Rules.DetectContext(t.ctx, handoff.Input{Text: text, Lang: t.lang})
	return d.Handoff && (d.Reason == handoff.Explicit || d.Reason == handoff.Complaint)
}

// waitAck tells the customer who is coming and roughly when.
func (t *turn) waitAck() {
	h := t.s.Handoff
	now := t.b.now()
	d := persona.Data{}
	key := "wait_ack"
	switch hours := t.b.hours; {
	case lifecycle.Of(t.s) == lifecycle.StateClaimed:
		key, d.Agent = "wait_ack_agent", firstName(h.Agent)
	case hours != nil && !hours.Open(now):
		key, d.Back = "wait_ack_offhours", phraseWhen(t.lang, now.In(t.b.loc), hours.NextOpen(now).In(t.b.loc))
	default:
		// The usual wait, as the handoff message said it, less what has
		// passed since: once that is gone, honestly late.
		left := t.b.typicalWait(t.ctx) - now.Sub(h.At)
		if left < time.Minute {
			key = "wait_ack_late"
		} else {
			d.Wait = phraseWait(t.lang, left)
		}
	}
	t.say(key, kindWaitAck, d)
}

// answerWhileWaiting answers a question the help pages answer confidently,
// unless this conversation had that answer already.
func (t *turn) answerWhileWaiting(text string) {
	m := t.match(text)
	if len(m) == 0 || !m[0].Confident || t.answeredEntry(m[0].ID) {
		return
	}
	q := Question{Text: text, Lang: t.lang, History: t.history(), Customer: firstName(t.s.Name), Seed: t.s.Messages,
		Candidates: []knowledge.Match{m[0]}}
	ans, err := t.b.answerer.Answer(t.ctx, q)
	if err != nil || ans.Text == "" || !ans.Confident || ans.OfferPerson {
		return // the person who is coming answers it
	}
	t.emit(join(t.render("wait_answer_lead", persona.Data{}), ans.Text), kindAnswer, ans.Entry, m[0].Score)
	t.s.Turns[len(t.s.Turns)-1].Tips = ans.Tips
	t.emitEvent(lifecycle.Answered{Base: t.base(), Entry: ans.Entry})
}

// answeredEntry reports whether the bot answered from entry in this
// conversation (a complaint's handoff tells its answer too).
func (t *turn) answeredEntry(entry string) bool {
	for _, tr := range sinceClose(t.s.Turns, len(t.s.Turns)) {
		if tr.Role == "bot" && tr.Entry == entry {
			return true
		}
	}
	return false
}

// agentSpokeWithin reports whether an agent wrote to the customer in the
// last d.
func (t *turn) agentSpokeWithin(d time.Duration) bool {
	return t.spokeWithin(d, func(tr session.Turn) bool { return tr.Role == "agent" })
}

// ackedWithin reports whether the customer heard, in the last d, that
// they are in line: the answer to a wait question, or the queue reminder.
func (t *turn) ackedWithin(d time.Duration) bool {
	return t.spokeWithin(d, func(tr session.Turn) bool {
		return tr.Role == "bot" && (tr.Kind == kindWaitAck || tr.Kind == kindQueue)
	})
}

// spokeWithin reports whether a turn of this handoff that is is said in
// the last d.
func (t *turn) spokeWithin(d time.Duration, is func(session.Turn) bool) bool {
	since := t.b.now().Add(-d)
	if h := t.s.Handoff; h != nil && h.At.After(since) {
		since = h.At
	}
	for i := len(t.s.Turns) - 1; i >= 0; i-- {
		tr := t.s.Turns[i]
		if tr.At.Before(since) {
			return false
		}
		if is(tr) {
			return true
		}
	}
	return false
}
