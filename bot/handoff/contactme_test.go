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
	for _, c := range []struct {
		text, lang, want string
	}{
		{"could someone from accounts drop me an email about the double charge please", "en", Explicit},
		{"can a person in your office text me back about my case", "en", Explicit},
		{"Rather than the automated answers, could a real assistant pick this up?", "en", Explicit},
		{"我想直接跟你们老板说", "zh", Explicit},
		{"能让售后师傅打我电话吗", "zh", Explicit},
		{"사장님이랑 통화하고 싶어요", "ko", Explicit},
		{"복잡해서 직원분 도움이 필요해요", "ko", Explicit},
		{"누가 좀 제 주문 건 직접 확인해 주세요", "ko", Explicit},
		{"connect me with the store please", "en", Explicit},
		{"麻烦帮我对接一下售后", "zh", Explicit},
		{"can you connect me with the store's wifi", "en", ""},
		{"售后多久回复", "zh", ""},
		{"will the courier text me before delivery", "en", ""},
		{"can you email me the invoice", "en", ""},
		{"someone texted me claiming to be from your shop", "en", ""},
		{"will someone ring me to arrange the sofa delivery slot", "en", ""},
		{"老板在吗？这件还有M码吗", "zh", ""},
		{"你们老板人真好", "zh", ""},
		{"사장님 계세요? 이거 재고 있나요", "ko", ""},
		{"직원 도움 없이 조립할 수 있나요", "ko", ""},
	} {
		d := r.Detect(Input{Text: c.text, Lang: c.lang})
		got := ""
		if d.Handoff {
			got = d.Reason
		}
		if got != c.want {
			t.Errorf("%q: handoff %q, want %q (evidence %v)", c.text, got, c.want, d.Evidence)
		}
	}
}

// TestNotAcceptedIsNoDispleasure: "not accepted" (a card, a document) is a
// failure reported, not the displeasure "not acceptable" (both stem to
// "not accept", so the word group negative no longer holds "not
// acceptable"; the phrases' verdict cue reads it whole), and a status the
// customer read and asks about right after an answer is no confusion.
func TestNotAcceptedIsNoDispleasure(t *testing.T) {
	r := loadShipped(t)
	after := []session.Turn{{Role: "customer", Text: "(an earlier question)"}, {Role: "bot", Text: "(an answer)", Kind: "answer"}}
	for _, c := range []struct {
		text string
		hist []session.Turn
		want string
	}{
		{"My card was not accepted.", nil, ""},
		{"is a passport not acceptable as ID?", nil, ""},
		{"honestly, the way this was handled is not acceptable", nil, Complaint},
		{"I made a purchase and it says it's pending. What does that mean?", after, ""},
		{"what does that mean?", after, Confusion},
	} {
		d := r.Detect(Input{Text: c.text, Lang: "en", History: c.hist})
		got := ""
		if d.Handoff {
			got = d.Reason
		}
		if got != c.want {
			t.Errorf("%q: handoff %q, want %q (evidence %v)", c.text, got, c.want, d.Evidence)
		}
	}
}

// TestRunaroundAndRepeatsAreComplaints pins the hand7 complaint cues: a
// different story each time is the runaround (nobody), "not the first
// time" / 不是第一次 / "the second ... in a row" said beside a failure is a
// repeated failure, 申诉 is a formal complaint while asking how to make
// one (怎么申诉) stays a question, and the same words about buying again
// are no complaint.
func TestRunaroundAndRepeatsAreComplaints(t *testing.T) {
	r := loadShipped(t)
	for _, c := range []struct {
		text, lang, want string
	}{
		{"every time I call I'm given a different excuse", "en", Complaint},
		{"每次打电话都给我不一样的答复", "zh", Complaint},
		{"문의할 때마다 답변이 달라요", "ko", Complaint},
		{"the parcel never arrived, and it's not the first time", "en", Complaint},
		{"又没收到货，这已经不是第一次了", "zh", Complaint},
		{"that's the third kettle in a row that arrived broken", "en", Complaint},
		{"我要对这次的处理提出申诉", "zh", Complaint},
		{"怎么申诉", "zh", ""},
		{"can you tell me a different story for my kid", "en", ""},
		{"这不是第一次买了，老客户有优惠吗", "zh", ""},
		{"second order in a row from you, can I get a discount", "en", ""},
		{"I've been passed from one department to another all morning", "en", Complaint},
		{"오전 내내 이 부서 저 부서로 돌려지고 있어요", "ko", Complaint},
		{"I'm writing to formally object to the restocking fee", "en", Complaint},
		{"the legs don't match, one is a different colour, not what I paid for", "en", Complaint},
		{"how do I formally dispute a charge", "en", ""},
		{"is this not what I ordered? the box says size 9", "en", ""},
		{"I went round in circles trying to find the size chart, where is it?", "en", ""},
	} {
		d := r.Detect(Input{Text: c.text, Lang: c.lang})
		got := ""
		if d.Handoff {
			got = d.Reason
		}
		if got != c.want {
			t.Errorf("%q: handoff %q, want %q (evidence %v)", c.text, got, c.want, d.Evidence)
		}
	}
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
	for _, c := range []struct {
		text, lang string
		hist       []session.Turn
		want       string
	}{
		{"새로 받았는데 이것도 고장이에요", "ko", nil, Complaint},
		{"교환 받은 것도 마음에 들어요", "ko", nil, ""},
		{"get me whoever handles refunds please", "en", nil, Explicit},
		{"who is in charge of returns?", "en", nil, ""},
		{"that doesn't tell me where my parcel is", "en", after, Confusion},
		{"그게 아니라 환불이 언제 되냐고요", "ko", after, Confusion},
	} {
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
