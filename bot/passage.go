package bot

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/text"
)

// A follow-up that continues the last answer ("and to Korea?", "那支付宝
//呢？", "i dont have the receipt anymore", "이웃한테도 물어봤어요") is
// answered with the part of the entry that speaks to it, not the whole
// entry again: the entry's answer is cut into units (sentences, and each
// list item with the line that introduces the list), and the unit that
// shares the most telling words with the follow-up is chosen. Words that
// many units of the base use ("order", "我们") tell little; words no other
// unit uses ("receipt", "邻居") tell the most.

// unit is one sentence or list item of an entry's answer.
type unit struct {
	text  string // Markdown, as written
	para  int    // paragraph number
	item  bool   // a list item
	intro int    // for an item: the unit that introduces its list, -1 if none
	terms map[string]bool
}

// numbered reports whether u is a step of a numbered list.
func (u unit) numbered() bool { return u.item && !strings.HasPrefix(u.text, "- ") }

// passage is an entry's answer cut into units.
type passage struct {
	units []unit
	paras int
}

// cutPassage cuts a Markdown answer into units: paragraphs at blank lines,
// list items at their bullets, other text at sentence ends.
//
// Passages are memoised per answer text and lexicon (read-only once cut):
// the turn cuts the same answers on every repeated or follow-up question
// (again, addsDetail, the part asked about), and cutting reads every
// sentence through the lexicon; uncached it cost about a sixth of the
// core's CPU a message in BenchmarkWebhookRatio (0.755 -> 0.627).
func cutPassage(md string, lex *text.Lexicon) passage {
	k := passageKey{md, lex}
	passMu.Lock()
	p, ok := passages[k]
	passMu.Unlock()
	if ok {
		return p
	}
	p = cutPassageNow(md, lex)
	passMu.Lock()
	if len(passages) >= maxPassages {
		clear(passages) // a base reloaded many times over starts afresh
	}
	passages[k] = p
	passMu.Unlock()
	return p
}

// maxPassages bounds the memo: a few bases' answers in three languages.
const maxPassages = 4096

type passageKey struct {
	md  string
	lex *text.Lexicon
}

var (
	passMu   sync.Mutex
	passages = map[passageKey]passage{}
)

func cutPassageNow(md string, lex *text.Lexicon) passage {
	var p passage
	for _, para := range strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		intro := -1
		for _, line := range strings.Split(para, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if rest, ok := bulletItem(line); ok {
				p.units = append(p.units, unit{text: "- " + rest, para: p.paras, item: true, intro: intro, terms: termSet(rest, lex)})
				continue
			}
			if rest, ok := numberedItem(line); ok {
				// A step of a numbered list keeps its number and its own
				// line ("1. Go to My orders…"), never run into the next.
				p.units = append(p.units, unit{text: line, para: p.paras, item: true, intro: intro, terms: termSet(rest, lex)})
				continue
			}
			for _, s := range sentences(line) {
				p.units = append(p.units, unit{text: s, para: p.paras, intro: -1, terms: termSet(s, lex)})
				intro = len(p.units) - 1
			}
		}
		p.paras++
	}
	// A paragraph that only introduces the list after it ("You can pay
	// with:") introduces that list's items.
	for i := range p.units {
		if u := &p.units[i]; u.item && u.intro < 0 && i > 0 && !p.units[i-1].item {
			u.intro = i - 1
		} else if u.item && u.intro < 0 && i > 0 {
			u.intro = p.units[i-1].intro
		}
	}
	return p
}

func bulletItem(line string) (string, bool) {
	for _, b := range []string{"- ", "* ", "+ ", "• "} {
		if rest, ok := strings.CutPrefix(line, b); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

// numberedItem reports whether line is a step of a numbered list ("1. ",
// "2) "), and its text after the number.
func numberedItem(line string) (string, bool) {
	i := 0
	for i < len(line) && i < 3 && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i == 0 || i+1 >= len(line) || (line[i] != '.' && line[i] != ')') || line[i+1] != ' ' {
		return "", false
	}
	return strings.TrimSpace(line[i+2:]), true
}

// sentences cuts a line at sentence ends: ". ", "! ", "? " and the
// full-width 。！？ (a dot inside "kumo.example" ends nothing).
func sentences(line string) []string {
	var out []string
	start := 0
	for i, r := range line {
		end := -1
		switch r {
		case '。', '！', '？':
			end = i + utf8.RuneLen(r)
		case '.', '!', '?':
			if i+1 == len(line) || line[i+1] == ' ' {
				end = i + 1
			}
		}
		if end > start {
			if s := strings.TrimSpace(line[start:end]); s != "" {
				out = append(out, s)
			}
			start = end
		}
	}
	if s := strings.TrimSpace(line[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// termSet is the set of telling terms of s, read through the lexicon as
// the matcher reads it: stemmed words without function words, and CJK
// character bigrams.
func termSet(s string, lex *text.Lexicon) map[string]bool {
	set := map[string]bool{}
	for _, t := range lex.Apply(text.Tokenize(Plain(s))) {
		termAdd(set, t)
	}
	return set
}

// askedTerms is termSet of a customer's message compared with the
// answers f counts, with the English word the lexicon links to a Chinese
// or Korean word of it when those answers never write that word but do
// write the English one: "페이팔로 결제했으면요?" names PayPal, which the
// Korean refund answer writes only in Latin letters ("PayPal·Alipay·카카오
// 페이는…"), so the follow-up finds that sentence, not the one its 결제
// shares (walk6: it got the gift-card sentence). A word the answers write
// themselves (배송) is read in them as written, never by its English link
// (deliver, which "Power Delivery" happens to use).
func askedTerms(s string, lex *text.Lexicon, f *docFreq) map[string]bool {
	set := map[string]bool{}
	for _, t := range lex.Apply(text.Tokenize(Plain(s))) {
		termAdd(set, t)
		if t.CJK {
			lex.EachLink(t.Text, func(member string, to []text.Token) {
				if strings.Contains(f.text, member) {
					return
				}
				for _, e := range to {
					if !e.Concept && f.df[e.Text] > 0 && !text.IsStopWord(e.Text) {
						set[e.Text] = true
					}
				}
			})
		}
	}
	return set
}

// termAdd adds token t's telling terms to set, as termSet reads them.
func termAdd(set map[string]bool, t text.Token) {
	switch {
	case t.Linked: // a passage is compared within its language
	case t.CJK:
		for _, g := range text.AppendNGrams(nil, t.Text, false) {
			set[g] = true
		}
	case !text.IsStopWord(t.Text):
		set[t.Text] = true
	}
}

// docFreq is how many units of a base's answers in one language use each
// term, kept per loaded base.
type docFreq struct {
	n  float64
	df map[string]int
	// text is the answers' plain text, lower-cased and joined: whether
	// they write a word at all (askedTerms).
	text string
}

var (
	freqMu sync.Mutex
	freqs  = map[freqKey]*docFreq{}
)

type freqKey struct {
	kb   *knowledge.Base
	lang string
}

// maxFreqs bounds the kept tables: a base reloaded many times over starts
// afresh.
const maxFreqs = 32

func unitFreq(kb *knowledge.Base, lang string, lex *text.Lexicon) *docFreq {
	k := freqKey{kb, lang}
	freqMu.Lock()
	defer freqMu.Unlock()
	if f, ok := freqs[k]; ok {
		return f
	}
	f := &docFreq{df: map[string]int{}}
	var all strings.Builder
	for _, id := range kb.IDs() {
		e, ok := kb.Entry(id, lang)
		if !ok || e.Lang != lang {
			continue
		}
		all.WriteString(strings.ToLower(Plain(e.Answer)))
		all.WriteString("\n")
		for _, u := range cutPassage(e.Answer, lex).units {
			f.n++
			for t := range u.terms {
				f.df[t]++
			}
		}
	}
	f.text = all.String()
	if len(freqs) >= maxFreqs {
		clear(freqs)
	}
	freqs[k] = f
	return f
}

func (f *docFreq) idf(t string) float64 {
	return math.Log((f.n + 1) / (float64(f.df[t]) + 0.5))
}

// minTelling is how telling (summed idf) the words a unit shares with a
// follow-up must be for the unit to be about it: one word that no other
// unit or only one uses ("receipt", "邻居", "PayPal"), or two that a few
// do; not a common one ("order", "we", "하나"). Chosen on the examples of
// the QA walk and the dev half of the paraphrase suite asked after every
// other entry (TestFollowUpsDoNotGlueNewQuestions).
const minTelling = 4.5

// best is the unit of p that shares the most telling terms with words,
// its index (-1 for none about them), and how much of words' telling
// terms it covers.
func (p passage) best(words map[string]bool, f *docFreq) (int, float64) {
	// Each word's weight once, not once per unit that has it: this runs
	// on every repeated question and follow-up (room for most messages'
	// words on the stack).
	type weighed struct {
		t   string
		idf float64
	}
	var buf [16]weighed
	ws := buf[:0]
	var total float64
	for t := range words {
		w := f.idf(t)
		total += w
		ws = append(ws, weighed{t, w})
	}
	at, top := -1, 0.0
	for i, u := range p.units {
		var s float64
		for _, w := range ws {
			if u.terms[w.t] {
				s += w.idf
			}
		}
		if s > top {
			at, top = i, s
		}
	}
	if top < minTelling || total == 0 {
		return -1, 0
	}
	return at, top / total
}

// bestLater is the unit of a later prose paragraph (laterProse) that
// shares the most telling terms with words, at half the evidence best
// asks of any unit: what a step that did not work needs is past the
// steps, so a word the steps share with it ("label") need not outweigh
// them. -1 when none shares that much.
func (p passage) bestLater(words map[string]bool, f *docFreq) int {
	at, top := -1, 0.0
	for i, u := range p.units {
		if !p.laterProse(i) {
			continue
		}
		var s float64
		for t := range words {
			if u.terms[t] {
				s += f.idf(t)
			}
		}
		if s > top {
			at, top = i, s
		}
	}
	if top < minTelling/2 {
		return -1
	}
	return at
}

// from is the text of units i.. to the end of paragraph last (inclusive),
// joined as written: sentences of a paragraph with a space (none between
// CJK sentences), paragraphs and items on their own lines. An item comes
// with the line that introduces its list.
func (p passage) from(i, last int) string {
	h := p.header(i)
	// Room for every unit up to last and its separator (at most two
	// bytes): one allocation, not a doubling series, for the part said
	// again on every repeated question.
	n := len(h)
	for j := i; j < len(p.units) && p.units[j].para <= last; j++ {
		n += 2 + len(p.units[j].text)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(h)
	for j := i; j < len(p.units) && p.units[j].para <= last; j++ {
		u := p.units[j]
		switch {
		case b.Len() == 0:
		case u.item || j > i && p.units[j-1].item:
			b.WriteString("\n")
		case j > i && p.units[j-1].para != u.para:
			b.WriteString("\n\n")
		case endsCJK(b.String()):
		default:
			b.WriteString(" ")
		}
		b.WriteString(u.text)
		if u.item && (j+1 == len(p.units) || !p.units[j+1].item) {
			break
		}
	}
	return b.String()
}

// paraStart is the first unit of unit i's paragraph.
func (p passage) paraStart(i int) int {
	return slices.IndexFunc(p.units, func(u unit) bool { return u.para == p.units[i].para })
}

// laterProse reports whether unit i is of a paragraph past the first
// that is not a list's item: not a step of the answer, but what it says
// for a case past them ("If the label email hasn't come…").
func (p passage) laterProse(i int) bool {
	return i >= 0 && p.units[i].para > 0 && !p.units[i].item
}

// item is units i alone (an item with its list's introduction).
func (p passage) only(i int) string {
	u := p.units[i]
	if h := p.header(i); h != "" {
		return h + "\n" + u.text
	}
	return u.text
}

func endsCJK(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '。' || r == '！' || r == '？'
}

// list is the first list of p with the line that introduces it, "" when
// the entry lists nothing.
func (p passage) list() string {
	var b strings.Builder
	for i, u := range p.units {
		if !u.item {
			if b.Len() > 0 {
				break
			}
			continue
		}
		if b.Len() == 0 {
			b.WriteString(p.header(i))
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(p.units[i].text)
	}
	return b.String()
}

// namedTerms are the terms of a thing a follow-up names, without the
// lexicon's concept terms: "네이버페이" and "카카오페이" share the concept
// of paying, not the thing.
func namedTerms(words map[string]bool) map[string]bool {
	named := map[string]bool{}
	for t := range words {
		if !strings.HasPrefix(t, text.ConceptPrefix) {
			named[t] = true
		}
	}
	return named
}

// minTellingConcept is how telling (idf) a lexicon concept must be to
// say what part of an entry a follow-up naming a kind of it asks about:
// about one unit in twelve of the base's answers or fewer speak of it.
// "~abroad" (en 2.8), "~海外" (3.3) and "~해외" (3.1) do; "~发货" (1.2),
// with 快递 in "那国际快递呢？", is about shipping at all and picks no part.
const minTellingConcept = 2.5

// tellingConcepts are the telling lexicon concept terms among words
// ("~abroad" for "germany"): what kind of thing a follow-up names.
func tellingConcepts(words map[string]bool, f *docFreq) map[string]bool {
	concepts := map[string]bool{}
	for t := range words {
		if strings.HasPrefix(t, text.ConceptPrefix) && f.idf(t) >= minTellingConcept {
			concepts[t] = true
		}
	}
	return concepts
}

// cover is how much of named's telling (idf-weighted) terms terms has.
func cover(named, terms map[string]bool, f *docFreq) float64 {
	var total, shared float64
	for t := range named {
		w := f.idf(t)
		total += w
		if terms[t] {
			shared += w
		}
	}
	if total <= 0 {
		return 0
	}
	return shared / total
}

// about are the units of p about a thing named: those that cover the
// most of its terms, at least minNamedCover ("해외배송" is both
// international items; "네이버페이" shares only "페이" with "카카오페이").
// How rare the terms are in the base does not matter: any unit of the
// entry that has them is about them.
func (p passage) about(named map[string]bool, f *docFreq) []int {
	if len(named) == 0 {
		return nil
	}
	var at []int
	top := minNamedCover
	for i, u := range p.units {
		c := cover(named, u.terms, f)
		switch {
		case c > top+1e-9:
			at, top = []int{i}, c
		case c >= top-1e-9:
			at = append(at, i)
		}
	}
	return at
}

// gather is the text of units at (from about): the items of the first
// list among them under the paragraph that introduces the list, else the
// first unit to the end of its paragraph.
func (p passage) gather(at []int) string {
	var items []int
	for _, i := range at {
		if u := p.units[i]; u.item && (len(items) == 0 || p.units[items[0]].intro == u.intro && p.units[items[0]].para == u.para) {
			items = append(items, i)
		}
	}
	if len(items) == 0 {
		return p.from(at[0], p.units[at[0]].para)
	}
	var b strings.Builder
	b.WriteString(p.header(items[0]))
	for _, i := range items {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(p.units[i].text)
	}
	return b.String()
}

// header is the paragraph that introduces item i's list, whole ("Orders
// placed before 2 pm ET … From there:", not only "From there:"), "" when
// none does.
func (p passage) header(i int) string {
	u := p.units[i]
	if !u.item || u.intro < 0 {
		return ""
	}
	var b strings.Builder
	para := p.units[u.intro].para
	for j := range p.units {
		v := p.units[j]
		if v.para != para || v.item || j > u.intro {
			continue
		}
		if b.Len() > 0 && !endsCJK(b.String()) {
			b.WriteString(" ")
		}
		b.WriteString(v.text)
	}
	return b.String()
}

// mentions reports whether entry id names a thing anywhere, in any of its
// languages: its answer, tip or example questions ("신용카드", "애플페이"
// are in the Korean questions of payment methods; "Alipay" in the English
// answer). One it mentions is never said not to be listed.
func mentions(kb *knowledge.Base, id, words string, named map[string]bool, f *docFreq, lex *text.Lexicon) bool {
	return mentionsAt(kb, id, words, named, f, lex, false)
}

// mentionsWhole reports whether entry id names a thing whole, in any of
// its languages: as written, or all its terms in one of its questions or
// one unit of its answer. "paypal credit" is not named whole by an answer
// that names PayPal and credit cards in different items.
func mentionsWhole(kb *knowledge.Base, id, words string, named map[string]bool, f *docFreq, lex *text.Lexicon) bool {
	return mentionsAt(kb, id, words, named, f, lex, true)
}

// mentionsAt is mentions, or with whole mentionsWhole: the answer and tip
// as a whole, and a unit in part, count only when not whole.
func mentionsAt(kb *knowledge.Base, id, words string, named map[string]bool, f *docFreq, lex *text.Lexicon, whole bool) bool {
	norm := text.Normalize(strings.TrimSpace(words))
	unitCover := minNamedCover
	if whole {
		unitCover = 1 - 1e-9
	}
	for _, l := range kb.Langs(id) {
		e, ok := kb.Entry(id, l)
		if !ok {
			continue
		}
		for i, s := range append([]string{e.Answer, e.Tip}, e.Questions...) {
			if norm != "" && strings.Contains(text.Normalize(Plain(s)), norm) {
				return true
			}
			if whole && i < 2 {
				continue // an answer may name the thing's words in different items
			}
			if len(named) > 0 && cover(named, termSet(s, lex), f) >= 1-1e-9 {
				return true
			}
		}
		for _, u := range cutPassage(e.Answer, lex).units {
			if len(named) > 0 && cover(named, u.terms, f) >= unitCover {
				return true
			}
		}
	}
	return false
}

// bestPair is the unit of p that shares the most Hangul or Han character
// pairs with msg ("발송됐으면요" and "이미 발송된 주문은": 발송), where the
// words themselves differ by their endings; pairs that half the units or
// more share ("어요", "您的") tell nothing. -1 when none is shared.
func (p passage) bestPair(msg string) int {
	want := charPairs(msg)
	if len(want) == 0 || len(p.units) == 0 {
		return -1
	}
	pairs := make([]map[string]bool, len(p.units))
	df := map[string]int{}
	for i, u := range p.units {
		pairs[i] = charPairs(Plain(u.text))
		for g := range pairs[i] {
			if want[g] {
				df[g]++
			}
		}
	}
	at, top := -1, 0
	for i := range p.units {
		n := 0
		for g := range pairs[i] {
			if want[g] && 2*df[g] < len(p.units) {
				n++
			}
		}
		if n > top {
			at, top = i, n
		}
	}
	return at
}

// charPairs are the pairs of adjacent Hangul or Han characters in s.
func charPairs(s string) map[string]bool {
	set := map[string]bool{}
	var prev rune
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Han, r) {
			if prev != 0 {
				set[string([]rune{prev, r})] = true
			}
			prev = r
			continue
		}
		prev = 0
	}
	return set
}

// firstList is the last paragraph of the answer's first list, or the
// first paragraph's (withList) when the answer has none: the answer's
// gist with what it lists ("We ship … same day." and the delivery
// times; "You can pay with:" and the ways).
func (p passage) firstList() int {
	for _, u := range p.units {
		if u.item {
			last := u.para
			for _, v := range p.units {
				if v.item && v.intro == u.intro {
					last = max(last, v.para)
				}
			}
			return last
		}
	}
	if len(p.units) == 0 {
		return 0
	}
	return p.withList(p.units[0].para)
}

// withList is paragraph para, or the last paragraph of the list that
// para's last unit introduces ("You can pay with:" and its items), so a
// part never ends on a line that promises a list.
func (p passage) withList(para int) int {
	k := -1
	for i, u := range p.units {
		if u.para == para {
			k = i
		}
	}
	switch {
	case k >= 0 && k+1 < len(p.units) && p.units[k+1].item && p.units[k+1].intro == k:
		for j := k + 1; j < len(p.units) && p.units[j].item && p.units[j].intro == k; j++ {
			para = p.units[j].para
		}
	case k >= 0 && k+1 < len(p.units) && strings.HasSuffix(p.units[k].text, ":") || k >= 0 && strings.HasSuffix(p.units[k].text, "："):
		// A numbered list ("1. Go to My orders…") is a paragraph of its
		// own after the line that introduces it.
		para = min(para+1, p.paras-1)
	}
	return para
}
