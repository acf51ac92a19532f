// Package knowledge loads the knowledge base ops keep as Markdown files and
// matches customer messages to its entries.
//
// One entry per file, knowledge/<lang>/<id>.md or knowledge/<id>.md, with
// YAML front matter (title:, questions:, tip:, also:, tags:, lang:, closed_list:) and the answer
// as the body. See Load for the rules, matcher.go for the Matcher
// interface and calibration, and lexical.go for lexical matching.
package knowledge

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/batonhq/baton/bot/text"
)

// Entry is one answer of the knowledge base in one language.
//
// The same ID under several language folders (en/, zh/, ko/) is one entry
// in several translations; Base keeps them together.
type Entry struct {
	ID        string   // path below knowledge/ without .md and without the language folder
	Lang      string   // language of this translation ("en", "zh", "ko", ...); "" when unknown
	Questions []string // example phrasings (required)
	// Label is the title: of the front matter, the entry's public name in
	// this language ("" when absent): use Title, which falls back to the
	// first question.
	Label string
	Tip   string   // one sentence worth mentioning proactively (optional)
	Also  []string // ids whose tip to add to this answer
	Tags  []string
	// ClosedList: the answer's list is all there is (payment methods), so
	// a thing a follow-up names that the entry does not have is said not
	// to be on it. Other entries list examples (shipping times are not a
	// list of countries) and answer such a follow-up whole.
	ClosedList bool
	Answer     string // the Markdown body
	File       string // path of the source file, for ops and `baton match`

	questionLines []int // the file line of each question, for problems
}

// Title is what customers see the entry called: topic buttons, the hedge
// ("This sounds like a question about “…”"), the heading of each part of a
// multi-part answer. It is the title: of the file, or else its first
// question, so that without a title adding a question at the top renames
// the entry (baton check advises a title).
func (e *Entry) Title() string {
	if e.Label != "" {
		return e.Label
	}
	if len(e.Questions) == 0 {
		return ""
	}
	return e.Questions[0]
}

// Problem is one thing wrong with a file, printed as "file:line: message".
type Problem = text.Problem

// Base is a loaded knowledge base. It is immutable after Load and safe for
// concurrent use. Matching is a Matcher's job (see matcher.go).
type Base struct {
	entries   map[string]map[string]*Entry // id -> lang -> entry
	ids       []string                     // sorted
	questions []Question                   // every example question, in Questions' order
	// shared marks the questions another entry has word for word: they
	// cannot be answered right, so calibration leaves them out (see
	// sharedQuestions).
	shared []bool

	termsOnce sync.Once                  // answerTerms
	terms     map[string]map[string]int  // lang -> term -> entries whose answer uses it
	termsN    map[string]int             // lang -> entries
	answerSet map[*Entry]map[string]bool // entry -> its answer's terms
}

// Question is one example question of the base. Its position in
// Base.Questions is the number a Ranker is asked to leave out.
type Question struct {
	ID, Lang, Text string
}

// Questions lists every example question: entries in id order, their
// translations in language order, questions in file order. Calibration
// asks each of them of the base without it.
func (b *Base) Questions() []Question { return b.questions }

// DefaultLang is the language of a file with neither a language folder
// nor a lang: key.
const DefaultLang = "en"

// Load reads every *.md file below root in fsys. Files with problems are
// skipped and reported; the rest still load, so one bad file never takes
// the bot down. Problems name files as root joined with the path below it
// (for example "knowledge/en/returns.md"), sorted by file and line.
//
// A file's id is its path below root without ".md" and without a leading
// language folder (en/, zh/, pt-BR/, zh-Hant/ ...); the language is the
// folder's, overridden by a lang: key, and "en" when neither is given.
// Fatal problems (the file is skipped): not UTF-8, missing or unclosed or
// malformed front matter, missing or empty questions:, empty answer, and
// an id already defined for the same language. Reported but loaded:
// unknown keys, single bad questions, bad tip/tags/lang values, and also:
// references to ids that do not exist (the reference is dropped).
func Load(fsys fs.FS, root string) (*Base, []Problem) {
	root = path.Clean(root)
	b := &Base{entries: map[string]map[string]*Entry{}}
	var problems []Problem
	type pending struct {
		e    *Entry
		also []ref
	}
	var loaded []pending
	err := fs.WalkDir(fsys, root, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			problems = append(problems, Problem{File: name, Line: 1, Msg: fmt.Sprintf("cannot read: %v", err)})
			if d != nil && d.IsDir() && name != root {
				return fs.SkipDir
			}
			return nil
		}
		base := d.Name()
		if name != root && strings.HasPrefix(base, ".") {
			// Editor swap files, .git and macOS "._x.md" are not knowledge.
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !strings.EqualFold(path.Ext(base), ".md") {
			return nil
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			problems = append(problems, Problem{File: name, Line: 1, Msg: fmt.Sprintf("cannot read: %v", err)})
			return nil
		}
		p := parseFile(name, data)
		problems = append(problems, p.problems...)
		if p.fatal {
			return nil
		}
		e := p.entry
		id, folderLang := idOf(root, name)
		if id == "" {
			problems = append(problems, Problem{File: name, Line: 1, Msg: "file name gives an empty id"})
			return nil
		}
		e.ID = id
		switch {
		case e.Lang == "":
			e.Lang = folderLang
			if e.Lang == "" {
				e.Lang = DefaultLang
			}
		case folderLang != "" && e.Lang != folderLang:
			problems = append(problems, Problem{File: name, Line: p.langLine,
				Msg: fmt.Sprintf("lang: %s disagrees with the folder %s/; using %s", e.Lang, folderLang, e.Lang)})
		}
		tr := b.entries[id]
		if tr == nil {
			tr = map[string]*Entry{}
			b.entries[id] = tr
		}
		if prev, dup := tr[e.Lang]; dup {
			problems = append(problems, Problem{File: name, Line: 1,
				Msg: fmt.Sprintf("duplicate id %q for language %s: already defined in %s; this file is not served until fixed", id, e.Lang, prev.File)})
			return nil
		}
		tr[e.Lang] = e
		loaded = append(loaded, pending{e, p.also})
		return nil
	})
	if err != nil {
		problems = append(problems, Problem{File: root, Line: 1, Msg: fmt.Sprintf("cannot read: %v", err)})
	}

	// also: can only be checked once every file is in.
	for _, l := range loaded {
		for _, r := range l.also {
			switch {
			case r.id == l.e.ID:
				problems = append(problems, Problem{File: l.e.File, Line: r.line, Msg: fmt.Sprintf("also: %q is this entry itself", r.id)})
			case b.entries[r.id] == nil:
				problems = append(problems, Problem{File: l.e.File, Line: r.line, Msg: fmt.Sprintf("also: no entry with id %q", r.id)})
			default:
				l.e.Also = append(l.e.Also, r.id)
			}
		}
	}
	for id := range b.entries {
		b.ids = append(b.ids, id)
	}
	sort.Strings(b.ids)
	for _, id := range b.ids {
		for _, l := range b.Langs(id) {
			for _, q := range b.entries[id][l].Questions {
				b.questions = append(b.questions, Question{ID: id, Lang: l, Text: q})
			}
		}
	}
	problems = append(problems, b.sharedQuestions()...)
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].File != problems[j].File {
			return problems[i].File < problems[j].File
		}
		return problems[i].Line < problems[j].Line
	})
	return b, problems
}

// sharedQuestions finds the questions two entries of one language have
// word for word (a copied file, a question pasted twice). Customers asking
// one get either answer, and calibration, which asks each question of the
// base without it, would count every one as a confident wrong answer: a
// copied entry's dozens of them made it refuse every answer of the whole
// base. So they are left out of calibration and reported at both places
// (sorted with the other problems by Load).
func (b *Base) sharedQuestions() []Problem {
	type at struct {
		i    int
		e    *Entry
		line int
	}
	type dup struct {
		e, other        *Entry
		line, otherLine int
		q               string
	}
	first := map[string]at{}
	b.shared = make([]bool, len(b.questions))
	var dups []dup
	var problems []Problem
	n := map[*Entry]int{} // questions of the entry seen so far
	for i, q := range b.questions {
		e := b.entries[q.ID][q.Lang]
		k := n[e]
		n[e]++
		line := 1
		if k < len(e.questionLines) {
			line = e.questionLines[k]
		}
		key := q.Lang + "\x00" + strings.Join(strings.FieldsFunc(text.Normalize(q.Text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsNumber(r)
		}), " ")
		f, seen := first[key]
		if !seen {
			first[key] = at{i, e, line}
			continue
		}
		if f.e.ID == q.ID {
			continue // the same entry twice: harmless
		}
		b.shared[i], b.shared[f.i] = true, true
		dups = append(dups, dup{e, f.e, line, f.line, q.Text})
	}
	// A copied file shares all its questions: one line for it, not dozens.
	pairs := map[[2]*Entry]int{}
	for _, d := range dups {
		pairs[[2]*Entry{d.e, d.other}]++
	}
	for _, d := range dups {
		switch n := pairs[[2]*Entry{d.e, d.other}]; {
		case n >= 3:
			problems = append(problems, Problem{File: d.e.File, Line: d.line,
				Msg: fmt.Sprintf("%d questions from here on are word for word questions of %s (%s), a copy? Customers asking them could get either answer; keep each question in one entry", n, d.other.ID, d.other.File)},
				Problem{File: d.other.File, Line: d.otherLine,
					Msg: fmt.Sprintf("%d questions from here on are word for word questions of %s (%s), a copy? Customers asking them could get either answer; keep each question in one entry", n, d.e.ID, d.e.File)})
			pairs[[2]*Entry{d.e, d.other}] = 0
		case n > 0:
			// Both places: whichever file ops just edited (the gaps page
			// adding a question checks only its own file) must show it.
			problems = append(problems, Problem{File: d.e.File, Line: d.line,
				Msg: fmt.Sprintf("question %q is also a question of %s (%s:%d): customers asking it could get either answer; keep it in one entry", d.q, d.other.ID, d.other.File, d.otherLine)},
				Problem{File: d.other.File, Line: d.otherLine,
					Msg: fmt.Sprintf("question %q is also a question of %s (%s:%d): customers asking it could get either answer; keep it in one entry", d.q, d.e.ID, d.e.File, d.line)})
		}
	}
	return problems
}

// idOf derives the entry id and the language folder ("" when none) from a
// file path.
func idOf(root, name string) (id, lang string) {
	rel := name
	if root != "." && root != "" {
		rel = strings.TrimPrefix(strings.TrimPrefix(name, root), "/")
	}
	rel = rel[:len(rel)-len(path.Ext(rel))]
	if first, rest, ok := strings.Cut(rel, "/"); ok {
		if tag, isLang := langFolder(first); isLang {
			return rest, tag
		}
	}
	return rel, ""
}

// IDs lists the entry ids, sorted.
func (b *Base) IDs() []string { return b.ids }

// Len is the number of distinct entry ids.
func (b *Base) Len() int { return len(b.ids) }

// Entry returns the translation of id in lang, falling back to the same
// base language ("zh-Hant" -> "zh"), then English, then any translation
// (the alphabetically first, so the choice is stable). ok is false when id
// does not exist.
func (b *Base) Entry(id, lang string) (e *Entry, ok bool) {
	tr := b.entries[id]
	if len(tr) == 0 {
		return nil, false
	}
	if e, ok := tr[lang]; ok {
		return e, true
	}
	primary, _, _ := strings.Cut(lang, "-")
	primary = strings.ToLower(primary)
	var sameBase []string
	for l := range tr {
		if p, _, _ := strings.Cut(l, "-"); strings.EqualFold(p, primary) {
			sameBase = append(sameBase, l)
		}
	}
	if len(sameBase) > 0 {
		sort.Strings(sameBase)
		return tr[sameBase[0]], true
	}
	if e, ok := tr[DefaultLang]; ok {
		return e, true
	}
	langs := make([]string, 0, len(tr))
	for l := range tr {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	return tr[langs[0]], true
}

// Langs lists the languages id is translated into, sorted.
func (b *Base) Langs(id string) []string {
	var out []string
	for l := range b.entries[id] {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// isShared reports whether question i of Questions is word for word a
// question of another entry too (see sharedQuestions).
func (b *Base) isShared(i int) bool { return i < len(b.shared) && b.shared[i] }
