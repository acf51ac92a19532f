package handoff

import (
	"strings"
	"testing"
)

// The structural explicit rules ask for a person to talk to, to contact the
// customer or to handle the customer's own case. A question about staff, a
// service done by people, or a contact detail is not such a request
// (review1 H1, 2026-12-06); the indirect requests they were written for
// still hand off.
func TestStaffQuestionIsNotARequest(t *testing.T) {
	r := rules(t)
	for _, c := range []struct{ text, lang string }{
		{"is there any staff discount available?", "en"},
		{"Are there any employee discounts available for students?", "en"},
		{"Are there any reps available in Canada for wholesale?", "en"},
		{"Do you have staff who can help with installation?", "en"},
		{"Do you have anyone who can take a look at my bike's brakes in store?", "en"},
		{"Can an employee help me choose a size in store?", "en"},
		{"is there someone i can ask to sign for the parcel if I'm out?", "en"},
		{"有专人负责售后吗？", "zh"},
		{"有专人负责大客户采购吗？", "zh"},
		{"安装的话会有人来看吗？", "zh"},
		{"有没有人可以帮我取快递？", "zh"},
		{"周末有没有人可以帮忙签收？", "zh"},
		{"배송 담당하시는 분 연락처 있나요?", "ko"},
		{"매장에 근무하는 직원 있나요? 사이즈 문의하려고요", "ko"},
		{"전화로 주문 상담 가능한가요?", "ko"},
	} {
		if d := r.Detect(Input{Text: c.text, Lang: c.lang}); d.Handoff {
			t.Errorf("Detect(%q) hands off: %s", c.text, strings.Join(d.Evidence, " | "))
		}
	}
	for _, c := range []struct{ text, lang string }{
		{"is there a supervisor available right now", "en"},
		{"is there someone I can talk to about my refund", "en"},
		{"do you have someone who can look at my order", "en"},
		{"could a real human look at my account please", "en"},
		{"有没有人可以帮我看一下我的订单", "zh"},
		{"这个问题交给专人处理吧", "zh"},
		{"能不能让人来处理一下我的退款", "zh"},
		{"담당하시는 분이랑 통화하고 싶어요", "ko"},
		{"전화로 상담 받고 싶어요", "ko"},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, want{true, Explicit, nil})
	}
}

// A complaint asked as a question is still a complaint: a stated wait with
// its length, "even", "actually going to", 根本, 到底, 도대체 are its signs,
// and calm_question does not take it back (review1 H2).
func TestComplaintAskedAsAQuestion(t *testing.T) {
	for _, c := range []struct{ text, lang string }{
		{"Does your company even care that I have been waiting two weeks for a refund?", "en"},
		{"Is anyone actually going to fix my broken order? I have been waiting a month", "en"},
		{"我已经等了两个星期了，你们是不是根本不打算退款？", "zh"},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, want{true, Complaint, nil})
	}
}

// A stuttered refusal (不要不要, 不用不用) is not an A-not-A question: its
// 不 still negates the request after it (review1 M4).
func TestStutteredRefusalIsANegation(t *testing.T) {
	for _, s := range []string{"不要不要人工", "我不要不要转人工", "不用不用找客服"} {
		check(t, Input{Text: s, Lang: "zh"}, want{})
	}
	check(t, Input{Text: "要不要转人工", Lang: "zh"}, want{true, Explicit, []string{"转人工"}})
}
