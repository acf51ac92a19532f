package handoff

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/text"
)

// The held-out set in testdata/heldout was written before the learned
// layer was tuned and is never learned from (see its README). This test
// reports how the shipped detector does on it.
//
// Run: go test ./bot/handoff -run TestHeldout -v

type heldoutCase struct {
	Lang string `yaml:"lang"`
	Bot  string `yaml:"bot"`
	Text string `yaml:"text"`
}

func loadHeldout(t testing.TB, name string) []heldoutCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "heldout", name+".yaml"))
	if err != nil {
		t.Fatalf("read held-out %s: %v", name, err)
	}
	var cs []heldoutCase
	if err := yaml.Unmarshal(raw, &cs); err != nil {
		t.Fatalf("parse held-out %s: %v", name, err)
	}
	return cs
}

// heldoutInput is a held-out message as the core would pass it: after the
// bot's answer when the case gives one, otherwise as a first message.
func heldoutInput(c heldoutCase) Input {
	in := Input{Text: c.Text, Lang: c.Lang}
	if c.Bot != "" {
		in.History = []session.Turn{
			{Role: "customer", Text: "(an earlier question)"},
			{Role: "bot", Text: c.Bot, Kind: "answer"},
		}
	}
	return in
}

// heldoutScore is the share of cases whose decision has the wanted reason
// ("" = no handoff); misses lists the others.
func heldoutScore(r *Rules, cs []heldoutCase, want string) (float64, []string) {
	var ok int
	var misses []string
	for _, c := range cs {
		d := r.Detect(heldoutInput(c))
		if (want == "" && !d.Handoff) || (want != "" && d.Handoff && d.Reason == want) {
			ok++
			continue
		}
		misses = append(misses, c.Lang+": "+c.Text+" → "+d.Reason)
	}
	return float64(ok) / float64(len(cs)), misses
}

func TestHeldout(t *testing.T) {
	r := loadShipped(t)
	for _, s := range []struct {
		file, want string
	}{
		{"explicit", Explicit},
		{"confusion", Confusion},
		{"complaint", Complaint},
		{"ordinary", ""},
		// The fresh set (2026-12-06, testdata/heldout/README.md): no
		// floors, logged beside the first.
		{"explicit_fresh", Explicit},
		{"confusion_fresh", Confusion},
		{"complaint_fresh", Complaint},
		{"ordinary_fresh", ""},
	} {
		cs := loadHeldout(t, s.file)
		got, misses := heldoutScore(r, cs, s.want)
		t.Logf("%-15s %d cases: %.3f right", s.file, len(cs), got)
		for _, m := range misses {
			t.Logf("    wrong: %s", m)
		}
	}
}

// Floors a little under today's numbers (README, handoff section): a
// change that makes detection generalise worse fails here.
func TestHeldoutFloors(t *testing.T) {
	r := loadShipped(t)
	for _, s := range []struct {
		file, want string
		floor      float64
	}{
		{"explicit", Explicit, 0.88}, // 0.892 after 27 knowledge questions that copied the paraphrase suite's held-out lines left the base (2026-12-03)
		{"confusion", Confusion, 0.80},
		{"complaint", Complaint, 0.55},
		{"ordinary", "", 0.975},
	} {
		if got, _ := heldoutScore(r, loadHeldout(t, s.file), s.want); got < s.floor {
			t.Errorf("held-out %s: %.3f < floor %.3f", s.file, got, s.floor)
		}
	}
}

// Nothing the detector learns from may be a held-out message or a near
// copy of one: not its labelled examples, and not the knowledge base's
// questions, which it learns as ordinary ("none") messages.
func TestHeldoutDisjoint(t *testing.T) {
	r := loadShipped(t)
	if r.learned.m == nil {
		t.Fatal("the shipped rules have no learned layer")
	}
	type heldLine struct {
		file, text string
		terms      map[string]bool
	}
	var held []heldLine
	for _, f := range []string{"explicit", "confusion", "complaint", "ordinary",
		"explicit_fresh", "confusion_fresh", "complaint_fresh", "ordinary_fresh"} {
		for _, c := range loadHeldout(t, f) {
			held = append(held, heldLine{f, c.Text, text.TermSet(c.Text)})
		}
	}
	check := func(where, s string) {
		ts := text.TermSet(s)
		for _, h := range held {
			if j := text.Jaccard(ts, h.terms); j >= nearCopy {
				t.Errorf("%s: %q is a near copy (%.2f of its words and character pairs shared) of the held-out %s line %q; write it differently or drop it", where, s, j, h.file, h.text)
			}
		}
	}
	for _, e := range r.learned.m.examples {
		check(fmt.Sprintf("%s:%d", e.file, e.line), e.text)
	}
	// The shipped ordinary questions are learned whatever the base, so
	// none may be near any held-out line, ordinary ones included. Only
	// the file's line is named: the held-out text is not to be read.
	raw, err := os.ReadFile("../../prompts/handoff_ordinary.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ords, _ := parseOrdinary("handoff_ordinary.yaml", raw, nil, "")
	for _, q := range ords {
		ts := text.TermSet(q)
		for _, h := range held {
			if j := text.Jaccard(ts, h.terms); j >= nearCopy {
				t.Errorf("handoff_ordinary.yaml: %q is a near copy (%.2f shared) of a held-out %s line; write it differently or drop it", q, j, h.file)
			}
		}
	}
	// The knowledge questions too, against the held-out requests,
	// confusion and complaints. The held-out ordinary questions are left
	// out of this check on purpose: many are the shop's canonical
	// questions ("how do I start a return"), which customers do ask word
	// for word and which the base must hold.
	held = slices.DeleteFunc(held, func(h heldLine) bool { return strings.HasPrefix(h.file, "ordinary") })
	kb, _ := knowledge.Load(os.DirFS("../../knowledge"), ".")
	for _, q := range kb.Questions() {
		check("knowledge "+q.ID, q.Text)
	}
}

// nearCopy is the share of shared terms (Jaccard) from which two texts
// count as the same message reworded only slightly.
const nearCopy = 0.7

// The shipped base's paraphrase suite (bot/knowledge/testdata/paraphrases,
// written by "content" for the matcher) is ordinary questions: each as a
// first message must not hand off, except the lines about reaching a
// person (support/contact-person), which should.
func TestParaphraseFalseHandoffs(t *testing.T) {
	r := loadShipped(t)
	var n, falseHandoffs, heldFalse int
	for _, lang := range []string{"en", "zh", "ko"} {
		raw, err := os.ReadFile(filepath.Join("..", "knowledge", "testdata", "paraphrases", lang+".jsonl"))
		if err != nil {
			t.Skipf("paraphrase suite not available: %v", err)
		}
		for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			var q struct {
				Query string `json:"query"`
				ID    string `json:"id"`
			}
			if err := json.Unmarshal([]byte(line), &q); err != nil {
				t.Fatalf("%s: %v", lang, err)
			}
			if q.ID == "support/contact-person" {
				continue
			}
			n++
			if d := r.Detect(Input{Text: q.Query, Lang: lang}); d.Handoff {
				falseHandoffs++
				// Only the dev half's lines are shown (even lines from 0,
				// as suitetest.RunHalves splits the suite): this test runs
				// in every landing, and the odd lines are held out.
				if i%2 == 0 {
					t.Logf("    false handoff (dev half): %s: %q → %s", lang, q.Query, d.Evidence[0])
				} else {
					heldFalse++
				}
			}
		}
	}
	rate := float64(falseHandoffs) / float64(n)
	t.Logf("paraphrase suite: %d of %d ordinary questions hand off (%.2f%%); %d of them held-out lines, not shown", falseHandoffs, n, 100*rate, heldFalse)
	// The goal is 2%; it was met (5/252) only while the knowledge base held
	// copies of the suite's held-out lines, which the layer learned as
	// ordinary. Without them (2026-12-03) 6/252 = 2.38%: the ceiling holds
	// that, the goal is not met.
	if rate > 0.025 {
		t.Errorf("paraphrase false-handoff rate %.2f%% > 2.5%%", 100*rate)
	}
}
