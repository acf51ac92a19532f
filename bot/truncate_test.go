package bot

import (
	"strings"
	"testing"
	"unicode"
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
		strings.Repeat("é", 50), "mixed 中文 and 한국어 😀 text", "bad \xff\xfe bytes here", "\xff",
		// An ASCII run first, then runes of more bytes or invalid ones
		// (the cut reads the ASCII run eight bytes at a time).
		"Returns are free within 30 days • keep the tags on, 退货 OK", "plain ascii for a while, then \xff and more words"}
	for _, s := range texts {
		for n := 0; n <= utf8.RuneCountInString(s)+2; n++ {
			if got, w := truncateRunes(s, n), want(s, n); got != w {
				t.Errorf("truncateRunes(%q, %d) = %q, want %q", s, n, got, w)
			}
		}
	}
}

// TestCleanTextFastPathAgrees: texts that need only a trim take the fast
// path; every text comes out as the per-rune cleaning made it.
func TestCleanTextFastPathAgrees(t *testing.T) {
	slow := func(s string) string {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.Map(func(r rune) rune {
			switch {
			case r == '\n' || r == '\t':
				return r
			case r == '\r':
				return '\n'
			case unicode.IsControl(r), r == '\u200b', r == '\ufeff':
				return -1
			}
			return r
		}, s)
		return strings.TrimSpace(s)
	}
	for _, s := range []string{"", "  plain reply\n\nwith lines\tand tabs  ", "你好 주문 😀", "a\r\nb\rc", "bell\x07", "del\x7f",
		"zero\u200bwidth", "\ufeffbom", "bad \xff byte", "c1 \u0085 control", "nbsp\u00a0and\u2028sep", "\u00e9t\u00e9"} {
		if got, want := CleanText(s), slow(s); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", s, got, want)
		}
	}
	// isClean reads printable ASCII eight bytes at a time: every byte
	// value, and every rune that needs cleaning, at every offset of those
	// words, in a text of printable ASCII around it.
	base := "The quick brown fox jumps over the lazy dog!"
	for at := 0; at < 20; at++ {
		for b := 0; b < 256; b++ {
			s := base[:at] + string([]byte{byte(b)}) + base[at:]
			if got, want := CleanText(s), slow(s); got != want {
				t.Fatalf("CleanText(%q) = %q, want %q", s, got, want)
			}
		}
		for _, r := range []string{"\u200b", "\ufeff", "\u0085", "é", "😀", "\r\n"} {
			s := base[:at] + r + base[at:]
			if got, want := CleanText(s), slow(s); got != want {
				t.Fatalf("CleanText(%q) = %q, want %q", s, got, want)
			}
		}
	}
}
