package handoff

import (
	"strings"
	"testing"
)

// Requests for a person worded indirectly and confusion right after an
// answer, caught by patterns written on 2026-12-07 (issue 10). The lines
// are new wordings, not taken from the dev sets the patterns were tuned
// on (testdata/dev/indirect_fresh2.yaml, confusion_fresh2.yaml); each
// names the rule or layer that decided it.
func TestIndirectRequestsAndConfusionByPattern(t *testing.T) {
	after := afterAnswer
	for _, c := range []struct {
		text, lang string
		after      bool
		w          want
	}{
		// A person, described rather than demanded.
		{"I just need to run this past a human being", "en", false, want{true, Explicit, []string{"explicit"}}},
		{"could I have a staff member look into my return", "en", false, want{true, Explicit, []string{"handoff.yaml:"}}},
		{"honestly tired of the machine, can't sort it here", "en", false, want{true, Explicit, []string{"handoff.yaml:"}}},
		{"I'd prefer not to do this with a chatbot", "en", false, want{true, Explicit, []string{"handoff.yaml:"}}},
		{"one quick call would settle all of this", "en", false, want{true, Explicit, []string{"handoff.yaml:"}}},
		{"please loop in a colleague", "en", false, want{true, Explicit, []string{"handoff.yaml:"}}},
		{"这事只能找个人商量一下了", "zh", false, want{true, Explicit, []string{"handoff.yaml:"}}},
		{"不想再跟机器人打字了", "zh", false, want{true, Explicit, []string{"handoff.yaml:"}}},
		{"상담사님 계신가요?", "ko", false, want{true, Explicit, []string{"handoff.yaml:"}}},
		{"진짜 직원분 안 계세요?", "ko", false, want{true, Explicit, []string{"handoff.yaml:"}}},
		{"honestly this is too complex for a chatbot", "en", false, want{true, Explicit, []string{"handoff.yaml:"}}},
		{"I'd like a quick call regarding my refund", "en", false, want{true, Explicit, []string{"handoff.yaml:"}}},
		// ... and what only looks like one.
		{"does the shop have someone who can engrave the ring?", "en", false, want{}},
		{"do real people wrap the flowers?", "en", false, want{}},
		{"is the embroidery stitched by a real person or a machine?", "en", false, want{}},
		{"do actual customers write the reviews on your site?", "en", false, want{}},
		{"지난번 상담사 성함을 알 수 있을까요?", "ko", false, want{}},
		{"I don't want automatic top-up on my card", "en", false, want{}},
		// Confusion about the last answer.
		{"not sure that I understand", "en", true, want{true, Confusion, []string{"confusion: "}}},
		{"that doesn't tell me much", "en", true, want{true, Confusion, []string{"confusion: "}}},
		{"can you put it more simply", "en", true, want{true, Confusion, []string{"confusion: "}}},
		{"hmm, you've confused me", "en", true, want{true, Confusion, []string{"confusion: "}}},
		{"this didn't solve the problem", "en", true, want{true, Confusion, []string{"confusion: "}}},
		{"我问的是运费", "zh", true, want{true, Confusion, []string{"confusion: "}}},
		{"这跟没说一样，等于没说", "zh", true, want{true, Confusion, []string{"confusion: "}}},
		{"제가 물어본 건 배송비예요", "ko", true, want{true, Confusion, []string{"confusion: "}}},
		{"별로 도움 안 되네요", "ko", true, want{true, Confusion, []string{"confusion: "}}},
		// ... not as a first message, and not an ordinary follow-up.
		{"我问的是运费", "zh", false, want{}},
		{"那我直接寄回去就行吗", "zh", true, want{}},
		{"그럼 환불은 카드로 들어오나요?", "ko", true, want{}},
		{"thanks, that tells me what I needed", "en", true, want{}},
	} {
		in := Input{Text: c.text, Lang: c.lang}
		if c.after {
			in.History = after
		}
		check(t, in, c.w)
	}
}

// Right after an answer, "it is useless" is about that answer: confusion
// is the reason over a complaint the phrases graded only from those words
// (confusion.over_complaint), and both are evidence. Anger grades higher
// and stays the complaint.
func TestConfusionOverMildComplaintAfterAnAnswer(t *testing.T) {
	d := check(t, Input{Text: "this answer is useless", Lang: "en", History: afterAnswer},
		want{true, Confusion, []string{"confusion", "complaint: score"}})
	if len(d.Evidence) < 2 {
		t.Errorf("evidence %q: want the confusion and the complaint", d.Evidence)
	}
	check(t, Input{Text: "this is useless, third time I ask and still nothing!!!", Lang: "en", History: afterAnswer},
		want{true, Complaint, []string{"complaint: score"}})
	// As a first message there is no answer to be confused by.
	check(t, Input{Text: "this answer is useless", Lang: "en"}, want{true, Complaint, []string{"complaint: score"}})
	// Off (0), the complaint is the reason as before.
	r := *rules(t)
	r.overComplaint = 0
	if d := r.Detect(Input{Text: "this answer is useless", Lang: "en", History: afterAnswer}); d.Reason != Complaint {
		t.Errorf("over_complaint 0: reason %q, want complaint (%q)", d.Reason, d.Evidence)
	}
}

// A fix that did not work stays a complaint right after the answer
// (confusion.complaint_first: persist), and complaint_first names cue
// groups that exist.
func TestComplaintFirstCues(t *testing.T) {
	check(t, Input{Text: "照你说的试了，还是不行", Lang: "zh", History: afterAnswer},
		want{true, Complaint, []string{"(persist)"}})
	y := strings.Replace(minimal, "  after_bot: true\n", "  after_bot: true\n  over_complaint: 0.55\n  complaint_first: [awful, nosuch]\n", 1)
	r, probs := load(t, y)
	if r == nil || len(probs) != 1 || !strings.Contains(probs[0].String(), `"nosuch" is not the name of a cue group`) {
		t.Fatalf("problems %v, want one about nosuch", probs)
	}
	if len(r.complaintFirst) != 1 || r.complaint.cues[r.complaintFirst[0]].name != "awful" {
		t.Errorf("complaintFirst = %v", r.complaintFirst)
	}
}
