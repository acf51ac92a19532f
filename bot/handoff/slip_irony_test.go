package handoff

import "testing"

// An order that keeps slipping is a complaint only when the repetition is
// the setback's ("keeps getting pushed back", "postponed twice", 一再推迟,
// 자꾸 취소돼요). A setback and the customer acting again are a calm
// report: "the order was cancelled, I will try again tomorrow" (review1
// H1, 2026-12-06). The learned layer, which reads "cancelled ... again" as
// a complaint, is held back there too (acts_again).
func TestSlipAttachedToTheSetback(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		// The customer acts again: no handoff.
		{"my card expired so the order was cancelled, I will try again tomorrow", "en", want{}},
		{"the courier rescheduled, so I will be home again on Friday", "en", want{}},
		{"I ordered again after my first order was cancelled by my bank", "en", want{}},
		{"the delivery was cancelled so I booked it again for Monday", "en", want{}},
		{"I cancelled my order twice by mistake", "en", want{}},
		{"我的卡过期了，订单被取消了，我明天再试一次", "zh", want{}},
		{"订单被取消了，我再下单一次", "zh", want{}},
		{"주문이 취소돼서 내일 다시 주문할게요", "ko", want{}},
		{"택배가 연기돼서 금요일에 다시 집에 있을게요", "ko", want{}},
		// The setback repeats: a complaint.
		{"my delivery keeps getting postponed", "en", want{true, Complaint, []string{"(keeps_slipping)"}}},
		{"my order has again been delayed", "en", want{true, Complaint, []string{"(keeps_slipping)"}}},
		{"they postponed my delivery twice", "en", want{true, Complaint, []string{"(keeps_slipping)"}}},
		{"the delivery was rescheduled three times", "en", want{true, Complaint, []string{"(keeps_slipping)"}}},
		{"you cancelled my order again, I will try again tomorrow", "en", want{true, Complaint, []string{"(keeps_slipping)"}}},
		{"the order got cancelled yet again", "en", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"快递一再推迟", "zh", want{true, Complaint, []string{"(keeps_slipping)"}}},
		{"订单改期了好几次", "zh", want{true, Complaint, []string{"(keeps_slipping)"}}},
		{"배송이 몇 번이나 연기됐어요", "ko", want{true, Complaint, []string{"(keeps_slipping)"}}},
		{"주문이 자꾸 취소돼요", "ko", want{true, Complaint, []string{"(keeps_slipping)"}}},
		// Asked about calmly, it stays a question.
		{"몇 번 연기할 수 있나요?", "ko", want{}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}

// Praise said first is sarcasm when it is about the failure ("great, my
// parcel vanished"), not when it is about good news and a separate problem
// follows ("Excellent. It came a day early. The charger is missing from
// the box.": the missing-item answer serves it; review1 H2, 2026-12-06).
func TestPraiseAboutTheFailure(t *testing.T) {
	for _, c := range []struct {
		text string
		w    want
	}{
		{"Excellent. It came a day early. The charger is missing from the box.", want{}},
		{"Wow. My order arrived already, but one item is missing", want{}},
		{"Amazing, it came the next day. One item is missing", want{}},
		{"Great, thanks for the fast delivery. The charger is missing though", want{}},
		{"Love it. One of the buttons is missing though", want{}},
		{"Great, it arrived early, but the box was damaged", want{}},
		{"great, my parcel vanished", want{true, Complaint, []string{"(ironic_praise)"}}},
		{"oh great, another email saying my parcel is delayed", want{true, Complaint, []string{"(ironic_praise)"}}},
		{"well done, you sent the wrong size again", want{true, Complaint, []string{"(ironic_praise)"}}},
		{"great, another delay, and it was supposed to be fast delivery", want{true, Complaint, []string{"(ironic_praise)"}}},
		{"thanks for losing my parcel", want{true, Complaint, []string{"(irony)"}}},
	} {
		check(t, Input{Text: c.text, Lang: "en"}, c.w)
	}
}
