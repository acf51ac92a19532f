package handoff

import "testing"

// A repeated failure is a complaint only when the repetition is said of the
// failure ("cancelled again", "once again the app logged me out", "the
// third time my delivery was rescheduled", 又延迟了, 또 지연이에요), not when
// a message with a failure repeats something else: the customer being home
// again, ordering a third time (handoff3, 2026-12-06).
func TestRepetitionBelongsToTheFailure(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		// The repetition is the customer's: no handoff.
		{"rescheduled, I will try once again to be home", "en", want{}},
		{"I'm ordering for the third time because the first two were cancelled", "en", want{}},
		{"I'll be home late again tonight", "en", want{}},
		{"快递改期了，我周五又在家", "zh", want{}},
		{"订单取消了，我又下单了", "zh", want{}},
		{"택배가 연기돼서 금요일에 또 집에 있을게요", "ko", want{}},
		{"또 주문할게요 취소돼서요", "ko", want{}},
		// The failure repeats: a complaint.
		{"this is the third time my delivery was rescheduled", "en", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"cancelled again, I'll try again tomorrow", "en", want{true, Complaint, []string{`"cancelled again"`, "(repeated_failure)"}}},
		{"once again the app logged me out halfway through paying", "en", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"Once again, my order is late", "en", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"the size was wrong, this is the second time", "en", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"you sent me the wrong item for the second time", "en", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"the courier was late again", "en", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"又延迟了", "zh", want{true, Complaint, []string{`"又延迟"`, "(repeated_failure)"}}},
		{"快递第三次改期了", "zh", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"收到的尺码不对，这已经是第二次了", "zh", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"真行，又给我发错了", "zh", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"또 지연이에요", "ko", want{true, Complaint, []string{`"또 지연이에요"`, "(repeated_failure)"}}},
		{"배송이 벌써 세 번째 연기됐어요", "ko", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"또 배송 지연 문자 왔네요", "ko", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"교환받은 것도 또 고장 났네요", "ko", want{true, Complaint, []string{"(repeated_failure)"}}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}

// A negation word denies the feeling right after it and reaches no
// further: in "I'm not happy with how long this is taking" the wait is
// still said, and in 很不高兴又延迟了 the delay still repeats. Other
// negations keep their reach ("not sure how long this is taking", "was
// not late"), and the feeling stays denied ("happy" negated).
func TestNegatedFeelingKeepsWhatItIsAbout(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		{"I'm not happy with how long this is taking", "en", want{true, Complaint, []string{`"how long this is taking" +1.68 (waiting)`, `"happy" negated`}}},
		{"not happy still not delivered", "en", want{true, Complaint, []string{"(still_not)", `"happy" negated`}}},
		{"很不高兴又延迟了", "zh", want{true, Complaint, []string{"(problem)", "(repeated_failure)"}}},
		{"기분 안 좋아요 또 지연이에요", "ko", want{true, Complaint, []string{`"좋아요" negated`, "(repeated_failure)"}}},
		{"I'm not sure how long this is taking", "en", want{}},
		{"the delivery was not late", "en", want{}},
		{"not happy", "en", want{}},
		{"I'm not angry, just asking where my parcel is", "en", want{}},
		{"不是很满意", "zh", want{}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}
