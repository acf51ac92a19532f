package knowledge

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
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

type accuracy struct {
	n, top1, confident, wrongConfident int
}

func (a accuracy) raw() float64  { return float64(a.top1) / float64(a.n) }
func (a accuracy) conf() float64 { return float64(a.confident) / float64(a.n) }

// evaluate matches every query and counts top-1 hits, hits that are also
// confident, and confident wrong answers.
func evaluate(b *Base, qs []labelled) accuracy {
	var a accuracy
	for _, q := range qs {
		a.n++
		m := b.Match(q.Query, 1)
		if len(m) == 0 {
			continue
		}
		if m[0].ID == q.ID {
			a.top1++
			if m[0].Confident {
				a.confident++
			}
		} else if m[0].Confident {
			a.wrongConfident++
		}
	}
	return a
}

// heldOut calls fn for every step-th knowledge question of b with a copy
// of b indexed without that question: the tuning set that keeps test.jsonl
// held out.
func heldOut(b *Base, p params, step int, fn func(without *Base, id, q string)) {
	cache := map[string]map[string]float64{}
	feat := func(s string) map[string]float64 {
		f, ok := cache[s]
		if !ok {
			f = features(s, &p)
			cache[s] = f
		}
		return f
	}
	for _, id := range b.ids {
		for lang, e := range b.entries[id] {
			for i, q := range e.Questions {
				if i%step != 0 {
					continue
				}
				c := withoutQuestion(b, id, lang, i)
				c.index = buildIndexWith(c, p, feat)
				fn(c, id, q)
			}
		}
	}
}

// leaveOneOut is the accuracy over heldOut's questions.
func leaveOneOut(b *Base, p params, step int) accuracy {
	var a accuracy
	heldOut(b, p, step, func(c *Base, id, q string) {
		a.n++
		m := c.Match(q, 1)
		if len(m) > 0 && m[0].ID == id {
			a.top1++
			if m[0].Confident {
				a.confident++
			}
		} else if len(m) > 0 && m[0].Confident {
			a.wrongConfident++
		}
	})
	return a
}

// withoutQuestion is a shallow copy of b with one question removed.
func withoutQuestion(b *Base, id, lang string, i int) *Base {
	c := &Base{entries: make(map[string]map[string]*Entry, len(b.entries)), ids: b.ids}
	for k, v := range b.entries {
		c.entries[k] = v
	}
	tr := make(map[string]*Entry, len(b.entries[id]))
	for l, e := range b.entries[id] {
		tr[l] = e
	}
	e := *tr[lang]
	e.Questions = append(append([]string(nil), e.Questions[:i]...), e.Questions[i+1:]...)
	tr[lang] = &e
	c.entries[id] = tr
	return c
}
