package text

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/bot/yamlfile"
)

// Problem is one thing wrong with a file ops edit, printed as
// "file:line: message". knowledge, persona and handoff share this type.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// A Lexicon is ops' vocabulary: words and phrases customers use for the
// same thing. It is data (prompts/lexicon/<lang>.yaml), read by
// LoadLexicon, and applied to tokens by Apply.
//
// A file has two lists of groups:
//
//	same:     # read every member as the first one
//	  - [package, parcel, packet]
//	  - [退款, 退钱]
//	related:  # keep the words, and add a shared concept they all have
//	  - [return, refund, send back]
//	  - [반품, 환불, 돌려보내다]
//
// "same" is for true synonyms; "related" is for words that often stand
// for each other but can also tell two answers apart (a return is not a
// refund): they share a weaker concept term while keeping their own. A
// word may be in several related groups ("return" is about refunds and
// about exchanges): it adds every one of their concepts.
// Members are words or phrases of up to four words; Chinese and Korean
// members match anywhere inside a run of their script. A Korean verb may
// be written in its dictionary form (돌려보내다, 환불하다): the stem
// (돌려보내, 환불) is what is matched, since customers conjugate it.
//
// A same group whose first member is a Latin-script word may list
// Chinese and Korean members: [refund, 退款, 환불]. They link languages:
// a message with 退款 keeps its Chinese (so Chinese entries match it as
// before) and is also read as having the English word, as the English
// word reads in the lexicon (refund and its concepts), marked Linked, so
// that an entry written only in English can answer a Chinese or Korean
// customer. Texts compared within one language drop Linked tokens.
type Lexicon struct {
	words        map[string]rule // one stemmed word -> rule
	phrases      map[string]rule // stemmed words joined by " " -> rule
	starts       map[string]bool // first words of phrases
	cjkSame      *strings.Replacer
	cjkSameRules []cjkRel // the same rules, for Explain (concept is the replacement)
	// cjkSameMarks is cjkSame writing each member as its rule's index in
	// cjkSameRules between NULs, for Explain.
	cjkSameMarks *strings.Replacer
	// cjkVariant rewrites other spellings of Chinese and Korean text
	// (Traditional characters, casual Korean endings) into the standard
	// one before any other rule reads the run, so that a variant reads
	// exactly as its standard form does, same and related rules included.
	cjkVariant      *strings.Replacer
	cjkVariantRules []cjkRel // for Explain
	cjkRel          []cjkRel // longest member first
	cjkCross        []cjkCross
	groups          int
	// common are the Chinese and Korean words of a common: list, as a run
	// reads once its variants and same groups are rewritten (Apply), and
	// commonMax the longest in runes: words every shop's customers use
	// whatever they ask about (AppendCommonSpans).
	common    map[string]bool
	commonMax int
	// conceptStarts are, for each concept, the words a Latin member
	// adding it starts with: Reads answers no without applying the
	// lexicon to a Latin text that has none of them (the core asks of
	// every message whether it reads as another trade's business).
	conceptStarts map[string][]string
}

// cjkCross is a Chinese or Korean member of a same group whose first
// member is Latin script: a run containing it also reads as to.
type cjkCross struct {
	member string
	head   []Token // the first member's tokens, as LoadLexicon reads them
	to     []Token // head with the Latin rules applied (finish)
	file   string
	line   int
}

type rule struct {
	same []string // tokens to read instead (same groups); nil for related
	// concepts are the concept tokens to add: one per related group the
	// word is in (or, for a same group, its first word is in), in file
	// order. A word may be in several: "return" is about refunds and
	// about exchanges, and each concept is one more weak term to match on.
	concepts []concept
	line     int // where the same group lists it (for related rules: the first group's)
	file     string
}

// concept is a related group's concept token and where the group lists
// the word that adds it.
type concept struct {
	text string
	file string
	line int
}

type cjkRel struct {
	member, concept string
	file            string
	line            int
}

// Use is one lexicon rule that applied to a text, for explanations.
type Use struct {
	From, To string // what the customer wrote (normalised) and what it was read as
	File     string
	Line     int
}

// ConceptPrefix starts the text of a concept token Apply adds for a
// related group, so it never equals a word.
const ConceptPrefix = "~"

// maxPhraseWords is the longest phrase a lexicon member may be.
const maxPhraseWords = 4

// Groups is the number of groups loaded.
func (l *Lexicon) Groups() int {
	if l == nil {
		return 0
	}
	return l.groups
}

// Apply rewrites toks by the lexicon: members of same groups become the
// group's first member, and every member of a related group found adds a
// concept token (ConceptPrefix + the group's first member) right after it.
// Latin phrases are matched longest first on Tokenize's stemmed words;
// Chinese and Korean members inside CJK runs. toks is not modified; when
// nothing applies, toks itself is returned. A nil Lexicon returns toks.
func (l *Lexicon) Apply(toks []Token) []Token { return l.apply(toks, nil) }

// Explain is Apply that also says which rules applied, in order.
func (l *Lexicon) Explain(toks []Token) ([]Token, []Use) {
	var uses []Use
	out := l.apply(toks, &uses)
	return out, uses
}

func (l *Lexicon) apply(toks []Token, uses *[]Use) []Token {
	if l == nil || l.groups == 0 {
		return toks
	}
	var out []Token
	changed := false
	start := func(i int) {
		if !changed {
			changed = true
			out = append(make([]Token, 0, len(toks)+4), toks[:i]...)
		}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.CJK {
			f := t.Text
			if l.cjkVariant != nil {
				f = l.cjkVariant.Replace(f)
				if uses != nil && f != t.Text {
					for _, r := range l.cjkVariantRules {
						if strings.Contains(t.Text, r.member) {
							*uses = append(*uses, Use{From: r.member, To: r.concept, File: r.file, Line: r.line})
						}
					}
				}
			}
			if l.cjkSame != nil {
				g := l.cjkSame.Replace(f)
				if uses != nil && g != f {
					// The rules that rewrote the run, in order: a member
					// inside a longer word read as itself did not.
					parts := strings.Split(l.cjkSameMarks.Replace(f), "\x00")
					for k := 1; k < len(parts); k += 2 { // text, index, text, …
						if i, err := strconv.Atoi(parts[k]); err == nil && i < len(l.cjkSameRules) {
							r := l.cjkSameRules[i]
							*uses = append(*uses, Use{From: r.member, To: r.concept, File: r.file, Line: r.line})
						}
					}
				}
				f = g
			}
			var concepts []string
			for _, r := range l.cjkRel {
				if strings.Contains(f, r.member) && !slices.Contains(concepts, r.concept) {
					concepts = append(concepts, r.concept)
					if uses != nil {
						*uses = append(*uses, Use{From: r.member, To: r.concept, File: r.file, Line: r.line})
					}
				}
			}
			var cross []*cjkCross
			for k := range l.cjkCross {
				r := &l.cjkCross[k]
				if strings.Contains(f, r.member) && !slices.ContainsFunc(cross, func(o *cjkCross) bool { return slices.Equal(o.to, r.to) }) {
					cross = append(cross, r)
					if uses != nil {
						*uses = append(*uses, Use{From: r.member, To: joinTexts(r.to), File: r.file, Line: r.line})
					}
				}
			}
			if f != t.Text || len(concepts) > 0 || len(cross) > 0 {
				start(i)
				t.Text = f
			}
			if changed {
				out = append(out, t)
				for _, c := range concepts {
					out = append(out, Token{Text: c, Concept: true})
				}
				for _, r := range cross {
					out = append(out, r.to...)
				}
			}
			continue
		}
		r, n := l.ruleAt(toks, i)
		if n == 0 {
			if changed {
				out = append(out, t)
			}
			continue
		}
		start(i)
		if uses != nil {
			from, _ := phraseKey(toks[i : i+n])
			if r.same != nil {
				to := strings.Join(r.same, " ")
				for _, c := range r.concepts {
					to += " " + c.text
				}
				*uses = append(*uses, Use{From: from, To: to, File: r.file, Line: r.line})
			} else {
				for _, c := range r.concepts {
					*uses = append(*uses, Use{From: from, To: c.text, File: c.file, Line: c.line})
				}
			}
		}
		if r.same != nil {
			for _, w := range r.same {
				out = append(out, Token{Text: w, CJK: isCJKText(w)})
			}
		} else {
			out = append(out, toks[i:i+n]...)
		}
		for _, c := range r.concepts {
			out = append(out, Token{Text: c.text, Concept: true})
		}
		i += n - 1
	}
	if !changed {
		return toks
	}
	return out
}

// ruleAt finds the longest member starting at toks[i]; n is the number
// of tokens it covers, 0 when none.
func (l *Lexicon) ruleAt(toks []Token, i int) (rule, int) {
	if l.starts[toks[i].Text] {
		var buf [64]byte // the key, built without allocating (every message's words come here)
		for n := min(maxPhraseWords, len(toks)-i); n >= 2; n-- {
			key, ok := appendPhraseKey(buf[:0], toks[i:i+n])
			if !ok {
				continue
			}
			if r, ok := l.phrases[string(key)]; ok {
				return r, n
			}
		}
	}
	if r, ok := l.words[toks[i].Text]; ok {
		return r, 1
	}
	return rule{}, 0
}

// Reads reports whether toks, read by the lexicon (Apply), have a token
// whose text is one of terms (words, or concepts: ConceptPrefix and the
// name).
func (l *Lexicon) Reads(toks []Token, terms ...string) bool {
	if l != nil && !l.mayAdd(toks, terms) {
		return false
	}
	return slices.ContainsFunc(l.Apply(toks), func(t Token) bool { return slices.Contains(terms, t.Text) })
}

// mayAdd reports whether Apply may give toks one of terms. It is false
// only when every term is a concept that no member starting at one of
// toks adds: a concept comes only from a rule matched at a token (its
// word, or the first word of its phrase), or from Chinese and Korean runs
// (always applied).
func (l *Lexicon) mayAdd(toks []Token, terms []string) bool {
	for _, term := range terms {
		if !strings.HasPrefix(term, ConceptPrefix) {
			return true
		}
	}
	for _, t := range toks {
		if t.CJK || t.Concept || t.Linked {
			return true
		}
	}
	for _, term := range terms {
		starts := l.conceptStarts[term]
		for _, t := range toks {
			if t.Text == term || slices.Contains(starts, t.Text) {
				return true
			}
		}
	}
	return false
}

// joinTexts is the tokens' texts joined by spaces, for Explain.
func joinTexts(toks []Token) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.Text
	}
	return strings.Join(parts, " ")
}

// phraseKey joins the texts of word tokens; ok is false if any is CJK or a
// concept.
func phraseKey(ts []Token) (string, bool) {
	key, ok := appendPhraseKey(nil, ts)
	return string(key), ok
}

// appendPhraseKey is phraseKey appending to dst.
func appendPhraseKey(dst []byte, ts []Token) ([]byte, bool) {
	for i, t := range ts {
		if t.CJK || t.Concept {
			return dst, false
		}
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, t.Text...)
	}
	return dst, true
}

func isCJKText(s string) bool {
	for _, w := range Words(s) {
		if w.Kind.CJK() {
			return true
		}
	}
	return false
}

// LoadLexicon reads every *.yaml file in dir of fsys (prompts/lexicon/).
// A missing folder is an empty lexicon, not a problem. Bad groups are
// reported as file:line problems and left out; the rest still load, so
// one typo never switches the lexicon off.
func LoadLexicon(fsys fs.FS, dir string) (*Lexicon, []Problem) {
	ld := newLexiconLoader()
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if _, statErr := fs.Stat(fsys, dir); statErr != nil {
			return ld.finish(), nil
		}
		return ld.finish(), []Problem{{File: dir, Line: 1, Msg: fmt.Sprintf("cannot read: %v", err)}}
	}
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		file := path.Join(dir, name)
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			ld.problem(file, 1, "cannot read: %v", err)
			continue
		}
		ld.parse(file, data)
	}
	return ld.finish(), ld.problems
}

// ParseLexicon reads one lexicon file's contents; file names it in
// problems.
func ParseLexicon(file string, data []byte) (*Lexicon, []Problem) {
	ld := newLexiconLoader()
	ld.parse(file, data)
	return ld.finish(), ld.problems
}

type lexiconLoader struct {
	l          *Lexicon
	cjkSame    []string
	cjkVariant []string
	common     []string          // common: words as written (finishCommon)
	seen       map[string]string // normalised member key -> where (same groups and related members)
	problems   []Problem
}

func newLexiconLoader() *lexiconLoader {
	return &lexiconLoader{
		l:    &Lexicon{words: map[string]rule{}, phrases: map[string]rule{}, starts: map[string]bool{}},
		seen: map[string]string{},
	}
}

func (ld *lexiconLoader) problem(file string, line int, format string, args ...any) {
	ld.problems = append(ld.problems, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// EachLink calls fn with each Chinese or Korean member of a group linking
// to English (see Lexicon) that run contains, and the English tokens the
// run reads as for it. run is a CJK token's text as Apply left it (its
// variants and same groups rewritten), where the links were found.
func (l *Lexicon) EachLink(run string, fn func(member string, to []Token)) {
	if l == nil {
		return
	}
	for k := range l.cjkCross {
		if r := &l.cjkCross[k]; strings.Contains(run, r.member) {
			fn(r.member, r.to)
		}
	}
}

func (ld *lexiconLoader) finish() *Lexicon {
	ld.l.cjkVariant = longestFirst(ld.cjkVariant)
	defer ld.finishCommon()
	if len(ld.cjkSame) > 0 {
		// Each group's first word is read as itself, so that no shorter
		// member (of its own group or another) is rewritten inside it:
		// [颜色, 色] read 颜色 as 颜颜色, [이메일, 메일] 이메일 as 이이메일,
		// and [物流单号, 单号] the order number 订单号 (订单 heads its own
		// group) as 订物流单号. A replacer takes the longest match at a
		// place first (longestFirst) and never looks inside it again.
		// marks is the same with each rule's place marked, for Explain.
		pairs := slices.Clone(ld.cjkSame)
		marks := make([]string, 0, len(pairs))
		members := map[string]bool{}
		for i, r := range ld.l.cjkSameRules {
			members[r.member] = true
			marks = append(marks, r.member, fmt.Sprintf("\x00%d\x00", i))
		}
		for _, r := range ld.l.cjkSameRules {
			if h := r.concept; !members[h] {
				members[h] = true
				pairs = append(pairs, h, h)
				marks = append(marks, h, h)
			}
		}
		ld.l.cjkSame, ld.l.cjkSameMarks = longestFirst(pairs), longestFirst(marks)
	}
	// A word a same group rewrites into a related group's member gets
	// that member's concepts too ("money back" -> refund -> ~return).
	for _, m := range []map[string]rule{ld.l.words, ld.l.phrases} {
		for k, r := range m {
			if r.same == nil {
				continue
			}
			key := strings.Join(r.same, " ")
			if rel, ok := ld.l.words[key]; ok && rel.same == nil {
				r.concepts = rel.concepts
			} else if rel, ok := ld.l.phrases[key]; ok && rel.same == nil {
				r.concepts = rel.concepts
			}
			m[k] = r
		}
	}
	ld.l.conceptStarts = map[string][]string{}
	for _, m := range []map[string]rule{ld.l.words, ld.l.phrases} {
		for k, r := range m {
			first, _, _ := strings.Cut(k, " ")
			for _, c := range r.concepts {
				if !slices.Contains(ld.l.conceptStarts[c.text], first) {
					ld.l.conceptStarts[c.text] = append(ld.l.conceptStarts[c.text], first)
				}
			}
		}
	}
	slices.SortStableFunc(ld.l.cjkRel, func(a, b cjkRel) int { return len(b.member) - len(a.member) })
	// A linked English word reads as the English side reads it
	// ("payment" -> pay, with pay's concepts), whichever file lists it.
	for i := range ld.l.cjkCross {
		r := &ld.l.cjkCross[i]
		r.to = slices.Clone(ld.l.apply(r.head, nil))
		for j := range r.to {
			r.to[j].Linked = true
		}
	}
	return ld.l
}

func (ld *lexiconLoader) parse(file string, data []byte) {
	if !utf8.Valid(data) {
		ld.problem(file, 1, "not UTF-8 text")
		return
	}
	doc, err := yamlfile.Parse(data)
	if err != nil {
		line, msg := yamlfile.Where(err)
		ld.problem(file, line, "not valid YAML: %s", msg)
		return
	}
	if len(doc.Content) == 0 {
		return // empty file
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		if top.Kind == yaml.ScalarNode && strings.Contains(top.Value, "：") {
			ld.problem(file, top.Line, "%q uses a full-width colon (：); write %q", beforeColon(top.Value)+"：", beforeColon(top.Value)+":")
			return
		}
		ld.problem(file, top.Line, "expected same: and related: lists of groups at the top level")
		return
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "same", "related", "variants", "common":
		default:
			if strings.Contains(k.Value, "：") {
				ld.problem(file, k.Line, "%q uses a full-width colon (：); write %q", k.Value, strings.ReplaceAll(k.Value, "：", ":"))
				continue
			}
			ld.problem(file, k.Line, "unknown key %q (known: same, related, variants, common)", k.Value)
			continue
		}
		if v.Kind == yaml.ScalarNode && (v.Tag == "!!null" || v.Value == "") {
			continue
		}
		if v.Kind != yaml.SequenceNode {
			ld.problem(file, v.Line, "%s: expected a list of groups, one per line: - [parcel, package]", k.Value)
			continue
		}
		for _, g := range v.Content {
			switch k.Value {
			case "variants":
				ld.variant(file, g)
				continue
			case "common":
				ld.commonGroup(file, g)
				continue
			}
			ld.group(file, k.Value == "related", g)
		}
	}
}

// member is one parsed member of a group.
type member struct {
	raw  string
	line int
	toks []Token
	key  string // space-joined token texts
	pure string // the same without the tokenizer's own synonym folding
	cjk  bool   // a single CJK run
}

func (ld *lexiconLoader) group(file string, related bool, g *yaml.Node) {
	kind := "same"
	if related {
		kind = "related"
	}
	var raws []*yaml.Node
	switch {
	case g.Kind == yaml.SequenceNode:
		raws = g.Content
	case g.Kind == yaml.ScalarNode && g.Tag != "!!null" && strings.ContainsAny(g.Value, "【】［］"):
		// A Chinese or Korean keyboard's brackets make the group one
		// string whose first and last members keep a bracket, so they
		// would never match: said at the line, with the fix.
		ld.problem(file, g.Line, "%s: %q uses full-width brackets (【 】 or ［ ］); write the group as [first, second]", kind, g.Value)
		return
	case g.Kind == yaml.ScalarNode && g.Tag != "!!null":
		// "parcel, package" written without brackets.
		for _, part := range strings.FieldsFunc(g.Value, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
			raws = append(raws, &yaml.Node{Kind: yaml.ScalarNode, Value: part, Line: g.Line})
		}
	default:
		ld.problem(file, g.Line, "%s: expected a group such as [parcel, package]", kind)
		return
	}
	var ms []member
	bad := false // a member was reported; "needs two" would only repeat it
	for _, n := range raws {
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			ld.problem(file, n.Line, "%s: expected a word or phrase, not a nested list or map", kind)
			bad = true
			continue
		}
		raw := strings.TrimSpace(n.Value)
		m, msg := parseMember(raw)
		if msg != "" {
			ld.problem(file, n.Line, "%s: %q %s", kind, raw, msg)
			bad = true
			continue
		}
		m.line = n.Line
		dup := false
		for _, o := range ms {
			if o.key == m.key && o.pure != m.pure {
				// The tokenizer already reads them as one word: nothing to do.
				dup = true
				break
			}
			if o.key == m.key {
				ld.problem(file, n.Line, "%s: %q reads the same as %q in this group (after case, accents and word endings are folded); drop one", kind, raw, o.raw)
				dup, bad = true, true
				break
			}
		}
		if !dup {
			ms = append(ms, m)
		}
	}
	if len(ms) < 2 {
		if bad {
			return
		}
		ld.problem(file, g.Line, "%s: a group needs at least two different words or phrases", kind)
		return
	}
	where := fmt.Sprintf("%s at %s:%d", kind, file, g.Line)
	// A member may be in one same group (as anything but its first) and
	// in any number of related groups; a word read as two different
	// things would make the lexicon's meaning depend on file order.
	for i, m := range ms {
		if related {
			if prev, ok := ld.seen["same\x00"+m.key]; ok {
				ld.problem(file, m.line, "related: %q is rewritten by the same group %s; list that group's first word here instead", m.raw, prev)
				return
			}
			continue
		}
		if i == 0 {
			continue
		}
		if prev, ok := ld.seen["same\x00"+m.key]; ok {
			ld.problem(file, m.line, "same: %q is already in the same group %s", m.raw, prev)
			return
		}
		// The first word of an earlier group, listed here as another
		// word, would be rewritten away from its own group: this line is
		// the mistake (reported here, not at a later line that uses the
		// word correctly). A Chinese or Korean word linked to an English
		// one is not rewritten, so it may head its own group.
		if prev, ok := ld.seen["head\x00"+m.key]; ok && !(m.cjk && !ms[0].cjk) {
			ld.problem(file, m.line, "same: %q is the first word of the same group %s; add this group's words to that group instead", m.raw, prev)
			return
		}
		if prev, ok := ld.seen["cross\x00"+m.key]; ok && !(m.cjk && !ms[0].cjk) {
			ld.problem(file, m.line, "same: %q is linked to an English word by the same group %s, where it would never be seen once rewritten; list this group's first word there instead", m.raw, prev)
			return
		}
	}
	ld.l.groups++
	head := ms[0]
	if related {
		conceptText := ConceptPrefix + head.key
		for _, m := range ms {
			ld.seen["rel\x00"+m.key] = where
			if m.cjk {
				ld.l.cjkRel = append(ld.l.cjkRel, cjkRel{member: m.key, concept: conceptText, file: file, line: m.line})
				continue
			}
			ld.addConcept(m, concept{text: conceptText, file: file, line: m.line})
		}
		return
	}
	ld.seen["head\x00"+head.key] = where
	var to []string
	for _, t := range head.toks {
		to = append(to, t.Text)
	}
	for _, m := range ms[1:] {
		if m.cjk && !head.cjk {
			// Linked, not rewritten: the run keeps its words (a related
			// group may list them too) and also reads as the head.
			ld.seen["cross\x00"+m.key] = where
			ld.l.cjkCross = append(ld.l.cjkCross, cjkCross{member: m.key, head: head.toks, file: file, line: m.line})
			continue
		}
		if _, ok := ld.seen["rel\x00"+m.key]; ok {
			ld.problem(file, m.line, "same: %q is already in a related group, where it would never be seen once rewritten to %q; list %q there instead", m.raw, head.raw, head.raw)
			continue
		}
		ld.seen["same\x00"+m.key] = where
		if m.cjk {
			ld.cjkSame = append(ld.cjkSame, m.key, strings.Join(to, ""))
			ld.l.cjkSameRules = append(ld.l.cjkSameRules, cjkRel{member: m.key, concept: strings.Join(to, ""), file: file, line: m.line})
			continue
		}
		ld.addRule(m, rule{same: to, line: m.line, file: file})
	}
}

// addConcept adds a related group's concept to member m's rule: a word in
// several related groups keeps all of their concepts (in file order, each
// once), so no group silently undoes another. Same groups never reach here
// for a related member (group reports that as a problem first).
func (ld *lexiconLoader) addConcept(m member, c concept) {
	r, ok := ld.l.words[m.key]
	if len(m.toks) > 1 {
		r, ok = ld.l.phrases[m.key]
	}
	if !ok {
		r = rule{file: c.file, line: c.line}
	}
	if slices.ContainsFunc(r.concepts, func(o concept) bool { return o.text == c.text }) {
		return
	}
	r.concepts = append(r.concepts, c)
	ld.addRule(m, r)
}

func (ld *lexiconLoader) addRule(m member, r rule) {
	if len(m.toks) == 1 {
		ld.l.words[m.key] = r
		return
	}
	ld.l.phrases[m.key] = r
	ld.l.starts[m.toks[0].Text] = true
}

// longestFirst is a Replacer of from, to pairs that tries longer members
// first (strings.Replacer prefers the earlier of two matches at one
// position); nil when there are none.
func longestFirst(pairs []string) *strings.Replacer {
	if len(pairs) == 0 {
		return nil
	}
	type pair struct{ from, to string }
	var ps []pair
	for i := 0; i < len(pairs); i += 2 {
		ps = append(ps, pair{pairs[i], pairs[i+1]})
	}
	slices.SortStableFunc(ps, func(a, b pair) int { return len(b.from) - len(a.from) })
	var args []string
	for _, p := range ps {
		args = append(args, p.from, p.to)
	}
	return strings.NewReplacer(args...)
}

// variant reads a variants group: [standard, variant...], Chinese or
// Korean text only, each variant written as the standard wherever it
// stands in a run (貨 -> 货, 와여 -> 와요). Variants are spelling, not
// meaning: they are rewritten before the same and related groups read
// the run.
func (ld *lexiconLoader) variant(file string, g *yaml.Node) {
	if g.Kind != yaml.SequenceNode || len(g.Content) < 2 {
		ld.problem(file, g.Line, "variants: expected a group such as [货, 貨]: the standard form first, then its variants")
		return
	}
	var std string
	for i, n := range g.Content {
		raw := strings.TrimSpace(n.Value)
		toks := Tokenize(raw)
		if n.Kind != yaml.ScalarNode || len(toks) != 1 || !toks[0].CJK || toks[0].Text != Normalize(raw) {
			ld.problem(file, n.Line, "variants: %q is not one run of Chinese or Korean text", raw)
			return
		}
		if i == 0 {
			std = toks[0].Text
			continue
		}
		v := toks[0].Text
		if v == std {
			ld.problem(file, n.Line, "variants: %q is its standard form %q already", raw, std)
			continue
		}
		if prev, ok := ld.seen["variant\x00"+v]; ok {
			ld.problem(file, n.Line, "variants: %q is already a variant at %s", raw, prev)
			continue
		}
		ld.seen["variant\x00"+v] = fmt.Sprintf("%s:%d", file, n.Line)
		ld.cjkVariant = append(ld.cjkVariant, v, std)
		ld.l.cjkVariantRules = append(ld.l.cjkVariantRules, cjkRel{member: v, concept: std, file: file, line: n.Line})
	}
	ld.l.groups++
}

// commonGroup reads a line of the common list: Chinese or Korean words
// every shop's customers use whatever they ask about (see
// AppendCommonSpans), each one run of text.
func (ld *lexiconLoader) commonGroup(file string, g *yaml.Node) {
	nodes := []*yaml.Node{g}
	if g.Kind == yaml.SequenceNode {
		nodes = g.Content
	}
	for _, n := range nodes {
		raw := strings.TrimSpace(n.Value)
		toks := Tokenize(raw)
		if n.Kind != yaml.ScalarNode || len(toks) != 1 || !toks[0].CJK || toks[0].Text != Normalize(raw) {
			ld.problem(file, n.Line, "common: %q is not one run of Chinese or Korean text (one word a line, or a group such as [어떻게, 언제])", raw)
			continue
		}
		w := toks[0].Text
		if prev, ok := ld.seen["common\x00"+w]; ok {
			ld.problem(file, n.Line, "common: %q is already listed at %s", raw, prev)
			continue
		}
		ld.seen["common\x00"+w] = fmt.Sprintf("%s:%d", file, n.Line)
		ld.common = append(ld.common, w)
	}
}

// finishCommon stores the common words as a run reads once Apply has
// rewritten its variants and same groups (돼여 -> 돼요), which is the
// text AppendCommonSpans is given.
func (ld *lexiconLoader) finishCommon() {
	if len(ld.common) == 0 {
		return
	}
	ld.l.common = map[string]bool{}
	for _, w := range ld.common {
		if ld.l.cjkVariant != nil {
			w = ld.l.cjkVariant.Replace(w)
		}
		if ld.l.cjkSame != nil {
			w = ld.l.cjkSame.Replace(w)
		}
		ld.l.common[w] = true
		ld.l.commonMax = max(ld.l.commonMax, utf8.RuneCountInString(w))
	}
}

// AppendCommonSpans appends to dst the byte spans of run (a CJK token's
// text as Apply left it) that are common words (a lexicon's common:
// list): words customers of every shop use whatever they ask about
// (있어요, 될까요, 어떻게, 今天, 知道). They say how a message asks, not
// what about, so whether a small base happens to use them tells nothing
// about whether it covers the message (knowledge's unknown share). The
// longest common word starting at each place is taken, left to right;
// spans do not overlap.
func (l *Lexicon) AppendCommonSpans(dst [][2]int, run string) [][2]int {
	if l == nil || len(l.common) == 0 {
		return dst
	}
	for i := 0; i < len(run); {
		var ends [16]int // byte ends of the runes from i; commonMax <= len(ends)
		n, end := 0, i
		for n < min(l.commonMax, len(ends)) && end < len(run) {
			_, size := utf8.DecodeRuneInString(run[end:])
			end += size
			ends[n] = end
			n++
		}
		took := false
		for k := n - 1; k >= 0; k-- {
			if l.common[run[i:ends[k]]] {
				dst = append(dst, [2]int{i, ends[k]})
				i, took = ends[k], true
				break
			}
		}
		if !took {
			_, size := utf8.DecodeRuneInString(run[i:])
			i += size
		}
	}
	return dst
}

// parseMember tokenizes one member; msg says what is wrong, "" when fine.
func parseMember(raw string) (member, string) {
	if raw == "" {
		return member{}, "is empty"
	}
	toks := Tokenize(koreanStem(raw))
	if len(toks) == 0 {
		return member{}, "has no words"
	}
	m := member{raw: raw, toks: toks}
	var parts []string
	cjk := 0
	for _, t := range toks {
		parts = append(parts, t.Text)
		if t.CJK {
			cjk++
		}
	}
	m.key = strings.Join(parts, " ")
	var pure []string
	for _, t := range tokenize(nil, koreanStem(raw), false) {
		pure = append(pure, t.Text)
	}
	m.pure = strings.Join(pure, " ")
	switch {
	case cjk > 0 && len(toks) > 1:
		return member{}, "mixes Chinese or Korean with other words; write it as two members"
	case cjk == 1:
		m.cjk = true
	case len(toks) > maxPhraseWords:
		return member{}, fmt.Sprintf("is longer than %d words; lexicon entries are words and short phrases", maxPhraseWords)
	}
	return m, ""
}

// koreanStem turns a Korean verb's dictionary form into the stem customers
// type: 환불하다 -> 환불, 돌려보내다 -> 돌려보내. Other text is unchanged.
func koreanStem(s string) string {
	if !strings.HasSuffix(s, "다") || utf8.RuneCountInString(s) < 3 {
		return s
	}
	for _, r := range s {
		if r < 0xAC00 || r > 0xD7A3 {
			return s // not pure Hangul: leave alone
		}
	}
	if t := strings.TrimSuffix(s, "하다"); t != s && utf8.RuneCountInString(t) >= 2 {
		return t
	}
	return strings.TrimSuffix(s, "다")
}

// beforeColon is the text before s's first full-width colon, as a key
// written with one reads ("same：" then the groups, as one string).
func beforeColon(s string) string {
	before, _, _ := strings.Cut(s, "：")
	return strings.TrimSpace(before)
}
