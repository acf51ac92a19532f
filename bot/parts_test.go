package bot_test

import (
	"slices"
	"strings"
	"testing"
)

// Each question of a message is answered, in the order asked, even when one
// of them is not clear enough on its own (its words also lean towards the
// other question's entry, "how much is shipping to Germany" towards
// customs), when one is a problem told rather than asked ("비번
// 까먹었어요", "忘了密码"), and when two nouns share one question
// ("배송비랑 관세 얼마예요?", "运费和关税多少").
func TestEachPartOfAMessageIsAnswered(t *testing.T) {
	f := newFixture(t, false)
	kb := contents(t).Current().KB
	for _, c := range []struct {
		chat, lang, text string
		want             []string // entries, in the order asked
	}{
		{"en-germany", "en", "how much is shipping to Germany and do I pay customs?", []string{"shipping/costs", "shipping/customs"}},
		{"en-applepay", "en", "can i pay w/ apple pay and how do i use a discount code", []string{"payment/methods", "payment/discount-codes"}},
		{"en-forgot", "en", "I forgot my password and I want to cancel my order", []string{"account/password-reset", "orders/cancel"}},
		{"zh-forgot", "zh", "忘了密码，还有我想取消订单", []string{"account/password-reset", "orders/cancel"}},
		{"zh-applepay", "zh", "能用Apple Pay吗 还有优惠码怎么用", []string{"payment/methods", "payment/discount-codes"}},
		{"zh-and", "zh", "运费和关税多少", []string{"shipping/costs", "shipping/customs"}},
		{"ko-forgot", "ko", "비번 까먹었어요 그리고 주문 취소도 하고 싶어요", []string{"account/password-reset", "orders/cancel"}},
		{"ko-rang", "ko", "배송비랑 관세 얼마예요?", []string{"shipping/costs", "shipping/customs"}},
	} {
		reply := f.say(t, c.chat, c.text)
		s := f.session(t, c.chat)
		last := lastBot(s)
		if last.Kind != "answer" || last.Entry != c.want[0] || !slices.Contains(last.Tips, c.want[1]) {
			t.Errorf("%s: %q got %s from %q (tips %v), want an answer from %s that counts %s as said:\n%s",
				c.chat, c.text, last.Kind, last.Entry, last.Tips, c.want[0], c.want[1], reply)
			continue
		}
		at := 0
		for _, id := range c.want {
			e, ok := kb.Entry(id, c.lang)
			if !ok {
				t.Fatalf("no %s entry %s", c.lang, id)
			}
			i := strings.Index(reply[at:], e.Questions[0])
			if i < 0 {
				t.Errorf("%s: reply lacks %s's question %q after position %d:\n%s", c.chat, id, e.Questions[0], at, reply)
				break
			}
			at += i + len(e.Questions[0])
		}
	}
}

// A single question that merely contains "and", or a story around one
// question, is still answered once, from the one entry it asks about.
func TestOneQuestionWithAndIsNotSplit(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct{ chat, text, want string }{
		{"en-return", "I bought the 65W charger and I still have the box, can I return it?", "returns/policy"},
		{"en-cut", "my order came today and the box was crushed and the lamp is broken", "problems/damaged"},
		{"ko-want", "주문 취소하고 싶어요", "orders/cancel"},
	} {
		reply := f.say(t, c.chat, c.text)
		last := lastBot(f.session(t, c.chat))
		if last.Entry != c.want || len(last.Tips) > 0 && slices.Contains(last.Tips, "products/charger-compatibility") {
			t.Errorf("%s: %q got %s from %q (tips %v), want one answer from %s:\n%s", c.chat, c.text, last.Kind, last.Entry, last.Tips, c.want, reply)
		}
	}
}
