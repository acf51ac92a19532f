package handoff

import (
	"cmp"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/batonhq/baton/bot/text"
)

// The loop trigger compares this message with the customer's earlier ones
// by bot/text's Similarity: the cosine of term vectors in which function
// words weigh stopWeight. Calling text.Similarity for every earlier turn
// would tokenise and stem this message again each time and every earlier
// one from scratch, so the same measure is computed here from the field
// cache: this message's vector once, each earlier turn's from cached
// fields, no maps. TestSimilarityAgrees holds it to text.Similarity.

// stopWeight is bot/text's weight of a function word in Similarity.
const stopWeight = 0.2

func termWeight(t string) float64 {
	if text.IsStopWord(t) {
		return stopWeight
	}
	return 1
}

// term is one term of a message: its hash, text and weight (after
// merge: the weight summed over its occurrences).
type term struct {
	h uint64
	s string
	w float64
}

func compareTerms(a, b term) int {
	if c := cmp.Compare(a.h, b.h); c != 0 {
		return c
	}
	return strings.Compare(a.s, b.s)
}

// merge sorts ts and sums the weights of repeated terms: a term vector.
func merge(ts []term) []term {
	slices.SortFunc(ts, compareTerms)
	out := ts[:0]
	for _, t := range ts {
		if n := len(out); n > 0 && out[n-1].h == t.h && out[n-1].s == t.s {
			out[n-1].w += t.w
			continue
		}
		out = append(out, t)
	}
	return out
}

// norm2 is the squared length of a term vector.
func norm2(v []term) float64 {
	n := 0.0
	for _, t := range v {
		n += t.w * t.w
	}
	return n
}

// cosine is the cosine similarity of two term vectors (merged) with
// squared lengths na and nb, from 0 to 1.
func cosine(a, b []term, na, nb float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	dot := 0.0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := compareTerms(a[i], b[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			dot += a[i].w * b[j].w
			i++
			j++
		}
	}
	sim := dot / math.Sqrt(na*nb)
	if sim > 1 { // rounding
		sim = 1
	}
	return sim
}

// appendTerms appends the terms of s (bot/text's Terms, in order) to buf.
// Latin text is cut into bot/text's Words and each word's tokens come
// from the field cache. Text with CJK (whose bigrams run across spaces) or
// broken UTF-8 goes to text.Terms. words is scratch space for the words
// (nil: allocate).
func (ix *matchIndex) appendTerms(buf []term, s string, words *[]text.Word) []term {
	if ix == nil || !utf8.ValidString(s) || hasCJK(s) {
		for _, t := range text.Terms(s) {
			buf = append(buf, term{maphash.String(termSeed, t), t, termWeight(t)})
		}
		return buf
	}
	var ws []text.Word
	if words != nil {
		ws = (*words)[:0]
	}
	ws = text.AppendWords(ws, s)
	for _, w := range ws {
		buf = appendField(buf, ix.field(s[w.Start:w.End]))
	}
	if words != nil {
		*words = ws
	}
	return buf
}

func appendField(buf []term, fi *fieldInfo) []term {
	for k := range fi.toks {
		t := &fi.toks[k]
		buf = append(buf, term{t.h, t.stem, t.w})
	}
	return buf
}

func hasCJK(s string) bool {
	for _, r := range s {
		if r >= 0x1100 && (unicode.Is(unicode.Hangul, r) || isHan(r)) {
			return true
		}
	}
	return false
}

// messageVector returns the term vector of d's message s and its squared
// length, kept in d for the loop trigger.
func (d *doc) messageVector(s string) ([]term, float64) {
	buf := d.terms[:0]
	if d.plain {
		for i := range d.units {
			t := d.units[i].tok
			buf = append(buf, term{t.h, t.stem, t.w})
		}
	} else {
		buf = d.ix.appendTerms(buf, s, &d.wordBuf)
	}
	d.terms = merge(buf)
	return d.terms, norm2(d.terms)
}

// historyVector returns the term vector of an earlier customer turn s and
// its squared length. Each customer message is an earlier turn for the
// next messages of its conversation (as many as the loop window holds), so
// its vector is computed once and kept in ix's turn cache; a message
// longer than any chat line (a pasted text) is computed into d.history
// each time and not kept.
func (d *doc) historyVector(ix *matchIndex, s string) ([]term, float64) {
	if ix == nil || len(s) > maxCachedTurn {
		d.history = merge(ix.appendTerms(d.history[:0], s, &d.wordBuf))
		return d.history, norm2(d.history)
	}
	k := turnKeyOf(s)
	sh := &ix.turns.shards[k[0]%turnShards]
	sh.mu.RLock()
	v := sh.m[k]
	sh.mu.RUnlock()
	if v != nil {
		return v.terms, v.n2
	}
	// A copy of exactly the merged terms: merge works in place, so the
	// list it returns sits in an array as long as every term appended.
	merged := merge(ix.appendTerms(nil, s, &d.wordBuf))
	terms := make([]term, len(merged))
	copy(terms, merged)
	v = &termVector{terms: terms, n2: norm2(terms)}
	size := len(terms) * int(unsafe.Sizeof(term{}))
	sh.mu.Lock()
	if sh.m == nil || len(sh.m) >= turnShardMax || sh.bytes+size > turnShardBytes {
		sh.m, sh.bytes = make(map[turnKey]*termVector, turnShardMax), 0
	}
	sh.m[k] = v
	sh.bytes += size
	sh.mu.Unlock()
	return v.terms, v.n2
}

// turnKey names a turn by two independent 64-bit hashes of its text (seeds
// random per process): the cache keeps no customer's words, only their
// vectors, and two texts share a key about once in 2^128 pairs.
type turnKey [2]uint64

var turnSeed = maphash.MakeSeed()

func turnKeyOf(s string) turnKey {
	return turnKey{maphash.String(termSeed, s), maphash.String(turnSeed, s)}
}

// termVector is a merged term vector and its squared length; immutable
// once cached.
type termVector struct {
	terms []term
	n2    float64
}

// turnCache maps an earlier customer turn (by turnKey) to its term vector.
// It is bounded like the field cache: a shard that fills up, in turns or
// in bytes of terms, is emptied.
type turnCache struct {
	shards [turnShards]turnShard
}

const (
	turnShards     = 64
	turnShardMax   = 256      // turns per shard
	turnShardBytes = 64 << 10 // terms per shard, in bytes: 4 MiB in all
	maxCachedTurn  = 512      // bytes of text
)

// turnShard is padded to two cache lines, as fieldShard is.
type turnShard struct {
	mu    sync.RWMutex
	m     map[turnKey]*termVector
	bytes int // terms held, in bytes
	_     [128 - unsafe.Sizeof(sync.RWMutex{}) - unsafe.Sizeof(map[turnKey]*termVector(nil)) - unsafe.Sizeof(int(0))]byte
}
