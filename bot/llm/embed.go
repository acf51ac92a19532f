package llm

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	openai "github.com/sashabaranov/go-openai"

	"github.com/batonhq/baton/bot"
)

// Retrieval is hybrid when an embedding model is configured: the lexical
// matcher's candidates and the entries nearest to the message in embedding
// space are fused by reciprocal rank. Entry embeddings are computed in the
// background per (knowledge base, language) and cached in Redis by a hash
// of the embedding model and the entry's text, so restarts and hot reloads
// only embed entries that changed. Until an index is ready, the previous
// one (or the lexical matcher alone) serves.

const (
	embedBatch    = 64                  // inputs per embeddings request
	embedTTL      = 30 * 24 * time.Hour // cache lifetime, refreshed on use
	embedTextMax  = 2000                // bytes of an entry embedded
	queryCacheMax = 512                 // recent query embeddings kept in memory
	rrfK          = 60                  // reciprocal rank fusion constant
	vectorTop     = 8                   // nearest entries taken from the index
	buildTimeout  = 10 * time.Minute
	buildBackoff  = time.Minute // after a failed build, before messages start another
)

// queryTimeout bounds the query embedding on the critical path: it is a
// small, fast call, and retrieval falls back to lexical when it is slow.
func (a *Answerer) queryTimeout() time.Duration { return min(a.cfg.Timeout/4, 3*time.Second) }

type embedder struct {
	a *Answerer

	mu      sync.Mutex
	indexes map[string]*vindex // by language: the newest ready index
	builds  map[buildKey]*build
	failed  map[string]time.Time // by language: when the last build failed
	queries map[string][]float32 // query hash -> vector
	qorder  []string
}

type buildKey struct {
	kb   Knowledge
	lang string
}

type build struct {
	done chan struct{}
	err  error
}

// vindex is the embedding index of one knowledge base in one language.
type vindex struct {
	kb     Knowledge
	ids    []string
	hashes []string
	vecs   [][]float32 // unit length
}

func newEmbedder(a *Answerer) *embedder {
	return &embedder{a: a, indexes: map[string]*vindex{}, builds: map[buildKey]*build{},
		failed: map[string]time.Time{}, queries: map[string][]float32{}}
}

// retrieve ranks entry ids for q, best first.
func (a *Answerer) retrieve(ctx context.Context, q bot.Question, kb Knowledge) []string {
	cands := q.Candidates
	if len(cands) == 0 {
		cands = kb.Match(ctx, q.Text, a.budget.Entries*2)
	}
	var lexical []string
	for _, c := range cands {
		if !slices.Contains(lexical, c.ID) {
			lexical = append(lexical, c.ID)
		}
	}
	if a.emb == nil {
		return lexical
	}
	idx := a.emb.index(kb, q.Lang)
	// A confident lexical match needs no second opinion, and skipping the
	// query embedding keeps the turn at one model call.
	if idx == nil || (len(cands) > 0 && cands[0].Confident) {
		return lexical
	}
	vec, err := a.emb.query(ctx, q.Text)
	if err != nil {
		a.log.Warn("llm: query embedding failed; lexical retrieval only", "error", describe(err))
		return lexical
	}
	return fuse(lexical, idx.nearest(vec, kb, vectorTop))
}

// fuse merges the lexical and the vector ranking: the best of each first
// (the lexical one ahead: the matcher is calibrated), then the rest by
// reciprocal rank fusion, which favours entries both rankings found.
func fuse(lexical, vector []string) []string {
	rest := rrf(lexical, vector)
	var out []string
	for _, l := range [][]string{lexical, vector} {
		if len(l) > 0 && !slices.Contains(out, l[0]) {
			out = append(out, l[0])
		}
	}
	for _, id := range rest {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// rrf merges rankings by reciprocal rank fusion.
func rrf(lists ...[]string) []string {
	score := map[string]float64{}
	var order []string
	for _, l := range lists {
		for rank, id := range l {
			if _, seen := score[id]; !seen {
				order = append(order, id)
			}
			score[id] += 1 / float64(rrfK+rank+1)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return score[order[i]] > score[order[j]] })
	return order
}

// nearest returns the ids of the n entries most similar to vec that still
// exist in kb (an index of an older knowledge base may serve meanwhile).
func (ix *vindex) nearest(vec []float32, kb Knowledge, n int) []string {
	type hit struct {
		i   int
		sim float32
	}
	top := make([]hit, 0, n+1)
	for i, v := range ix.vecs {
		if len(v) != len(vec) {
			continue
		}
		var s float32
		for k := range v {
			s += v[k] * vec[k]
		}
		if len(top) == n && s <= top[n-1].sim {
			continue
		}
		top = append(top, hit{i, s})
		sort.Slice(top, func(a, b int) bool { return top[a].sim > top[b].sim })
		if len(top) > n {
			top = top[:n]
		}
	}
	out := make([]string, 0, len(top))
	stale := ix.kb != kb
	for _, h := range top {
		id := ix.ids[h.i]
		if stale {
			if _, ok := kb.Entry(id, ""); !ok {
				continue
			}
		}
		out = append(out, id)
	}
	return out
}

// index returns the best index for kb in lang without waiting: the one for
// this kb if ready, else the previous one while this one builds.
func (e *embedder) index(kb Knowledge, lang string) *vindex {
	e.mu.Lock()
	defer e.mu.Unlock()
	idx := e.indexes[lang]
	if idx != nil && idx.kb == kb {
		return idx
	}
	// While the embeddings endpoint fails, customers' messages must not
	// each start a rebuild.
	if t, ok := e.failed[lang]; !ok || time.Since(t) > buildBackoff {
		e.startLocked(kb, lang)
	}
	return idx
}

// startLocked starts building the index for kb in lang unless it is built
// or building.
func (e *embedder) startLocked(kb Knowledge, lang string) *build {
	key := buildKey{kb, lang}
	if b := e.builds[key]; b != nil {
		return b
	}
	// Forget builds for older knowledge bases.
	for k := range e.builds {
		if k.lang == lang && k.kb != kb {
			select {
			case <-e.builds[k].done:
				delete(e.builds, k)
			default:
			}
		}
	}
	b := &build{done: make(chan struct{})}
	e.builds[key] = b
	prev := e.indexes[lang]
	go func() {
		defer close(b.done)
		ctx, cancel := context.WithTimeout(e.a.ctx, buildTimeout)
		defer cancel()
		idx, err := e.build(ctx, kb, lang, prev)
		e.mu.Lock()
		defer e.mu.Unlock()
		if err != nil {
			b.err = err
			delete(e.builds, key) // try again later
			e.failed[lang] = time.Now()
			e.a.log.Warn("llm: building the embedding index failed; lexical retrieval meanwhile", "lang", lang, "error", describe(err))
			return
		}
		e.indexes[lang] = idx
		delete(e.failed, lang)
	}()
	return b
}

// Prepare builds the embedding index for the current knowledge base in each
// language and waits for it, so the first customers get hybrid retrieval
// (and tests need not wait on anything else). Without an embedding model it
// does nothing.
func (a *Answerer) Prepare(ctx context.Context, langs ...string) error {
	if a.emb == nil {
		return nil
	}
	kb := a.kb()
	if kb == nil {
		return errors.New("llm: no knowledge base loaded")
	}
	for _, lang := range langs {
		a.emb.mu.Lock()
		if idx := a.emb.indexes[lang]; idx != nil && idx.kb == kb {
			a.emb.mu.Unlock()
			continue
		}
		b := a.emb.startLocked(kb, lang)
		a.emb.mu.Unlock()
		select {
		case <-b.done:
			if b.err != nil {
				return fmt.Errorf("llm: embedding index for %q: %w", lang, b.err)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// embedText is what is embedded for an entry: its questions and answer.
func embedText(q []string, answer string) string {
	s := strings.Join(q, "\n") + "\n\n" + strings.TrimSpace(answer)
	if len(s) > embedTextMax {
		s = strings.ToValidUTF8(s[:embedTextMax], "")
	}
	return s
}

func (e *embedder) hash(text string) string {
	sum := sha256.Sum256([]byte(e.a.cfg.EmbeddingModel + "\x00" + text))
	return hex.EncodeToString(sum[:16])
}

func (e *embedder) cacheKey(hash string) string {
	return e.a.cacheKey("llm:emb:" + hash)
}

// build embeds every entry of kb in lang, reusing vectors from prev and
// the Redis cache.
func (e *embedder) build(ctx context.Context, kb Knowledge, lang string, prev *vindex) (*vindex, error) {
	idx := &vindex{kb: kb}
	var texts []string
	for _, id := range kb.IDs() {
		en, ok := kb.Entry(id, lang)
		if !ok {
			continue
		}
		t := embedText(en.Questions, en.Answer)
		idx.ids = append(idx.ids, id)
		idx.hashes = append(idx.hashes, e.hash(t))
		texts = append(texts, t)
	}
	idx.vecs = make([][]float32, len(idx.ids))
	known := map[string][]float32{}
	if prev != nil {
		for i, h := range prev.hashes {
			known[h] = prev.vecs[i]
		}
	}
	var missing []int
	for i, h := range idx.hashes {
		if v, ok := known[h]; ok {
			idx.vecs[i] = v
		} else {
			missing = append(missing, i)
		}
	}
	hits := len(idx.ids) - len(missing)
	if e.a.rdb != nil && len(missing) > 0 {
		missing = e.fromCache(ctx, idx, missing)
		hits = len(idx.ids) - len(missing)
	}
	e.a.m.embedCache.WithLabelValues("hit").Add(float64(hits))
	e.a.m.embedCache.WithLabelValues("miss").Add(float64(len(missing)))

	for start := 0; start < len(missing); start += embedBatch {
		batch := missing[start:min(start+embedBatch, len(missing))]
		in := make([]string, len(batch))
		for j, i := range batch {
			in[j] = texts[i]
		}
		vecs, err := e.embed(ctx, kindEmbedIndex, in)
		if err != nil {
			return nil, err
		}
		for j, i := range batch {
			idx.vecs[i] = vecs[j]
		}
		if e.a.rdb != nil {
			e.toCache(ctx, idx, batch)
		}
	}
	return idx, nil
}

// fromCache fills vectors from Redis and returns the indexes still missing.
// A Redis failure is not fatal: the entries are embedded again.
func (e *embedder) fromCache(ctx context.Context, idx *vindex, missing []int) []int {
	pipe := e.a.rdb.Pipeline()
	cmds := make([]*redis.StringCmd, len(missing))
	for j, i := range missing {
		cmds[j] = pipe.GetEx(ctx, e.cacheKey(idx.hashes[i]), embedTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		e.a.log.Warn("llm: reading cached embeddings failed", "error", err.Error())
	}
	var still []int
	for j, i := range missing {
		b, err := cmds[j].Bytes()
		if v, ok := decodeVec(b); err == nil && ok {
			idx.vecs[i] = v
			continue
		}
		still = append(still, i)
	}
	return still
}

func (e *embedder) toCache(ctx context.Context, idx *vindex, batch []int) {
	pipe := e.a.rdb.Pipeline()
	for _, i := range batch {
		pipe.Set(ctx, e.cacheKey(idx.hashes[i]), encodeVec(idx.vecs[i]), embedTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		e.a.log.Warn("llm: caching embeddings failed", "error", err.Error())
	}
}

// query embeds a customer message, remembering recent ones.
func (e *embedder) query(ctx context.Context, text string) ([]float32, error) {
	h := e.hash("q\x00" + text)
	e.mu.Lock()
	v, ok := e.queries[h]
	e.mu.Unlock()
	if ok {
		return v, nil
	}
	ctx, cancel := context.WithTimeout(ctx, e.a.queryTimeout())
	defer cancel()
	vecs, err := e.embed(ctx, kindEmbedQuery, []string{text})
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.queries[h]; !ok {
		e.queries[h] = vecs[0]
		e.qorder = append(e.qorder, h)
		if len(e.qorder) > queryCacheMax {
			delete(e.queries, e.qorder[0])
			e.qorder = e.qorder[1:]
		}
	}
	return vecs[0], nil
}

// embed calls the embeddings endpoint and returns unit vectors in input
// order.
func (e *embedder) embed(ctx context.Context, kind string, in []string) ([][]float32, error) {
	start := time.Now()
	resp, err := e.a.client.CreateEmbeddings(ctx, openai.EmbeddingRequest{
		Input: in, Model: openai.EmbeddingModel(e.a.cfg.EmbeddingModel),
	})
	e.a.m.latency.WithLabelValues(kind).Observe(time.Since(start).Seconds())
	if err != nil {
		e.a.m.calls.WithLabelValues(kind, classify(err, ctx)).Inc()
		return nil, fmt.Errorf("embeddings: %w", err)
	}
	e.a.m.tokens.WithLabelValues(kind, "prompt").Add(float64(resp.Usage.PromptTokens))
	out := make([][]float32, len(in))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(in) || len(d.Embedding) == 0 {
			e.a.m.calls.WithLabelValues(kind, outcomeFallbackInvalid).Inc()
			return nil, fmt.Errorf("embeddings: %w: bad index %d", errInvalid, d.Index)
		}
		out[d.Index] = normalize(d.Embedding)
	}
	for i, v := range out {
		if v == nil {
			e.a.m.calls.WithLabelValues(kind, outcomeFallbackInvalid).Inc()
			return nil, fmt.Errorf("embeddings: %w: input %d missing", errInvalid, i)
		}
	}
	e.a.m.calls.WithLabelValues(kind, outcomeOK).Inc()
	return out, nil
}

func normalize(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return v
	}
	n = math.Sqrt(n)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / n)
	}
	return out
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
