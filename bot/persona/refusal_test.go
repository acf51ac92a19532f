package persona

import (
	"strings"
	"testing"
)

// What we say when our pages have no answer is our uncertainty, not the
// customer's problem (QA walk 2026-12-06 session 3, items 16 and 21): no
// "Good question!" before "I don't know", and a person offered ("I can
// ask a colleague if you like"), never asserted ("this one seems to need
// a person"). Every wording of every such message, in every language.
func TestRefusalsNeitherPraiseNorAssertAPersonIsNeeded(t *testing.T) {
	p, _ := loadReal(t)
	banned := []string{
		"Good question", "Great question", "need a person", "needs a person",
		"问得好", "好问题", "需要同事来处理", "最好由",
		"좋은 질문", "상담원이 직접 도와드리는 게 좋겠", "가장 좋아요",
	}
	for _, lang := range realLangs {
		for _, key := range []string{"unknown_topics", "unknown", "offer_person", "followup_person", "rephrase_topics", "rephrase", "thanks_after_miss"} {
			n := p.Variants(lang, key)
			if n == 0 {
				t.Errorf("%s %s: no wording", lang, key)
			}
			for i := range n {
				out := p.Say(lang, key, Data{Topics: []string{"a", "b"}, Seed: i})
				for _, b := range banned {
					if strings.Contains(out, b) {
						t.Errorf("%s %s wording %d says %q: %q", lang, key, i+1, b, out)
					}
				}
			}
		}
	}
}

// Korean particles written in both forms are resolved by the word before
// them (QA walk 2026-12-06 session 3, item 2): the customer never sees
// "은(는)".
func TestKoreanParticlesFollowTheWordBefore(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"“미국 밖으로도 보내요”은(는) 없어요", "“미국 밖으로도 보내요”는 없어요"},
		{"“네이버페이”은(는) 없어요", "“네이버페이”는 없어요"},
		{"“계좌이체”은(는) 없어요", "“계좌이체”는 없어요"},
		{"“현금 결제”은(는) 없어요", "“현금 결제”는 없어요"},
		{"“착불”은(는) 없어요", "“착불”은 없어요"},
		{"“상품권”이(가) 없어요", "“상품권”이 없어요"},
		{"“PayPal”을(를) 써요", "“PayPal”을 써요"},
		{"“Venmo”을(를) 써요", "“Venmo”를 써요"},
		{"서울(으)로 보내요", "서울로 보내요"},
		{"부산(으)로 보내요", "부산으로 보내요"},
		{"제주도(으)로 보내요", "제주도로 보내요"},
		{"3과(와) 5", "3과 5"},
		{"2과(와) 5", "2와 5"},
		{"no placeholder (here)", "no placeholder (here)"},
	} {
		if got := withParticles("ko", c.in); got != c.want {
			t.Errorf("withParticles(%q) = %q; want %q", c.in, got, c.want)
		}
	}
	if got := withParticles("en", "“x”은(는)"); got != "“x”은(는)" {
		t.Errorf("English text changed: %q", got)
	}
	// Every shipped Korean message, rendered, has none left.
	p, _ := loadReal(t)
	for _, key := range Keys() {
		for i := range p.Variants("ko", key) {
			for _, topic := range []string{"카카오페이", "계좌이체", "PayPal", "착불"} {
				out := p.Say("ko", key, Data{Topics: []string{topic}, Seed: i})
				for _, w := range particles {
					if strings.Contains(out, w.written) {
						t.Errorf("ko %s wording %d shows %q: %q", key, i+1, w.written, out)
					}
				}
			}
		}
	}
}
