package lang

import "testing"

func TestChoose(t *testing.T) {
	have := func(l string) bool { return l == "en" || l == "zh" || l == "ko" }
	cases := []struct {
		text, hint, prev, want string
	}{
		{"Where is my parcel?", "", "", "en"},
		{"我的包裹在哪里", "", "", "zh"},
		{"배송은 얼마나 걸려요?", "", "", "ko"},
		{"배송은 얼마나 걸려요?", "en-US", "", "ko"},
		{"hello", "ko-KR", "", "en"},
		{"Bonjour", "fr", "", "en"},
		{"ok", "de", "zh", "en"},
		{"123", "", "ko", "ko"},
		{"👍", "zh-hans", "", "zh"},
		{"👍", "", "", "en"},
		{"退货 iPhone", "", "", "zh"},
		{"환불 refund", "", "en", "ko"},
	}
	for _, c := range cases {
		if got := Choose(c.text, c.hint, c.prev, have); got != c.want {
			t.Errorf("Choose(%q, hint %q, prev %q) = %q, want %q", c.text, c.hint, c.prev, got, c.want)
		}
	}
}

func TestBase(t *testing.T) {
	for in, want := range map[string]string{"ko-KR": "ko", "zh_Hans": "zh", "EN": "en", "": ""} {
		if got := Base(in); got != want {
			t.Errorf("Base(%q) = %q, want %q", in, got, want)
		}
	}
}
