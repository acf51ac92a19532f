package lang

import "testing"

// The script most of a message is written in decides, not one letter: an
// English question with a Korean or Chinese address is English, a Korean
// or Chinese question with a Latin brand or product name is not.
func TestDominantScript(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"when will my parcel arrive? I'm at 서울시 강남구 테헤란로 152", "en"},
		{"Hi, can you deliver to 北京市朝阳区 by Friday?", "en"},
		{"ship to 서울 please", "en"},
		{"배송 언제 와요?", "ko"},
		{"Kumo 배송 언제 와요", "ko"},
		{"iPhone 15 Pro 케이스 있어요?", "ko"},
		{"我想买 iPhone 的壳", "zh"},
		{"请问 Apple Watch 有货吗", "zh"},
		{"注文をキャンセルしたい", "ja"},
		{"Kumoの配送はいつですか", "ja"},
		{"Где мой заказ? order 123", ""},
		{"café crème?", "en"},
		{"123 !!! 🙂", ""},
		{"", ""},
	} {
		if got := Dominant(c.text); got != c.want {
			t.Errorf("Dominant(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// One letter of another script does not decide, as it does for the reply
// language (FromScript): the two differ exactly there.
func TestDominantIsNotFromScript(t *testing.T) {
	text := "where is my order, it was sent to 김"
	if got := FromScript(text); got != "ko" {
		t.Fatalf("FromScript(%q) = %q: the premise changed", text, got)
	}
	if got := Dominant(text); got != "en" {
		t.Errorf("Dominant(%q) = %q, want en", text, got)
	}
}
