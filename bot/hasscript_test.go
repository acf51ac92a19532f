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
		"123", "ñ", "ſ", "\u212a", "how long 多久", "반품 보낸지 일주일"}
	for _, tab := range []*unicode.RangeTable{unicode.Han, unicode.Hangul, unicode.Latin, unicode.Hiragana} {
		for _, s := range texts {
			want := strings.IndexFunc(s, func(r rune) bool { return unicode.Is(tab, r) }) >= 0
			if got := hasScript(s, tab); got != want {
				t.Errorf("hasScript(%q) = %v, the rune-by-rune lookup says %v", s, got, want)
			}
		}
	}
}
