package eval_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/eval"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// Ceilings for the known gaps (testdata/gaps): lower them when the matcher
// improves, never raise them.
const (
	// 32 since per-base calibration (2026-12-03): it replaced a confidence
	// model fitted on this very base, and offers a few more paraphrases as
	// the first button instead of answering them.
	maxGapsFailing = 25 // conversations in gaps/ that still fail as a whole
	maxGapsWrong   = 2  // answer turns answered from another entry, or without the right entry offered
)

// TestKnownGaps plays the conversations the bot does not fully meet yet.
// For every turn that should be answered from entry X it accepts either the
// answer, a likely answer from X (with a hedge), or a rephrase request
// that offers X as a button (one tap away),
// and counts the turns that do neither: a wrong entry, or a rephrase that
// does not offer the right one. Those must not grow.
func TestKnownGaps(t *testing.T) {
	files, err := filepath.Glob("testdata/gaps/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no known gaps files: %v", err)
	}
	holder, _, err := content.NewHolder(content.Dir("../../prompts"), content.Dir("../../knowledge"), nil)
	if err != nil {
		t.Fatal(err)
	}
	rdb := sessiontest.Client(t)
	var failing, answered, hedged, offered, wrong int
	for _, f := range files {
		tests, err := eval.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range tests {
			newEnv := func(ctx context.Context, desk bool) (eval.Env, error) {
				store := sessiontest.StoreOn(t, rdb, session.WithMaxTurns(1000))
				var opts []bot.Option
				if desk {
					opts = append(opts, bot.WithDesk(eval.Desk{}))
				}
				return eval.Env{Bot: bot.New(store, holder, opts...), Store: store}, nil
			}
			if !eval.Run(t.Context(), tc, newEnv).Passed() {
				failing++
			}
			env, _ := newEnv(t.Context(), tc.Desk == nil || *tc.Desk)
			for _, turn := range tc.Turns {
				ev := bot.Event{Channel: "eval", ChatID: "gap", Kind: bot.KindText, Text: turn.Say,
					Customer: bot.Customer{ID: "1", Name: "Alex", Lang: tc.Lang}}
				if turn.Command != "" {
					ev.Kind, ev.Text = bot.KindCommand, turn.Command
				}
				msgs, err := env.Bot.Handle(t.Context(), ev)
				if err != nil {
					t.Fatal(err)
				}
				want := turn.Expect.Answer
				if want == "" {
					continue
				}
				s, _, err := env.Store.Get(t.Context(), bot.ConvID("eval", "gap"))
				if err != nil {
					t.Fatal(err)
				}
				last := s.Turns[len(s.Turns)-1]
				switch {
				case last.Role == "bot" && last.Kind == "answer" && last.Entry == want:
					answered++
				case last.Role == "bot" && last.Kind == "likely" && last.Entry == want:
					hedged++ // answered with a hedge (the likely tier)
				case offers(msgs, want):
					offered++
				default:
					wrong++
					t.Logf("%s:%d: %q: neither answered from %s nor offered it (got %s %s)", tc.File, turn.Line, turn.Say, want, last.Kind, last.Entry)
				}
			}
		}
	}
	t.Logf("known gaps: %d conversations still fail; answer turns: %d answered, %d answered with a hedge (likely), %d offered as a button, %d neither", failing, answered, hedged, offered, wrong)
	if failing > maxGapsFailing {
		t.Errorf("%d gap conversations fail, more than the %d recorded: something got worse", failing, maxGapsFailing)
	}
	if wrong > maxGapsWrong {
		t.Errorf("%d answer turns neither answered nor offered the right entry, more than the %d recorded", wrong, maxGapsWrong)
	}
}

// offers reports whether a reply offers entry id as a topic button.
func offers(msgs []bot.Message, id string) bool {
	for _, m := range msgs {
		for _, b := range m.Buttons {
			if b.Kind == bot.KindTopic && b.Value == id {
				return true
			}
		}
	}
	return false
}
