package text

import (
	"strings"
)

// Fold rewrites tokens (from Tokenize) so that words and phrases customers
// use for the same support concept become one term: "money back" and
// "reimbursement" become "refund", "parcel" becomes "package", "call off"
// becomes "cancel", and in Chinese and Korean runs 退钱 becomes 退款, 택배
// becomes 배송. It is the knowledge matcher's vocabulary bridge; Tokenize
// itself does not fold these (the handoff detector's phrases are tuned on
// Tokenize's output). The tables are small on purpose: only pairs that
// mean the same thing in every shop's support chat, never words that tell
// two answers apart (return/refund, 退货/退款, 반품/환불 stay distinct).
// toks is not modified; when nothing is folded, toks itself is returned.
func Fold(toks []Token) []Token {
	var out []Token
	changed := false
	// start copies the tokens before i into out the first time one is
	// folded, so unchanged messages allocate nothing.
	start := func(i int) {
		if !changed {
			changed = true
			out = append(make([]Token, 0, len(toks)+2), toks[:i]...)
		}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.CJK {
			if f := cjkFolder.Replace(t.Text); f != t.Text {
				start(i)
				t.Text = f
			}
			if changed {
				out = append(out, t)
			}
			continue
		}
		// Longest phrase first.
		matched := false
		for n := maxPhrase; n >= 2 && phraseStart[t.Text]; n-- {
			if i+n > len(toks) {
				continue
			}
			key, ok := phraseKey(toks[i : i+n])
			if !ok {
				continue
			}
			if c, ok := phraseConcepts[key]; ok {
				start(i)
				for _, w := range strings.Fields(c) {
					out = append(out, Token{Text: w})
				}
				i += n - 1
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		if c, ok := wordConcepts[t.Text]; ok {
			start(i)
			t.Text = c
		}
		if changed {
			out = append(out, t)
		}
	}
	if !changed {
		return toks
	}
	return out
}

// phraseKey joins the texts of Latin tokens; ok is false if any is CJK.
func phraseKey(ts []Token) (string, bool) {
	var b strings.Builder
	for i, t := range ts {
		if t.CJK {
			return "", false
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Text)
	}
	return b.String(), true
}

// conceptGroups: the first entry is the concept; the others (single words
// or phrases, written plainly and stemmed here) fold to it.
var conceptGroups = [][]string{
	{"refund", "money back", "reimburse", "reimbursed", "refunded", "repay", "repayment"},
	{"cancel", "call off", "cancellation", "cancelation", "revoke", "withdraw order"},
	{"package", "parcel", "packet"},
	{"coupon", "voucher", "promo", "promotion code", "promo code", "discount code", "coupon code", "voucher code"},
	{"human", "real person", "live person", "live agent", "representative", "rep", "operator", "human agent"},
	{"warranty", "guarantee", "guaranty"},
	{"exchange", "swap"},
	{"login", "log in", "sign in", "signin", "logon", "log on"},
	{"register", "sign up", "signup", "registration", "create an account", "make an account"},
	{"email", "e mail"},
	{"damaged", "cracked", "smashed", "shattered", "dented", "scratched"},
	{"steal", "stolen", "stole", "theft"},
	{"wrap", "gift wrap", "giftwrap", "gift wrapping"},
	{"unsubscribe", "opt out"},
	{"cheap", "cheaper", "lower price", "less expensive"},
	{"weekend", "saturday", "sunday", "saturdays", "sundays", "weekends"},
}

const maxPhrase = 3

var wordConcepts, phraseConcepts, phraseStart = func() (map[string]string, map[string]string, map[string]bool) {
	words, phrases, starts := map[string]string{}, map[string]string{}, map[string]bool{}
	for _, g := range conceptGroups {
		c := stemPhrase(g[0])
		for _, w := range g[1:] {
			k := stemPhrase(w)
			if k == c {
				continue
			}
			if first, _, ok := strings.Cut(k, " "); ok {
				phrases[k] = c
				starts[first] = true
			} else {
				words[k] = c
			}
		}
	}
	return words, phrases, starts
}()

// stemPhrase normalises a phrase exactly as Tokenize would.
func stemPhrase(s string) string {
	var parts []string
	for _, t := range Tokenize(s) {
		parts = append(parts, t.Text)
	}
	return strings.Join(parts, " ")
}

// cjkFolds are substring rewrites inside CJK runs (Chinese first, then
// Korean), longest first where they overlap.
var cjkFolds = []string{
	// Chinese.
	"退钱", "退款",
	"钱退", "款退",
	"优惠码", "优惠券",
	"折扣码", "优惠券",
	"代金券", "优惠券",
	"人工客服", "人工",
	"真人", "人工",
	"撤销订单", "取消订单",
	"撤单", "取消订单",
	"快递单号", "物流单号",
	"运单号", "物流单号",
	"保修期", "保修",
	"质保", "保修",
	"邮费", "运费",
	"快递费", "运费",
	// Korean.
	"환급", "환불",
	"돈돌려", "환불",
	"택배", "배송",
	"할인코드", "쿠폰",
	"프로모션코드", "쿠폰",
	"상담원", "상담사",
	"운송장", "송장",
}

var cjkFolder = strings.NewReplacer(cjkFolds...)
