package handoff

import (
	"os"
	"strings"
	"testing"
)

// A calm question about a problem is a question for the bot: the report
// words in it (waiting, still, a failure, "your system") do not make it a
// complaint (calm_question in prompts/handoff.yaml, 2026-12-06). The same
// words in a report that asks nothing, or next to anger, "why" or "??",
// still count.
func TestCalmQuestionIsNotAComplaint(t *testing.T) {
	r := rules(t)
	for _, s := range []string{
		"I have been waiting over a week. Is the card still coming?",
		"Is there a problem with your system? My transfer keeps failing.",
		"my top-up has disappeared, can you help me fix this glitch problem?",
		"the parcel is late, when will it get here?",
		// Thanks, not the irony "so much for".
		"thank you so much for your help",
		// Asking for help, not the disbelief "how can you".
		"how can you assist me with a top-up",
		// awful's stem is "aw": "aws" and "aw" are not awful.
		"how do i check what is new in aws",
		"aw sorry I missed it!",
	} {
		if d := r.Detect(Input{Text: s, Lang: "en"}); d.Handoff {
			t.Errorf("Detect(%q) hands off: %s", s, strings.Join(d.Evidence, " | "))
		}
	}
	for _, s := range []string{
		"I have been waiting over a week and the card still hasn't come",
		"Is the card still coming?? I have been waiting over a week",
		"why is the card still not here, I have been waiting two weeks",
		"are you kidding? I have been waiting two weeks for the card",
	} {
		score, ev := r.Complaint(s)
		if score < r.complaint.threshold {
			t.Errorf("Complaint(%q) = %.2f < %.2f: %q", s, score, r.complaint.threshold, ev)
		}
	}
	if _, ev := r.Complaint("the app is awful"); !strings.Contains(strings.Join(ev, " "), "(awful)") {
		t.Errorf("awful: evidence %q", ev)
	}
	// The evidence names the combo when it takes a complaint back.
	if _, ev := r.Complaint("I have been waiting over a week. Is the card still coming?"); !strings.Contains(strings.Join(ev, " "), "(calm_question)") {
		t.Errorf("evidence %q does not name calm_question", ev)
	}
}

// A combo part written !a|b is present when none of a, b moved the score;
// parts may name the marks exclaim, caps and qmarks (calm_question in the
// shipped file does); a combo needs one part that is present.
func TestComboAbsentParts(t *testing.T) {
	raw, err := os.ReadFile("../../prompts/handoff.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, probs := parseRules("handoff.yaml", raw); len(probs) > 0 {
		t.Fatalf("shipped file: %v", probs)
	}
	bad := strings.Replace(string(raw), "  combos:\n", "  combos:\n    - {name: nothing, weight: -1, when: ['!awful', '!angry|qmarks']}\n", 1)
	_, probs := parseRules("handoff.yaml", []byte(bad))
	if len(probs) != 1 || !strings.Contains(probs[0].String(), "at least one part must be present") {
		t.Errorf("a combo of absent parts only: problems %v", probs)
	}
	bad = strings.Replace(string(raw), "  combos:\n", "  combos:\n    - {name: nothing, weight: -1, when: [awful, '!nope']}\n", 1)
	if _, probs := parseRules("handoff.yaml", []byte(bad)); len(probs) != 1 || !strings.Contains(probs[0].String(), `"nope" is not the name of a cue`) {
		t.Errorf("an unknown absent part: problems %v", probs)
	}
}

// Indirect requests for a person by their structure (a person of the
// company's + being there, being asked to act, or a way to talk), and
// ordinary questions with the same words (2026-12-06).
func TestIndirectRequestStructure(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		{"is there a manager on duty this evening", "en", want{true, Explicit, []string{"explicit: "}}},
		{"is there somebody we could talk to about the invoice", "en", want{true, Explicit, []string{"explicit: "}}},
		{"could a real human look at my refund please", "en", want{true, Explicit, []string{"explicit: "}}},
		{"please ask one of your colleagues to call me", "en", want{true, Explicit, []string{"explicit: "}}},
		{"can somebody give me a ring this afternoon", "en", want{true, Explicit, []string{"explicit: "}}},
		{"我想和你们的负责人沟通一下", "zh", want{true, Explicit, []string{"explicit: "}}},
		{"这事交给工作人员处理吧", "zh", want{true, Explicit, []string{"explicit: "}}},
		{"有没有值班的工作人员在", "zh", want{true, Explicit, []string{"explicit: "}}},
		{"지금 통화 가능한 분 계세요?", "ko", want{true, Explicit, []string{"explicit: "}}},
		{"누가 저한테 연락 좀 해 주세요", "ko", want{true, Explicit, []string{"explicit: "}}},
		// Look-alikes.
		{"are any sizes available in blue", "en", want{}},
		{"can a colleague pick up my parcel for me", "en", want{}},
		{"give me a call when it ships", "en", want{}},
		{"can I get a callback number for the courier", "en", want{}},
		{"was it checked by a person before shipping", "en", want{}},
		{"有没有人用过这个耳机", "zh", want{}},
		{"交给快递员就行吗", "zh", want{}},
		{"这个价格让人很满意", "zh", want{}},
		{"상담 후 분실 신고 확인 가능한가요", "ko", want{}},
		{"30분 정도 걸리나요", "ko", want{}},
		{"전화로 주문 가능해요?", "ko", want{}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}

// A Chinese A-not-A question (能不能, 有没有) asks; its 不/没 does not
// negate what follows, while a plain 不/没 still does.
func TestANotAIsNotANegation(t *testing.T) {
	for _, c := range []struct {
		text string
		w    want
	}{
		{"能不能找个人跟我聊聊", want{true, Explicit, []string{"找个人"}}},
		{"可不可以找个人帮我", want{true, Explicit, []string{"找个人"}}},
		{"我不想找个人聊", want{}},
		{"没找人工", want{}},
	} {
		check(t, Input{Text: c.text, Lang: "zh"}, c.w)
	}
}
