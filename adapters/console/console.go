// Package console is a channel adapter for the terminal: you are the
// customer, typing lines; the bot answers below. It is the first thing a
// newcomer runs (`baton chat`), so it needs no accounts and no Redis.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/batonhq/baton/bot"
)

// Handler is what the console feeds customer lines to; *bot.Bot is one.
type Handler interface {
	Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error)
}

// ChatID is the conversation a console holds unless WithChatID names
// another.
const ChatID = "local"

// Console reads customer lines from in and writes the bot's replies to out.
type Console struct {
	in      io.Reader
	out     io.Writer
	botName string
	chatID  string
	cust    bot.Customer
	mu      sync.Mutex   // replies and pushed messages (check-ins) share out
	buttons []bot.Button // of the last message shown; typing a label or number presses one
}

// Option configures a Console.
type Option func(*Console)

// WithLanguage sets the customer's language code, as a phone would.
func WithLanguage(code string) Option { return func(c *Console) { c.cust.Lang = code } }

// WithBotName sets the name printed before the bot's lines.
func WithBotName(name string) Option { return func(c *Console) { c.botName = name } }

// WithChatID sets the conversation's chat id: `baton chat` gives each
// run its own, and --chat ID continues one.
func WithChatID(id string) Option {
	return func(c *Console) { c.chatID, c.cust.ID = id, id }
}

// WithCustomer sets the customer's display name.
func WithCustomer(name string) Option { return func(c *Console) { c.cust.Name = name } }

// New makes a console on in and out.
func New(in io.Reader, out io.Writer, opts ...Option) *Console {
	c := &Console{in: in, out: out, botName: "Baton", chatID: ChatID, cust: bot.Customer{ID: ChatID}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Run reads lines until in ends, "/quit" is typed, or ctx ends. Lines
// starting with "/" are commands (/start, /help, /human).
func (c *Console) Run(ctx context.Context, h Handler) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.in)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := <-errc; err != nil {
					return fmt.Errorf("read input: %w", err)
				}
				return nil
			}
			if strings.TrimSpace(line) == "/quit" {
				return nil
			}
			msgs, err := h.Handle(ctx, c.event(line))
			for _, m := range msgs {
				c.print(m)
			}
			if err != nil {
				c.mu.Lock()
				fmt.Fprintf(c.out, "(error: %v)\n", err)
				c.mu.Unlock()
			}
		}
	}
}

func (c *Console) event(line string) bot.Event {
	ev := bot.Event{Channel: "console", ChatID: c.chatID, Customer: c.cust, Kind: bot.KindText, Text: line}
	if b, ok := c.pressed(strings.TrimSpace(line)); ok {
		ev.Kind, ev.Text = b.Kind, b.Value
		return ev
	}
	if t := strings.TrimSpace(line); strings.HasPrefix(t, "/") && len(t) > 1 && !strings.ContainsAny(t, " \t") {
		ev.Kind, ev.Text = bot.KindCommand, strings.ToLower(t[1:])
	}
	return ev
}

// Send prints a message the bot sends on its own (a check-in, an agent's
// reply) to this console's conversation. It implements bot.Sender. The
// check-in of an earlier run's conversation (its timer in the same Redis)
// is not this terminal's to show: nobody is there to read it, and it is
// taken as delivered, as a message to a closed window would be.
func (c *Console) Send(_ context.Context, chatID string, m bot.Message) error {
	if chatID != c.chatID {
		return nil
	}
	c.print(m)
	return nil
}

// pressed finds the button of the last message that line names, by its
// label or its number.
func (c *Console) pressed(line string) (bot.Button, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, b := range c.buttons {
		if line == b.Label || line == strconv.Itoa(i+1) {
			c.buttons = nil
			return b, true
		}
	}
	c.buttons = nil
	return bot.Button{}, false
}

func (c *Console) print(m bot.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	text := strings.ReplaceAll(m.Text, "\n", "\n   ")
	fmt.Fprintf(c.out, "%s: %s\n", c.botName, text)
	c.buttons = m.Buttons
	if len(m.Buttons) > 0 {
		var b strings.Builder
		for i, btn := range m.Buttons {
			if btn.Label == strconv.Itoa(i+1) {
				fmt.Fprintf(&b, " [%s]", btn.Label)
			} else {
				fmt.Fprintf(&b, " [%d] %s", i+1, btn.Label)
			}
		}
		fmt.Fprintf(c.out, "  %s   (type a number)\n", strings.TrimSpace(b.String()))
	}
	fmt.Fprintln(c.out)
}
