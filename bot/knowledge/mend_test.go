package knowledge

import (
	"testing"
	"testing/fstest"
)

// TestMendReadsAnUnknownWordAsTheBaseWords: a customer's word the base
// never uses is read as two of its words when they run together;
// otherwise it stays unknown.
func TestMendReadsAnUnknownWordAsTheBaseWords(t *testing.T) {
	fsys := fstest.MapFS{
		"kb/prices.md":     {Data: []byte("---\nquestions:\n  - \"What do you charge for a tune-up?\"\n---\nA tune-up is 35.\n")},
		"kb/warranty.md":   {Data: []byte("---\nquestions:\n  - \"Is my frame under warranty?\"\n---\nFrames have five years.\n")},
		"kb/collection.md": {Data: []byte("---\nquestions:\n  - \"When can I do the collection?\"\n---\nAny time we are open.\n")},
		"kb/ebikes.md":     {Data: []byte("---\nquestions:\n  - \"Do you sell e-bikes?\"\n---\nWe do.\n")},
	}
	b, problems := Load(fsys, "kb")
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	l := NewLexical(b, nil)
	for q, want := range map[string]string{
		"how much is a tuneup": "prices",
		"ebikes?":              "ebikes",
	} {
		got := l.Rank(t.Context(), q, -1, 1)
		if len(got) == 0 || got[0].ID != want {
			t.Errorf("%q ranks %v first, want %s", q, got, want)
		}
	}
	// A word one letter away from a base word is not read as it: without
	// a dictionary, "night" would be "right".
	for _, q := range []string{"warrenty", "waranty", "tuneu"} {
		if got := l.Rank(t.Context(), q, -1, 1); len(got) > 0 {
			t.Errorf("%q ranks %v, want nothing", q, got)
		}
	}
}
