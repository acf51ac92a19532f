package handoff

import "testing"

// QA walk 2026-12-06 (09:05), item 7: "get me your manager" asks for a
// person as "get me a manager" does (zh 叫你们经理来 and ko 책임자
// 바꿔주세요 already did); asking for someone's contact details or about
// a manager is not a request.
func TestGetMeYourManager(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		{"get me your manager", "en", want{true, Explicit, []string{"explicit: "}}},
		{"get me your supervisor now", "en", want{true, Explicit, []string{"explicit: "}}},
		{"find me your manager please", "en", want{true, Explicit, []string{"explicit: "}}},
		{"叫你们经理来", "zh", want{true, Explicit, []string{"explicit: "}}},
		{"책임자 바꿔주세요", "ko", want{true, Explicit, []string{"explicit: "}}},
		{"can you get me your opening hours", "en", want{}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}
