package handoff

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/session"
)

// TestIndirectFresh2Dev measures the second fresh dev sets of requests
// for a person worded indirectly and of confusion right after an answer
// (testdata/dev/indirect_fresh2.yaml, confusion_fresh2.yaml, written on
// 2026-12-07 before any change of that session), with their ordinary
// look-alikes. Each set is split by position within a language's list:
// even positions are the tune half (its wrong lines are listed with their
// evidence), odd positions the check half, whose counts alone are printed
// and only with BATON_FRESH2_CHECK=1 (read once, at the end).
//
//	BATON_MEASURE=1 go test ./bot/handoff -run TestIndirectFresh2Dev -v
//
// Requests and the indirect set's look-alikes are judged as first
// messages and (look-alikes) after an answer too; every line of the
// confusion set after an answer, as the core passes it.
func TestIndirectFresh2Dev(t *testing.T) {
	measureFreshSets(t, "BATON_FRESH2_CHECK", "indirect_fresh2.yaml", "confusion_fresh2.yaml")
}

// TestIndirectFresh3Dev measures the third fresh dev set of indirect
// requests for a person (testdata/dev/indirect_fresh3.yaml, written on
// 2026-12-07 by helper handoffr before any change of that session: mostly
// English requests that describe wanting a person), halves as
// TestIndirectFresh2Dev's:
//
//	BATON_MEASURE=1 go test ./bot/handoff -run TestIndirectFresh3Dev -v
//	BATON_MEASURE=1 BATON_FRESH3_CHECK=1 go test ./bot/handoff -run TestIndirectFresh3Dev -v
func TestIndirectFresh3Dev(t *testing.T) {
	measureFreshSets(t, "BATON_FRESH3_CHECK", "indirect_fresh3.yaml")
}

// measureFreshSets judges the fresh dev sets files (testdata/dev) and
// logs their tune half, or their check half when the environment
// variable checkEnv is "1". A file named confusion_* is judged after an
// answer; any other's requests as first messages and its look-alikes both
// ways.
func measureFreshSets(t *testing.T, checkEnv string, files ...string) {
	measuring(t)
	check := os.Getenv(checkEnv) == "1"
	r := loadShipped(t)
	after := []session.Turn{
		{Role: "customer", Text: "(an earlier question)"},
		{Role: "bot", Text: "You can return any item within 30 days of delivery: start the return from your order page and we email you a free label.", Kind: "answer"},
	}
	type tally struct{ n, ok int }
	counts := map[string]*tally{}
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join("testdata", "dev", f))
		if err != nil {
			t.Fatal(err)
		}
		exs, probs := parseExamples(f, raw)
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		pos := map[string]int{}
		for _, e := range exs {
			lang := scriptOf(e.text)
			if lang == "" {
				lang = "en"
			}
			k := classes[e.class] + "/" + lang
			half := "tune"
			if pos[k]%2 == 1 {
				half = "check"
			}
			pos[k]++
			if (half == "check") != check {
				continue
			}
			var ins []Input
			switch {
			case strings.HasPrefix(f, "confusion_"):
				ins = []Input{{Text: e.text, Lang: lang, History: after}}
			case e.class == clNone:
				ins = []Input{{Text: e.text, Lang: lang}, {Text: e.text, Lang: lang, History: after}}
			default:
				ins = []Input{{Text: e.text, Lang: lang}}
			}
			for i, in := range ins {
				d := r.Detect(in)
				ok := (e.class == clNone && !d.Handoff) || (e.class != clNone && d.Handoff && d.Reason == classes[e.class])
				key := fmt.Sprintf("%s %s", strings.TrimSuffix(f, ".yaml"), k)
				if e.class == clNone && len(ins) > 1 {
					key += []string{" first", " after"}[i]
				}
				if counts[key] == nil {
					counts[key] = &tally{}
				}
				counts[key].n++
				if ok {
					counts[key].ok++
				} else if !check {
					why := "no handoff"
					if d.Handoff {
						why = strings.Join(d.Evidence, " | ")
					}
					t.Logf("    wrong %s: %q (line %d) → %s; scores %.2f/%.2f/%.2f", key, e.text, e.line, why, d.Scores[Explicit], d.Scores[Complaint], d.Scores[Confusion])
				}
			}
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	half := "tune"
	if check {
		half = "check"
	}
	sums := map[string]*tally{}
	for _, k := range keys {
		c := counts[k]
		t.Logf("%s half: %-44s right %3d of %3d (%.3f)", half, k, c.ok, c.n, ratio(c.ok, c.n))
		set, _, _ := strings.Cut(k, " ")
		cl, _, _ := strings.Cut(strings.Fields(k)[1], "/")
		s := set + " " + cl
		if sums[s] == nil {
			sums[s] = &tally{}
		}
		sums[s].n += c.n
		sums[s].ok += c.ok
	}
	keys = keys[:0]
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%s half, all: %-30s right %3d of %3d (%.3f)", half, k, sums[k].ok, sums[k].n, ratio(sums[k].ok, sums[k].n))
	}
}

// TestFresh5Dev measures the fifth fresh dev sets (testdata/dev/*_fresh5.yaml:
// indirect requests for a person, complaints and confusion after an answer,
// each with ordinary look-alikes), written on 2026-12-07 by a helper who
// never read the detector's rules or examples, before any run of the
// detector on them. Even positions tune, odd positions check (counts only,
// BATON_FRESH5_CHECK=1).
//
//	BATON_MEASURE=1 go test ./bot/handoff -run TestFresh5Dev -v
func TestFresh5Dev(t *testing.T) {
	measureFreshSets(t, "BATON_FRESH5_CHECK", "indirect_fresh5.yaml", "complaints_fresh5.yaml", "confusion_fresh5.yaml")
}

// TestFresh7Dev measures the seventh fresh dev set (testdata/dev/fresh7.yaml:
// indirect requests for a person, complaints without stock words and
// ordinary questions, look-alikes among them), written on 2026-12-07 by
// helper hand7 before any run of the detector in that session. Even
// positions tune, odd positions check (counts only, BATON_FRESH7_CHECK=1).
//
//	BATON_MEASURE=1 go test ./bot/handoff -run TestFresh7Dev -v
func TestFresh7Dev(t *testing.T) {
	measureFreshSets(t, "BATON_FRESH7_CHECK", "fresh7.yaml")
}
