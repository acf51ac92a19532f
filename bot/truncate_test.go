package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestTruncateRunesCutsAtRunes: the byte-offset cut gives what cutting a
// []rune copy gave, for ASCII, Chinese, Korean, emoji, mixed and invalid
// UTF-8, at and around the limit.
func TestTruncateRunesCutsAtRunes(t *testing.T) {
	want := func(s string, n int) string {
		if utf8.RuneCountInString(s) <= n {
			return s
		}
		return string([]rune(s)[:n]) + "…"
	}
	texts := []string{"", "a", "hello world", "你好，我的订单在哪里？", "주문이 어디에 있나요?", "ok 👍🏽 thanks 🙏",
		strings.Repeat("é", 50), "mixed 中文 and 한국어 😀 text", "bad \xff\xfe bytes here", "\xff"}
	for _, s := range texts {
		for n := 0; n <= utf8.RuneCountInString(s)+2; n++ {
			if got, w := truncateRunes(s, n), want(s, n); got != w {
				t.Errorf("truncateRunes(%q, %d) = %q, want %q", s, n, got, w)
			}
		}
	}
}
