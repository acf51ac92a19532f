package handoff

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/text"
)

// This file turns a message into units and matches ops' phrases against
// them. Words are bot/text's Words (one tokenizer for the product); a unit
// is what a phrase literal is compared with:
//
//   - a Latin-script word, normalised by bot/text (lower case, contractions
//     expanded, Porter stem), so the phrase "talk to a human" also matches
//     "talking to humans" and "don't" matches "dont" and "do not";
//   - one Chinese (or Japanese) character, since those scripts have no
//     spaces: "转人工" is three units that must follow each other;
//   - one Korean word (a run of Hangul between spaces or punctuation). Korean glues particles and endings
//     onto words ("상담원이랑", "연결해"), so a Korean literal matches the
//     start of a word, and the next literal may continue in the same word
//     ("상담원연결") after skipping up to maxParticle syllables.
//
// Punctuation is not a unit, but . , ; : ! ? (and their CJK forms) split
// the message into clauses: negation and "..." gaps never reach across a
// clause, and ^ and $ anchor to clause edges.

type kind uint8

const (
	latin kind = iota + 1
	han
	hangul
)

// maxParticle is how many syllables of a Korean word may be skipped between
// two Korean literals that continue in the same word: particles such as
// 가, 를, 이랑 are one or two syllables ("이해가안돼요" ~ "이해 안 돼").
const maxParticle = 2

type unit struct {
	kind   kind
	stem   string   // latin: bot/text's normalised token; han: the character; hangul: the word
	raw    string   // latin: the word as typed, lower-cased (what =word compares); else = stem
	runes  []rune   // hangul only
	tok    *tokInfo // latin only: the token's cached analysis
	clause int
}

// doc is one analysed message. Docs of an index are pooled: the fields
// after size are scratch space reused from message to message.
type doc struct {
	units     []unit
	exclaims  int  // '!' marks
	questions int  // '?' marks
	qmarks    int  // '?' right after '?' or '!', '!' right after '?' (spaces aside): "??", "?!"
	words     int  // Latin words of two or more letters
	capsWords int  // ... of which written in capitals
	size      int  // Latin tokens + CJK characters: how much the message says
	plain     bool // no links, @handles, CJK or broken UTF-8: the units' stems are bot/text's Terms

	ix *matchIndex // nil: phrases are tried everywhere (compiling, tests)

	// Where literals occur and which phrases may match (see prepare).
	gen                 uint32
	seenLit, seenPhrase []uint32
	head, tail          []int32
	pos                 []litPos
	present, cands      []int32
	startBuf            []int32
	negs                []negMatch
	negDone             bool

	wordBuf []text.Word // bot/text's words of the message (or of a history turn)
	runes   []rune      // Korean words' syllables
	masked  []bool
	x       []float64 // complaint features
	hits    []found
	terms   []term // Similarity scratch
	history []term
}

// analyse splits s into units without an index: for compiling phrases
// and for tests. It never fails: any string is a document.
func analyse(s string) *doc {
	d := &doc{}
	d.scan(s)
	return d
}

// analyse splits s into units and finds where the index's literals occur.
// Call release when done with the document.
func (ix *matchIndex) analyse(s string) *doc {
	d := ix.docs.Get().(*doc)
	d.ix = ix
	d.scan(s)
	d.prepare()
	return d
}

// release returns d to the pool, without the message's words.
func (ix *matchIndex) release(d *doc) {
	clear(d.units)
	clear(d.terms[:cap(d.terms)])
	clear(d.history[:cap(d.history)])
	clear(d.hits[:cap(d.hits)])
	clear(d.wordBuf[:cap(d.wordBuf)])
	d.units, d.terms, d.history, d.wordBuf = d.units[:0], d.terms[:0], d.history[:0], d.wordBuf[:0]
	ix.docs.Put(d)
}

// scan fills d.units from s. bot/text's Words decides what a word is, as
// everywhere in Baton: a Latin-script word becomes its tokens (through the
// field cache), a Chinese character or kana one unit, a run of Korean
// letters one unit. The text between words is read only for sentence
// punctuation (clauses) and for "!" and "?". Links and @handles are
// blanked out first (tweets start with them; customers paste links): they never
// carry meaning here.
func (d *doc) scan(s string) {
	d.plain = utf8.ValidString(s)
	if !d.plain {
		s = strings.ToValidUTF8(s, " ")
	}
	if t, blanked := blankNoise(s); blanked {
		s, d.plain = t, false
	}
	d.units, d.runes = d.units[:0], d.runes[:0]
	d.exclaims, d.questions, d.qmarks, d.words, d.capsWords, d.size = 0, 0, 0, 0, 0, 0
	clause := 0
	emitted := false // a unit was added since the last clause break
	korean := -1     // index in d.runes where the pending Korean word starts
	korAt, korEnd := 0, 0
	var lastMark rune // the last character that is not a space
	flushKorean := func() {
		if korean >= 0 {
			rs := d.runes[korean:len(d.runes):len(d.runes)]
			w := s[korAt:korEnd]
			d.units = append(d.units, unit{kind: hangul, stem: w, raw: w, runes: rs, clause: clause})
			d.size += len(rs)
			emitted = true
			korean = -1
		}
	}
	brk := func() {
		flushKorean()
		if emitted {
			clause++
			emitted = false
		}
	}
	// between reads the text between two words.
	between := func(from, to int) {
		if from < to {
			flushKorean() // Korean words end at anything that is not Korean
		}
		for i := from; i < to; {
			r0, n := utf8.DecodeRuneInString(s[i:])
			r := widen(r0)
			prev := lastMark
			if !unicode.IsSpace(r) {
				lastMark = r
			}
			switch {
			case r == '!':
				d.exclaims++
				if prev == '?' {
					d.qmarks++
				}
				brk()
			case r == '?':
				d.questions++
				if prev == '?' || prev == '!' {
					d.qmarks++
				}
				brk()
			case r == '.':
				// "fc.com" and "3.50" are not sentence ends.
				if next, _ := utf8.DecodeRuneInString(s[i+n:]); !unicode.IsLetter(next) && !unicode.IsDigit(next) {
					brk()
				}
			case strings.ContainsRune(",;:\n。，、；：…", r):
				brk()
			}
			i += n
		}
	}
	pos := 0
	d.wordBuf = text.AppendWords(d.wordBuf[:0], s)
	for _, w := range d.wordBuf {
		between(pos, w.Start)
		pos = w.End
		r, _ := utf8.DecodeLastRuneInString(s[w.Start:w.End])
		lastMark = r
		switch w.Kind {
		case text.Hangul, text.Jamo:
			d.plain = false
			if korean < 0 {
				korean, korAt = len(d.runes), w.Start
			}
			d.runes = append(d.runes, []rune(s[w.Start:w.End])...)
			korEnd = w.End
		case text.Han:
			flushKorean() // a Korean word ends at a Chinese character too
			d.plain = false
			d.units = append(d.units, unit{kind: han, stem: w.Text, raw: w.Text, clause: clause})
			d.size++
			emitted = true
		default:
			flushKorean() // and at a Latin word or a number ("주문123번", "상담원ok연결")
			n := len(d.units)
			d.addField(s[w.Start:w.End], clause)
			emitted = emitted || len(d.units) > n
		}
	}
	between(pos, len(s))
	flushKorean()
}

// objectMark stands in for a link or handle: not a word, not a space and
// not punctuation, so "x? http://y ?" is not "??" and "a.http://x" ends a
// sentence.
const objectMark = '\uFFFC'

// blankNoise returns s with every link and @handle replaced by
// objectMark, and whether there was any.
func blankNoise(s string) (string, bool) {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		k := noiseAt(s, i)
		if k == 0 {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:i])
		b.WriteRune(objectMark)
		i += k - 1
		last = i + 1
	}
	if last == 0 {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// addField adds the tokens of one Latin-script word.
func (d *doc) addField(f string, clause int) {
	var fi *fieldInfo
	if d.ix != nil {
		fi = d.ix.field(f)
	} else {
		fi = makeField(widenString(f), nil)
	}
	if fi.word {
		d.words++
		if fi.caps {
			d.capsWords++
		}
	}
	for k := range fi.toks {
		t := &fi.toks[k]
		d.units = append(d.units, unit{kind: latin, stem: t.stem, raw: fi.raw, tok: t, clause: clause})
		d.size++
	}
}

// noiseAt returns how many bytes of s from i are a link or an @handle
// (0: none): what the pattern
//
//	(?i)\bhttps?://\S+|\bwww\.\S+|@[\p{L}\p{N}_]+
//
// matches there, without a regular expression.
func noiseAt(s string, i int) int {
	c := s[i]
	switch {
	case c == '@':
		j := i + 1
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '_' {
				break
			}
			j += n
		}
		if j == i+1 {
			return 0 // a lone @
		}
		return j - i
	case c|0x20 == 'h' || c|0x20 == 'w':
		if i > 0 && isWordByte(s[i-1]) {
			return 0 // not at a word boundary
		}
		n := prefixFold(s[i:], "https://")
		if n < 0 {
			n = prefixFold(s[i:], "http://")
		}
		if n < 0 {
			n = prefixFold(s[i:], "www.")
		}
		if n < 0 {
			return 0
		}
		j := i + n
		for j < len(s) && !isSpaceByte(s[j]) {
			j++
		}
		if j == i+n {
			return 0 // \S+ needs one character
		}
		return j - i
	}
	return 0
}

// prefixFold returns how many bytes of s match pat ignoring case (Unicode
// simple folding, as (?i) does), or -1.
func prefixFold(s, pat string) int {
	j := 0
	for _, p := range pat {
		if j >= len(s) {
			return -1
		}
		r, n := utf8.DecodeRuneInString(s[j:])
		if r != p && !foldEq(r, p) {
			return -1
		}
		j += n
	}
	return j
}

func foldEq(r, p rune) bool {
	for f := unicode.SimpleFold(p); f != p; f = unicode.SimpleFold(f) {
		if f == r {
			return true
		}
	}
	return false
}

// isWordByte is regexp's ASCII \w.
func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isSpaceByte is regexp's \s.
func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// widen maps full-width ASCII ("！", "？", "Ａ") to ASCII.
func widen(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFEE0
	}
	return r
}

func isHan(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || r == '\u30FC')
}

// clauseStart reports whether unit u begins a clause.
func (d *doc) clauseStart(u int) bool {
	return u == 0 || (u < len(d.units) && d.units[u].clause != d.units[u-1].clause)
}

// clauseEnd reports whether a match ending before unit u ends a clause.
func (d *doc) clauseEnd(u int) bool {
	return u >= len(d.units) || (u > 0 && d.units[u].clause != d.units[u-1].clause)
}

// span renders units [from, to) roughly as the customer typed them, for
// evidence.
func (d *doc) span(from, to int) string {
	var b strings.Builder
	prev := ""
	for i := from; i < to && i < len(d.units); i++ {
		u := d.units[i]
		if u.kind == latin && i > from && u.raw == prev && d.units[i-1].kind == latin {
			continue // "don't" is two units with one spelling
		}
		if b.Len() > 0 && !(u.kind == han && d.units[i-1].kind == han) {
			b.WriteByte(' ')
		}
		b.WriteString(u.raw)
		prev = u.raw
	}
	return b.String()
}

// lit is one literal of a phrase.
type lit struct {
	kind    kind
	stem    string // as the unit's stem
	raw     string // lower-cased spelling as written (for =word and typos)
	runes   []rune // hangul
	exact   bool   // =word: only this spelling (no stemming, typos or Korean endings)
	prefix  bool   // word*: any word whose stem starts with this
	typoMin int    // typos tolerated when the stem has at least this many letters; 0: none
	id      int32  // in the rules' index
}

// item is one position of a phrase: a group of alternatives (a plain word
// is a group of one), optional or not, or a gap.
type item struct {
	alts     [][]lit
	optional bool
	gap      int // > 0: "...", up to gap units of anything within the clause
	// next > 0: ",", the phrase goes on at the start of the next clause,
	// after up to next units of this one ("我不退货，直接给我退款": a refund
	// demanded in the clause after the refusal to send the item back).
	next int
}

// phrase is one compiled entry of a phrase list.
type phrase struct {
	src         string
	line        int
	items       []item
	start, stop bool  // ^ and $
	id          int32 // in the rules' index; -1: not indexed
}

// Phrase syntax, documented for ops in prompts/handoff.yaml:
//
//	word        a word (stems compared: "talk" matches "talking")
//	=word       exactly this spelling: no stemming, typos or Korean endings
//	word*       any word starting with this ("refund*")
//	(a|b c)     one of the alternatives
//	[a|b]       optionally one of the alternatives
//	...         up to `gap` words of anything, within the clause
//	,           the rest of this clause (up to `gap` words), then the next
//	            clause goes on: the only way a phrase reaches across one
//	^ $         at the start / end of a clause (first / last item only)
func compilePhrase(src string, typoMin, gap int) (*phrase, error) {
	p := &phrase{src: src, id: -1}
	toks := lexPhrase(src)
	if len(toks) > 0 && toks[0] == "^" {
		p.start = true
		toks = toks[1:]
	}
	if len(toks) > 0 && toks[len(toks)-1] == "$" {
		p.stop = true
		toks = toks[:len(toks)-1]
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t {
		case "^", "$":
			return nil, fmt.Errorf("%s may only stand at the very start (^) or end ($) of a phrase", t)
		case ")", "]", "|":
			return nil, fmt.Errorf("unexpected %q", t)
		case "...":
			if len(p.items) == 0 || i == len(toks)-1 {
				return nil, errors.New(`"..." must stand between words`)
			}
			if p.items[len(p.items)-1].gap > 0 {
				return nil, errors.New(`two "..." in a row`)
			}
			p.items = append(p.items, item{gap: gap})
		case ",":
			if !slices.ContainsFunc(p.items, func(it item) bool { return !it.optional && it.gap == 0 && it.next == 0 }) || i == len(toks)-1 {
				return nil, errors.New(`"," must stand between words, after a required one`)
			}
			if last := p.items[len(p.items)-1]; last.gap > 0 || last.next > 0 {
				return nil, errors.New(`"," right after "..." or ","`)
			}
			p.items = append(p.items, item{next: gap})
		case "(", "[":
			closer := ")"
			if t == "[" {
				closer = "]"
			}
			it := item{optional: t == "["}
			var cur []lit
			closed := false
			for i++; i < len(toks); i++ {
				switch s := toks[i]; s {
				case closer:
					closed = true
				case "|":
					if len(cur) == 0 {
						return nil, fmt.Errorf("empty alternative in %s...%s", t, closer)
					}
					it.alts = append(it.alts, cur)
					cur = nil
					continue
				case "(", "[", ")", "]", "...", "^", "$", ",":
					return nil, fmt.Errorf("%q inside %s...%s: groups cannot nest", s, t, closer)
				default:
					ls, err := compileWord(s, typoMin)
					if err != nil {
						return nil, err
					}
					cur = append(cur, ls...)
					continue
				}
				break
			}
			if !closed {
				return nil, fmt.Errorf("%s is not closed with %s", t, closer)
			}
			if len(cur) == 0 {
				return nil, fmt.Errorf("empty alternative in %s...%s", t, closer)
			}
			it.alts = append(it.alts, cur)
			p.items = append(p.items, it)
		default:
			ls, err := compileWord(t, typoMin)
			if err != nil {
				return nil, err
			}
			for _, l := range ls {
				p.items = append(p.items, item{alts: [][]lit{{l}}})
			}
		}
	}
	required := false
	for _, it := range p.items {
		if !it.optional && it.gap == 0 && it.next == 0 {
			required = true
		}
	}
	if !required {
		return nil, errors.New("phrase has no required word")
	}
	return p, nil
}

// lexPhrase splits a phrase into words and the operators ( ) [ ] | ^ $ ... ,
func lexPhrase(src string) []string {
	var toks []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			toks = append(toks, w.String())
			w.Reset()
		}
	}
	rs := []rune(src)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case strings.ContainsRune("()[]|^$,", r):
			flush()
			toks = append(toks, string(r))
		case r == '.' && i+2 < len(rs) && rs[i+1] == '.' && rs[i+2] == '.':
			flush()
			toks = append(toks, "...")
			i += 2
		case unicode.IsSpace(r):
			flush()
		default:
			w.WriteRune(r)
		}
	}
	flush()
	return toks
}

// compileWord compiles one word of a phrase, which can be several literals
// ("don't" is "do not", "转人工" is three characters).
func compileWord(w string, typoMin int) ([]lit, error) {
	exact := strings.HasPrefix(w, "=")
	prefix := strings.HasSuffix(w, "*")
	w = strings.TrimSuffix(strings.TrimPrefix(w, "="), "*")
	if exact && prefix {
		return nil, fmt.Errorf("%q: = and * cannot be combined", w)
	}
	if strings.ContainsAny(w, "=*") {
		return nil, fmt.Errorf("%q: = only at the start and * only at the end of a word", w)
	}
	for _, r := range w {
		r = widen(r)
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && r != '\'' && r != '\u2019' && r != '-' && r != '\u30FC' {
			return nil, fmt.Errorf("%q: punctuation %q is never matched (write words only; use ... ( ) [ ] | ^ $ for structure)", w, r)
		}
	}
	d := analyse(w)
	if len(d.units) == 0 {
		return nil, fmt.Errorf("%q has no letters", w)
	}
	if prefix && (len(d.units) != 1 || d.units[0].kind == han) {
		return nil, fmt.Errorf("%q*: * needs a single Latin or Korean word", w)
	}
	var ls []lit
	for _, u := range d.units {
		l := lit{kind: u.kind, stem: u.stem, raw: u.raw, runes: u.runes, exact: exact, prefix: prefix}
		if u.kind == latin && !exact && !prefix {
			l.typoMin = typoMin
		}
		if prefix && u.kind == latin {
			// The stem of a prefix can be shorter than the prefix
			// ("represent" -> "repres"); compare with the word as typed too.
			l.raw = strings.ToLower(w)
		}
		ls = append(ls, l)
	}
	return ls, nil
}

// pos is a place in a document: unit u, or rune off inside Korean word u
// when a literal ended part-way through it.
type pos struct{ u, off int }

// matchAt tries p with its first item at unit s. masked units match nothing.
func (p *phrase) matchAt(d *doc, masked []bool, s int) (end int, ok bool) {
	if s >= len(d.units) {
		return 0, false
	}
	m := matcher{d: d, masked: masked, p: p, clause: d.units[s].clause}
	e, ok := m.items(0, pos{s, 0})
	if !ok {
		return 0, false
	}
	if e.off > 0 {
		e.u++
	}
	return e.u, true
}

// matcher matches one phrase from one start. A match never reaches
// across a clause: "talk. A human" is two thoughts.
type matcher struct {
	d      *doc
	masked []bool
	p      *phrase
	clause int // the clause the match started in
}

func (m *matcher) items(i int, at pos) (pos, bool) {
	if i == len(m.p.items) {
		end := at.u
		if at.off > 0 {
			end++ // the rest of a Korean word is its ending
		}
		if m.p.stop && !m.d.clauseEnd(end) {
			return pos{}, false
		}
		return at, true
	}
	it := m.p.items[i]
	if it.next > 0 {
		u := at.u
		if at.off > 0 {
			u++
		}
		k := u
		for k < len(m.d.units) && m.d.units[k].clause == m.clause {
			k++
		}
		if k == len(m.d.units) || k-u > it.next {
			return pos{}, false
		}
		// Clauses are numbered as they come, so the unit after this
		// clause's last starts the next one.
		was := m.clause
		m.clause = m.d.units[k].clause
		e, ok := m.items(i+1, pos{k, 0})
		m.clause = was
		return e, ok
	}
	if it.gap > 0 {
		u := at.u
		if at.off > 0 {
			u++
		}
		for k := 0; k <= it.gap && u+k <= len(m.d.units); k++ {
			if u+k < len(m.d.units) && m.d.units[u+k].clause != m.clause {
				break
			}
			if e, ok := m.items(i+1, pos{u + k, 0}); ok {
				return e, true
			}
		}
		return pos{}, false
	}
	for _, alt := range it.alts {
		if e, ok := m.lits(alt, 0, at, i); ok {
			return e, true
		}
	}
	if it.optional {
		return m.items(i+1, at)
	}
	return pos{}, false
}

func (m *matcher) lits(alt []lit, j int, at pos, i int) (pos, bool) {
	if j == len(alt) {
		return m.items(i+1, at)
	}
	l := &alt[j]
	try := func(s pos) (pos, bool) {
		e, ok := m.lit(l, s)
		if !ok {
			return pos{}, false
		}
		return m.lits(alt, j+1, e, i)
	}
	if at.off == 0 {
		return try(at)
	}
	// Mid Korean word: a Korean literal may continue in it after a
	// particle; anything else starts at the next word.
	if l.kind == hangul && !l.exact {
		n := len(m.d.units[at.u].runes)
		for k := 0; k <= maxParticle && at.off+k < n; k++ {
			if e, ok := try(pos{at.u, at.off + k}); ok {
				return e, true
			}
		}
	}
	return try(pos{at.u + 1, 0})
}

// lit matches one literal at s and returns where the match ends.
func (m *matcher) lit(l *lit, s pos) (pos, bool) {
	if s.u >= len(m.d.units) || (m.masked != nil && m.masked[s.u]) {
		return pos{}, false
	}
	u := &m.d.units[s.u]
	if u.kind != l.kind || u.clause != m.clause {
		return pos{}, false
	}
	next := pos{s.u + 1, 0}
	switch l.kind {
	case latin:
		switch {
		case l.exact:
			if u.raw != l.raw {
				return pos{}, false
			}
		case l.prefix:
			if !strings.HasPrefix(u.stem, l.stem) && !strings.HasPrefix(u.raw, l.raw) {
				return pos{}, false
			}
		case u.stem == l.stem:
		case l.typoMin > 0 && typo(l, u):
		default:
			return pos{}, false
		}
		return next, true
	case han:
		if u.stem != l.stem {
			return pos{}, false
		}
		return next, true
	default: // hangul
		r := u.runes[s.off:]
		if len(r) < len(l.runes) || (l.exact && (s.off != 0 || len(r) != len(l.runes))) {
			return pos{}, false
		}
		for k, c := range l.runes {
			if r[k] != c {
				return pos{}, false
			}
		}
		if end := s.off + len(l.runes); end < len(u.runes) {
			return pos{s.u, end}, true
		}
		return next, true
	}
}

// typo reports whether unit u is literal l with one slip of the finger:
// one letter wrong, missing, extra, or two neighbours swapped ("humna").
// Only for long enough words, and the first letter must be right, which
// keeps "cancer" from meaning "cancel" often enough to matter.
func typo(l *lit, u *unit) bool {
	if len(l.raw) >= l.typoMin && within1(l.raw, u.raw) {
		return true
	}
	return len(l.stem) >= l.typoMin && within1(l.stem, u.stem)
}

// within1 reports whether a and b (ASCII-ish, lower case) differ by at most
// one edit (substitution, insertion, deletion or adjacent transposition)
// and agree on the first letter.
func within1(a, b string) bool {
	if a == b {
		return true
	}
	if a == "" || b == "" || a[0] != b[0] {
		return false
	}
	la, lb := len(a), len(b)
	switch {
	case la == lb:
		i := 0
		for i < la && a[i] == b[i] {
			i++
		}
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case la == lb+1:
		return oneExtra(a, b)
	case lb == la+1:
		return oneExtra(b, a)
	}
	return false
}

// oneExtra reports whether long is short with one byte inserted.
func oneExtra(long, short string) bool {
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	return long[i+1:] == short[i:]
}

// found is one phrase match.
type found struct {
	p          *phrase
	start, end int
	negated    bool
}

// find returns the first match of any phrase in ps (in list order, then
// from the left), preferring a match that is not negated. ok is false when
// nothing matched.
func find(d *doc, ps []*phrase, masked []bool, neg *negation) (f found, ok bool) {
	var negated found
	haveNeg := false
	// try reports whether p matches at s without a negation before it.
	try := func(p *phrase, s int) bool {
		if p.start && !d.clauseStart(s) {
			return false
		}
		end, hit := p.matchAt(d, masked, s)
		if !hit {
			return false
		}
		if neg != nil && neg.before(d, s) {
			if !haveNeg {
				negated, haveNeg = found{p: p, start: s, end: end, negated: true}, true
			}
			return false
		}
		f = found{p: p, start: s, end: end}
		return true
	}
	if ids, indexed := d.candidates(ps); indexed {
		for _, id := range ids {
			p := d.ix.phrases[id]
			for _, s := range d.startsOf(id) {
				if try(p, int(s)) {
					return f, true
				}
			}
		}
		return negated, haveNeg
	}
	for _, p := range ps {
		for s := range d.units {
			if try(p, s) {
				return f, true
			}
		}
	}
	return negated, haveNeg
}

// mask marks the units covered by any match of ps: an "unless" phrase such
// as "human resources" takes its words out of play. nil: nothing masked.
// The slice is d's scratch space, valid until the next mask.
func mask(d *doc, ps []*phrase) []bool {
	var masked []bool
	try := func(p *phrase, s int) {
		if p.start && !d.clauseStart(s) {
			return
		}
		if end, hit := p.matchAt(d, nil, s); hit {
			if masked == nil {
				if cap(d.masked) < len(d.units) {
					d.masked = make([]bool, len(d.units))
				}
				masked = d.masked[:len(d.units)]
				clear(masked)
			}
			for k := s; k < end; k++ {
				masked[k] = true
			}
		}
	}
	if ids, indexed := d.candidates(ps); indexed {
		for _, id := range ids {
			p := d.ix.phrases[id]
			for _, s := range d.startsOf(id) {
				try(p, int(s))
			}
		}
		return masked
	}
	for _, p := range ps {
		for s := range d.units {
			try(p, s)
		}
	}
	return masked
}

// negation is the negation words and how far back they reach.
type negation struct {
	words  []*phrase
	window int
	// feelings end a negation's reach: in "not happy with how long this
	// is taking" the "not" denies the feeling, and what the feeling is
	// about (the wait) is still said.
	feelings []*phrase
}

// reach is the unit from which on the negation word ending at unit end
// negates nothing: the end of the feeling right after it, or past the
// document when none follows.
func (n *negation) reach(d *doc, end int) int {
	for _, f := range n.feelings {
		if e, ok := f.matchAt(d, nil, end); ok {
			return e
		}
	}
	return len(d.units) + 1
}

// before reports whether a negation word ends within the window before
// unit s, in the same clause: "not bad", "I don't want to talk to a human".
// A feeling it denies ends its reach: "not happy with delays" does not
// deny the delays.
func (n *negation) before(d *doc, s int) bool {
	if n == nil || n.window == 0 {
		return false
	}
	lo := s - n.window
	if lo < 0 {
		lo = 0
	}
	for k := s - 1; k >= lo; k-- {
		if d.units[k].clause != d.units[s].clause {
			lo = k + 1
			break
		}
	}
	// Korean 안/못 negate only the word right after them: "안 왔어요
	// 최악이에요" is not "not the worst".
	negates := func(end int) bool {
		return end == s || (end < s && d.units[end-1].kind != hangul)
	}
	if _, indexed := d.candidates(n.words); indexed {
		negs := d.negations(n)
		i, _ := slices.BinarySearchFunc(negs, int32(lo), func(m negMatch, lo int32) int { return cmp.Compare(m.start, lo) })
		for ; i < len(negs) && int(negs[i].start) < s; i++ {
			if negates(int(negs[i].end)) && s < int(negs[i].reach) {
				return true
			}
		}
		return false
	}
	for _, w := range n.words {
		for k := lo; k < s; k++ {
			if end, hit := w.matchAt(d, nil, k); hit && negates(end) && !d.aNotA(k, end) && s < n.reach(d, end) {
				return true
			}
		}
	}
	return false
}

// aNotA reports whether the negation word at units [s, end) is the middle
// of a Chinese A-not-A question (能不能, 有没有, 是不是, 可不可以, 要不要):
// the same character on both sides of one 不 or 没. It asks; it does not
// negate what follows ("能不能找个人跟我聊聊" asks for a person). A doubled
// refusal (不要不要) is not one.
func (d *doc) aNotA(s, end int) bool {
	if end != s+1 || s == 0 || end >= len(d.units) {
		return false
	}
	a, n, b := &d.units[s-1], &d.units[s], &d.units[end]
	if !(n.kind == han && a.kind == han && b.kind == han && a.stem == b.stem && a.clause == n.clause && b.clause == n.clause) {
		return false
	}
	// A stutter is a refusal said twice, not a question: in 不要不要人工,
	// 不用不用, 没有没有 the A before this 不/没 is itself negated.
	if s >= 2 {
		if p := &d.units[s-2]; p.kind == han && p.clause == n.clause && (p.stem == "不" || p.stem == "没") {
			return false
		}
	}
	return true
}
