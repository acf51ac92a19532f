package semantic

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/llm/llmtest"
)

// localEmbedder embeds in process (no HTTP), for benchmarks of Baton's own
// work.
type localEmbedder struct{ dim int }

func (l localEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = llmtest.HashEmbedder(l.dim)(t)
	}
	return out, nil
}

// bigBase is a base of n entries with 3 questions each.
func bigBase(b testing.TB, n int) *knowledge.Base {
	topics := []string{"shipping", "returns", "payment", "warranty", "account", "orders", "gift cards", "stores", "repairs", "sizes"}
	things := []string{"headphones", "charger", "speaker", "watch", "camera", "keyboard", "tablet", "lamp", "backpack", "kettle"}
	fs := fstest.MapFS{}
	for i := range n {
		topic, thing := topics[i%len(topics)], things[(i/len(topics))%len(things)]
		var sb strings.Builder
		sb.WriteString("---\nquestions:\n")
		for _, q := range []string{"How does %s work for the %s model %d?", "Question about %s and my %s (ref %d)", "I need help with %s on a %s, item %d"} {
			fmt.Fprintf(&sb, "  - %q\n", fmt.Sprintf(q, topic, thing, i))
		}
		fmt.Fprintf(&sb, "---\nAbout %s for the %s %d.\n", topic, thing, i)
		fs[fmt.Sprintf("kb/en/e%04d.md", i)] = &fstest.MapFile{Data: []byte(sb.String())}
	}
	kb, probs := knowledge.Load(fs, "kb")
	if kb.Len() != n {
		b.Fatalf("loaded %d of %d: %v", kb.Len(), n, probs)
	}
	return kb
}

// BenchmarkFusedCalibration1000 is building the fused matcher of a
// 1,000-entry base (3,000 questions, 512-dimensional vectors, 40 off-topic
// messages) once its vectors are known: leave-one-out over every question
// with vectors. It runs in the background; answers are lexical meanwhile.
//
//	go test -run '^$' -bench FusedCalibration1000 -benchtime 3x ./bot/semantic/
func BenchmarkFusedCalibration1000(b *testing.B) {
	kb := bigBase(b, 1000)
	off := make([]string, 40)
	for i := range off {
		off[i] = fmt.Sprintf("tell me something nice number %d", i)
	}
	ctx := context.Background()
	ix, _, err := build(ctx, kb, off, localEmbedder{512}, nil, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	lexical := knowledge.NewLexicalMatcher(ctx, kb, nil, knowledge.CalibrationConfig{OffTopic: off})
	v, _ := NewVectors(localEmbedder{512}, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer v.Close()
	for b.Loop() {
		newFused(ctx, lexical, ix, knowledge.CalibrationConfig{OffTopic: off}, v.query, nil)
	}
}

// BenchmarkFusedMatch1000 is one message's fused ranking on a 1,000-entry
// base, the vector known (Baton's own work; the embeddings call is apart).
//
//	go test -run '^$' -bench FusedMatch1000 ./bot/semantic/
func BenchmarkFusedMatch1000(b *testing.B) {
	kb := bigBase(b, 1000)
	ctx := context.Background()
	ix, _, err := build(ctx, kb, nil, localEmbedder{512}, nil, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	lexical := knowledge.NewLexicalMatcher(ctx, kb, nil, knowledge.CalibrationConfig{})
	vec := localEmbedder{512}.Embed
	q := "my kettle 12 needs a repair, how does that work"
	qv, _ := vec(ctx, []string{q})
	for b.Loop() {
		lex := lexical.Rank(ctx, q, -1, lexicalTop)
		ix.rankVec(lex, qv[0], -1, 5)
	}
}

// BenchmarkHubIndex3000 is the questions' hubness (hubIndex) of a
// 1,000-entry base, 3,000 questions of 512 dimensions, once per build of
// the vectors, in the background: at hubExact, so all n²/2 pairs
// (1.11 s/op at load 1.4).
//
//	go test -run '^$' -bench HubIndex3000 -benchtime 3x ./bot/semantic/
func BenchmarkHubIndex3000(b *testing.B) {
	kb := bigBase(b, 1000)
	ix, _, err := build(context.Background(), kb, nil, localEmbedder{512}, nil, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		newHubIndex(ix.vecs, ix.qEntry)
	}
}

// BenchmarkHubIndex1000 is the questions' hubness (hubIndex) of a
// 1,000-entry base with 4 questions each, 4,000 questions of 512
// dimensions: above hubExact, so each question is compared with a sample
// of hubSample questions (2 million dot products) rather than with all.
// 2026-12-06 23:37 UTC, load average 1.3 on the 2 shared cores: 694 ms/op.
//
//	go test -run '^$' -bench HubIndex1000 -benchtime 3x ./bot/semantic/
func BenchmarkHubIndex1000(b *testing.B) {
	var vecs [][]float32
	var qEntry []int32
	for e := range 1000 {
		for q := range 4 {
			vecs = append(vecs, llmtest.HashEmbedder(512)(fmt.Sprintf("question %d about entry %d, topic %d", q, e, e%10)))
			qEntry = append(qEntry, int32(e))
		}
	}
	for b.Loop() {
		newHubIndex(vecs, qEntry)
	}
}
