package lifecycle_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
)

var (
	t0     = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	lia    = lifecycle.Agent{ID: "ULIA", Name: "Lia"}
	minjun = lifecycle.Agent{ID: "UMIN", Name: "Min-jun"}
)

func opened(t *testing.T) *session.Session {
	t.Helper()
	s := &session.Session{ID: "telegram:1", Lang: "en", Mode: session.ModeBot}
	st := lifecycle.OpenHandoff(s, "complaint", []string{"this is unacceptable"}, nil, "", true, t0, t0.Add(3*time.Minute))
	if lifecycle.Of(s) != lifecycle.StateWaiting || st.RemindAt != t0.Add(3*time.Minute) || len(st.Events) != 1 {
		t.Fatalf("open: state %q step %+v", lifecycle.Of(s), st)
	}
	if o, ok := st.Events[0].(lifecycle.Opened); !ok || o.Reason != "complaint" || o.Conv != "telegram:1" || o.Lang != "en" {
		t.Fatalf("open event %+v", st.Events[0])
	}
	return s
}

// names lists the events' types, for comparing.
func names(evs []lifecycle.Event) string {
	var out []string
	for _, e := range evs {
		out = append(out, strings.TrimPrefix(fmt.Sprintf("%T", e), "lifecycle."))
	}
	return strings.Join(out, ",")
}

func TestClaimReplyResolveRate(t *testing.T) {
	s := opened(t)
	st, err := lifecycle.Claim(s, lia, t0.Add(2*time.Minute))
	if err != nil || names(st.Events) != "Claimed" || !st.CancelRemind {
		t.Fatalf("claim: %+v %v", st, err)
	}
	if c := st.Events[0].(lifecycle.Claimed); !c.First || c.Wait != 2*time.Minute || c.Agent != lia {
		t.Errorf("claimed %+v", c)
	}
	// Claiming one's own again does nothing.
	if st, err := lifecycle.Claim(s, lia, t0.Add(3*time.Minute)); err != nil || len(st.Events) != 0 {
		t.Errorf("re-claim: %+v %v", st, err)
	}
	st = lifecycle.Reply(s, lia, t0.Add(4*time.Minute))
	if names(st.Events) != "AgentReplied" {
		t.Fatalf("reply: %s", names(st.Events))
	}
	if r := st.Events[0].(lifecycle.AgentReplied); !r.First || r.Since != 4*time.Minute {
		t.Errorf("first reply %+v", r)
	}
	if st := lifecycle.Reply(s, lia, t0.Add(5*time.Minute)); st.Events[0].(lifecycle.AgentReplied).First {
		t.Errorf("second reply counted as first")
	}
	// A take-over by another agent.
	st, _ = lifecycle.Claim(s, minjun, t0.Add(6*time.Minute))
	if c := st.Events[0].(lifecycle.Claimed); c.First || c.Before != "Lia" {
		t.Errorf("take-over %+v", c)
	}
	st, err = lifecycle.Resolve(s, minjun, t0.Add(10*time.Minute))
	if err != nil || lifecycle.Of(s) != lifecycle.StateResolved || !s.AwaitingRating {
		t.Fatalf("resolve: %v state %s", err, lifecycle.Of(s))
	}
	if r := st.Events[0].(lifecycle.Resolved); r.Took != 10*time.Minute || r.Agent != minjun {
		t.Errorf("resolved %+v", r)
	}
	if _, err := lifecycle.Resolve(s, minjun, t0); !errors.Is(err, lifecycle.ErrNotOpen) {
		t.Errorf("resolving twice: %v", err)
	}
	if r := lifecycle.Rate(s, 4, t0.Add(11*time.Minute)); r.Who != "agent" || r.Agent != minjun || s.Handoff.Rating != 4 {
		t.Errorf("rated %+v", r)
	}
	// A second rating rates the bot, not the agent again.
	if r := lifecycle.Rate(s, 2, t0.Add(12*time.Minute)); r.Who != "bot" || s.Handoff.Rating != 4 {
		t.Errorf("second rating %+v, handoff rating %d", r, s.Handoff.Rating)
	}
}

func TestReplyClaimsWaitingAndReopensClosed(t *testing.T) {
	s := opened(t)
	st := lifecycle.Reply(s, lia, t0.Add(time.Minute))
	if names(st.Events) != "Claimed,AgentReplied" || lifecycle.Of(s) != lifecycle.StateClaimed {
		t.Fatalf("reply to waiting: %s, %s", names(st.Events), lifecycle.Of(s))
	}
	if _, err := lifecycle.Return(s, lia, t0.Add(2*time.Minute)); err != nil || lifecycle.Of(s) != lifecycle.StateReturned {
		t.Fatalf("return: %v %s", err, lifecycle.Of(s))
	}
	st = lifecycle.Reply(s, lia, t0.Add(3*time.Minute))
	if names(st.Events) != "Claimed,AgentReplied" || lifecycle.Of(s) != lifecycle.StateClaimed {
		t.Errorf("follow-up after return: %s, %s", names(st.Events), lifecycle.Of(s))
	}
	// An agent writing into a conversation never handed off opens one.
	fresh := &session.Session{ID: "telegram:2", Mode: session.ModeBot}
	st = lifecycle.Reply(fresh, lia, t0)
	if names(st.Events) != "Claimed,AgentReplied" || fresh.Handoff.Reason != "agent" {
		t.Errorf("reply to a bot conversation: %s %+v", names(st.Events), fresh.Handoff)
	}
}

func TestClaimNeedsAHandoff(t *testing.T) {
	s := &session.Session{ID: "telegram:3", Mode: session.ModeBot}
	if _, err := lifecycle.Claim(s, lia, t0); !errors.Is(err, lifecycle.ErrWithBot) {
		t.Errorf("claim with the bot: %v", err)
	}
	if _, err := lifecycle.Return(s, lia, t0); !errors.Is(err, lifecycle.ErrNotOpen) {
		t.Errorf("return with the bot: %v", err)
	}
}

func TestRemindersStopWhenClaimedAndAtTheCap(t *testing.T) {
	s := opened(t)
	for i := 1; i <= lifecycle.MaxReminders; i++ {
		ev, again, ok := lifecycle.Remind(s, t0.Add(time.Duration(i)*3*time.Minute))
		if !ok || ev.N != i || again != (i < lifecycle.MaxReminders) {
			t.Fatalf("reminder %d: %+v again %v ok %v", i, ev, again, ok)
		}
	}
	s = opened(t)
	lifecycle.Claim(s, lia, t0.Add(time.Minute))
	if _, _, ok := lifecycle.Remind(s, t0.Add(3*time.Minute)); ok {
		t.Errorf("reminded a claimed handoff")
	}
}

func TestTransferKeepsTheStory(t *testing.T) {
	s := opened(t)
	s.Turns = []session.Turn{{Role: "customer", Text: "I was charged twice"}}
	lifecycle.Claim(s, lia, t0.Add(time.Minute))
	st, err := lifecycle.Transfer(s, "payments", lia, t0.Add(2*time.Minute), t0.Add(5*time.Minute))
	if err != nil || names(st.Events) != "Transferred" || st.RemindAt != t0.Add(5*time.Minute) {
		t.Fatalf("transfer: %+v %v", st, err)
	}
	if tr := st.Events[0].(lifecycle.Transferred); tr.From != "" || tr.To != "payments" || tr.Before != "Lia" || tr.Team != "" {
		t.Errorf("transferred %+v", tr)
	}
	h := s.Handoff
	if lifecycle.Of(s) != lifecycle.StateWaiting || h.Team != "payments" || h.Agent != "" || h.Reason != "complaint" ||
		len(h.Transfers) != 1 || h.Transfers[0].Agent != "Lia" || len(s.Turns) != 1 || !h.At.Equal(t0) {
		t.Errorf("after transfer: state %s handoff %+v", lifecycle.Of(s), h)
	}
	if _, err := lifecycle.Transfer(s, "payments", lia, t0, t0); err == nil {
		t.Errorf("transfer to the team that has it")
	}
	st, _ = lifecycle.Claim(s, minjun, t0.Add(4*time.Minute))
	if c := st.Events[0].(lifecycle.Claimed); c.First || c.Team != "payments" {
		t.Errorf("claim by the new team: %+v", c)
	}
}

func TestNoDeskRecordsAndCloses(t *testing.T) {
	s := &session.Session{ID: "telegram:4", Mode: session.ModeBot}
	st := lifecycle.OpenHandoff(s, "explicit", nil, nil, "", false, t0, t0)
	if o := st.Events[0].(lifecycle.Opened); !o.NoDesk || !st.RemindAt.IsZero() || lifecycle.Of(s) != lifecycle.StateClosed {
		t.Errorf("no desk: %+v state %s", st, lifecycle.Of(s))
	}
}
