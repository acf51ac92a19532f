package handoff

import "testing"

// Found by the lead after session 6 (2026-12-06): sincere thanks for a
// replacement and a question about how to claim were complaints to the
// learned layer ("the replac", "cheers for", "claim for"); a booking
// cancelled with the money kept must stay one. Dev cases, en/zh/ko.
func TestLearnedLayerThanksAndClaimQuestions(t *testing.T) {
	for _, c := range []struct{ text, lang string }{
		{"how do I make a claim for a lost parcel", "en"},
		{"cheers for sending the wrong one back, the replacement is perfect", "en"},
		{"说是可能会延误", "zh"},
		{"丢件了怎么申请理赔", "zh"},
		{"택배 분실되면 보상은 어떻게 받나요", "ko"},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, want{})
	}
	for _, c := range []struct{ text, lang string }{
		{"they cancelled my booking and kept the money", "en"},
		{"I'd like to make a claim for the missing items", "en"},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, want{true, Complaint, nil})
	}
}
