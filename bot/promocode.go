package bot

import (
	"regexp"
	"strings"
)

// promoCodePattern is a discount code as shops print them: capital
// letters, then one to three digits ("SAVE10", "KUMO20", "WELCOME5").
// Order numbers have four or more digits or a dash (orderRefPattern),
// and product models typed in capitals with four digits ("RTX4090") are
// none either.
var promoCodePattern = regexp.MustCompile(`(?:^|[^A-Za-z0-9_-])([A-Z]{3,12}[0-9]{1,3})(?:$|[^A-Za-z0-9_-])`)

// promoCodeAnyCase is the same shape in any case ("save10"): a code only
// when the message also says it is one ("code save10 not working").
var promoCodeAnyCase = regexp.MustCompile(`(?i)(?:^|[^a-z0-9_-])([a-z]{3,12}[0-9]{1,3})(?:$|[^a-z0-9_-])`)

// codeWords name a discount code in a message.
var codeWords = []string{"code", "coupon", "promo", "voucher", "discount", "优惠码", "折扣码", "优惠券", "代金券", "쿠폰", "코드", "할인"}

// promoCodeWord is what a code stands for when the knowledge base reads
// the message: no entry's questions hold the shop's codes, and an unknown
// word is a word the message does not share with the discount-code entry
// ("SAVE10 doesn't work" was a miss, walk 2026-12-06 item 9).
var promoCodeWord = map[string]string{"en": "discount code", "zh": "优惠码", "ko": "할인코드"}

// withoutPromoCodes is text with each discount code in it read as the
// words for a discount code in lang, for matching; the reply still sees
// what the customer wrote.
func withoutPromoCodes(text, lang string) string {
	if !strings.ContainsAny(text, "0123456789") {
		return text
	}
	word, ok := promoCodeWord[lang]
	if !ok {
		word = promoCodeWord["en"]
	}
	pattern := promoCodePattern
	if containsAny(strings.ToLower(text), codeWords) {
		pattern = promoCodeAnyCase
	}
	for range 3 { // a message names one code, two at most
		m := pattern.FindStringSubmatchIndex(text)
		if m == nil {
			break
		}
		// What stands around the code already parts it from the words
		// next to it: a space, a mark, or another script.
		text = text[:m[2]] + word + text[m[3]:]
	}
	return text
}
