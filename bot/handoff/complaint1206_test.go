package handoff

import "testing"

// Issue 10's complaint misses, eighth session of 2026-12-06: calm but
// clearly unhappy reports (chasing us again, none of it working, a matter
// that drags on), sarcasm (praise said last,
// praise openers in zh and ko, praise with a setback alone) and formal
// complaints said without the word; and what must stay a question (how or
// where to complain, a calm "when will it come?", sincere praise for a fast
// delivery). Each case names the rule that decided it, as agents and
// `baton detect --explain` see it. The lines are written for this test, not
// taken from the dev sets.
func TestComplaintEighthSession(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		// Chasing about something still not done (chased), also asked.
		{"still waiting on my refund, third email now", "en", want{true, Complaint, []string{"(chased)"}}},
		{"I've rung you four times and my parcel still hasn't come, when will it arrive?", "en", want{true, Complaint, []string{"(chased)"}}},
		{"退款的事我已经打了三次电话了，还没到账", "zh", want{true, Complaint, []string{"(chased)"}}},
		{"환불 문의 세 번째인데 아직도 입금이 안 됐어요", "ko", want{true, Complaint, []string{"(chased)"}}},
		// Praise said last of a failure (ironic_closer); not when something
		// is said to be fine.
		{"wow, yet another order cancelled on me, love it", "en", want{true, Complaint, []string{"(ironic_closer)"}}},
		{"you billed me twice for one order, very helpful", "en", want{true, Complaint, []string{"(ironic_closer)"}}},
		{"the box was a bit dented but the item inside is fine, love it", "en", want{}},
		// Praise first with a setback alone; zh and ko openers.
		{"what a great way to start the week, my order was cancelled", "en", want{true, Complaint, []string{"(ironic_praise)"}}},
		{"真厉害，三天的快递送了半个月", "zh", want{true, Complaint, []string{"(ironic_praise)"}}},
		{"정말 빠르네요 한 달 걸렸어요", "ko", want{true, Complaint, []string{"(ironic_praise)"}}},
		// Sincere praise with the same words is no complaint.
		{"效率真高啊，当天就送到了", "zh", want{}},
		{"와 대단하네요 어제 시켰는데 오늘 왔어요", "ko", want{}},
		// Praise first, then an aside about a problem, is sincere.
		{"Love it. The strap is a bit loose though", "en", want{}},
		// None of it works (total_failure); a repeat across orders.
		{"not one of the vouchers you sent me works", "en", want{true, Complaint, []string{"(total_failure)"}}},
		{"this is the second parcel in a row with a missing part", "en", want{true, Complaint, []string{"(repeated_failure)"}}},
		// A matter that drags on keeps a complaint a complaint.
		{"my refund has been dragging on for five weeks now", "en", want{true, Complaint, []string{"(long_overdue)"}}},
		// Formal complaints without the word (legal).
		{"I demand compensation for the ruined sofa", "en", want{true, Complaint, []string{"(legal)"}}},
		{"I will be taking this further", "en", want{true, Complaint, []string{"(legal)"}}},
		{"这件事我一定要追究", "zh", want{true, Complaint, []string{"(legal)"}}},
		// Formal words that need a failure or a negative beside them
		// (formal_claim).
		{"이번에도 배송이 2주나 늦었어요, 이번 일은 그냥 넘어갈 수 없어요", "ko", want{true, Complaint, []string{"(formal_claim)"}}},
		{"제품이 두 번이나 고장 났는데 책임지세요", "ko", want{true, Complaint, []string{"(formal_claim)"}}},
		{"I want this on record, the courier threw my parcel over the fence and it broke", "en", want{true, Complaint, []string{"(formal_claim)"}}},
		{"the sofa arrived ripped, I expect proper compensation", "en", want{true, Complaint, []string{"(formal_claim)"}}},
		{"订单被取消了也没人通知，我要反映给你们领导", "zh", want{true, Complaint, []string{"(formal_claim)"}}},
		// Asking how or where to complain is a question
		// (procedure_question); against us, or with a repeat, it is not.
		{"how do I make a complaint about a product", "en", want{}},
		{"怎么投诉商品质量问题", "zh", want{}},
		{"파손된 상품은 어떻게 신고하나요", "ko", want{}},
		{"how do I complain about one of your couriers", "en", want{true, Complaint, []string{"(legal)"}}},
		{"where do I send a complaint? this is not the first time", "en", want{true, Complaint, []string{"(legal)"}}},
		// Ordinary questions that mention a problem neutrally.
		{"my card hasn't arrived yet, when will it?", "en", want{}},
		{"how do I report a damaged item", "en", want{}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}

// Review B of the eighth session (2026-12-06, 23:21 UTC): the reviewer's
// probe lines, which the first cut of this branch handed off, and lines
// written for this fix (none from the dev or held-out sets). Sincere
// praise said last after the customer let a failure go is not sarcasm
// (fine_anyway, sincere_closer); formal words alone, with praise, as a
// joke or as a policy question are not a complaint (formal_wish needs a
// failure beside it); asking how to object, or for advice, is a question;
// an item not even opened is a return condition, not disbelief.
func TestComplaintReviewB(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		// The reviewer's probes: no handoff.
		{"arrived a day late but love it!", "en", want{}},
		{"parcel was delayed by the snow, totally understandable, thanks for the update, much appreciated", "en", want{}},
		{"the box was dented, but honestly who cares, love it", "en", want{}},
		{"the strap was missing but you sent it next day, great service", "en", want{}},
		{"그냥 넘어갈 수 없어요, 너무 예뻐서 하나 더 살래요", "ko", want{}},
		{"윗선에 칭찬 좀 전해 주세요, 배송이 정말 빨랐어요", "ko", want{}},
		{"책임지세요 ㅋㅋ 너무 맛있어서 다 먹었어요", "ko", want{}},
		{"I'd like this on record: you guys are the best shop ever", "en", want{}},
		{"we want this on record for our company accounts, can you send an invoice?", "en", want{}},
		{"I'm entitled to compensation? just asking what the policy is for late deliveries", "en", want{}},
		{"이의 제기는 어떻게 하나요?", "ko", want{}},
		{"my sister says none of the sizes fit her, which size would you recommend for her?", "en", want{}},
		{"I bought a lamp for my mum last week but she doesn't like the colour and she hasn't even taken it out of the plastic. can I still return it?", "en", want{}},
		// New lines of the same kinds: no handoff.
		{"the lid came cracked but the mug itself works fine, love it", "en", want{}},
		{"shipping took an extra week because of the strike, not your fault, much appreciated", "en", want{}},
		{"이의 제기 절차가 어떻게 되나요?", "ko", want{}},
		{"你们推荐哪个尺码？我试的三个一个都不行", "zh", want{}},
		{"my dad hasn't even opened the box yet, can he still send it back?", "en", want{}},
		// Sarcasm with no concession still hands off; so does a total
		// failure said as a statement.
		{"wow, yet another order cancelled on me, love it", "en", want{true, Complaint, []string{"(ironic_closer)"}}},
		{"none of the three chargers you sent me work", "en", want{true, Complaint, []string{"(total_failure)"}}},
		{"연락도 없이 주문이 취소됐어요, 윗선에 보고해 주세요", "ko", want{true, Complaint, []string{"(formal_claim)"}}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}
