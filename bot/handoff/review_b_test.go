package handoff

import (
	"testing"

	"github.com/batonhq/baton/bot/session"
)

// Review B (2026-12-06, handoff @ 86324e7): ordinary questions, requests,
// thanks and reports about other people that session 6's new rules handed
// off as complaints. Each is a dev case written for the review's findings
// (its examples and more in the same shapes, en/zh/ko); none comes from
// held-out data. They must not hand off as a first message.
func TestReviewBOrdinaryMessagesStayWithTheBot(t *testing.T) {
	for _, c := range []struct{ text, lang string }{
		// legal: asking how to claim or whether a procedure exists.
		{"can I make a claim on my insurance", "en"},
		{"is there a grievance procedure", "en"},
		{"how do I submit a grievance", "en"},
		{"where do I open a claim for a damaged item?", "en"},
		// nobody: questions, and other people not replying.
		{"nobody knows how to fix my wifi at home, can you help", "en"},
		{"no one can tell me my account number", "en"},
		{"nobody can access the shared account, how do I add users", "en"},
		{"nobody showed up for the viewing, can I get my deposit back", "en"},
		{"no explanation needed, just cancel it", "en"},
		{"without any warning the app logged me out, how do i log in", "en"},
		{"zero replies on the forum so I'm asking here", "en"},
		{"you guys don't reply on weekends, right", "en"},
		{"support doesn't respond on sundays?", "en"},
		{"i've been waiting for a reply from my bank, can you check my transfer", "en"},
		{"I'm still waiting on a reply from the landlord, can I pay rent late", "en"},
		{"my friend never replied so I'll order for both of us", "en"},
		{"nobody will be home on Friday, can the courier leave it with a neighbour?", "en"},
		{"my sister still hasn't replied about the size", "en"},
		{"朋友已读不回怎么办", "zh"},
		{"卖家不回消息怎么办", "zh"},
		{"他不回消息", "zh"},
		{"商家不回信息，我可以申请退款吗", "zh"},
		{"我同事一直不回消息，我自己来下单", "zh"},
		{"설명도 없이 요금이 나갔어요 왜 그런가요?", "ko"},
		{"아무 조치 없이 계정이 잠겼어요 어떻게 풀 수 있나요", "ko"},
		{"안내도 없이 요금이 바뀌었나요?", "ko"},
		{"친구가 답장이 없어서 제가 대신 주문할게요", "ko"},
		{"내일 집에 아무도 없어서 문 앞에 두고 가 주세요", "ko"},
		// irony: sincere thanks and praise.
		{"thanks for the delay notice", "en"},
		{"thanks for cancelling my order as I asked", "en"},
		{"thanks for cancelling my subscription so quickly", "en"},
		{"thanks for delaying the payment for me", "en"},
		{"great job breaking that down for me", "en"},
		{"thank you for the wait time estimate", "en"},
		// verdict/awful: a question about the worst case.
		{"what is the worst case delivery time", "en"},
		{"what's the worst case if my payment fails", "en"},
		{"how long is the delivery at worst", "en"},
		// broken_promise: a possibility, not a failure.
		{"I was told there may be delays", "en"},
		{"they said there might be a delay with my order", "en"},
		// you_did / blamed_failure: a calm report with the next step.
		{"you forgot to send the invoice, please send it", "en"},
		{"you cancelled my flight so I need to rebook", "en"},
		{"they cancelled my train so I need to change my booking date", "en"},
		{"판매자가 취소했어요", "ko"},
		{"회사에서 취소 처리했다고 하는데 맞나요", "ko"},
		{"항공사에서 취소했다는데 환불되나요", "ko"},
		// profanity alone, about the customer's own mistake.
		{"damn I forgot my pin", "en"},
		{"fuck I lost my card", "en"},
		{"shit, I locked myself out of my account", "en"},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, want{})
	}
	// These the phrase rules no longer call complaints either, but the
	// learned layer still does, as it did before session 6 (main: closest
	// examples "can I make a claim for the missing items" and "cheers for
	// sending me a used product" in handoff_examples.yaml). Left for the
	// examples' owner; the rules' score must stay under the threshold.
	r := rules(t)
	for _, text := range []string{
		"how do I make a claim for a lost parcel",
		"cheers for sending the wrong one back, the replacement is perfect",
		"说是可能会延误",
	} {
		if score, ev := r.Complaint(text); score >= r.complaint.threshold {
			t.Errorf("Complaint(%q) = %.2f ≥ %.2f: %q", text, score, r.complaint.threshold, ev)
		}
	}
}

// The rules the review narrowed still catch the complaints they were
// written for (review B: keep the real complaints caught).
func TestReviewBComplaintsStillCaught(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		{"I'd like to lodge a grievance", "en", want{true, Complaint, []string{"(legal)"}}},
		{"I want to make a claim against your company", "en", want{true, Complaint, []string{"(legal)"}}},
		{"three emails, zero replies", "en", want{true, Complaint, []string{"(no_reply)"}}},
		{"still waiting for a reply from your team", "en", want{true, Complaint, []string{"(no_reply)"}}},
		{"you cancelled my order without any explanation", "en", want{true, Complaint, nil}},
		{"客服根本不回消息", "zh", want{true, Complaint, []string{"(no_reply)"}}},
		{"택배가 분실됐다는데 아무 안내도 없네요", "ko", want{true, Complaint, []string{"(no_reply)"}}},
		{"문의한 지 사흘째인데 아무도 연락을 안 주네요", "ko", want{true, Complaint, nil}},
		{"damn, your app logged me out again", "en", want{true, Complaint, nil}},
		{"thanks for losing my parcel", "en", want{true, Complaint, []string{"(irony)"}}},
		{"thanks for cancelling my flight without telling me", "en", want{true, Complaint, nil}},
		{"great job losing my order", "en", want{true, Complaint, []string{"(irony)"}}},
		{"worst online shop I have ever used", "en", want{true, Complaint, []string{"(verdict)"}}},
		{"you cancelled my flight and offered nothing", "en", want{true, Complaint, []string{"(blamed_failure)"}}},
		{"my parcel was supposed to arrive on Monday and it still isn't here", "en", want{true, Complaint, nil}},
		{"your driver was so rude to me", "en", want{true, Complaint, []string{"(displeasure)"}}},
		{"fuck your company", "en", want{true, Complaint, nil}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}

// After an answer, a reply or an explanation that did not come, or a part
// left out, is about that answer: confusion, or nothing, never a
// complaint (review B, handoff @ 86324e7).
func TestReviewBAfterAnAnswerIsNotAComplaint(t *testing.T) {
	after := []session.Turn{{Role: "customer", Text: "how do I reset my password?"}, {Role: "bot", Text: "Go to Settings, then Security.", Kind: "answer"}}
	for _, c := range []struct{ text, lang string }{
		{"you didn't reply to my question", "en"},
		{"still waiting for an answer to my question", "en"},
		{"no explanation at all", "en"},
		{"you forgot the part about fees", "en"},
		{"that's not an explanation, you didn't reply to what I asked", "en"},
		{"아무 설명이 없네요", "ko"},
		{"질문에 대한 답변이 없네요", "ko"},
		{"你没回答我的问题", "zh"},
	} {
		d := rules(t).Detect(Input{Text: c.text, Lang: c.lang, History: after})
		if d.Handoff && d.Reason != Confusion {
			t.Errorf("Detect(%q) after an answer = %q, want confusion or none\n  evidence: %q", c.text, d.Reason, d.Evidence)
		}
	}
}
