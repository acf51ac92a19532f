package console_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/batonhq/baton/adapters/console"
	"github.com/batonhq/baton/bot"
)

// recorder answers every event by echoing what it saw.
type recorder struct{ events []bot.Event }

func (r *recorder) Handle(_ context.Context, ev bot.Event) ([]bot.Message, error) {
	r.events = append(r.events, ev)
	m := bot.Message{Text: string(ev.Kind) + ":" + ev.Text + "\nsecond line"}
	if ev.Text == "rate" {
		m.Buttons = []bot.Button{{Label: "1", Kind: bot.KindRating, Value: "1"}, {Label: "2", Kind: bot.KindRating, Value: "2"}}
	}
	return []bot.Message{m}, nil
}

func TestConsoleTurnsLinesIntoEvents(t *testing.T) {
	in := strings.NewReader("hello there\n/start\n/HUMAN\nrate\n/quit\nnever read\n")
	var out bytes.Buffer
	c := console.New(in, &out, console.WithBotName("Mia"), console.WithLanguage("ko"))
	r := &recorder{}
	if err := c.Run(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind bot.Kind
		text string
	}{{bot.KindText, "hello there"}, {bot.KindCommand, "start"}, {bot.KindCommand, "human"}, {bot.KindText, "rate"}}
	if len(r.events) != len(want) {
		t.Fatalf("events %+v", r.events)
	}
	for i, w := range want {
		ev := r.events[i]
		if ev.Kind != w.kind || ev.Text != w.text || ev.Channel != "console" || ev.Customer.Lang != "ko" {
			t.Errorf("event %d = %+v, want %s %q", i, ev, w.kind, w.text)
		}
	}
	got := out.String()
	for _, s := range []string{"Mia: text:hello there\n   second line\n", "Mia: command:start", "[1] [2]"} {
		if !strings.Contains(got, s) {
			t.Errorf("output lacks %q:\n%s", s, got)
		}
	}
}

func TestConsoleSendPrintsPushedMessages(t *testing.T) {
	var out bytes.Buffer
	c := console.New(strings.NewReader(""), &out, console.WithBotName("Mia"))
	if err := c.Send(context.Background(), console.ChatID, bot.Message{Text: "Still there?"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Mia: Still there?") {
		t.Fatalf("output %q", out.String())
	}
}

// A check-in of an earlier run's conversation (its timer in the same
// Redis) is not printed in this run's terminal.
func TestConsoleSendShowsOnlyItsConversation(t *testing.T) {
	var out bytes.Buffer
	c := console.New(strings.NewReader(""), &out, console.WithBotName("Mia"), console.WithChatID("run-2"))
	for _, chat := range []string{"run-1", "run-2"} {
		if err := c.Send(context.Background(), chat, bot.Message{Text: "Still there, " + chat + "?"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := out.String(); got != "Mia: Still there, run-2?\n\n" {
		t.Fatalf("output %q, want run-2's check-in only", got)
	}
}

func TestConsoleNumberPressesAButton(t *testing.T) {
	in := strings.NewReader("topics\n2\n2\n")
	var out bytes.Buffer
	c := console.New(in, &out, console.WithBotName("Mia"))
	r := &topicBot{}
	if err := c.Run(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if len(r.events) != 3 || r.events[1].Kind != bot.KindTopic || r.events[1].Text != "returns/start" {
		t.Fatalf("events %+v", r.events)
	}
	// Buttons are good for one answer: the next "2" is text again.
	if r.events[2].Kind != bot.KindText || r.events[2].Text != "2" {
		t.Errorf("third event %+v, want plain text", r.events[2])
	}
	if !strings.Contains(out.String(), "[1] Where is my order? [2] How do I return an item?") {
		t.Errorf("buttons not shown with numbers:\n%s", out.String())
	}
}

type topicBot struct{ events []bot.Event }

func (r *topicBot) Handle(_ context.Context, ev bot.Event) ([]bot.Message, error) {
	r.events = append(r.events, ev)
	if ev.Text != "topics" {
		return []bot.Message{{Text: "ok"}}, nil
	}
	return []bot.Message{{Text: "Is it about one of these?", Buttons: []bot.Button{
		{Label: "Where is my order?", Kind: bot.KindTopic, Value: "orders/tracking"},
		{Label: "How do I return an item?", Kind: bot.KindTopic, Value: "returns/start"},
	}}}, nil
}
