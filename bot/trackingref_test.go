package bot

import "testing"

// Chinese and Korean write a number straight after their own words, with
// no space ("运单号12345", "송장번호12345"), as orderRefPattern already
// allows for order numbers: a tracking number is read there too, long or
// too short for one.
func TestTrackingRefsRightAfterHanAndHangul(t *testing.T) {
	for _, c := range []struct{ text, ref string }{
		{"运单号12345", "12345"},
		{"运单号:12345", "12345"},
		{"我的运单号是12345", "12345"},
		{"运单号12345谢谢", "12345"},
		{"송장번호12345", "12345"},
		{"송장번호는12345", "12345"},
		{"tracking 12345", "12345"}, // as before
	} {
		if ref, ok := shortTrackingRef(c.text); !ok || ref != c.ref {
			t.Errorf("shortTrackingRef(%q) = %q, %v; want %q", c.text, ref, ok, c.ref)
		}
	}
	for _, c := range []struct{ text, ref string }{
		{"运单号SF1234567890", "SF1234567890"},
		{"运单号9400111899223", "9400111899223"},
		{"송장번호1234567890123", "1234567890123"},
		{"tracking 9400111899223", "9400111899223"}, // as before
	} {
		if ref, named, ok := trackingRef(c.text); !ok || !named || ref != c.ref {
			t.Errorf("trackingRef(%q) = %q, named %v, %v; want %q named", c.text, ref, named, ok, c.ref)
		}
	}
	// Still none: a number inside a Latin word, a year, an amount, a
	// number called an order's.
	for _, text := range []string{"trackingX12345", "运单号12345元", "订单号12345", "运单2025年就寄了"} {
		if ref, ok := shortTrackingRef(text); ok {
			t.Errorf("shortTrackingRef(%q) = %q; want none", text, ref)
		}
	}
}
