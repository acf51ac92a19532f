package semantic

import (
	"bufio"
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/text"
)

// TestBanking77Fused measures semantic-fused matching on banking77 with
// the real embedding model, through the matcher serve builds: the shipped
// prompts (lexicon, off-topic set) and banking77's knowledge base. It is
// held out honestly: calibration sees only the base's own questions
// (leave-one-out) and the off-topic set; the 3,080 test queries are only
// asked. It takes minutes, so it runs on demand:
//
//	BATON_MEASURE=1 go test -run TestBanking77Fused -v -timeout 30m ./bot/semantic/
func TestBanking77Fused(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement of some minutes: set BATON_MEASURE=1 to run it")
	}
	dir := filepath.Join(sharedDir(), "datasets", "banking77")
	if _, err := os.Stat(filepath.Join(dir, "test.jsonl")); err != nil {
		t.Skipf("banking77 data set not found at %s", dir)
	}
	emb := realEmbedder(t)
	reg := prometheus.NewRegistry()
	v, err := NewVectors(emb, WithRegisterer(reg), WithQueryTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	set, probs := content.Load(content.Dir("../../prompts"), content.Source{FS: os.DirFS(dir), Root: "kb"}, content.WithMatcher(v.MatcherFunc))
	if len(probs) > 0 {
		t.Fatalf("loading: %v", probs)
	}
	m := set.KB.Matcher.(*Matcher)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	start := time.Now()
	f, err := m.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("vectors and calibration built in %s (%d questions, %d off-topic messages)", time.Since(start).Round(time.Second), f.ix.Len(), len(f.ix.offText))
	t.Logf("lexical calibration: %s", m.Lexical().Cal)
	t.Logf("fused calibration (questions the lexical one leaves): %s", f.cal)

	type query struct{ Query, ID string }
	var qs []query
	fh, err := os.Open(filepath.Join(dir, "test.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		var q query
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatal(err)
		}
		qs = append(qs, q)
	}
	fh.Close()

	type tally struct{ top1, confident, right int }
	var lex, fused tally
	count := func(tl *tally, id string, confident bool, want string) {
		if id == want {
			tl.top1++
		}
		if confident {
			tl.confident++
			if id == want {
				tl.right++
			}
		}
	}
	calls0 := f.queryCalls(reg)
	var fusedTime, lexTime []time.Duration
	for _, q := range qs {
		t0 := time.Now()
		got := m.Match(ctx, q.Query, 1)
		fusedTime = append(fusedTime, time.Since(t0))
		t0 = time.Now()
		l := m.Lexical().Match(ctx, q.Query, 1)
		lexTime = append(lexTime, time.Since(t0))
		if len(got) > 0 {
			count(&fused, got[0].ID, got[0].Confident, q.ID)
		}
		if len(l) > 0 {
			count(&lex, l[0].ID, l[0].Confident, q.ID)
		}
	}
	n := float64(len(qs))
	report := func(name string, tl tally) {
		wrong := 0.0
		if tl.confident > 0 {
			wrong = float64(tl.confident-tl.right) / float64(tl.confident)
		}
		t.Logf("%s: top-1 %.3f, confident-and-right %.3f, confident %.3f, share of confident answers wrong %.4f (%d of %d)",
			name, float64(tl.top1)/n, float64(tl.right)/n, float64(tl.confident)/n, wrong, tl.confident-tl.right, tl.confident)
	}
	report("lexical", lex)
	report("semantic-fused", fused)
	calls := f.queryCalls(reg) - calls0
	t.Logf("embeddings calls per message %.3f (%d for %d messages; none when the lexical match was sure)", calls/n, int(calls), len(qs))
	t.Logf("latency per message: fused mean %s p50 %s p95 %s; lexical mean %s; added mean %s",
		mean(fusedTime), pct(fusedTime, 50), pct(fusedTime, 95), mean(lexTime), mean(fusedTime)-mean(lexTime))
}

func (f *Fused) queryCalls(reg *prometheus.Registry) float64 {
	mfs, _ := reg.Gather()
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != "baton_semantic_embeddings_calls_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == kindQuery {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return total
}

func mean(d []time.Duration) time.Duration {
	var s time.Duration
	for _, x := range d {
		s += x
	}
	return (s / time.Duration(max(len(d), 1))).Round(10 * time.Microsecond)
}

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(10 * time.Microsecond)
}

// memoEmbedder embeds a fixed set of texts once, in batches, and then
// answers from memory: the generalisation measurement asks the same
// questions of many bases. With BATON_EMBED_CACHE set to a file, the
// vectors are also kept there between runs (the model is deterministic),
// and the model is only started for texts the file lacks.
type memoEmbedder struct {
	vecs map[string][]float32
}

func newMemoEmbedder(t *testing.T, emb func() Embedder, texts []string) *memoEmbedder {
	t.Helper()
	m := &memoEmbedder{vecs: map[string][]float32{}}
	file := os.Getenv("BATON_EMBED_CACHE")
	if file != "" {
		if fh, err := os.Open(file); err == nil {
			err := gob.NewDecoder(fh).Decode(&m.vecs)
			fh.Close()
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
		}
	}
	var todo []string
	for _, s := range texts {
		if _, ok := m.vecs[s]; !ok {
			m.vecs[s] = nil
			todo = append(todo, s)
		}
	}
	start := time.Now()
	for i := 0; i < len(todo); i += embedBatch {
		batch := todo[i:min(i+embedBatch, len(todo))]
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
		out, err := emb().Embed(ctx, batch)
		cancel()
		if err != nil || len(out) != len(batch) {
			t.Fatalf("embedding %d texts: %d vectors, %v", len(batch), len(out), err)
		}
		for j, s := range batch {
			m.vecs[s] = out[j]
		}
	}
	t.Logf("embedded %d texts in %s (%d from %q)", len(todo), time.Since(start).Round(time.Second), len(texts)-len(todo), file)
	if file != "" && len(todo) > 0 {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(m.vecs); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func (m *memoEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, s := range texts {
		v, ok := m.vecs[s]
		if !ok || v == nil {
			return nil, fmt.Errorf("memo embedder: %q was not embedded up front", s)
		}
		out[i] = v
	}
	return out, nil
}

type labelled struct{ Query, ID string }

// shopSplit cuts banking77 into n shop-sized bases as
// knowledge.TestBanking77Generalisation does: intents dealt round the
// bases in name order, each with its first nq example questions.
func shopSplit(t *testing.T, b *knowledge.Base, n, nq int) ([]*knowledge.Base, []map[string]bool) {
	ids := slices.Clone(b.IDs())
	slices.Sort(ids)
	var bases []*knowledge.Base
	var has []map[string]bool
	for g := 0; g < n; g++ {
		fsys := fstest.MapFS{}
		in := map[string]bool{}
		for i := g; i < len(ids); i += n {
			e, _ := b.Entry(ids[i], "en")
			var src strings.Builder
			src.WriteString("---\nquestions:\n")
			for _, q := range e.Questions[:min(nq, len(e.Questions))] {
				fmt.Fprintf(&src, "  - %q\n", q)
			}
			fmt.Fprintf(&src, "---\n%s\n", e.Answer)
			fsys["kb/"+ids[i]+".md"] = &fstest.MapFile{Data: []byte(src.String())}
			in[ids[i]] = true
		}
		sb, probs := knowledge.Load(fsys, "kb")
		if len(probs) > 0 {
			t.Fatalf("shop base: %v", probs)
		}
		bases = append(bases, sb)
		has = append(has, in)
	}
	return bases, has
}

// genCount is one generalisation tally.
type genCount struct{ inScope, right, confident, wrong, offTopic, offAnswered int }

func (g genCount) String() string {
	return fmt.Sprintf("answered %.3f of %d in-scope, wrong %.3f of %d confident, off-topic answered %.3f of %d",
		float64(g.right)/float64(max(g.inScope, 1)), g.inScope, float64(g.wrong)/float64(max(g.confident, 1)), g.confident,
		float64(g.offAnswered)/float64(max(g.offTopic, 1)), g.offTopic)
}

// shopMatchers builds a shop-sized base's lexical matcher and the fused
// matcher over it; emb, which must know every question, off-topic message
// and query, embeds the base and each query.
func shopMatchers(t *testing.T, sb *knowledge.Base, emb Embedder, lex *text.Lexicon, cfg knowledge.CalibrationConfig) (*knowledge.Calibrated, *Fused) {
	t.Helper()
	ctx := t.Context()
	lm := knowledge.NewLexicalMatcher(ctx, sb, lex, cfg)
	ix, _, err := build(ctx, sb, cfg.OffTopic, emb, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	query := func(ctx context.Context, s string) ([]float32, error) {
		out, err := emb.Embed(ctx, []string{s})
		if err != nil {
			return nil, err
		}
		return out[0], nil
	}
	return lm, newFused(ctx, lm, ix, cfg, query, nil)
}

// fusedGeneralisation builds, for every shop-sized base of the
// generalisation splits, the lexical matcher and the fused one (vectors
// from emb, which must know every question, off-topic message and query),
// and asks each its own intents' queries (in scope) and the other bases'
// (off-topic). It returns the lexical and the fused tallies.
func fusedGeneralisation(t *testing.T, b *knowledge.Base, emb Embedder, lex *text.Lexicon, cfg knowledge.CalibrationConfig, qs []labelled) (lexical, fused genCount) {
	ctx := t.Context()
	for _, split := range [][2]int{{3, 3}, {3, 4}, {3, 5}, {4, 3}, {4, 4}, {4, 5}} {
		bases, has := shopSplit(t, b, split[0], split[1])
		for i, sb := range bases {
			lm, f := shopMatchers(t, sb, emb, lex, cfg)
			var l, g genCount
			for _, q := range qs {
				for _, x := range []struct {
					m knowledge.Matcher
					c *genCount
				}{{lm, &l}, {f, &g}} {
					got := x.m.Match(ctx, q.Query, 1)
					conf := len(got) > 0 && got[0].Confident
					if !has[i][q.ID] {
						x.c.offTopic++
						if conf {
							x.c.offAnswered++
						}
						continue
					}
					x.c.inScope++
					if conf {
						x.c.confident++
						if got[0].ID == q.ID {
							x.c.right++
						} else {
							x.c.wrong++
						}
					}
				}
			}
			t.Logf("%d bases x %d questions, base %d (%d intents): lexical %s; fused %s; fused calibration %s", split[0], split[1], i, sb.Len(), l, g, f.cal)
			for _, p := range []struct{ sum, one *genCount }{{&lexical, &l}, {&fused, &g}} {
				s, o := p.sum, p.one
				s.inScope, s.right, s.confident, s.wrong, s.offTopic, s.offAnswered = s.inScope+o.inScope, s.right+o.right,
					s.confident+o.confident, s.wrong+o.wrong, s.offTopic+o.offTopic, s.offAnswered+o.offAnswered
			}
		}
	}
	return lexical, fused
}

// banking77Fixture is banking77's base, its test queries and its
// knowledge questions 6-10 (dev: no shop-sized base holds them), with the
// shipped lexicon and off-topic set; it skips when the data is missing.
func banking77Fixture(t *testing.T) (b *knowledge.Base, test, dev []labelled, lex *text.Lexicon, cfg knowledge.CalibrationConfig) {
	t.Helper()
	dir := filepath.Join(sharedDir(), "datasets", "banking77")
	if _, err := os.Stat(filepath.Join(dir, "test.jsonl")); err != nil {
		t.Skipf("banking77 data set not found at %s", dir)
	}
	b, probs := knowledge.Load(os.DirFS(dir), "kb")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	fh, err := os.Open(filepath.Join(dir, "test.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		var q labelled
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatal(err)
		}
		test = append(test, q)
	}
	for _, id := range b.IDs() {
		e, _ := b.Entry(id, "en")
		for _, q := range e.Questions[min(5, len(e.Questions)):] {
			dev = append(dev, labelled{Query: q, ID: id})
		}
	}
	lex, lp := text.LoadLexicon(os.DirFS("../.."), "prompts/lexicon")
	off, op := knowledge.LoadOffTopic(os.DirFS("../.."), "prompts/offtopic")
	if len(lp)+len(op) > 0 {
		t.Fatalf("shipped prompts: %v %v", lp, op)
	}
	return b, test, dev, lex, knowledge.CalibrationConfig{OffTopic: off}
}

// generalisationTexts is every text the generalisation measurement embeds.
func generalisationTexts(b *knowledge.Base, cfg knowledge.CalibrationConfig, qs ...[]labelled) []string {
	var texts []string
	for _, q := range b.Questions() {
		texts = append(texts, q.Text)
	}
	texts = append(texts, questions(b).aText...)
	texts = append(texts, cfg.OffTopic...)
	for _, set := range qs {
		for _, q := range set {
			texts = append(texts, q.Query)
		}
	}
	return texts
}

// TestBanking77FusedGeneralisation is TestBanking77Generalisation
// (bot/knowledge) with semantic matching on, with the real English model:
// the same shop-sized bases, each calibrated on itself alone (lexical and
// fused), asked test.jsonl (held out: never tuned on). It also logs the
// dev measurement (knowledge questions 6-10), the one design choices were
// made on. Goals (issue 9): answered >= 0.75 of in-scope queries, wrong <=
// 2%, off-topic answered <= 5%. It takes minutes, so it runs on demand:
//
//	BATON_MEASURE=1 go test -run TestBanking77FusedGeneralisation -v -timeout 30m ./bot/semantic/
func TestBanking77FusedGeneralisation(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement of some minutes: set BATON_MEASURE=1 to run it")
	}
	b, test, dev, lex, cfg := banking77Fixture(t)
	emb := newMemoEmbedder(t, func() Embedder { return realEmbedder(t) }, generalisationTexts(b, cfg, test, dev))
	l, f := fusedGeneralisation(t, b, emb, lex, cfg, dev)
	t.Logf("dev (knowledge questions 6-10), all shop-sized bases: lexical %s; fused %s", l, f)
	l, f = fusedGeneralisation(t, b, emb, lex, cfg, test)
	t.Logf("held out (test.jsonl), all shop-sized bases: lexical %s; fused %s", l, f)
}
