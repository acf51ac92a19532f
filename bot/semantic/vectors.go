package semantic

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/store"
	"github.com/batonhq/baton/bot/text"
)

const (
	buildTimeout = 10 * time.Minute // one whole build
	// DefaultRetryAfter is the pause after a failed build before a
	// message starts another, so a down server is not called per message.
	DefaultRetryAfter = time.Minute
	// DefaultReadyWait is how long /readyz waits for the first build
	// before it reports ready anyway (answers stay lexical until built).
	DefaultReadyWait = 2 * time.Minute
)

// Vectors builds and keeps the vector index of the current knowledge base
// in the background. Build runs at load and on every hot reload; until the
// index of a base is built, matching for it stays lexical. Builds are
// serialised and only the newest base asked for is built next. Safe for
// concurrent use.
type Vectors struct {
	emb        Embedder
	cache      *cache
	log        *slog.Logger
	readyWait  time.Duration
	retryAfter time.Duration
	reg        prometheus.Registerer
	started    time.Time
	ctx        context.Context
	cancel     context.CancelFunc

	queryTimeout time.Duration
	m            *metrics

	mu       sync.Mutex
	idx      *Index               // newest built index
	fused    *Fused               // its matcher
	running  bool                 // a build goroutine is running
	want     *job                 // base to build next
	latest   *job                 // the newest base loaded (MatcherFunc); older ones are never rebuilt
	queries  map[string][]float32 // recent query vectors by text
	qorder   []string
	failed   map[*knowledge.Base]error
	failedAt time.Time
	progress [2]int        // questions done, total, of the running build
	changed  chan struct{} // closed and replaced on every state change
	warned   bool          // the ready-wait warning was logged
}

// job is one knowledge base to build vectors and a fused matcher for.
type job struct {
	kb      *knowledge.Base
	lexical *knowledge.Calibrated
	cfg     knowledge.CalibrationConfig
}

// VectorsOption configures Vectors.
type VectorsOption func(*Vectors)

// WithCache keeps vectors in Redis (store.Keys.Vector), by content hash,
// so restarts and hot reloads embed only what changed. model is part of
// the hash: another model never reads these vectors.
func WithCache(db store.DB, model string) VectorsOption {
	return func(v *Vectors) { v.cache = &cache{rdb: db.Client, keys: db.Keys, model: model} }
}

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) VectorsOption { return func(v *Vectors) { v.log = l } }

// WithReadyWait bounds how long Ready reports not ready while the first
// index builds (default DefaultReadyWait).
func WithReadyWait(d time.Duration) VectorsOption { return func(v *Vectors) { v.readyWait = d } }

// WithRetryAfter sets the pause after a failed build before a message
// starts another (default DefaultRetryAfter).
func WithRetryAfter(d time.Duration) VectorsOption { return func(v *Vectors) { v.retryAfter = d } }

// WithQueryTimeout bounds the embeddings call for a customer message
// (default 3s); when it runs out, the lexical answer stands.
func WithQueryTimeout(d time.Duration) VectorsOption { return func(v *Vectors) { v.queryTimeout = d } }

// WithRegisterer registers the metrics (matches by path, embeddings calls,
// vectors by source) with reg.
func WithRegisterer(reg prometheus.Registerer) VectorsOption {
	return func(v *Vectors) { v.reg = reg }
}

// queryCacheMax is how many recent message vectors are kept: a customer
// who repeats themselves costs no second call.
const queryCacheMax = 512

// NewVectors returns an idle Vectors. Its MatcherFunc, given to
// content.WithMatcher, builds each loaded base's vectors in the background.
// Close stops background work.
func NewVectors(emb Embedder, opts ...VectorsOption) (*Vectors, error) {
	v := &Vectors{emb: emb, readyWait: DefaultReadyWait, retryAfter: DefaultRetryAfter, started: time.Now(), queryTimeout: 3 * time.Second,
		failed: map[*knowledge.Base]error{}, changed: make(chan struct{}), queries: map[string][]float32{}}
	for _, o := range opts {
		o(v)
	}
	if v.log == nil {
		v.log = slog.Default()
	}
	if v.cache != nil {
		v.cache.log = v.log
	}
	var err error
	if v.m, err = newMetrics(v.reg); err != nil {
		return nil, fmt.Errorf("semantic: metrics: %w", err)
	}
	v.ctx, v.cancel = context.WithCancel(context.Background())
	return v, nil
}

// Close stops background builds. Matching keeps working, lexically for
// any base not yet built.
func (v *Vectors) Close() { v.cancel() }

// MatcherFunc is a content.MatcherFunc: the lexical matcher for b,
// calibrated, and its vectors and fused matcher built in the background.
// Until they are built, matching for b is lexical.
func (v *Vectors) MatcherFunc(ctx context.Context, b *knowledge.Base, lex *text.Lexicon, cfg knowledge.CalibrationConfig) knowledge.Matcher {
	lexical := knowledge.NewLexicalMatcher(ctx, b, lex, cfg)
	m := &Matcher{v: v, job: &job{kb: b, lexical: lexical, cfg: cfg}}
	v.mu.Lock()
	v.latest = m.job
	v.startLocked(m.job)
	v.mu.Unlock()
	return m
}

// startLocked starts building j unless it is built, wanted, or failed
// less than retryAfter ago.
func (v *Vectors) startLocked(j *job) {
	if v.fused != nil && v.idx.kb == j.kb {
		return
	}
	if v.want != nil && v.want.kb == j.kb {
		return
	}
	if _, failed := v.failed[j.kb]; failed && time.Since(v.failedAt) < v.retryAfter {
		return
	}
	delete(v.failed, j.kb)
	v.want = j
	if v.running {
		return // the running loop picks up want when it is done
	}
	v.running = true
	go v.loop()
}

// loop builds the newest wanted base until nothing new is wanted.
func (v *Vectors) loop() {
	for {
		v.mu.Lock()
		j, prev := v.want, v.idx
		if j == nil || v.ctx.Err() != nil {
			v.running = false
			v.want = nil
			v.notifyLocked()
			v.mu.Unlock()
			return
		}
		v.progress = [2]int{}
		v.mu.Unlock()

		start := time.Now()
		ctx, cancel := context.WithTimeout(v.ctx, buildTimeout)
		ix, st, err := build(ctx, j.kb, j.cfg.OffTopic, v.counted(kindBuild), v.cache, prev, func(done, total int) {
			v.mu.Lock()
			v.progress = [2]int{done, total}
			v.mu.Unlock()
		})
		var f *Fused
		if err == nil {
			f = newFused(ctx, j.lexical, ix, j.cfg, v.query, v.m.path)
			if ctx.Err() != nil {
				err = fmt.Errorf("calibrating: %w", ctx.Err())
			}
		}
		cancel()
		v.m.vectors.WithLabelValues("reused").Add(float64(st.Reused))
		v.m.vectors.WithLabelValues("cached").Add(float64(st.Cached))
		v.m.vectors.WithLabelValues("embedded").Add(float64(st.Embedded))

		v.mu.Lock()
		if v.want == j {
			v.want = nil
		}
		if err != nil {
			v.failed[j.kb] = err
			v.failedAt = time.Now()
			v.log.Warn("semantic: building knowledge vectors failed; matching stays lexical and retries later",
				"err", err.Error(), "retry_after", v.retryAfter.String())
		} else {
			v.idx, v.fused = ix, f
			v.log.Info("semantic: knowledge vectors built", "questions", ix.Len(), "reused", st.Reused,
				"cached", st.Cached, "embedded", st.Embedded, "took", time.Since(start).Round(time.Millisecond).String(),
				"fused", f.cal.String())
		}
		v.notifyLocked()
		v.mu.Unlock()
	}
}

func (v *Vectors) notifyLocked() {
	close(v.changed)
	v.changed = make(chan struct{})
}

// ensure starts building j's vectors unless they are built or building
// (or failed less than retryAfter ago): after a failed build, messages
// start the next try.
func (v *Vectors) ensure(j *job) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if j != v.latest {
		return // a turn still holding the base before a reload: never rebuild it
	}
	v.startLocked(j)
}

// fusedFor returns kb's fused matcher if its vectors are built, else nil.
func (v *Vectors) fusedFor(kb *knowledge.Base) *Fused {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.fused != nil && v.idx.kb == kb {
		return v.fused
	}
	return nil
}

// wait builds j's vectors if needed and waits until they are built, the
// build fails, or ctx ends.
func (v *Vectors) wait(ctx context.Context, j *job) (*Fused, error) {
	v.mu.Lock()
	v.startLocked(j)
	for {
		if v.fused != nil && v.idx.kb == j.kb {
			f := v.fused
			v.mu.Unlock()
			return f, nil
		}
		if err, failed := v.failed[j.kb]; failed {
			v.mu.Unlock()
			return nil, err
		}
		if !v.running {
			v.mu.Unlock()
			return nil, errors.New("semantic: vectors closed")
		}
		ch := v.changed
		v.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		v.mu.Lock()
	}
}

// query embeds a customer message: one call, bounded by the query
// timeout, remembered for the next identical message.
func (v *Vectors) query(ctx context.Context, text string) ([]float32, error) {
	if vec, ok := turnVector(ctx, text); ok {
		return vec, nil
	}
	v.mu.Lock()
	vec, ok := v.queries[text]
	v.mu.Unlock()
	if ok {
		keepTurnVector(ctx, text, vec)
		return vec, nil
	}
	if !spend(ctx, text) {
		return nil, errBudgetSpent
	}
	ctx, cancel := context.WithTimeout(ctx, v.queryTimeout)
	defer cancel()
	out, err := v.counted(kindQuery).Embed(ctx, []string{text})
	if err != nil {
		v.log.Warn("semantic: embedding a message failed; answering lexically", "err", DescribeError(err))
		return nil, err
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("embeddings: %w: %d vectors for 1 text", errInvalid, len(out))
	}
	keepTurnVector(ctx, text, out[0])
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.queries[text]; !ok {
		v.queries[text] = out[0]
		v.qorder = append(v.qorder, text)
		if len(v.qorder) > queryCacheMax {
			delete(v.queries, v.qorder[0])
			v.qorder = v.qorder[1:]
		}
	}
	return out[0], nil
}

// Ready is nil once any knowledge base's vectors are built, or once the
// ready wait has passed since start (logged once: the replica then serves
// lexically until the vectors are built). Before that it says how far the
// build is. Only the first build gates readiness: a hot reload must not
// take every replica out of service at once; answers for the new base
// stay lexical until its vectors are built.
func (v *Vectors) Ready() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.fused != nil {
		return nil
	}
	if time.Since(v.started) >= v.readyWait {
		if !v.warned {
			v.warned = true
			v.log.Warn("semantic: knowledge vectors still not built; reporting ready anyway, matching lexically until they are",
				"waited", v.readyWait.String())
		}
		return nil
	}
	if len(v.failed) > 0 {
		for _, err := range v.failed {
			return fmt.Errorf("knowledge vectors: build failed, retrying: %v", err)
		}
	}
	return fmt.Errorf("knowledge vectors: building (%d of %d questions)", v.progress[0], v.progress[1])
}

// errBudgetSpent: the message's embeddings call was already made.
var errBudgetSpent = errors.New("semantic: this message's embeddings call is spent")

type budgetKey struct{}

// budget is a message's embeddings budget and what its readers learned:
// the message's vector once computed (kept here, not only in the shared
// memo, so a busy replica evicting the memo never makes a reader pay
// again), and the texts the lexical match was sure of (no call for them:
// the handoff detector reads only a known vector then).
type budget struct {
	calls *atomic.Int64
	turn  *turnVectors
}

type turnVectors struct {
	mu   sync.Mutex
	vecs map[string][]float32
	sure map[string]bool
}

// WithEmbeddingsBudget returns a context under which matching makes at most
// n embeddings calls, however often it is asked (a message split into
// parts, a follow-up read with the previous topic). The core gives each
// customer message a budget of one, so the first match (the whole
// message) may embed it and later ones are lexical unless the vector is
// already known. Without a budget in the context there is no limit.
func WithEmbeddingsBudget(ctx context.Context, n int) context.Context {
	b := budget{calls: new(atomic.Int64), turn: &turnVectors{}}
	b.calls.Store(int64(n))
	return context.WithValue(ctx, budgetKey{}, b)
}

// KnownVectorsOnly returns a context under which no new embeddings call
// is made: readers get only vectors already computed for the message.
// The core's first handoff check, before knowledge matching, runs under
// it, so a message the lexical match will be sure of costs no call.
func KnownVectorsOnly(ctx context.Context) context.Context {
	b, ok := ctx.Value(budgetKey{}).(budget)
	if !ok {
		b.turn = &turnVectors{}
	}
	return context.WithValue(ctx, budgetKey{}, budget{calls: new(atomic.Int64), turn: b.turn})
}

// spend takes one call from ctx's budget, if it has one. No call is
// allowed for a text the lexical match was sure of.
func spend(ctx context.Context, text string) bool {
	b, ok := ctx.Value(budgetKey{}).(budget)
	if !ok {
		return true
	}
	b.turn.mu.Lock()
	sure := b.turn.sure[text]
	b.turn.mu.Unlock()
	return !sure && b.calls.Add(-1) >= 0
}

// markSure records that the lexical match was sure of text: no
// embeddings call is made for it under ctx's budget from now on.
func markSure(ctx context.Context, text string) {
	if b, ok := ctx.Value(budgetKey{}).(budget); ok {
		b.turn.mu.Lock()
		if b.turn.sure == nil {
			b.turn.sure = map[string]bool{}
		}
		b.turn.sure[text] = true
		b.turn.mu.Unlock()
	}
}

// turnVector is text's vector if a reader under ctx's budget computed it.
func turnVector(ctx context.Context, text string) ([]float32, bool) {
	b, ok := ctx.Value(budgetKey{}).(budget)
	if !ok {
		return nil, false
	}
	b.turn.mu.Lock()
	defer b.turn.mu.Unlock()
	vec, ok := b.turn.vecs[text]
	return vec, ok
}

// keepTurnVector keeps text's vector in ctx's budget for the turn's
// other readers.
func keepTurnVector(ctx context.Context, text string, vec []float32) {
	if b, ok := ctx.Value(budgetKey{}).(budget); ok {
		b.turn.mu.Lock()
		if b.turn.vecs == nil {
			b.turn.vecs = map[string][]float32{}
		}
		b.turn.vecs[text] = vec
		b.turn.mu.Unlock()
	}
}
