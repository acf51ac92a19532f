package bot_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// Walk item 6: an entry's public name was its first question, so an owner
// adding a question at the top renamed it on buttons, in hedges and in the
// headings of a multi-part answer. With title: it keeps its name.
func TestAddingAQuestionOnTopKeepsTheEntrysTitle(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../knowledge")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "en", "returns", "refunds.md")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	const title = `title: "When will I get my refund?"`
	if !strings.Contains(string(src), title+"\nquestions:\n") {
		t.Fatalf("%s has no %s before its questions", file, title)
	}
	edited := strings.Replace(string(src), "questions:\n", "questions:\n  - \"refund please\"\n", 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	h, problems, err := content.NewHolder(content.Dir("../prompts"), content.Dir(dir), nil)
	if err != nil || len(problems) > 0 {
		t.Fatalf("load contents: %v %v", err, problems)
	}
	store := sessiontest.Store(t, session.WithMaxTurns(200))
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	b := bot.New(store, h, bot.WithClock(func() time.Time { return now }), bot.WithLocation(time.UTC))
	b.Register("test", &outbox{})

	msgs := handle(t, b, bot.Event{ChatID: "title", Kind: bot.KindText, Customer: bot.Customer{Lang: "en"}, Text: "my parcel arrived damaged, also how long do refunds take?"})
	got := msgs[0].Text
	if !strings.Contains(got, "▸ When will I get my refund?") || strings.Contains(got, "refund please") {
		t.Fatalf("reply = %q, want the refunds part headed by its title", got)
	}
}

// Review 2 of 2026-12-06 (item 5): "not sure" after a guess offered the
// guessed entry under its first question while every other button used
// titles. It uses the entry's title too.
func TestNotSureAfterAGuessNamesTheGuessByItsTitle(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../knowledge")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "en", "returns", "policy.md")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	const old, title = `title: "Can I return something I've already opened?"`, `title: "Our return policy"`
	if !strings.Contains(string(src), old) {
		t.Fatalf("%s has no %s", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(src), old, title, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	h, problems, err := content.NewHolder(content.Dir("../prompts"), content.Dir(dir), nil)
	if err != nil || len(problems) > 0 {
		t.Fatalf("load contents: %v %v", err, problems)
	}
	store := sessiontest.Store(t, session.WithMaxTurns(200))
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	b := bot.New(store, h, bot.WithClock(func() time.Time { return now }), bot.WithLocation(time.UTC))
	b.Register("test", &outbox{})

	ev := bot.Event{ChatID: "guess-title", Kind: bot.KindText, Customer: bot.Customer{Lang: "en"}}
	ev.Text = "returns?"
	if got := handle(t, b, ev)[0].Text; !strings.Contains(got, "Our return policy") {
		t.Fatalf("guess = %q, want the hedge naming returns/policy by its title", got)
	}
	ev.Text = "not sure"
	var labels []string
	for _, m := range handle(t, b, ev) {
		for _, btn := range m.Buttons {
			labels = append(labels, btn.Label)
		}
	}
	if len(labels) == 0 || labels[0] != "Our return policy" {
		t.Fatalf("buttons after not sure = %q, want the guess first, named by its title", labels)
	}
}
