package handoff

import "testing"

// QA walk 2026-12-06, item 8: someone's manager, 윗분/책임자 and "人呢？？"
// are requests for a person; the look-alikes that tell or ask about
// someone are not. Item 2: telling us about a return, or what our staff
// did, is not a request (the learned layer read 想跟/你们/직원 as one).
func TestQAWalk1206PersonRequests(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		{"can i talk to mia's manager", "en", want{true, Explicit, []string{"explicit: "}}},
		{"could I speak with your supervisor instead", "en", want{true, Explicit, []string{"explicit: "}}},
		{"윗분 바꿔주세요", "ko", want{true, Explicit, []string{"explicit: "}}},
		{"책임자 연결해 주세요", "ko", want{true, Explicit, []string{"explicit: "}}},
		{"人呢？？", "zh", want{true, Explicit, []string{"explicit: "}}},
		{"有人吗", "zh", want{true, Explicit, []string{"explicit: "}}},
		{"人工呢", "zh", want{true, Explicit, []string{"explicit: "}}},
		{"can I talk to you about my manager's order", "en", want{}},
		{"有人用过这个吗", "zh", want{}},
		{"我想跟你们说一下退货的事", "zh", want{}},
		{"직원분이 포장을 잘못한 것 같아요", "ko", want{}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}
