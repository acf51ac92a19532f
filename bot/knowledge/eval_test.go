package knowledge

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/batonhq/baton/bot/text"
)

// banking77Dir is /work/shared/datasets/banking77 seen from this package:
// the shared folder sits beside the repository.
func banking77Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "datasets", "banking77")
}

type labelled struct {
	Query string `json:"query"`
	ID    string `json:"id"`
	Lang  string `json:"lang"`
}

func readJSONL(t testing.TB, file string) []labelled {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("open %s: %v", file, err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var q labelled
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	return out
}

// loadBanking77 loads the banking77 knowledge base and test queries, or
// skips the test when the shared data set is not there.
func loadBanking77(t testing.TB) (*Base, []labelled) {
	t.Helper()
	dir := banking77Dir()
	if _, err := os.Stat(filepath.Join(dir, "test.jsonl")); err != nil {
		t.Skipf("banking77 data set not found at %s", dir)
	}
	b, problems := Load(os.DirFS(dir), "kb")
	if len(problems) > 0 {
		t.Fatalf("banking77 kb has problems: %v", problems)
	}
	return b, readJSONL(t, filepath.Join(dir, "test.jsonl"))
}

// repoRoot is the repository, seen from this package.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// shippedConfig is the calibration the shipped prompts give: the shipped
// off-topic messages and default wrong-answer rate.
func shippedConfig(t testing.TB) CalibrationConfig {
	t.Helper()
	off, ps := LoadOffTopic(os.DirFS(repoRoot()), "prompts/offtopic")
	if len(ps) > 0 || len(off) == 0 {
		t.Fatalf("shipped off-topic set: %d messages, problems %v", len(off), ps)
	}
	return CalibrationConfig{OffTopic: off}
}

// shippedLexicon is prompts/lexicon.
func shippedLexicon(t testing.TB) *text.Lexicon {
	t.Helper()
	lex, ps := text.LoadLexicon(os.DirFS(repoRoot()), "prompts/lexicon")
	if len(ps) > 0 {
		t.Fatalf("shipped lexicon: %v", ps)
	}
	return lex
}

// shippedMatcher is the matcher serve builds for b with the shipped prompts.
func shippedMatcher(t testing.TB, b *Base) *Calibrated {
	t.Helper()
	return NewLexicalMatcher(t.Context(), b, shippedLexicon(t), shippedConfig(t))
}

type accuracy struct {
	n, top1, confident, wrongConfident int
}

func (a accuracy) raw() float64  { return float64(a.top1) / float64(a.n) }
func (a accuracy) conf() float64 { return float64(a.confident) / float64(a.n) }

// wrongShare is the share of confident answers that were wrong.
func (a accuracy) wrongShare() float64 {
	if a.confident+a.wrongConfident == 0 {
		return 0
	}
	return float64(a.wrongConfident) / float64(a.confident+a.wrongConfident)
}

// evaluate matches every query and counts top-1 hits, hits that are also
// confident, and confident wrong answers.
func evaluate(ctx context.Context, m Matcher, qs []labelled) accuracy {
	var a accuracy
	for _, q := range qs {
		a.n++
		ms := m.Match(ctx, q.Query, 1)
		if len(ms) == 0 {
			continue
		}
		if ms[0].ID == q.ID {
			a.top1++
			if ms[0].Confident {
				a.confident++
			}
		} else if ms[0].Confident {
			a.wrongConfident++
		}
	}
	return a
}
