package bot_test

import (
	"fmt"
	"testing"
)

// "thanks that solved it!" after an answer closes the exchange in every
// language, however the knowledge base reads the words saying it is
// solved ("solve" is "fix" to the lexicon, and "fix" asks for a warranty
// repair). Thanks with a question or a topic is still answered.
func TestThanksSayingItIsSolvedIsAClosing(t *testing.T) {
	f := newFixture(t, false)
	first := map[string]string{"en": "how do I cancel my order", "zh": "怎么取消订单", "ko": "주문 취소 어떻게 해요"}
	for i, c := range []struct{ lang, text string }{
		{"en", "thanks that solved it!"},
		{"en", "that fixed it, thanks"},
		{"en", "found it thanks"},
		{"en", "great, that worked. thank you"},
		{"zh", "找到了，谢谢"},
		{"zh", "谢谢，问题解决了"},
		{"zh", "搞定了 谢谢"},
		{"ko", "해결됐어요 감사합니다"},
		{"ko", "찾았어요 감사합니다"},
		{"ko", "덕분에 해결했어요 고마워요"},
	} {
		chat := fmt.Sprintf("s%d", i)
		if _, kind, _ := f.convo(t, chat, c.lang, first[c.lang]); kind != "answer" {
			t.Fatalf("%s %q: not answered (%s)", c.lang, first[c.lang], kind)
		}
		reply, kind, entry := f.convo(t, chat, c.lang, c.text)
		switch kind {
		case "thanks", "bye", "survey":
		default:
			t.Errorf("%s %q after an answer: turn %s %s, reply %q; want a closing", c.lang, c.text, kind, entry, reply)
		}
	}
	for i, c := range []struct{ lang, text, entry string }{
		{"en", "thanks, cancel my order", "orders/cancel"},
		{"en", "thanks. gift cards", "payment/gift-cards"},
		{"en", "thanks! and how long does shipping take?", "shipping/times"},
		{"zh", "谢谢，发货要多久", "shipping/times"},
		{"ko", "감사합니다 배송 얼마나 걸려요", "shipping/times"},
	} {
		chat := fmt.Sprintf("q%d", i)
		f.convo(t, chat, c.lang, first[c.lang])
		if reply, kind, entry := f.convo(t, chat, c.lang, c.text); kind != "answer" || entry != c.entry {
			t.Errorf("%s %q: turn %s %s, reply %q; want %s answered", c.lang, c.text, kind, entry, reply, c.entry)
		}
	}
}
