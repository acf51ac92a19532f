package knowledge_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
)

// paraphrase is one line of testdata/paraphrases/<lang>.jsonl.
type paraphrase struct {
	Query string   `json:"query"`
	ID    string   `json:"id"`   // "" for off-topic
	Also  []string `json:"also"` // other entries that answer it as rightly
}

func readParaphrases(t *testing.T, lang string) []paraphrase {
	t.Helper()
	file := filepath.Join("testdata", "paraphrases", lang+".jsonl")
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("open suite: %v", err)
	}
	defer f.Close()
	var out []paraphrase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var p paraphrase
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("%s:%d: %v", file, n, err)
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	return out
}

// suiteScore counts one half of one language.
type suiteScore struct {
	inScope, right   int // in-scope lines; answered confidently with a right entry
	confident, wrong int // confident answers; of them wrong (wrong entry or off-topic answered)
	offTopic, offAns int // off-topic lines; of them answered confidently
}

func (s suiteScore) answered() float64 { return ratio(s.right, s.inScope) }
func (s suiteScore) wrongRate() float64 {
	return ratio(s.wrong, s.confident)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (s suiteScore) String() string {
	return fmt.Sprintf("answered %d/%d = %.2f, wrong %d/%d confident = %.3f, off-topic answered %d/%d",
		s.right, s.inScope, s.answered(), s.wrong, s.confident, s.wrongRate(), s.offAns, s.offTopic)
}

// shippedSet loads prompts/ and knowledge/ as shipped, the way `baton
// serve` does without override folders.
func shippedSet(t *testing.T) *content.Set {
	t.Helper()
	set, problems := content.Load(content.Embedded(baton.Files, "prompts"), content.Embedded(baton.Files, "knowledge"))
	if len(problems) > 0 {
		t.Fatalf("shipped content has problems: %v", problems)
	}
	return set
}

// TestParaphraseSuite runs the customer-style paraphrase suite through the
// shipped content and the matcher `serve` uses, and prints the share
// answered and the share of confident answers that are wrong, per language
// and per half. Only dev-half misses are listed (with -v): the held-out
// half is for measuring, not for tuning (see testdata/paraphrases/README.md).
//
// Goals: answered >= 0.85 and wrong <= 0.02. The assertions hold the floor
// reached so far; raise them as the matcher improves.
func TestParaphraseSuite(t *testing.T) {
	set := shippedSet(t)
	match := func(q string) []knowledge.Match { return set.KB.Match(t.Context(), q, 3) }

	// Floors per language over both halves, and the wrong-answer ceiling:
	// what the shipped matcher reached on 2026-12-03 before any tuning
	// (en 0.72, zh 0.61, ko 0.65 answered; at most 0.043 wrong); with
	// every entry in zh and ko: en 0.70, zh 0.70, ko 0.77, at most 0.037 wrong.
	// With per-base calibration for a 2% wrong-answer target (replacing
	// the model fitted on this base): en 0.62, zh 0.64, ko 0.66 answered,
	// at most 0.021 wrong. Fewer answers, fewer wrong ones.
	floor := map[string]float64{"en": 0.61, "zh": 0.63, "ko": 0.65}
	const maxWrong = 0.05

	for _, lang := range []string{"en", "zh", "ko"} {
		var halves [2]suiteScore // dev, held-out
		for i, p := range readParaphrases(t, lang) {
			h := &halves[i%2]
			m := match(p.Query)
			confident := len(m) > 0 && m[0].Confident
			var got string
			if confident {
				got = m[0].ID
				h.confident++
			}
			right := p.ID != "" && (got == p.ID || slices.Contains(p.Also, got))
			if p.ID == "" {
				h.offTopic++
				if confident {
					h.offAns++
					h.wrong++
				}
			} else {
				h.inScope++
				switch {
				case right:
					h.right++
				case confident:
					h.wrong++
				}
			}
			if i%2 == 0 && !right && (p.ID != "" || confident) && testing.Verbose() {
				top, score := "-", 0.0
				if len(m) > 0 {
					top, score = m[0].ID, m[0].Score
				}
				t.Logf("dev %s: %q want %q, top %s %.2f confident=%v", lang, p.Query, p.ID, top, score, confident)
			}
		}
		all := suiteScore{
			inScope: halves[0].inScope + halves[1].inScope, right: halves[0].right + halves[1].right,
			confident: halves[0].confident + halves[1].confident, wrong: halves[0].wrong + halves[1].wrong,
			offTopic: halves[0].offTopic + halves[1].offTopic, offAns: halves[0].offAns + halves[1].offAns,
		}
		t.Logf("%s dev:      %v", lang, halves[0])
		t.Logf("%s held-out: %v", lang, halves[1])
		t.Logf("%s all:      %v", lang, all)
		if all.answered() < floor[lang] {
			t.Errorf("%s: answered %.2f, below the floor %.2f", lang, all.answered(), floor[lang])
		}
		if all.wrongRate() > maxWrong {
			t.Errorf("%s: %.3f of confident answers wrong, above %.3f", lang, all.wrongRate(), maxWrong)
		}
	}
}
