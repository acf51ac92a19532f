package bot_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A formal complaint keeps what it is about: the customer hears it was
// noted, in their words, and the handoff's evidence (the agent's card,
// under Why) says it; the reply apologises once, though the answer told
// with it opens with "that's not how it should arrive" (QA walk
// 2026-12-06).
func TestComplaintKeepsItsSubject(t *testing.T) {
	for _, desk := range []bool{true, false} {
		f := newFixture(t, desk)
		for i, c := range []struct{ lang, text, about string }{
			{"en", "I want to file a formal complaint about the courier who threw my parcel over the fence", "the courier who threw my parcel over the fence"},
			{"zh", "我要投诉，你们的快递员把包裹扔在门口就走了，东西摔坏了", "你们的快递员把包裹扔在门口就走了，东西摔坏了"},
			{"ko", "택배 기사님이 상자를 던지고 간 것에 대해 항의하고 싶어요", "택배 기사님이 상자를 던지고 간 것"},
		} {
			chat := fmt.Sprintf("s%v%d", desk, i)
			reply, _, _ := f.convo(t, chat, c.lang, c.text)
			s := f.session(t, chat)
			if s.Handoff == nil || s.Handoff.Reason != "complaint" {
				t.Errorf("desk %v, %q: handoff %+v; want a complaint", desk, c.text, s.Handoff)
				continue
			}
			if !strings.Contains(reply, "“"+c.about+"”") {
				t.Errorf("desk %v, %q: the reply does not say what the complaint is about: %q", desk, c.text, reply)
			}
			if !slices.Contains(s.Handoff.Evidence, "complaint about: “"+c.about+"”") {
				t.Errorf("desk %v, %q: evidence %q lacks the subject", desk, c.text, s.Handoff.Evidence)
			}
			if n := len(apologyRE.FindAllString(reply, -1)); n != 1 {
				t.Errorf("desk %v, %q: %d apologies, want one: %q", desk, c.text, n, reply)
			}
			if strings.Contains(reply, "不该是这样送到您手上") || strings.Contains(reply, "not how it should arrive") {
				t.Errorf("desk %v, %q: the answer's own regret follows the apology: %q", desk, c.text, reply)
			}
		}
	}
}

// Each confident question at the end of a long story is answered: the
// story's plain facts took the place of the last question (at most six
// pieces were read) and crowded the whole message's candidates (QA walk
// 2026-12-06).
func TestLongStoryWithTwoQuestions(t *testing.T) {
	f := newFixture(t, true)
	story := "So I ordered a lamp for my mum's birthday three weeks ago and it took ages, then the courier left it with my neighbour who was away for a week, anyway, the parcel came damaged, can I get a replacement, and also do you ship to Canada?"
	reply, _, _ := f.convo(t, "story", "en", story)
	for _, want := range []string{"photos", "Canada"} {
		if !strings.Contains(reply, want) {
			t.Errorf("reply lacks %q (the damaged parcel and shipping to Canada both answered): %q", want, reply)
		}
	}
}

// A gift that stopped working is a warranty question, not one about
// exchanges or gift wrapping (QA walk 2026-12-06).
func TestFaultyGiftIsAWarrantyQuestion(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct{ lang, text string }{
		{"en", "I got this as a gift and it stopped working after 2 days"},
		{"ko", "선물 받은 건데 이틀 만에 고장 났어요"},
		{"zh", "别人送的礼物，用了两天就坏了，怎么办"},
	} {
		_, kind, entry := f.convo(t, fmt.Sprintf("g%d", i), c.lang, c.text)
		if entry != "warranty" {
			t.Errorf("%s %q: turn %s from %q, want the warranty answer", c.lang, c.text, kind, entry)
		}
	}
}
