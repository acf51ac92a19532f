package bot

import "testing"

// A discount code is read as the words for one; a product model, an
// order number or a model in lower case without a code word is not.
func TestWithoutPromoCodes(t *testing.T) {
	for _, c := range []struct{ in, lang, want string }{
		{"SAVE10 doesn't work", "en", "discount code doesn't work"},
		{"code save10 not working", "en", "code discount code not working"},
		{"SAVE10用不了", "zh", "优惠码用不了"},
		{"SAVE10 쿠폰이 안 돼요", "ko", "할인코드 쿠폰이 안 돼요"},
		{"my RTX4090 is broken", "en", "my RTX4090 is broken"},
		{"order KS-204817 is late", "en", "order KS-204817 is late"},
		{"my iphone15 is broken", "en", "my iphone15 is broken"},
		{"我的密码abc123登录不了", "zh", "我的密码abc123登录不了"},
	} {
		if got := withoutPromoCodes(c.in, c.lang); got != c.want {
			t.Errorf("withoutPromoCodes(%q, %s) = %q, want %q", c.in, c.lang, got, c.want)
		}
	}
}
