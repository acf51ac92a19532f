package handoff

import "testing"

// Issue 10's false handoffs (2026-12-07): ordinary customers the complaint
// rules handed off for a word they did not mean as their own complaint. A
// procedure question about claims or complaints is calm (complain_how,
// procedure_topic, procedure_channel); a third party's complaint is not the customer's
// (complaint.unless); a verdict word asked about, or a term whose meaning
// is asked, is not a verdict (verdict_question, irony's =means). The four
// known cases come first; the rest are lines written for this test (none
// from the dev or held-out sets), and the lines after them show that the
// same words said as the customer's own complaint, or next to anger, a
// wait or blame, still hand off, and so do the real complaints the first
// cut of these fixes lost (review, 2026-12-07).
func TestFalseHandoffsIssue10(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		// The known false handoffs on main.
		{"怎么找快递公司索赔？", "zh", want{}},
		{"제품 불만은 어디에 접수하나요?", "ko", want{}},
		{"my neighbour complained about the noise of the fan, is there a quieter model?", "en", want{}},
		{"is the answer useless for returns too?", "en", want{}},
		// The same kinds, other wordings.
		{"如何向物流公司申请理赔", "zh", want{}},
		{"怎么向顺丰索赔", "zh", want{}},
		{"서비스 불만사항은 어떻게 접수하나요?", "ko", want{}},
		{"our downstairs neighbours keep complaining about the washer, does it have a quiet mode?", "en", want{}},
		{"some reviews complain about the lid, has it been changed?", "en", want{}},
		{"楼下邻居一直投诉声音大，有静音款吗？", "zh", want{}},
		{"이웃이 소음 때문에 항의했어요, 더 조용한 모델 있나요?", "ko", want{}},
		{"would the voucher be useless if I change the size?", "en", want{}},
		{"退货也没用吗？", "zh", want{}},
		{"what does next day delivery mean exactly?", "en", want{}},
		{"how do I file a complaint about a seller on your marketplace?", "en", want{}},
		{"how do I make a claim on your warranty?", "en", want{}},
		{"where do I send a complaint about a lamp on your app?", "en", want{}},
		// Asking leave to complain with a procedure word, or our website as
		// the channel, naming no failure or staff (review of the fixes).
		{"can I complain online?", "en", want{}},
		{"could I file a complaint about a product, which form do I use?", "en", want{}},
		{"can I complain about a product on your website?", "en", want{}},
		// Against us, angry, or the customer's own: still a complaint.
		{"怎么找你们索赔", "zh", want{true, Complaint, []string{"(legal)"}}},
		{"직원 불만은 어디에 접수하나요", "ko", want{true, Complaint, []string{"(disappointed)"}}},
		{"기사님 항의는 어디에 접수하나요?", "ko", want{true, Complaint, []string{"(legal)"}}},
		{"how do I complain about your driver on your website", "en", want{true, Complaint, []string{"(legal)"}}},
		{"can I complain about you?", "en", want{true, Complaint, []string{"(legal)"}}},
		{"my order is late again, how do I complain on your website", "en", want{true, Complaint, []string{"(repeated_failure)"}}},
		{"제품 불만은 어디에 접수하나요? 진짜 짜증나요", "ko", want{true, Complaint, []string{"(disappointed)"}}},
		{"I complained last week and nobody answered", "en", want{true, Complaint, []string{"(legal)"}}},
		{"my neighbour complained about your driver, he was so rude", "en", want{true, Complaint, []string{"(rude)"}}},
		{"is your app useless for everyone too??", "en", want{true, Complaint, []string{"(outrageous)"}}},
		{"this answer is useless", "en", want{true, Complaint, []string{"(outrageous)"}}},
		{"next day delivery means a week apparently", "en", want{true, Complaint, []string{"(irony)"}}},
		// The review of these fixes (2026-12-07): real complaints main hands
		// off that the first cut lost. Asking leave to complain is the wish
		// itself; the channel named beside a failure or one of the staff;
		// a third party's complaint the customer agrees with or that is
		// about our service; against us in Chinese and Korean; a failure
		// reported beside a procedure question.
		{"can I lodge a complaint about the late delivery please", "en", want{true, Complaint, []string{"(legal)"}}},
		{"could I make a complaint about the way my return was handled", "en", want{true, Complaint, []string{"(legal)"}}},
		{"may I file a complaint regarding my last order", "en", want{true, Complaint, []string{"(legal)"}}},
		{"can I file a complaint about my order?", "en", want{true, Complaint, []string{"(legal)"}}},
		{"can I make a complaint about the service I got in store today?", "en", want{true, Complaint, []string{"(legal)"}}},
		{"can I complain about the delivery driver?", "en", want{true, Complaint, []string{"(legal)"}}},
		{"can I complain about the cake I received this morning?", "en", want{true, Complaint, []string{"(legal)"}}},
		{"how do I complain about the broken lamp through your app", "en", want{true, Complaint, []string{"(legal)"}}},
		{"how do I complain on your website about the courier who left my parcel in the rain", "en", want{true, Complaint, []string{"(legal)"}}},
		{"how do I make a complaint via your app about the store staff", "en", want{true, Complaint, []string{"(legal)"}}},
		{"아이 장난감이 부러져서 항의하고 싶어요", "ko", want{true, Complaint, []string{"(legal)"}}},
		{"she complained that the cake was stale, and honestly so am I", "en", want{true, Complaint, []string{"(legal)"}}},
		{"my wife complained about the customer service she got yesterday and she's right", "en", want{true, Complaint, []string{"(legal)"}}},
		{"people complain about your customer service for a reason", "en", want{true, Complaint, []string{"(legal)"}}},
		{"如何向贵公司索赔", "zh", want{true, Complaint, []string{"(legal)"}}},
		{"怎么找厂家索赔？你们卖的是假货", "zh", want{true, Complaint, []string{"(legal)"}}},
		{"怎么向店长投诉这个店员？", "zh", want{true, Complaint, []string{"(legal)"}}},
		{"점원 불만은 어디에 접수하나요?", "ko", want{true, Complaint, []string{"(disappointed)"}}},
		{"판매원 불만은 어디에 접수하나요?", "ko", want{true, Complaint, []string{"(disappointed)"}}},
		{"배달원 불만은 어디에 접수하나요?", "ko", want{true, Complaint, []string{"(disappointed)"}}},
		{"배송기사 불만은 어디에 접수하나요?", "ko", want{true, Complaint, []string{"(disappointed)"}}},
		{"怎么向商家索赔？东西坏了", "zh", want{true, Complaint, []string{"(legal)"}}},
		{"怎么跟快递公司投诉，他们把包裹扔在门口了", "zh", want{true, Complaint, []string{"(legal)"}}},
		{"怎么找物流公司投诉，我的包裹被摔坏了", "zh", want{true, Complaint, []string{"(legal)"}}},
		{"what does express shipping mean in practice, because mine took 10 days", "en", want{true, Complaint, []string{"(irony)"}}},
		{"how do I file a complaint about an agent on your helpline", "en", want{true, Complaint, []string{"(legal)"}}},
		{"how do I file a complaint about the service on your end", "en", want{true, Complaint, []string{"(legal)"}}},
		{"how do I file a complaint about the delivery on your side", "en", want{true, Complaint, []string{"(legal)"}}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}
