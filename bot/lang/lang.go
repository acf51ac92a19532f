// Package lang chooses the language Baton answers in.
//
// The platform's language code wins when it names a language we have
// messages for; otherwise the script of the text decides (Hangul means
// Korean, Han means Chinese, kana means Japanese), and Latin text falls
// back to the conversation's previous language or English.
package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Default is the language used when nothing else tells.
const Default = "en"

// Base reduces a BCP-47 tag to its primary language subtag in lower case:
// "ko-KR" -> "ko", "zh_Hans" -> "zh", "" -> "".
func Base(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return strings.ToLower(tag)
}

// FromScript guesses a language from the letters of text. It returns ""
// when the text carries no signal (digits, emoji, punctuation only) and
// "en" for other Latin text.
func FromScript(text string) string {
	var hangul, han, kana, latin int
	for _, r := range text {
		if r < utf8.RuneSelf {
			// ASCII, most of what customers type: its only letters of
			// these scripts are Latin A-Z and a-z (the table lookups
			// below cost tens of instructions a rune).
			if c := r | 0x20; 'a' <= c && c <= 'z' {
				latin++
			}
			continue
		}
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

// Choose picks the reply language. hint is the platform's language code,
// previous the conversation's language so far, supported the languages
// that have messages. A script clearly different from the hint wins: a
// customer with an English phone who writes Korean gets Korean.
func Choose(text, hint, previous string, supported func(string) bool) string {
	script := FromScript(text)
	h := Base(hint)
	switch {
	case script != "" && script != "en" && supported(script):
		return script
	case script == "en" && (h == "" || !supported(h) || isCJK(h)):
		// Latin text from a CJK-configured phone is most likely English.
		if supported("en") {
			return "en"
		}
	case h != "" && supported(h):
		return h
	}
	if previous != "" && supported(previous) {
		return previous
	}
	return Default
}

func isCJK(l string) bool { return l == "zh" || l == "ko" || l == "ja" }
