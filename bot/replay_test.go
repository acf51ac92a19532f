package bot_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
)

// An update met again after its turn was saved (the replica that handled
// it stopped before its replies went out, and another took it over) gets
// the turn's replies again, not a second turn: the question is in the
// history once and counted once, and the next update is a turn as usual.
func TestUpdateMetAgainGetsItsRepliesNotASecondTurn(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	ev := bot.Event{ID: "501", Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "How long does shipping take?",
		Customer: bot.Customer{Name: "Jane Doe"}}
	first, err := f.bot.Handle(ctx, ev)
	if err != nil || len(first) == 0 {
		t.Fatalf("Handle = %v, %v", first, err)
	}
	again, err := f.bot.Handle(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, first) {
		t.Errorf("met again: replies %q, want the turn's %q", again, first)
	}
	s := f.session(t, "c1")
	asked := 0
	for _, tr := range s.Turns {
		if tr.Role == "customer" {
			asked++
		}
	}
	if s.Messages != 1 || asked != 1 {
		t.Errorf("after the update was met again: %d messages, the question %d times in the history; want 1 and 1", s.Messages, asked)
	}
	next := ev
	next.ID, next.Text = "502", "Can I return a gift?"
	out, err := f.bot.Handle(ctx, next)
	if err != nil || len(out) == 0 || reflect.DeepEqual(out, first) {
		t.Fatalf("the next update: %q, %v; want its own answer", out, err)
	}
	if s := f.session(t, "c1"); s.Messages != 2 || s.Outbox == nil || s.Outbox.Key != "u:502" {
		t.Errorf("the next update: %d messages, outbox %+v", s.Messages, s.Outbox)
	}
}

// A handoff turn saved by a replica that stopped before the customer heard
// "a person is coming": the replica that meets the update again tells them
// (through the Sender, before the card, as the first time) and asks the
// desk for the card again. Met once more after that, nothing is said
// twice.
func TestHandoffMetAgainTellsTheCustomerOnce(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	ev := bot.Event{ID: "601", Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"}
	// The first replica saves the turn and stops before any reply goes
	// out: its Sender fails, and what Handle hands back is lost with it.
	f.out.failWith(errors.New("killed"))
	if _, err := f.bot.Handle(ctx, ev); err != nil {
		t.Fatal(err)
	}
	f.out.failWith(nil)
	if n := f.out.len(); n != 0 {
		t.Fatalf("%d messages delivered before the stop", n)
	}
	back, err := f.bot.Handle(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	told := f.out.texts()
	if len(told) != 1 || !strings.Contains(told[0], "5 minutes") || len(back) != 0 {
		t.Fatalf("met again: delivered %q, handed back %q; want the handoff message delivered once", told, back)
	}
	if n := len(f.desk.opened); n != 1 {
		t.Errorf("the desk was asked for the card %d times, want 1 (the first run handed it on and noted it)", n)
	}
	// Stopped again, after telling and before the update was marked
	// answered: nothing more to say.
	back, err = f.bot.Handle(ctx, ev)
	if err != nil || len(back) != 0 || f.out.len() != 1 {
		t.Errorf("met a third time: delivered %q, handed back %q, %v; want nothing more", f.out.texts(), back, err)
	}
	if s := f.session(t, "c1"); s.Messages != 1 || s.Mode != session.ModeWaiting {
		t.Errorf("%d messages, mode %s; want the one turn, waiting", s.Messages, s.Mode)
	}
}

// An agent's reply whose send fails after the "who joined" message went
// out is saved as sent; the agent sending it again delivers only what did
// not go out. The same for a long reply cut after its first part, and for
// a resolve whose survey failed after the closing went out.
func TestAgentActionsResumeFromTheFirstUnsentPart(t *testing.T) {
	down := errors.New("telegram: sendMessage: giving up after 5 attempts")
	lia := bot.Agent{ID: "U1", Name: "Lia Park"}
	ctx := context.Background()
	handedOff := func(t *testing.T, snd *scriptedSender) *fixture {
		t.Helper()
		f := newFixture(t, true)
		f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
		f.bot.Register("test", snd)
		return f
	}
	conv := bot.ConvID("test", "c1")

	t.Run("reply after joined", func(t *testing.T) {
		snd := &scriptedSender{failAt: 2, err: down}
		f := handedOff(t, snd)
		reply := "Hi Jane, I see your order left yesterday."
		if err := f.bot.AgentMessage(ctx, conv, lia, reply); err == nil {
			t.Fatal("AgentMessage with its reply undelivered: no error")
		}
		if err := f.bot.AgentMessage(ctx, conv, lia, reply); err != nil {
			t.Fatal(err)
		}
		got := texts(snd.delivered)
		if len(got) != 2 || !strings.Contains(got[0], "Lia") || got[1] != reply {
			t.Errorf("the customer read %q; want who joined, then the reply, once each", got)
		}
		if s := f.session(t, "c1"); s.Outbox != nil {
			t.Errorf("outbox left after everything went out: %+v", s.Outbox)
		}
	})
	t.Run("long reply cut after its first part", func(t *testing.T) {
		snd := &scriptedSender{failAt: 2, err: down, partly: true}
		f := handedOff(t, snd)
		reply := "Your parcel left our warehouse yesterday and is with the courier now."
		if err := f.bot.AgentMessage(ctx, conv, lia, reply); err == nil {
			t.Fatal("AgentMessage partly sent: no error")
		}
		if err := f.bot.AgentMessage(ctx, conv, lia, reply); err != nil {
			t.Fatal(err)
		}
		got := texts(snd.delivered)
		if len(got) != 3 || got[1]+got[2] != reply {
			t.Errorf("the customer read %q; want who joined, then the reply's two parts once each", got)
		}
	})
	t.Run("resolve with the survey undelivered", func(t *testing.T) {
		snd := &scriptedSender{failAt: 3, err: down}
		f := handedOff(t, snd)
		if err := f.bot.Claim(ctx, conv, lia); err != nil {
			t.Fatal(err)
		}
		if err := f.bot.Resolve(ctx, conv, lia); err == nil {
			t.Fatal("Resolve with the survey undelivered: no error")
		}
		if err := f.bot.Resolve(ctx, conv, lia); err != nil {
			t.Fatal(err)
		}
		got := snd.delivered
		if len(got) != 3 || len(got[2].Buttons) != 5 || strings.Contains(got[2].Text, got[1].Text) {
			t.Errorf("the customer read %q; want who joined, the closing and the survey (with its buttons) once each", texts(got))
		}
		if want := []string{"claimed", "resolved"}; !reflect.DeepEqual(f.desk.changes, want) {
			t.Errorf("desk changes %v, want %v", f.desk.changes, want)
		}
	})
}

// A check-in or a queue reminder cut after its first part is saved as
// sent; the timer's next claim sends only the rest, and what follows (the
// closing, the next reminder) comes as usual.
func TestTimersResumeFromTheFirstUnsentPart(t *testing.T) {
	down := errors.New("telegram: sendMessage: giving up after 5 attempts")
	ctx := context.Background()
	t.Run("check-in", func(t *testing.T) {
		snd := &scriptedSender{failAt: 1, err: down, partly: true}
		f := newFixture(t, false, bot.WithIdle(10*time.Minute, 30*time.Minute))
		f.say(t, "c1", "How long does shipping take?")
		f.bot.Register("test", snd)
		f.clock.Add(10 * time.Minute)
		if _, err := f.bot.FireTimers(ctx); err == nil {
			t.Fatal("a check-in cut after its first part: no error")
		}
		f.clock.Add(session.TimerLease)
		if n, err := f.bot.FireTimers(ctx); err != nil || n != 1 {
			t.Fatalf("the retry: fired %d, %v", n, err)
		}
		got := texts(snd.delivered)
		if len(got) != 2 || lastBot(f.session(t, "c1")).Kind != "nudge" || !strings.HasPrefix(lastBot(f.session(t, "c1")).Text, got[0]+got[1]) {
			t.Fatalf("the customer read %q; want the check-in's two parts once each", got)
		}
		f.clock.Add(20 * time.Minute)
		if n, err := f.bot.FireTimers(ctx); err != nil || n != 1 {
			t.Fatalf("close: fired %d, %v", n, err)
		}
		if got := texts(snd.delivered); len(got) != 3 || lastBot(f.session(t, "c1")).Kind != "closed" {
			t.Errorf("after the closing the customer read %q", got)
		}
	})
	t.Run("queue reminder", func(t *testing.T) {
		snd := &scriptedSender{failAt: 1, err: down, partly: true}
		f := newFixture(t, true, bot.WithUnclaimedReminder(3*time.Minute))
		f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
		f.bot.Register("test", snd)
		f.clock.Add(3 * time.Minute)
		if _, err := f.bot.FireTimers(ctx); err == nil {
			t.Fatal("a reminder cut after its first part: no error")
		}
		f.clock.Add(session.TimerLease)
		if n, err := f.bot.FireTimers(ctx); err != nil || n != 1 {
			t.Fatalf("the retry: fired %d, %v", n, err)
		}
		f.clock.Add(3 * time.Minute)
		if n, err := f.bot.FireTimers(ctx); err != nil || n != 1 {
			t.Fatalf("the next reminder: fired %d, %v", n, err)
		}
		got := texts(snd.delivered)
		if len(got) != 2 || !strings.HasPrefix(lastBot(f.session(t, "c1")).Text, got[0]+got[1]) {
			t.Errorf("the customer read %q; want the queue reminder's two parts once each, and nothing at the desk's second reminder", got)
		}
		reminders := 0
		for _, c := range f.desk.changes {
			if c == "reminder" {
				reminders++
			}
		}
		if reminders != 2 {
			t.Errorf("desk reminders %d, want 2 (one per firing, none for the resumed send)", reminders)
		}
	})
}

func texts(ms []bot.Message) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Text)
	}
	return s
}

// An agent action saved with part of its sends delivered says so by type
// (bot.ErrPartlyDelivered), whatever the send's own error: the desk tells
// the agent that part reached the customer and the same again sends the
// rest. Before, only the text said so, and a blocked or undeliverable cause
// read as a plain failure. An action nothing of which went out is not
// partly delivered.
func TestAgentActionPartlyDeliveredIsTyped(t *testing.T) {
	lia := bot.Agent{ID: "U1", Name: "Lia Park"}
	ctx := context.Background()
	conv := bot.ConvID("test", "c1")
	for _, c := range []struct {
		name   string
		snd    *scriptedSender
		claim  bool // claimed first (the joined message out of the way)
		partly bool
		cause  error
	}{
		{"reply after joined", &scriptedSender{failAt: 2, err: bot.ErrUndeliverable}, false, true, bot.ErrUndeliverable},
		{"reply cut after its first part", &scriptedSender{failAt: 2, err: bot.ErrUndeliverable, partly: true}, true, true, bot.ErrUndeliverable},
		{"reply not sent at all", &scriptedSender{failAt: 2, err: bot.ErrUndeliverable}, true, false, bot.ErrUndeliverable},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, true)
			f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
			f.bot.Register("test", c.snd)
			if c.claim {
				if err := f.bot.Claim(ctx, conv, lia); err != nil {
					t.Fatal(err)
				}
			}
			err := f.bot.AgentMessage(ctx, conv, lia, "Your parcel left our warehouse yesterday.")
			if err == nil {
				t.Fatal("AgentMessage with a failed send: no error")
			}
			if got := errors.Is(err, bot.ErrPartlyDelivered); got != c.partly {
				t.Errorf("errors.Is(%v, ErrPartlyDelivered) = %v, want %v", err, got, c.partly)
			}
			if !errors.Is(err, c.cause) {
				t.Errorf("error %v does not wrap its cause %v", err, c.cause)
			}
		})
	}
	t.Run("resolve with the survey undelivered", func(t *testing.T) {
		f := newFixture(t, true)
		f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
		f.bot.Register("test", &scriptedSender{failAt: 3, err: bot.ErrUndeliverable})
		if err := f.bot.Claim(ctx, conv, lia); err != nil {
			t.Fatal(err)
		}
		if err := f.bot.Resolve(ctx, conv, lia); !errors.Is(err, bot.ErrPartlyDelivered) {
			t.Errorf("Resolve with its survey undelivered: %v, want ErrPartlyDelivered", err)
		}
	})
}
