package persona

import "testing"

// A rating in words (walk 2026-12-06 item 4) is one rating phrase with
// only filler, thanks or a goodbye around it, the longest phrase winning
// ("not great" over "great"); anything more is a message, not a rating.
func TestRatingWords(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct {
		text string
		want int // 0: not a rating
	}{
		{"excellent", 5},
		{"Excellent!!", 5},
		{"great, thanks Mia", 5},
		{"pretty good thanks", 4},
		{"not bad", 4},
		{"meh", 3},
		{"not great", 2},
		{"not helpful at all", 1},
		{"terrible, bye", 1},
		{"很满意", 5},
		{"还行吧", 3},
		{"不太满意", 2},
		{"非常不满意", 1},
		{"최고예요", 5},
		{"좋았어요 감사합니다", 4},
		{"별로였어요", 2},
		{"최악이에요", 1},
		// Not ratings: more than a rating, a question, two ratings, none.
		{"great, and how do I track my order?", 0},
		{"good question", 0},
		{"is it good?", 0},
		{"good, bad", 0},
		{"ok thanks", 0},
		{"where is my order", 0},
		{"很满意 但是还没到", 0},
		{"별로였어요 환불해 주세요", 0},
	} {
		n, ok := p.RatingWords(c.text)
		if !ok {
			n = 0
		}
		if n != c.want {
			t.Errorf("RatingWords(%q) = %d, %v; want %d", c.text, n, ok, c.want)
		}
	}
}

// Only reads a message made of one list's phrases with only filler and
// greetings around them: "yes" to "anything else?" (affirm), "is anyone
// coming?" after the no-desk message (waiting). Anything more is a
// message of its own.
func TestOnly(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct {
		text, kind string
		want       bool
	}{
		{"yes", "affirm", true},
		{"yeah sure", "affirm", true},
		{"有的", "affirm", true},
		{"네 있어요", "affirm", true},
		{"yes, where is my order?", "affirm", false},
		{"ok", "affirm", false},
		{"is anyone coming?", "waiting", true},
		{"hello? is anyone coming??", "waiting", true},
		{"人呢 还要等多久", "waiting", true},
		{"상담원 언제 와요?", "waiting", true},
		{"is anyone coming to fix my order", "waiting", false},
		{"how long does shipping take", "waiting", false},
	} {
		if got := p.Only(c.text, c.kind); got != c.want {
			t.Errorf("Only(%q, %q) = %v, want %v", c.text, c.kind, got, c.want)
		}
	}
}

// A Korean phrase matches with its spaces left out, as Korean is often
// written ("감사합니다 좋은하루 되세요", walk 2026-12-06 item 18), without
// anyone listing each spelling.
func TestKoreanPhrasesMatchUnspaced(t *testing.T) {
	p, _ := loadReal(t)
	for _, text := range []string{"좋은하루 되세요", "좋은 하루되세요", "좋은하루되세요", "감사합니다 좋은하루 되세요", "즐거운하루 보내세요"} {
		if kind, rest := p.Smalltalk(text); kind != "bye" || rest != "" {
			t.Errorf("Smalltalk(%q) = %q, %q; want bye", text, kind, rest)
		}
	}
}
