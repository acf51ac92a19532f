package knowledge

import (
	"fmt"
	"slices"
	"strings"
)

// Advice kinds, so `baton check` can group and cut long lists.
const (
	AdviceTitle = "title"
	AdviceLang  = "lang"
)

// Advice is a suggestion about a file that is not a problem: the entry is
// served as it is, but customers are better served once it is followed.
type Advice struct {
	Problem
	Kind string // AdviceTitle, AdviceLang
}

// Advice lists what `baton check` suggests beyond problems, sorted by
// file:
//   - an entry written in fewer of the base's languages than the base has:
//     the matcher reads a message against the questions, so customers of a
//     missing language asking it get no answer;
//   - a translation without title:, whose first question names it on
//     buttons and in hedges, so adding a question at the top renames it.
func (b *Base) Advice() []Advice {
	all := map[string]bool{}
	for _, tr := range b.entries {
		for l := range tr {
			all[l] = true
		}
	}
	var out []Advice
	for _, id := range b.ids {
		langs := b.Langs(id)
		if len(all) > 1 && len(langs) < len(all) {
			var missing []string
			for l := range all {
				if !slices.Contains(langs, l) {
					missing = append(missing, l)
				}
			}
			slices.Sort(missing)
			e := b.entries[id][langs[0]]
			out = append(out, Advice{Kind: AdviceLang, Problem: Problem{File: e.File, Line: 1,
				Msg: fmt.Sprintf("only in %s; %s customers asking this in their language get no answer (their words are matched against the %s questions): write it in %s too",
					and(langs), and(missing), and(langs), and(missing))}})
		}
		for _, l := range langs {
			e := b.entries[id][l]
			if e.Label != "" {
				continue
			}
			line := 1
			if len(e.questionLines) > 0 {
				line = e.questionLines[0]
			}
			q := strings.TrimSpace(e.Questions[0])
			out = append(out, Advice{Kind: AdviceTitle, Problem: Problem{File: e.File, Line: line,
				Msg: fmt.Sprintf("no title:; its first question %q names it on buttons and in hedges, so a question added above it renames it: add title: %q", q, q)}})
		}
	}
	slices.SortStableFunc(out, func(x, y Advice) int {
		if c := strings.Compare(x.File, y.File); c != 0 {
			return c
		}
		return x.Line - y.Line
	})
	return out
}

// and joins languages as "en", "en and zh", "en, ko and zh".
func and(ls []string) string {
	if len(ls) < 2 {
		return strings.Join(ls, "")
	}
	return strings.Join(ls[:len(ls)-1], ", ") + " and " + ls[len(ls)-1]
}
