package bot

import (
	"strings"

	"github.com/batonhq/baton/bot/text"
)

// praiseStands reports whether a compliment followed by rest is one to
// thank for: nothing but more small talk follows it ("lol ur fast. tell
// me a joke", "that was quick, thanks") but a word, or a plain question that reports
// no problem ("you rock, where is my order?"). Praise before a statement
// ("ur fast at charging me twice", "that was fast... too bad it's the
// wrong item") or before a problem is the sarcasm of a complaint as often
// as praise, and a thank-you to it mocks the customer.
func (t *turn) praiseStands(rest string) bool {
	left := rest
	for range 4 {
		k, r := t.set.Persona.SmalltalkIn(t.words(left))
		if k == "" {
			break
		}
		left = r
	}
	if !hasWords(left) {
		return true
	}
	if reportsProblem(rest) || t.contrasts(rest) {
		return false
	}
	if len(strings.FieldsFunc(text.Normalize(left), notAWordSplit)) == 1 {
		return true // "잘했어요 최고!": one more word of praise
	}
	for _, p := range splitQuestions(left) {
		if p.asksQuestion() {
			return true
		}
	}
	return false
}

// contrasts reports whether s turns against what came before it ("fast
// but slow to refund", "快是快，可是…", "빠르긴 한데 근데…"): the contrast
// cues of smalltalk.yaml.
func (t *turn) contrasts(s string) bool { return t.set.Persona.Cue("contrast", s) }
