package suitetest

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Shop is one of the small day-one shop bases of issue 9's headline
// scenario (testdata/shops): a base as a shop would write it, which
// Baton was never tuned on, with customer queries written before any
// run, in the suite's format.
type Shop struct {
	Name      string // the folder's name: "bikes"
	Dir       string // the folder
	Knowledge string // the base: the folder, or its knowledge/ folder when it has one
	Queries   string // the customer queries
	HeldOut   bool   // a HELDOUT file marks it: its numbers are measured only with UnseenHeldOutEnv set
}

// UnseenHeldOutEnv prints the summary numbers of held-out shop bases:
// BATON_UNSEEN_HELDOUT=1, set by the lead once, on a frozen design. Their
// lines are never printed.
const UnseenHeldOutEnv = "BATON_UNSEEN_HELDOUT"

// SkipShopsEnv names shop bases (comma-separated) that this run leaves
// out, as if absent: a builder keeps a dev shop as the check of a change
// tuned on the others, and reads it once at the end.
const SkipShopsEnv = "BATON_SKIP_SHOPS"

// Shops lists the shop bases (each folder of testdata/shops with a
// queries.jsonl), failing t when there are none.
func Shops(t testing.TB) []Shop {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "testdata", "shops")
	queries, err := filepath.Glob(filepath.Join(root, "*", "queries.jsonl"))
	if err != nil || len(queries) == 0 {
		t.Fatalf("no shop bases under %s (%v)", root, err)
	}
	var out []Shop
	for _, q := range queries {
		dir := filepath.Dir(q)
		s := Shop{Name: filepath.Base(dir), Dir: dir, Knowledge: dir, Queries: q}
		if st, err := os.Stat(filepath.Join(dir, "knowledge")); err == nil && st.IsDir() {
			s.Knowledge = filepath.Join(dir, "knowledge")
		}
		_, err := os.Stat(filepath.Join(dir, "HELDOUT"))
		s.HeldOut = err == nil
		if slices.Contains(strings.Split(os.Getenv(SkipShopsEnv), ","), s.Name) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// ShopNamed returns the shop base named name, failing t when there is none.
func ShopNamed(t testing.TB, name string) Shop {
	t.Helper()
	for _, s := range Shops(t) {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no shop base %q", name)
	return Shop{}
}

// Measured reports whether this run may measure s: a dev base always, a
// held-out one only with UnseenHeldOutEnv set; it logs why not.
func (s Shop) Measured(t testing.TB) bool {
	t.Helper()
	if s.HeldOut && os.Getenv(UnseenHeldOutEnv) == "" {
		t.Logf("%s: held-out base, not measured (%s=1, once, by the lead)", s.Name, UnseenHeldOutEnv)
		return false
	}
	return true
}

// ShopScore counts one language of one shop base read through the core.
type ShopScore struct {
	Score
	Top1, Top3      int // in-scope lines whose right entry is the first candidate; among the first three (the topic buttons)
	Hedged, HedgeR  int // in-scope lines answered with a hedge (likely, not confident); of them right
	Guessed, GuessR int // in-scope lines asked about with a guess ("are you asking about …?"); of them right
	// Off-topic lines answered with a hedge; asked about with a guess.
	OffHedged, OffGuessed int
}

// Tally counts line l, answered with ids (none: not confidently), with
// ranked the matcher's candidates, best first, hedged the entry answered
// with a hedge and guessed the entry asked about with a guess ("" when
// none). It reports whether every entry answered is right.
func (s *ShopScore) Tally(l Line, ids, ranked []string, hedged, guessed string) bool {
	right := s.Score.Tally(l, ids)
	if l.ID == "" {
		s.OffHedged += b2i(hedged != "")
		s.OffGuessed += b2i(guessed != "")
		return right
	}
	for i, id := range ranked[:min(3, len(ranked))] {
		if l.Right(id) {
			s.Top3++
			if i == 0 {
				s.Top1++
			}
			break
		}
	}
	if hedged != "" {
		s.Hedged++
		s.HedgeR += b2i(l.Right(hedged))
	}
	if guessed != "" {
		s.Guessed++
		s.GuessR += b2i(l.Right(guessed))
	}
	return right
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Top1Share and Top3Share are the shares of in-scope lines whose right
// entry is ranked first; among the first three.
func (s ShopScore) Top1Share() float64 { return ratio(s.Top1, s.InScope) }
func (s ShopScore) Top3Share() float64 { return ratio(s.Top3, s.InScope) }

// Unsure is how many in-scope lines got none of the tiers: neither an
// answer, a hedge nor a guess.
func (s ShopScore) Unsure() int {
	return s.InScope - (s.Confident - s.OffAns) - s.Hedged - s.Guessed
}

func (s ShopScore) String() string {
	return fmt.Sprintf("%v; right entry top-1 %d/%d = %.2f, top-3 %d/%d = %.2f; hedged %d (%d right); guessed %d (%d right); unsure %d; off-topic hedged %d, guessed %d",
		s.Score, s.Top1, s.InScope, s.Top1Share(), s.Top3, s.InScope, s.Top3Share(), s.Hedged, s.HedgeR, s.Guessed, s.GuessR, s.Unsure(), s.OffHedged, s.OffGuessed)
}

// ShopScores are one shop base's scores by language.
type ShopScores map[string]*ShopScore

// Lang is lang's score, new if it has none yet.
func (m ShopScores) Lang(lang string) *ShopScore {
	if m[lang] == nil {
		m[lang] = &ShopScore{}
	}
	return m[lang]
}

// Langs are the languages scored, sorted.
func (m ShopScores) Langs() []string { return slices.Sorted(maps.Keys(m)) }
