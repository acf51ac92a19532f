package bot_test

import (
	"fmt"
	"strings"
	"testing"
)

// Two questions in one Korean message, the second setting its subject off
// with a particle ("반품은"), with or without a question mark, are both
// answered, as English and Chinese ones are (walk 2026-12-06 item 11).
func TestKoreanTwoPartMessagesAnswerBothParts(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text string }{
		{"ko", "배송비 얼마예요? 그리고 반품은 어떻게 해요?"},
		{"ko", "배송비 얼마예요 그리고 반품은 어떻게 해요"},
		{"zh", "运费多少？怎么退货？"},
		{"zh", "运费多少还有怎么退货"},
		{"zh", "运费多少另外怎么退货"},
	} {
		reply, kind, entry := f.convo(t, fmt.Sprintf("mp%d", i), c.lang, c.text)
		want := map[string][]string{"ko": {"4.95달러", "반품 라벨"}, "zh": {"4.95美元", "预付退货标签"}}[c.lang]
		if kind != "answer" || entry != "shipping/costs" || !strings.Contains(reply, want[0]) || !strings.Contains(reply, want[1]) {
			t.Errorf("%q: turn %s %s, reply:\n%s\nwant shipping costs and the return steps, both", c.text, kind, entry, reply)
		}
	}
}

// Traditional Chinese and casual Korean endings are answered as their
// standard forms are (walk 2026-12-06 item 19).
func TestVariantSpellingsAreAnsweredLikeTheStandardOnes(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text, entry string }{
		{"zh", "怎麼退貨", "returns/start"},
		{"zh", "運費多少", "shipping/costs"},
		{"zh", "有發票嗎", "orders/invoice-in-parcel"},
		{"zh", "優惠碼用不了", "payment/discount-codes"},
		{"ko", "배송 언제 와여", "shipping/times"},
		{"ko", "반품 돼용?", "returns/policy"},
		{"ko", "배송비 얼마에여", "shipping/costs"},
		{"ko", "반품 ㄱㄴ?", "returns/policy"},
	} {
		if reply, kind, entry := f.convo(t, fmt.Sprintf("v%d", i), c.lang, c.text); kind != "answer" || entry != c.entry {
			t.Errorf("%q: turn %s %s, reply %q; want %s answered", c.text, kind, entry, reply, c.entry)
		}
	}
}
