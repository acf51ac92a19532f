package content_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/batonhq/baton/bot/content"
)

// A reload that changed nothing matching reads (a persona line) keeps the
// calibrated matcher; an edit of the knowledge, the lexicon or the
// off-topic samples calibrates anew, and a second holder on the same
// files shares the first one's matcher.
func TestReloadCalibratesOnlyWhenMatchingInputsChange(t *testing.T) {
	// The shipped prompts with a small base of our own: calibrating the
	// shipped base several times would be most of this test's time.
	dir := t.TempDir()
	pdir, kdir := filepath.Join(dir, "prompts"), filepath.Join(dir, "knowledge")
	copyTree(t, "prompts", pdir)
	for name, entry := range map[string]string{
		"shipping.md": "---\nquestions:\n  - \"How long does shipping take?\"\n  - \"When will my parcel arrive?\"\n  - \"How many days is delivery?\"\n---\nDelivery takes 3 to 5 working days.\n",
		"returns.md":  "---\nquestions:\n  - \"How do I return an item?\"\n  - \"Can I send something back?\"\n  - \"What is your return policy?\"\n---\nYou can return anything within 30 days.\n",
		"payment.md":  "---\nquestions:\n  - \"Which payment methods do you take?\"\n  - \"Can I pay by card?\"\n  - \"Do you accept PayPal?\"\n---\nWe take cards and PayPal.\n",
	} {
		if err := os.MkdirAll(filepath.Join(kdir, "en"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(kdir, "en", name), []byte(entry), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, problems, err := content.NewHolder(content.Dir(pdir), content.Dir(kdir), nil)
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	first := h.Current().KB.Matcher

	persona, err := os.ReadFile(filepath.Join(pdir, "persona.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pdir, "persona.yaml"), append(persona, "\n# a comment ops added\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if problems := h.Reload(); len(problems) > 0 {
		t.Fatal(problems)
	}
	if h.Current().KB.Matcher != first {
		t.Error("a persona edit calibrated the matcher again")
	}
	other, problems, err := content.NewHolder(content.Dir(pdir), content.Dir(kdir), nil)
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	if other.Current().KB.Matcher != first {
		t.Error("a second holder on the same files calibrated again")
	}
	loose, _, err := content.NewHolder(content.Dir(pdir), content.Dir(kdir), nil, content.WithWrongRate(0.05))
	if err != nil {
		t.Fatal(err)
	}
	if loose.Current().KB.Matcher == first {
		t.Error("another wrong-answer rate reused the 2% matcher")
	}

	for _, edit := range []struct{ file, add string }{
		{filepath.Join(kdir, "en", "dragons.md"), "---\nquestions:\n  - \"Do you sell dragon eggs?\"\n  - \"Are dragon eggs in stock?\"\n---\nNo dragon eggs, sorry.\n"},
		{filepath.Join(pdir, "lexicon", "fantasy.yaml"), "same:\n  - [dragon, wyvern]\n"},
		{filepath.Join(pdir, "offtopic", "en.txt"), "\nwhat is the capital of Peru\n"},
	} {
		before := h.Current().KB.Matcher
		old, _ := os.ReadFile(edit.file) // missing: a new file
		if err := os.WriteFile(edit.file, append(old, edit.add...), 0o644); err != nil {
			t.Fatal(err)
		}
		if problems := h.Reload(); len(problems) > 0 {
			t.Fatalf("%s: %v", edit.file, problems)
		}
		if h.Current().KB.Matcher == before {
			t.Errorf("an edit of %s kept the old matcher", filepath.Base(edit.file))
		}
	}
	if m := h.Current().KB.Match(t.Context(), "do you sell wyvern eggs", 1); len(m) == 0 || m[0].ID != "dragons" {
		t.Errorf("the reloaded matcher does not read the edits: %+v", m)
	}
}
