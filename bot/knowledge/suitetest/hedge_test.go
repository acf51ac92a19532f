package suitetest

import (
	"fmt"
	"strings"
	"testing"
)

// fatalRecorder keeps what Fatalf says instead of ending the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
}

func TestHedgedPicksTheFirstLikelyNotConfident(t *testing.T) {
	tier := map[string][3]string{ // id, likely, confident
		"sure":    {"a", "", "yes"},
		"both":    {"b", "yes", "yes"},
		"hedged":  {"c", "yes", ""},
		"hedged2": {"d", "yes", ""},
	}
	classify := func(q string) (string, bool, bool) { return tier[q][0], tier[q][1] != "", tier[q][2] != "" }
	if q, id := Hedged(t, classify, "none", "sure", "both", "hedged", "hedged2"); q != "hedged" || id != "c" {
		t.Errorf("Hedged = %q %q, want hedged c", q, id)
	}
	r := &fatalRecorder{TB: t}
	if q, _ := Hedged(r, classify, "none", "sure", "both"); q != "" || !strings.Contains(r.msg, "none of 3 candidate messages (none; sure; both, ...) is answered with a hedge") {
		t.Errorf("no hedged candidate: got %q, message %q; want a failure naming the candidates", q, r.msg)
	}
}

func TestDevQueriesAreTheDevHalfInScope(t *testing.T) {
	lines := Read(t, "en")
	dev := DevQueries(t, "en")
	want := 0
	for i, l := range lines {
		if i%2 == 0 && l.ID != "" {
			if dev[want] != l.Query {
				t.Fatalf("dev query %d = %q, want line %d's", want, dev[want], i+1)
			}
			want++
		}
	}
	if len(dev) != want || want == 0 {
		t.Fatalf("%d dev queries, want %d", len(dev), want)
	}
}
