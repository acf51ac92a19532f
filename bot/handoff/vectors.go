package handoff

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"time"
	"unicode"
)

// Nearest examples by meaning: with embeddings switched on, the labelled
// example messages (and, as ordinary, the layer's own ordinary follow-ups
// and the knowledge questions) are embedded in the background when the
// rules load, and an English message whose
// lexical evidence is in a grey zone is compared with them. A message
// whose nearest request for a person, complaint or confusion example is
// close enough, and clearly closer than anything ordinary, fires that
// trigger. The decision names the example and the cosine.
//
// It costs no embeddings call of its own in most turns: it judges only
// messages the learned layer is unsure about (learned.vectors.grey), the
// message's vector is shared with knowledge matching
// (Embeddings.MessageVector is one call per message, whoever asks first,
// and none when the lexical knowledge match was sure of the message:
// issue 9), and it judges only Latin-script text (vecJudges: the model
// behind it may be English-only; the words and phrases decide elsewhere).
// Until the example vectors are built, detection stays lexical.

// Embeddings is what the vector layer needs from an embeddings server.
// *semantic.Vectors implements it.
type Embeddings interface {
	// MessageVector is a customer message's vector, computed at most once
	// per message and shared with knowledge matching; under the turn's
	// budget it makes no call when the lexical match was sure of the
	// message (then only a vector already computed is returned).
	MessageVector(ctx context.Context, text string) ([]float32, error)
	// KnownVector is the message's vector if it was already computed.
	KnownVector(text string) ([]float32, bool)
	// EmbedTexts embeds texts in bulk (cached), for the examples.
	EmbedTexts(ctx context.Context, texts []string) ([][]float32, error)
}

// WithEmbeddings switches the vector layer on (see vectors.go).
func WithEmbeddings(e Embeddings) LoadOption {
	return func(o *loadOptions) { o.emb = e }
}

// vecRules are the vector layer's numbers from handoff.yaml
// (learned.vectors).
type vecRules struct {
	on        bool
	threshold [nClasses]float64 // cosine to the nearest example of the kind
	margin    float64           // ... minus the cosine to the nearest ordinary message
	grey      float64           // ask for the vector when the learned layer gives a kind at least this
	// ordinary are the layer's own ordinary messages (learned.vectors.ordinary,
	// prompts/handoff_followups.yaml): what customers say after an answer
	// that is no confusion ("what now", "done, what's next?"). The
	// learned layer does not train on them: its ordinary examples and the
	// knowledge questions are questions, so nothing ordinary stood near
	// "what now" and it was nearest "wait, what?" (cosine 0.72 with
	// use-lite-en, confusion at 0.65), while teaching the learned layer
	// such lines cost it a confusion example on dev (2026-12-06). Here they
	// only raise the nearest-ordinary cosine the margin is taken from.
	ordinary []string
}

// vecSet is a built set of example vectors: the labelled examples of
// m.examples, then the ordinary messages (vecRules.ordinary, then the
// knowledge questions), in order, of those the layer judges (vecJudges);
// src is each one's index in m.examples, or len(m.examples)+i for
// ordinary message i.
type vecSet struct {
	class []int8
	vecs  [][]float32
	src   []int
}

// vecJudges reports whether the vector layer judges text: it has Latin
// letters and no letter of another script. The model behind embeddings
// may be English-only: Chinese, Korean, Japanese, Cyrillic, Arabic,
// Greek or Thai text would get near-identical unknown-token vectors, so
// there the words and phrases decide, and examples in those scripts are
// not embedded at all.
func vecJudges(text string) bool {
	latin := false
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		if !unicode.Is(unicode.Latin, r) {
			return false
		}
		latin = true
	}
	return latin
}

// vecLayer builds one model's example vectors in the background and
// serves them once built.
type vecLayer struct {
	emb  Embeddings
	m    *model
	ord  []string
	mu   sync.Mutex
	set  *vecSet
	busy bool
	fail time.Time // last failed build
	err  error
	done chan struct{} // closed and replaced when a build ends
	// ctx ends when the layer is dropped (a hot reload pushed it out of
	// vecLayers): its build stops. The embeddings server's own Close
	// (semantic.Vectors.Close) stops it too.
	ctx    context.Context
	cancel context.CancelFunc
	warned bool // a failed build was logged
}

const (
	vecBuildTimeout = 10 * time.Minute
	vecRetryAfter   = time.Minute // a failed build is retried by a message after this
)

// vecLayers keeps the layers of the last few (embeddings, training set)
// pairs, so a hot reload of unchanged examples builds nothing again.
var vecLayers struct {
	sync.Mutex
	keys   []vecKey
	layers map[vecKey]*vecLayer
}

type vecKey struct {
	emb Embeddings
	sum [32]byte
}

func newVecLayer(emb Embeddings, m *model, ordinary []string) *vecLayer {
	h := sha256.New()
	for _, e := range m.examples {
		fmt.Fprintf(h, "%d\x00%s\x00", e.class, e.text)
	}
	for _, q := range ordinary {
		fmt.Fprintf(h, "%s\x00", q)
	}
	k := vecKey{emb: emb}
	h.Sum(k.sum[:0])
	vecLayers.Lock()
	defer vecLayers.Unlock()
	if l, ok := vecLayers.layers[k]; ok {
		return l
	}
	l := &vecLayer{emb: emb, m: m, ord: ordinary, done: make(chan struct{})}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	if vecLayers.layers == nil {
		vecLayers.layers = map[vecKey]*vecLayer{}
	}
	vecLayers.layers[k] = l
	vecLayers.keys = append(vecLayers.keys, k)
	if len(vecLayers.keys) > keepTrained {
		vecLayers.layers[vecLayers.keys[0]].cancel()
		delete(vecLayers.layers, vecLayers.keys[0])
		vecLayers.keys = vecLayers.keys[1:]
	}
	l.start()
	return l
}

// start begins a build unless one runs, one succeeded, or one failed
// less than vecRetryAfter ago.
func (l *vecLayer) start() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.set != nil || l.busy || l.ctx.Err() != nil || (!l.fail.IsZero() && time.Since(l.fail) < vecRetryAfter) {
		return
	}
	l.busy = true
	go l.build()
}

func (l *vecLayer) build() {
	texts := make([]string, 0, len(l.m.examples)+len(l.ord))
	class := make([]int8, 0, cap(texts))
	src := make([]int, 0, cap(texts))
	for i, e := range l.m.examples {
		if !e.dataset && vecJudges(e.text) {
			texts, class, src = append(texts, e.text), append(class, int8(e.class)), append(src, i)
		}
	}
	for i, q := range l.ord {
		if vecJudges(q) {
			texts, class, src = append(texts, q), append(class, clNone), append(src, len(l.m.examples)+i)
		}
	}
	ctx, cancel := context.WithTimeout(l.ctx, vecBuildTimeout)
	vecs, err := l.emb.EmbedTexts(ctx, texts)
	cancel()
	if err == nil && len(vecs) != len(texts) {
		err = fmt.Errorf("%d vectors for %d examples", len(vecs), len(texts))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.busy = false
	if err != nil {
		l.fail, l.err = time.Now(), fmt.Errorf("handoff: embedding the examples: %w", err)
		if !l.warned && !errors.Is(err, context.Canceled) {
			// Once per layer, so ops see the layer is off; retries
			// follow messages, a minute apart.
			l.warned = true
			slog.Warn("handoff: embedding the examples failed; the vector layer is off (detection by words and phrases) until a retry succeeds",
				"err", err.Error(), "retry_after", vecRetryAfter.String())
		}
	} else {
		l.set, l.err = &vecSet{class: class, vecs: vecs, src: src}, nil
	}
	close(l.done)
	l.done = make(chan struct{})
}

// ready returns the built set, or nil (and starts a retry after a failed
// build).
func (l *vecLayer) ready() *vecSet {
	l.mu.Lock()
	s := l.set
	l.mu.Unlock()
	if s == nil {
		l.start()
	}
	return s
}

// wait waits until the example vectors are built, their build fails, or
// ctx ends.
func (l *vecLayer) wait(ctx context.Context) error {
	for {
		l.start()
		l.mu.Lock()
		s, busy, err, done := l.set, l.busy, l.err, l.done
		l.mu.Unlock()
		switch {
		case s != nil:
			return nil
		case !busy && err != nil:
			return err
		}
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WaitVectors waits until the vector layer's example vectors are built (nil
// at once when embeddings are off), so `baton match` and tests see what
// serve uses once ready.
func (r *Rules) WaitVectors(ctx context.Context) error {
	if r == nil || r.learned.vec == nil {
		return nil
	}
	return r.learned.vec.wait(ctx)
}

// vecVerdict is the vector layer's view of one message: per kind, the
// cosine of the nearest example and which one it is (its vecSet.src).
type vecVerdict struct {
	cos     [nClasses]float64
	nearest [nClasses]int
}

func (s *vecSet) judge(q []float32) vecVerdict { return s.judgeExcept(q, -1) }

// judgeExcept is judge leaving out the example or question whose src is
// skip (leave-one-out measurements; -1 leaves out nothing).
func (s *vecSet) judgeExcept(q []float32, skip int) vecVerdict {
	var v vecVerdict
	for k := range v.cos {
		v.cos[k], v.nearest[k] = -1, -1
	}
	for i, e := range s.vecs {
		if s.src[i] == skip {
			continue
		}
		k := s.class[i]
		c := float64(dot32(q, e))
		if c > v.cos[k] {
			v.cos[k], v.nearest[k] = c, s.src[i]
		}
	}
	return v
}

// dot32 is the dot product of two unit vectors (0 for other lengths).
func dot32(a, b []float32) float32 {
	if len(a) != len(b) {
		return 0
	}
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// fires reports whether kind k is nearest among the allowed kinds, close
// enough, and clear of the nearest ordinary message by the margin.
func (vr *vecRules) fires(v vecVerdict, k int, allowed [nClasses]bool) bool {
	if !allowed[k] || v.nearest[k] < 0 || v.cos[k] < vr.threshold[k] || v.cos[k]-v.cos[clNone] < vr.margin {
		return false
	}
	for j := clExplicit; j < nClasses; j++ {
		if j != k && allowed[j] && v.cos[j] > v.cos[k] {
			return false
		}
	}
	return true
}

// explainVec is the evidence line of a vector decision for kind k.
func (lr *learnedRules) explainVec(v vecVerdict, k int) string {
	e := lr.m.examples[v.nearest[k]]
	line := fmt.Sprintf("%s (vectors): nearest example %q (%s:%d), cosine %.2f ≥ %.2f", classes[k], e.text, lr.file, e.line, v.cos[k], lr.vr.threshold[k])
	if i := v.nearest[clNone]; i >= 0 {
		line += fmt.Sprintf("; nearest ordinary %q, cosine %.2f", clipVecText(lr, i), v.cos[clNone])
	}
	return line
}

func clipVecText(lr *learnedRules, i int) string {
	if i < len(lr.m.examples) {
		return clip(lr.m.examples[i].text)
	}
	return clip(lr.vec.ord[i-len(lr.m.examples)])
}

// detectVectors runs the vector layer when no trigger fired yet; a kind
// it fires gets the cosine as its score in dec. allowed
// are the kinds that may still fire (not vetoed by the phrases, confusion
// only after the bot spoke); p is the learned layer's probabilities, to
// tell the grey zone.
func (r *Rules) detectVectors(ctx context.Context, in Input, p [nClasses]float64, allowed [nClasses]bool, dec *Decision, ev *fired) {
	lr := &r.learned
	if lr.vec == nil || !lr.vr.on || !vecJudges(in.Text) {
		return
	}
	if r.trace != nil {
		if set := lr.vec.ready(); set != nil {
			q, _ := lr.vec.emb.MessageVector(ctx, in.Text)
			r.trace(p, allowed, q)
		}
		return
	}
	for _, e := range ev {
		if e != "" {
			return // a handoff already: no call needed
		}
	}
	any := false
	for k := clExplicit; k < nClasses; k++ {
		any = any || allowed[k]
	}
	if !any {
		return
	}
	set := lr.vec.ready()
	if set == nil {
		return
	}
	// Only messages the learned layer is unsure about are judged, whether
	// or not their vector is free: on dev data (TestVectorsTuneDev) judging
	// every message whose vector matching had computed added false
	// handoffs on banking77 and caught nothing more.
	grey := false
	for k := clExplicit; k < nClasses; k++ {
		grey = grey || (allowed[k] && p[k] >= lr.vr.grey)
	}
	if !grey {
		return
	}
	// MessageVector costs no call when the vector is known (matching
	// embedded the message); under the turn's budget it makes none when
	// the lexical match was sure of the message or the call is spent.
	q, err := lr.vec.emb.MessageVector(ctx, in.Text)
	if err != nil {
		return // no call allowed, or the server failed: the words decide
	}
	v := set.judge(q)
	for k := clExplicit; k < nClasses; k++ {
		if lr.vr.fires(v, k, allowed) && v.nearest[k] < len(lr.m.examples) {
			ev[k-clExplicit] = lr.explainVec(v, k)
			// The trigger's score is the cosine that fired it (at least
			// the layer's threshold), not the learned probability below
			// its own threshold.
			dec.Scores[classes[k]] = max(dec.Scores[classes[k]], v.cos[k])
			return
		}
	}
}

// vectors reads learned.vectors; without it the vector layer is off even
// with embeddings on. exs are the labelled examples, so that an ordinary
// line that is also one of them is reported.
func (l *loader) vectors(learned *section, rulesPath string, fsys fs.FS, exs []example) vecRules {
	var vr vecRules
	if _, ok := learned.vals["vectors"]; !ok {
		return vr
	}
	s := l.section(learned, "vectors", "explicit", "complaint", "confusion", "margin", "grey", "ordinary")
	if v, ok := s.vals["ordinary"]; ok {
		// {lang: [text, ...]} like the learned layer's ordinary file. Only
		// Latin-script lines are compared (vecJudges); the rest are kept
		// for a model that reads them but skipped by build.
		vr.ordinary = l.ordinaryFile(v, "learned.vectors.ordinary", "the vector layer's ordinary messages", rulesPath, fsys, exs)
	}
	vr.on = true
	vr.threshold[clNone] = 2 // never: "none" is not a handoff
	vr.threshold[clExplicit] = l.floatOpen(s, "explicit", 0, 1, 0.9)
	vr.threshold[clComplaint] = l.floatOpen(s, "complaint", 0, 1, 0.9)
	vr.threshold[clConfusion] = l.floatOpen(s, "confusion", 0, 1, 0.9)
	vr.margin = l.floatOpen(s, "margin", 0, 1, 0.1)
	vr.grey = l.floatOpen(s, "grey", 0, 1, 0.1)
	return vr
}
