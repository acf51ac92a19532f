package bot_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/batonhq/baton/bot"
)

// scriptedSender delivers every message except on its failAt-th Send call
// (1-based), which fails with err; with partly set, that call delivers the
// first half of the message's text and says so (*bot.PartlySentError with
// the rest), as a Sender that splits long messages does when a later part
// fails.
type scriptedSender struct {
	mu        sync.Mutex
	calls     int
	failAt    int
	err       error
	partly    bool
	delivered []bot.Message
}

func (s *scriptedSender) Send(_ context.Context, _ string, m bot.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls != s.failAt {
		s.delivered = append(s.delivered, m)
		return nil
	}
	if !s.partly {
		return s.err
	}
	half := len(m.Text) / 2
	s.delivered = append(s.delivered, bot.Message{Text: m.Text[:half]})
	return &bot.PartlySentError{Rest: bot.Message{Text: m.Text[half:], Buttons: m.Buttons}, Err: s.err}
}

// openHandoff has the customer of chat c1 ask for a person (a turn that
// posts a card, so the core sends its replies itself) and returns what the
// Sender delivered and what Handle handed back to the adapter.
func openHandoff(t *testing.T, snd bot.Sender) (delivered, handedBack []bot.Message) {
	t.Helper()
	f := newFixture(t, true)
	f.bot.Register("test", snd) // replaces the fixture's outbox
	if _, err := f.bot.Handle(context.Background(), bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "Where is my order?"}); err != nil {
		t.Fatal(err)
	}
	if s, ok := snd.(*scriptedSender); ok {
		s.mu.Lock()
		s.delivered, s.calls = nil, 0 // the first turn opens no card: nothing went through the Sender
		s.mu.Unlock()
	}
	out, err := f.bot.Handle(context.Background(), bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if len(f.desk.opened) != 1 {
		t.Fatalf("%d cards posted, want 1 (the card goes up whatever the send did)", len(f.desk.opened))
	}
	if s, ok := snd.(*scriptedSender); ok {
		s.mu.Lock()
		defer s.mu.Unlock()
		delivered = s.delivered
	}
	return delivered, out
}

// TestAnnounceHandsBackOnlyWhatWasNotRead: when a handoff turn's reply
// fails to send, the adapter gets back exactly what the customer has not
// read: nothing lost (never a silent handoff) and nothing twice (a part of
// a split message the Sender delivered is not handed back).
func TestAnnounceHandsBackOnlyWhatWasNotRead(t *testing.T) {
	// What the customer reads when every send works.
	healthy := &scriptedSender{}
	want, back := openHandoff(t, healthy)
	if len(want) == 0 || len(back) != 0 {
		t.Fatalf("healthy Sender: delivered %d, handed back %v; want the replies delivered and none handed back", len(want), back)
	}
	texts := func(ms []bot.Message) []string {
		var s []string
		for _, m := range ms {
			s = append(s, m.Text)
		}
		return s
	}
	down := errors.New("telegram: sendMessage: giving up after 5 attempts")

	same := func(a, b []bot.Message) bool { return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b) }
	// The handoff turn says one message today; the loops cover any number.
	for failAt := 1; failAt <= len(want); failAt++ {
		i := failAt - 1
		t.Run(fmt.Sprintf("message %d not sent", failAt), func(t *testing.T) {
			delivered, back := openHandoff(t, &scriptedSender{failAt: failAt, err: down})
			if !same(delivered, want[:i]) || !same(back, want[i:]) {
				t.Errorf("delivered %q, handed back %q; want %q then %q", texts(delivered), texts(back), texts(want[:i]), texts(want[i:]))
			}
		})
		t.Run(fmt.Sprintf("message %d partly sent", failAt), func(t *testing.T) {
			delivered, back := openHandoff(t, &scriptedSender{failAt: failAt, err: down, partly: true})
			if len(delivered) != failAt || len(back) != len(want)-i {
				t.Fatalf("delivered %q, handed back %q; want %d delivered (the last one half) and %d handed back", texts(delivered), texts(back), failAt, len(want)-i)
			}
			if !same(delivered[:i], want[:i]) || !same(back[1:], want[i+1:]) {
				t.Errorf("delivered %q, handed back %q; want the messages around the failed one once each", texts(delivered), texts(back))
			}
			if got := delivered[i].Text + back[0].Text; got != want[i].Text || !reflect.DeepEqual(back[0].Buttons, want[i].Buttons) {
				t.Errorf("failed message: delivered %q + handed back %q (buttons %v); want %q once (buttons %v)", delivered[i].Text, back[0].Text, back[0].Buttons, want[i].Text, want[i].Buttons)
			}
		})
	}
	t.Run("blocked", func(t *testing.T) {
		delivered, back := openHandoff(t, &scriptedSender{failAt: 1, err: fmt.Errorf("telegram: %w", bot.ErrBlocked)})
		if len(delivered) != 0 || len(back) != 0 {
			t.Errorf("blocked: delivered %q, handed back %q; want nothing (nobody can reach them)", texts(delivered), texts(back))
		}
	})
	t.Run("no sender", func(t *testing.T) {
		f := newFixture(t, true)
		f.say(t, "c1", "Where is my order?")
		out, err := bot.New(f.store, contents(t), bot.WithClock(f.clock.Now), bot.WithDesk(f.desk)).
			Handle(context.Background(), bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
		if err != nil || !reflect.DeepEqual(out, want) {
			t.Errorf("without a Sender Handle returned %q, %v; want all of %q", texts(out), err, texts(want))
		}
	})
}
