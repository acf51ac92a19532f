package bot

import (
	"sync"
	"unicode"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/text"
)

// namesUnknownHan reports whether a Chinese message names, right before
// a word of entry id, a thing no entry of the base speaks of: "有没有学生
// 优惠" asks about a student discount, and the discount-code entry, sure
// of 优惠, says nothing of students (walk 2026-12-06). English gets there
// by the matcher's share of unknown words; Chinese terms are character
// pairs, and a pair across two words is unknown however ordinary the
// words, so only a whole word counts: the part of a segment (SegmentCJK
// cuts at function words) before the entry's first pair, two characters
// or more, none of whose pairs any entry in the language uses
// (answers, tips or questions), before a pair that is the entry's
// subject (subjectOf): 优惠 of the discount codes. "索尼耳机可以退货吗"
// still answers: 耳机 is not what the return steps are about.
func namesUnknownHan(kb *knowledge.Base, lex *text.Lexicon, id, lang, msg string) bool {
	if lang != "zh" || !hasScript(msg, unicode.Han) {
		return false
	}
	e, ok := kb.Entry(id, lang)
	if !ok {
		return false
	}
	var own, known map[string]bool
	for _, tok := range lex.Apply(text.Tokenize(msg)) {
		if !tok.CJK || tok.Concept || tok.Linked {
			continue
		}
		for _, seg := range text.SegmentCJK(tok.Text) {
			r := []rune(seg)
			if len(r) < 4 || text.IsFunctionWord(seg) {
				continue
			}
			if own == nil {
				own = termSet(e.Answer, lex)
				for _, s := range append([]string{e.Tip}, e.Questions...) {
					for t := range termSet(s, lex) {
						own[t] = true
					}
				}
				known = knownTerms(kb, lang, lex)
			}
			for k := 0; k+2 <= len(r); k++ {
				if !own[string(r[k:k+2])] {
					continue
				}
				if k < 2 || !subjectOf(kb, lex, id, lang, string(r[k:k+2])) {
					break // a word the entry uses in passing (耳机 in the return steps)
				}
				unknown := true
				for j := 0; j+2 <= k; j++ {
					unknown = unknown && !known[string(r[j:j+2])]
				}
				if unknown {
					return true
				}
				break
			}
		}
	}
	return false
}

var (
	knownMu sync.Mutex
	knowns  = map[freqKey]map[string]bool{}
)

// knownTerms is every term the entries of lang use, in their answers,
// tips and questions; kept per base like unitFreq.
func knownTerms(kb *knowledge.Base, lang string, lex *text.Lexicon) map[string]bool {
	k := freqKey{kb, lang}
	knownMu.Lock()
	defer knownMu.Unlock()
	if m, ok := knowns[k]; ok {
		return m
	}
	m := map[string]bool{}
	for _, id := range kb.IDs() {
		e, ok := kb.Entry(id, lang)
		if !ok || e.Lang != lang {
			continue
		}
		for _, s := range append([]string{e.Answer, e.Tip}, e.Questions...) {
			for t := range termSet(s, lex) {
				m[t] = true
			}
		}
	}
	if len(knowns) >= maxFreqs {
		clear(knowns)
	}
	knowns[k] = m
	return m
}
