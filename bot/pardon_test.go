package bot

import "testing"

// A simpler answer leaves out long asides in brackets and keeps short
// ones that name a button in the customer's language (QA walk 2026-12-06
// s3 item 4).
func TestWithoutAsides(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Go to **My orders** (guests: kumo.example/returns with your order number and email).", "Go to **My orders**."},
		{"进入 My orders（我的订单），点 Return items（退货）（游客请到kumo.example/returns，输入订单号和邮箱）。", "进入 My orders（我的订单），点 Return items（退货）。"},
		{"International standard: 7-14 business days (we ship to many countries, including Canada)", "International standard: 7-14 business days"},
		{"My orders(내 주문)에서 주문을 열어요", "My orders(내 주문)에서 주문을 열어요"},
		{"an unclosed (aside", "an unclosed (aside"},
		{"nothing to leave out", "nothing to leave out"},
	} {
		if got := withoutAsides(c.in); got != c.want {
			t.Errorf("withoutAsides(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

// The first list of an answer comes with what introduces it, numbered
// steps as well as bullets; an answer without a list has none.
func TestFirstList(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Starting a return takes a couple of minutes:\n\n1. Go to My orders.\n2. Pick the items.\n\nYou don't need a printer.",
			"Starting a return takes a couple of minutes:\n1. Go to My orders.\n2. Pick the items."},
		{"반품 신청은 몇 분이면 끝나요.\n\n1. 주문을 열어요.\n2. 사유를 고르세요.", "1. 주문을 열어요.\n2. 사유를 고르세요."},
		{"We ship abroad.\n\nOnce your order ships, delivery takes:\n- US standard: 2-4 days\n- Express: 1-2 days\n\nMore.",
			"Once your order ships, delivery takes:\n- US standard: 2-4 days\n- Express: 1-2 days"},
		{"Yes, we match the lower price. It works within 14 days.", ""},
		{"Version 2.0 is out.", ""},
	} {
		if got := firstList(c.in); got != c.want {
			t.Errorf("firstList(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}
