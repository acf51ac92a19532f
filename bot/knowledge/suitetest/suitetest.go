// Package suitetest runs the shipped-base paraphrase suite
// (bot/knowledge/testdata/paraphrases) for tests of the matcher and of the
// core's understanding. Tuning may look only at the dev half; see the
// suite's README. ReadFile and Score.Tally serve other files in the same
// format (the unseen shops' queries, testdata/shops).
package suitetest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// Langs are the suite's languages.
var Langs = []string{"en", "zh", "ko"}

// Line is one customer message of the suite.
type Line struct {
	Query string   `json:"query"`
	ID    string   `json:"id"`   // the entry that answers it; "" for off-topic
	Also  []string `json:"also"` // other entries that answer it as rightly
	Lang  string   `json:"lang"` // the message's language, in files mixing them ("" in the suite: one file a language)
}

// Right reports whether id answers the line.
func (l Line) Right(id string) bool { return l.ID != "" && (id == l.ID || slices.Contains(l.Also, id)) }

// Read loads one language's lines of the shipped-base suite, in file order.
func Read(t testing.TB, lang string) []Line {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	return ReadFile(t, filepath.Join(filepath.Dir(self), "..", "testdata", "paraphrases", lang+".jsonl"))
}

// ReadFile loads the lines of one file in the suite's format, in file order.
func ReadFile(t testing.TB, file string) []Line {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("open suite: %v", err)
	}
	defer f.Close()
	var out []Line
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var l Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s:%d: %v", file, n, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	return out
}

// Score counts one half (or both) of one language.
type Score struct {
	InScope, Right   int // in-scope lines; answered confidently, every answered entry right
	Confident, Wrong int // lines answered confidently; of them with a wrong entry (off-topic answered included)
	OffTopic, OffAns int // off-topic lines; of them answered confidently
}

// Answered is the share of in-scope lines answered rightly.
func (s Score) Answered() float64 { return ratio(s.Right, s.InScope) }

// WrongRate is the share of confident answers that are wrong.
func (s Score) WrongRate() float64 { return ratio(s.Wrong, s.Confident) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (s Score) String() string {
	return fmt.Sprintf("answered %d/%d = %.2f, wrong %d/%d confident = %.3f, off-topic answered %d/%d",
		s.Right, s.InScope, s.Answered(), s.Wrong, s.Confident, s.WrongRate(), s.OffAns, s.OffTopic)
}

// Tally counts one line answered with ids (none: not answered
// confidently) and reports whether every entry answered is right for it.
func (s *Score) Tally(l Line, ids []string) (right bool) {
	right = len(ids) > 0
	for _, id := range ids {
		right = right && l.Right(id)
	}
	if len(ids) > 0 {
		s.Confident++
	}
	if l.ID == "" {
		s.OffTopic++
		if len(ids) > 0 {
			s.OffAns++
			s.Wrong++
		}
		return right
	}
	s.InScope++
	switch {
	case right:
		s.Right++
	case len(ids) > 0:
		s.Wrong++
	}
	return right
}

// Add sums two scores (the two halves).
func (s Score) Add(o Score) Score {
	return Score{s.InScope + o.InScope, s.Right + o.Right, s.Confident + o.Confident, s.Wrong + o.Wrong, s.OffTopic + o.OffTopic, s.OffAns + o.OffAns}
}

// Run answers every line of lang with answer, which returns the entries a
// reply would answer (none when it would not answer confidently) and a
// note for the log. It logs the dev half's score and, with -v, its
// misses; held-out misses are never listed, so nobody tunes on them, and
// the held-out and overall scores only with BATON_SUITE_HELDOUT set
// (ShowHeldOut). It returns the overall score.
func Run(t *testing.T, lang string, answer func(query string) (ids []string, note string)) Score {
	t.Helper()
	dev, held := RunHalves(t, lang, answer)
	return dev.Add(held)
}

// RunHalves is Run returning the dev and the held-out half's scores: the
// held-out one is the honest measure, and what floors are set from.
func RunHalves(t *testing.T, lang string, answer func(query string) (ids []string, note string)) (dev, heldOut Score) {
	t.Helper()
	var halves [2]Score // dev (even lines, from 0), held-out (odd)
	for i, l := range Read(t, lang) {
		ids, note := answer(l.Query)
		right := halves[i%2].Tally(l, ids)
		if i%2 == 0 && !right && (l.ID != "" || len(ids) > 0) && testing.Verbose() {
			t.Logf("dev %s: %q want %q, got %v (%s)", lang, l.Query, l.ID, ids, note)
		}
	}
	t.Logf("%s dev:      %v", lang, halves[0])
	if ShowHeldOut() {
		t.Logf("%s held-out: %v", lang, halves[1])
		t.Logf("%s all:      %v", lang, halves[0].Add(halves[1]))
	}
	return halves[0], halves[1]
}

// HeldOutEnv is the environment variable that prints the held-out half's
// (and both halves') summary scores: BATON_SUITE_HELDOUT=1. Without it a
// run logs the dev half only (a failed floor still says which language
// failed), so tuning cannot read the held-out numbers by accident, not
// even as "all" minus "dev". Set it once, when measuring a frozen design.
const HeldOutEnv = "BATON_SUITE_HELDOUT"

// ShowHeldOut reports whether HeldOutEnv asks for the held-out scores.
func ShowHeldOut() bool { return os.Getenv(HeldOutEnv) != "" }
