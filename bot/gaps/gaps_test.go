package gaps_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/gaps"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/stats"
)

func TestClustersGroupSimilarWording(t *testing.T) {
	misses := []stats.Miss{
		{Text: "do you ship to Iceland?", Lang: "en", Conv: "telegram:1"},
		{Text: "Do you ship to Iceland", Lang: "en", Conv: "telegram:2"},
		{Text: "can you ship to iceland", Lang: "en", Conv: "telegram:3", Unsure: true, Likely: true, Entry: "shipping/times"},
		{Text: "is there a student discount", Lang: "en", Conv: "telegram:4"},
		{Text: "student discount?", Lang: "en", Conv: "telegram:5"},
		{Text: "你们有学生折扣吗", Lang: "zh", Conv: "telegram:6"},
		{Text: "gift wrapping", Lang: "en"},
	}
	cs := gaps.Clusters(misses, 0)
	if len(cs) < 3 || cs[0].Count != 3 || !strings.Contains(strings.ToLower(cs[0].Label), "iceland") {
		t.Fatalf("clusters %+v", cs)
	}
	if cs[0].Unsure != 1 || cs[0].Likely != 1 || cs[0].Closest != "shipping/times" || len(cs[0].Convs) != 3 || cs[0].Langs["en"] != 3 {
		t.Errorf("Iceland cluster %+v", cs[0])
	}
	if cs[1].Count != 2 || !strings.Contains(cs[1].Label, "student discount") || cs[1].Likely != 0 {
		t.Errorf("second cluster %+v", cs[1])
	}
	ids := map[string]bool{}
	for _, c := range cs {
		if ids[c.ID] {
			t.Errorf("duplicate cluster id %q", c.ID)
		}
		ids[c.ID] = true
	}
	if got := gaps.Clusters(misses, 1); len(got) != 1 {
		t.Errorf("limit 1 gave %d clusters", len(got))
	}
}

func TestPicksByEntry(t *testing.T) {
	ps := gaps.Picks([]stats.Pick{
		{Text: "where's my stuff", Entry: "orders/tracking", Lang: "en"},
		{Text: "Where's my stuff", Entry: "orders/tracking", Lang: "en"},
		{Text: "parcel status pls", Entry: "orders/tracking", Lang: "en"},
		{Text: "money back", Entry: "returns/refunds", Lang: "en"},
	}, 0)
	if len(ps) != 2 || ps[0].Entry != "orders/tracking" || ps[0].Count != 3 || ps[0].Phrasings[0].Count != 2 {
		t.Fatalf("picks %+v", ps)
	}
}

// shipped copies the shipped knowledge into a fresh folder.
func shipped(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../knowledge")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAddQuestionsKeepsTheFileValid(t *testing.T) {
	dir := shipped(t)
	file, n, err := gaps.AddQuestions(dir, "shipping/times", "en", []string{"do you ship to Iceland?", "How long does shipping take?", `parcel "express" ETA`})
	if err != nil || n != 2 || file != "en/shipping/times.md" {
		t.Fatalf("AddQuestions: %q %d %v", file, n, err)
	}
	kb, problems := knowledge.Load(os.DirFS(dir), ".")
	if len(problems) != 0 {
		t.Fatalf("problems after the edit: %v", problems)
	}
	e, _ := kb.Entry("shipping/times", "en")
	qs := strings.Join(e.Questions, "\n")
	if !strings.Contains(qs, "do you ship to Iceland?") || !strings.Contains(qs, `parcel "express" ETA`) || strings.Count(qs, "How long does shipping take?") != 1 {
		t.Errorf("questions now:\n%s", qs)
	}
	// The answer now matches what customers wrote.
	if m := knowledge.NewLexicalMatcher(t.Context(), kb, nil, knowledge.CalibrationConfig{}).Match(t.Context(), "do you ship to Iceland?", 1); len(m) == 0 || m[0].ID != "shipping/times" {
		t.Errorf("match after the edit: %+v", m)
	}
	// Again: nothing to add.
	if _, n, err := gaps.AddQuestions(dir, "shipping/times", "en", []string{"Do you ship to Iceland?"}); err != nil || n != 0 {
		t.Errorf("second add: %d %v", n, err)
	}
	if _, _, err := gaps.AddQuestions(dir, "shipping/nowhere", "en", []string{"x"}); err == nil {
		t.Errorf("added to an entry that does not exist")
	}
	if _, _, err := gaps.AddQuestions("", "shipping/times", "en", []string{"x"}); err != gaps.ErrNoFolder {
		t.Errorf("embedded knowledge: %v", err)
	}
}

func TestDraftIsNotLoadedUntilRenamed(t *testing.T) {
	dir := shipped(t)
	rel, err := gaps.Draft(dir, "en", "shipping/iceland", []string{"do you ship to Iceland?", "Iceland delivery"})
	if err != nil || rel != "en/shipping/iceland.md.draft" {
		t.Fatalf("Draft: %q %v", rel, err)
	}
	kb, problems := knowledge.Load(os.DirFS(dir), ".")
	before := kb.Len()
	if len(problems) != 0 || kb.IDs()[0] == "" || slices.Contains(kb.IDs(), "shipping/iceland") {
		t.Errorf("a draft was loaded: %v, %v", kb.IDs(), problems)
	}
	if _, err := gaps.Draft(dir, "en", "shipping/iceland", nil); err == nil {
		t.Errorf("a second draft overwrote the first")
	}
	if _, err := gaps.Draft(dir, "en", "../../etc/x", nil); err == nil {
		t.Errorf("a draft outside the folder")
	}
	// Renamed with an answer, it is a valid entry.
	data, _ := os.ReadFile(filepath.Join(dir, rel))
	body := strings.Replace(string(data), "TODO: write the answer customers should get, then rename this file to .md.", "Yes, we ship to Iceland in 5-8 business days.", 1)
	if err := os.WriteFile(filepath.Join(dir, "en", "shipping", "iceland.md"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	kb, problems = knowledge.Load(os.DirFS(dir), ".")
	if len(problems) != 0 || kb.Len() != before+1 {
		t.Errorf("renamed draft: %d entries (was %d), %v", kb.Len(), before, problems)
	}
}

// TestAddQuestionsRefusesAnotherEntrysQuestion: a question another entry
// already has word for word would give customers either answer. It is
// refused whichever entry sorts first; before, the problem was reported
// only in the later file, so adding to the earlier one (guest-checkout
// before warranty) was saved and broke `baton check` in a file nobody
// touched.
func TestAddQuestionsRefusesAnotherEntrysQuestion(t *testing.T) {
	dir := shipped(t)
	for _, c := range []struct{ id, q string }{
		{"account/guest-checkout", "What's the warranty on your products?"},
		{"warranty", "Do I need an account to order?"},
	} {
		if _, _, err := gaps.AddQuestions(dir, c.id, "en", []string{c.q}); err == nil {
			t.Errorf("AddQuestions(%s, %q) saved a question of another entry", c.id, c.q)
		}
	}
	if _, problems := knowledge.Load(os.DirFS(dir), "."); len(problems) != 0 {
		t.Fatalf("the base has problems after refused edits: %v", problems)
	}
}
