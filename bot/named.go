package bot

import (
	"strings"
	"unicode"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/text"
)

// allItems reports whether every unit at is an item of a list ("•
// PayPal, Apple Pay and Google Pay", "• International standard: … Korea
// …"): a follow-up naming a thing one of them names is told yes, it is
// there, as a closed list's item is.
func allItems(pa passage, at []int) bool {
	for _, i := range at {
		if !pa.units[i].item {
			return false
		}
	}
	return len(at) > 0
}

// namesAsWritten reports whether body names every telling word of words
// (a follow-up's words past its markers, normalised: "apple pay", "to
// korea", "支付宝", "카카오페이") as a whole word, or, in Chinese and
// Korean, as written: a yes to "and for a week?" must not rest on
// "weekend", which the stemmed terms match. Words that tell nothing
// ("to", "for") are passed over; no telling word is no yes.
func namesAsWritten(body, words string) bool {
	low := text.Normalize(body)
	whole := map[string]bool{}
	for _, w := range strings.FieldsFunc(low, notAWordSplit) {
		whole[w] = true
	}
	told := 0
	for _, w := range strings.FieldsFunc(words, notAWordSplit) {
		cjk := hasScript(w, unicode.Han) || hasScript(w, unicode.Hangul)
		switch {
		case cjk && strings.Contains(low, w):
		case cjk:
			return false
		case tellsNothing(w):
			continue
		case !whole[w]:
			return false
		}
		told++
	}
	return told > 0
}

// tellsNothing reports whether an English word of a follow-up is a stop
// word ("to" in "and to Korea?"), as the matcher stems it.
func tellsNothing(w string) bool {
	ts := text.Terms(w)
	return len(ts) == 0 || text.IsStopWord(ts[0])
}

// spelledAs is thing as body spells it, when body has it in other letter
// case ("Apple Pay" for "apple pay"): the name said back as the shop
// writes it. Else thing as the customer wrote it.
func spelledAs(body, thing string) string {
	if thing == "" || !text.IsASCII(thing) {
		return thing
	}
	if at := strings.Index(text.LowerASCII(body), text.LowerASCII(thing)); at >= 0 {
		return body[at : at+len(thing)]
	}
	return thing
}

// sharesContent reports whether msg shares a word that is not a stop word
// (a lexicon concept, a Chinese or Korean character pair) with the
// questions or title of entry id in lang: real evidence that msg speaks of
// what the entry is about, not a score made of "this is".
func sharesContent(msg string, kb *knowledge.Base, id, lang string, lex *text.Lexicon) bool {
	e, ok := kb.Entry(id, lang)
	if !ok {
		return false
	}
	own := termSet(msg, lex)
	if len(own) == 0 {
		return false
	}
	for _, q := range append([]string{e.Title()}, e.Questions...) {
		for t := range termSet(q, lex) {
			if own[t] {
				return true
			}
		}
	}
	return false
}

// askedOf reports whether any of the earlier questions has any of terms.
func askedOf(earlier []string, terms map[string]bool, lex *text.Lexicon) bool {
	for _, q := range earlier {
		for t := range termSet(q, lex) {
			if terms[t] {
				return true
			}
		}
	}
	return false
}
