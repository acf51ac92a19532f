package stats_test

import (
	"context"
	"testing"

	"github.com/batonhq/baton/bot/lifecycle"
)

// TestLikelyAnswersAreCountedApartAndKeptForGaps: a likely answer (the
// probable entry with a hedge) is not a miss in the figures, is counted as
// its own kind, and its words are still kept for the knowledge gaps, flagged Likely so ops can
// tell a hedge from a miss there.
func TestLikelyAnswersAreCountedApartAndKeptForGaps(t *testing.T) {
	rec, _ := recorder(t, day0)
	c := conversation(t, rec, "telegram:1", "en", day0)
	base := lifecycle.Base{Conv: "telegram:1", Lang: "en", At: day0}
	c.emit(lifecycle.Missed{Base: base, Text: "the coupon keeps getting rejected", Unsure: true, Likely: true, Entry: "payment/discount-codes", Score: 0.33})
	c.emit(lifecycle.Missed{Base: base, Text: "what is the meaning of life?", Unsure: true, Entry: "support/contact-person", Score: 0.05})
	rep, err := rec.Report(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if rep.All.Likely != 1 || rep.All.Misses != 1 || rep.Langs["en"].Likely != 1 {
		t.Errorf("figures: likely %d, misses %d (en likely %d); want 1 and 1", rep.All.Likely, rep.All.Misses, rep.Langs["en"].Likely)
	}
	misses, _, err := rec.Samples(context.Background(), 1, 100)
	if err != nil || len(misses) != 2 {
		t.Fatalf("kept for the gaps: %+v %v, want both messages", misses, err)
	}
	found := false
	for _, m := range misses {
		found = found || (m.Text == "the coupon keeps getting rejected" && m.Entry == "payment/discount-codes" && m.Unsure && m.Likely)
		if m.Text == "what is the meaning of life?" && m.Likely {
			t.Errorf("a plain miss is flagged likely in the gaps: %+v", m)
		}
	}
	if !found {
		t.Errorf("the likely answer's words are not kept for the gaps: %+v", misses)
	}
}
