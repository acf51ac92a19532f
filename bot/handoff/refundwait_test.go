package handoff

import "testing"

// A refund not back after a short, normal wait, asked calmly, is a
// question the refunds answer covers (combo refund_wait); the same wait
// with frustration, a long wait, a broken promise or a failure is still a
// complaint (lead, 2026-12-06).
func TestRefundWaitIsAQuestion(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		// Calm, within the policy's days: questions. The first two of
		// each language (one in Korean) handed off before refund_wait, by
		// the learned layer.
		{"returned the shoes a week ago and still no refund", "en", want{}},
		{"mailed my return a week ago and still no money back", "en", want{}},
		{"寄回去一周了，钱还没退", "zh", want{}},
		{"退货一个星期了钱还没退回来", "zh", want{}},
		{"일주일 전에 반품했는데 아직 환불 안 됐어요", "ko", want{}},
		{"I posted my return back three days ago and the money hasn't come back yet", "en", want{}},
		{"returned it last week, still waiting on the refund", "en", want{}},
		{"退货寄回去五天了，退款还没到账", "zh", want{}},
		{"上周寄回的退货，钱还没退给我", "zh", want{}},
		{"지난주에 반품 보냈는데 환불이 아직 안 들어왔어요", "ko", want{}},
		{"반품한 지 일주일인데 환불은 아직이에요", "ko", want{}},
		// The same with frustration, a long wait or a kept-back promise:
		// complaints.
		{"I posted my return three days ago and still no refund, this is ridiculous", "en", want{true, Complaint, []string{"(outrageous)"}}},
		{"sent my return back two months ago and the refund still hasn't come", "en", want{true, Complaint, nil}},
		{"退货寄回去一个月了，钱还没退，太过分了", "zh", want{true, Complaint, nil}},
		{"한 달 전에 반품 보냈는데 아직도 환불이 안 됐어요. 정말 짜증나네요", "ko", want{true, Complaint, nil}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}

// Someone else doing something (a theft, a parcel taken) is a report for
// the bot, not a request for a person: handoff_ordinary.yaml holds such
// lines since 2026-12-06, when banking77's "Someone stole my phone." was
// handed off as a request by the learned layer. Asking someone to help
// still is one.
func TestSomeoneElseIsNotARequest(t *testing.T) {
	for _, c := range []struct {
		text string
		w    want
	}{
		{"Someone stole my phone.", want{}},
		{"somebody stole my parcel", want{}},
		{"can someone help me", want{true, Explicit, nil}},
		{"I need someone to look at my order", want{true, Explicit, nil}},
	} {
		check(t, Input{Text: c.text, Lang: "en"}, c.w)
	}
}

// A time we promised that has passed with the thing still not done is a
// complaint, said calmly or not (combo broken_promise, 2026-12-06); a
// question about it is a question.
func TestBrokenPromiseIsAComplaint(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		{"the lamp was supposed to arrive on Tuesday and it still hasn't come", "en", want{true, Complaint, []string{"(broken_promise)"}}},
		{"说是周一发货，现在还没发", "zh", want{true, Complaint, []string{"(broken_promise)"}}},
		{"주말 전에 보낸다더니 아직도 발송 안 됐어요", "ko", want{true, Complaint, []string{"(broken_promise)"}}},
		{"it should have arrived yesterday, can you tell me where it is?", "en", want{}},
		{"was it supposed to come today?", "en", want{}},
		{"说好的包邮吗", "zh", want{}},
		{"약속 시간 변경 가능한가요?", "ko", want{}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}
