package bot_test

import (
	"context"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
)

// senseCase is a message, the entry it must (or, with not, must never)
// be answered, hedged or guessed with, and the least tier it must reach.
type senseCase struct {
	msg, id string
	not     bool
	least   knowledge.Tier
}

func checkSenses(t *testing.T, base string, h *content.Holder, cases []senseCase) {
	t.Helper()
	for _, c := range cases {
		m := h.Current().KB.Match(context.Background(), c.msg, 3)
		var got string
		tier := knowledge.Unsure
		if len(m) > 0 {
			got, tier = m[0].ID, m[0].Tier()
		}
		switch {
		case c.not && got == c.id && tier >= knowledge.Guess:
			t.Errorf("%s %q: %s %s; want it not answered, hedged or guessed with %s", base, c.msg, tier, got, c.id)
		case !c.not && (got != c.id || tier < c.least):
			t.Errorf("%s %q: %s %s; want %s at least %s", base, c.msg, tier, got, c.id, c.least)
		}
	}
}

// TestLexiconReadsTheRightSense pins words the lexicon reads in one of
// their senses only (review of the walkfix2 and crosslang merges,
// 2026-12-07). A clicking device is a noise (the shipped base's warranty)
// while click and collect and a clicked link stay themselves; 休息一下
// (take a break), 订单号码 (order number), 통화 단위 (currency) and
// 몇 시까지 주문 (an order cut-off) are not shop hours, phone, speaking.
func TestLexiconReadsTheRightSense(t *testing.T) {
	checkSenses(t, "shipped", bot.ShippedHolder(t), []senseCase{
		{msg: "my headphones are clicking", id: "warranty", least: knowledge.Confident},
		{msg: "there's a clicking sound in the left earbud", id: "warranty", least: knowledge.Confident},
		{msg: "clicking noise when charging", id: "warranty", least: knowledge.Confident},
		{msg: "I clicked the link but it expired", id: "account/password-reset", least: knowledge.Confident},
	})
	checkSenses(t, "bikes", bikesContents(t, 0), []senseCase{
		{msg: "can I click and collect", id: "orders/click-collect", least: knowledge.Confident},
		{msg: "is click and collect free", id: "orders/click-collect", least: knowledge.Confident},
		{msg: "my chain is clicking", id: "orders/click-collect", not: true},
		{msg: "my gears keep clicking", id: "orders/click-collect", not: true},
		{msg: "my gears keep clicking", id: "repairs/collection", not: true},
		{msg: "my brakes squeak", id: "orders/click-collect", not: true},
		{msg: "休息一下", id: "shop/hours", not: true},
		{msg: "订单号码是多少", id: "shop/contact", not: true},
		{msg: "快递单号码多少", id: "shop/contact", not: true},
		{msg: "통화 단위가 뭐예요", id: "shop/contact", not: true},
		{msg: "你们几点休息", id: "shop/hours", least: knowledge.Likely},
		{msg: "몇시까지 해요", id: "shop/hours", least: knowledge.Likely},
	})
	checkSenses(t, "florist", shopContents(t, "florist", 0), []senseCase{
		{msg: "休息一下", id: "shop/hours", not: true},
		{msg: "몇시까지 해요", id: "shop/hours", least: knowledge.Likely},
		{msg: "몇시까지 해요", id: "orders/same-day", not: true},
		{msg: "당일 배송은 몇 시까지 주문해야 해요?", id: "orders/same-day", least: knowledge.Confident},
	})
}
