package bot

import "testing"

// bestPair finds the paragraph a Korean or Chinese follow-up asks about
// when its words differ from the answer's only by their endings, and
// nothing when only endings every unit has are shared.
func TestBestPairFindsTheUnitByCharacterPairs(t *testing.T) {
	p := cutPassage("주문 후 1시간 안에는 직접 취소하실 수 있어요. 아직 포장 전이라면 저희가 취소해 드릴게요.\n\n이미 발송된 주문은 멈출 수 없어요. 받으신 날부터 14일 안에 반품하실 수 있어요.", nil)
	for _, c := range []struct {
		msg  string
		para int // -1: none
	}{
		{"벌써 발송됐으면요?", 1},
		{"이미 포장됐으면요?", 0},
		{"있어요?", -1}, // an ending every unit has tells nothing
		{"how about tomorrow?", -1},
	} {
		at := p.bestPair(c.msg)
		switch {
		case c.para < 0 && at >= 0:
			t.Errorf("%q: unit %d (%q), want none", c.msg, at, p.units[at].text)
		case c.para >= 0 && (at < 0 || p.units[at].para != c.para):
			t.Errorf("%q: unit %d, want one in paragraph %d", c.msg, at, c.para)
		}
	}
}
