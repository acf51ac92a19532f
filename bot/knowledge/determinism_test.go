package knowledge

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// deterministicBases are the bases the determinism tests build twice: the
// shipped one, a synthetic base of banking77's size (77 entries of 10
// questions), and banking77's own knowledge base when the shared data set
// is there (its questions only; never its test queries).
func deterministicBases(t *testing.T) map[string]*Base {
	t.Helper()
	bases := map[string]*Base{}
	shipped, ps := Load(os.DirFS(repoRoot()), "knowledge")
	if len(ps) > 0 {
		t.Fatalf("shipped knowledge: %v", ps)
	}
	bases["shipped"] = shipped
	fsys, _ := syntheticKB(77)
	synth, ps := Load(fsys, "kb")
	if len(ps) > 0 {
		t.Fatalf("synthetic base: %v", ps)
	}
	bases["synthetic-77"] = synth
	if _, err := os.Stat(filepath.Join(banking77Dir(), "kb")); err == nil {
		b, ps := Load(os.DirFS(banking77Dir()), "kb")
		if len(ps) > 0 {
			t.Fatalf("banking77 kb: %v", ps)
		}
		bases["banking77"] = b
	}
	return bases
}

// rankingPrint is every score a matcher's ranker gives for the base's
// calibration queries (each question left out, each with its entry left
// out, the off-topic set), bit for bit, with its calibration: two builds
// of one base must print the same.
func rankingPrint(t *testing.T, b *Base, rank Ranker, off []string) string {
	t.Helper()
	ctx := t.Context()
	var sb strings.Builder
	line := func(cands []Candidate) {
		for _, c := range cands {
			fmt.Fprintf(&sb, "%s/%s %x %x %x|", c.ID, c.Lang, math.Float64bits(c.Score), math.Float64bits(c.Cover), math.Float64bits(c.Unknown))
		}
		sb.WriteByte('\n')
	}
	for i, q := range b.Questions() {
		line(rank(ctx, q.Text, i, 5))
		line(rank(ctx, q.Text, LeaveEntryOut(i), 5))
	}
	for _, m := range off {
		line(rank(ctx, m, -1, 5))
	}
	return sb.String()
}

// TestCalibrationIsDeterministic builds and calibrates each base several
// times in one process: the rankings, scores and calibrated cuts must be
// identical bit for bit. Scores once summed in an order that depended on
// Go's map iteration (term numbers were given in map order), so a base
// calibrated twice could get a different cut (2 runs in 25).
func TestCalibrationIsDeterministic(t *testing.T) {
	lex, cfg := shippedLexicon(t), shippedConfig(t)
	for name, b := range deterministicBases(t) {
		t.Run(name, func(t *testing.T) {
			var firstCal *Calibration
			var firstRank string
			for run := range 3 {
				m := NewLexicalMatcher(t.Context(), b, lex, cfg)
				r := rankingPrint(t, b, m.Rank, cfg.OffTopic)
				if run == 0 {
					firstCal, firstRank = m.Cal, r
					continue
				}
				if r != firstRank {
					t.Fatalf("run %d ranked differently from run 0: %s", run, firstDiff(firstRank, r))
				}
				if !reflect.DeepEqual(m.Cal, firstCal) {
					t.Fatalf("run %d calibrated differently from run 0:\n%s\n%s", run, firstCal, m.Cal)
				}
			}
		})
	}
}

// firstDiff is the first line where two prints differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n%s\n%s", i, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(al), len(bl))
}
