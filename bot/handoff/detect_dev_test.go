package handoff

import (
	"strings"
	"testing"
)

// Issue 10, second round (2026-12-04): phrases that were too broad or too
// narrow, found on dev data (TestDetectDev).
func TestPhrasesFoundOnDevData(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		w          want
	}{
		// Ordinary words that a complaint cue used to take alone.
		{"tell me a joke", "en", want{}},
		{"can I leave a product review", "en", want{}},
		{"헤드폰 리뷰 있어요?", "ko", want{}},
		{"I had a terrible day at work", "en", want{}},
		{"the last time I ordered it came in two days, is it slower now", "en", want{}},
		// ... while the complaints they stood for still score.
		{"this company is a joke, I'm going to leave a bad review", "en", want{true, Complaint, []string{"(outrageous)", "(review)"}}},
		{"후기에 다 쓸게요 정말 최악이에요", "ko", want{true, Complaint, []string{"(review)"}}},
		// Asking what the bot is: answered honestly, not a request.
		{"are you a bot or a real person", "en", want{}},
		{"你是机器人吧", "zh", want{}},
		{"혹시 로봇이세요?", "ko", want{}},
		{"are you a bot? I want to talk to a person", "en", want{true, Explicit, []string{"explicit: "}}},
		// Chinese A-not-A questions ask; their 不/没 is not a negation
		// (since 2026-12-06 for every phrase, so the plain phrase matches).
		{"能不能转人工", "zh", want{true, Explicit, []string{"转人工"}}},
		{"有没有人工客服", "zh", want{true, Explicit, []string{"人工客服"}}},
		{"我不要转人工", "zh", want{}},
		// A Korean request that the identity words must not mask.
		{"사람이랑 이야기할게요", "ko", want{true, Explicit, []string{"explicit: "}}},
		// Indirect requests in English, and a look-alike.
		{"who could I chat to about this", "en", want{true, Explicit, []string{"explicit: "}}},
		{"is anyone available?", "en", want{true, Explicit, []string{"explicit: "}}},
		{"could one of your staff look into my case", "en", want{true, Explicit, []string{"explicit: "}}},
		{"is anyone available to sign for the parcel", "en", want{}},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, c.w)
	}
}

// Korean sentence endings are not features of the learned layer: they are
// politeness and mood, said of anything.
func TestKoreanEndingsAreNotFeatures(t *testing.T) {
	m := &model{feats: map[string]int32{}}
	m.features("네 알겠습니다 감사합니다", true)
	for f := range m.feats {
		if koEnding[f] {
			t.Errorf("feature %q is a Korean sentence ending", f)
		}
	}
	if _, ok := m.feats["감사"]; !ok {
		t.Errorf("content pair 감사 missing from %v", m.feats)
	}
	// Through the shipped rules: an acknowledgement is not a complaint.
	for _, s := range []string{"네 알겠습니다", "상자에 영수증이 없네요"} {
		if d := rules(t).Detect(Input{Text: s, Lang: "ko"}); d.Handoff {
			t.Errorf("Detect(%q) = %s: %s", s, d.Reason, strings.Join(d.Evidence, "; "))
		}
	}
}
