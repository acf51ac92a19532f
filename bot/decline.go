package bot

import (
	"slices"
	"strings"

	"github.com/batonhq/baton/bot/persona"
)

// declinedOpen answers a "no" ("no", "没有", "아니요", "nothing") said
// when we had asked nothing but how we can help: the greeting, the offer
// to help after small talk, "still here". There is nothing to look up in
// it (the knowledge base would guess at "no") and no question to close
// yet: it is fine, and the door stays open (declined_open). A second "no"
// right after that is a goodbye. The "no" to "anything else?" is read
// before (askedAnythingElse). It reports whether it answered.
func (t *turn) declinedOpen(text string) bool {
	last := t.lastBotKind()
	switch last {
	case "", kindClosed, kindGreeting, kindHelp, kindChat, kindAck:
	default:
		return false
	}
	if !t.set.Persona.DeclinesIn(t.words(text)) {
		return false
	}
	if last == kindChat || last == kindAck {
		said := t.s.Turns[t.lastBotTurn()].Text
		if last == kindAck && t.endsSaying(said, "declined_open") {
			// "no", "no": they are done.
			t.s.Misses = 0
			t.closing("bye")
			return true
		}
		if !t.endsSaying(said, "chat_back") && !t.endsSaying(said, "still_here") {
			return false // "tell me what happened" (upset), a rating's reply: not an offer to help
		}
	}
	t.s.Misses = 0
	t.emit(join(t.lead, t.render("declined_open", persona.Data{})), kindAck, "", 0)
	return true
}

// wordingLangs is every language a wording of ours may be in: the
// persona's, and English (which Say falls back to) once, not twice when
// the persona speaks it: each is a rendering per wording, on every turn.
func wordingLangs(p *persona.Persona) []string {
	langs := p.Langs()
	if !slices.Contains(langs, "en") {
		langs = append(langs, "en")
	}
	return langs
}

// endsSaying reports whether text ends with one of the wordings of the
// message key, in any language the persona speaks (the reply may be in
// the customer's previous language).
func (t *turn) endsSaying(text, key string) bool { return t.endingSaid(text, key) != "" }

// endingSaid is the wording of message key that text ends with, in any
// language the persona speaks and any of its variants; "" when it ends
// with none. Trimming a message off a reply trims this wording, not the
// one this turn would render: the reply may have been worded another way.
func (t *turn) endingSaid(text, key string) string {
	text = strings.TrimSpace(text)
	d := t.b.data(t.set, t.s, persona.Data{})
	for _, lang := range wordingLangs(t.set.Persona) {
		for i := range max(t.set.Persona.Variants(lang, key), 1) {
			d.Seed = i
			if said := t.set.Persona.Say(lang, key, d); strings.HasSuffix(text, said) {
				return said
			}
		}
	}
	return ""
}

// withoutEnding is text without the wording of key it ends with, and
// whether it ended with one.
func (t *turn) withoutEnding(text, key string) (string, bool) {
	said := t.endingSaid(text, key)
	if said == "" {
		return text, false
	}
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), said)), true
}

// withoutNextStep is an answer said again without what it ends with for
// a case it does not fit (answer_again_more and its no-desk wording):
// a handoff that follows says who can help instead.
func (t *turn) withoutNextStep(text string) string {
	for _, key := range []string{"answer_again_more", "answer_again_more_nodesk"} {
		if rest, ok := t.withoutEnding(text, key); ok {
			return rest
		}
	}
	return text
}
