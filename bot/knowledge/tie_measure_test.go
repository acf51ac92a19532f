package knowledge

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestTieDev is the dev evidence for tieShare: among the questions the
// confident decision leaves, how often the first candidate is the
// question's entry and how often the runner-up is, by the runner-up's
// lead relative to the first's score. Dev data only: the shipped base and
// banking77's knowledge base (each question left out), and banking77's
// shop-sized bases asked its knowledge questions 6-10. It only logs:
//
//	BATON_MEASURE=1 go test -run TestTieDev -v ./bot/knowledge/
func TestTieDev(t *testing.T) {
	if os.Getenv("BATON_MEASURE") == "" {
		t.Skip("a measurement that only logs: set BATON_MEASURE=1 to run it")
	}
	ctx := t.Context()
	cfg, lex := shippedConfig(t), shippedLexicon(t)
	edges := []float64{0.005, 0.01, 0.02, 0.05, 0.1}
	type bucket struct{ n, first, second int }
	tally := func(bs []bucket, m *Calibrated, cands []Candidate, want string) {
		if len(cands) < 2 || cands[0].Score <= 0 || m.Cal.Confident(cands) {
			return
		}
		rel := (cands[0].Score - cands[1].Score) / cands[0].Score
		k := len(edges)
		for i, e := range edges {
			if rel < e {
				k = i
				break
			}
		}
		bs[k].n++
		if cands[0].ID == want {
			bs[k].first++
		}
		if cands[1].ID == want {
			bs[k].second++
		}
	}
	show := func(name string, bs []bucket) {
		var sb strings.Builder
		for i, b := range bs {
			edge := "rest"
			if i < len(edges) {
				edge = fmt.Sprintf("< %.3f", edges[i])
			}
			fmt.Fprintf(&sb, "; lead %s: %d, first right %d, second right %d", edge, b.n, b.first, b.second)
		}
		t.Logf("%s%s", name, sb.String())
	}
	shipped, ps := Load(os.DirFS(repoRoot()), "knowledge")
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	b77, ps := Load(os.DirFS(banking77Dir()), "kb")
	if len(ps) > 0 {
		t.Skipf("banking77 kb: %v", ps)
	}
	for _, kb := range []struct {
		name string
		b    *Base
	}{{"shipped, left out one by one", shipped}, {"banking77, left out one by one", b77}} {
		m := NewLexicalMatcher(ctx, kb.b, lex, cfg)
		bs := make([]bucket, len(edges)+1)
		for i, q := range kb.b.Questions() {
			tally(bs, m, m.Rank(ctx, q.Text, i, 2), q.ID)
		}
		show(kb.name, bs)
	}
	bs := make([]bucket, len(edges)+1)
	for _, split := range shopSplits {
		bases, has := shopSplit(b77, split[0], split[1])
		for i, sb := range bases {
			m := NewLexicalMatcher(ctx, sb, lex, cfg)
			for _, q := range devQueries(b77) {
				if has[i][q.ID] {
					tally(bs, m, m.Rank(ctx, q.Query, -1, 2), q.ID)
				}
			}
		}
	}
	show("banking77 shop-sized bases, dev queries", bs)
}
