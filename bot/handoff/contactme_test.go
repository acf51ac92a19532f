package handoff

import (
	"testing"

	"github.com/batonhq/baton/bot/session"
)

// TestContactMeAndOwnerRequests pins the hand7 changes (2026-12-07): a
// person of ours asked to contact me (email, text, phone, get back to me)
// and "a real one, not the bot" reach the learned layer as word groups;
// the boss or owner (老板, 售后师傅, 사장님) asked to talk or call is a
// request, while the shop addressed as 老板/사장님, a courier's call, a
// phishing report and a call to arrange a delivery are not. Each line is
// judged as a first message.
func TestContactMeAndOwnerRequests(t *testing.T) {
	r := loadShipped(t)
	checkReasons(t, r, []reasonCase{
		{"could someone from accounts drop me an email about the double charge please", "en", nil, Explicit},
		{"can a person in your office text me back about my case", "en", nil, Explicit},
		{"Rather than the automated answers, could a real assistant pick this up?", "en", nil, Explicit},
		{"我想直接跟你们老板说", "zh", nil, Explicit},
		{"能让售后师傅打我电话吗", "zh", nil, Explicit},
		{"사장님이랑 통화하고 싶어요", "ko", nil, Explicit},
		{"복잡해서 직원분 도움이 필요해요", "ko", nil, Explicit},
		{"누가 좀 제 주문 건 직접 확인해 주세요", "ko", nil, Explicit},
		{"connect me with the store please", "en", nil, Explicit},
		{"麻烦帮我对接一下售后", "zh", nil, Explicit},
		{"can you connect me with the store's wifi", "en", nil, ""},
		{"售后多久回复", "zh", nil, ""},
		{"will the courier text me before delivery", "en", nil, ""},
		{"can you email me the invoice", "en", nil, ""},
		{"someone texted me claiming to be from your shop", "en", nil, ""},
		{"will someone ring me to arrange the sofa delivery slot", "en", nil, ""},
		{"老板在吗？这件还有M码吗", "zh", nil, ""},
		{"你们老板人真好", "zh", nil, ""},
		{"사장님 계세요? 이거 재고 있나요", "ko", nil, ""},
		{"직원 도움 없이 조립할 수 있나요", "ko", nil, ""},
	})
}

// TestNotAcceptedIsNoDispleasure: "not accepted" (a card, a document) is a
// failure reported, not the displeasure "not acceptable" (both stem to
// "not accept", so the word group negative no longer holds "not
// acceptable"; the phrases' verdict cue reads it whole), and a status the
// customer read and asks about right after an answer is no confusion.
func TestNotAcceptedIsNoDispleasure(t *testing.T) {
	r := loadShipped(t)
	after := []session.Turn{{Role: "customer", Text: "(an earlier question)"}, {Role: "bot", Text: "(an answer)", Kind: "answer"}}
	checkReasons(t, r, []reasonCase{
		{"My card was not accepted.", "en", nil, ""},
		{"is a passport not acceptable as ID?", "en", nil, ""},
		{"honestly, the way this was handled is not acceptable", "en", nil, Complaint},
		{"I made a purchase and it says it's pending. What does that mean?", "en", after, ""},
		{"what does that mean?", "en", after, Confusion},
	})
}

// TestRunaroundAndRepeatsAreComplaints pins the hand7 complaint cues: a
// different story each time is the runaround (nobody), "not the first
// time" / 不是第一次 / "the second ... in a row" said beside a failure is a
// repeated failure, 申诉 is a formal complaint while asking how to make
// one (怎么申诉) stays a question, and the same words about buying again
// are no complaint.
func TestRunaroundAndRepeatsAreComplaints(t *testing.T) {
	r := loadShipped(t)
	checkReasons(t, r, []reasonCase{
		{"every time I call I'm given a different excuse", "en", nil, Complaint},
		{"每次打电话都给我不一样的答复", "zh", nil, Complaint},
		{"문의할 때마다 답변이 달라요", "ko", nil, Complaint},
		{"the parcel never arrived, and it's not the first time", "en", nil, Complaint},
		{"又没收到货，这已经不是第一次了", "zh", nil, Complaint},
		{"that's the third kettle in a row that arrived broken", "en", nil, Complaint},
		{"我要对这次的处理提出申诉", "zh", nil, Complaint},
		{"怎么申诉", "zh", nil, ""},
		{"can you tell me a different story for my kid", "en", nil, ""},
		{"这不是第一次买了，老客户有优惠吗", "zh", nil, ""},
		{"second order in a row from you, can I get a discount", "en", nil, ""},
		{"I've been passed from one department to another all morning", "en", nil, Complaint},
		{"오전 내내 이 부서 저 부서로 돌려지고 있어요", "ko", nil, Complaint},
		{"I'm writing to formally object to the restocking fee", "en", nil, Complaint},
		{"the legs don't match, one is a different colour, not what I paid for", "en", nil, Complaint},
		{"how do I formally dispute a charge", "en", nil, ""},
		{"is this not what I ordered? the box says size 9", "en", nil, ""},
		{"I went round in circles trying to find the size chart, where is it?", "en", nil, ""},
	})
}

// TestReplacementAndCorrectionHand7 pins the rest of hand7's changes: a
// Korean replacement that fails too is a repeated failure, praise of one
// is not a complaint (the layer had read 것도/받은 as complaint words);
// "get me whoever is in charge" asks for a person, "who is in charge"
// asks about one; right after an answer, "that doesn't tell me when" and
// 그게 아니라 ... are confusion.
func TestReplacementAndCorrectionHand7(t *testing.T) {
	r := loadShipped(t)
	after := []session.Turn{{Role: "customer", Text: "(an earlier question)"}, {Role: "bot", Text: "(an answer)", Kind: "answer"}}
	checkReasons(t, r, []reasonCase{
		{"새로 받았는데 이것도 고장이에요", "ko", nil, Complaint},
		{"교환 받은 것도 마음에 들어요", "ko", nil, ""},
		{"get me whoever handles refunds please", "en", nil, Explicit},
		{"who is in charge of returns?", "en", nil, ""},
		{"that doesn't tell me where my parcel is", "en", after, Confusion},
		{"그게 아니라 환불이 언제 되냐고요", "ko", after, Confusion},
	})
}

// reasonCase is one message and the handoff reason it should get ("" for
// none), judged with hist as the conversation so far.
type reasonCase struct {
	text, lang string
	hist       []session.Turn
	want       string
}

// checkReasons fails for each case whose handoff reason is not the one
// wanted, with the evidence.
func checkReasons(t *testing.T, r *Rules, cases []reasonCase) {
	t.Helper()
	for _, c := range cases {
		d := r.Detect(Input{Text: c.text, Lang: c.lang, History: c.hist})
		got := ""
		if d.Handoff {
			got = d.Reason
		}
		if got != c.want {
			t.Errorf("%q: handoff %q, want %q (evidence %v)", c.text, got, c.want, d.Evidence)
		}
	}
}
