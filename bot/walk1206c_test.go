package bot_test

import (
	"fmt"
	"strings"
	"testing"
)

// "I was charged twice" is an urgent, clear problem with a clear answer:
// usually a pending hold that the bank drops, and what to send us if it is
// not. It was asked about as "My payment failed" (en), met with sorry and
// the team's contacts (zh) or asked about as split parcels (ko), since the
// base had no entry for it (walk 2026-12-06c item 1).
func TestChargedTwiceIsAnsweredWithTheNextStep(t *testing.T) {
	f := newFixture(t, false)
	next := map[string]string{"en": "order number", "zh": "订单号", "ko": "주문번호"}
	for i, c := range []struct{ lang, text string }{
		{"en", "I was charged twice!"},
		{"en", "I was charged twice for my order"},
		{"en", "my card got billed 2 times, can you fix it??"},
		{"en", "I was double charged for my order"},
		{"zh", "我被扣了两次钱！"},
		{"zh", "重复扣款了，怎么办"},
		{"ko", "결제가 두 번 됐어요!"},
		{"ko", "이중결제 됐는데 환불해주세요"},
	} {
		// An exasperated one ("can you fix it??") may also bring in a
		// person (here: no desk, so how to reach one), after the answer.
		reply, kind, entry := f.convo(t, fmt.Sprintf("c2-%d", i), c.lang, c.text)
		if (kind != "answer" && kind != "nodesk") || entry != "payment/charged-twice" || !strings.Contains(reply, next[c.lang]) {
			t.Errorf("%s %q: turn %s %s, reply:\n%s\nwant the charged-twice answer with what to send (%q)", c.lang, c.text, kind, entry, reply, next[c.lang])
		}
	}
	// A failed payment is still the failed-payment answer.
	if _, kind, entry := f.convo(t, "c2-failed", "en", "my payment failed"); kind != "answer" || entry != "payment/failed" {
		t.Errorf("my payment failed: turn %s %s, want payment/failed", kind, entry)
	}
}
