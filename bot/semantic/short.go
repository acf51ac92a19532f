package semantic

import (
	"unicode"

	"github.com/batonhq/baton/bot/text"
)

// maxShortWords is how many content words a short message has at most
// (shortGuard).
const maxShortWords = 2

// contentWords counts the words of s that say what it is about: its
// Latin-script terms that are not function words (text.IsStopWord).
// Chinese and Korean text counts as long: the model does not read it
// (blindTo), so fusion never sees it.
func contentWords(s string) int {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) {
			return maxShortWords + 1
		}
	}
	n := 0
	for _, term := range text.Terms(s) {
		if !text.IsStopWord(term) {
			n++
		}
	}
	return n
}
