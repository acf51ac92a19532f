package bot

import (
	"strings"
	"testing"
	"unicode"
)

// countFields must count what strings.Fields/FieldsFunc cut, on every
// kind of text the word counts see: spaces of all kinds, apostrophes,
// Han, Hangul, emoji and invalid UTF-8.
func TestCountFieldsIsLenOfFields(t *testing.T) {
	for _, s := range []string{
		"", " ", "where is my order?", "  two  spaces\tand\ttabs\n", "it's   Jane's order",
		"what about\u00a0this\u0085one", "반품은 어떻게 해요", "我的订单 在哪里", "ok 👍 thanks!!",
		"bad \xff\xfe bytes", "\xffx", "x-y/z.a,b", "'''", "ㅋㅋ 진짜요?",
	} {
		if got, want := countFields(s, unicode.IsSpace), len(strings.Fields(s)); got != want {
			t.Errorf("countFields(%q, IsSpace) = %d, strings.Fields has %d", s, got, want)
		}
		if got, want := countFields(s, notAWordSplit), len(strings.FieldsFunc(s, notAWordSplit)); got != want {
			t.Errorf("countFields(%q, notAWordSplit) = %d, strings.FieldsFunc has %d", s, got, want)
		}
	}
}
