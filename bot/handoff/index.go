package handoff

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/batonhq/baton/bot/text"
)

// Detect runs on every customer message, so the rules are compiled once
// into an index that makes one pass over a message enough:
//
//   - every distinct literal of every phrase gets an id, and each word of a
//     message is looked up once (by stem, spelling, first letter for
//     prefixes and typos) to learn which literals it matches;
//   - a phrase is tried only when the literal it can start with occurs in
//     the message and every word it requires occurs somewhere too, and
//     only at the places where that first literal occurs;
//   - what a Latin word becomes (its stems, its spelling, the literals it
//     matches) is cached per Rules, because customers use a few thousand
//     words over and over and stemming dominates the cost otherwise.
//
// The index only decides where to look: the phrase matcher in match.go
// still decides every match, so the index can be a superset and stay
// simple. TestIndexAgrees checks it against trying every phrase at every
// word.

// matchIndex is the compiled form of all phrase lists of one Rules.
type matchIndex struct {
	lits    []*lit    // by literal id
	phrases []*phrase // by phrase id; each list is a contiguous range

	stem   map[string][]int32 // Latin stem -> plain (and typo-tolerant) literals
	raw    map[string][]int32 // Latin spelling -> =exact literals
	prefix [256][]int32       // first byte of stem or spelling -> word* literals
	typos  [256][]int32       // first byte -> typo-tolerant literals (within1 keeps the first letter)
	anyLat []int32            // literals that may match any Latin word (an empty prefix)
	han    map[rune][]int32   // Chinese/Japanese character -> literals
	hangul map[rune][]int32   // first syllable -> Korean literals

	starts [][]int32 // phrase -> literals a match can start with
	trig   [][]int32 // literal -> phrases that can start with it
	req    [][]need  // phrase -> its required items

	fields fieldCache
	turns  turnCache // earlier customer turns' term vectors, for the loop trigger
	docs   sync.Pool
}

// newIndex compiles the phrase lists. It numbers the phrases and their
// literals, so a phrase belongs to one index (parseRules compiles fresh
// phrases for each load).
func newIndex(lists ...[]*phrase) *matchIndex {
	ix := &matchIndex{
		stem:   map[string][]int32{},
		raw:    map[string][]int32{},
		han:    map[rune][]int32{},
		hangul: map[rune][]int32{},
	}
	ix.fields.init()
	ix.docs.New = func() any { return &doc{} }
	ids := map[string]int32{}
	for _, ps := range lists {
		for _, p := range ps {
			p.id = int32(len(ix.phrases))
			ix.phrases = append(ix.phrases, p)
			for i := range p.items {
				for _, alt := range p.items[i].alts {
					for j := range alt {
						alt[j].id = ix.literal(&alt[j], ids)
					}
				}
			}
		}
	}
	ix.trig = make([][]int32, len(ix.lits))
	ix.starts = make([][]int32, len(ix.phrases))
	ix.req = make([][]need, len(ix.phrases))
	for _, p := range ix.phrases {
		var st []int32
		for _, it := range p.items {
			for _, alt := range it.alts {
				if !slices.Contains(st, alt[0].id) {
					st = append(st, alt[0].id)
				}
			}
			if !it.optional && it.gap == 0 && it.next == 0 {
				break // the first required item ends what a match can start with
			}
		}
		ix.starts[p.id] = st
		for _, l := range st {
			ix.trig[l] = append(ix.trig[l], p.id)
		}
		for _, it := range p.items {
			if it.optional || it.gap > 0 || it.next > 0 {
				continue
			}
			var nd need
			for _, alt := range it.alts {
				if len(alt) == 1 {
					nd.single = append(nd.single, alt[0].id)
					continue
				}
				nd.multi = append(nd.multi, int32(len(alt)))
				for _, l := range alt {
					nd.multi = append(nd.multi, l.id)
				}
			}
			ix.req[p.id] = append(ix.req[p.id], nd)
		}
		// possible needs every item, so their order does not change its
		// answer, only how soon it knows: the items with the fewest
		// alternatives first. An item that lists many wordings (the one
		// whose literal triggered the phrase, often) is then read only
		// when the short ones all occur, where in phrase order possible
		// read it first for every phrase tried, about 46 on each message.
		slices.SortStableFunc(ix.req[p.id], func(a, b need) int { return cmp.Compare(a.size(), b.size()) })
	}
	return ix
}

// need is one required item of a phrase: its alternatives of one literal
// (most of them), and the others, each as its length and its literals.
// possible reads the single literals in a tight loop first.
type need struct{ single, multi []int32 }

// size is the length of the item's former encoding (every alternative as
// its length and its literals), by which possible orders the items.
func (n need) size() int { return 2*len(n.single) + len(n.multi) }

// literal returns the id of l's matching condition, adding it to the
// lookup tables the first time.
func (ix *matchIndex) literal(l *lit, ids map[string]int32) int32 {
	var b strings.Builder
	b.WriteByte(byte('0' + l.kind))
	if l.exact {
		b.WriteByte('=')
	}
	if l.prefix {
		b.WriteByte('*')
	}
	b.WriteByte(byte('0' + min(l.typoMin, 60)))
	b.WriteString(l.stem)
	b.WriteByte(0)
	b.WriteString(l.raw)
	key := b.String()
	if id, ok := ids[key]; ok {
		return id
	}
	id := int32(len(ix.lits))
	ids[key] = id
	l.id = id
	ix.lits = append(ix.lits, l)
	switch l.kind {
	case latin:
		switch {
		case l.exact:
			ix.raw[l.raw] = append(ix.raw[l.raw], id)
		case l.prefix:
			if l.stem == "" || l.raw == "" {
				ix.anyLat = append(ix.anyLat, id)
				break
			}
			ix.prefix[l.stem[0]] = append(ix.prefix[l.stem[0]], id)
			if l.raw[0] != l.stem[0] {
				ix.prefix[l.raw[0]] = append(ix.prefix[l.raw[0]], id)
			}
		default:
			ix.stem[l.stem] = append(ix.stem[l.stem], id)
			if l.typoMin > 0 {
				if len(l.raw) >= l.typoMin && l.raw != "" {
					ix.typos[l.raw[0]] = append(ix.typos[l.raw[0]], id)
				}
				if len(l.stem) >= l.typoMin && l.stem != "" && (l.raw == "" || l.stem[0] != l.raw[0] || len(l.raw) < l.typoMin) {
					ix.typos[l.stem[0]] = append(ix.typos[l.stem[0]], id)
				}
			}
		}
	case han:
		r, _ := utf8.DecodeRuneInString(l.stem)
		ix.han[r] = append(ix.han[r], id)
	case hangul:
		if len(l.runes) > 0 {
			ix.hangul[l.runes[0]] = append(ix.hangul[l.runes[0]], id)
		}
	}
	return id
}

// latinLits returns the literals a Latin word matches: the same tests as
// matcher.lit, for every literal that could pass them.
func (ix *matchIndex) latinLits(stem, raw string) []int32 {
	var out []int32
	add := func(id int32) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	u := unit{kind: latin, stem: stem, raw: raw}
	for _, id := range ix.stem[stem] {
		add(id)
	}
	for _, id := range ix.raw[raw] {
		add(id)
	}
	test := func(ids []int32, ok func(*lit) bool) {
		for _, id := range ids {
			if ok(ix.lits[id]) {
				add(id)
			}
		}
	}
	isPrefix := func(l *lit) bool { return strings.HasPrefix(stem, l.stem) || strings.HasPrefix(raw, l.raw) }
	test(ix.anyLat, isPrefix)
	isTypo := func(l *lit) bool { return typo(l, &u) }
	if stem != "" {
		test(ix.prefix[stem[0]], isPrefix)
		test(ix.typos[stem[0]], isTypo)
	}
	if raw != "" && (stem == "" || raw[0] != stem[0]) {
		test(ix.prefix[raw[0]], isPrefix)
		test(ix.typos[raw[0]], isTypo)
	}
	return out
}

// fieldInfo is what one Latin field (a run of text between spaces and
// sentence punctuation) becomes. It is immutable once cached.
type fieldInfo struct {
	raw  string // lower case, without surrounding punctuation: what =word compares
	word bool   // two or more letters
	caps bool   // ... all of them capitals
	toks []tokInfo
}

type tokInfo struct {
	stem string  // bot/text's normalised token
	h    uint64  // hash of stem, for Similarity
	w    float64 // its weight in Similarity
	lits []int32 // literals of the index this token matches
}

// termSeed hashes terms for Similarity; one seed per process so every
// cache agrees.
var termSeed = maphash.MakeSeed()

// makeField analyses one field. ix may be nil (compiling phrases).
func makeField(f string, ix *matchIndex) *fieldInfo {
	letters, upper := 0, 0
	for _, r := range f {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	fi := &fieldInfo{
		raw:  strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })),
		word: letters >= 2,
		caps: letters >= 2 && upper == letters,
	}
	for _, t := range text.Tokenize(f) {
		if t.CJK { // cannot happen: CJK never reaches a field; kept safe
			continue
		}
		ti := tokInfo{stem: t.Text, h: maphash.String(termSeed, t.Text), w: termWeight(t.Text)}
		if ix != nil {
			ti.lits = ix.latinLits(t.Text, fi.raw)
		}
		fi.toks = append(fi.toks, ti)
	}
	return fi
}

// fieldCache maps a field as typed to its analysis. It is bounded: a shard
// that fills up is emptied (common words come straight back), so a flood
// of random words cannot grow memory.
type fieldCache struct {
	shards [fieldShards]fieldShard
}

const (
	fieldShards    = 64
	fieldShardMax  = 1024 // fields per shard: 64k fields, at most about 10 MB in all
	maxCachedField = 64   // bytes
)

// fieldShard is padded to two cache lines so that cores reading
// different shards do not fight over one line (RLock writes to it).
type fieldShard struct {
	mu sync.RWMutex
	m  map[string]*fieldInfo
	_  [128 - unsafe.Sizeof(sync.RWMutex{}) - unsafe.Sizeof(map[string]*fieldInfo(nil))]byte
}

func (c *fieldCache) init() {
	for i := range c.shards {
		c.shards[i].m = map[string]*fieldInfo{}
	}
}

// field returns the analysis of f, from the cache when it can. Fields
// longer than any word (pasted codes, keyboard mashing) are not cached, so
// the cache stays small whatever customers send.
func (ix *matchIndex) field(f string) *fieldInfo {
	if len(f) > maxCachedField {
		return makeField(widenString(f), ix)
	}
	sh := &ix.fields.shards[maphash.String(termSeed, f)%fieldShards]
	sh.mu.RLock()
	fi := sh.m[f]
	sh.mu.RUnlock()
	if fi != nil {
		return fi
	}
	fi = makeField(widenString(f), ix)
	sh.mu.Lock()
	if len(sh.m) >= fieldShardMax {
		sh.m = make(map[string]*fieldInfo, fieldShardMax)
	}
	sh.m[strings.Clone(f)] = fi
	sh.mu.Unlock()
	return fi
}

// widenString maps full-width ASCII in s to ASCII (allocating only when
// there is any).
func widenString(s string) string {
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			return strings.Map(widen, s)
		}
	}
	return s
}

// litPos is one place a literal occurs: unit, and the next place of the
// same literal (-1: none).
type litPos struct{ unit, next int32 }

// negMatch is one negation word: its units, and the unit from which on
// it negates nothing (negation.reach).
type negMatch struct{ start, end, reach int32 }

// prepare records which literals occur where, and which phrases are worth
// trying. Called once per document, after the units are known.
func (d *doc) prepare() {
	ix := d.ix
	n := len(ix.lits)
	if cap(d.seenLit) < n {
		d.seenLit, d.head, d.tail = make([]uint32, n), make([]int32, n), make([]int32, n)
	}
	d.seenLit, d.head, d.tail = d.seenLit[:n], d.head[:n], d.tail[:n]
	if m := len(ix.phrases); cap(d.seenPhrase) < m {
		d.seenPhrase = make([]uint32, m)
	} else {
		d.seenPhrase = d.seenPhrase[:m]
	}
	d.gen++
	if d.gen == 0 { // wrapped: stale marks could look current
		clear(d.seenLit)
		clear(d.seenPhrase)
		d.gen = 1
	}
	d.pos, d.present, d.cands, d.negs, d.negDone = d.pos[:0], d.present[:0], d.cands[:0], d.negs[:0], false

	for ui := range d.units {
		u := &d.units[ui]
		switch u.kind {
		case latin:
			for _, id := range u.tok.lits {
				d.occurs(id, ui)
			}
		case han:
			r, _ := utf8.DecodeRuneInString(u.stem)
			for _, id := range ix.han[r] {
				d.occurs(id, ui)
			}
		case hangul:
			for off, r := range u.runes {
				for _, id := range ix.hangul[r] {
					if l := ix.lits[id]; hasRunes(u.runes[off:], l.runes) {
						d.occurs(id, ui)
					}
				}
			}
		}
	}
	for _, id := range d.present {
		for _, p := range ix.trig[id] {
			if d.seenPhrase[p] == d.gen {
				continue
			}
			d.seenPhrase[p] = d.gen
			if d.possible(p) {
				d.cands = append(d.cands, p)
			}
		}
	}
	slices.Sort(d.cands)
}

func hasRunes(s, prefix []rune) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i, r := range prefix {
		if s[i] != r {
			return false
		}
	}
	return true
}

// occurs records literal id at unit u (units come in order).
func (d *doc) occurs(id int32, u int) {
	at := int32(len(d.pos))
	if d.seenLit[id] != d.gen {
		d.seenLit[id] = d.gen
		d.head[id] = at
		d.present = append(d.present, id)
	} else {
		t := d.tail[id]
		if d.pos[t].unit == int32(u) {
			return // a Korean literal twice in one word
		}
		d.pos[t].next = at
	}
	d.tail[id] = at
	d.pos = append(d.pos, litPos{unit: int32(u), next: -1})
}

// possible reports whether every required item of phrase p has an
// alternative whose literals all occur in the document.
func (d *doc) possible(p int32) bool {
	seen, gen := d.seenLit, d.gen
	for _, nd := range d.ix.req[p] {
		ok := false
		for _, id := range nd.single {
			if seen[id] == gen {
				ok = true
				break
			}
		}
		for i := 0; i < len(nd.multi) && !ok; {
			n := int(nd.multi[i])
			alt := nd.multi[i+1 : i+1+n]
			i += 1 + n
			ok = true
			for _, id := range alt {
				if seen[id] != gen {
					ok = false
					break
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// startsOf returns, in order, the units where phrase p may start.
func (d *doc) startsOf(p int32) []int32 {
	out := d.startBuf[:0]
	for _, id := range d.ix.starts[p] {
		if d.seenLit[id] != d.gen {
			continue
		}
		for k := d.head[id]; k >= 0; k = d.pos[k].next {
			out = append(out, d.pos[k].unit)
		}
	}
	if len(d.ix.starts[p]) > 1 {
		slices.Sort(out)
		out = slices.Compact(out)
	}
	d.startBuf = out
	return out
}

// candidates returns the phrases of ps worth trying, or ok=false when ps
// is not a list of d's index (then every phrase is tried everywhere).
func (d *doc) candidates(ps []*phrase) (ids []int32, ok bool) {
	lo, hi, ok := d.ix.listRange(ps)
	if !ok {
		return nil, false
	}
	i, _ := slices.BinarySearch(d.cands, lo)
	j := i
	for j < len(d.cands) && d.cands[j] < hi {
		j++
	}
	return d.cands[i:j], true
}

// listRange is the ids of ps's phrases, lo to hi-1, when ps is one of
// ix's lists (newIndex numbers each list's phrases in a row).
func (ix *matchIndex) listRange(ps []*phrase) (lo, hi int32, ok bool) {
	if ix == nil || len(ps) == 0 {
		return 0, 0, false
	}
	lo, hi = ps[0].id, ps[0].id+int32(len(ps))
	if lo < 0 || int(hi) > len(ix.phrases) || ix.phrases[lo] != ps[0] || ix.phrases[hi-1] != ps[len(ps)-1] {
		return 0, 0, false
	}
	return lo, hi, true
}

// candWalk reads d.cands for phrase lists in the index's order, as the
// complaint cue groups are (the last lists parseRules indexes): one walk
// over the sorted candidates tells which groups have a phrase to try,
// where find's candidates would binary-search them once per group, some
// seventy groups on every message, most with nothing to try.
type candWalk struct{ next, lo int32 }

// any reports whether a phrase of ps may match in d: false only when ps
// is indexed and none of its phrases is a candidate, which is when find
// finds nothing. Lists out of order only restart the walk.
func (w *candWalk) any(d *doc, ps []*phrase) bool {
	lo, hi, ok := d.ix.listRange(ps)
	if !ok {
		return true // not indexed: find decides
	}
	if lo < w.lo {
		w.next = 0
	}
	w.lo = lo
	for int(w.next) < len(d.cands) && d.cands[w.next] < lo {
		w.next++
	}
	return int(w.next) < len(d.cands) && d.cands[w.next] < hi
}

// negations lists every match of a negation word in d by start (computed
// once).
func (d *doc) negations(n *negation) []negMatch {
	if d.negDone {
		return d.negs
	}
	d.negDone = true
	ids, _ := d.candidates(n.words)
	for _, p := range ids {
		ph := d.ix.phrases[p]
		// Not startsOf: find is iterating its buffer. Order does not matter.
		for _, id := range d.ix.starts[p] {
			if d.seenLit[id] != d.gen {
				continue
			}
			for k := d.head[id]; k >= 0; k = d.pos[k].next {
				s := d.pos[k].unit
				if end, hit := ph.matchAt(d, nil, int(s)); hit && !d.aNotA(int(s), end) {
					d.negs = append(d.negs, negMatch{s, int32(end), int32(n.reach(d, end))})
				}
			}
		}
	}
	// By start, so before looks only at its window.
	slices.SortFunc(d.negs, func(a, b negMatch) int { return cmp.Compare(a.start, b.start) })
	return d.negs
}
