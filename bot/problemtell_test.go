package bot_test

import (
	"fmt"
	"strings"
	"testing"
)

// A calm report of a problem an entry is about ("my parcel has been stuck
// in transit for a week", "택배가 일주일째 그대로예요") is still a complaint handoff,
// but the customer hears what the entry says first, as "东西少发了一件"
// does: not only sorry and who to call (QA walk 2026-12-06, item 12).
func TestComplaintStatingAProblemIsToldTheEntry(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text, entry, answer string }{
		{"en", "my parcel has been stuck in transit for a week", "orders/tracking", "3 business days"},
		{"ko", "택배가 일주일째 그대로예요", "orders/tracking", "배송 조회"},
		{"zh", "东西少发了一件", "problems/missing-item", "Parcel 1 of 2"},
		{"en", "this is ridiculous, worst service ever!!!", "", ""},
	} {
		chat := fmt.Sprintf("p%d", i)
		reply, kind, entry := f.convo(t, chat, c.lang, c.text)
		if s := f.session(t, chat); kind != "nodesk" || s.Handoff == nil || s.Handoff.Reason != "complaint" {
			t.Errorf("%s %q: turn %s, handoff %+v; want a complaint handoff", c.lang, c.text, kind, s.Handoff)
			continue
		}
		if entry != c.entry || !strings.Contains(reply, c.answer) {
			t.Errorf("%s %q: told %q, reply %q; want the %s answer (%q) before the handoff line", c.lang, c.text, entry, reply, c.entry, c.answer)
		}
	}
}
