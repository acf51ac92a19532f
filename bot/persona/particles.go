package persona

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Korean particle depends on the word before it: 은/이/을/과/으로 after
// a final consonant (batchim), 는/가/를/와/로 after a vowel (and 로 after
// ㄹ). A template cannot know the word it fills in ("“{{join .Topics}}”은
// (는) 저희 목록에 없어요"), so it writes both forms, and the rendered text
// gets the one that fits before the customer sees it (QA walk 2026-12-06
// session 3, item 2: "보내요”은(는)" was shown as written).

// particle is one both-forms placeholder: the form after a final
// consonant, the form after a vowel.
type particle struct {
	written, consonant, vowel string
}

var particles = []particle{
	{"은(는)", "은", "는"}, {"는(은)", "은", "는"},
	{"이(가)", "이", "가"}, {"가(이)", "이", "가"},
	{"을(를)", "을", "를"}, {"를(을)", "을", "를"},
	{"과(와)", "과", "와"}, {"와(과)", "과", "와"},
	{"(으)로", "으로", "로"},
	{"(이)에요", "이에요", "예요"},
	{"(이)나", "이나", "나"},
	{"(이)랑", "이랑", "랑"},
}

// withParticles resolves the particle placeholders in a rendered Korean
// message; text in any other language is returned as it is.
func withParticles(lang, s string) string {
	if !strings.HasPrefix(lang, "ko") || !strings.Contains(s, "(") {
		return s
	}
	for _, p := range particles {
		for {
			i := strings.Index(s, p.written)
			if i < 0 {
				break
			}
			form := p.vowel
			if final := finalSound(s[:i]); final == batchim || final == batchimL && p.written != "(으)로" {
				form = p.consonant
			}
			s = s[:i] + form + s[i+len(p.written):]
		}
	}
	return s
}

// Final sounds of a word, as particles care for them.
const (
	vowelEnd = iota
	batchim  // any final consonant but ㄹ
	batchimL // ㄹ: 으로 takes 로 after it, the others as after a consonant
)

// finalSound is how the word that ends before reads at its end: its last
// Hangul syllable, digit (read in Sino-Korean: 1 일, 3 삼) or Latin letter
// (read as Korean loanwords usually end: "PayPal" 페이팔, "Venmo" 벤모),
// past closing quotes and brackets. Anything else reads as a vowel.
func finalSound(before string) int {
	for before != "" {
		r, size := utf8.DecodeLastRuneInString(before)
		before = before[:len(before)-size]
		switch {
		case r >= 0xAC00 && r <= 0xD7A3:
			switch (r - 0xAC00) % 28 {
			case 0:
				return vowelEnd
			case 8:
				return batchimL
			}
			return batchim
		case r >= '0' && r <= '9':
			switch r {
			case '1', '7', '8':
				return batchimL // 일, 칠, 팔
			case '0', '3', '6':
				return batchim // 영, 삼, 육
			}
			return vowelEnd
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			return latinFinal(before + string(r))
		case unicode.IsSpace(r) || strings.ContainsRune(`"'”’」』)]）》〉.`, r):
			continue
		default:
			return vowelEnd
		}
	}
	return vowelEnd
}

// latinFinal is how a Latin word is read at its end in Korean: l as ㄹ
// (PayPal 페이팔), m, n, ng and k as a final consonant (Zoom 줌, Venmo's
// o as a vowel); other letters take a vowel after them (Stripe 스트라이프,
// Klarna 클라르나, WeChat 위챗 being the rare exception).
func latinFinal(word string) int {
	w := strings.ToLower(word)
	switch {
	case strings.HasSuffix(w, "l"):
		return batchimL
	case strings.HasSuffix(w, "m"), strings.HasSuffix(w, "n"), strings.HasSuffix(w, "ng"), strings.HasSuffix(w, "k"):
		return batchim
	}
	return vowelEnd
}
