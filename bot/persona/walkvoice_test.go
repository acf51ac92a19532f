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
