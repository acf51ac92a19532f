package handoff

import (
	"strings"
	"testing"
)

// A calm question about a problem (complaint.combos calm_question, marked
// calms_learned) is not a complaint, and the learned layer may not rule it
// back in: it sees "been waiting", not the "can you help" around it.
func TestCalmQuestionCalmsTheLearnedLayer(t *testing.T) {
	r := loadShipped(t)
	const s = "can you help me, I have really been waiting since this morning for my top up"
	v, _ := r.learned.judge(s)
	if !r.learned.fires(v, clComplaint) {
		t.Fatalf("test bug: the learned layer alone no longer calls %q a complaint (p %.2f); pick a message it does", s, v.p[clComplaint])
	}
	if _, ev := r.Complaint(s); !strings.Contains(strings.Join(ev, "|"), "(calm_question)") {
		t.Fatalf("test bug: calm_question is not among the cues of %q: %q", s, ev)
	}
	if d := r.Detect(Input{Text: s, Lang: "en"}); d.Handoff {
		t.Errorf("Detect(%q) hands off: %q", s, d.Evidence)
	}
	// Anger next to the same question is no calm question: the phrases
	// or the layer hand off.
	const angry = "can you help me, I have been waiting for weeks and this is ridiculous"
	if d := r.Detect(Input{Text: angry, Lang: "en"}); !d.Handoff || d.Reason != Complaint {
		t.Errorf("Detect(%q) = %v %q, want a complaint", angry, d.Handoff, d.Evidence)
	}
}

// Without calms_learned (or with false) the combo only weighs.
func TestCalmsLearnedIsOptional(t *testing.T) {
	for _, v := range []string{"", ", calms_learned: false", ", calms_learned: true"} {
		r, probs := load(t, strings.Replace(minimal, "confusion:\n", "  combos:\n    - {name: both, weight: 1, when: [awful, awful]"+v+"}\nconfusion:\n", 1))
		if len(probs) != 0 {
			t.Fatalf("%q: problems %v", v, probs)
		}
		if got, want := r.complaint.combos[0].calms, v == ", calms_learned: true"; got != want {
			t.Errorf("%q: calms = %v, want %v", v, got, want)
		}
	}
	_, probs := load(t, strings.Replace(minimal, "confusion:\n", "  combos:\n    - {name: both, weight: 1, when: [awful, awful], calms_learned: yes please}\nconfusion:\n", 1))
	if len(probs) != 1 || !strings.Contains(probs[0].String(), `complaint.combos.both.calms_learned: expected true or false, got "yes please"`) {
		t.Errorf("problems %q, want one about calms_learned", probs)
	}
}
