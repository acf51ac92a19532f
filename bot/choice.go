package bot

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/batonhq/baton/bot/text"
)

// topicChoice reads a message that picks one of n offered topics by its
// place in the list, the way customers type it instead of pressing a
// button: "2", "option 2", "2 pls", "#1", "the first one", "the second",
// "1번", "1번이요", "첫번째요", "두 번째", "第一个", "1号", "选2". It returns
// the place (1-based). Anything else, or a place past n, is no pick: "2
// items are missing" is a message of its own.
func topicChoice(s string, n int) (int, bool) {
	if n <= 0 {
		return 0, false // no list offered: every message comes here, spare it the normalising
	}
	s = strings.TrimSpace(text.Normalize(s))
	if strings.HasSuffix(s, "?") || strings.HasSuffix(s, "？") {
		return 0, false // "is it one?", "option 2?": a question about the list, not a pick
	}
	s = strings.TrimFunc(s, func(r rune) bool {
		return r != '#' && (unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r))
	})
	if s == "" {
		return 0, false
	}
	for _, read := range []func(string) (int, bool){choiceKo, choiceZh, choiceEn} {
		if i, ok := read(s); ok {
			if i == -1 {
				i = n // "the last one"
			}
			return i, i >= 1 && i <= n
		}
	}
	return 0, false
}

// choiceNumbers are the places a pick names, as a number or an ordinal.
var choiceNumbers = map[string]int{
	"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9,
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1,
	"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
	"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
	"첫": 1, "한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5,
	"첫째": 1, "둘째": 2, "셋째": 3, "넷째": 4, "다섯째": 5,
}

// choiceFiller are the English words around a place that add nothing to
// the pick ("option 2 please", "i'll take the first one", "#1 thx").
var choiceFiller = map[string]bool{
	"option": true, "number": true, "num": true, "topic": true, "choice": true,
	"the": true, "pls": true, "plz": true, "please": true, "thanks": true, "thx": true, "ty": true,
	"ok": true, "okay": true, "um": true, "uhh": true, "uh": true, "hmm": true, "oh": true, "ah": true,
	"i": true, "i'd": true, "id": true, "i'll": true, "ill": true, "i’d": true, "i’ll": true,
	"want": true, "pick": true, "choose": true, "select": true, "take": true, "go": true, "with": true,
	"like": true, "is": true, "it's": true, "its": true, "it": true, "that's": true, "one": true, "mine": true,
	"yes": true, "yeah": true, "yep": true, "sure": true, "let's": true, "lets": true, "say": true,
}

// choiceEn reads "option 2", "#1", "2 pls", "the first one", "the
// second": one place, and nothing else but filler. "one" is filler beside
// another place ("the first one") and the place 1 alone ("option one").
func choiceEn(s string) (int, bool) {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '.' || r == '!' || r == ':' || r == '-'
	})
	place, places, ones := 0, 0, 0
	for i, w := range words {
		w = strings.TrimPrefix(w, "#")
		if w == "" {
			continue
		}
		if w == "no" || w == "nr" {
			// "no. 2", "nr 3": the abbreviation of number, only right
			// before a digit. Anywhere else "no" says no ("no one").
			if i+1 < len(words) && isChoiceDigit(words[i+1]) {
				continue
			}
			return 0, false
		}
		if w == "one" {
			ones++
			continue
		}
		if n, ok := choiceNumbers[w]; ok && (w[0] < 0x80) {
			place, places = n, places+1
			continue
		}
		if !choiceFiller[w] {
			return 0, false
		}
	}
	switch {
	case places == 1:
		return place, true
	case places == 0 && ones == 1:
		return 1, true
	}
	return 0, false
}

// isChoiceDigit reports whether w is a place written as a digit ("2").
func isChoiceDigit(w string) bool { return len(w) == 1 && '1' <= w[0] && w[0] <= '9' }

// choiceKo reads "1번", "1번이요", "2번째요", "첫번째요", "두 번째 거요",
// "둘째요": a place with 번 or 째, then a polite ending.
var choiceKoForm = regexp.MustCompile(`^(?:([1-9])\s*번(?:\s*째)?|(첫|한|두|세|네|다섯)\s*번\s*째|(첫째|둘째|셋째|넷째|다섯째))` +
	`\s*(?:거|것|꺼|걸로|거로|것으로|으로|로)?\s*(?:이요|이에요|예요|에요|요|입니다|이|할게요|할께요|주세요|해\s*주세요)?$`)

func choiceKo(s string) (int, bool) {
	m := choiceKoForm.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	for _, g := range m[1:] {
		if g != "" {
			return choiceNumbers[g], true
		}
	}
	return 0, false
}

// choiceZh reads "第一个", "1号", "选2", "我要第二个吧": a place with
// 第, 个 (号, 项, 条) or 选 around it, then a particle.
var choiceZhForm = regexp.MustCompile(`^(?:我)?(?:选|要|选择)?\s*(第)?\s*([1-9一二两三四五])\s*(个|号|项|条|種|种)?\s*(?:吧|啊|呀|哦|的|了|谢谢)*$`)

func choiceZh(s string) (int, bool) {
	m := choiceZhForm.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	if m[2] == "两" || m[1] == "" && (m[2] < "0" || m[2] > "9") {
		// A Chinese numeral is a place only after 第 ("第二个"): "我要两
		// 个", "要三个", "二" count things or say too little to be
		// sure it picks; 两 counts, never places.
		return 0, false
	}
	return choiceNumbers[m[2]], true
}
