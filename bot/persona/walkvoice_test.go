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
		// A goodbye that starts with a rating word is a goodbye (review2 of
		// 2026-12-06: "good bye" was a 4).
		{"good bye", 0},
		{"good bye!", 0},
		{"ok good bye", 0},
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

// A customer introducing themselves after a greeting (walk 2026-12-06
// item 3): the name, and what follows it to answer; words after "I'm"
// that are no name introduce no one.
func TestIntroduction(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct{ text, name, rest string }{
		{"I'm Sarah", "Sarah", ""},
		{"I'm Sarah!", "Sarah", ""},
		{"my name is tom. how much is shipping?", "Tom", "how much is shipping?"},
		{"im sarah", "Sarah", ""},
		{"im unhappy", "", ""},
		{"this is Sarah, where is my order?", "Sarah", "where is my order?"},
		{"I'm Sarah and my order is late", "Sarah", "my order is late"},
		{"我叫李明", "李明", ""},
		{"我叫李明，运费多少", "李明", "运费多少"},
		{"저는 김민지라고 해요", "김민지", ""},
		{"제 이름은 민지예요", "민지", ""},
		// No one introduced.
		{"I'm waiting for my order", "", ""},
		{"im new here", "", ""},
		{"this is ridiculous", "", ""},
		{"I'm Confused", "", ""},
		{"저는 학생이에요", "", ""},
		{"where is my order", "", ""},
	} {
		name, rest := p.Introduction(c.text)
		if name != c.name || name != "" && rest != c.rest {
			t.Errorf("Introduction(%q) = %q, %q; want %q, %q", c.text, name, rest, c.name, c.rest)
		}
	}
}

// A correction after a guess (walk 2026-12-06 item 14): what follows
// "no, I mean" is what they asked.
func TestCorrection(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct {
		text, rest string
		ok         bool
	}{
		{"no i mean how do i send it back", "how do i send it back", true},
		{"No, I meant refunds", "refunds", true},
		{"不是，我是说怎么寄回去", "怎么寄回去", true},
		{"아니요 제 말은 교환이요", "교환이요", true},
		{"no", "", false},
		{"how do i send it back", "", false},
		{"nothing arrived", "", false},
	} {
		rest, ok := p.Correction(c.text)
		if ok != c.ok || ok && rest != c.rest {
			t.Errorf("Correction(%q) = %q, %v; want %q, %v", c.text, rest, ok, c.rest, c.ok)
		}
	}
}
