package bot_test

import (
	"fmt"
	"testing"

	"github.com/batonhq/baton/bot/lang"
)

// A Chinese or Korean conversation stays in its language when the
// customer answers with what carries none ("ok", "thanks", "👍", "?", a
// number, a product name), whatever their phone's language; an English
// one stays English when the customer names something in Chinese or
// Korean inside an English sentence.
func TestConversationKeepsItsLanguage(t *testing.T) {
	f := newFixture(t, false)
	first := map[string]string{"en": "How do I cancel my order?", "zh": "怎么取消订单", "ko": "주문 취소 어떻게 해요"}
	n := 0
	for _, conv := range []string{"zh", "ko"} {
		for _, phone := range []string{"", "en-US", conv} {
			for _, text := range []string{"ok", "thanks", "👍", "?", "3", "AirPods"} {
				n++
				chat := fmt.Sprintf("s%d", n)
				f.convo(t, chat, phone, first[conv])
				reply, kind, _ := f.convo(t, chat, phone, text)
				if s := f.session(t, chat); s.Lang != conv || lang.FromScript(reply) != conv {
					t.Errorf("%s conversation, phone %q: %q got a %s reply in %s (session %s): %q", conv, phone, text, kind, lang.FromScript(reply), s.Lang, reply)
				}
			}
		}
	}
	for _, phone := range []string{"", "en-US", "zh-CN", "ko-KR"} {
		for _, c := range []struct{ text, entry string }{
			{"can i pay with 支付宝?", "payment/methods"},
			{"do you take 카카오페이?", "payment/methods"},
			{"ok", ""}, {"👍", ""},
		} {
			n++
			chat := fmt.Sprintf("s%d", n)
			f.convo(t, chat, phone, first["en"])
			reply, kind, entry := f.convo(t, chat, phone, c.text)
			if s := f.session(t, chat); s.Lang != "en" || lang.FromScript(reply) != "en" {
				t.Errorf("en conversation, phone %q: %q got a %s reply in %s (session %s): %q", phone, c.text, kind, lang.FromScript(reply), s.Lang, reply)
			}
			if c.entry != "" && (kind != "answer" || entry != c.entry) {
				t.Errorf("en conversation, phone %q: %q got %s %s, want an answer from %s: %q", phone, c.text, kind, entry, c.entry, reply)
			}
		}
	}
	// A sentence in another language still moves the conversation.
	for _, c := range []struct{ from, text, to string }{
		{"zh", "how long does shipping take?", "en"},
		{"ko", "how long does shipping take?", "en"},
		{"en", "发货要多久？", "zh"},
		{"en", "배송 얼마나 걸려요?", "ko"},
	} {
		n++
		chat := fmt.Sprintf("s%d", n)
		f.convo(t, chat, "", first[c.from])
		if reply, kind, _ := f.convo(t, chat, "", c.text); f.session(t, chat).Lang != c.to || kind != "answer" {
			t.Errorf("%s conversation: %q got a %s reply in %s: %q; want an answer in %s", c.from, c.text, kind, f.session(t, chat).Lang, reply, c.to)
		}
	}
}
