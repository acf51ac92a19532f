package bot

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/session"
)

// TestWithoutNextStepTrimsEveryWording: an answer said again before a
// loop handoff loses its "if your situation is different ..." ending in
// whichever wording it was said: another variant of the message (a
// persona with several) or the customer's earlier language, not only
// the one this turn would render (walk 2026-12-07 item 1).
func TestWithoutNextStepTrimsEveryWording(t *testing.T) {
	set := *shippedSet(t)
	en, err := os.ReadFile("../prompts/messages/en.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const one = `answer_again_more: "If your situation is different, tell me what's different and I'll look again. Or, if you'd rather go over it with a person from our team, just say so and I'll bring them in with our whole conversation."`
	if !strings.Contains(string(en), one) {
		t.Fatal("the shipped en answer_again_more changed; update this test's wording")
	}
	variants := strings.Replace(string(en), one, `answer_again_more:
  - "If your situation is different, tell me what's different and I'll look again."
  - "Not quite your case? Tell me what's different, or ask for a person from our team."
  - "If that doesn't fit, say what's different and I'll look again, or I can bring in someone from our team."`, 1)
	fsys := fstest.MapFS{"messages/en.yaml": {Data: []byte(variants)}}
	for _, name := range []string{"persona.yaml", "smalltalk.yaml", "messages/zh.yaml", "messages/ko.yaml"} {
		b, err := os.ReadFile("../prompts/" + name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: b}
	}
	p, problems := persona.Load(fsys, ".")
	if p == nil {
		t.Fatalf("persona with variants: %v", problems)
	}
	for _, per := range []*persona.Persona{shippedSet(t).Persona, p} {
		set.Persona = per
		b := New(nil, staticContents{&set})
		for _, lang := range []string{"en", "zh", "ko"} {
			for _, said := range []string{"en", "zh", "ko"} {
				for seed := range max(per.Variants(said, "answer_again_more"), 1) {
					s := &session.Session{ID: "telegram:1", Messages: 7}
					tr := &turn{b: b, set: &set, s: s, lang: lang}
					body := "Returns are free within 30 days."
					ending := per.Say(said, "answer_again_more", persona.Data{Bot: per.Name(), Seed: seed})
					if got := tr.withoutNextStep(body + "\n\n" + ending); got != body {
						t.Errorf("turn in %s, said in %s (wording %d): withoutNextStep = %q, want %q", lang, said, seed, got, body)
					}
				}
			}
		}
	}
}
