package handoff

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

	openai "github.com/sashabaranov/go-openai"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/semantic"
	"github.com/batonhq/baton/bot/session"
)

// The vector layer against a fake OpenAI-compatible embeddings server,
// through go-openai and semantic.Vectors as serve runs it.

// personEmbedder is a bag-of-words model that also knows a meaning the
// words do not share: employees, staff, a real person, 真人, 사람 are one
// concept. The learned layer, trained on the few words of vecExamples,
// does not know "employees".
func personEmbedder(text string) []float32 {
	v := llmtest.HashEmbedder(256)(text)
	if personRE.MatchString(text) {
		v[0] += 4
	}
	return v
}

var personRE = regexp.MustCompile(`(?i)human|person|someone|staff|employee|real|真人|사람`)

const vecExamples = `explicit:
  en: [can I talk to a person, I want a human, let me speak to someone on your team, put a staff member on]
  zh: [我要找真人客服]
complaint:
  en: [this is awful service, my parcel is late again and nobody answers, terrible quality, I am very unhappy]
confusion:
  en: [I don't follow, that makes no sense to me, what do you mean, not what I asked]
none:
  en: [how much is shipping, where is my order, do you sell cables, thanks a lot, what are your hours, can I pay by card]
`

// vecFS is a rules file whose learned layer never fires by itself (0.99),
// so what fires is the vector layer; grey is its grey-zone bound.
func vecFS(grey string) fstest.MapFS {
	return fstest.MapFS{
		"p/handoff.yaml": {Data: []byte(minimal + "learned:\n  examples: ex.yaml\n  explicit: 0.99\n  complaint: 0.99\n  confusion: 0.99\n" +
			"  vectors:\n    explicit: 0.5\n    complaint: 0.5\n    confusion: 0.5\n    margin: 0.05\n    grey: " + grey + "\n")},
		"p/ex.yaml": {Data: []byte(vecExamples)},
	}
}

type vecFixture struct {
	srv *llmtest.Server
	v   *semantic.Vectors
}

func newVecFixture(t testing.TB) *vecFixture {
	t.Helper()
	srv := llmtest.New(t, llmtest.WithEmbedder(personEmbedder))
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = srv.URL()
	v, err := semantic.NewVectors(semantic.OpenAI{Client: openai.NewClientWithConfig(cfg), Model: "fake-embed"},
		semantic.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return &vecFixture{srv: srv, v: v}
}

// rules loads vecFS(grey) with the vector layer over f's server (and
// opts), without waiting for the example vectors.
func (f *vecFixture) rules(t testing.TB, grey string, opts ...LoadOption) *Rules {
	t.Helper()
	r, probs := LoadRules(vecFS(grey), "p/handoff.yaml", append(opts, WithEmbeddings(f.v))...)
	if len(probs) > 0 || r == nil {
		t.Fatalf("load: %v", probs)
	}
	return r
}

func (f *vecFixture) ready(t testing.TB, grey string, opts ...LoadOption) *Rules {
	t.Helper()
	r := f.rules(t, grey, opts...)
	if err := r.WaitVectors(t.Context()); err != nil {
		t.Fatalf("example vectors: %v", err)
	}
	return r
}

// embedded counts how often text was sent to the server.
func (f *vecFixture) embedded(text string) int {
	n := 0
	for _, s := range f.srv.Embedded() {
		if s == text {
			n++
		}
	}
	return n
}

const employees = "could one of your employees ring me back"

func TestVectorLayerFiresOnNearestExampleAndExplains(t *testing.T) {
	f := newVecFixture(t)
	r := f.ready(t, "0.01")
	d := r.Detect(Input{Text: employees})
	if !d.Handoff || d.Reason != Explicit || len(d.Evidence) != 1 {
		t.Fatalf("Detect(%q) = %+v, want explicit by vectors", employees, d)
	}
	ev := d.Evidence[0]
	for _, want := range []string{"explicit (vectors): nearest example ", "(ex.yaml:2), cosine 0.", "≥ 0.50", "; nearest ordinary "} {
		if !strings.Contains(ev, want) {
			t.Errorf("evidence %q lacks %q", ev, want)
		}
	}
	// The score of the trigger is the cosine the evidence names, at or
	// above the layer's threshold, so --explain never shows a handoff
	// scored below it.
	if got := fmt.Sprintf("cosine %.2f ≥ 0.50", d.Scores[Explicit]); d.Scores[Explicit] < 0.5 || !strings.Contains(ev, got) {
		t.Errorf("scores %v with evidence %q: want the explicit score to be the cosine", d.Scores, ev)
	}
	if d := r.Detect(Input{Text: "how much is shipping to Canada"}); d.Handoff {
		t.Errorf("ordinary question handed off: %+v", d)
	}
	// The same rules without embeddings miss it: the vectors caught it.
	lexical, probs := LoadRules(vecFS("0.01"), "p/handoff.yaml")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if d := lexical.Detect(Input{Text: employees}); d.Handoff {
		t.Fatalf("without embeddings %q handed off (%+v): the test proves nothing", employees, d)
	}
	// Confusion by vectors only after the bot spoke.
	const lost = "that makes zero sense to me honestly"
	if d := r.Detect(Input{Text: lost}); d.Handoff {
		t.Errorf("first message %q handed off: %+v", lost, d)
	}
	after := []session.Turn{{Role: "customer", Text: "hi"}, {Role: "bot", Text: "Shipping is free over $50."}}
	if d := r.Detect(Input{Text: lost, History: after}); d.Reason != Confusion || !strings.Contains(d.Evidence[0], "confusion (vectors)") {
		t.Errorf("after an answer %q: %+v, want confusion by vectors", lost, d)
	}
}

// The model behind embeddings may know English only: messages with
// letters of any script but Latin (Chinese, Korean, Cyrillic, Arabic,
// Greek, Thai, or mixed with English) are never compared by vector and
// never cost a call, and examples in those scripts are not embedded. The
// same setup fires for an English message (the control).
func TestVectorLayerNeverForChineseOrKorean(t *testing.T) {
	f := newVecFixture(t)
	r := f.ready(t, "0.01")
	for _, msg := range []string{"我想和你们的真人员工聊聊", "진짜 사람이랑 얘기하고 싶어요", "我要找 staff employee",
		"позовите сотрудника, staff employee", "Позовите живого человека", "أريد التحدث مع موظف staff", "θέλω να μιλήσω σε υπάλληλο", "ขอคุยกับพนักงาน staff"} {
		if d := r.Detect(Input{Text: msg}); d.Handoff {
			t.Errorf("Detect(%q) = %+v: vectors must not fire outside Latin script", msg, d)
		}
		if n := f.embedded(msg); n != 0 {
			t.Errorf("%q was embedded %d times; want none", msg, n)
		}
	}
	if n := f.embedded("我要找真人客服"); n != 0 {
		t.Errorf("a Chinese example was embedded %d times; want none", n)
	}
	if n := f.embedded("can I talk to a person"); n != 1 {
		t.Errorf("an English example was embedded %d times; want once", n)
	}
	if d := r.Detect(Input{Text: employees}); !d.Handoff || !strings.Contains(d.Evidence[0], "(vectors)") {
		t.Errorf("control: Detect(%q) = %+v, want a handoff by vectors", employees, d)
	}
}

// Outside the grey zone the layer neither asks for a vector nor judges
// one someone already computed (knowledge matching); inside it, a known
// vector costs no second call.
func TestVectorLayerAsksOnlyInTheGreyZone(t *testing.T) {
	f := newVecFixture(t)
	strict := f.ready(t, "0.99")
	if d := strict.Detect(Input{Text: employees}); d.Handoff {
		t.Fatalf("outside the grey zone %q handed off: %+v", employees, d)
	}
	if n := f.embedded(employees); n != 0 {
		t.Fatalf("outside the grey zone %q was embedded %d times; want none", employees, n)
	}
	if _, err := f.v.MessageVector(t.Context(), employees); err != nil { // as the matcher would
		t.Fatal(err)
	}
	if d := strict.Detect(Input{Text: employees}); d.Handoff {
		t.Fatalf("outside the grey zone, with its vector known, %q handed off: %+v", employees, d)
	}
	eager := f.ready(t, "0.01")
	if d := eager.Detect(Input{Text: employees}); d.Reason != Explicit {
		t.Fatalf("in the grey zone, with its vector known, %q: %+v, want explicit", employees, d)
	}
	if n := f.embedded(employees); n != 1 {
		t.Errorf("%q embedded %d times; want once", employees, n)
	}
}

// Until the example vectors are built, detection is lexical and asks for
// no vector; a failed build leaves it lexical.
func TestVectorLayerLexicalUntilBuilt(t *testing.T) {
	f := newVecFixture(t)
	f.srv.Stall()
	arrived := f.srv.Arrivals()
	r := f.rules(t, "0.01")
	<-arrived // the examples' build is waiting on the server
	if d := r.Detect(Input{Text: employees}); d.Handoff {
		t.Fatalf("before the vectors are built %q handed off: %+v", employees, d)
	}
	f.srv.Release()
	if err := r.WaitVectors(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := f.embedded(employees); n != 0 {
		t.Errorf("%q embedded %d times before the examples were ready; want none", employees, n)
	}
	if d := r.Detect(Input{Text: employees}); d.Reason != Explicit {
		t.Errorf("once built, %q: %+v, want explicit", employees, d)
	}

	g := newVecFixture(t)
	g.srv.FailEmbeddings(500, 1)
	broken := g.rules(t, "0.01")
	if err := broken.WaitVectors(t.Context()); err == nil || !strings.Contains(err.Error(), "handoff: embedding the examples") {
		t.Fatalf("WaitVectors after a failed build = %v", err)
	}
	if d := broken.Detect(Input{Text: employees}); d.Handoff {
		t.Errorf("with the build failed %q handed off: %+v", employees, d)
	}
	if d := broken.Detect(Input{Text: "I want to talk to a human"}); d.Reason != Explicit {
		t.Errorf("the phrases must still work: %+v", d)
	}
}

// One customer message, one embeddings call at most, whichever of the
// knowledge matcher and the detector needs the vector first; none when
// neither does.
func TestOneEmbeddingsCallPerMessageForMatcherAndDetector(t *testing.T) {
	fs := fstest.MapFS{}
	for id, qs := range map[string][]string{
		"shipping/times": {"How long does delivery take?", "When will my order arrive?"},
		"returns/policy": {"How do I return an item?", "Can I get a refund?"},
		"account/reset":  {"I forgot my password", "How do I reset my password?"},
	} {
		var b strings.Builder
		b.WriteString("---\nquestions:\n")
		for _, q := range qs {
			fmt.Fprintf(&b, "  - %q\n", q)
		}
		fmt.Fprintf(&b, "---\nThe answer about %s.\n", id)
		fs["kb/en/"+id+".md"] = &fstest.MapFile{Data: []byte(b.String())}
	}
	kb, probs := knowledge.Load(fs, "kb")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	f := newVecFixture(t)
	m := f.v.MatcherFunc(t.Context(), kb, nil, knowledge.CalibrationConfig{}).(*semantic.Matcher)
	if _, err := m.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	eager := f.ready(t, "0.01", WithKnowledge(kb))
	strict := f.ready(t, "0.99", WithKnowledge(kb))

	for _, c := range []struct {
		name         string
		msg          string
		r            *Rules
		matcherFirst bool
		wantCalls    int
		wantExplicit bool
	}{
		{"matcher first", "would one of your employees phone me", eager, true, 1, true},
		{"detector first", "could an employee of yours phone me", eager, false, 1, true},
		{"neither needs it", "How do I reset my password?", strict, true, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := semantic.WithEmbeddingsBudget(context.Background(), 1)
			before := f.srv.Calls()
			var d Decision
			if !c.matcherFirst {
				d = c.r.DetectContext(ctx, Input{Text: c.msg})
			}
			m.Match(ctx, c.msg, 3)
			m.Match(ctx, c.msg, 3) // a follow-up read of the same message
			if c.matcherFirst {
				d = c.r.DetectContext(ctx, Input{Text: c.msg})
			}
			if n := f.srv.Calls() - before; n != int64(c.wantCalls) {
				t.Errorf("%q: %d embeddings calls; want %d", c.msg, n, c.wantCalls)
			}
			if got := d.Reason == Explicit; got != c.wantExplicit {
				t.Errorf("Detect(%q) = %+v; explicit %v, want %v", c.msg, d, got, c.wantExplicit)
			}
		})
	}
}

// The examples' build stops when the embeddings server's Vectors is
// closed, and when hot reloads drop the layer, instead of running on for
// up to vecBuildTimeout.
func TestVectorBuildStopsOnCloseAndWhenDropped(t *testing.T) {
	// waitEnds waits for r's build to end (a minute bounds a broken build,
	// it is not a synchronisation) and wants it cancelled.
	waitEnds := func(name string, r *Rules) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		if err := r.WaitVectors(ctx); err == nil || !errors.Is(err, context.Canceled) {
			t.Errorf("%s: the build ended with %v, want it cancelled", name, err)
		}
	}

	f := newVecFixture(t)
	f.srv.Delay(time.Hour) // every embeddings call hangs until its client gives up
	arrived := f.srv.Arrivals()
	r := f.rules(t, "0.01")
	<-arrived
	f.v.Close()
	waitEnds("closed", r)

	g := newVecFixture(t)
	g.srv.Delay(time.Hour)
	arrived = g.srv.Arrivals()
	first := g.rules(t, "0.01", WithOrdinary([]string{"reload 0"}))
	<-arrived
	for i := 1; i <= keepTrained; i++ { // hot reloads with other questions
		g.rules(t, "0.01", WithOrdinary([]string{fmt.Sprint("reload ", i)}))
	}
	waitEnds("dropped", first)
}
