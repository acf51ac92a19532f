package bot

import (
	"strings"
	"testing"
)

// TestFirstSentencesIsShort: the loop handoff says a part again "in
// short": its first sentence or two (a list's introduction with its first
// item), never the whole part (walkfix review A, MEDIUM).
func TestFirstSentencesIsShort(t *testing.T) {
	cases := []struct{ md, want string }{
		{"We ship from the US. Orders before 2 pm leave the same day. Later ones the next day.\n\nDelivery takes:\n\n- US: 2-4 days\n- Abroad: 7-14 days",
			"We ship from the US. Orders before 2 pm leave the same day."},
		{"Delivery takes:\n- US: 2-4 days\n- Abroad: 7-14 days", "Delivery takes:\n- US: 2-4 days"},
		{"Returns are free.\n\nSecond paragraph.", "Returns are free."},
		{"退货免费。七天内寄回。之后不收。", "退货免费。七天内寄回。"},
	}
	for _, c := range cases {
		got := firstSentences(cutPassageNow(c.md, nil))
		if got != c.want {
			t.Errorf("firstSentences(%q) = %q, want %q", c.md, got, c.want)
		}
		if strings.Count(got, "\n") > 1 {
			t.Errorf("firstSentences(%q) = %q: more than two lines", c.md, got)
		}
	}
}
