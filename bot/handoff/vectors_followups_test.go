package handoff

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	openai "github.com/sashabaranov/go-openai"

	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/semantic"
	"github.com/batonhq/baton/bot/session"
)

// Measuring the vector layer's own ordinary follow-ups
// (prompts/handoff_followups.yaml) on dev data only, with the English
// model in ../shared/embed, as served (the shipped learned.vectors
// numbers, the grey zone), with and without those lines:
//
//	BATON_EMBED_URL=http://127.0.0.1:8089/v1 BATON_MEASURE=1 go test ./bot/handoff -run 'TestVectorFollowUpsDev$' -v
//
// Groups: the dev follow-ups and fresh confusion wordings of
// testdata/dev/followups.yaml after an answer; the labelled explicit,
// complaint and confusion examples by leave-one-out (as
// TestVectorsTuneDev); banking77's knowledge questions and the paraphrase
// suite's dev half after an answer. Held-out data is not read.
func TestVectorFollowUpsDev(t *testing.T) {
	measuring(t)
	dir := sharedDir(t)
	raw, err := os.ReadFile(filepath.Join("testdata", "dev", "followups.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dev, probs := parseExamples("followups.yaml", raw)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	banking, para := devOrdinaryEN(t, dir)
	lexical := loadShipped(t)
	texts := append(append([]string{}, banking...), para...)
	for _, e := range lexical.learned.m.examples {
		texts = append(texts, e.text)
	}
	for _, e := range dev {
		texts = append(texts, e.text)
	}
	emb := newMemoEmbeddings(t, texts)
	r := loadShippedWith(t, emb)
	set := r.learned.vec.ready()
	nex, nown := len(r.learned.m.examples), len(r.learned.vr.ordinary)
	if nown == 0 {
		t.Fatal("the shipped rules name no learned.vectors.ordinary")
	}
	// without is the set the layer had before its own ordinary lines.
	without := &vecSet{}
	for i, src := range set.src {
		if src >= nex && src < nex+nown {
			continue
		}
		without.class = append(without.class, set.class[i])
		without.vecs = append(without.vecs, set.vecs[i])
		without.src = append(without.src, src)
	}
	vr := r.learned.vr
	after := []session.Turn{{Role: "customer", Text: "(an earlier question)"}, {Role: "bot", Text: "(an answer)", Kind: "answer"}}

	type tally struct{ n, with, without int }
	groups := map[string]*tally{}
	var order []string
	judge := func(group string, in Input, skip int) {
		g := groups[group]
		if g == nil {
			g = &tally{}
			groups[group] = g
			order = append(order, group)
		}
		g.n++
		lex := lexical.Detect(in).Handoff
		var p [nClasses]float64
		var allowed [nClasses]bool
		var q []float32
		rr := *r
		rr.trace = func(tp [nClasses]float64, ta [nClasses]bool, tq []float32) { p, allowed, q = tp, ta, tq }
		rr.Detect(in)
		fires := func(s *vecSet) (bool, string) {
			if q == nil {
				return false, ""
			}
			grey := false
			for k := clExplicit; k < nClasses; k++ {
				grey = grey || (allowed[k] && p[k] >= vr.grey)
			}
			if !grey {
				return false, ""
			}
			v := s.judgeExcept(q, skip)
			for k := clExplicit; k < nClasses; k++ {
				if vr.fires(v, k, allowed) {
					return true, classes[k]
				}
			}
			return false, ""
		}
		fw, kw := fires(set)
		fo, ko := fires(without)
		// For the labelled examples only the vector layer's own recall
		// is read (the learned layer has seen them), as TestVectorsTuneDev.
		if lex && !strings.HasPrefix(group, "examples ") {
			fw, fo = true, true
		}
		if fw {
			g.with++
		}
		if fo {
			g.without++
		}
		if fw != fo || (fw && group == "dev none") {
			line := ""
			if q != nil {
				v := set.judgeExcept(q, skip)
				if i := v.nearest[clConfusion]; i >= 0 {
					line += fmt.Sprintf("; nearest confusion %q %.2f", r.learned.m.examples[i].text, v.cos[clConfusion])
				}
				if i := v.nearest[clNone]; i >= 0 {
					line += fmt.Sprintf(", nearest ordinary %q %.2f", clipVecText(&r.learned, i), v.cos[clNone])
				}
			}
			t.Logf("  %s %q: without the follow-ups %v (%s), with them %v (%s)%s", group, in.Text, fo, ko, fw, kw, line)
		}
	}
	for _, e := range dev {
		judge("dev "+classes[e.class], Input{Text: e.text, History: after}, -1)
	}
	for i, e := range r.learned.m.examples {
		if e.class == clNone || !vecJudges(e.text) {
			continue
		}
		in := Input{Text: e.text}
		if e.class == clConfusion {
			in.History = after
		}
		judge("examples "+classes[e.class]+" (leave-one-out)", in, i)
	}
	for _, s := range banking {
		judge("banking77 kb questions after an answer", Input{Text: s, History: after}, -1)
	}
	for _, s := range para {
		judge("paraphrase suite dev half after an answer", Input{Text: s, History: after}, -1)
	}
	for _, g := range order {
		c := groups[g]
		t.Logf("%-50s handed off: without the follow-ups %3d of %3d, with them %3d", g, c.without, c.n, c.with)
	}
}

// followEmbedder is a bag of words that, like a small sentence model,
// puts short "what" messages near each other whatever follows ("huh,
// what?", "what now"), and knows the sense of a next step (now, next,
// then, done, after).
func followEmbedder(text string) []float32 {
	v := llmtest.HashEmbedder(256)(text)
	if whatRE.MatchString(text) {
		v[1] += 3
	}
	if nextRE.MatchString(text) {
		v[2] += 2
	}
	return v
}

var (
	whatRE = regexp.MustCompile(`(?i)\b(what|huh)\b`)
	nextRE = regexp.MustCompile(`(?i)\b(now|next|then|done|after)\b`)
)

const followExamples = `explicit:
  en: [can I talk to a person, I want a human]
complaint:
  en: [this is awful service, terrible quality]
confusion:
  en: ["huh, what?", I don't follow, that makes no sense to me]
none:
  en: [how much is shipping, where is my order, do you sell cables, thanks a lot]
`

// followFS is vecFS's rules with the examples above and, when followups
// is not empty, learned.vectors.ordinary naming a file of those lines.
func followFS(followups string) fstest.MapFS {
	rules := minimal + "learned:\n  examples: ex.yaml\n  explicit: 0.99\n  complaint: 0.99\n  confusion: 0.99\n" +
		"  vectors:\n    explicit: 0.5\n    complaint: 0.5\n    confusion: 0.5\n    margin: 0.05\n    grey: 0.01\n"
	fs := fstest.MapFS{"p/ex.yaml": {Data: []byte(followExamples)}}
	if followups != "" {
		rules += "    ordinary: fu.yaml\n"
		fs["p/fu.yaml"] = &fstest.MapFile{Data: []byte(followups)}
	}
	fs["p/handoff.yaml"] = &fstest.MapFile{Data: []byte(rules)}
	return fs
}

// The vector layer compares a message after an answer with ordinary
// follow-ups of its own (learned.vectors.ordinary): "what now" is nearer
// "done that, what now?" than the confusion example "huh, what?", so it
// is no confusion; without those lines it was. A message nearer a
// confusion example still is one, and nothing changes without
// embeddings (the learned layer does not train on the lines).
func TestVectorLayerOrdinaryFollowUps(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithEmbedder(followEmbedder))
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = srv.URL()
	v, err := semantic.NewVectors(semantic.OpenAI{Client: openai.NewClientWithConfig(cfg), Model: "fake-embed"},
		semantic.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	load := func(followups string, opts ...LoadOption) *Rules {
		t.Helper()
		r, probs := LoadRules(followFS(followups), "p/handoff.yaml", opts...)
		if len(probs) > 0 || r == nil {
			t.Fatalf("load: %v", probs)
		}
		if err := r.WaitVectors(t.Context()); err != nil {
			t.Fatalf("example vectors: %v", err)
		}
		return r
	}
	after := []session.Turn{{Role: "customer", Text: "my parcel says delivered but it isn't here"}, {Role: "bot", Text: "Check with your neighbours first.", Kind: "answer"}}
	const whatNow = "what now"
	before := load("", WithEmbeddings(v))
	if d := before.Detect(Input{Text: whatNow, History: after}); d.Reason != Confusion || !strings.Contains(d.Evidence[0], `confusion (vectors): nearest example "huh, what?"`) {
		t.Fatalf("without follow-ups %q after an answer: %+v; want confusion by vectors (the test proves nothing otherwise)", whatNow, d)
	}
	r := load("en:\n  - \"done that, what now?\"\n  - and after that?\n", WithEmbeddings(v))
	if d := r.Detect(Input{Text: whatNow, History: after}); d.Handoff {
		t.Errorf("with follow-ups %q after an answer handed off: %+v", whatNow, d)
	}
	for _, msg := range []string{"huh what", "I don't follow you at all", "that makes zero sense to me"} {
		if d := r.Detect(Input{Text: msg, History: after}); d.Reason != Confusion || !strings.Contains(d.Evidence[0], "(vectors)") {
			t.Errorf("with follow-ups %q after an answer: %+v; want confusion by vectors", msg, d)
		}
	}
	if n := srvEmbedded(srv, "done that, what now?"); n != 1 {
		t.Errorf("the follow-up line was embedded %d times; want once", n)
	}
	lexical := load("en:\n  - \"done that, what now?\"\n")
	for _, msg := range []string{whatNow, "huh what"} {
		if d := lexical.Detect(Input{Text: msg, History: after}); d.Handoff {
			t.Errorf("without embeddings %q handed off: %+v (the learned layer must not have learned the follow-ups)", msg, d)
		}
	}
	if a, b := lexical.learned.m, load("").learned.m; !sameWeights(a, b) {
		t.Error("the follow-ups changed the learned layer's model: it must train on the examples and knowledge questions only")
	}
}

// sameWeights reports whether two learned models have the same examples
// and the same weights, feature by feature (by name, not by index: the
// model, not the training cache that may hand back one pointer for both).
func sameWeights(a, b *model) bool {
	if a == nil || b == nil || len(a.examples) != len(b.examples) || len(a.feats) != len(b.feats) || len(a.w) != len(b.w) {
		return false
	}
	same := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*max(1, math.Abs(x)) }
	for k := range nClasses {
		if !same(a.bias[k], b.bias[k]) {
			return false
		}
	}
	for f, i := range a.feats {
		j, ok := b.feats[f]
		if !ok {
			return false
		}
		for k := range nClasses {
			if !same(a.w[int(i)*nClasses+k], b.w[int(j)*nClasses+k]) {
				return false
			}
		}
	}
	return true
}

func srvEmbedded(srv *llmtest.Server, text string) int {
	n := 0
	for _, s := range srv.Embedded() {
		if s == text {
			n++
		}
	}
	return n
}

// The follow-ups file is checked like the learned layer's ordinary file:
// a line that is a labelled example or repeats another, and a file that
// is missing, are reported with where.
func TestVectorFollowUpsFileProblems(t *testing.T) {
	_, probs := LoadRules(followFS("en:\n  - and after that?\n  - I don't follow\n  - And after that\n"), "p/handoff.yaml")
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{`p/fu.yaml:3: en: "I don't follow" is already an example of confusion (ex.yaml:`, `p/fu.yaml:4: en: "And after that" is the same as line 2`} {
		if !strings.Contains(all, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
	fs := followFS("en: [and after that?]\n")
	delete(fs, "p/fu.yaml")
	_, probs = LoadRules(fs, "p/handoff.yaml")
	if len(probs) != 1 || !strings.Contains(probs[0].String(), "p/handoff.yaml:") || !strings.Contains(probs[0].String(), "learned.vectors.ordinary: cannot read p/fu.yaml") {
		t.Errorf("missing file: problems %v", probs)
	}
}
