package knowledge_test

import (
	"testing"

	"github.com/batonhq/baton/bot/knowledge/suitetest"
	"github.com/batonhq/baton/bot/text"
)

// heldOutCopy is the Jaccard similarity of two term sets from which a
// knowledge question counts as a copy of a held-out line. 0.7 catches the
// near copies found in review ("how do i send stuff back", "邮费怎么算的",
// "결제수단 뭐뭐 있어요" next to their held-out lines) while questions that
// merely share a topic word or two with a line stay well below it.
const heldOutCopy = 0.7

// TestParaphraseHeldOutNotInKnowledge keeps the paraphrase suite's
// held-out half (odd lines, see suitetest.RunHalves) out of the shipped
// knowledge base: an example question that is a copy or near copy of a
// held-out line makes the held-out numbers measure memory, not
// generalisation. Dev lines may be learned from and are not checked.
func TestParaphraseHeldOutNotInKnowledge(t *testing.T) {
	set := shippedSet(t)
	type question struct {
		text, file string
		terms      map[string]bool
	}
	byLang := map[string][]question{}
	for _, q := range set.KB.Questions() {
		e, ok := set.KB.Entry(q.ID, q.Lang)
		file := q.ID
		if ok {
			file = e.File
		}
		byLang[q.Lang] = append(byLang[q.Lang], question{q.Text, file, text.TermSet(q.Text)})
	}
	for _, lang := range suitetest.Langs {
		if len(byLang[lang]) == 0 {
			t.Fatalf("%s: no knowledge questions loaded", lang)
		}
		for i, l := range suitetest.Read(t, lang) {
			if i%2 == 0 { // dev half
				continue
			}
			line := text.TermSet(l.Query)
			for _, q := range byLang[lang] {
				if j := text.Jaccard(line, q.terms); j >= heldOutCopy {
					t.Errorf("%s: question %q is a copy of held-out line %d %q (Jaccard %.2f)", q.file, q.text, i+1, l.Query, j)
				}
			}
		}
	}
}
