package knowledge

import "github.com/batonhq/baton/bot/text"

// specificShare is the largest share of a language's entries whose answers
// may use a term for it to be specific: "货到付款", "KakaoPay", "spam" are;
// "order", "订单", "배송" are not.
const specificShare = 0.10

// NamesMore reports whether message names something the entry id's answer
// (in lang) tells apart that earlier does not: a term of message, absent
// from earlier, that the answer uses and few other answers do (at most
// specificShare of the language's entries). "货到付款可以吗" names cash on
// delivery, which "可以用微信支付吗" did not: two questions the payment
// answer covers, not one asked twice. Rewordings of one need ("where is my
// package?", "can you tell me where my order is?") name nothing more.
func (b *Base) NamesMore(id, lang, message, earlier string) bool {
	e, ok := b.Entry(id, lang)
	if !ok {
		return false
	}
	df, n := b.answerTerms(e.Lang)
	if n == 0 {
		return false
	}
	limit := max(1, int(specificShare*float64(n)))
	answer := b.answerSet[e]
	var before map[string]bool // only when a term could count: most messages have none
	for _, t := range text.Terms(message) {
		if !answer[t] || text.IsStopWord(t) || df[t] > limit {
			continue
		}
		if before == nil {
			before = text.TermSet(earlier)
		}
		if !before[t] {
			return true
		}
	}
	return false
}

// answerTerms is, for lang, how many entries' answers use each term, and
// how many entries the language has; computed once per base, with each
// answer's own term set (NamesMore runs on every answered turn, and
// tokenising the whole answer each time cost a webhook message about 25 µs
// of CPU, 2026-12-05).
func (b *Base) answerTerms(lang string) (map[string]int, int) {
	b.termsOnce.Do(func() {
		b.terms = map[string]map[string]int{}
		b.termsN = map[string]int{}
		b.answerSet = map[*Entry]map[string]bool{}
		for _, id := range b.ids {
			for l, e := range b.entries[id] {
				if b.terms[l] == nil {
					b.terms[l] = map[string]int{}
				}
				b.termsN[l]++
				set := text.TermSet(e.Answer)
				b.answerSet[e] = set
				for t := range set {
					b.terms[l][t]++
				}
			}
		}
	})
	return b.terms[lang], b.termsN[lang]
}
