package bot

import (
	"slices"
	"sync"
	"unicode"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/lang"
	"github.com/batonhq/baton/bot/text"
)

// A first candidate whose subject the message never names, while the
// message names another candidate's, is a look-alike, not an answer: the
// customer's sentence has the frame of one of its example questions with
// the thing it is about swapped for another. "do you deliver on weekends"
// is "are you open on weekends" with delivery for support; "still haven't
// received my order" is "I haven't received my refund yet" with the order
// for the refund; "반품하고 싶어요 … 마음에 안 들어서" is "색깔이 마음에 안
// 들어서 교환하고 싶어요" with 반품 for 교환. The words they share are the
// frame ("on weekends", "haven't received", "마음에 안 들어서"), and the
// calibrated decision, which weighs shared words, cannot tell. So the
// first candidate is not answered, asked about or hedged; the candidate
// whose subject the message names comes first among the topics offered.
//
// An entry's subject is what most of its example questions name:
// words in at least minSubjectShare of them (refund for the refunds
// entry, 반품 for the Korean return entry). Read only where both versions
// are in the message's language and have minSubjectQuestions example
// questions or more: with a handful, every word of each is "most of
// them", and a version in another language names nothing the message
// could.

// subjects holds each entry version's subject words, per loaded base.
type subjects struct {
	mu sync.Mutex
	by map[subjectKey]versionTerms
}

// versionTerms are the words of one entry version's example questions.
type versionTerms struct {
	subject map[string]bool // in at least minSubjectShare of them
	all     map[string]bool // in any of them
}

type subjectKey struct {
	kb       *knowledge.Base
	lex      *text.Lexicon
	id, lang string
}

// maxSubjects bounds the kept sets: a base reloaded many times over
// starts afresh.
const maxSubjects = 4096

var entrySubjects = &subjects{by: map[subjectKey]versionTerms{}}

// minSubjectQuestions is how many example questions a version needs for
// what most of them name to be its subject.
const minSubjectQuestions = 10

// of is entry id's question words in lang (none when it has no version
// there; no subject with fewer than minSubjectQuestions questions).
// Korean subject words are the whole two-syllable words of its questions
// (koNouns), not the character pairs inside longer ones or across a word
// and its ending ("일요일에도" has 에도), which say nothing of the subject.
func (s *subjects) of(kb *knowledge.Base, lex *text.Lexicon, id, lang string) versionTerms {
	k := subjectKey{kb, lex, id, lang}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.by[k]; ok {
		return v
	}
	var v versionTerms
	if e, ok := kb.Entry(id, lang); ok && e.Lang == lang && len(e.Questions) > 0 {
		n := map[string]int{}
		v.all = map[string]bool{}
		for _, q := range e.Questions {
			terms := namedTerms(termSet(q, lex))
			for t := range terms {
				v.all[t] = true
			}
			if hasScript(q, unicode.Hangul) {
				nouns := koNouns(q)
				for t := range terms {
					if hasScript(t, unicode.Hangul) && !nouns[t] {
						delete(terms, t)
					}
				}
			}
			for t := range terms {
				n[t]++
			}
		}
		if len(e.Questions) >= minSubjectQuestions {
			v.subject = map[string]bool{}
			for t, c := range n {
				if float64(c) >= minSubjectShare*float64(len(e.Questions)) {
					v.subject[t] = true
				}
			}
		}
	}
	if len(s.by) >= maxSubjects {
		clear(s.by)
	}
	s.by[k] = v
	return v
}

// swappedSubject is cands with the first candidate made unsure when msg
// names none of its subject words but names, in its own words, a subject
// word of another of the first three that none of the first's example
// questions use; that other candidate then comes first. Otherwise cands
// is returned as it is (it is never changed in place). named is the
// subject word that moved it ("" when nothing did).
func swappedSubject(kb *knowledge.Base, lex *text.Lexicon, msg string, cands []knowledge.Match) (out []knowledge.Match, named string) {
	if kb == nil || len(cands) < 2 || cands[0].Tier() == knowledge.Unsure {
		return cands, ""
	}
	first := cands[0]
	if first.Lang != lang.Dominant(msg) {
		return cands, ""
	}
	firstTerms := entrySubjects.of(kb, lex, first.ID, first.Lang)
	own := firstTerms.subject
	if len(own) == 0 {
		return cands, ""
	}
	words := namedTerms(termSet(msg, lex))
	for t := range own {
		if words[t] {
			return cands, ""
		}
	}
	// The other's subject is named in the customer's own words, not
	// through the lexicon: "stuff" reads as item, yet "when will my stuff
	// get here" names no item the way a damaged-item question does.
	literal := namedTerms(termSet(msg, nil))
	for i := 1; i < min(3, len(cands)); i++ {
		if cands[i].Lang != first.Lang {
			continue
		}
		for t := range entrySubjects.of(kb, lex, cands[i].ID, cands[i].Lang).subject {
			if !literal[t] {
				continue
			}
			if firstTerms.all[t] {
				continue
			}
			out = slices.Clone(cands)
			out[0].SetTier(knowledge.Unsure)
			other := out[i]
			copy(out[1:i+1], out[0:i])
			out[0] = other
			out[0].SetTier(knowledge.Unsure)
			return out, t
		}
	}
	return cands, ""
}
