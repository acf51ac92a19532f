package knowledge

import (
	"context"
	"testing"
	"testing/fstest"
)

// A day-one entry has a few plain questions; customers use the words of
// its answer, which its tip sums up. With few questions the tip's words
// count as the entry's; with many they do not (the shipped base's
// off-topic messages were answered more often when they did).
func TestFewQuestionEntryLeansOnItsTip(t *testing.T) {
	entry := func(qs []string, tip, body string) *fstest.MapFile {
		s := "---\nquestions:\n"
		for _, q := range qs {
			s += "  - \"" + q + "\"\n"
		}
		s += "tip: \"" + tip + "\"\n---\n" + body + "\n"
		return &fstest.MapFile{Data: []byte(s)}
	}
	fsys := fstest.MapFS{
		"kb/hire.md": entry([]string{"How much is bike rental?", "Can I rent an e-bike for the weekend?", "Is a helmet included?"},
			"We hire out hybrids for £25 a day.", "Hybrids are £25 a day, e-bikes £45."),
		"kb/sizing.md":   entry([]string{"What size bike do I need?", "How do I know my frame size?", "Do you do fittings?"}, "Come in and we size you for free.", "We measure you in the shop."),
		"kb/repairs.md":  entry([]string{"Can you fix my bike?", "Do you repair old bikes?", "How much is a repair?"}, "We repair any bike.", "Any bike, any age."),
		"kb/delivery.md": entry([]string{"Do you deliver?", "How much is delivery?", "How long does delivery take?"}, "Delivery is free over £50.", "Royal Mail, 2-3 days."),
	}
	b, ps := Load(fsys, "kb")
	if len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	got := NewLexical(b, nil).Rank(context.Background(), "do you hire out hybrids", -1, 2)
	if len(got) == 0 || got[0].ID != "hire" {
		t.Fatalf("\"do you hire out hybrids\" ranks %v first, want hire (its tip says \"we hire out hybrids\")", got)
	}
	if got[0].Cover == 0 {
		t.Errorf("hire covers none of the query's words; the tip's words should count as the entry's")
	}

	// An entry with many questions keeps to them.
	many := []string{"How much is bike rental?", "Can I rent an e-bike for the weekend?", "Is a helmet included?",
		"rental price per day", "rent a bike", "can I rent two bikes", "weekend rental", "e-bike rental cost"}
	fsys["kb/hire.md"] = entry(many, "We hire out hybrids for £25 a day.", "Hybrids are £25 a day, e-bikes £45.")
	b, _ = Load(fsys, "kb")
	if got := NewLexical(b, nil).Rank(context.Background(), "hybrids", -1, 1); len(got) > 0 && got[0].Cover > 0 {
		t.Errorf("an entry of %d questions covers \"hybrids\", a word of its tip only: %v", len(many), got)
	}
}
