package lang

import (
	"testing"
	"unicode"
)

// fromScriptRef is FromScript before its ASCII path: every rune through
// the script tables. The oracle of TestFromScriptMatchesReference.
func fromScriptRef(text string) string {
	var hangul, han, kana, latin int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Hangul, r):
			hangul++
		case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
			kana++
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	switch {
	case hangul > 0 && hangul >= han:
		return "ko"
	case kana > 0:
		return "ja"
	case han > 0:
		return "zh"
	case latin > 0:
		return "en"
	}
	return ""
}

// TestFromScriptMatchesReference: every rune alone, each ASCII rune beside
// CJK text (where the counts decide), and mixed messages read as the
// reference reads them.
func TestFromScriptMatchesReference(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if s := string(r); FromScript(s) != fromScriptRef(s) {
			t.Fatalf("FromScript(%q) = %q, reference %q", s, FromScript(s), fromScriptRef(s))
		}
	}
	for r := rune(0); r < 0x80; r++ {
		for _, s := range []string{string(r) + "배송", "我" + string(r), string(r) + "カ" + string(r)} {
			if got, want := FromScript(s), fromScriptRef(s); got != want {
				t.Errorf("FromScript(%q) = %q, reference %q", s, got, want)
			}
		}
	}
	for _, s := range []string{"", "Where is my parcel?", "我的包裹在哪里", "배송은 얼마나 걸려요?", "ok 배송", "café 我",
		"123 !!", "\xff\xfe hi", "ＡＢＣ", "hello 世界 세계", "ｶﾀｶﾅ", "Straße"} {
		if got, want := FromScript(s), fromScriptRef(s); got != want {
			t.Errorf("FromScript(%q) = %q, reference %q", s, got, want)
		}
	}
}
