package knowledge

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// commonWords are frequent customer-service words; the synthetic base
// draws from them with a Zipf law so that, as in real questions, a few
// words (the, my, order, how) are everywhere and most are rare.
var commonWords = strings.Fields(`i my the a to is how do can you what where when why it of for in on and
	me not order card money account get have be with this that was did are payment refund return delivery
	package item help need want still yet change cancel send back pay transfer charge fee long time
	days week app phone email address password reset login code number track tracking status shipped
	arrive arrived receive received missing wrong broken damaged size colour price discount voucher gift
	wrap invoice receipt tax customs country abroad currency exchange rate limit balance top up cash
	withdraw atm pin block unlock freeze stolen lost new replace replacement warranty repair battery
	charger cable keyboard lamp headphones store open hours contact person human agent chat call`)

// syntheticKB builds a deterministic knowledge base of n entries, each with
// 10 questions and an answer, plus queries drawn like the questions.
func syntheticKB(n int) (fstest.MapFS, []string) {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := append([]string(nil), commonWords...)
	for i := 0; len(vocab) < 6000; i++ {
		vocab = append(vocab, fmt.Sprintf("w%dx%c", i, 'a'+rune(i%26)))
	}
	zipf := func() string {
		// Inverse-CDF sample of a Zipf(1) law over vocab.
		u := rng.Float64()
		idx := int(float64(len(vocab)) * u * u * u)
		return vocab[idx]
	}
	sentence := func(topic []string, words int) string {
		var b strings.Builder
		for i := 0; i < words; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			if rng.IntN(3) == 0 {
				b.WriteString(topic[rng.IntN(len(topic))])
			} else {
				b.WriteString(zipf())
			}
		}
		return b.String()
	}
	fsys := fstest.MapFS{}
	var queries []string
	for e := 0; e < n; e++ {
		topic := []string{vocab[rng.IntN(len(vocab))], vocab[rng.IntN(len(vocab))], vocab[rng.IntN(len(vocab))]}
		var src strings.Builder
		src.WriteString("---\nquestions:\n")
		for q := 0; q < 10; q++ {
			fmt.Fprintf(&src, "  - %q\n", sentence(topic, 5+rng.IntN(10)))
		}
		fmt.Fprintf(&src, "tip: %q\n---\n%s\n", sentence(topic, 8), sentence(topic, 40))
		fsys[fmt.Sprintf("kb/en/topic%d/entry%04d.md", e%20, e)] = &fstest.MapFile{Data: []byte(src.String())}
		if e%5 == 0 {
			queries = append(queries, sentence(topic, 4+rng.IntN(12)))
		}
	}
	return fsys, queries
}

func BenchmarkMatch1000(b *testing.B) {
	fsys, queries := syntheticKB(1000)
	kb, problems := Load(fsys, "kb")
	if len(problems) > 0 || kb.Len() != 1000 {
		b.Fatalf("synthetic base: %d entries, problems %v", kb.Len(), problems)
	}
	benchMatch(b, kb, queries)
}

// benchMatch matches queries in turn against kb with the shipped lexicon
// and calibration, reporting allocations and CPU time per query.
func benchMatch(b *testing.B, kb *Base, queries []string) {
	ctx := b.Context()
	m := NewLexicalMatcher(ctx, kb, shippedLexicon(b), shippedConfig(b))
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		m.Match(ctx, queries[i%len(queries)], 5)
	}
	reportCPU(b, start)
}

// reportCPU adds the CPU time per operation (see cpuTime).
func reportCPU(b *testing.B, start int64) {
	if end := cpuTime(); end > start {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkMatch1000Banking77 is the same with real questions: each of the
// 77 banking77 entries 13 times (1,001 entries), every copy with two words
// of its own, queried with test.jsonl.
func BenchmarkMatch1000Banking77(b *testing.B) {
	base, test := loadBanking77(b)
	fsys := fstest.MapFS{}
	for copyN := 0; copyN < 13; copyN++ {
		for _, id := range base.IDs() {
			e, _ := base.Entry(id, "en")
			var src strings.Builder
			src.WriteString("---\nquestions:\n")
			for _, q := range e.Questions {
				fmt.Fprintf(&src, "  - %q\n", fmt.Sprintf("%s brand%d item%d", q, copyN, copyN*7))
			}
			fmt.Fprintf(&src, "---\n%s\n", e.Answer)
			fsys[fmt.Sprintf("kb/c%d/%s.md", copyN, id)] = &fstest.MapFile{Data: []byte(src.String())}
		}
	}
	kb, problems := Load(fsys, "kb")
	if len(problems) > 0 || kb.Len() != 1001 {
		b.Fatalf("%d entries, problems %v", kb.Len(), problems)
	}
	queries := make([]string, len(test))
	for i, q := range test {
		queries[i] = q.Query
	}
	benchMatch(b, kb, queries)
}

// BenchmarkCalibrate1000 is indexing and calibrating a 1,000-entry base as
// a load or hot reload does: 1,000 entries with 3 questions each (a shop's
// base grown large), leave-one-out over all 3,000 questions and the
// shipped off-topic set.
func BenchmarkCalibrate1000(b *testing.B) {
	fsys, _ := syntheticKB(1000)
	// syntheticKB writes 10 questions per entry; keep 3.
	for name, f := range fsys {
		lines := strings.Split(string(f.Data), "\n")
		kept := append([]string{}, lines[:5]...) // ---, questions:, 3 questions
		kept = append(kept, lines[12:]...)
		fsys[name] = &fstest.MapFile{Data: []byte(strings.Join(kept, "\n"))}
	}
	kb, problems := Load(fsys, "kb")
	if len(problems) > 0 || kb.Len() != 1000 || len(kb.Questions()) != 3000 {
		b.Fatalf("synthetic base: %d entries, %d questions, problems %v", kb.Len(), len(kb.Questions()), problems)
	}
	lex, cfg := shippedLexicon(b), shippedConfig(b)
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		NewLexicalMatcher(b.Context(), kb, lex, cfg)
	}
	reportCPU(b, start)
}

func BenchmarkLoad(b *testing.B) {
	fsys, _ := syntheticKB(1000)
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		if kb, _ := Load(fsys, "kb"); kb.Len() != 1000 {
			b.Fatal("lost entries")
		}
	}
	reportCPU(b, start)
}

// BenchmarkMatchShipped is one customer message matched against the
// shipped base, as the core does on every message: the questions the
// adapters' webhook benchmarks send.
func BenchmarkMatchShipped(b *testing.B) {
	kb, problems := Load(os.DirFS(repoRoot()), "knowledge")
	if len(problems) > 0 {
		b.Fatalf("shipped knowledge: %v", problems)
	}
	queries := []string{
		"where is my order?", "how long does shipping take?", "can I return a gift?",
		"do you ship to Canada?", "my discount code does not work", "how do I reset my password?",
	}
	benchMatch(b, kb, queries)
}
