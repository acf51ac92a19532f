package slack

import (
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
)

// brokenTeam routes team "broken" to a channel Slack refuses
// (channel_not_found) until fixed.
type brokenTeam struct{ fixed *bool }

func (b brokenTeam) Channel(team string) string {
	if team == "broken" && !*b.fixed {
		return "XBROKEN"
	}
	return ""
}
func (brokenTeam) IDs() []string { return []string{"broken"} }

// gauge reads one of the desk's metrics (a counter or a gauge).
func (f *fixture) metric(t *testing.T, name string) float64 {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			return value(m)
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

func value(m *dto.Metric) float64 {
	if c := m.GetCounter(); c != nil {
		return c.GetValue()
	}
	return m.GetGauge().GetValue()
}

// A card Slack refuses for good is tried again on the customer's messages
// only after a backoff (one minute, doubling), not on every message with
// an error each time; what the customer writes meanwhile reaches the
// agents in the channel (it did not: the failed card post returned before
// the relay); each refusal is counted and the handoff shows in the
// cards-failed gauge until its card is up.
func TestRefusedCardRetriedOnItsBackoffNotOnEveryMessage(t *testing.T) {
	clk := &clock{t: time.Now()}
	fixed := false
	f := newFixture(t, fixtureOpt{opts: []Option{WithClock(clk.Now), WithTeams(func() Teams { return brokenTeam{&fixed} })}})
	ctx := t.Context()
	s := f.handedOff(t, "72", "Jane")
	s, err := f.store.Update(ctx, s.ID, func(s *session.Session) error {
		s.Handoff.Team = "broken"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	refusals := func() int {
		n := 0
		for _, e := range f.srv.APIErrors() {
			if strings.HasPrefix(e, "channel_not_found: XBROKEN") {
				n++
			}
		}
		return n
	}
	if _, err := f.desk.Open(ctx, s); err == nil {
		t.Fatal("Open of a card Slack refuses returned no error")
	}
	write := func(text string) error {
		return f.desk.Render(ctx, s, lifecycle.CustomerWroteWhileWaiting{Kind: "text", Text: text})
	}
	for i := range 5 {
		clk.Add(10 * time.Second)
		if err := write("message " + string(rune('1'+i))); err != nil {
			t.Errorf("message %d inside the backoff: %v", i+1, err)
		}
	}
	if n := refusals(); n != 1 {
		t.Errorf("card tried %d times within its first minute of backoff, want 1", n)
	}
	var relayed int
	for _, m := range f.srv.Messages() {
		if m.Channel == testChannel && strings.Contains(m.Text, "no handoff card for") && strings.Contains(m.Text, "message ") {
			relayed++
		}
	}
	if relayed != 5 {
		t.Errorf("%d of the customer's 5 messages reached the channel, want 5", relayed)
	}
	if v := f.metric(t, "baton_desk_card_refused_total"); v != 1 {
		t.Errorf("card_refused_total = %v, want 1", v)
	}
	if v := f.metric(t, "baton_desk_cards_failed"); v != 1 {
		t.Errorf("cards_failed = %v, want 1", v)
	}

	// Past the minute: one more try, refused; the next waits two minutes.
	clk.Add(cardRetryMin)
	if err := write("after a minute"); err == nil {
		t.Error("the retry of a refused card returned no error")
	}
	clk.Add(cardRetryMin)
	if err := write("a minute later"); err != nil {
		t.Errorf("inside the doubled backoff: %v", err)
	}
	if n := refusals(); n != 2 {
		t.Errorf("card tried %d times, want 2", n)
	}

	// The channel fixed: the next try after the backoff posts the card.
	fixed = true
	clk.Add(cardRetryMin)
	if err := write("fixed?"); err != nil {
		t.Fatal(err)
	}
	if n := f.cards("Jane"); n != 1 {
		t.Errorf("%d cards once the channel works, want 1", n)
	}
	if v := f.metric(t, "baton_desk_cards_failed"); v != 0 {
		t.Errorf("cards_failed = %v once the card is up, want 0", v)
	}
	if v := f.metric(t, "baton_desk_card_refused_total"); v != 2 {
		t.Errorf("card_refused_total = %v, want 2", v)
	}
}
