package bot

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/bot/knowledge"
)

// subjectBase is a small base whose entries each have enough example
// questions for their subject to be read (minSubjectQuestions): opening
// hours (about being open), delivery times (about delivering) and a
// short entry on gift cards, which has too few.
func subjectBase(t *testing.T) *knowledge.Base {
	t.Helper()
	entry := func(title string, qs ...string) *fstest.MapFile {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: %q\nquestions:\n", title)
		for _, q := range qs {
			fmt.Fprintf(&b, "  - %q\n", q)
		}
		b.WriteString("---\n" + title + " The answer.\n")
		return &fstest.MapFile{Data: []byte(b.String())}
	}
	fsys := fstest.MapFS{
		"kb/en/support/hours.md": entry("When are you open?",
			"When are you open?", "Are you open on weekends?", "Are you open on Saturday?",
			"What time do you open?", "are u open on sunday", "when do you open tomorrow",
			"are you open on holidays", "opening times please", "open late on fridays?",
			"is the team open today", "what are your hours"),
		"kb/en/shipping/times.md": entry("How long does delivery take?",
			"How long does delivery take?", "When will you deliver my order?", "do you deliver fast",
			"how many days to deliver", "delivery time", "how soon can you deliver",
			"can you deliver by friday", "deliver to Canada, how long", "express delivery days",
			"when do you deliver", "will it arrive this week"),
		"kb/en/payment/gift-cards.md": entry("Do you sell gift cards?",
			"Do you sell gift cards?", "gift card amounts", "is a gift card valid for long"),
	}
	b, problems := knowledge.Load(fsys, "kb")
	if len(problems) > 0 {
		t.Fatalf("loading the base: %v", problems)
	}
	return b
}

func TestSwappedSubject(t *testing.T) {
	kb := subjectBase(t)
	m := func(id string, tier knowledge.Tier, score float64) knowledge.Match {
		c := knowledge.Match{ID: id, Lang: "en", Score: score}
		c.SetTier(tier)
		return c
	}
	hoursFirst := []knowledge.Match{m("support/hours", knowledge.Confident, 0.34), m("shipping/times", knowledge.Unsure, 0.18), m("payment/gift-cards", knowledge.Unsure, 0.02)}
	for _, tc := range []struct {
		name, msg string
		cands     []knowledge.Match
		wantFirst string
		wantTier  knowledge.Tier
	}{
		// "on weekends" is the hours entry's frame; delivering is the
		// other's subject, which no hours question names.
		{"the other's subject named", "do you deliver on weekends", hoursFirst, "shipping/times", knowledge.Unsure},
		{"its own subject named", "are you open on weekends", hoursFirst, "support/hours", knowledge.Confident},
		{"both named", "are you open on weekends to deliver", hoursFirst, "support/hours", knowledge.Confident},
		// Nothing named either way: the calibrated decision stands.
		{"no subject named", "on weekends?", hoursFirst, "support/hours", knowledge.Confident},
		// A first already unsure is left as it is.
		{"unsure first", "do you deliver on weekends", []knowledge.Match{m("support/hours", knowledge.Unsure, 0.1), m("shipping/times", knowledge.Unsure, 0.09)}, "support/hours", knowledge.Unsure},
		// A version with a handful of questions has no subject to read.
		{"too few questions", "do you deliver gift cards", []knowledge.Match{m("payment/gift-cards", knowledge.Guess, 0.3), m("shipping/times", knowledge.Unsure, 0.2)}, "payment/gift-cards", knowledge.Guess},
		// The message in another language than the version matched.
		{"another language", "周末配送吗 deliver", []knowledge.Match{m("support/hours", knowledge.Guess, 0.3), m("shipping/times", knowledge.Unsure, 0.2)}, "support/hours", knowledge.Guess},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := append([]knowledge.Match(nil), tc.cands...)
			got, named := swappedSubject(kb, nil, tc.msg, tc.cands)
			if got[0].ID != tc.wantFirst || got[0].Tier() != tc.wantTier {
				t.Errorf("%q: first %s %v, want %s %v", tc.msg, got[0].ID, got[0].Tier(), tc.wantFirst, tc.wantTier)
			}
			if moved := got[0].ID != tc.cands[0].ID; moved != (named != "") {
				t.Errorf("%q: moved %v, yet the word that moved it is %q", tc.msg, moved, named)
			}
			if len(got) != len(tc.cands) {
				t.Errorf("%q: %d candidates, want %d", tc.msg, len(got), len(tc.cands))
			}
			for i := range got {
				if i > 0 && got[i].Tier() != knowledge.Unsure {
					t.Errorf("%q: candidate %d (%s) is %v; only the first may have a tier", tc.msg, i, got[i].ID, got[i].Tier())
				}
			}
			for i := range before {
				if tc.cands[i] != before[i] {
					t.Fatalf("%q: the caller's candidates were changed", tc.msg)
				}
			}
		})
	}
}

// TestSwappedSubjectKeepsEveryCandidate: the swapped list is the same
// entries, the named one first and the look-alike second.
func TestSwappedSubjectKeepsEveryCandidate(t *testing.T) {
	kb := subjectBase(t)
	cands := []knowledge.Match{{ID: "payment/gift-cards", Lang: "en"}, {ID: "support/hours", Lang: "en", Confident: true}, {ID: "shipping/times", Lang: "en"}}
	cands = []knowledge.Match{cands[1], cands[0], cands[2]}
	got, named := swappedSubject(kb, nil, "can you deliver on sunday", cands)
	if named != "deliv" {
		t.Errorf("moved by %q, want the stem deliv", named)
	}
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	if want := "shipping/times support/hours payment/gift-cards"; strings.Join(ids, " ") != want {
		t.Errorf("order %v, want %s", ids, want)
	}
}
