package lang

import (
	"unicode"
	"unicode/utf8"
)

// How much of a message one unit of each script carries, in English
// words, for Dominant. Latin, Hangul and other spaced scripts count
// words (runs of letters of the script); Han and kana, written without
// spaces, count characters. Measured on the shipped knowledge base
// (2026-12-06), over the questions of the entries written in all three
// languages: 7.40 words per English question, 4.20 per Korean one, 8.70
// Han characters per Chinese one. Kana is not measured (no Japanese
// base): it counts as Han does.
const (
	weightHangulWord = 7.40 / 4.20
	weightHanChar    = 7.40 / 8.70
	weightKanaChar   = weightHanChar
)

// Dominant is the language of the script most of text is written in:
// "ko", "ja", "zh", "en" (Latin), or "" when text has no letter or
// another script (Cyrillic, Arabic, Thai ...) carries the most. Each
// script's words or characters are weighed by how much of a message one
// carries (the weights above); Han counts as Japanese when kana is there
// too.
//
// FromScript answers which language a reply should be in, and one Hangul
// syllable is enough for it; Dominant answers what most of the message is
// written in: "when will my parcel arrive? I'm at 서울시 강남구 152" is
// mostly English (an embeddings model that reads only English still reads
// what it asks), "iPhone 15 Pro 케이스 있어요?" mostly Korean. A tie goes
// to the non-Latin script: the Latin part of such a message is usually a
// name.
func Dominant(text string) string {
	const (
		none = iota
		latin
		hangul
		other
	)
	var wLatin, wHangul, wHan, wKana, wOther float64
	run := none // the script of the run of letters text is in
	for _, r := range text {
		script := none
		switch {
		case r < utf8.RuneSelf:
			if c := r | 0x20; 'a' <= c && c <= 'z' {
				script = latin
			}
		case !unicode.IsLetter(r):
			if unicode.IsMark(r) {
				script = run // a combining mark continues its word
			}
		case unicode.Is(unicode.Hangul, r):
			script = hangul
		case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
			wKana += weightKanaChar
		case unicode.Is(unicode.Han, r):
			wHan += weightHanChar
		case unicode.Is(unicode.Latin, r):
			script = latin
		default:
			script = other
		}
		if script != run {
			switch script {
			case latin:
				wLatin++
			case hangul:
				wHangul += weightHangulWord
			case other:
				wOther++
			}
			run = script
		}
	}
	if wKana > 0 {
		wKana, wHan = wKana+wHan, 0
	}
	best, lang := 0.0, ""
	for _, s := range []struct {
		w    float64
		lang string
	}{{wOther, ""}, {wHangul, "ko"}, {wKana, "ja"}, {wHan, "zh"}} {
		if s.w > best {
			best, lang = s.w, s.lang
		}
	}
	if wLatin > best {
		return "en"
	}
	return lang
}
