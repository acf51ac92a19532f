package handoff

import (
	"strings"
	"testing"
	"testing/fstest"
)

// cueRules is minimal with a weight-0 cue group "again" (a concept for the
// learned layer only) and a small examples file in which only English
// complaints say "again", "twice" or "once more".
func cueRules(againWords string) fstest.MapFS {
	yaml := strings.Replace(minimal, `      en: [awful]
`, `      en: [awful]
    - name: again
      weight: 0
      en: [`+againWords+`]
      ko: [또, 매번]
`, 1) + "learned:\n  examples: ex.yaml\n  explicit: 0.9\n  complaint: 0.3\n  confusion: 0.9\n"
	const examples = `explicit:
  en: [can I talk to a person, put me through to your staff]
complaint:
  en: [the parcel is late again, it broke twice, the wrong size once more, my card was declined twice, nobody answered again, once more no refund, the app crashed again, charged twice for one order, the lid leaked once more, sent to the old address again, the coupon failed twice, once more the driver skipped us, billed twice this month, the zip snapped once more, missing a sock again, rang twice with no answer, once more the wrong colour, the tracking froze again, delivered next door twice, once more a dented tin, refused at the till again, the screen cracked twice, once more nothing arrived, waiting on hold again]
confusion:
  en: [I don't follow, what do you mean]
none:
  en: [how much is shipping, where is my order, can I pay by card, do you ship abroad, what sizes do you have, is the shop open on sunday, how do I reset my password, which colours are left]
  ko: [배송비 얼마예요, 주문 어디쯤이에요, 카드 결제 되나요, 해외 배송 되나요]
`
	return fstest.MapFS{
		"p/handoff.yaml": {Data: []byte(yaml)},
		"p/ex.yaml":      {Data: []byte(examples)},
	}
}

// The complaint cue groups are features of the learned layer: what the
// examples teach about one wording of a group carries over to its other
// wordings and languages, which the words alone cannot do. Here the
// examples say only "again", "twice" and "once more"; "every time" and Korean 매번 (words the layer
// never saw in any example) are complaints through the group, and the
// evidence names it. Failed before the fifth pass (2026-12-06): the layer
// knew none of these words and did not judge.
func TestLearnedLayerLearnsFromCueGroups(t *testing.T) {
	r, probs := LoadRules(cueRules(`again, twice, 'once more', 'every time'`), "p/handoff.yaml")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	for _, c := range []struct{ text, lang string }{
		{"this happens every time", "en"},
		{"매번 이래요", "ko"},
	} {
		d := r.Detect(Input{Text: c.text, Lang: c.lang})
		if !d.Handoff || d.Reason != Complaint || !strings.Contains(d.Evidence[0], `"cue:again"`) {
			t.Errorf("Detect(%q) = %+v, want a learned complaint naming cue:again", c.text, d)
		}
	}
	// An ordinary question with none of the group's words stays ordinary.
	if d := r.Detect(Input{Text: "which sizes are left in blue", Lang: "en"}); d.Handoff {
		t.Errorf("ordinary question handed off: %+v", d)
	}
}

// The cue groups are training data: an edit in handoff.yaml that changes
// which examples a group finds retrains the layer instead of reusing the
// model cached for the old groups.
func TestCueEditRetrains(t *testing.T) {
	a, probs := LoadRules(cueRules(`again, twice, 'once more', 'every time'`), "p/handoff.yaml")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	b, probs := LoadRules(cueRules(`again`), "p/handoff.yaml") // "twice" and "once more" left out
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if a.learned.m == b.learned.m {
		t.Fatal("a cue group that finds other examples reused the cached model")
	}
	if d := b.Detect(Input{Text: "this happens every time", Lang: "en"}); d.Handoff {
		t.Errorf("without 'every time' in the group: %+v", d)
	}
}
