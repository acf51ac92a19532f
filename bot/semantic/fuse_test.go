package semantic

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/llm/llmtest"
)

// TestFusionLeavesAWholeEntryOut: calibration's missing-topic questions
// (knowledge.LeaveEntryOut) are fused without the entry: it gets no
// evidence and no share of the softmax, which the others share in full;
// the lexical Cover of each entry is passed on.
func TestFusionLeavesAWholeEntryOut(t *testing.T) {
	kb := loadKB(t, shop)
	emb := embedFunc(func(_ context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		for i, s := range texts {
			out[i] = normalize(conceptEmbedder(s))
		}
		return out, nil
	})
	ix, _, err := build(t.Context(), kb, offTopic, emb, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	lex := knowledge.NewLexical(kb, nil)
	qs := kb.Questions()
	i := slices.IndexFunc(qs, func(q knowledge.Question) bool { return q.ID == "returns/policy" })
	skip := knowledge.LeaveEntryOut(i)
	lc := lex.Rank(t.Context(), qs[i].Text, skip, lexicalTop)
	ev := ix.rankVec(lc, ix.vecs[i], skip, len(ix.ids))
	if len(ev) != len(ix.ids)-1 {
		t.Fatalf("%d entries fused, want %d", len(ev), len(ix.ids)-1)
	}
	var sum float64
	for _, x := range ev {
		if ix.ids[x.entry] == "returns/policy" {
			t.Errorf("the left-out entry was fused: %+v", x)
		}
		sum += x.fused
		for _, c := range lc {
			if c.ID == ix.ids[x.entry] && c.Cover != x.cover {
				t.Errorf("%s: cover %v, lexical %v", c.ID, x.cover, c.Cover)
			}
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("shares of the other entries sum to %v, want 1", sum)
	}
}

// TestFusionFindsAnEntryByWhatItsAnswerSays: a customer's words that no
// example question uses but the entry's answer does ("by the old mill
// bridge") bring that entry first, through the answer side of its
// vectors; without it the entry whose questions share "is it" wins.
func TestFusionFindsAnEntryByWhatItsAnswerSays(t *testing.T) {
	fsys := fstest.MapFS{
		"kb/en/shop/hours.md": {Data: []byte("---\nquestions:\n  - \"Is it open late?\"\n  - \"When is it open?\"\n---\nWe open at nine and close at six.\n")},
		"kb/en/shop/location.md": {Data: []byte("---\nquestions:\n  - \"Where is your shop?\"\n  - \"What is your address?\"\n---\n" +
			"You will find us in the town centre. We are by the old mill bridge.\n")},
	}
	kb, probs := knowledge.Load(fsys, "kb")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	emb := embedFunc(func(_ context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		for i, s := range texts {
			out[i] = normalize(llmtest.HashEmbedder(256)(s))
		}
		return out, nil
	})
	ix, _, err := build(t.Context(), kb, nil, emb, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := "is it by the old mill bridge"
	vec, _ := emb(t.Context(), []string{q})
	top := func(p fuseParams) string { return ix.ids[ix.rankWith(p, nil, vec[0], -1, 1)[0].entry] }
	if got := top(defaultFuse); got != "shop/location" {
		t.Errorf("fused top for %q = %s, want shop/location (its answer says it)", q, got)
	}
	noAnswers := defaultFuse
	noAnswers.ansW = 0
	if got := top(noAnswers); got != "shop/hours" {
		t.Errorf("without the answer side the top for %q = %s, want shop/hours (the test would show nothing)", q, got)
	}
}

// TestAnswerTextsAreTheTitleTipAndSentences: what an entry says is
// embedded sentence by sentence, without Markdown marks, once each, and
// at most maxAnswerTexts of them.
func TestAnswerTextsAreTheTitleTipAndSentences(t *testing.T) {
	e := &knowledge.Entry{
		Label: "Opening hours",
		Tip:   "We're open Tuesday to Saturday.",
		Answer: "We're open **Tuesday to Saturday, 9am-6pm**. We're closed on Mondays!\n\n" +
			"- Bank holidays: Sunday hours\n1. See [our calendar](https://example.com/cal) for details\n## Questions?\nWe're open Tuesday to Saturday.",
	}
	want := []string{"Opening hours", "We're open Tuesday to Saturday", "We're open Tuesday to Saturday, 9am-6pm",
		"We're closed on Mondays", "Bank holidays: Sunday hours", "See our calendar for details", "Questions"}
	if got := answerTexts(e); !slices.Equal(got, want) {
		t.Errorf("answerTexts =\n%q\nwant\n%q", got, want)
	}
	var long strings.Builder
	for i := range 3 * maxAnswerTexts {
		fmt.Fprintf(&long, "Sentence number %d. ", i)
	}
	if got := answerTexts(&knowledge.Entry{Answer: long.String()}); len(got) != maxAnswerTexts {
		t.Errorf("a long answer gave %d texts, want at most %d", len(got), maxAnswerTexts)
	}
}
