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

// What time orders ship is the shipping times' answer (the cut-off and
// dispatch), never the support team's hours, which only share "what time
// do you" with it (walk 2026-12-07 item 3). Each reply comes from the
// shipping entry, or from none (an honest miss), never from the hours.
func TestConvoWhatTimeYouShipIsShippingTimes(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text, want string }{
		{"en", "what time do you ship", "shipping/times"},
		{"en", "when do you send out orders each day", ""},
		{"zh", "你们每天几点发货", ""},
	} {
		reply, kind, entry := f.convo(t, "ship-time"+string(rune('a'+i)), c.lang, c.text)
		if entry == "support/hours" || c.want != "" && entry != c.want {
			t.Errorf("%q answered from %q (%s), want %q:\n%s", c.text, entry, kind, c.want, reply)
		}
	}
}
