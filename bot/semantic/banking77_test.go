package semantic

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/batonhq/baton/bot/content"
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
