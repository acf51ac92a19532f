package bot_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/session"
)

// modelStub is an answerer standing in for a language model: it answers
// confidently and reports the signals it is given, counting its calls.
type modelStub struct {
	signals bot.Signals
	calls   atomic.Int32
}

func (m *modelStub) Answer(_ context.Context, q bot.Question) (bot.Answer, error) {
	m.calls.Add(1)
	return bot.Answer{Text: "Here is what the model says about that.", Confident: true, Signals: m.signals}, nil
}

// In LLM mode the same detectors run before the model, and the model's
// signals only add to them.
func TestModelSignalsOnlyAddToTheDetectors(t *testing.T) {
	m := &modelStub{}
	f := newFixture(t, true, bot.WithAnswerer(m))
	f.say(t, "c1", "is there anyone real I can talk to?")
	if s := f.session(t, "c1"); s.Handoff == nil || s.Handoff.Reason != "explicit" {
		t.Fatalf("an indirect request with a model that says nothing: handoff %+v", s.Handoff)
	}
	if n := m.calls.Load(); n != 0 {
		t.Errorf("the model was asked %d times about a message the detectors hand off", n)
	}

	// A message no detector catches: the model's anger adds a handoff.
	angry := &modelStub{signals: bot.Signals{Angry: true}}
	g := newFixture(t, true, bot.WithAnswerer(angry))
	g.say(t, "c2", "hmm, let's see about that one")
	s := g.session(t, "c2")
	if s.Handoff == nil || s.Handoff.Reason != "complaint" || !strings.Contains(strings.Join(s.Handoff.Evidence, " "), "model") {
		t.Errorf("model's anger: handoff %+v, want complaint on the model's evidence", s.Handoff)
	}
}

// A press of "Talk to a person" hands off with the misses as evidence;
// the misses alone never do.
func TestMissesOfferAPersonAndAPressHandsOff(t *testing.T) {
	f := newFixture(t, true)
	for i, q := range []string{"what's the capital of Peru?", "how tall is the Eiffel tower?", "who won the 1998 world cup?"} {
		msgs, err := f.bot.Handle(context.Background(), bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: q})
		if err != nil {
			t.Fatal(err)
		}
		last := msgs[len(msgs)-1]
		var person *bot.Button
		for j := range last.Buttons {
			if last.Buttons[j].Kind == bot.KindPerson {
				person = &last.Buttons[j]
			}
		}
		if person == nil || person.Label != "Talk to a person" {
			t.Fatalf("miss %d: buttons %+v, want a Talk to a person button", i+1, last.Buttons)
		}
		inWords := strings.Contains(last.Text, "Talk to a person")
		if inWords != (i == 2) {
			t.Errorf("miss %d: offered in words %v, want only after the third", i+1, inWords)
		}
		if s := f.session(t, "c1"); s.Handoff != nil {
			t.Fatalf("miss %d handed off: %+v", i+1, s.Handoff)
		}
	}
	f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindPerson, Text: "offer"})
	s := f.session(t, "c1")
	if s.Handoff == nil || s.Handoff.Reason != "explicit" || !strings.Contains(s.Handoff.Evidence[0], "after 3 unsure answers") {
		t.Fatalf("after the press: handoff %+v", s.Handoff)
	}
	if s.Mode != session.ModeWaiting {
		t.Errorf("mode %s after the press", s.Mode)
	}
	// Pressing again while waiting is not a second handoff.
	if reply := f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindPerson, Text: "offer"}); !strings.Contains(reply, "already") {
		t.Errorf("second press: %q", reply)
	}
}

// Greetings follow the shop's time zone, and mirror the time of day the
// customer's own greeting names.
func TestGreetingTimeOfDay(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	// 10:00 UTC is 19:00 in Seoul.
	f := newFixture(t, false, bot.WithLocation(seoul))
	if reply := f.say(t, "c1", "hi"); !strings.Contains(reply, "evening") {
		t.Errorf("hi at 19:00 shop time: %q", reply)
	}
	if reply := f.say(t, "c2", "good afternoon!"); !strings.Contains(reply, "afternoon") || strings.Contains(reply, "evening") {
		t.Errorf("good afternoon at 19:00: %q, want the customer's afternoon mirrored", reply)
	}
	if reply := f.say(t, "c3", "👋"); !strings.Contains(reply, "Mia") {
		t.Errorf("wave: %q, want a greeting", reply)
	}
}
