package knowledge

import (
	"cmp"
	"math"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/text"
)

// How matching works.
//
// Every example question, every entry (all its questions pooled, in all
// languages) and every answer text is a tf-idf vector over terms: stemmed
// words, word bigrams and, for Chinese/Japanese/Korean, character bigrams
// and single characters (params.cjkUniW: Chinese words are often two
// characters, and one-character keywords such as 退 or 货 matter). Before
// that, text.Fold folds support synonyms on both sides ("money back" ->
// refund, "parcel" -> package, 退钱 -> 退款, 택배 -> 배송), never words
// that tell two answers apart. Character 4-grams of Latin words are
// supported (params.charW) but off: on banking77 they added under one
// point of leave-one-out accuracy and tripled the postings a query walks.
// Idf is counted over entries, so words every entry uses ("my", "how",
// "the") weigh nearly nothing: that is the stop-word handling. A query is
// compared to all three by cosine similarity through one inverted index;
// an entry's similarity is a weighted mean of its best three question
// cosines, its pooled cosine and its answer cosine (params.top, entryW,
// answerW). Entries are ranked by that similarity.
//
// Score, reported to callers and compared with the threshold, is the
// estimated probability that the candidate is the right answer: a logistic
// function (confModel) of the similarity, the margin over the next
// candidate (a near tie means the customer could mean either), coverage
// (the share of the query's known-term idf mass found among the entry's
// questions, a quarter counted when only its answer has the term
// (params.ansCov): a query full of words the entry never uses is probably
// about something else), the best single question's cosine, similarity ×
// coverage, the squared weight of the heaviest query term the entry lacks,
// and the unknown-term mass (the share of the query's weight in words the
// whole base never uses: "Toronto", a model name; kept apart from coverage
// so such context words cost less than known words the entry lacks). All inputs
// lie in 0..1 whatever the size of the base, so one model works for any
// knowledge base. Scores of lower candidates never exceed the one above.
//
// The model and threshold. TestFitConfidence fits the model by weighted
// logistic regression on tuning data only: the even lines of
// testdata/shop_queries.jsonl (in and out of scope, en/zh/ko), the
// out-of-scope queries of testdata/tune_oos.jsonl, leave-one-out over the
// shop's questions and, as negatives, banking77's questions asked of the
// shop base. Score >= 0.65 is Confident: the lowest threshold (in steps
// of 0.05) at which the tuning queries keep precision near 0.95 with at
// most 5% of their out-of-scope queries confident. On the held-out odd
// lines that gives precision 0.983, recall 0.679 and no out-of-scope query
// confident (all lines: 0.966, 0.669, 1 of 82; the six-input model before
// the unknown-term feature gave 0.982, 0.667 held out; the old rule, similarity × coverage +
// margin >= 0.18 on the knowledge base before its questions were enriched,
// gave 0.986, 0.432, 0). A wrong answer costs more than asking the
// customer to rephrase, so precision comes first. Reproduce with
//
//	BATON_TUNE=1 go test -run TestFitConfidence -v ./bot/knowledge/
//
// the parameter sweep (leave-one-out over the banking77 and shop
// questions, and the shop's even lines) with
//
//	BATON_TUNE=1 go test -run TestTune -v ./bot/knowledge/
//
// and the table over thresholds on the full sets with
//
//	BATON_TUNE=1 go test -run TestCalibrationTable -v ./bot/knowledge/

// params are the knobs of the matcher.
type params struct {
	bigramW   float64    // weight of a word bigram relative to a word
	cjkUniW   float64    // weight of a single CJK character relative to a bigram
	charW     float64    // weight of a character n-gram of a word
	charN     int        // length of those n-grams
	charCap   float64    // most weight all n-grams of one word may have together (0: no cap)
	fold      bool       // fold support synonyms (text.Fold)
	top       [3]float64 // weights of an entry's best, 2nd and 3rd question cosines
	entryW    float64    // weight of the pooled-questions cosine
	answerW   float64    // weight of the answer-text cosine
	oovDF     float64    // entry count assumed for query terms the base never uses
	oovW      float64    // weight of those unknown terms in the query's norm, relative to known ones
	ansCov    float64    // share of a query term's weight counted as covered when only the entry's answer has it
	minIDF    float64    // terms below this idf are left out of the postings (speed)
	conf      confModel  // Score of a candidate
	threshold float64    // Score at or above which a match is Confident
}

var defaultParams = params{
	bigramW: 0.5,
	cjkUniW: 0.6,
	charW:   0,
	charN:   4,
	fold:    true,
	top:     [3]float64{1, 0.5, 0.25},
	entryW:  2,
	answerW: 0.5,
	oovDF:   1,
	oovW:    1,
	ansCov:  0.25,
	minIDF:  0.5,
	// Fitted by TestFitConfidence (see the comment at the top).
	conf:      confModel{bias: -2.541, w: [nConf]float64{18.037, 11.012, 2.340, -2.918, -5.418, -0.215, -2.950}},
	threshold: 0.65,
}

// index is the inverted index. Document numbers: questions first
// [0, nq), then one pooled document per entry [nq, nq+ne), then one answer
// document per entry [nq+ne, nq+2ne).
type index struct {
	p         params
	terms     map[string]int32
	idf       []float32
	post      [][]posting // per term id; nil for terms below minIDF
	oovIDF    float64
	ids       []string // entry number -> id
	firstLang []string // entry number -> a language it has, for answer-only matches
	qEntry    []int32  // question -> entry number
	qLang     []string // question -> language
	nq, ne    int32
	scratch   sync.Pool
}

type posting struct {
	doc int32
	w   float32 // term weight in the normalised document vector
}

type termWeight struct {
	id int32
	w  float64
}

// features returns the weighted terms of s.
func features(s string, p *params) map[string]float64 {
	toks := text.Tokenize(s)
	if p.fold {
		toks = text.Fold(toks)
	}
	f := make(map[string]float64, 8*len(toks))
	prev := ""
	for _, t := range toks {
		if t.CJK {
			prev = ""
			long := utf8.RuneCountInString(t.Text) > 1
			for _, g := range text.AppendNGrams(nil, t.Text, true) {
				if long && utf8.RuneCountInString(g) == 1 {
					f[g] += p.cjkUniW
				} else {
					f[g]++
				}
			}
			continue
		}
		f[t.Text]++
		if prev != "" && p.bigramW > 0 {
			f[prev+" "+t.Text] += p.bigramW
		}
		prev = t.Text
		if p.charW > 0 && len(t.Text) >= p.charN && !text.IsStopWord(t.Text) {
			// "\x00" keeps n-grams apart from words ("card" the word and
			// "card" the 4-gram of "cards"); "#" marks word edges.
			w := "\x00#" + t.Text + "#"
			n := len(w) - p.charN
			gw := p.charW
			if p.charCap > 0 && float64(n)*gw > p.charCap {
				gw = p.charCap / float64(n)
			}
			for i := 1; i+p.charN <= len(w); i++ {
				f["\x00"+w[i:i+p.charN]] += gw
			}
		}
	}
	return f
}

func buildIndex(b *Base, p params) *index {
	return buildIndexWith(b, p, func(s string) map[string]float64 { return features(s, &p) })
}

// buildIndexWith builds the index with feat as the feature extractor (the
// tuning code passes a memoised one; callers must not mutate its maps).
func buildIndexWith(b *Base, p params, feat func(string) map[string]float64) *index {
	ix := &index{p: p, terms: map[string]int32{}, ids: b.ids, ne: int32(len(b.ids))}
	vec := func(f map[string]float64) []termWeight {
		v := make([]termWeight, 0, len(f))
		for t, w := range f {
			id, ok := ix.terms[t]
			if !ok {
				id = int32(len(ix.terms))
				ix.terms[t] = id
			}
			v = append(v, termWeight{id, w})
		}
		slices.SortFunc(v, func(a, b termWeight) int { return cmp.Compare(a.id, b.id) })
		return v
	}
	var questions [][]termWeight
	entries := make([][]termWeight, len(b.ids))
	answers := make([][]termWeight, len(b.ids))
	for ei, id := range b.ids {
		tr := b.entries[id]
		langs := make([]string, 0, len(tr))
		for l := range tr {
			langs = append(langs, l)
		}
		slices.Sort(langs)
		ix.firstLang = append(ix.firstLang, langs[0])
		pooled := map[string]float64{}
		answer := map[string]float64{}
		for _, l := range langs {
			e := tr[l]
			for _, q := range e.Questions {
				f := feat(q)
				questions = append(questions, vec(f))
				ix.qEntry = append(ix.qEntry, int32(ei))
				ix.qLang = append(ix.qLang, l)
				for t, w := range f {
					pooled[t] += w
				}
			}
			for t, w := range feat(e.Answer) {
				answer[t] += w
			}
		}
		entries[ei] = vec(pooled)
		answers[ei] = vec(answer)
	}
	ix.nq = int32(len(questions))

	// Idf over entries: a word in every entry tells nothing.
	df := make([]int32, len(ix.terms))
	for _, v := range entries {
		for _, t := range v {
			df[t.id]++
		}
	}
	n := float64(len(b.ids))
	idf := func(d float64) float64 { return math.Log((n + 1) / (d + 0.5)) }
	ix.idf = make([]float32, len(ix.terms))
	for id, d := range df {
		ix.idf[id] = float32(idf(float64(d)))
	}
	ix.oovIDF = idf(p.oovDF)

	// Postings, sized first to avoid regrowing.
	count := make([]int32, len(ix.terms))
	for _, docs := range [][][]termWeight{questions, entries, answers} {
		for _, v := range docs {
			for _, t := range v {
				count[t.id]++
			}
		}
	}
	ix.post = make([][]posting, len(ix.terms))
	for id, c := range count {
		if float64(ix.idf[id]) >= p.minIDF {
			ix.post[id] = make([]posting, 0, c)
		}
	}
	add := func(doc int32, v []termWeight) {
		var norm float64
		for i := range v {
			v[i].w = tfWeight(v[i].w) * float64(ix.idf[v[i].id])
			norm += v[i].w * v[i].w
		}
		if norm == 0 {
			return
		}
		inv := 1 / math.Sqrt(norm)
		for _, t := range v {
			if ix.post[t.id] != nil {
				ix.post[t.id] = append(ix.post[t.id], posting{doc, float32(t.w * inv)})
			}
		}
	}
	for i, v := range questions {
		add(int32(i), v)
	}
	for i, v := range entries {
		add(ix.nq+int32(i), v)
	}
	for i, v := range answers {
		add(ix.nq+ix.ne+int32(i), v)
	}
	ix.scratch.New = func() any { return newScratch(int(ix.nq+2*ix.ne), int(ix.ne)) }
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

// scratch holds the per-query accumulators, reused through a sync.Pool so
// a query allocates little and concurrent queries never share one.
type scratch struct {
	acc     []float32 // per document
	touched []int32   // documents with acc != 0
	cov     []float32 // per entry: matched share of the query's idf mass
	seen    []int32   // per entry: 1 + the query term last found in its questions
	top     [][3]float32
	best    []int32 // per entry: its best question
	marked  []bool
	entries []int32 // entries with any evidence
	qts     []termWeight
}

func newScratch(docs, entries int) *scratch {
	s := &scratch{
		acc: make([]float32, docs), cov: make([]float32, entries), seen: make([]int32, entries),
		top: make([][3]float32, entries), best: make([]int32, entries), marked: make([]bool, entries),
	}
	for i := range s.best {
		s.best[i] = -1
	}
	return s
}

func (s *scratch) mark(e int32) {
	if !s.marked[e] {
		s.marked[e] = true
		s.entries = append(s.entries, e)
	}
}

func (s *scratch) reset() {
	for _, d := range s.touched {
		s.acc[d] = 0
	}
	for _, e := range s.entries {
		s.cov[e], s.seen[e], s.top[e], s.best[e], s.marked[e] = 0, 0, [3]float32{}, -1, false
	}
	s.touched, s.entries, s.qts = s.touched[:0], s.entries[:0], s.qts[:0]
}

// cand is one entry's evidence for a query.
type cand struct {
	entry int32
	lang  string
	sim   float64 // weighted similarity, used for ranking
	cov   float32 // share of the query's weight found in the entry's questions
	q1    float32 // cosine of the entry's best question
	miss  float32 // squared weight of the heaviest query term the entry's questions lack
	unk   float32 // share of the query's weight in terms the base never uses
}

// Match returns up to n candidates for text, best first, across all
// languages and entries (one candidate per entry id).
func (b *Base) Match(text string, n int) []Match {
	if b == nil || b.index == nil || n <= 0 {
		return nil
	}
	ix := b.index
	cands := ix.candidates(text, max(n, 2))
	if len(cands) == 0 {
		return nil
	}
	out := make([]Match, min(n, len(cands)))
	for i := range out {
		score := ix.p.conf.score(cands, i)
		if i > 0 {
			score = min(score, out[i-1].Score) // keep the list best first
		}
		c := cands[i]
		out[i] = Match{ID: ix.ids[c.entry], Lang: c.lang, Score: score, Confident: score >= ix.p.threshold}
	}
	return out
}

// nConf is the number of inputs of the confidence model.
const nConf = 7

// confModel turns the evidence for a candidate into the probability that it
// is the right answer: a logistic function of confFeatures.
type confModel struct {
	bias float64
	w    [nConf]float64
}

// confFeatures are the inputs of the confidence model for cands[i]: its
// similarity, its margin over the next candidate, its coverage of the
// query, its best single question's cosine, and the product of
// similarity and coverage. All lie in 0..1 whatever the size of the base.
func confFeatures(cands []cand, i int) [nConf]float64 {
	c := cands[i]
	next := 0.0
	if i+1 < len(cands) {
		next = cands[i+1].sim
	}
	return [nConf]float64{c.sim, c.sim - next, float64(c.cov), float64(c.q1), c.sim * float64(c.cov), float64(c.miss), float64(c.unk)}
}

func (m *confModel) score(cands []cand, i int) float64 {
	x := confFeatures(cands, i)
	z := m.bias
	for j, w := range m.w {
		z += w * x[j]
	}
	return 1 / (1 + math.Exp(-z))
}

// candidates returns the k entries most similar to query, best first.
func (ix *index) candidates(query string, k int) []cand {
	if ix.ne == 0 {
		return nil
	}
	p := &ix.p
	f := features(query, p)
	s := ix.scratch.Get().(*scratch)
	defer func() { s.reset(); ix.scratch.Put(s) }()

	// Words the base never uses (a city, a model name, "8 months") are
	// context the customer adds, not evidence against an entry: they
	// weigh oovW in the norm, and their full share is its own feature.
	var oov []float64
	var oovMass float64
	for t, w := range f {
		x := tfWeight(w)
		if id, ok := ix.terms[t]; ok {
			s.qts = append(s.qts, termWeight{id, x * float64(ix.idf[id])})
		} else {
			oov = append(oov, x*ix.oovIDF*p.oovW)
			oovMass += x * ix.oovIDF * x * ix.oovIDF
		}
	}
	// A fixed order, so equal queries give bit-identical scores.
	slices.SortFunc(s.qts, func(a, b termWeight) int { return cmp.Compare(a.id, b.id) })
	slices.Sort(oov)
	var norm float64
	for _, t := range s.qts {
		norm += t.w * t.w
	}
	knownMass := norm
	for _, x := range oov {
		norm += x * x
	}
	if norm == 0 || len(s.qts) == 0 {
		return nil
	}
	unk := float32(oovMass / (knownMass + oovMass))
	// Coverage counts known terms only: the share of what the base could
	// recognise that this entry has.
	covScale := float32(norm / knownMass)
	inv := 1 / math.Sqrt(norm)
	entryDocs := ix.nq + ix.ne
	ansCov := float32(p.ansCov)
	for ti, t := range s.qts {
		w := float32(t.w * inv)
		mark := int32(ti + 1)
		// Postings are in document order: an entry's pooled document
		// comes before its answer, so seen tells whether the questions
		// already covered this term.
		for _, po := range ix.post[t.id] {
			if s.acc[po.doc] == 0 {
				s.touched = append(s.touched, po.doc)
			}
			s.acc[po.doc] += w * po.w
			switch {
			case po.doc < ix.nq:
			case po.doc < entryDocs:
				e := po.doc - ix.nq
				s.cov[e] += w * w
				s.seen[e] = mark
			default:
				if e := po.doc - entryDocs; s.seen[e] != mark {
					s.cov[e] += ansCov * w * w
				}
			}
		}
	}
	for _, d := range s.touched {
		switch {
		case d < ix.nq:
			sc, e := s.acc[d], ix.qEntry[d]
			s.mark(e)
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
		case d < entryDocs:
			s.mark(d - ix.nq)
		default:
			s.mark(d - entryDocs)
		}
	}
	wsum := p.top[0] + p.top[1] + p.top[2] + p.entryW + p.answerW
	best := make([]cand, 0, k+1)
	for _, e := range s.entries {
		t := s.top[e]
		sim := (p.top[0]*float64(t[0]) + p.top[1]*float64(t[1]) + p.top[2]*float64(t[2]) +
			p.entryW*float64(s.acc[ix.nq+e]) + p.answerW*float64(s.acc[entryDocs+e])) / wsum
		if len(best) == k && !better(sim, e, best[k-1]) {
			continue
		}
		lang := ix.firstLang[e]
		if s.best[e] >= 0 {
			lang = ix.qLang[s.best[e]]
		}
		c := cand{entry: e, lang: lang, sim: sim, cov: s.cov[e] * covScale, q1: t[0], unk: unk}
		// Insert in order; k is small.
		i := len(best)
		best = append(best, c)
		for i > 0 && better(c.sim, c.entry, best[i-1]) {
			best[i] = best[i-1]
			i--
		}
		best[i] = c
		if len(best) > k {
			best = best[:k]
		}
	}
	// miss: the heaviest query term each candidate lacks. One strong word
	// the entry never uses ("privacy" against the returns policy) says
	// more than many weak ones.
	var oovMax float64
	if len(oov) > 0 {
		oovMax = oov[len(oov)-1] * inv
	}
	has := func(pl []posting, doc int32) bool {
		_, found := slices.BinarySearchFunc(pl, doc, func(po posting, d int32) int { return cmp.Compare(po.doc, d) })
		return found
	}
	for i := range best {
		m := oovMax
		doc := ix.nq + best[i].entry
		for _, t := range s.qts {
			w := t.w * inv
			if w <= m || ix.post[t.id] == nil {
				continue
			}
			pl := ix.post[t.id]
			if has(pl, doc) {
				continue
			}
			if has(pl, doc+ix.ne) { // only the answer has it
				w *= math.Sqrt(1 - p.ansCov)
				if w <= m {
					continue
				}
			}
			m = w
		}
		best[i].miss = float32(m * m)
	}
	return best
}

// better orders candidates: higher similarity first, then the
// alphabetically first id (entry numbers follow the sorted ids).
func better(sim float64, entry int32, than cand) bool {
	if sim != than.sim {
		return sim > than.sim
	}
	return entry < than.entry
}
