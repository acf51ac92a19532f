package text

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// termsRef is Terms as it was before AppendTerms: Tokenize, then the
// CJK runs cut into n-grams. The oracle of TestAppendTermsMatchesReference.
func termsRef(s string) []string {
	toks := Tokenize(s)
	cjkChars := 0
	for _, t := range toks {
		if t.CJK {
			cjkChars += utf8.RuneCountInString(t.Text)
		}
	}
	var terms []string
	for _, t := range toks {
		if !t.CJK {
			terms = append(terms, t.Text)
			continue
		}
		terms = AppendNGrams(terms, t.Text, cjkChars <= ShortCJK)
	}
	return terms
}

// TestAppendTermsMatchesReference: Terms and AppendTerms (after whatever
// dst held) give the reference's terms, for Latin, CJK, mixed, short and
// broken text.
func TestAppendTermsMatchesReference(t *testing.T) {
	for _, s := range []string{
		"", " ", "where's my order?", "I can't log in!!", "Ｆｕｌｌ ｗｉｄｔｈ", "café crème",
		"退货", "我的订单在哪里", "배송 언제 와요", "배송언제", "ㅋㅋ ok", "where is 我的订单 배송",
		"e-mail re-send", "\xff\xfe talk to a human", "don’t dont do not", "shipping shipped ships",
		"退", "a 退 b", "x-y-z", "o'clock rock'n'roll",
	} {
		want := termsRef(s)
		if got := Terms(s); !slices.Equal(got, want) {
			t.Errorf("Terms(%q) = %q, reference %q", s, got, want)
		}
		got := AppendTerms([]string{"x"}, s)
		if len(got) == 0 || got[0] != "x" || !slices.Equal(got[1:], want) {
			t.Errorf("AppendTerms(x, %q) = %q, reference x + %q", s, got, want)
		}
	}
}
