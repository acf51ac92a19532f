package bot_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/lang"
)

// logText is what the logs hold so far.
func logText(s *syncBuffer) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A tracking number sent again right after the reply to one is not
// answered the same way for ever (review 2026-12-05: three times the same
// reply, misses back to 0, no handoff): a person, who can look the parcel
// up by it, takes over with the number in the evidence. The reply to a
// bare number does not repeat it; one named a tracking number does.
func TestTrackingNumberAgainBringsAPerson(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct {
		lang, ask, give, ref, again string
		echo                        bool
	}{
		{"en", "where is my package?", "9400111899223", "9400111899223", "", false},
		{"en", "where is my package?", "tracking 9400111899223", "9400111899223", "", true},
		{"en", "where is my package?", "9400111899223", "9400111899223", "tracking number 9400111899223", false},
		{"zh", "我的订单到哪了？", "运单号 SF1234567890", "SF1234567890", "", true},
		// Alone, SF1234567890 is short enough for an order number: sent
		// again, it is still the tracking number.
		{"zh", "我的订单到哪了？", "运单号 SF1234567890", "SF1234567890", "SF1234567890", true},
		{"ko", "배송 조회 어떻게 해요?", "123456789012", "123456789012", "", false},
	} {
		chat := fmt.Sprintf("ta%d", i)
		f.convo(t, chat, c.lang, c.ask)
		reply, kind, _ := f.convo(t, chat, c.lang, c.give)
		if kind != "tracking" || strings.Contains(reply, c.ref) != c.echo {
			t.Errorf("%s %q: turn %s, reply %q; want the tracking reply (number said back: %v)", c.lang, c.give, kind, reply, c.echo)
		}
		if lang.FromScript(reply) != c.lang {
			t.Errorf("%s %q: reply in %s: %q", c.lang, c.give, lang.FromScript(reply), reply)
		}
		if c.again == "" {
			c.again = c.give
		}
		reply, kind, _ = f.convo(t, chat, c.lang, c.again)
		s := f.session(t, chat)
		if kind != "handoff" || s.Handoff == nil {
			t.Fatalf("%s %q again: turn %s (handoff %v), reply %q; want a person brought in", c.lang, c.again, kind, s.Handoff != nil, reply)
		}
		if s.Handoff.Reason != "loop" || !strings.Contains(strings.Join(s.Handoff.Evidence, "\n"), c.ref) {
			t.Errorf("%s %q again: handoff %s, evidence %q; want loop with the number", c.lang, c.again, s.Handoff.Reason, s.Handoff.Evidence)
		}
	}
}

// A payment card number is never called a tracking or order number nor
// said back, and it is hidden in the transcript a person reads and kept
// out of the logs (review 2026-12-05: "4111111111111111" after the cancel
// answer was repeated as a tracking number). The reply says kindly that
// we never need one in chat.
func TestCardNumberIsNeverRepeated(t *testing.T) {
	logs := &syncBuffer{}
	f := newFixture(t, true, bot.WithLogger(slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	const card = "4111111111111111"
	for i, c := range []struct{ lang, ask, give, want string }{
		{"en", "How do I cancel my order?", card, "card"},
		{"en", "where is my package?", "4111 1111 1111 1111", "card"},
		{"en", "How do I cancel my order?", "my card is 4111-1111-1111-1111", "card"},
		{"en", "where is my package?", "tracking " + card, "card"},
		{"zh", "怎么取消订单", card, "卡"},
		{"ko", "주문 취소 어떻게 해요", "카드번호 " + card, "카드"},
	} {
		chat := fmt.Sprintf("cd%d", i)
		f.convo(t, chat, c.lang, c.ask)
		reply, kind, _ := f.convo(t, chat, c.lang, c.give)
		s := f.session(t, chat)
		if kind != "card" || s.Handoff != nil || !strings.Contains(reply, c.want) || lang.FromScript(reply) != c.lang {
			t.Errorf("%s %q: turn %s (handoff %v), reply %q; want the card reply in %s", c.lang, c.give, kind, s.Handoff != nil, reply, c.lang)
		}
		for _, tr := range s.Turns {
			if digits(tr.Text) == card || strings.Contains(digits(tr.Text), card) {
				t.Errorf("%s %q: the transcript keeps the card number: %s %q", c.lang, c.give, tr.Role, tr.Text)
			}
		}
	}
	// Inside a question it is hidden too, and the question answered.
	f.convo(t, "cq", "en", "How do I cancel my order?")
	reply, kind, _ := f.convo(t, "cq", "en", "I was charged twice on my card 4111 1111 1111 1111, can I get a refund for the extra charge?")
	if kind == "card" || kind == "tracking" || strings.Contains(digits(reply), card) {
		t.Errorf("a question with a card number: turn %s, reply %q; want it answered without the number", kind, reply)
	}
	for _, tr := range f.session(t, "cq").Turns {
		if strings.Contains(digits(tr.Text), card) {
			t.Errorf("the transcript keeps the card number: %s %q", tr.Role, tr.Text)
		}
	}
	// A person brought in later sees no card number either.
	f.convo(t, "cd0", "en", "I want to talk to a person")
	for _, s := range f.desk.opened {
		for _, tr := range s.Turns {
			if strings.Contains(digits(tr.Text), card) {
				t.Errorf("the desk got the card number: %s %q", tr.Role, tr.Text)
			}
		}
		for _, e := range s.Handoff.Evidence {
			if strings.Contains(digits(e), card) {
				t.Errorf("the desk got the card number in the evidence: %q", e)
			}
		}
	}
	if len(f.desk.opened) == 0 {
		t.Error("no handoff opened for the person asked for")
	}
	if strings.Contains(digits(logText(logs)), card) {
		t.Errorf("the logs have the card number: %s", logText(logs))
	}
}

// digits is the digits of s, so a number hides behind no spaces or dashes.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// A number after "+" is a phone number, not a tracking or order number
// (review 2026-12-05: "+8613812345678" after "can you call me back" was
// called a tracking number and said back).
func TestPhoneNumberIsNotATrackingNumber(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct{ lang, ask, give string }{
		{"en", "can you call me back", "+8613812345678"},
		{"en", "How do I cancel my order?", "+8613812345678"},
		{"en", "where is my package?", "+ 44 7911 123456"},
		{"zh", "我的订单到哪了？", "+8613812345678"},
	} {
		chat := fmt.Sprintf("ph%d", i)
		f.convo(t, chat, c.lang, c.ask)
		reply, kind, _ := f.convo(t, chat, c.lang, c.give)
		s := f.session(t, chat)
		if kind == "tracking" || s.Handoff != nil && strings.Contains(strings.Join(s.Handoff.Evidence, " "), "order number") ||
			strings.Contains(digits(reply), "13812345678") || strings.Contains(digits(reply), "7911123456") {
			t.Errorf("%s %q after %q: turn %s, reply %q; want no tracking or order number made of it, and it not said back", c.lang, c.give, c.ask, kind, reply)
		}
	}
}

// Asking for English in a word or two moves a Chinese or Korean
// conversation to English; a short English message with a Chinese or
// Korean name keeps an English one English (review 2026-12-05).
func TestShortMessagesChooseTheRightLanguage(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct{ phone, first, text, want string }{
		{"ko", "배송 조회 어떻게 해요?", "English please", "en"},
		{"en", "주문 취소 어떻게 해요", "Speak English!", "en"},
		{"zh", "怎么取消订单", "in English", "en"},
		{"", "怎么取消订单", "English?", "en"},
		{"en", "how do I cancel my order?", "I'm 김민수", "en"},
		{"en", "how do I cancel my order?", "Thanks 王伟", "en"},
		{"ko", "how do I cancel my order?", "I'm 김민수", "en"},
		{"zh", "怎么取消订单", "ok", "zh"},
		{"ko", "주문 취소 어떻게 해요", "thanks", "ko"},
		{"en", "주문 취소 어떻게 해요", "👍", "ko"},
		{"", "how do I cancel my order?", "배송 얼마나 걸려요?", "ko"},
	} {
		chat := fmt.Sprintf("lg%d", i)
		f.convo(t, chat, c.phone, c.first)
		reply, kind, _ := f.convo(t, chat, c.phone, c.text)
		if s := f.session(t, chat); s.Lang != c.want || lang.FromScript(reply) != c.want {
			t.Errorf("after %q, %q (phone %q): %s reply in %s (session %s): %q; want %s", c.first, c.text, c.phone, kind, lang.FromScript(reply), s.Lang, reply, c.want)
		}
	}
}
