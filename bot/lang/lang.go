// Package lang chooses the language Baton answers in.
//
// The script of the text decides (Hangul means Korean, Han means Chinese,
// kana means Japanese, Latin English), except that text saying nothing of
// a language (emoji, digits, "ok", a product name) keeps the
// conversation's language, and so does an English sentence or greeting
// around a Chinese or Korean name in an English conversation ("I'm 김민수");
// Latin text that asks for English ("English please") is English; the platform's
// language code decides only where neither does.
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
//
// A conversation keeps its language through what says nothing of one:
// "ok", "thanks", "👍", "?", a number, a product name ("AirPods") in a
// Chinese or Korean conversation, and through a Chinese or Korean name
// inside an English sentence ("can i pay with 支付宝"). Only a message
// written in another language moves it.
func Choose(text, hint, previous string, supported func(string) bool) string {
	script := FromScript(text)
	h := Base(hint)
	if previous != "" && !supported(previous) {
		previous = ""
	}
	switch {
	case script != "" && script != "en" && previous == "en" && (englishAround(text) || nameInEnglish(text)):
		// "can i pay with 支付宝", "I'm 김민수", "Thanks 王伟" in an
		// English conversation. (As a first message the CJK script still
		// decides: "请问 can I pay with PayPal?" is a Chinese customer's.)
		return "en"
	case script != "" && script != "en" && supported(script):
		return script
	case script == "en" && previous != "" && previous != "en" && (courtesy(text) || !sentence(text) && !asksEnglish(text)):
		// A word or two of Latin letters that say nothing of a language,
		// in a Chinese or Korean conversation ("ok", "thanks",
		// "KS-204817", "Apple Pay"), or courtesy words only ("please",
		// "thank you", "ok thank you so much"): customers of every
		// language type these. "English please", "in English" or "help
		// me" is English.
		return previous
	case script == "en" && previous == "" && isCJK(h) && supported(h) && codesOnly(text):
		// An order or tracking number alone ("KS-204817", "#A1234") as
		// the first message says nothing of a language: the phone's,
		// not English to a Korean phone (walk3 2026-12-07).
		return h
	case script == "en" && (h == "" || !supported(h) || isCJK(h)):
		// Latin text from a CJK-configured phone is most likely English.
		if supported("en") {
			return "en"
		}
	case script == "" && previous != "":
		// Emoji, digits, punctuation: the conversation's language, not
		// the phone's.
		return previous
	case h != "" && supported(h):
		return h
	}
	if previous != "" {
		return previous
	}
	return Default
}

// englishAround reports whether text is an English sentence around a
// Chinese, Japanese or Korean name ("can i pay with 支付宝", "do you take
// 카카오페이?"): a sentence's worth of Latin words with a function word
// among them, and two thirds of the words Latin. A Chinese or Korean
// sentence with Latin names in it ("AirPods Pro 能退货吗", "iPhone 충전기
// 있어요?") is not.
func englishAround(text string) bool {
	latin, function, cjk := words(text)
	return latin >= minSentenceWords && function > 0 && latin >= 2*cjk
}

// asksEnglish reports whether a word or two of Latin text is English
// rather than a name or an acknowledgement: it names the language
// ("English please", "Speak English!") or has an English function word or
// verb in it ("in English", "help me"). "a" does not count: it is a
// model's letter as often ("Galaxy A54").
func asksEnglish(text string) bool {
	for _, w := range latinWords(text) {
		if w != "a" && (functionWords[w] || englishWords[w]) {
			return true
		}
	}
	return false
}

// englishWords name the English language, or are verbs a customer asks
// with; a product or brand name is none of them. "please" is not one: on
// its own it is courtesy, which every customer types.
var englishWords = map[string]bool{
	"english": true, "eng": true, "speak": true, "talk": true, "write": true, "reply": true, "answer": true, "help": true,
	"want": true, "need": true,
}

// courtesy reports whether text's Latin words are all courtesy words
// ("please", "pls", "thank you", "ok thanks so much", "sorry"): English
// words Chinese and Korean customers use as they are, which say nothing of
// the language they want. Text with no Latin word is not courtesy.
func courtesy(text string) bool {
	ws := latinWords(text)
	for _, w := range ws {
		if !courtesyWords[w] {
			return false
		}
	}
	return len(ws) > 0
}

var courtesyWords = map[string]bool{
	"please": true, "pls": true, "plz": true, "plse": true, "thanks": true, "thank": true, "thx": true, "thanx": true, "ty": true, "tks": true,
	"you": true, "u": true, "so": true, "very": true, "much": true, "lot": true, "alot": true, "a": true,
	"ok": true, "okay": true, "k": true, "kk": true, "yes": true, "yeah": true, "yep": true, "no": true, "nope": true, "sorry": true,
	"sure": true, "great": true, "cool": true, "nice": true,
}

// nameInEnglish reports whether text is a short English message around
// one Chinese or Korean name ("I'm 김민수", "Thanks 王伟", "this is
// 李娜"): an English function word or a greeting or thanks, and one
// name-like word in Han or Hangul (two to four characters, not one of the
// everyday words a Chinese or Korean customer answers with).
func nameInEnglish(text string) bool {
	latin, function, cjk := words(text)
	if latin == 0 || cjk != 1 || latin >= minSentenceWords && function > 0 {
		return false // longer English sentences are englishAround's
	}
	english := function > 0
	for _, w := range latinWords(text) {
		if nameLeads[w] {
			english = true
		}
	}
	if !english {
		return false
	}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if FromScript(f) == "en" {
			continue
		}
		n := utf8.RuneCountInString(f)
		if n < 2 || n > 4 || notNames[f] || FromScript(f) == "ja" {
			return false
		}
	}
	return true
}

// nameLeads are the English words other than function words that come
// before a name.
var nameLeads = map[string]bool{
	"thanks": true, "thank": true, "thx": true, "hi": true, "hello": true, "hey": true, "dear": true,
	"mr": true, "mrs": true, "ms": true, "miss": true, "name": true, "name's": true, "called": true,
}

// notNames are short Chinese and Korean words a customer answers with:
// "ok 好的" is a Chinese customer's, not a name.
var notNames = map[string]bool{
	"谢谢": true, "好的": true, "你好": true, "是的": true, "不是": true, "没有": true, "可以": true, "知道了": true, "明白": true, "请问": true,
	"감사합니다": true, "고마워요": true, "안녕하세요": true, "네네": true, "아니요": true, "아니오": true, "괜찮아요": true, "좋아요": true, "알겠어요": true,
}

// latinWords returns text's Latin words in lower case.
func latinWords(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
		if w := strings.Trim(strings.ToLower(f), "'"); w != "" && FromScript(w) == "en" {
			out = append(out, w)
		}
	}
	return out
}

// minSentenceWords is how many Latin words make a sentence of their own:
// fewer ("ok", "thanks", "Apple Pay") do not move a Chinese or Korean
// conversation to English, and are a name inside a CJK sentence.
const minSentenceWords = 3

// sentence reports whether Latin text is more than a word or two.
func sentence(text string) bool {
	latin, _, _ := words(text)
	return latin >= minSentenceWords
}

// words counts text's Latin words, how many of them are English function
// words, and its Chinese, Japanese or Korean words: a spaced Hangul word
// is one, a run of Han or kana one per two characters ("支付宝" one,
// "微信支付" two).
func words(text string) (latin, function, cjk int) {
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
		var word []rune
		hangul, han := false, 0
		for _, r := range f {
			switch {
			case r < utf8.RuneSelf || unicode.Is(unicode.Latin, r):
				word = append(word, unicode.ToLower(r))
			case unicode.Is(unicode.Hangul, r):
				hangul = true
			case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
				han++
			}
		}
		if hangul {
			cjk++
		}
		if han > 0 {
			cjk += max(1, han/2)
		}
		if w := strings.Trim(string(word), "'"); w != "" {
			latin++
			if functionWords[w] {
				function++
			}
		}
	}
	return latin, function, cjk
}

// functionWords are English words that only a sentence has around a
// name: a product or brand name never is one.
var functionWords = map[string]bool{
	"i": true, "i'm": true, "im": true, "my": true, "me": true, "you": true, "your": true, "we": true, "it": true, "is": true,
	"are": true, "was": true, "do": true, "does": true, "did": true, "can": true, "could": true, "will": true, "would": true,
	"the": true, "a": true, "an": true, "to": true, "of": true, "with": true, "for": true, "in": true, "on": true,
	"and": true, "or": true, "but": true, "how": true, "what": true, "where": true, "when": true, "why": true,
	"this": true, "that": true, "have": true, "has": true, "not": true, "don't": true, "dont": true, "there": true,
}

func isCJK(l string) bool { return l == "zh" || l == "ko" || l == "ja" }

// codesOnly reports whether every run of letters and digits in text has a
// digit in it ("KS-204817", "#A1234 SF1234567890"): codes, not words.
func codesOnly(text string) bool {
	n := 0
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' }) {
		if !strings.ContainsFunc(f, unicode.IsDigit) {
			return false
		}
		n++
	}
	return n > 0
}
