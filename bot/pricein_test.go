package bot

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// pricePatternWas is the regular expression priceIn replaced, run on the
// lower-cased answer: priceIn must say what it said.
var pricePatternWas = regexp.MustCompile(`[£$€¥₩]\s*\d|\d\s*(?:元|块|원|dollars?|pounds?|euros?|usd|gbp|eur|美元|美金|英镑|欧元|달러|파운드|유로)`)

func priceInWas(answer string) bool { return pricePatternWas.MatchString(strings.ToLower(answer)) }

// TestPriceInAsTheExpression: priceIn agrees with the expression it
// replaced on every answer and question of the shipped knowledge, on
// written cases, and on random strings of the pieces that matter (signs,
// digits, whitespace, currency words in any case, look-alikes).
func TestPriceInAsTheExpression(t *testing.T) {
	cases := []string{
		"", "5", "$", "$5", "$ 5", "$\t\n 5", "£45", "€3.95", "¥100", "₩5,000", "5,000원", "30元", "30 块",
		"20 USD", "20usd", "20 Usd", "5 dollars", "5 DOLLAR", "5 pounds", "5 euros", "5 EUR", "5 eurasia",
		"5 gbp", "5美元", "5 美金", "5英镑", "5 欧元", "5 달러", "5파운드", "5 유로", "ships in 5 days",
		"US$5", "5 $", "$five", "5\u00a0usd", "$\u00a05", "5 ｕｓｄ", "５ usd", "$５", "5 uſd", "5 \u212aRW",
		"costs 5\ndollars", "\xc2$5", "5\xffusd", "5 do llars", "5-usd", "no price here",
	}
	base := shippedSet(t).KB.Base
	for _, id := range base.IDs() {
		for _, l := range base.Langs(id) {
			e, _ := base.Entry(id, l)
			cases = append(cases, e.Answer)
			cases = append(cases, e.Questions...)
		}
	}
	pieces := []string{"$", "£", "€", "¥", "₩", "0", "7", " ", "\t", "\n", "\f", "\r", "\v", "\u00a0", "usd", "USD", "Usd",
		"dollar", "DOLLARS", "pound", "eur", "EURO", "gbp", "元", "块", "원", "美元", "美金", "英镑", "欧元", "달러", "파운드",
		"유로", "a", "x", ".", ",", "ſ", "K", "İ", "\xc2", "\xff", "us", "do", "美", "달"}
	r := rand.New(rand.NewPCG(11, 1))
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		if got, want := priceIn(c), priceInWas(c); got != want {
			t.Errorf("priceIn(%q) = %v, the expression said %v", c, got, want)
		}
	}
}

func BenchmarkPriceIn(b *testing.B) {
	base := shippedSet(b).KB.Base
	var answers []string
	for _, id := range base.IDs() {
		for _, l := range base.Langs(id) {
			e, _ := base.Entry(id, l)
			answers = append(answers, e.Answer)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		priceIn(answers[i%len(answers)])
	}
}
