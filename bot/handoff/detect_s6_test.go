package handoff

import (
	"testing"

	"github.com/batonhq/baton/bot/session"
)

// Issue 10, 2026-12-06 session 6: complaints said calmly as statements
// (negative verdicts, displeasure, a failure we did, not as described,
// "not happy with"), and the questions about the same things
// that must stay with the bot; each with the cue or combo that decides.
// Chosen on dev data (even tweets, banking77's even lines and knowledge
// questions, testdata/dev/complaints_fresh.yaml).
func TestRuleShapesOfSession6(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		// "Not happy with" something is a complaint (not_happy), in each
		// language; a question about delays is not.
		{"I'm not happy with delays", "en", want{true, Complaint, []string{"(not_happy)"}}},
		{"我对你们的服务不满意", "zh", want{true, Complaint, []string{"(not_happy)"}}},
		{"what happens if there are delays?", "en", want{}},
		{"I'm not happy with the colour, can I return it?", "en", want{}},
		{"I'm not happy with the service, please close my account", "en", want{}},
		// 延误 and 분실됐 are failures: with a broken promise or said
		// again they hand off; a question about them does not.
		{"说好昨天到的，现在告诉我延误了", "zh", want{true, Complaint, []string{"(broken_promise)"}}},
		{"어제 도착한다더니 분실됐대요", "ko", want{true, Complaint, []string{"(broken_promise)"}}},
		{"航班延误的话可以退票吗？", "zh", want{}},
		{"카드를 분실했어요 어떻게 해야 하나요", "ko", want{}},
		{"분실 신고는 어디서 하나요", "ko", want{}},
		// A verdict on us said as a statement (verdict); a bad day is not
		// about us, and a question about a fee is a question.
		{"worst online shop I have ever used", "en", want{true, Complaint, []string{"(verdict)"}}},
		{"你们的快递太差劲了", "zh", want{true, Complaint, []string{"(verdict)"}}},
		{"배송이 최악이에요", "ko", want{true, Complaint, []string{"(verdict)"}}},
		{"I had a terrible day at work", "en", want{}},
		{"is the delivery service really that bad in winter?", "en", want{}},
		// Displeasure said as a statement (displeasure); not a question.
		{"honestly expected better from you", "en", want{true, Complaint, []string{"(displeasure)"}}},
		{"your driver was so rude to me", "en", want{true, Complaint, []string{"(displeasure)"}}},
		{"你们的客服太不礼貌了", "zh", want{true, Complaint, []string{"(displeasure)"}}},
		{"I'm disappointed the jacket is sold out, will it come back?", "en", want{}},
		// A failure we did (blamed_failure); asked about, it is a question.
		{"you cancelled my flight and offered nothing", "en", want{true, Complaint, []string{"(blamed_failure)"}}},
		{"你们把我的订单取消了", "zh", want{true, Complaint, []string{"(blamed_failure)"}}},
		{"택배사에서 제 물건을 분실했대요", "ko", want{true, Complaint, []string{"(blamed_failure)"}}},
		{"you cancelled my order, can I get a refund?", "en", want{}},
		{"please can you cancel my transfer before it goes through?", "en", want{}},
		{"They declined my card payment.", "en", want{}},
		// A product that broke soon after it came, said calmly, stays the
		// warranty answer's (qa_ops eval: "it stopped working after 2
		// days"); an early_failure combo was tried and dropped.
		{"the heater broke after two uses", "en", want{}},
		{"I'm broke, can I get an overdraft?", "en", want{}},
		// Not as described (not_as_described); a question about it is not.
		{"the jacket looks nothing like the photos", "en", want{true, Complaint, []string{"(not_as_described)"}}},
		{"收到的和图片完全不一样", "zh", want{true, Complaint, []string{"(not_as_described)"}}},
		{"사진이랑 전혀 다른 제품이 왔어요", "ko", want{true, Complaint, []string{"(not_as_described)"}}},
		{"what if the item is not as described?", "en", want{}},
		// No reply, in more words (nobody).
		{"three emails, zero replies", "en", want{true, Complaint, []string{"(no_reply)"}}},
		{"客服根本不回消息", "zh", want{true, Complaint, []string{"(no_reply)"}}},
		{"택배가 분실됐다는데 아무 안내도 없네요", "ko", want{true, Complaint, []string{"(no_reply)"}}},
		{"still waiting for a reply from your team", "en", want{true, Complaint, []string{"(no_reply)"}}},
		{"still waiting for my card, how long does delivery take?", "en", want{}},
		// Sarcasm in more shapes (irony); a delivery nobody turned up
		// for and a reply that never came (nobody); a parcel stuck in
		// transit for long (long_overdue); a grievance or a claim to make
		// (legal); escalating is asking for someone (explicit).
		{"great job losing my order", "en", want{true, Complaint, []string{"(irony)"}}},
		{"thanks a bunch for the broken mug", "en", want{true, Complaint, []string{"(irony)"}}},
		{"the delivery window came and went and nobody showed", "en", want{true, Complaint, []string{"(no_reply)"}}},
		{"wow, what amazing customer service, 4 days without a reply", "en", want{true, Complaint, []string{"(no_reply)"}}},
		{"the parcel has been in transit for 12 days", "en", want{true, Complaint, []string{"(long_overdue)"}}},
		{"包裹在路上十几天了", "zh", want{true, Complaint, []string{"(long_overdue)"}}},
		{"is my parcel still in transit?", "en", want{}},
		{"I'd like to lodge a grievance", "en", want{true, Complaint, []string{"(legal)"}}},
		{"I would like to make a claim for my damaged suitcase", "en", want{true, Complaint, []string{"(legal)"}}},
		{"I want to escalate this", "en", want{true, Explicit, []string{"explicit: "}}},
		// Never getting it right is a verdict of its own (outrageous). A near
		// copy of even tweet 1022 ("you can never get the order right"): dev
		// data, so allowed, but the phrase is fitted to that one tweet (review B).
		{"you can never get my order right", "en", want{true, Complaint, []string{"(outrageous)"}}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}

// Exasperation, disappointment or "not happy" said about our last answer
// is confusion about it (issue 10: "it did not help or they don't
// understand"), not one of session 6's statement complaints: about_answer
// keeps verdict, displeasure, not_happy and blamed_failure off, and "you
// didn't answer" is not a no-reply (nobody) complaint.
func TestSession6KeepsConfusionAboutTheAnswer(t *testing.T) {
	after := []session.Turn{{Role: "customer", Text: "how do I reset my password?"}, {Role: "bot", Text: "Go to Settings, then Security.", Kind: "answer"}}
	for _, c := range []struct{ text, lang string }{
		{"that wasn't helpful at all", "en"},
		{"sigh, that didn't answer my question", "en"},
		{"smh that makes no sense", "en"},
		{"damn, what does that even mean", "en"},
		{"I'm not happy with that answer, I don't understand it", "en"},
		{"you didn't answer my question", "en"},
		{"you still haven't answered what I asked", "en"},
		{"you forgot to answer my question", "en"},
		{"you lost me there", "en"},
		{"没帮上忙，看不懂", "zh"},
		{"무슨 말인지 모르겠어요 짜증나", "ko"},
	} {
		check(t, Input{Text: c.text, Lang: c.lang, History: after}, want{true, Confusion, nil})
	}
}
