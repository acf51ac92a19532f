package bot

import "testing"

// The one thing a yes/no question asks whether we take, by the frames
// customers ask with; questions of any other shape name none.
func TestAskedThing(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		{"do you take Venmo?", "Venmo"},
		{"can i pay with wechat pay?", "wechat pay"},
		{"Do you accept cash on delivery?", "cash on delivery"},
		{"你们支持微信支付吗", "微信"},
		{"可以用支付宝吗？", "支付宝"},
		{"네이버페이 돼요?", "네이버페이"},
		{"위챗페이로 결제 가능해요?", "위챗페이"},
		{"카카오페이도 되나요", "카카오페이"},
		// Not of that shape.
		{"what payment methods do you accept?", ""},
		{"how long does shipping take?", ""},
		{"can i pay with it?", ""},
		{"你们支持哪些付款方式", ""},
		{"주문 취소 돼요?", ""},
		{"배송 얼마나 걸려요?", ""},
		{"", ""},
	} {
		if got := askedThing(c.msg); got != c.want {
			t.Errorf("askedThing(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
}

// TestToldProblem: the problem lead is for a problem told as a statement,
// not a question or condition that only holds a problem word (review-A W1).
func TestToldProblem(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want bool
	}{
		{"my package says delivered but i never got it", true},
		{"my package says delivered but i never got it, what do i do?", true},
		{"the box was damaged when it arrived", true},
		{"i forgot my password", false}, // the customer's own slip
		{"密码忘了", false},
		{"my card keeps getting declined", true},
		{"我的包裹显示已送达但是我没收到", true},
		{"I've never ordered before, do I need an account?", false},
		{"does the charger work if my phone doesn't have usb-c?", false},
		{"isn't shipping free over $50?", false},
		{"can't I just cancel my order?", false},
		{"what if it's damaged?", false},
		{"if my card is declined what do i do?", false},
	} {
		if got := toldProblem(c.msg); got != c.want {
			t.Errorf("toldProblem(%q) = %v, want %v", c.msg, got, c.want)
		}
	}
}
