package bot

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

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
//
// A capital only on the first letter where a sentence or an item starts
// ("• Credit and debit cards") says nothing of how the shop spells the
// name: "and credit?" is "Yes, credit too", not "Yes, Credit too" (review
// A W2). "PayPal" or "Apple Pay" at an item's start still says it.
func spelledAs(body, thing string) string {
	if thing == "" || !text.IsASCII(thing) {
		return thing
	}
	low, want := text.LowerASCII(body), text.LowerASCII(thing)
	for from := 0; from < len(low); {
		i := strings.Index(low[from:], want)
		if i < 0 {
			break
		}
		at := from + i
		from = at + len(want)
		s := body[at : at+len(thing)]
		if startsSentence(body[:at]) && s[1:] == text.LowerASCII(s[1:]) {
			continue
		}
		return s
	}
	return thing
}

// startsSentence reports whether what follows before starts a sentence
// or a list item.
func startsSentence(before string) bool {
	b := strings.TrimRightFunc(before, unicode.IsSpace)
	r, _ := utf8.DecodeLastRuneInString(b)
	return b == "" || strings.Contains(before[len(b):], "\n") || strings.ContainsRune(".!?•-*", r)
}

// sharesContent reports whether msg shares a word that is not a stop word
// (a lexicon concept, a Chinese or Korean character pair) with the
// questions or title of entry id in lang: real evidence that msg speaks of
// what the entry is about, not a score made of "this is" or "not".
func sharesContent(msg string, kb *knowledge.Base, id, lang string, lex *text.Lexicon) bool {
	e, ok := kb.Entry(id, lang)
	if !ok {
		return false
	}
	own := termSet(withoutJudgements(msg), lex)
	if len(own) == 0 {
		return false
	}
	for _, q := range append([]string{e.Title()}, e.Questions...) {
		for t := range termSet(q, lex) {
			if own[t] && !sharedByAnyComplaint[t] {
				return true
			}
		}
	}
	return false
}

// sharedByAnyComplaint are terms the matcher keeps that any complaint
// has: a "not" ("this is not ok", "this is not good enough") says how
// they feel, not what went wrong, so it is no evidence of an entry
// ("This is not my order.") (review A W4).
var sharedByAnyComplaint = map[string]bool{"not": true, "no": true, "never": true}

// judgements are words that say how good something is ("this is not good
// enough", "terrible", "not ok"): how the customer feels about it, not
// what went wrong, so they are no evidence of an entry. Dropped before
// the lexicon reads the message, which would read "good" as "goods", an
// item ("Sorry about the mix-up" for a wrong item nobody mentioned: walk4
// 2026-12-07).
var judgements = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"good", "bad", "great", "fine", "ok", "okay", "enough", "terrible", "awful", "horrible", "poor", "worst", "best", "better", "worse"} {
		for _, t := range text.Tokenize(w) {
			m[t.Text] = true
		}
	}
	return m
}()

// withoutJudgements is msg without its judgement words (judgements), as
// evidence of what went wrong is read.
func withoutJudgements(msg string) string {
	var b strings.Builder
	for _, w := range strings.Fields(msg) {
		core := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		if core != "" {
			if toks := text.Tokenize(core); len(toks) == 1 && !toks[0].CJK && judgements[toks[0].Text] {
				continue
			}
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// askedOf reports whether any of the earlier questions has any of terms.
func askedOf(earlier []string, terms map[string]bool, lex *text.Lexicon) bool {
	for _, q := range earlier {
		if hasAny(terms, termSet(q, lex)) {
			return true
		}
	}
	return false
}

// headTerms are the terms of the last word of a thing named (words, as
// followUpOf gives them): in English the word a thing is a kind of
// ("installments" in "credit card installments", "card" in "my bank's
// debit card" and in "a debit card from my bank"), in Chinese and Korean its last two characters ("分期" in
// "信用卡分期", "할부" in "카드 할부").
func headTerms(words string, lex *text.Lexicon) map[string]bool {
	ws := strings.FieldsFunc(text.Normalize(words), notAWordSplit)
	for k := 1; k < len(ws); k++ {
		if postModifier[ws[k]] {
			ws = ws[:k] // "a debit card from my bank": the card
			break
		}
	}
	for i := len(ws) - 1; i >= 0; i-- {
		w := ws[i]
		if hasScript(w, unicode.Han) || hasScript(w, unicode.Hangul) {
			if rs := []rune(w); len(rs) > 2 {
				w = string(rs[len(rs)-2:])
			}
		}
		if head := namedTerms(termSet(w, lex)); len(head) > 0 {
			return head
		}
	}
	return nil
}

// postModifier starts what follows a thing's head in English.
var postModifier = map[string]bool{"from": true, "with": true, "of": true, "for": true, "by": true, "at": true, "in": true,
	"on": true, "through": true, "via": true, "using": true, "issued": true}

// rest looks at the terms of named that no unit at has, on the other
// units of the passage. no are the units that say we do not take a
// thing and have its head, when no unit at has it ("We don't offer …
// instalment plans" for "credit card installments", not "… bank
// transfers" for "my bank's debit card"); other is whether another list
// item has a term the units at lack ("PayPal" for "paypal credit" when
// "Credit and debit cards" was found).
func (p passage) rest(named, head map[string]bool, at []int) (no []int, other bool) {
	missing := map[string]bool{}
	for t := range named {
		has := false
		for _, i := range at {
			has = has || p.units[i].terms[t]
		}
		if !has {
			missing[t] = true
		}
	}
	if len(missing) == 0 {
		return nil, false
	}
	headless := true
	for t := range head {
		headless = headless && missing[t]
	}
	for i, u := range p.units {
		if slices.Contains(at, i) {
			continue
		}
		for t := range missing {
			if !u.terms[t] {
				continue
			}
			if u.item {
				other = true
			} else if saysNot(u.text) && headless && len(head) > 0 && hasAny(u.terms, head) {
				no = append(no, i)
			}
			break
		}
	}
	return no, other
}

func hasAny(terms, of map[string]bool) bool {
	for t := range of {
		if terms[t] {
			return true
		}
	}
	return false
}

// notFor are the units that say we do not take a thing named whose words
// unit at has only some of, its head not among them (rest).
func (p passage) notFor(named, head map[string]bool, at int) []int {
	no, _ := p.rest(named, head, []int{at})
	return no
}
