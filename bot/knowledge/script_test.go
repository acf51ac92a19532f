package knowledge

import (
	"testing"
	"testing/fstest"
)

// TestChineseWordsWeighAmongChineseEntries: on a day-one base with a few
// entries translated, a Chinese message's question words (可以) are shared
// with the Chinese entries only. Counted over every entry they looked
// rare and outweighed the word the message shares, through the lexicon,
// with an entry written only in English; counted among the entries
// written in Chinese they weigh what "can" weighs in English.
func TestChineseWordsWeighAmongChineseEntries(t *testing.T) {
	fsys := fstest.MapFS{
		"kb/en/returns.md":  kbFile("Can I return a bike?", "What is your returns policy?"),
		"kb/zh/returns.md":  kbFile("自行车可以退吗？", "退货政策是什么？", "没用过的可以退货吗？"),
		"kb/en/booking.md":  kbFile("Can I book a repair?", "Do I need an appointment?"),
		"kb/zh/booking.md":  kbFile("可以预约修车吗？", "需要预约吗？", "可以直接把车送过来吗？"),
		"kb/en/testride.md": kbFile("Can I test ride a bike?", "Can I try an e-bike before buying?"),
		"kb/en/hours.md":    kbFile("What are your opening hours?", "Are you open on Sundays?"),
		"kb/en/parking.md":  kbFile("Is there parking near you?", "Where is the shop?"),
		"kb/en/finance.md":  kbFile("Do you do finance?", "Can I pay monthly?"),
		"kb/en/helmets.md":  kbFile("Do you sell helmets?", "What size helmet do I need?"),
		"kb/en/sizing.md":   kbFile("What size bike do I need?", "How do I know my frame size?"),
		"kb/en/delivery.md": kbFile("Do you deliver?", "How much is delivery?"),
		"kb/en/gifts.md":    kbFile("Do you sell gift cards?", "Can I buy a voucher?"),
		"kb/en/contact.md":  kbFile("What's your phone number?", "Can I speak to someone?"),
		"kb/en/kids.md":     kbFile("Do you sell kids' bikes?", "Do you have balance bikes?"),
	}
	l := lexicalOn(t, fsys, "same:\n  - [try, 试骑]\n")
	for q, want := range map[string]string{
		"可以试骑吗":    "testride",
		"自行车可以退吗吗": "returns",
		"要预约吗":     "booking",
	} {
		got := l.Rank(t.Context(), q, -1, 3)
		if len(got) == 0 || got[0].ID != want {
			t.Errorf("%q ranks %v first, want %s", q, got, want)
		}
	}
}
