package telegram

import (
	"context"
	"errors"
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
