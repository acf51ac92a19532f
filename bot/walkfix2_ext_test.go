package bot_test

import "testing"

// A noise the customer describes ("my brakes squeak") is not answered
// from an entry because it names click and collect: the lexicon's noise
// group listed "clicking", whose stem "click" read every click (click and
// collect, a link clicked) as a noise (walk 2026-12-07 item 4). The
// noise itself still reads as one where it is ("a clicking noise").
func TestConvoNoiseIsNotClickAndCollect(t *testing.T) {
	bikes := newShopFixture(t, bikesKnowledge)
	for i, text := range []string{"my brakes squeak", "brakes squeal", "my brakes are squeaking", "my bike makes a clicking noise"} {
		reply, kind, entry := bikes.convo(t, "noise"+string(rune('a'+i)), "en", text)
		if entry == "orders/click-collect" {
			t.Errorf("%q answered from orders/click-collect (%s):\n%s", text, kind, reply)
		}
	}
}
