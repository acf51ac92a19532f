package bot

import (
	"strings"
	"unicode"

	"github.com/batonhq/baton/bot/text"
)

// angryRequest reports whether a request for a person is an angry one
// ("i want to talk to your manager NOW", "转人工！！马上", "당장 상담원
// 연결해"): it presses for it now (smalltalk.yaml's urgent cues), shouts
// a word that presses (its shout cues, in capitals: "NOW", "HELP"), is
// written all in capitals, or doubles its exclamation marks. Such a
// customer hears one sincere apology before who is coming.
func (t *turn) angryRequest(msg string) bool {
	p := t.set.Persona
	// The one normaliser folds width: "！！" and "!！" are "!!".
	if p.Cue("urgent", msg) || strings.Contains(text.Normalize(msg), "!!") {
		return true
	}
	var words, caps int
	shouted := false
	for _, w := range strings.FieldsFunc(msg, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len([]rune(w)) < 2 || !isLatin(w) {
			continue
		}
		words++
		if strings.ToUpper(w) != w {
			continue
		}
		caps++
		shouted = shouted || p.Cue("shout", w)
	}
	return shouted || words >= 3 && caps == words
}

// isLatin reports whether w is written in ASCII letters.
func isLatin(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			continue
		}
		return false
	}
	return true
}
