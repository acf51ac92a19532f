package semantic

import (
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/text"
)

// TestFusedCalibrationIsDeterministic builds and calibrates the fused
// matcher of each base several times in one process (vectors from a
// deterministic in-process embedder): the fused rankings of every
// calibration query, their scores bit for bit, and both calibrated
// decisions must be identical. The bases: the shipped one and one of
// banking77's size (77 entries).
func TestFusedCalibrationIsDeterministic(t *testing.T) {
	lex, lp := text.LoadLexicon(os.DirFS("../.."), "prompts/lexicon")
	off, op := knowledge.LoadOffTopic(os.DirFS("../.."), "prompts/offtopic")
	if len(lp)+len(op) > 0 {
		t.Fatalf("shipped prompts: %v %v", lp, op)
	}
	cfg := knowledge.CalibrationConfig{OffTopic: off}
	shipped, ps := knowledge.Load(os.DirFS("../.."), "knowledge")
	if len(ps) > 0 {
		t.Fatalf("shipped knowledge: %v", ps)
	}
	// banking77's own questions are left to the lexical test
	// (TestCalibrationIsDeterministic): here each run asks every
	// question twice through both rankers.
	bases := map[string]*knowledge.Base{"shipped": shipped, "synthetic-77": bigBase(t, 77)}
	emb := localEmbedder{64}
	for name, b := range bases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			ix, _, err := build(ctx, b, off, emb, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var first string
			var firstLex, firstFused *knowledge.Calibration
			for run := range 3 {
				// A fresh index too: its sums and centroids are rebuilt.
				if run > 0 {
					if ix, _, err = build(ctx, b, off, emb, nil, nil, nil); err != nil {
						t.Fatal(err)
					}
				}
				lm := knowledge.NewLexicalMatcher(ctx, b, lex, cfg)
				f := newFused(ctx, lm, ix, cfg, nil, nil)
				var sb strings.Builder
				line := func(cands []knowledge.Candidate) {
					for _, c := range cands {
						fmt.Fprintf(&sb, "%s/%s %x %x %x %t %t|", c.ID, c.Lang, math.Float64bits(c.Score), math.Float64bits(c.Cover),
							math.Float64bits(c.Unknown), c.Sure, c.Hedged)
					}
					sb.WriteByte('\n')
				}
				// The held-out questions and the off-topic set (the
				// missing-topic ones are in the calibrations compared).
				for i, q := range b.Questions() {
					line(f.rank(ctx, q.Text, i, 5, func() []float32 { return f.knownVec(q.Text, i) }))
				}
				for _, m := range off {
					line(f.rank(ctx, m, -1, 5, func() []float32 { return f.knownVec(m, -1) }))
				}
				if run == 0 {
					first, firstLex, firstFused = sb.String(), lm.Cal, f.cal
					continue
				}
				if got := sb.String(); got != first {
					t.Fatalf("run %d ranked differently from run 0: %s", run, firstLine(first, got))
				}
				if !reflect.DeepEqual(lm.Cal, firstLex) {
					t.Fatalf("run %d: the lexical calibration differs:\n%s\n%s", run, firstLex, lm.Cal)
				}
				if !reflect.DeepEqual(f.cal, firstFused) {
					t.Fatalf("run %d: the fused calibration differs:\n%s\n%s", run, firstFused, f.cal)
				}
			}
		})
	}
}

// firstLine is the first line where two prints differ.
func firstLine(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n%s\n%s", i, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(al), len(bl))
}
