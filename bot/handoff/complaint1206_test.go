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
		{"great, another cancelled order, love it", "en", want{true, Complaint, []string{"(ironic_closer)"}}},
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
		{"this refund has dragged on for the best part of a month", "en", want{true, Complaint, []string{"(long_overdue)"}}},
		// Formal complaints without the word (legal).
		{"I demand compensation for the ruined sofa", "en", want{true, Complaint, []string{"(legal)"}}},
		{"I will be taking this further", "en", want{true, Complaint, []string{"(legal)"}}},
		{"这件事我一定要追究", "zh", want{true, Complaint, []string{"(legal)"}}},
		{"이번 일은 그냥 넘어갈 수 없어요", "ko", want{true, Complaint, []string{"(legal)"}}},
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
