package bot_test

import (
	"fmt"
	"strings"
	"testing"
)

// A complaint that hands off after the customer gave their order number
// (in the same message, or earlier) neither asks for it again in the
// answer told with the handoff, nor leaves the agent to ask: the card's
// evidence carries it (lead, 2026-12-06). What else the answer asks for
// (photos) is still asked.
func TestComplaintHandoffKeepsTheGivenOrderNumber(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct {
		lang      string
		before    string // an earlier message, "" for none
		complaint string
		ask       string // the order-number ask that must be gone
		still     string // what the answer still asks for
	}{
		{"en", "", "My order KS-204817 arrived damaged, this is the third time, terrible service", "order number", "photos"},
		{"en", "I ordered KS-204817 last week, how long does shipping take?", "it arrived damaged, this is ridiculous, terrible service", "send us your order number", "photos"},
		{"zh", "", "订单KS-204817收到的东西是坏的，太差了，我要投诉", "订单号", "照片"},
		{"ko", "", "주문번호 KS-204817 물건이 파손돼서 왔어요. 정말 최악이에요", "주문번호와", "사진"},
	} {
		chat := fmt.Sprintf("ho%d", i)
		if c.before != "" {
			f.convo(t, chat, c.lang, c.before)
		}
		reply, kind, _ := f.convo(t, chat, c.lang, c.complaint)
		if kind != "handoff" {
			t.Errorf("%s %q: turn %s, want a handoff", c.lang, c.complaint, kind)
			continue
		}
		if strings.Contains(reply, c.ask) || !strings.Contains(reply, c.still) {
			t.Errorf("%s %q: reply %q; want no %q, still %q", c.lang, c.complaint, reply, c.ask, c.still)
		}
		s := f.session(t, chat)
		if s.Handoff == nil || !strings.Contains(strings.Join(s.Handoff.Evidence, "\n"), "order number KS-204817") {
			t.Errorf("%s: handoff evidence %q does not carry the order number for the card", c.lang, s.Handoff.Evidence)
		}
	}
}
