package handoff

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// A first unreasonable demand with a threat as its leverage ("50% off or
// I'll leave a bad review") gets the soft refusal, not a handoff: the
// threat waits (demand.leverage). Anger beside it, a threat to sue, or the
// threat again after the refusal hand off (lead, 2026-12-06).
func TestDemandLeverageWaitsForTheRefusal(t *testing.T) {
	r := rules(t)
	for _, c := range []struct {
		text, lang string
		after      bool // right after the soft refusal
		handoff    bool
	}{
		{"50% off or I'll leave a bad review", "en", false, false},
		{"give me half price or I'm posting about you on social media", "en", false, false},
		{"I want a full refund AND free shipping on my next 10 orders, otherwise I'm posting about you everywhere", "en", false, false},
		{"打五折，不然我给差评", "zh", false, false},
		{"반값으로 해 주세요 아니면 별점 테러할 거예요", "ko", false, false},
		// Anger beside the demand, or a threat to sue: a person now.
		{"this is a joke, 50% off or I'll leave a bad review", "en", false, true},
		{"90% off or I'll sue", "en", false, true},
		// After the refusal, the threat made good on is a complaint.
		{"fine, then I'll leave a bad review", "en", true, true},
		{"50% off or I'll leave a bad review", "en", true, true},
		{"那我就给差评", "zh", true, true},
	} {
		d := r.Detect(Input{Text: c.text, Lang: c.lang, AfterRefusal: c.after})
		if d.Handoff != c.handoff || (c.handoff && d.Reason != Complaint) {
			t.Errorf("Detect(%q, after refusal %v) = handoff %v %q, want %v complaint; evidence %q, demand %q", c.text, c.after, d.Handoff, d.Reason, c.handoff, d.Evidence, d.Demand)
			continue
		}
		if !c.after && !c.handoff && !strings.Contains(d.Demand, "waits for the refusal") {
			t.Errorf("Detect(%q): demand %q does not say its leverage waits", c.text, d.Demand)
		}
	}
}

// demand.leverage names complaint cues or combos; anything else is
// reported where it is written, and the known names still hold.
func TestDemandLeverageNamesCues(t *testing.T) {
	data, err := os.ReadFile("../../prompts/handoff.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const line = "leverage: [review, review_intent, review_threat, leave]"
	src := string(data)
	at := strings.Index(src, line)
	if at < 0 {
		t.Fatalf("handoff.yaml has no %q", line)
	}
	want := fmt.Sprintf("handoff.yaml:%d:", strings.Count(src[:at], "\n")+1)
	src = strings.Replace(src, line, "leverage: [review, revenge, review_intent, review_threat, leave]", 1)
	r, probs := parseRules("handoff.yaml", []byte(src))
	if len(probs) != 1 || !strings.HasPrefix(probs[0].String(), want) || !strings.Contains(probs[0].String(), `"revenge"`) {
		t.Fatalf("problems %v, want one at %s naming revenge", probs, want)
	}
	if d := r.Detect(Input{Text: "50% off or I'll leave a bad review", Lang: "en"}); d.Handoff || d.Demand == "" {
		t.Errorf("the known names no longer hold: %+v", d)
	}
}
