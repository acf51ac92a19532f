package llm

import (
	"hash/fnv"
	"regexp"
	"strings"

	"github.com/batonhq/baton/bot/text"
)

// The output guard checks a validated reply before a customer sees it. It
// does not trust the model to have resisted the customer: it looks at what
// came out. A reply is rejected (and the offline answer used instead) when
// it
//   - repeats the instructions (the system prompt without the entries) or
//     shows the quote markers: "leak";
//   - calls the bot by another name, or a jailbreak persona: "name";
//   - mentions discounts, refunds, compensation, vouchers, free things or
//     money amounts that the entries given do not: "promise".
//
// It errs on the side of rejecting: a false alarm costs one turn answered
// offline; a miss costs a promise the shop never made.

// shingleLen is the run of words that counts as quoting the instructions;
// leakShingles how many such runs make a leak. A single 8-word run can be
// a coincidence ("to help you with your order"), three overlapping ones
// (ten words in a row) is quoting.
const (
	shingleLen   = 8
	leakShingles = 3
)

// shingles is the set of word-run hashes of an instruction text.
type shingles map[uint64]struct{}

// words splits text into words for leak comparison through bot/text's
// Words, so width, case and accents are folded like everywhere else in
// Baton (a leak typed back in full-width letters is still a leak). Each
// Chinese, Japanese or Korean character is a word of its own, and
// apostrophes and hyphens split words ("don't" is "don", "t"), so a run
// of shingleLen words means what it meant before.
func words(s string) []string {
	var out []string
	for _, w := range text.Words(s) {
		if w.Kind.CJK() {
			for _, r := range w.Text {
				out = append(out, string(r))
			}
			continue
		}
		out = append(out, strings.FieldsFunc(w.Text, isJoiner)...)
	}
	return out
}

// isJoiner is what text.Words keeps inside a word and words splits at.
func isJoiner(r rune) bool { return r == '\'' || r == '-' }

func shingleHashes(ws []string, fn func(uint64)) {
	for i := 0; i+shingleLen <= len(ws); i++ {
		h := fnv.New64a()
		for _, w := range ws[i : i+shingleLen] {
			h.Write([]byte(w))
			h.Write([]byte{0})
		}
		fn(h.Sum64())
	}
}

// instructionShingles returns the shingles of the system prompt's own text
// (entries removed, since quoting an entry is the point), cached per text.
func (a *Answerer) instructionShingles(system string, entryTexts []string) shingles {
	instr := system
	for _, t := range entryTexts {
		instr = strings.Replace(instr, t, "", 1)
	}
	h := fnv.New64a()
	h.Write([]byte(instr))
	key := h.Sum64()
	a.guardMu.Lock()
	set, ok := a.guardCache[key]
	a.guardMu.Unlock()
	if ok {
		return set
	}
	set = shingles{}
	shingleHashes(words(instr), func(x uint64) { set[x] = struct{}{} })
	// Runs that also occur in the entries are fair to repeat.
	for _, t := range entryTexts {
		shingleHashes(words(t), func(x uint64) { delete(set, x) })
	}
	a.guardMu.Lock()
	// Bot names x languages x template edits: small, but keep it bounded.
	if a.guardCache == nil || len(a.guardCache) >= 64 {
		a.guardCache = map[uint64]shingles{}
	}
	a.guardCache[key] = set
	a.guardMu.Unlock()
	return set
}

// leaks reports whether answer quotes the instructions or the markers.
func leaks(answer string, instr shingles, nonce string) bool {
	if strings.Contains(answer, nonce) || strings.Contains(answer, "<entry id=") ||
		markerRe.MatchString(answer) {
		return true
	}
	n := 0
	shingleHashes(words(answer), func(x uint64) {
		if _, ok := instr[x]; ok {
			n++
		}
	})
	return n >= leakShingles
}

var (
	// "I'm DAN", "my name is Max", "call me Bob".
	selfNameRe = regexp.MustCompile(`(?:\b(?i:my name is|my name's|call me|i am now|i'm now|i am|i'm|i’m)\s+)(\p{Lu}[\p{L}\p{N}_-]*)`)
	// Chinese and Korean self-introductions; only Latin names are judged
	// (a localized spelling of the bot's own name must not trip it).
	cjkSelfNameRe = regexp.MustCompile(`(?:我(?:叫|是|现在是|的名字是)|제\s?이름은|저는|나는)\s*([A-Za-z][A-Za-z0-9_-]*)`)
	// Personas that only exist to get around rules.
	jailbreakRe = regexp.MustCompile(`\bDAN\b|(?i)\b(do anything now|developer mode|jailbr(?:oken|eak)|no (?:rules|restrictions|filters))\b`)
)

// notNames are capitalised words that follow "I'm" without being a name.
var notNames = map[string]bool{
	"sorry": true, "happy": true, "glad": true, "afraid": true, "not": true, "unable": true, "able": true,
	"here": true, "sure": true, "really": true, "so": true, "very": true, "also": true, "still": true,
	"just": true, "always": true, "only": true, "excited": true, "delighted": true, "thrilled": true,
	"available": true, "your": true, "the": true, "a": true, "an": true, "going": true, "checking": true,
	"looking": true, "back": true, "ai": true,
}

// renames reports whether the answer presents the bot under another name
// than botName. Words of the shop's name are fine too ("I'm Kumo's virtual
// assistant"), and so is any possessive.
func renames(answer, botName, shop string) bool {
	if jailbreakRe.MatchString(answer) {
		return true
	}
	ok := map[string]bool{}
	for _, w := range words(botName + " " + shop) {
		ok[w] = true
	}
	for _, re := range []*regexp.Regexp{selfNameRe, cjkSelfNameRe} {
		for _, m := range re.FindAllStringSubmatchIndex(answer, -1) {
			name := text.Normalize(answer[m[2]:m[3]])
			rest := answer[m[3]:]
			if ok[name] || notNames[name] || allIn(words(name), ok) || strings.HasPrefix(rest, "'s") || strings.HasPrefix(rest, "’s") {
				continue
			}
			return true
		}
	}
	return false
}

// allIn reports whether every word of ws is in set (and there is one).
func allIn(ws []string, set map[string]bool) bool {
	for _, w := range ws {
		if !set[w] {
			return false
		}
	}
	return len(ws) > 0
}

// promiseTerms are words of giving money or things away, matched as
// substrings of the text.Normalize'd answer (stems, so "refund" covers "refunds", "refunded").
var promiseTerms = []string{
	"discount", "refund", "reimburs", "compensat", "voucher", "coupon", "promo code", "promotional code",
	"store credit", "account credit", "cashback", "cash back", "rebate", "money back", "free of charge",
	"for free", "free gift", "gift card", "% off", "percent off", "waive", "price match",
	"折扣", "打折", "退款", "退钱", "退费", "赔偿", "补偿", "优惠", "代金券", "免费", "返现", "礼品卡", "减免", "红包",
	"할인", "환불", "보상", "배상", "쿠폰", "무료", "캐시백", "적립금", "상품권", "면제",
}

// amountRe finds amounts of money and percentages ("打八折" is 20% off).
var amountRe = regexp.MustCompile(`(?i)[$€£¥₩]\s?\d[\d,.]*|\d[\d,.]*\s?(?:%|percent\b|dollars?\b|euros?\b|pounds?\b|usd\b|eur\b|gbp\b|krw\b|cny\b|rmb\b|yuan\b|元|块|원|만\s?원|퍼센트|折)|[一二三四五六七八九]折`)

var digitsRe = regexp.MustCompile(`\d+`)

// promises reports whether answer offers money or things the entries do
// not mention. allowed is the entries' text; customer is what the customer
// wrote (amounts they mention may be repeated back, but never alongside a
// promise word).
func promises(answer, allowed, customer string) bool {
	// Normalized like every comparison in Baton: "ＲＥＦＵＮＤ" and
	// "Refund" are the same promise.
	low := text.Normalize(answer)
	allowedLow := text.Normalize(allowed)
	promised := false
	for _, t := range promiseTerms {
		if strings.Contains(low, t) {
			if !strings.Contains(allowedLow, t) {
				return true
			}
			promised = true
		}
	}
	allowedNums := numberSet(allowed)
	customerNums := numberSet(customer)
	for _, m := range amountRe.FindAllString(answer, -1) {
		nums := digitsRe.FindAllString(strings.ReplaceAll(m, ",", ""), -1)
		if len(nums) == 0 { // a Chinese numeral: only the entries can allow it
			if !strings.Contains(allowed, m) {
				return true
			}
			continue
		}
		for _, n := range nums {
			if allowedNums[n] {
				continue
			}
			if customerNums[n] && !promised {
				continue
			}
			return true
		}
	}
	return false
}

func numberSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, n := range digitsRe.FindAllString(strings.ReplaceAll(s, ",", ""), -1) {
		out[n] = true
	}
	return out
}

// check runs the guard; it returns "" when the answer may go out, else the
// reason ("leak", "name", "promise").
func (a *Answerer) check(answer string, pr *prompt, p Persona, customer string) string {
	if leaks(answer, a.instructionShingles(pr.system, pr.texts), pr.nonce) {
		return "leak"
	}
	if renames(answer, p.Name(), shopOf(p)) {
		return "name"
	}
	if promises(answer, strings.Join(pr.texts, "\n"), customer) {
		return "promise"
	}
	return ""
}

// shopOf is the persona's shop name when it has one.
func shopOf(p Persona) string {
	if s, ok := p.(interface{ Shop() string }); ok {
		return s.Shop()
	}
	return ""
}
