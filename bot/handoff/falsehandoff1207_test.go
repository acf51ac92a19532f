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
// wait or blame, still hand off.
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
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}
