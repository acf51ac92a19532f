package semantic

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/store"
)

const (
	embedBatch   = 64                  // texts per embeddings request while building
	cacheTTL     = 30 * 24 * time.Hour // lifetime of a cached vector, renewed on use
	cacheTimeout = 5 * time.Second     // per Redis round trip
)

// Index holds a vector for every example question of one knowledge base,
// in every language. Questions, not whole entries, are embedded: a
// customer's message reads like a question, and an entry's questions
// cover different ways of asking that one averaged vector would blur.
type Index struct {
	kb     *knowledge.Base
	ids    []string // entry number -> id (kb.IDs())
	qEntry []int32  // question -> entry number
	qLang  []string
	qText  []string
	vecs   [][]float32      // question -> unit vector
	sums   [][]float32      // entry -> sum of its question vectors (nil: none)
	cents  [][]float32      // entry -> that sum at unit length (the centroid's direction)
	hub    hubIndex         // the questions' hubness (fuseParams.hubW)
	num    map[string]int32 // entry id -> entry number
	dim    int

	aText  []string    // answer-side texts (answerTexts), every entry and language
	aEntry []int32     // answer-side text -> entry number
	aVecs  [][]float32 // their unit vectors

	offText []string             // off-topic messages, for calibration
	offVecs [][]float32          // their vectors
	offVec  map[string][]float32 // by text

	blind map[string]bool // languages the model does not tell apart (blindLangs)
}

// KB is the knowledge base the index was built for.
func (ix *Index) KB() *knowledge.Base { return ix.kb }

// Len is the number of question vectors.
func (ix *Index) Len() int { return len(ix.vecs) }

// questions lists kb's example questions in the order of kb.Questions(),
// so question i of the index is the one a Ranker is asked to skip as i.
func questions(kb *knowledge.Base) *Index {
	ix := &Index{kb: kb, ids: kb.IDs()}
	num := make(map[string]int32, len(ix.ids))
	for e, id := range ix.ids {
		num[id] = int32(e)
	}
	for _, q := range kb.Questions() {
		ix.qEntry = append(ix.qEntry, num[q.ID])
		ix.qLang = append(ix.qLang, q.Lang)
		ix.qText = append(ix.qText, q.Text)
	}
	for e, id := range ix.ids {
		for _, lang := range kb.Langs(id) {
			en, _ := kb.Entry(id, lang)
			for _, s := range answerTexts(en) {
				ix.aText = append(ix.aText, s)
				ix.aEntry = append(ix.aEntry, int32(e))
			}
		}
	}
	return ix
}

// buildStats says where a build's vectors came from.
type buildStats struct {
	Reused   int // from the previous index in memory
	Cached   int // from Redis
	Embedded int // new embeddings calls' worth
}

// build embeds every question of kb, every entry's answer-side texts and
// every off-topic message (which calibration asks), taking vectors from prev (the last index in memory)
// and the cache first, so a restart or a hot reload only embeds texts
// that changed. progress is called after each batch.
func build(ctx context.Context, kb *knowledge.Base, offTopic []string, emb Embedder, c *cache, prev *Index, progress func(done, total int)) (*Index, buildStats, error) {
	ix := questions(kb)
	ix.offText = offTopic
	texts := slices.Concat(ix.qText, ix.aText, offTopic)
	var st buildStats
	vecs := make([][]float32, len(texts))
	known := map[string][]float32{}
	if prev != nil {
		for i, t := range prev.qText {
			known[t] = prev.vecs[i]
		}
		for i, t := range prev.offText {
			known[t] = prev.offVecs[i]
		}
		for i, t := range prev.aText {
			known[t] = prev.aVecs[i]
		}
	}
	var missing []int
	for i, t := range texts {
		if v, ok := known[t]; ok {
			vecs[i] = v
			st.Reused++
		} else {
			missing = append(missing, i)
		}
	}
	if c != nil && len(missing) > 0 {
		before := len(missing)
		missing = c.fill(ctx, texts, vecs, missing)
		st.Cached = before - len(missing)
	}
	total := len(texts)
	done := total - len(missing)
	if progress != nil {
		progress(done, total)
	}
	err := embedMissing(ctx, emb, c, texts, vecs, missing, func(n int) {
		st.Embedded += n
		done += n
		if progress != nil {
			progress(done, total)
		}
	})
	if err != nil {
		return nil, st, err
	}
	for _, v := range vecs {
		if ix.dim == 0 {
			ix.dim = len(v)
		} else if len(v) != ix.dim {
			// The model changed dimensions under the same name (a new
			// deployment): mixing them would make every score meaningless.
			return nil, st, fmt.Errorf("embeddings: %w: vectors of %d and %d dimensions", errInvalid, ix.dim, len(v))
		}
	}
	nq, na := len(ix.qText), len(ix.aText)
	ix.vecs, ix.aVecs, ix.offVecs = vecs[:nq], vecs[nq:nq+na], vecs[nq+na:]
	ix.offVec = make(map[string][]float32, len(offTopic))
	for i, t := range offTopic {
		ix.offVec[t] = ix.offVecs[i]
	}
	ix.sums = make([][]float32, len(ix.ids))
	for i, v := range ix.vecs {
		e := ix.qEntry[i]
		if ix.sums[e] == nil {
			ix.sums[e] = make([]float32, ix.dim)
		}
		for k, x := range v {
			ix.sums[e][k] += x
		}
	}
	ix.cents = make([][]float32, len(ix.ids))
	for e, sum := range ix.sums {
		if sum != nil {
			ix.cents[e] = normalize(sum)
		}
	}
	ix.num = make(map[string]int32, len(ix.ids))
	for e, id := range ix.ids {
		ix.num[id] = int32(e)
	}
	ix.hub = newHubIndex(ix.vecs, ix.qEntry)
	ix.blind = ix.blindLangs()
	return ix, st, nil
}

// hubK is how many nearest questions of other entries a question's
// hubness is the mean cosine of; hubSpare more are kept, so that a
// question or an entry left out (calibration) can be replaced.
//
// hubExact bounds the build: up to that many questions every pair is
// compared (n²/2 dot products: 3,000 questions, 4.5 million, about 1.1 s
// on an idle core; the shipped base's 2,856 questions in three languages
// stay exact, and its answers with them). Above it each question's nearest are sought only among
// hubSample questions spread evenly over the base (every m-th), so the
// build grows linearly with the base (n × hubSample) and a large base
// is not kept from readiness for seconds (BenchmarkHubIndex1000). The
// hubness is then the mean of the nearest in that sample: lower than the
// exact one, but still highest for the questions near everything.
const (
	hubK      = 10
	hubSpare  = 8
	hubExact  = 3000
	hubSample = 500
)

// hubIndex is every question's hubness: the mean cosine of its hubK
// nearest questions of other entries, how near it is to everything. Some
// questions ("Can I do this?") are near every message, and win as nearest
// question on the strength of that alone; fusion reads the nearest
// question's cosine less that (fuseParams.hubW: cross-domain similarity
// local scaling, CSLS).
type hubIndex struct {
	hub  []float64   // question -> its hubness with every question in the base
	near [][]int32   // question -> its hubK+hubSpare nearest questions of other entries, nearest first
	cos  [][]float32 // their cosines
	by   [][]int32   // question -> the questions it is among the hubK nearest of
}

// hubNear is one question's nearest so far, ascending by cosine.
type hubNear struct {
	j []int32
	s []float32
}

// keep adds question j at cosine s if it is among the k nearest so far.
func (h *hubNear) keep(k int, j int32, s float32) {
	n := len(h.s)
	if n == k && s <= h.s[0] {
		return // the common case: no nearer than the farthest kept
	}
	if n < k {
		h.j, h.s = append(h.j, j), append(h.s, s)
		for x := n; x > 0 && h.s[x] < h.s[x-1]; x-- {
			h.j[x], h.j[x-1], h.s[x], h.s[x-1] = h.j[x-1], h.j[x], h.s[x-1], h.s[x]
		}
		return
	}
	h.j[0], h.s[0] = j, s
	for x := 0; x+1 < n && h.s[x] > h.s[x+1]; x++ {
		h.j[x], h.j[x+1], h.s[x], h.s[x+1] = h.j[x+1], h.j[x], h.s[x+1], h.s[x]
	}
}

func newHubIndex(vecs [][]float32, qEntry []int32) hubIndex {
	n, k := len(vecs), hubK+hubSpare
	// A question needs neighbours to be measured against: in a tiny base
	// (the tests' five entries) its hubness is its mean cosine with
	// almost every other question, and plain cosines serve better.
	size := map[int32]int{}
	for _, e := range qEntry {
		size[e]++
	}
	for _, c := range size {
		if n-c < k {
			return hubIndex{}
		}
	}
	near := make([]hubNear, n)
	for i := range near {
		near[i] = hubNear{j: make([]int32, 0, k), s: make([]float32, 0, k)}
	}
	if n <= hubExact {
		for i, v := range vecs {
			for j := i + 1; j < n; j++ {
				if qEntry[i] != qEntry[j] {
					s := dot(v, vecs[j])
					near[i].keep(k, int32(j), s)
					near[j].keep(k, int32(i), s)
				}
			}
		}
	} else {
		m := (n + hubSample - 1) / hubSample
		for i, v := range vecs {
			for j := 0; j < n; j += m {
				if qEntry[i] != qEntry[j] {
					near[i].keep(k, int32(j), dot(v, vecs[j]))
				}
			}
		}
	}
	h := hubIndex{hub: make([]float64, n), near: make([][]int32, n), cos: make([][]float32, n), by: make([][]int32, n)}
	for i, l := range near {
		slices.Reverse(l.j)
		slices.Reverse(l.s)
		h.near[i], h.cos[i] = l.j, l.s
		for _, j := range l.j[:min(hubK, len(l.j))] {
			h.by[j] = append(h.by[j], int32(i))
		}
		h.hub[i] = h.mean(i, func(int32) bool { return false })
	}
	return h
}

// mean is question i's hubness without the questions out says are left out.
func (h hubIndex) mean(i int, out func(j int32) bool) float64 {
	var sum float64
	n := 0
	for x, j := range h.near[i] {
		if n == hubK {
			break
		}
		if !out(j) {
			sum += float64(h.cos[i][x])
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// without calls fix with each question whose hubness changes when
// question skip (>= 0), or every question of entry drop (>= 0), is left
// out of the base, as calibration asks (a left-out question is no one's
// neighbour), and its hubness then: lower than with it. Only the questions
// that had a left-out one among their hubK nearest change: hubK per
// question left out, on average. (With a whole entry of more than
// hubSpare questions left out, a few count fewer than hubK neighbours.)
func (h hubIndex) without(skip int, drop int32, qEntry []int32, fix func(i int, hub float64)) {
	out := func(j int32) bool { return int(j) == skip || drop >= 0 && qEntry[j] == drop }
	for j := range h.by {
		if out(int32(j)) {
			for _, i := range h.by[j] {
				fix(int(i), h.mean(int(i), out))
			}
		}
	}
}

// cache keeps vectors in Redis under store.Keys.Vector(hash), where the
// hash covers the model name and the exact text: an edited question gets
// a new key, an unchanged one is found again after any restart or reload,
// and two bases sharing a question share its vector.
type cache struct {
	rdb   redis.Cmdable
	keys  store.Keys
	model string
	log   *slog.Logger
}

// embedMissing embeds texts[i] for each i in missing into vecs, in
// batches, storing each batch in c when there is one; batchDone (when set)
// hears the size of each batch embedded.
func embedMissing(ctx context.Context, emb Embedder, c *cache, texts []string, vecs [][]float32, missing []int, batchDone func(n int)) error {
	for start := 0; start < len(missing); start += embedBatch {
		batch := missing[start:min(start+embedBatch, len(missing))]
		in := make([]string, len(batch))
		for j, i := range batch {
			in[j] = texts[i]
		}
		out, err := emb.Embed(ctx, in)
		if err != nil {
			return err
		}
		if len(out) != len(in) {
			return fmt.Errorf("embeddings: %w: %d vectors for %d texts", errInvalid, len(out), len(in))
		}
		for j, i := range batch {
			vecs[i] = out[j]
		}
		if c != nil {
			c.store(ctx, texts, vecs, batch)
		}
		if batchDone != nil {
			batchDone(len(batch))
		}
	}
	return nil
}

func (c *cache) keyFor(text string) string {
	sum := sha256.Sum256([]byte(c.model + "\x00" + text))
	return c.keys.Vector(hex.EncodeToString(sum[:16]))
}

// fill takes vectors from Redis and returns the questions still missing.
// A Redis failure is not fatal: those questions are embedded again.
func (c *cache) fill(ctx context.Context, texts []string, vecs [][]float32, missing []int) []int {
	ctx, cancel := context.WithTimeout(ctx, cacheTimeout)
	defer cancel()
	pipe := c.rdb.Pipeline()
	cmds := make([]*redis.StringCmd, len(missing))
	for j, i := range missing {
		cmds[j] = pipe.GetEx(ctx, c.keyFor(texts[i]), cacheTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		c.log.Warn("semantic: reading cached vectors failed; embedding them again", "err", err.Error())
	}
	var still []int
	for j, i := range missing {
		b, err := cmds[j].Bytes()
		if v, ok := decodeVec(b); err == nil && ok {
			vecs[i] = v
			continue
		}
		still = append(still, i)
	}
	return still
}

func (c *cache) store(ctx context.Context, texts []string, vecs [][]float32, batch []int) {
	ctx, cancel := context.WithTimeout(ctx, cacheTimeout)
	defer cancel()
	pipe := c.rdb.Pipeline()
	for _, i := range batch {
		pipe.Set(ctx, c.keyFor(texts[i]), encodeVec(vecs[i]), cacheTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		c.log.Warn("semantic: caching vectors failed", "err", err.Error())
	}
}

func encodeVec(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func decodeVec(b []byte) ([]float32, bool) {
	if len(b) == 0 || len(b)%4 != 0 {
		return nil, false
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, true
}
