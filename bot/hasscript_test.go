package bot

import (
	"strings"
	"testing"
	"unicode"
)

// TestHasScriptAgreesWithEveryRune holds hasScript, which passes over
// ASCII bytes for scripts without ASCII letters, to the rune-by-rune
// lookup: the same answer for Han, Hangul and Latin (which has ASCII
// letters, so nothing is passed over) on ASCII, mixed, full-width and
// invalid text.
func TestHasScriptAgreesWithEveryRune(t *testing.T) {
	texts := []string{"", "where is my order?", "订单", "where 订单", "주문 order", "ㅋㅋ lol", "Ｈｉ", "café", "\xff\xfe", "a\xe8\xae", "訂單 and 주문번호",
		"123", "ñ", "ſ", "\u212a", "how long 多久", "반품 보낸지 일주일",
		// Past the first eight bytes, and ending where a block of eight
		// would not: the ASCII prefix read a word at a time.
		"how long does shipping take to 한국?", "where is my order 订单", "12345678ñ", "1234567 订", "abcdefghijklmnop\xff"}
	for _, tab := range []*unicode.RangeTable{unicode.Han, unicode.Hangul, unicode.Latin, unicode.Hiragana} {
		for _, s := range texts {
			want := strings.IndexFunc(s, func(r rune) bool { return unicode.Is(tab, r) }) >= 0
			if got := hasScript(s, tab); got != want {
				t.Errorf("hasScript(%q) = %v, the rune-by-rune lookup says %v", s, got, want)
			}
		}
	}
}

// TestNotAWordSplitAgreesWithUnicode holds notAWordSplit's ASCII fast path
// to the Unicode lookup it stands for, on every ASCII rune and the
// letters, digits and marks just past it.
func TestNotAWordSplitAgreesWithUnicode(t *testing.T) {
	for r := rune(0); r < 0x3100; r++ {
		want := !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
		if got := notAWordSplit(r); got != want {
			t.Errorf("notAWordSplit(%q) = %v, unicode says %v", r, got, want)
		}
	}
}

// TestProblemKoCuesAreNotASCII: reportsProblem skips the Korean cues for
// an ASCII message, which holds only while every one starts past ASCII.
func TestProblemKoCuesAreNotASCII(t *testing.T) {
	for _, c := range problemKo {
		if c == "" || c[0] < 0x80 {
			t.Errorf("problem cue %q starts in ASCII: reportsProblem would miss it in an ASCII message", c)
		}
	}
	for _, c := range []struct {
		msg  string
		want bool
	}{
		{"where is my order?", false}, {"배송이 안 와요", true}, {"결제가 못", true}, {"감사합니다", false},
	} {
		if got := reportsProblem(c.msg); got != c.want {
			t.Errorf("reportsProblem(%q) = %v, want %v", c.msg, got, c.want)
		}
	}
}
