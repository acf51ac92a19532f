package bot_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A part of a two-part answer that asks for the order number makes the
// number sent next one, though the other part lists it among its
// see-also entries (review 2 H1): opening hours list contacting a person,
// shipping times list tracking, refunds list starting a return. A
// refunds-and-start-a-return answer stores the same entries as a refunds
// answer alone (the tip there is starting a return), so what marks the
// parts is the reply's own text. Asked alone, the first question's answer
// points to the asking entry only as a tip, and a number after it is no
// order number (TestNumberAfterATipIsNoOrderNumber).
func TestOrderNumberAfterAPartThatIsASeeAlsoIsTaken(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct{ ask, alone, entry, part string }{
		{"What are your opening hours, and how can I contact you?", "What are your opening hours?", "support/hours", "support/contact-person"},
		{"how long does shipping take and where is my order?", "how long does shipping take?", "shipping/times", "orders/tracking"},
		{"how do refunds work and how do I start a return?", "how do refunds work?", "returns/refunds", "returns/start"},
	} {
		chat := fmt.Sprintf("part%d", i)
		f.convo(t, chat, "en", c.ask)
		b := lastBot(f.session(t, chat))
		if b.Kind != "answer" || b.Entry != c.entry || !slices.Contains(b.Tips, c.part) {
			t.Fatalf("%q: bot turn %+v; want a two-part answer: %s, then %s", c.ask, b, c.entry, c.part)
		}
		reply, kind, _ := f.convo(t, chat, "en", "1002")
		s := f.session(t, chat)
		if kind != "handoff" || !strings.Contains(reply, "1002") || s.Handoff == nil ||
			!strings.Contains(strings.Join(s.Handoff.Evidence, "\n"), "order number 1002") {
			t.Errorf("%q after %q: turn %s, reply %q; want the order number thanked for and handed to a person", "1002", c.ask, kind, reply)
		}

		chat = fmt.Sprintf("alone%d", i)
		f.convo(t, chat, "en", c.alone)
		if b := lastBot(f.session(t, chat)); b.Kind != "answer" || b.Entry != c.entry {
			t.Fatalf("%q: bot turn %+v; want the answer %s alone", c.alone, b, c.entry)
		}
		reply, _, _ = f.convo(t, chat, "en", "1002")
		if s := f.session(t, chat); s.Handoff != nil && strings.Contains(strings.Join(s.Handoff.Evidence, "\n"), "order number") {
			t.Errorf("%q after %q: reply %q, evidence %q; the answer did not ask for an order number", "1002", c.alone, reply, s.Handoff.Evidence)
		}
	}
}
