package telegram

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
)

// Telegram's 400 "chat not found" is final: Send says so with
// bot.ErrUndeliverable (so the core drops a timer's check-in at once
// instead of retrying it every lease), and it is not a block.
func TestSendToAMissingChatIsUndeliverable(t *testing.T) {
	hs := newHarness(t, newRecorder(), setup{}).start()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	err := hs.a.Send(ctx, "0", bot.Message{Text: "are you still there?"}) // the fake knows no chat 0
	if !errors.Is(err, bot.ErrUndeliverable) || errors.Is(err, bot.ErrBlocked) {
		t.Fatalf("Send to a chat Telegram does not know: %v, want bot.ErrUndeliverable and not ErrBlocked", err)
	}
	if n := len(hs.srv.Calls("sendMessage")); n != 1 {
		t.Errorf("a final 400 was tried %d times, want once", n)
	}
}

// Only a 400 whose description says the chat is gone is undeliverable. A
// 404 comes from a wrong token or API URL (the whole bot misconfigured:
// every chat's timers would be dropped on their first try) and a 400 about
// the message itself is not the chat's fault: both are final for the call
// (sent once) but not bot.ErrUndeliverable, so the core retries the timer.
func TestOnlyAChatLevelRefusalIsUndeliverable(t *testing.T) {
	for _, c := range []struct {
		fault telegramtest.Fault
		gone  bool
	}{
		{telegramtest.Fault{Code: 404, Description: "Not Found"}, false},
		{telegramtest.Fault{Code: 400, Description: "Bad Request: message is too long"}, false},
		{telegramtest.Fault{Code: 400, Description: "Bad Request: chat not found"}, true},
		{telegramtest.Fault{Code: 400, Description: "Bad Request: PEER_ID_INVALID"}, true},
		{telegramtest.Fault{Code: 400, Description: "Bad Request: user not found"}, true},
	} {
		t.Run(c.fault.Description, func(t *testing.T) {
			hs := newHarness(t, newRecorder(), setup{}).start()
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			defer cancel()
			hs.srv.Fail("sendMessage", c.fault)
			err := hs.a.Send(ctx, "42", bot.Message{Text: "are you still there?"})
			if err == nil || errors.Is(err, bot.ErrUndeliverable) != c.gone || errors.Is(err, bot.ErrBlocked) {
				t.Fatalf("Send answered %d %q: %v; want an error, undeliverable=%v, not blocked", c.fault.Code, c.fault.Description, err, c.gone)
			}
			if n := len(hs.srv.Calls("sendMessage")); n != 1 {
				t.Errorf("a final %d was tried %d times, want once", c.fault.Code, n)
			}
		})
	}
}

// A long message whose second part fails after the first went out comes
// back as a *bot.PartlySentError whose Rest is exactly what the customer
// has not read (with the buttons), so whoever retries it (the core hands
// it to the reply path) sends no part twice; the error still says why.
func TestPartlySentMessageReturnsTheRest(t *testing.T) {
	hs := newHarness(t, newRecorder(), setup{}).start()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	var b strings.Builder
	for i := 0; b.Len() < 9000; i++ {
		fmt.Fprintf(&b, "Paragraph %d. Our return policy is simple: you have 30 days. ", i)
		if i%5 == 4 {
			b.WriteString("\n\n")
		}
	}
	long := strings.TrimSpace(b.String())
	parts := split(long, MaxMessageLen)
	if len(parts) < 3 {
		t.Fatalf("%d parts, want 3 or more", len(parts))
	}
	buttons := []bot.Button{{Label: "👍", Kind: bot.KindRating, Value: "5"}}
	hs.srv.Fail("sendMessage", telegramtest.Fault{Code: telegramtest.Pass}, telegramtest.Fault{Code: 400, Description: "Bad Request: message is too long"})
	err := hs.a.Send(ctx, "42", bot.Message{Text: long, Buttons: buttons})
	var partly *bot.PartlySentError
	if !errors.As(err, &partly) || !strings.Contains(err.Error(), "message is too long") {
		t.Fatalf("Send with part 2 refused: %v; want a *bot.PartlySentError wrapping the refusal", err)
	}
	if got := hs.srv.Sent(42); !reflect.DeepEqual(got, parts[:1]) {
		t.Fatalf("delivered %d parts, want the first only", len(got))
	}
	if got := split(partly.Rest.Text, MaxMessageLen); !reflect.DeepEqual(got, parts[1:]) || !reflect.DeepEqual(partly.Rest.Buttons, buttons) {
		t.Fatalf("Rest splits into %d parts (buttons %v); want the %d parts not delivered, with the buttons", len(got), partly.Rest.Buttons, len(parts)-1)
	}
	// Sending the rest: the customer has read the message once, whole.
	if err := hs.a.Send(ctx, "42", partly.Rest); err != nil {
		t.Fatal(err)
	}
	if got := hs.srv.Sent(42); !reflect.DeepEqual(got, parts) {
		t.Errorf("after sending the rest the chat has %d parts; want the %d parts of the message once each", len(got), len(parts))
	}
	// A message refused on its first part is not partly sent.
	hs.srv.Fail("sendMessage", telegramtest.Fault{Code: 400, Description: "Bad Request: message is too long"})
	if err := hs.a.Send(ctx, "42", bot.Message{Text: long}); err == nil || errors.As(err, &partly) {
		t.Errorf("Send with part 1 refused: %v; want an error that is not a *bot.PartlySentError", err)
	}
}
