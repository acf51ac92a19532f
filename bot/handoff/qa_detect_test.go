package handoff

import (
	"testing"

	"github.com/batonhq/baton/bot/session"
)

// QA walk 2026-12-04, items 3 and 12 ([detect]), with other wordings in
// en, zh and ko, through the shipped rules: each must hand off for the
// named reason and name the cue group that fired (explainability), and
// the look-alikes beside them must not.
func TestQAWalkComplaints(t *testing.T) {
	// Right after a miss, as in the QA walk's Korean conversation: the
	// bot could not place "SAVE10 이요".
	afterMiss := []session.Turn{
		{Role: "customer", Text: "쿠폰 코드가 안 먹혀요"},
		{Role: "bot", Text: "결제하기 전에 할인 코드 칸에 입력해 주세요.", Entry: "payment/discount-codes", Kind: "answer"},
		{Role: "customer", Text: "SAVE10 이요"},
		{Role: "bot", Text: "아래 내용 중 하나를 말씀하신 건가요?", Kind: "rephrase"},
	}
	for _, c := range []struct {
		text, lang string
		hist       []session.Turn
		afterMiss  bool
		w          want
	}{
		// Item 3: sarcasm about a slow "fast" delivery.
		{"Wow, 3 weeks for a 'fast' delivery. Really impressive work, guys.", "en", nil, false, want{true, Complaint, []string{"(irony)", "(sarcasm)"}}},
		{"so much for next day delivery", "en", nil, false, want{true, Complaint, []string{"(irony)"}}},
		{"twelve days for express shipping, brilliant", "en", nil, false, want{true, Complaint, []string{"(irony)"}}},
		{"说好的三天到呢？呵呵", "zh", nil, false, want{true, Complaint, []string{"(irony)"}}},
		{"당일 배송이라더니 나흘째예요", "ko", nil, false, want{true, Complaint, []string{"(irony)"}}},
		// Item 3: a threat to post about us. Made with a demand it is the
		// demand's leverage and gets the soft refusal first since
		// 2026-12-06 (TestDemandLeverageWaitsForTheRefusal); alone, or
		// next to a demand the phrases do not know, it hands off.
		{"a refund plus a voucher or I'll be writing about you online", "en", nil, false, want{true, Complaint, []string{"(review)"}}},
		{"不赔偿我就发小红书", "zh", nil, false, want{true, Complaint, []string{"(review)"}}},
		{"보상 안 해 주면 맘카페에 올릴 거예요", "ko", nil, false, want{true, Complaint, []string{"(review)"}}},
		{"if this isn't fixed I'm going to file a chargeback", "en", nil, false, want{true, Complaint, []string{"(legal)"}}},
		// Item 12: still not working after the bot's answer or a miss.
		{"아직도 안 되네요", "ko", afterMiss, true, want{true, Complaint, []string{"(persist)"}}},
		{"여전히 안 먹혀요", "ko", afterAnswer, false, want{true, Complaint, []string{"(persist)"}}},
		{"해봤는데 그대로예요", "ko", afterAnswer, false, want{true, Complaint, []string{"(persist)"}}},
		{"still not working", "en", afterAnswer, false, want{true, Complaint, []string{"(persist)"}}},
		{"nope, it still won't go through", "en", afterMiss, true, want{true, Complaint, []string{"(persist)"}}},
		{"还是不行", "zh", afterAnswer, false, want{true, Complaint, []string{"(persist)"}}},
		{"试了一下还是用不了", "zh", afterMiss, true, want{true, Complaint, []string{"(persist)"}}},
		// Look-alikes: questions about "still", speed, posting, coupons.
		{"is the SAVE10 code still valid?", "en", afterAnswer, false, want{}},
		{"do you still sell the older model", "en", nil, false, want{}},
		{"how fast is express delivery to Seoul", "en", nil, false, want{}},
		{"can I post a photo in my review", "en", nil, false, want{}},
		{"还是寄顺丰吗", "zh", afterAnswer, false, want{}},
		{"쿠폰 아직 쓸 수 있나요", "ko", afterAnswer, false, want{}},
		{"빠른 배송은 며칠 걸려요?", "ko", nil, false, want{}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang, History: c.hist, AfterMiss: c.afterMiss}, c.w)
	}
}

// Item 3's demand without a threat is a demand (the soft refusal), not a
// handoff; so are other wordings of "free shipping for ever" and "a refund
// with extras".
func TestQAWalkDemands(t *testing.T) {
	r := rules(t)
	for _, c := range []struct {
		text, lang string
		demand     bool
	}{
		{"I want a full refund and free shipping on my next 10 orders", "en", true},
		{"give me free delivery on all my future orders", "en", true},
		{"give me my money back plus a voucher", "en", true},
		{"以后买的都免运费", "zh", true},
		{"앞으로 무료 배송 해 주세요", "ko", true},
		{"is shipping free on orders over $50?", "en", false},
		{"can I get a refund and a replacement", "en", false},
		{"I got a full refund and a discount code last time, thanks", "en", false},
		{"무료 배송은 얼마 이상이에요?", "ko", false},
	} {
		d := r.Detect(Input{Text: c.text, Lang: c.lang})
		if (d.Demand != "") != c.demand || d.Handoff {
			t.Errorf("Detect(%q): demand %q, handoff %v (%s %q); want demand %v and no handoff", c.text, d.Demand, d.Handoff, d.Reason, d.Evidence, c.demand)
		}
	}
}

// Indirect requests for a person written as phrases on 2026-12-05 from
// the dev phrasings (callbacks, a manager asked to act, a department),
// and look-alikes that ask about them or tell what happened.
func TestIndirectRequestPhrases(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		{"could you arrange a callback for me", "en", want{true, Explicit, []string{"explicit: "}}},
		{"I'd like a phone call about this please", "en", want{true, Explicit, []string{"explicit: "}}},
		{"it would help if somebody could phone me", "en", want{true, Explicit, []string{"explicit: "}}},
		{"please ask your manager to get in touch", "en", want{true, Explicit, []string{"explicit: "}}},
		{"put me through to the billing department", "en", want{true, Explicit, []string{"explicit: "}}},
		{"any staff around?", "en", want{true, Explicit, []string{"explicit: "}}},
		{"麻烦让你们经理回个电话", "zh", want{true, Explicit, []string{"explicit: "}}},
		{"客服在线吗", "zh", want{true, Explicit, []string{"explicit: "}}},
		{"통화 상담 요청할게요", "ko", want{true, Explicit, []string{"explicit: "}}},
		{"do you offer callbacks?", "en", want{}},
		{"the courier said someone would call me", "en", want{}},
		{"my manager asked me to order these", "en", want{}},
		{"which department handles returns?", "en", want{}},
		{"전화 상담은 몇 시까지 해요?", "ko", want{}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}
