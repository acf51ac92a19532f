package knowledge

import (
	"math"
	"sort"
	"sync"

	"github.com/batonhq/baton/bot/text"
)

// params are the knobs of the matcher. defaultParams were chosen by
// leave-one-out over the banking77 knowledge questions (see tune_test.go).
type params struct {
	bigramW   float64    // weight of a word bigram relative to a word
	cjkUniW   float64    // weight of a single CJK character relative to a bigram
	top       [3]float64 // weights of an entry's best, 2nd and 3rd question scores
	entryW    float64    // weight of the entry-level score (all its questions pooled)
	answerW   float64    // weight of the answer-text score
	oovDF     float64    // document frequency assumed for query terms the KB never uses
	idfByDoc  bool       // idf from question counts instead of entry counts
	charW     float64    // weight of character n-grams of words (typos, compounds)
	charN     int        // their length
	rankCov   bool       // rank by similarity times coverage
	lenPow    float64    // question vectors are divided by their norm to this power (1 = cosine)
	threshold float64    // Score at or above which a match is Confident
}

var defaultParams = params{
	bigramW:   0.5,
	cjkUniW:   0.3,
	top:       [3]float64{1, 0.5, 0.25},
	entryW:    2,
	answerW:   0.5,
	oovDF:     1,
	charW:     0.3,
	charN:     4,
	lenPow:    1,
	threshold: 0.18,
}

// index is an inverted index of tf-idf weighted, length-normalised term
// vectors (cosine similarity) over three kinds of documents: each example
// question, each entry (all its questions pooled, in every language) and
// each entry's answer text.
type index struct {
	p         params
	terms     map[string]int32
	idf       []float32
	oovIDF    float64
	nEntry    int
	ids       []string // entry index -> id
	qEntry    []int32  // question doc -> entry index
	qLang     []string // question doc -> language
	firstLang []string // entry index -> its first language, for answer-only matches
	qPost     [][]posting
	ePost     [][]posting // entry docs are indexed by entry index
	aPost     [][]posting
	scratch   sync.Pool
}

type posting struct {
	doc int32
	w   float32
}

// features returns the weighted terms of s: stemmed words, word bigrams,
// CJK character bigrams and (lightly weighted) single CJK characters.
func features(s string, p *params) map[string]float64 {
	toks := text.Tokenize(s)
	f := make(map[string]float64, 2*len(toks))
	prev := ""
	for _, t := range toks {
		if t.CJK {
			prev = ""
			grams := text.AppendNGrams(nil, t.Text, true)
			for _, g := range grams {
				if len([]rune(g)) == 1 && len([]rune(t.Text)) > 1 {
					f[g] += p.cjkUniW
				} else {
					f[g]++
				}
			}
			continue
		}
		f[t.Text]++
		if p.charW > 0 {
			w := "#" + t.Text + "#"
			for i := 0; i+p.charN <= len(w); i++ {
				f["\x00"+w[i:i+p.charN]] += p.charW
			}
		}
		if prev != "" && p.bigramW > 0 {
			f[prev+" "+t.Text] += p.bigramW
		}
		prev = t.Text
	}
	return f
}

func buildIndex(b *Base, p params) *index {
	return buildIndexWith(b, p, func(s string) map[string]float64 { return features(s, &p) })
}

// buildIndexWith builds the index with feat as the feature extractor (the
// tuning code passes a memoised one; callers must not mutate its maps).
func buildIndexWith(b *Base, p params, feat func(string) map[string]float64) *index {
	ix := &index{p: p, terms: map[string]int32{}, ids: b.ids, nEntry: len(b.ids)}
	type doc struct {
		entry int32
		lang  string
		f     map[string]float64
	}
	var qs []doc
	entryF := make([]map[string]float64, len(b.ids))
	answerF := make([]map[string]float64, len(b.ids))
	for ei, id := range b.ids {
		entryF[ei] = map[string]float64{}
		answerF[ei] = map[string]float64{}
		langs := make([]string, 0, len(b.entries[id]))
		for l := range b.entries[id] {
			langs = append(langs, l)
		}
		sort.Strings(langs)
		ix.firstLang = append(ix.firstLang, langs[0])
		for _, l := range langs {
			e := b.entries[id][l]
			for _, q := range e.Questions {
				f := feat(q)
				qs = append(qs, doc{int32(ei), l, f})
				for t, w := range f {
					entryF[ei][t] += w
				}
			}
			for t, w := range feat(e.Answer) {
				answerF[ei][t] += w
			}
		}
	}
	// Document frequencies.
	df := map[string]int{}
	if p.idfByDoc {
		for _, d := range qs {
			for t := range d.f {
				df[t]++
			}
		}
	} else {
		for _, f := range entryF {
			for t := range f {
				df[t]++
			}
		}
	}
	n := float64(len(b.ids))
	if p.idfByDoc {
		n = float64(len(qs))
	}
	idf := func(d float64) float64 { return math.Log((n + 1) / (d + 0.5)) }
	ix.oovIDF = idf(p.oovDF)
	termID := func(t string) int32 {
		id, ok := ix.terms[t]
		if !ok {
			id = int32(len(ix.idf))
			ix.terms[t] = id
			ix.idf = append(ix.idf, float32(idf(float64(df[t]))))
			ix.qPost = append(ix.qPost, nil)
			ix.ePost = append(ix.ePost, nil)
			ix.aPost = append(ix.aPost, nil)
		}
		return id
	}
	// Terms only in answers get an id too; they still need idf.
	for _, f := range answerF {
		for t := range f {
			if _, ok := df[t]; !ok {
				df[t] = 0
			}
		}
	}
	add := func(post [][]posting, docID int32, f map[string]float64, pow float64) {
		var norm float64
		ws := make(map[int32]float64, len(f))
		for t, w := range f {
			id := termID(t)
			x := tfWeight(w) * float64(ix.idf[id])
			ws[id] = x
			norm += x * x
		}
		if norm == 0 {
			return
		}
		norm = math.Pow(norm, pow/2)
		for id, x := range ws {
			post[id] = append(post[id], posting{docID, float32(x / norm)})
		}
	}
	// termID grows the posting slices, so take them through ix each time.
	for i, d := range qs {
		ix.qEntry = append(ix.qEntry, d.entry)
		ix.qLang = append(ix.qLang, d.lang)
		for t := range d.f {
			termID(t)
		}
		add(ix.qPost, int32(i), d.f, p.lenPow)
	}
	for ei := range entryF {
		for t := range entryF[ei] {
			termID(t)
		}
		add(ix.ePost, int32(ei), entryF[ei], 1)
	}
	for ei := range answerF {
		for t := range answerF[ei] {
			termID(t)
		}
		add(ix.aPost, int32(ei), answerF[ei], 1)
	}
	ix.scratch.New = func() any { return newScratch(len(qs), len(b.ids)) }
	return ix
}

// tfWeight dampens repeated terms: a word said twice is not twice as
// relevant.
func tfWeight(w float64) float64 {
	if w <= 1 {
		return w
	}
	return 1 + math.Log(w)
}

type scratch struct {
	q       []float32 // per question doc
	qTouch  []int32
	e       []float32 // per entry: entry-level score
	a       []float32 // per entry: answer score
	cov     []float32 // per entry: matched query mass
	top     [][3]float32
	best    []int32 // per entry: best question doc
	eTouch  []int32
	eMarked []bool
}

func newScratch(nq, ne int) *scratch {
	s := &scratch{
		q: make([]float32, nq), e: make([]float32, ne), a: make([]float32, ne), cov: make([]float32, ne),
		top: make([][3]float32, ne), best: make([]int32, ne), eMarked: make([]bool, ne),
	}
	for i := range s.best {
		s.best[i] = -1
	}
	return s
}

func (s *scratch) touchEntry(e int32) {
	if !s.eMarked[e] {
		s.eMarked[e] = true
		s.eTouch = append(s.eTouch, e)
	}
}

func (s *scratch) reset() {
	for _, d := range s.qTouch {
		s.q[d] = 0
	}
	for _, e := range s.eTouch {
		s.e[e], s.a[e], s.cov[e], s.top[e], s.best[e], s.eMarked[e] = 0, 0, 0, [3]float32{}, -1, false
	}
	s.qTouch, s.eTouch = s.qTouch[:0], s.eTouch[:0]
}

// Match returns up to n candidates for text, best first, across all
// languages and entries (one candidate per entry id).
func (b *Base) Match(text string, n int) []Match {
	if b == nil || b.index == nil || n <= 0 {
		return nil
	}
	ix := b.index
	cands := ix.candidates(text)
	if len(cands) == 0 {
		return nil
	}
	out := make([]Match, min(n, len(cands)))
	for i := range out {
		c := cands[i]
		score := c.score * float64(c.cov)
		if i == 0 {
			next := 0.0
			if len(cands) > 1 {
				next = cands[1].score
			}
			score += c.score - next
		}
		score = min(score, 1)
		if i > 0 {
			score = min(score, out[i-1].Score) // keep the list best first
		}
		out[i] = Match{ID: ix.ids[c.entry], Lang: c.lang, Score: score, Confident: score >= ix.p.threshold}
	}
	return out
}

// cand is one entry's evidence for a query.
type cand struct {
	entry int32
	lang  string
	top   [3]float32 // best question cosines
	e, a  float32    // entry-level and answer cosines
	cov   float32    // share of the query's squared idf mass the entry's questions contain
	score float64
}

// candidates scores every entry sharing a term with query, best first.
func (ix *index) candidates(query string) []cand {
	if ix.nEntry == 0 {
		return nil
	}
	p := &ix.p
	f := features(query, p)
	type qterm struct {
		id int32
		w  float32
	}
	qts := make([]qterm, 0, len(f))
	var norm float64
	for t, w := range f {
		x := tfWeight(w)
		id, ok := ix.terms[t]
		if !ok {
			x *= ix.oovIDF
			norm += x * x
			continue
		}
		x *= float64(ix.idf[id])
		norm += x * x
		if x > 0 {
			qts = append(qts, qterm{id, float32(x)})
		}
	}
	if norm == 0 || len(qts) == 0 {
		return nil
	}
	inv := float32(1 / math.Sqrt(norm))
	s := ix.scratch.Get().(*scratch)
	defer func() { s.reset(); ix.scratch.Put(s) }()
	for _, qt := range qts {
		w := qt.w * inv
		for _, po := range ix.qPost[qt.id] {
			if s.q[po.doc] == 0 {
				s.qTouch = append(s.qTouch, po.doc)
			}
			s.q[po.doc] += w * po.w
		}
		for _, po := range ix.ePost[qt.id] {
			s.touchEntry(po.doc)
			s.e[po.doc] += w * po.w
			s.cov[po.doc] += w * w
		}
		if p.answerW > 0 {
			for _, po := range ix.aPost[qt.id] {
				s.touchEntry(po.doc)
				s.a[po.doc] += w * po.w
			}
		}
	}
	for _, d := range s.qTouch {
		sc := s.q[d]
		e := ix.qEntry[d]
		s.touchEntry(e)
		t := &s.top[e]
		switch {
		case sc > t[0]:
			t[2], t[1], t[0] = t[1], t[0], sc
			s.best[e] = d
		case sc > t[1]:
			t[2], t[1] = t[1], sc
		case sc > t[2]:
			t[2] = sc
		}
	}
	wsum := p.top[0] + p.top[1] + p.top[2] + p.entryW + p.answerW
	cands := make([]cand, 0, len(s.eTouch))
	for _, e := range s.eTouch {
		t := s.top[e]
		sc := (p.top[0]*float64(t[0]) + p.top[1]*float64(t[1]) + p.top[2]*float64(t[2]) +
			p.entryW*float64(s.e[e]) + p.answerW*float64(s.a[e])) / wsum
		lang := ix.firstLang[e]
		if s.best[e] >= 0 && t[0] > 0 {
			lang = ix.qLang[s.best[e]]
		}
		if p.rankCov {
			sc *= float64(s.cov[e])
		}
		cands = append(cands, cand{entry: e, lang: lang, top: t, e: s.e[e], a: s.a[e], cov: s.cov[e], score: sc})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].entry < cands[j].entry
	})
	return cands
}
