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
	v.mu.Lock()
	vec, ok := v.queries[text]
	v.mu.Unlock()
	if ok {
		return vec, nil
	}
	if !spend(ctx) {
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

// WithEmbeddingsBudget returns a context under which matching makes at most
// n embeddings calls, however often it is asked (a message split into
// parts, a follow-up read with the previous topic). The core gives each
// customer message a budget of one, so the first match (the whole
// message) may embed it and later ones are lexical unless the vector is
// already known. Without a budget in the context there is no limit.
func WithEmbeddingsBudget(ctx context.Context, n int) context.Context {
	b := new(atomic.Int64)
	b.Store(int64(n))
	return context.WithValue(ctx, budgetKey{}, b)
}

// spend takes one call from ctx's budget, if it has one.
func spend(ctx context.Context) bool {
	b, ok := ctx.Value(budgetKey{}).(*atomic.Int64)
	return !ok || b.Add(-1) >= 0
}
