// Package text is Baton's one tokenizer and normaliser: every part that
// compares what people write (knowledge matching, the lexicon, smalltalk,
// handoff phrases, the LLM leak guard) reads text through it, so they all
// agree on what "the same words" means.
//
// Normalize folds width, case and accents (golang.org/x/text); Words cuts
// a text into words with their byte offsets; Tokenize turns it into
// matching tokens; Terms and Similarity compare texts; a Lexicon (ops'
// synonyms, from prompts/lexicon/) rewrites tokens into shared concepts.
//
// Latin-script words are lower-cased, stripped of accents and punctuation,
// have English contractions expanded ("where's" -> "where is") and are
// stemmed with a Porter stemmer. Chinese, Japanese and Korean have no
// reliable word boundaries (Korean is often typed without spaces), so runs
// of those scripts are compared by overlapping character bigrams.
package text

import (
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// Token is one unit of a message after normalisation: either a stemmed
// word or a whole run of CJK characters (which callers cut into n-grams).
type Token struct {
	Text    string
	CJK     bool
	Concept bool // added by a Lexicon's related group; Text starts with ConceptPrefix
	// Linked marks the English words a Lexicon adds after a Chinese or
	// Korean run it links to them: a reading of the customer's message
	// for entries in another language, which a text compared within its
	// own language (a document being indexed, a passage) leaves out.
	Linked bool
}

// Tokenize normalises s and splits it into matching tokens in reading
// order: Words, with Latin-script words split at hyphens, contractions
// expanded and stemmed, and neighbouring CJK words (separated by nothing
// or by spaces only) joined into one run.
func Tokenize(s string) []Token { return tokenize(nil, s, true) }

// AppendTokens is Tokenize appending to dst, so that a hot path (the
// knowledge matcher, on every message) can reuse one buffer.
func AppendTokens(dst []Token, s string) []Token { return tokenize(dst, s, true) }

// wordBufs are Words buffers for tokenize: it needs a message's words only
// while it reads them.
var wordBufs = sync.Pool{New: func() any { return new([]Word) }}

// tokenize is AppendTokens; canon false leaves out the built-in synonym
// folding (the lexicon loader uses it to tell real duplicates from words
// the tokenizer already folds).
func tokenize(dst []Token, s string, canon bool) []Token {
	toks := dst
	var run strings.Builder
	runEnd := -1 // end of the open CJK run in s, -1 when none
	flushRun := func() {
		if run.Len() > 0 {
			toks = append(toks, Token{Text: run.String(), CJK: true})
			run.Reset()
		}
		runEnd = -1
	}
	buf := wordBufs.Get().(*[]Word)
	words := AppendWords((*buf)[:0], s)
	defer func() {
		clear(words) // the customer's words stay in no pool
		*buf = words[:0]
		wordBufs.Put(buf)
	}()
	// Room for a token a word up front (a contraction adds one more):
	// appended one by one from nil, a message's tokens were reallocated
	// two or three times in each of the four or five Tokenize calls of a
	// turn (cpu7: about 10 of a turn's 63 allocations).
	toks = slices.Grow(toks, len(words))
	for _, w := range words {
		if w.Kind == Jamo && moodJamo(w.Text) {
			// "환불 얼마나 걸려요ㅠㅠ": tears (ㅠㅠ, ㅜㅜ) and a flat
			// face (ㅡㅡ) are mood, glued to the word before as often
			// as not. Inside the run they made character pairs no
			// question has ("요ㅠ", "ㅠㅠ") and dragged a plain question
			// down to "not sure"; they end the run like punctuation.
			flushRun()
			continue
		}
		if w.Kind.CJK() {
			// Spaces inside CJK text do not end the run: Korean spacing
			// is inconsistent ("배송 언제" vs "배송언제"), and Chinese
			// and Japanese rarely use spaces at all.
			if runEnd >= 0 && strings.TrimSpace(s[runEnd:w.Start]) != "" {
				flushRun()
			}
			run.WriteString(w.Text)
			runEnd = w.End
			continue
		}
		flushRun()
		// The parts between hyphens, as strings.Split(w.Text, "-") gives them.
		for rest := w.Text; ; {
			part, after, found := strings.Cut(rest, "-")
			toks = appendWord(toks, part, canon)
			if !found {
				break
			}
			rest = after
		}
	}
	flushRun()
	return toks
}

// moodJamo reports whether a run of loose Hangul letters is only vowels
// (ㅠㅠ, ㅜㅜ, ㅡㅡ): mood, never chat shorthand, which is consonants
// (ㄱㄴ for 가능, ㅇㅋ, ㄱㅅ).
func moodJamo(w string) bool {
	for _, r := range w {
		if r < 0x314F || r > 0x3163 { // ㅏ .. ㅣ
			return false
		}
	}
	return w != ""
}

// Terms returns the normalised terms of s: stemmed words, and for CJK
// text character bigrams (plus single characters when the CJK text is too
// short for bigrams to say much). Duplicates are kept, in reading order.
func Terms(s string) []string { return AppendTerms(nil, s) }

// tokenBufs are Tokenize buffers for AppendTerms: it needs a message's
// tokens only while it reads them.
var tokenBufs = sync.Pool{New: func() any { return new([]Token) }}

// AppendTerms is Terms appending to dst, so that a hot path (the handoff
// detector's learned layer, on every message) can reuse one buffer.
func AppendTerms(dst []string, s string) []string {
	buf := tokenBufs.Get().(*[]Token)
	toks := tokenize((*buf)[:0], s, true)
	defer func() {
		clear(toks) // the customer's words stay in no pool
		*buf = toks[:0]
		tokenBufs.Put(buf)
	}()
	cjkChars := 0
	for _, t := range toks {
		if t.CJK {
			cjkChars += utf8.RuneCountInString(t.Text)
		}
	}
	terms := dst
	for _, t := range toks {
		if !t.CJK {
			terms = append(terms, t.Text)
			continue
		}
		terms = AppendNGrams(terms, t.Text, cjkChars <= ShortCJK)
	}
	return terms
}

// ShortCJK is the number of CJK characters up to which a text is short
// enough that single characters are used as terms too: a two-character
// query like "退货" has only one bigram, so one typo would leave nothing.
const ShortCJK = 4

// AppendNGrams appends the character bigrams of a CJK run to dst, and its
// single characters too when unigrams is set. A one-character run always
// yields its character.
func AppendNGrams(dst []string, run string, unigrams bool) []string {
	n := utf8.RuneCountInString(run)
	if n == 1 {
		return append(dst, run)
	}
	prev := 0
	for i, r := range run {
		if unigrams {
			dst = append(dst, run[i:i+utf8.RuneLen(r)])
		}
		if i > 0 {
			end := i + utf8.RuneLen(r)
			dst = append(dst, run[prev:end])
			prev = i
		}
	}
	return dst
}

// Similarity is the cosine similarity of the term vectors of a and b,
// from 0 (nothing in common) to 1 (the same terms). Function words such as
// "is", "my", "the" count for little, so "where is my order" and "where's
// my order??" score 1 while "where is my order" and "where is my refund"
// score low.
func Similarity(a, b string) float64 {
	return Cosine(Vector(a), Vector(b))
}

// TermSet is the set of s's Terms.
func TermSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, t := range Terms(s) {
		set[t] = true
	}
	return set
}

// Jaccard is the share of terms two term sets have in common, |a∩b| /
// |a∪b|, and 0 when either is empty. Unlike Similarity it weighs every
// term alike: the tests that keep held-out data out of what Baton learns
// use it to find near copies, where a shared "the" matters as much as a
// shared "refund".
func Jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	both := 0
	for t := range a {
		if b[t] {
			both++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}

// Vector is the weighted term vector of s that Similarity compares;
// callers comparing one text with many compute it once.
func Vector(s string) map[string]float64 { return vector(Terms(s)) }

// Cosine is the cosine similarity of two term vectors, 0 when either is empty.
func Cosine(va, vb map[string]float64) float64 {
	if len(va) == 0 || len(vb) == 0 {
		return 0
	}
	var dot, na, nb float64
	for t, x := range va {
		na += x * x
		if y, ok := vb[t]; ok {
			dot += x * y
		}
	}
	for _, y := range vb {
		nb += y * y
	}
	sim := dot / math.Sqrt(na*nb)
	if sim > 1 { // rounding
		sim = 1
	}
	return sim
}

// stopWeight is the weight of a function word relative to a content word
// in Similarity.
const stopWeight = 0.2

func vector(terms []string) map[string]float64 {
	v := make(map[string]float64, len(terms))
	for _, t := range terms {
		w := 1.0
		if IsStopWord(t) {
			w = stopWeight
		}
		v[t] += w
	}
	return v
}

// IsStopWord reports whether term (as returned by Terms) is an English
// function word that says little about what a message is about.
func IsStopWord(term string) bool { return stopWords[term] }

var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the i me my mine we us our you your yours he him his she her it its
		they them their this that these those there here is am are was were be been being do does did
		have has had will would shall should can could may might must to of in on at by for with from
		about as into and or but so if then than too very just also what which who whom whose where when
		how why hi hello hey please thank thanks ok okay any some`) {
		m[stem(w)] = true
	}
	return m
}()

// appendWord normalises one raw (lower-cased) word, which may contain
// apostrophes, and appends the resulting tokens.
func appendWord(toks []Token, w string, canon bool) []Token {
	w = strings.Trim(w, "'")
	if w == "" {
		return toks
	}
	if i := strings.IndexByte(w, '\''); i >= 0 {
		base, suf := w[:i], strings.ReplaceAll(w[i+1:], "'", "")
		for _, x := range contraction(base, suf) {
			toks = appendPlain(toks, x, canon)
		}
		return toks
	}
	return appendPlain(toks, w, canon)
}

// appendPlain handles a word without apostrophes: spelled-out
// contractions and chat abbreviations first, then stemming. With canon,
// what a word becomes is kept in plainWords: every message is tokenised
// by several readers (knowledge matching, the handoff detector, the
// learned layer), and customers use the same few thousand words.
func appendPlain(toks []Token, w string, canon bool) []Token {
	if !canon || len(w) > maxCachedWord {
		return appendPlainWord(toks, w, canon)
	}
	if ts, ok := plainWords.get(w); ok {
		for _, t := range ts {
			toks = append(toks, Token{Text: t})
		}
		return toks
	}
	n := len(toks)
	toks = appendPlainWord(toks, w, canon)
	// Copies: a stem may share the bytes of the message it came from,
	// which the cache must not keep alive.
	ts := make([]string, len(toks)-n)
	for i := range ts {
		ts[i] = strings.Clone(toks[n+i].Text)
	}
	plainWords.put(w, ts)
	return toks
}

// plainWords caches appendPlainWord(w, canon on) as token texts.
var plainWords = newWordCache()

// maxCachedWord bounds the words plainWords keeps, in bytes: longer ones
// (codes, keyboard mashing) are stemmed each time.
const maxCachedWord = 24

// wordCache maps a word to its tokens. It is bounded: a shard that fills
// up is emptied (common words come straight back), so a flood of random
// words cannot grow memory.
type wordCache struct {
	shards [wordShards]wordShard
}

const (
	wordShards   = 64
	wordShardMax = 1024 // words per shard: 64k words, a few MB at most
)

// wordShard is padded to two cache lines so that cores reading
// different shards do not fight over one line (RLock writes to it).
type wordShard struct {
	mu sync.RWMutex
	m  map[string][]string
	_  [128 - unsafe.Sizeof(sync.RWMutex{}) - unsafe.Sizeof(map[string][]string(nil))]byte
}

var wordSeed = maphash.MakeSeed()

func newWordCache() *wordCache {
	c := &wordCache{}
	for i := range c.shards {
		c.shards[i].m = map[string][]string{}
	}
	return c
}

func (c *wordCache) shard(w string) *wordShard {
	return &c.shards[maphash.String(wordSeed, w)%wordShards]
}

func (c *wordCache) get(w string) ([]string, bool) {
	sh := c.shard(w)
	sh.mu.RLock()
	ts, ok := sh.m[w]
	sh.mu.RUnlock()
	return ts, ok
}

func (c *wordCache) put(w string, ts []string) {
	sh := c.shard(w)
	sh.mu.Lock()
	if len(sh.m) >= wordShardMax {
		sh.m = make(map[string][]string, wordShardMax)
	}
	sh.m[strings.Clone(w)] = ts
	sh.mu.Unlock()
}

// appendPlainWord is appendPlain without the cache.
func appendPlainWord(toks []Token, w string, canon bool) []Token {
	c := canonical
	if !canon {
		c = func(s string) string { return s }
	}
	if x, ok := respell[w]; ok {
		for _, p := range strings.Fields(x) {
			toks = append(toks, Token{Text: c(stem(p))})
		}
		return toks
	}
	return append(toks, Token{Text: c(stem(w))})
}

// canonical folds a stem to the first word of its synonym group.
func canonical(st string) string {
	if c, ok := synonyms[st]; ok {
		return c
	}
	return st
}

// synonymGroups are everyday words customers use interchangeably. Kept
// general (shops, banks, apps); the first word of a group is the one the
// others fold to. Words with a second common meaning stay out.
var synonymGroups = [][]string{
	{"buy", "purchase", "bought", "purchased"},
	{"money", "funds"},
	{"wrong", "incorrect"},
	{"deliver", "delivery", "ship", "shipping", "shipment", "shipped"},
	{"help", "assist", "assistance"},
	{"damaged", "broken", "faulty", "defective"},
	{"phone", "mobile", "cellphone", "smartphone"},
	{"password", "passcode", "pwd"},
	{"app", "application"},
	{"fix", "solve", "resolve", "repair"},
	{"fast", "quick", "quickly", "fastest", "quickest"},
	{"delete", "remove"},
	{"refund", "reimburse", "reimbursement"},
	{"abroad", "overseas"},
	{"decline", "reject", "refuse", "deny", "denied"},
	{"find", "locate"},
	{"cost", "price"},
}

var synonyms = func() map[string]string {
	m := map[string]string{}
	for _, g := range synonymGroups {
		c := stem(g[0])
		for _, w := range g[1:] {
			if st := stem(w); st != c {
				m[st] = c
			}
		}
	}
	return m
}()

// contraction expands base'suf ("don't", "where's", "I'm").
func contraction(base, suf string) []string {
	switch suf {
	case "t":
		switch base {
		case "can", "ca":
			return []string{"can", "not"}
		case "won", "wo":
			return []string{"will", "not"}
		case "shan":
			return []string{"shall", "not"}
		case "ain":
			return []string{"is", "not"}
		}
		if strings.HasSuffix(base, "n") && len(base) > 1 {
			return []string{base[:len(base)-1], "not"}
		}
	case "s":
		switch base {
		case "where", "what", "it", "that", "there", "how", "who", "here", "he", "she", "when", "why":
			return []string{base, "is"}
		case "let":
			return []string{"let", "us"}
		}
		return []string{base} // possessive: "card's" -> "card"
	case "re":
		return []string{base, "are"}
	case "m":
		return []string{base, "am"}
	case "ve":
		return []string{base, "have"}
	case "ll":
		return []string{base, "will"}
	case "d":
		return []string{base, "would"}
	}
	if base == "" {
		return []string{suf}
	}
	if suf == "" {
		return []string{base}
	}
	return []string{base, suf} // "l'adresse" -> "l", "adresse"
}

// respell maps contractions typed without an apostrophe and common chat
// spellings to their full words, so "cant" matches "can't" matches
// "can not". Kept short on purpose: only unambiguous forms.
var respell = map[string]string{
	"cant": "can not", "cannot": "can not", "dont": "do not", "doesnt": "does not",
	"didnt": "did not", "isnt": "is not", "arent": "are not", "wasnt": "was not",
	"werent": "were not", "havent": "have not", "hasnt": "has not", "hadnt": "had not",
	"couldnt": "could not", "wouldnt": "would not", "shouldnt": "should not",
	"wont": "will not", "im": "i am", "ive": "i have", "youre": "you are",
	"whats": "what is", "wheres": "where is", "hows": "how is", "thats": "that is",
	"theres": "there is",
	// Chat spellings.
	"u": "you", "ur": "your", "pls": "please", "plz": "please", "thx": "thanks",
	"thanx": "thanks", "acct": "account", "msg": "message", "wanna": "want to",
	"gonna": "going to", "recieve": "receive", "recieved": "received",
	// Shorthand customers type on a phone ("r u open mondays", "hw much
	// for a tuneup"): only forms with no other everyday reading.
	"hw": "how", "wat": "what", "wut": "what", "abt": "about",
	"tmrw": "tomorrow", "tmr": "tomorrow", "tomoz": "tomorrow", "2moro": "tomorrow", "2day": "today",
	"yr": "year", "yrs": "years", "wk": "week", "wks": "weeks", "hr": "hour", "hrs": "hours",
	"b4": "before", "nxt": "next", "ppl": "people", "coz": "because", "cuz": "because",
	"bc": "because", "cud": "could", "wud": "would", "shud": "should", "hv": "have",
	"whens": "when is", "whos": "who is", "diff": "difference", "ya": "you", "ure": "you are",
	"info": "information", "pic": "picture", "pics": "pictures", "appt": "appointment",
}
