package handoff

import (
	"strings"
	"testing"
)

// False handoffs a reviewer found on 2026-12-04 in that day's handoff
// changes (lowered zh/ko learned thresholds, broad indirect-request
// phrases, review intents weighted as threats, Korean -ㅂ니다 pairs learned
// as features), and the requests and threats those changes were for,
// which must still hand off. Run against the shipped rules.
func TestReviewFoundFalseHandoffs(t *testing.T) {
	for _, c := range []struct{ text, lang string }{
		// H1: thanks, acknowledgements and praise in Chinese and Korean.
		{"好的知道了", "zh"},
		{"谢谢你们", "zh"},
		{"谢谢你们的帮助", "zh"},
		{"好的，谢谢你们", "zh"},
		{"你们的客服真的很好", "zh"},
		{"정말 감사합니다!", "ko"},
		{"정말 고맙습니다", "ko"},
		{"정말 친절하시네요 너무 감사해요", "ko"},
		// H2: ordinary English sentences with "anyone", "someone",
		// "colleague", "your staff".
		{"Is there anybody here who has used this?", "en"},
		{"is anyone around here selling the blue one", "en"},
		{"is somebody there to sign for the parcel?", "en"},
		{"I'll email someone the gift card", "en"},
		{"does the courier call anyone before delivery?", "en"},
		{"can I transfer it to a colleague?", "en"},
		{"can I pass this to a colleague as a gift?", "en"},
		{"one of your staff checked my size in store, can I order online?", "en"},
		{"who should I talk to about a bulk order?", "en"},
		// H3: 同事 and 人工 (artificial) in Chinese questions.
		{"能不能送给同事", "zh"},
		{"可不可以寄到我同事那里", "zh"},
		{"有没有人工色素", "zh"},
		{"有没有人工合成的成分", "zh"},
		// M1: saying one will post a review is not a threat.
		{"I will leave a review", "en"},
		{"후기 남길게요", "ko"},
		{"후기 올릴게요 잘 쓰고 있어요", "ko"},
		{"리뷰 남길게요 너무 좋아요", "ko"},
	} {
		check(t, Input{Text: c.text, Lang: c.lang}, want{})
	}
	for _, c := range []struct{ text, lang, reason string }{
		// H2: the indirect requests the English phrases were for.
		{"is anyone available?", "en", Explicit},
		{"is anyone there?", "en", Explicit},
		{"is anybody there please", "en", Explicit},
		{"who could I chat to about this", "en", Explicit},
		{"who can I talk to at your company", "en", Explicit},
		{"could one of your staff look into my case", "en", Explicit},
		{"is there anyone real I can talk to?", "en", Explicit},
		{"can I talk to someone who actually works there", "en", Explicit},
		{"can you transfer me to a colleague", "en", Explicit},
		{"please pass my case to a colleague", "en", Explicit},
		{"I need to contact someone from your team", "en", Explicit},
		// H3: Chinese requests for a person.
		{"能不能转人工", "zh", Explicit},
		{"有没有人工客服", "zh", Explicit},
		{"能不能让个真人来处理一下", "zh", Explicit},
		{"有没有人工", "zh", Explicit},
		{"能不能找你们同事说一下", "zh", Explicit},
		// M1: review threats.
		{"I'll leave a bad review", "en", Complaint},
		{"this is terrible, I will leave a review", "en", Complaint},
		{"별점 1점 줄게요", "ko", Complaint},
		{"너무 실망했어요 후기 남길게요", "ko", Complaint},
	} {
		d := rules(t).Detect(Input{Text: c.text, Lang: c.lang})
		if !d.Handoff || d.Reason != c.reason {
			t.Errorf("Detect(%q) = handoff %v reason %q, want %q\n  evidence: %q\n  scores: %v",
				c.text, d.Handoff, d.Reason, c.reason, d.Evidence, d.Scores)
			continue
		}
		if len(d.Evidence) == 0 || strings.TrimSpace(strings.Join(d.Evidence, "")) == "" {
			t.Errorf("Detect(%q) handed off with no evidence", c.text)
		}
	}
}

// Korean -ㅂ니다 endings and pairs straddling two words are not features
// of the learned layer (M2 of the review).
func TestKoreanEndingsAndCrossWordPairs(t *testing.T) {
	m := &model{feats: map[string]int32{}}
	m.features("정말 감사합니다 됩니다 입니다 하십니다 친절해요", true)
	for _, f := range []string{"합니", "됩니", "입니", "십니", "말감", "다됩", "다입"} {
		if _, ok := m.feats[f]; ok {
			t.Errorf("%q is a feature: %v", f, m.feats)
		}
	}
	for _, f := range []string{"정말", "감사", "친절"} {
		if _, ok := m.feats[f]; !ok {
			t.Errorf("content pair %q missing from %v", f, m.feats)
		}
	}
	// Written as one word, the pair is the customer's and stays.
	m = &model{feats: map[string]int32{}}
	m.features("정말감사", true)
	if _, ok := m.feats["말감"]; !ok {
		t.Errorf("말감 of 정말감사 missing from %v", m.feats)
	}
}
