package bot

import (
	"strings"
	"testing"
)

// An order number written inside a question is found; numbers that are
// amounts, phone numbers, cards or tracking numbers are not.
func TestOrderRefIn(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"my order KS-204817 hasnt arrived its been 2 weeks", "KS-204817"},
		{"订单号KS-204817，帮我查一下到哪了", "KS-204817"},
		{"주문번호 KS-204817이요 배송 조회 해주세요", "KS-204817"},
		{"can you cancel order 204817 for me please", "204817"},
		{"can you cancel order #204817 please", "204817"},
		{"I paid 150000 won for it", ""},
		{"call me on +44 7911 123456 about it", ""},
		{"my tracking 9400111899223 hasnt moved", ""},
		{"my card 4111 1111 1111 1111 was charged twice", ""},
		{"how long does shipping take?", ""},
		// Digits after "order" followed by a currency or a unit, or after
		// a currency sign, are what the order cost or held.
		{"placed an order 12000 yen worth, where is my package", ""},
		{"订单 12000日元的还没到货，物流在哪看", ""},
		{"订单12000元的还没到", ""},
		{"주문 15000원 결제했는데 배송은 언제", ""},
		{"my order 25000 won hasnt arrived", ""},
		{"order 10000 pcs of stickers, when do they ship", ""},
		{"my order 20000円 never came", ""},
		{"order $12000 still not here", ""},
		{"order ¥12000 still not here", ""},
		{"order 204817 yesterday, where is it", "204817"},
		{"my order 204817 has 2 items missing", "204817"},
		{"order 204817 won't arrive", "204817"},
		// A waybill's number is no order number, though "运单号" ends in
		// "单号".
		{"运单号123456怎么查不到", ""},
		{"快递单号 123456 一直没更新", ""},
		{"订单号123456怎么查不到", "123456"},
	} {
		got, ok := orderRefIn(c.text)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("orderRefIn(%q) = %q, %v; want %q", c.text, got, ok, c.want)
		}
	}
}

// The sentence asking for the order number goes; one only naming it
// stays.
func TestWithoutOrderAsk(t *testing.T) {
	in := "The first scan can take up to 24 hours. If nothing has moved, send us your order number (it looks like KS-204817) and we'll check. If the parcel is lost, we send a new one.\n\nAnything else?"
	want := "The first scan can take up to 24 hours. If the parcel is lost, we send a new one.\n\nAnything else?"
	if got := withoutOrderAsk(in); got != want {
		t.Errorf("withoutOrderAsk:\n got %q\nwant %q", got, want)
	}
	keep := "To claim, fill in the form with your order number and a photo."
	if got := withoutOrderAsk(keep); got != keep {
		t.Errorf("withoutOrderAsk(%q) = %q, want it unchanged", keep, got)
	}
}

// asksOrder finds askWords in any case, as strings.Contains on the
// answer lowered with strings.ToLower does (which it avoids for speed),
// on every shipped answer in every language and on cased and non-ASCII
// spellings.
func TestAsksOrderAsLowered(t *testing.T) {
	want := func(s string) bool {
		low := strings.ToLower(s)
		for _, w := range askWords {
			if strings.Contains(low, w) {
				return true
			}
		}
		return false
	}
	texts := []string{
		"Send us your Order Number and we'll check.", "ORDER NUMBER — please", "your order  number", "order numbe",
		"İt’s on your ORDER number", "请把订单号发给我们", "주문 번호를 알려 주세요", "주문번호", "", "order",
		"no ask here — just “quotes”", "an order. Number two", "\xe8order number",
	}
	set := shippedSet(t)
	asking := 0
	for _, id := range set.KB.IDs() {
		for _, l := range set.KB.Langs(id) {
			if e, ok := set.KB.Entry(id, l); ok {
				texts = append(texts, e.Answer)
			}
		}
	}
	for _, s := range texts {
		if got := asksOrder(s); got != want(s) {
			t.Errorf("asksOrder(%.60q) = %v, want %v", s, got, !got)
		}
		if want(s) {
			asking++
		}
	}
	if asking < 3 {
		t.Errorf("only %d texts ask for the order number: the shipped answers no longer test it", asking)
	}
}

// The part of a sentence asking for the order number beside something
// else goes, and the rest stays asked; a sentence whose ask goes on with
// what we then do stays as withoutOrderAsk had it.
func TestWithoutOrderAnd(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Send us your order number and a few photos of the item.", "Send us a few photos of the item."},
		{"请把订单号和几张照片发给我们。", "请把几张照片发给我们。"},
		{"주문번호와 함께 사진 몇 장을 보내 주세요.", "사진 몇 장을 보내 주세요."},
		{"After that, send us your order number and we'll cancel it.", "After that, send us your order number and we'll cancel it."},
	} {
		if got := withoutOrderAnd(c.in); got != c.want {
			t.Errorf("withoutOrderAnd(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
