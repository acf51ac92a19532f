package telegram

import (
	"context"
	"errors"
	"testing"

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
