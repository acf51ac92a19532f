package bot

import (
	"regexp"
	"strings"

	"github.com/batonhq/baton/bot/text"
)

// ratingDigit reads a rating from 1 to 5 the way customers type one after
// the rating prompt: a digit ("5", a full-width "５"), with a unit or out of
// five ("5 stars", "5/5", "4 out of 5", "5分", "五星", "5점이요", "별 다섯
// 개"), a number word ("five", "다섯", "五"), or as many stars as the
// rating ("⭐⭐⭐⭐⭐", "★★★"). Anything more is not a rating: "5 stars
// but the box was damaged" is a comment and a question.
func ratingDigit(s string) (int, bool) {
	s = strings.TrimSpace(text.Normalize(s))
	if n, ok := starRating(s); ok {
		return n, true
	}
	s = strings.TrimFunc(s, func(r rune) bool { return strings.ContainsRune("!.~。！～,， ", r) })
	m := ratingForm.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	if (m[1] == "한" || m[1] == "두" || m[1] == "세") && m[2] == "" {
		return 0, false
	}
	n, ok := ratingWords[m[1]]
	if !ok || n < 1 || n > 5 {
		return 0, false
	}
	return n, true
}

// starRating counts a message made only of stars ("⭐⭐⭐⭐", "★★★☆☆": the
// filled ones).
func starRating(s string) (int, bool) {
	n := 0
	for _, r := range s {
		switch r {
		case '⭐', '★', '🌟':
			n++
		case '☆', ' ', '\uFE0F':
		default:
			return 0, false
		}
	}
	return n, n >= 1 && n <= 5
}

// ratingWords are the numbers a rating may be written with, after
// text.Normalize (full-width digits are digits).
var ratingWords = map[string]int{
	"1": 1, "2": 2, "3": 3, "4": 4, "5": 5,
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
	"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
	"하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "넷": 4, "다섯": 5,
}

// ratingForm is a number alone or with what customers put around a rating:
// a lead ("I'd give", "给", "별"), a unit or "out of 5" ("stars", "/5",
// "分", "星", "점", "개"), and a polite ending ("이요", "입니다", "吧").
// Korean 한/두/세 count only with a unit: "세" alone is not a rating, and
// "네" ("yes") never is.
var ratingForm = regexp.MustCompile(`^(?:(?:i'?d give(?: (?:it|you))?|i give(?: (?:it|you))?|give(?: (?:it|you))?|rating:?|my rating is|i rate(?: it| you)?|给你?|打|별)\s*)?` +
	`([1-5]|one|two|three|four|five|[一二两三四五]|하나|다섯|둘|셋|넷|한|두|세)` +
	`\s*((?:/|out of|of)\s*(?:5|five)|stars?|points?|分|星|颗星|顆星|个星|星星|星好评|分好评|好评|점|개)?` +
	`\s*(?:이요|이에요|예요|에요|입니다|이요|요|吧|啦|了|哦|呀|!)?$`)
