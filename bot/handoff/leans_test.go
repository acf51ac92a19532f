package handoff

import (
	"os"
	"strings"
	"testing"
)

// complaint.leans_unhappy (how unhappy what follows small talk must read
// before the cheerful reply is left out) is data, read and checked with
// the rest of the file: it was the constant leansComplaint in bot.
func TestLeansUnhappyIsReadAndChecked(t *testing.T) {
	if r := loadShipped(t); r.LeansUnhappy() != 0.15 {
		t.Errorf("shipped complaint.leans_unhappy = %v, want 0.15", r.LeansUnhappy())
	}
	data, err := os.ReadFile("../../prompts/handoff.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "\n  leans_unhappy: 0.15\n") {
		t.Error("prompts/handoff.yaml: no complaint.leans_unhappy: 0.15")
	}
	// A file without the key (older ones) keeps the old value.
	if r, probs := load(t, minimal); len(probs) != 0 || r.LeansUnhappy() != 0.15 {
		t.Errorf("without the key: %v, problems %v; want 0.15", r.LeansUnhappy(), probs)
	}
	with := func(v string) string {
		return strings.Replace(minimal, "  threshold: 0.5\n", "  threshold: 0.5\n  leans_unhappy: "+v+"\n", 1)
	}
	if r, probs := load(t, with("0.3")); len(probs) != 0 || r.LeansUnhappy() != 0.3 {
		t.Errorf("leans_unhappy 0.3: %v, problems %v", r.LeansUnhappy(), probs)
	}
	for _, c := range []struct{ v, want string }{
		{"1.5", "prompts/handoff.yaml:14: complaint.leans_unhappy: 1.5 is out of range (0 to 1)"},
		{"-0.1", "prompts/handoff.yaml:14: complaint.leans_unhappy: -0.1 is out of range (0 to 1)"},
		{"some", `prompts/handoff.yaml:14: complaint.leans_unhappy: "some" is not a number`},
		{"0.5", "prompts/handoff.yaml:14: complaint.leans_unhappy: 0.5 is not under complaint.threshold (0.5): it would never matter"},
		{"[0.1]", "prompts/handoff.yaml:14: complaint.leans_unhappy: expected a number, got a list"},
	} {
		r, probs := load(t, with(c.v))
		if len(probs) != 1 || probs[0].String() != c.want {
			t.Errorf("leans_unhappy %s: problems %v, want %q", c.v, probs, c.want)
			continue
		}
		// A bad value falls back to a safe one under the threshold.
		if r == nil || r.LeansUnhappy() <= 0 || r.LeansUnhappy() >= 0.5 {
			t.Errorf("leans_unhappy %s: fell back to %v", c.v, r.LeansUnhappy())
		}
	}
}
