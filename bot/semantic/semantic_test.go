package semantic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	openai "github.com/sashabaranov/go-openai"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// shop is a small knowledge base written the way ops write one.
var shop = map[string][]string{
	"shipping/times":  {"How long does delivery take?", "When will my order arrive?", "How many days is shipping?"},
	"returns/policy":  {"How do I return an item?", "What is your return policy?", "Can I get a refund?"},
	"payment/methods": {"Which payment methods do you accept?", "Can I pay with PayPal?", "Do you take credit cards?"},
	"account/reset":   {"I forgot my password", "How do I reset my password?", "I cannot log in"},
	"orders/cancel":   {"How do I cancel my order?", "Can I cancel an order?", "I want to cancel what I bought"},
}

// loadKB loads entries (id -> questions) through the real loader.
func loadKB(t testing.TB, entries map[string][]string) *knowledge.Base {
	t.Helper()
	fs := fstest.MapFS{}
	for id, qs := range entries {
		var b strings.Builder
		b.WriteString("---\nquestions:\n")
		for _, q := range qs {
			fmt.Fprintf(&b, "  - %q\n", q)
		}
		fmt.Fprintf(&b, "---\nThe answer about %s.\n", id)
		fs["kb/en/"+id+".md"] = &fstest.MapFile{Data: []byte(b.String())}
	}
	kb, probs := knowledge.Load(fs, "kb")
	if len(probs) > 0 || kb.Len() != len(entries) {
		t.Fatalf("test base: %v", probs)
	}
	return kb
}

var offTopic = []string{"good morning", "what's the weather like", "tell me a joke", "who won the match yesterday"}

// conceptEmbedder is a bag-of-words model that also knows meanings the
// words do not share: "get here" and "arrive" are one concept, "send
// back" and "return" another, "coupon" and "discount code" a third. The
// lexical matcher knows none of them.
func conceptEmbedder(text string) []float32 { return embedConcepts(text, concepts) }

var concepts = []*regexp.Regexp{
	regexp.MustCompile(`(?i)arriv|get here|deliver|shipping`),
	regexp.MustCompile(`(?i)return|send .* back|refund`),
	regexp.MustCompile(`(?i)coupon|discount|promo`),
}

// embedConcepts is a bag-of-words vector with one dimension raised per
// concept the text names.
func embedConcepts(text string, cs []*regexp.Regexp) []float32 {
	v := llmtest.HashEmbedder(256)(text)
	for dim, re := range cs {
		if re.MatchString(text) {
			v[dim] += 3
		}
	}
	return v
}

// fixture is Vectors talking to the fake embeddings server.
type fixture struct {
	srv *llmtest.Server
	v   *Vectors
	reg *prometheus.Registry
}

func newFixture(t testing.TB, opts ...VectorsOption) *fixture {
	t.Helper()
	return newFixtureWith(t, conceptEmbedder, opts...)
}

// newFixtureWith is newFixture with another embedding model.
func newFixtureWith(t testing.TB, model llmtest.Embedder, opts ...VectorsOption) *fixture {
	t.Helper()
	srv := llmtest.New(t, llmtest.WithEmbedder(model))
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = srv.URL()
	emb := OpenAI{Client: openai.NewClientWithConfig(cfg), Model: "fake-embed"}
	reg := prometheus.NewRegistry()
	opts = append([]VectorsOption{WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), WithRegisterer(reg)}, opts...)
	v, err := NewVectors(emb, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return &fixture{srv: srv, v: v, reg: reg}
}

func (f *fixture) matcher(t testing.TB, kb *knowledge.Base) *Matcher {
	t.Helper()
	m := f.v.MatcherFunc(t.Context(), kb, nil, knowledge.CalibrationConfig{OffTopic: offTopic}).(*Matcher)
	if _, err := m.Wait(t.Context()); err != nil {
		t.Fatalf("building vectors: %v", err)
	}
	return m
}

func (f *fixture) counter(t testing.TB, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if got[labels[i]] != labels[i+1] {
					continue next
				}
			}
			return counterValue(m)
		}
	}
	return 0
}

func counterValue(m *dto.Metric) float64 {
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return 0
}

func TestVectorsEmbedEveryQuestionAnswerTextAndOffTopicMessageOnce(t *testing.T) {
	f := newFixture(t)
	kb := loadKB(t, shop)
	m := f.matcher(t, kb)
	want := len(kb.Questions()) + len(shop) + len(offTopic) // each test answer is one sentence
	if n := len(f.srv.Embedded()); n != want {
		t.Errorf("embedded %d texts, want %d (every question, answer sentence and off-topic message once)", n, want)
	}
	if m.Fused() == nil {
		t.Fatal("no fused matcher after the build")
	}
}

func TestConfidentLexicalMatchMakesNoEmbeddingsCall(t *testing.T) {
	f := newFixture(t)
	m := f.matcher(t, loadKB(t, shop))
	before := f.srv.Calls()
	got := m.Match(context.Background(), "How do I reset my password?", 3)
	if len(got) == 0 || got[0].ID != "account/reset" || !got[0].Confident {
		t.Fatalf("Match = %+v, want account/reset, confident", got)
	}
	if n := f.srv.Calls() - before; n != 0 {
		t.Errorf("%d embeddings calls for a message the lexical matcher is sure of, want 0", n)
	}
	if n := f.counter(t, "baton_semantic_matches_total", "path", pathLexicalSure); n != 1 {
		t.Errorf("lexical_sure matches = %v, want 1", n)
	}
}

func TestUnsureMessageMakesOneEmbeddingsCallAndFusesMeaning(t *testing.T) {
	f := newFixture(t)
	m := f.matcher(t, loadKB(t, shop))
	text := "my stuff, when does it get here?"
	before, embedded := f.srv.Calls(), len(f.srv.Embedded())
	got := m.Match(context.Background(), text, 3)
	if len(got) == 0 || got[0].ID != "shipping/times" {
		t.Fatalf("Match(%q) = %+v, want shipping/times first", text, got)
	}
	if n := f.srv.Calls() - before; n != 1 {
		t.Errorf("%d embeddings calls for one message, want 1", n)
	}
	if e := f.srv.Embedded()[embedded:]; len(e) != 1 || e[0] != text {
		t.Errorf("embedded %q, want the message once", e)
	}
	// The same message again is remembered: no second call.
	m.Match(context.Background(), text, 3)
	if n := f.srv.Calls() - before; n != 1 {
		t.Errorf("%d calls after asking twice, want 1", n)
	}
}

func TestEmbeddingsFailureAnswersLexically(t *testing.T) {
	f := newFixture(t)
	m := f.matcher(t, loadKB(t, shop))
	f.srv.FailEmbeddings(503, 1)
	text := "can I send this jacket back?"
	lexical := m.Lexical().Match(context.Background(), text, 3)
	got := m.Match(context.Background(), text, 3)
	if fmt.Sprint(got) != fmt.Sprint(lexical) {
		t.Errorf("with the embeddings call failing, Match = %+v, want the lexical %+v", got, lexical)
	}
	if n := f.counter(t, "baton_semantic_matches_total", "path", pathEmbedFailed); n != 1 {
		t.Errorf("embed_failed = %v, want 1", n)
	}
}

func TestMatchingIsLexicalUntilVectorsAreBuilt(t *testing.T) {
	f := newFixture(t)
	f.srv.Stall()
	arrived := f.srv.Arrivals()
	kb := loadKB(t, shop)
	m := f.v.MatcherFunc(t.Context(), kb, nil, knowledge.CalibrationConfig{OffTopic: offTopic}).(*Matcher)
	<-arrived // the build's first request is in
	if err := f.v.Ready(); err == nil || !strings.Contains(err.Error(), "building") {
		t.Errorf("Ready while building = %v, want a building error", err)
	}
	text := "my stuff, when does it get here?"
	if got, want := m.Match(context.Background(), text, 3), m.Lexical().Match(context.Background(), text, 3); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("before the vectors are built Match = %+v, want lexical %+v", got, want)
	}
	if n := f.counter(t, "baton_semantic_matches_total", "path", pathNotReady); n != 1 {
		t.Errorf("not_ready = %v, want 1", n)
	}
	// A message the lexical match is sure of costs the turn no call
	// before the build either (issue 9: the handoff detector asks next).
	ctx := WithEmbeddingsBudget(context.Background(), 1)
	const sure = "How do I reset my password?"
	if c := m.Match(ctx, sure, 3); len(c) == 0 || !c[0].Confident {
		t.Fatalf("%q before the build: %+v, want a confident lexical match", sure, c)
	}
	if _, err := f.v.MessageVector(ctx, sure); !errors.Is(err, errBudgetSpent) {
		t.Errorf("after a sure lexical match before the build: MessageVector err %v, want no call", err)
	}
	f.srv.Release()
	if _, err := m.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := f.v.Ready(); err != nil {
		t.Errorf("Ready after the build = %v", err)
	}
}

func TestReadyAfterTheWaitEvenWhenNotBuilt(t *testing.T) {
	f := newFixture(t, WithReadyWait(1)) // 1ns: already over
	f.srv.Stall()
	arrived := f.srv.Arrivals()
	f.v.MatcherFunc(t.Context(), loadKB(t, shop), nil, knowledge.CalibrationConfig{})
	<-arrived
	if err := f.v.Ready(); err != nil {
		t.Errorf("Ready after the wait = %v, want nil (lexical meanwhile)", err)
	}
}

func TestVectorsAreCachedInRedisByContent(t *testing.T) {
	db := sessiontest.DB(t)
	kb := loadKB(t, shop)
	first := newFixture(t, WithCache(db, "fake-embed"))
	first.matcher(t, kb)
	all := len(kb.Questions()) + len(shop) + len(offTopic) // each test answer is one sentence
	if n := len(first.srv.Embedded()); n != all {
		t.Fatalf("first build embedded %d, want %d", n, all)
	}

	// A restart: a new process with the same Redis embeds nothing.
	second := newFixture(t, WithCache(db, "fake-embed"))
	second.matcher(t, kb)
	if n := len(second.srv.Embedded()); n != 0 {
		t.Errorf("after a restart %d texts were embedded again, want 0", n)
	}
	if n := second.counter(t, "baton_semantic_vectors_total", "source", "cached"); n != float64(all) {
		t.Errorf("vectors from Redis = %v, want %d", n, all)
	}

	// A hot reload with one question edited embeds that question only.
	edited := map[string][]string{}
	for id, qs := range shop {
		edited[id] = qs
	}
	edited["orders/cancel"] = append([]string{"Stop my order before it ships"}, shop["orders/cancel"][1:]...)
	second.matcher(t, loadKB(t, edited))
	if got := second.srv.Embedded(); len(got) != 1 || got[0] != "Stop my order before it ships" {
		t.Errorf("after editing one question, embedded %q, want that question only", got)
	}

	// Another model never reads these vectors.
	third := newFixture(t, WithCache(db, "another-model"))
	third.matcher(t, kb)
	if n := len(third.srv.Embedded()); n != all {
		t.Errorf("another model embedded %d, want all %d", n, all)
	}
}

func TestFailedBuildRetriesAndReportsNotReady(t *testing.T) {
	f := newFixture(t)
	f.srv.FailEmbeddings(500, 1)
	m := f.v.MatcherFunc(t.Context(), loadKB(t, shop), nil, knowledge.CalibrationConfig{OffTopic: offTopic}).(*Matcher)
	if _, err := m.Wait(t.Context()); err == nil {
		t.Fatal("Wait with a failing server: want an error")
	}
	if err := f.v.Ready(); err == nil || !strings.Contains(err.Error(), "failed") {
		t.Errorf("Ready after a failed build = %v, want the failure", err)
	}
	// Within the retry pause a message is answered lexically and starts
	// nothing; after it (the pause is made to have passed), the next
	// message starts another build.
	m.Match(context.Background(), "How do I reset my password?", 1)
	f.v.mu.Lock()
	wanted := f.v.want
	f.v.failedAt = time.Time{}
	f.v.mu.Unlock()
	if wanted != nil {
		t.Error("a message within the retry pause asked for a build")
	}
	if got := m.Match(context.Background(), "How do I reset my password?", 1); len(got) == 0 || got[0].ID != "account/reset" {
		t.Errorf("Match while vectors are missing = %+v, want the lexical answer", got)
	}
	if _, err := m.Wait(t.Context()); err != nil {
		t.Fatalf("second try: %v", err)
	}
	if err := f.v.Ready(); err != nil {
		t.Errorf("Ready after the retry = %v", err)
	}
}

// After a hot reload, a turn still matching against the old base answers
// lexically and does not start building the old base again.
func TestOldBaseIsNeverRebuiltAfterAReload(t *testing.T) {
	f := newFixture(t)
	old := f.matcher(t, loadKB(t, shop))
	edited := map[string][]string{}
	for id, qs := range shop {
		edited[id] = qs
	}
	edited["orders/cancel"] = []string{"Stop my order before it ships", "Cancel an order"}
	f.matcher(t, loadKB(t, edited))
	embedded := len(f.srv.Embedded())
	text := "How do I reset my password?"
	if got, want := old.Match(context.Background(), text, 1), old.Lexical().Match(context.Background(), text, 1); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("old base: Match = %+v, want lexical %+v", got, want)
	}
	if n := len(f.srv.Embedded()) - embedded; n != 0 {
		t.Errorf("matching on the old base embedded %d texts, want 0", n)
	}
	f.v.mu.Lock()
	wanted := f.v.want
	f.v.mu.Unlock()
	if wanted != nil {
		t.Error("matching on the old base asked for a build")
	}
}

// A message matched several times (its parts, a follow-up) makes at most
// the one embeddings call its budget allows.
func TestEmbeddingsBudgetIsOneCallPerMessage(t *testing.T) {
	f := newFixture(t)
	m := f.matcher(t, loadKB(t, shop))
	ctx := WithEmbeddingsBudget(context.Background(), 1)
	before := f.srv.Calls()
	whole := m.Match(ctx, "my stuff, when does it get here? and can I send it back?", 3)
	part := m.Match(ctx, "can I send it back?", 3)
	if n := f.srv.Calls() - before; n != 1 {
		t.Errorf("%d embeddings calls for one message, want 1", n)
	}
	if len(whole) == 0 || len(part) == 0 {
		t.Fatalf("no matches: %v %v", whole, part)
	}
	if lex := m.Lexical().Match(ctx, "can I send it back?", 3); fmt.Sprint(part) != fmt.Sprint(lex) {
		t.Errorf("the part after the budget = %+v, want the lexical %+v", part, lex)
	}
	if n := f.counter(t, "baton_semantic_matches_total", "path", pathBudgetSpent); n != 1 {
		t.Errorf("budget_spent = %v, want 1", n)
	}
}

// The message's vector is kept in its budget, not only in the shared memo
// of recent messages: on a busy replica the memo may have evicted it
// before the handoff detector asks, and the detector must not pay again.
func TestTurnVectorOutlivesTheSharedMemo(t *testing.T) {
	f := newFixture(t)
	ctx := WithEmbeddingsBudget(context.Background(), 1)
	const msg = "my stuff, when does it get here?"
	first, err := f.v.MessageVector(ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range queryCacheMax + 1 { // other customers' messages
		if _, err := f.v.MessageVector(context.Background(), fmt.Sprint("other message ", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := f.v.KnownVector(msg); ok {
		t.Fatal("the shared memo still holds the message: the test proves nothing")
	}
	before := f.srv.Calls()
	again, err := f.v.MessageVector(ctx, msg)
	if err != nil || f.srv.Calls() != before || fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("second reader of the turn: err %v, %d calls, same vector %v", err, f.srv.Calls()-before, fmt.Sprint(again) == fmt.Sprint(first))
	}
}

// A text the lexical match was sure of gets no call under the turn's
// budget, though the budget is unspent; a known vector is still read.
func TestNoCallForATextTheLexicalMatchWasSureOf(t *testing.T) {
	f := newFixture(t)
	m := f.matcher(t, loadKB(t, shop))
	ctx := WithEmbeddingsBudget(context.Background(), 1)
	const msg = "How do I reset my password?"
	if c := m.Match(ctx, msg, 3); len(c) == 0 || !c[0].Confident {
		t.Fatalf("%q: %+v, want a confident lexical match", msg, c)
	}
	before := f.srv.Calls()
	if _, err := f.v.MessageVector(ctx, msg); !errors.Is(err, errBudgetSpent) || f.srv.Calls() != before {
		t.Errorf("after a sure match: err %v, %d calls; want no call", err, f.srv.Calls()-before)
	}
	if _, err := f.v.MessageVector(KnownVectorsOnly(WithEmbeddingsBudget(context.Background(), 1)), "never seen before"); !errors.Is(err, errBudgetSpent) || f.srv.Calls() != before {
		t.Errorf("known vectors only: err %v, %d calls; want no call", err, f.srv.Calls()-before)
	}
	if _, err := f.v.MessageVector(context.Background(), msg); err != nil || f.srv.Calls() != before+1 {
		t.Fatalf("control, without a budget: err %v, %d calls", err, f.srv.Calls()-before)
	}
	if _, err := f.v.MessageVector(ctx, msg); err != nil || f.srv.Calls() != before+1 {
		t.Errorf("a known vector after a sure match: err %v, %d calls; want it read, no call", err, f.srv.Calls()-before-1)
	}
}
