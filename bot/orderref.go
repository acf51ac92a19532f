package bot

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/text"
)

// orderRefPattern is an order number as customers paste one: letters, a
// dash and digits ("KS-55123", "ks55123"), or five or more digits, maybe
// after "#".
//
// Only Latin letters and digits (and the dash inside a number) bound it:
// Chinese and Korean write the number straight after or before their own
// words ("订单号KS-204817", "KS-204817이요").
var orderRefPattern = regexp.MustCompile(`(?i)(?:^|[^a-z0-9-])(#?[a-z]{1,4}-?\d{4,}|#?\d{5,})(?:$|[^a-z0-9])`)

// orderWords name an order number, in the answers that ask for one and
// around the number the customer then sends ("order KS-55123", "订单号
// KS-55123", "주문번호 KS-55123 이요").
var orderWords = []string{
	"order number", "order no", "order #", "order id", "my order", "order", "it's", "its", "it is", "here", "sure", "okay", "ok", "yes", "thanks",
	"订单号", "订单编号", "订单", "单号", "是", "好的", "好",
	"주문번호", "주문 번호", "주문", "번호", "네", "여기", "이요", "입니다", "이에요", "예요", "요",
}

// askWords are what an answer says when it asks for the order number.
var askWords = []string{"order number", "订单号", "주문번호", "주문 번호"}

// maxOrderRest is how many words may come with an order number for the
// message to be just the order number ("it's KS-55123, thanks").
const maxOrderRest = 2

// orderRefAt finds the first order number in text: where it stands, and
// whether it names itself as one (letters, or a leading #). A phone
// number, a card number or bare digits that are an amount ("12000 yen",
// "$1500", "12000日元") are none. orderRef and orderRefIn both start here.
//
// Every text message is read for one before it is answered: the
// backtracker costs more than the rest of reading most messages, and the
// pattern cannot match without 4 digits in a row (mayHoldOrderRef).
func orderRefAt(text string) (start, end int, named, ok bool) {
	if !mayHoldOrderRef(text) {
		return 0, 0, false, false
	}
	m := orderRefPattern.FindStringSubmatchIndex(text)
	if m == nil {
		return 0, 0, false, false
	}
	ref := text[m[2]:m[3]]
	named = strings.IndexFunc(ref, unicode.IsLetter) >= 0 || strings.HasPrefix(ref, "#")
	if phoneAt(text, m[2]) || isCard(ref) || !named && amountAt(text, m[2], m[3]) {
		return 0, 0, false, false
	}
	return m[2], m[3], named, true
}

// orderRef returns the order number text is made of, if text is little
// more than one.
func orderRef(text string) (string, bool) {
	start, end, _, ok := orderRefAt(text)
	if !ok {
		return "", false
	}
	ref := text[start:end]
	rest := strings.ToLower(text[:start] + " " + text[end:])
	for _, w := range orderWords { // longest first is not needed: each is removed where it stands
		rest = strings.ReplaceAll(rest, w, " ")
	}
	words := strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > maxOrderRest {
		return "", false
	}
	return strings.TrimPrefix(ref, "#"), true
}

// shortOrderPattern is an order number too short for orderRefPattern
// ("1002", "#812"): only read as one right after we asked for it.
var shortOrderPattern = regexp.MustCompile(`(?i)(?:^|[^a-z0-9-])(#?\d{3,4})(?:$|[^a-z0-9])`)

// shortOrderRef returns the short order number text is made of, with
// nothing else but the words that name or hand over an order number ("it's
// 1002", "order #812", "주문번호는 1002예요") and at most one word such as
// "is" or a particle. Three or four digits are as often a count, an
// amount or a year, so this is stricter than orderRef, and its caller
// reads it only when the bot has just asked for the order number.
func shortOrderRef(text string) (string, bool) {
	if longestDigitRun(text) < 3 {
		return "", false
	}
	m := shortOrderPattern.FindStringSubmatchIndex(text)
	if m == nil {
		return "", false
	}
	start, end := m[2], m[3]
	if phoneAt(text, start) || amountAt(text, start, end) {
		return "", false
	}
	rest := strings.ToLower(text[:start] + " " + text[end:])
	for _, w := range orderWords {
		rest = strings.ReplaceAll(rest, w, " ")
	}
	words := strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 1 || len(words) == 1 && words[0] != "is" && utf8.RuneCountInString(words[0]) > 1 {
		return "", false
	}
	return strings.TrimPrefix(text[start:end], "#"), true
}

// orderRefIn returns the order number written inside a longer message
// ("my order KS-204817 hasnt arrived", "can you cancel order KS-123456
// for me please"): one with its letters ("KS-204817"), or digits right
// after a word naming an order ("order 204817", "订单号204817"). Bare
// digits elsewhere are amounts, dates or phone numbers as often as
// orders.
func orderRefIn(text string) (string, bool) {
	start, end, named, ok := orderRefAt(text)
	if !ok || countDigits(text[start:end]) >= minTrackingDigits {
		return "", false
	}
	ref := text[start:end]
	if !named {
		before := strings.ToLower(strings.TrimRight(text[:start], " :：#"))
		for _, w := range []string{"order", "order number", "order no", "订单号", "订单", "单号", "주문번호", "주문 번호", "주문"} {
			named = named || strings.HasSuffix(before, w)
		}
		for _, w := range trackingWords {
			// "运单号", "快递单号" end in "单号" and name a parcel's number.
			named = named && !strings.HasSuffix(before, w)
		}
	}
	if !named {
		return "", false
	}
	return strings.TrimPrefix(ref, "#"), true
}

// amountUnits are what turn the digits before them into an amount or a
// count: currencies and units in en, zh and ko. Latin ones must end a
// word ("12000 won", not "12000 wonderful").
var amountUnits = []string{
	"yen", "won", "dollars", "dollar", "bucks", "usd", "euros", "euro", "eur", "gbp", "pounds", "rmb", "yuan", "jpy", "krw", "cny",
	"pcs", "pieces", "items", "units", "pairs", "boxes",
	"$", "€", "¥", "￥", "£", "₩", "%", "円", "元", "块", "日元", "韩元", "美元", "欧元", "个", "件", "원", "엔", "개", "달러", "유로",
}

// amountSigns before digits make them an amount ("$12000", "¥12000").
const amountSigns = "$€¥￥£₩"

// amountAt reports whether the digits at text[i:j] are an amount or a
// count: a currency sign before them, or a currency or unit after.
func amountAt(text string, i, j int) bool {
	if before := strings.TrimRight(text[:i], " "); before != "" {
		if r, _ := utf8.DecodeLastRuneInString(before); strings.ContainsRune(amountSigns, r) {
			return true
		}
	}
	after := strings.ToLower(strings.TrimLeft(text[j:], " "))
	for _, u := range amountUnits {
		if !strings.HasPrefix(after, u) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(after[len(u):])
		if u[0] >= 0x80 || !unicode.IsLetter(r) && r != '\'' && r != '’' {
			return true // "12000 won", never "204817 won't arrive"
		}
	}
	return false
}

// entryAsksOrder reports whether the answer of entry asks the customer
// to send their order number.
func (t *turn) entryAsksOrder(entry string) bool {
	if entry == "" {
		return false
	}
	e, ok := t.set.KB.Entry(entry, t.lang)
	if !ok {
		return false
	}
	return asksOrder(e.Answer)
}

// asksOrder reports whether an answer holds one of askWords, in any case.
// It lowers only ASCII letters: strings.ToLower maps every rune once the
// answer holds one non-ASCII character (a dash, a curly quote), and this
// runs on every answered message (25K of a turn's ~260K instructions,
// callgrind of BenchmarkTurn, 2026-12-06). The answer is the same:
// askWords' one cased word is ASCII, and no rune outside ASCII lowers to
// one of its letters (only U+0130 and U+212A lower into ASCII, to i and k).
//
// An answer is a knowledge entry's, the same on every message that gets it,
// so what it says is kept (askedOrder): the lowering copies the whole
// answer, and this runs on every answered message. The memo holds one bool
// per answer text ever loaded: a reload adds its changed answers, no more.
func asksOrder(answer string) bool {
	if v, ok := askedOrder.Load(answer); ok {
		return v.(bool)
	}
	asks := containsAny(text.LowerASCII(answer), askWords)
	askedOrder.Store(answer, asks)
	return asks
}

// askedOrder is asksOrder's memo: answer text -> whether it asks.
var askedOrder sync.Map

// withoutKnownOrderAsk is an answer of entry that asks for the order
// number, without that ask when the customer gave the number in this
// message (t.givenOrder) or earlier in the conversation ("where is my
// order KS-204817", then "it says delivered but its not here": QA walk
// 2026-12-06 session 2, item 17); for an earlier one, a line saying we
// have it comes first. Other answers are returned as they are; the
// history is read only for an answer that asks.
func (t *turn) withoutKnownOrderAsk(text, entry string) string {
	if !t.entryAsksOrder(entry) {
		return text
	}
	if t.givenOrder != "" {
		return withoutOrderAsk(text)
	}
	ref := t.orderGivenBefore()
	if ref == "" {
		return text
	}
	without := withoutOrderAsk(text)
	if without == text {
		return text
	}
	// With no desk no one on the team has the number the bot saw: the
	// customer is to include it when writing to us (review2 item 4).
	key := "order_known"
	if t.b.desk == nil {
		key = "order_known_nodesk"
	}
	return join(t.render(key, persona.Data{Extra: map[string]string{"ref": ref}}), without)
}

// handoffOrder is a handoff's evidence with the order number the customer
// gave in this conversation, when there is one and the evidence does not
// name it yet: the agent's card shows it, so no one asks for it again
// (lead, 2026-12-06: a complaint with the order number given handed off
// with an answer asking for it).
func (t *turn) handoffOrder(evidence []string) []string {
	ref := t.givenOrder
	if ref == "" {
		ref = t.orderGivenBefore()
	}
	if ref == "" || slices.ContainsFunc(evidence, func(e string) bool { return strings.Contains(e, ref) }) {
		return evidence
	}
	return append(slices.Clip(evidence), "order number "+ref+": the customer gave it in this conversation, no need to ask for it")
}

// orderGivenBefore is the last order number the customer wrote before
// this message since the conversation was last closed, "" for none.
func (t *turn) orderGivenBefore() string {
	turns := sinceClose(t.s.Turns, len(t.s.Turns))
	for i := len(turns) - 2; i >= 0; i-- { // the last turn is this message
		tr := turns[i]
		if tr.Role != "customer" || tr.Kind != string(KindText) || !mayHoldOrderRef(tr.Text) {
			// orderRef and orderRefIn both need four digits in a row
			// (orderRefAt): one look for them, not one each, at every
			// earlier message each time a reply asks for the number.
			continue
		}
		if ref, ok := orderRef(tr.Text); ok {
			if _, _, tracking := trackingRef(tr.Text); !tracking {
				return ref
			}
		}
		if ref, ok := orderRefIn(tr.Text); ok {
			return ref
		}
	}
	return ""
}

// sentencePattern is one sentence of an answer, with its end mark and the
// space after it.
var sentencePattern = regexp.MustCompile(`[^.!?。！？\n]+(?:[.!?。！？]+[ \t]*|$)`)

// orderAndWords ask for the order number together with something else
// ("send us your order number and a few photos", "请把订单号和几张照片发给我们",
// "주문번호와 함께 사진을 보내 주세요"), longest first: without them the
// sentence still asks for the rest.
var orderAndWords = []string{"your order number and ", "the order number and ", "订单号和", "주문번호와 함께 ", "주문번호와 "}

// sendWords ask the customer to send us something.
var sendWords = []string{"send us", "发给我们", "보내 주", "보내주", "알려 주", "알려주"}

// withoutOrderAnd is sent without its ask for the order number when the
// ask names something else too, which stays asked for. "send us your
// order number and we'll cancel it" names nothing else: it stays whole.
func withoutOrderAnd(sent string) string {
	low := strings.ToLower(sent)
	if !slices.ContainsFunc(sendWords, func(w string) bool { return strings.Contains(low, w) }) {
		return sent // names the number ("fill in the form with your order number and a photo"), asks nothing
	}
	for _, w := range orderAndWords {
		i := strings.Index(sent, w)
		if i < 0 {
			continue
		}
		rest := sent[i+len(w):]
		if f := strings.Fields(strings.ToLower(rest)); len(f) > 0 && slices.Contains([]string{"we", "we'll", "we’ll", "i", "i'll", "i’ll", "you", "you'll"}, f[0]) {
			return sent
		}
		return sent[:i] + rest
	}
	return sent
}

// sendOrderWords ask for the order number without showing one.
var sendOrderWords = []string{"send us your order number", "send us the order number", "订单号发给我们", "주문번호를 알려", "주문 번호를 알려", "주문번호를 보내"}

// withoutOrderAsk is an answer without its sentences asking for the order
// number ("send us your order number (it looks like KS-204817) and we'll
// check"): the customer just gave it, and a person takes it next. A
// sentence only naming the number ("fill in the form with your order
// number") stays: it says what the number is for.
func withoutOrderAsk(text string) string {
	out := sentencePattern.ReplaceAllStringFunc(text, func(sent string) string {
		sent = withoutOrderAnd(sent)
		low := strings.ToLower(sent)
		asks := false
		for _, w := range askWords {
			asks = asks || strings.Contains(low, w)
		}
		if !asks {
			return sent
		}
		if _, ok := orderRefIn(sent); ok {
			return "" // shows what an order number looks like: asks for one
		}
		for _, w := range sendOrderWords {
			if strings.Contains(low, w) {
				return ""
			}
		}
		return sent
	})
	return strings.ReplaceAll(strings.ReplaceAll(out, " \n", "\n"), "\n\n\n", "\n\n")
}

// A parcel's tracking number is not an order number: "tracking
// 9400111899223", "my tracking number is 9400...", "运单号 SF1234567890",
// "송장번호 123456789012". Only the carrier follows a parcel by it, and the
// team checks on an order by its order number, so it is answered (where to
// follow it, and the order number we need to check on it), never passed
// on as an order number.
var (
	// trackingRefPattern is a tracking number as carriers print them:
	// digits with at most a couple of letters around them ("SF1234567890",
	// "RR123456789CN"), or UPS's 1Z and 16 letters and digits. As for
	// orderRefPattern, only Latin letters and digits bound it: "运单号
	// SF1234567890" is written without the space as often as with it.
	trackingRefPattern = regexp.MustCompile(`(?i)(?:^|[^\p{Latin}\p{N}])(1z[0-9a-z]{16}|[a-z]{0,2}\d{8,}[a-z]{0,2})(?:$|[^\p{Latin}\p{N}])`)
	// trackingWords say the number is a tracking number, longest first.
	trackingWords = []string{"tracking number", "tracking no", "tracking #", "tracking id", "tracking code", "tracking", "track", "waybill",
		"快递单号", "物流单号", "运单号", "运单", "快递单", "物流号", "快递号",
		"운송장 번호", "운송장번호", "송장 번호", "송장번호", "운송장", "송장", "택배 번호", "택배번호"}
	// orderNamed say it is an order number, whatever it looks like,
	// unless a tracking word says which of the order's numbers it is
	// ("my order's tracking number is ...").
	orderNamed = []string{"order", "订单", "주문"}
)

// minTrackingDigits is where a number stops looking like one of our order
// numbers (KS-204817, six digits) or a phone number, and looks like a
// carrier's tracking number (USPS 20-22 digits, FedEx 12-15, SF Express
// 12, Korean carriers 10-13, so 12 and more without a word saying so).
const minTrackingDigits = 12

// trackingRef returns the tracking number text is made of, if text is
// little more than one: named as one ("tracking 9400111899223", "运单号
// SF1234567890"; named is true), or too long for an order number and not
// called one. A number after "+" is a phone number, and a payment card
// number is never one (cardGiven answers it).
func trackingRef(text string) (ref string, named, ok bool) {
	if !mayHoldTrackingRef(text) {
		return "", false, false
	}
	m := trackingRefPattern.FindStringSubmatchIndex(text)
	if m == nil || phoneAt(text, m[2]) {
		return "", false, false
	}
	ref = text[m[2]:m[3]]
	if isCard(ref) {
		return "", false, false
	}
	rest := strings.ToLower(text[:m[2]] + " " + text[m[3]:])
	for _, w := range trackingWords {
		if strings.Contains(rest, w) {
			named = true
			rest = strings.ReplaceAll(rest, w, " ")
		}
	}
	if !named {
		for _, w := range orderNamed {
			if strings.Contains(rest, w) {
				return "", false, false // "order number 9400111899223": theirs to name
			}
		}
		if countDigits(ref) < minTrackingDigits && !strings.HasPrefix(strings.ToLower(ref), "1z") {
			return "", false, false
		}
	}
	for _, w := range orderWords {
		rest = strings.ReplaceAll(rest, w, " ")
	}
	words := strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > maxOrderRest {
		return "", false, false
	}
	// UPS's 1Z numbers name themselves.
	return ref, named || strings.HasPrefix(strings.ToLower(ref), "1z"), true
}

// A number called a tracking number but too short to be one ("tracking
// 12345", "运单号 12345", "송장번호 12345") is most likely cut short or
// mistyped: no carrier's is under 8 characters. It is not an order number
// (it was not called one), so it is not passed on as one, nor missed: the
// reply asks for the whole number (or the order number) kindly.
var (
	// shortTrackingPattern is a number of 4 to 7 digits, maybe after "#":
	// what trackingRefPattern leaves. Bound by Latin letters and digits
	// only, so "运单号12345" and "송장번호12345" have one.
	shortTrackingPattern = regexp.MustCompile(`(?:^|[^\p{Latin}\p{N}])(#?\d{4,7})(?:$|[^\p{Latin}\p{N}])`)
	// trackingVerbs are the trackingWords that name the act, not the
	// number: "track order 12345" tracks an order by its number.
	trackingVerbs = map[string]bool{"tracking": true, "track": true}
	// shortTrackingLead is what must come right before the number: the
	// tracking noun, maybe "is" or a colon ("my tracking number is 12345",
	// "tracking #12345", "运单号 12345", "송장번호는 12345"). Anywhere else
	// in a sentence about tracking a short number is a year ("tracking
	// stuck since 2025") or an amount ("tracking fee 3000?"), not a number
	// cut short.
	shortTrackingLead = regexp.MustCompile(`(?i)(?:tracking(?:\s*(?:number|no\.?|id|code))?|waybill(?:\s*(?:number|no\.?))?|快递单号|物流单号|运单号|运单|快递单|物流号|快递号|운송장\s*번호|송장\s*번호|운송장|송장|택배\s*번호)(?:\s*(?:is|:|：|是|는|은))?\s*[:：#]?\s*$`)
	// shortTrackingTail are the words that may follow the number: it ends
	// the message, but for thanks and the like ("송장번호 12345 이요").
	shortTrackingTail = []string{"please", "pls", "thank you", "thanks", "thx", "谢谢", "감사합니다"}
)

// kindTrackingShort is the bot turn of that reply (trackingShort).
const kindTrackingShort = "tracking_short"

// shortTrackingRef returns the number text is made of, if text is little
// more than a number called a tracking number and too short for one. A
// number after "+" is a phone number's; with "order" beside "track" or
// "tracking" it is an order number ("track order 12345").
func shortTrackingRef(text string) (string, bool) {
	if !mayHoldOrderRef(text) { // the pattern needs \d{4,} too
		return "", false
	}
	m := shortTrackingPattern.FindStringSubmatchIndex(text)
	if m == nil || phoneAt(text, m[2]) {
		return "", false
	}
	if !shortTrackingLead.MatchString(text[:m[2]]) {
		return "", false
	}
	tail := strings.ToLower(text[m[3]:])
	for _, w := range shortTrackingTail {
		tail = strings.ReplaceAll(tail, w, " ")
	}
	for _, w := range orderWords {
		tail = strings.ReplaceAll(tail, w, " ")
	}
	if len(strings.FieldsFunc(tail, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })) > 0 {
		return "", false // "tracking 3000 dollars?"
	}
	rest := strings.ToLower(text[:m[2]] + " " + text[m[3]:])
	named, noun := false, false
	for _, w := range trackingWords {
		if strings.Contains(rest, w) {
			named, noun = true, noun || !trackingVerbs[w]
			rest = strings.ReplaceAll(rest, w, " ")
		}
	}
	if !named {
		return "", false
	}
	if !noun {
		for _, w := range orderNamed {
			if strings.Contains(rest, w) {
				return "", false
			}
		}
	}
	for _, w := range orderWords {
		rest = strings.ReplaceAll(rest, w, " ")
	}
	if len(strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })) > maxOrderRest {
		return "", false
	}
	return strings.TrimPrefix(text[m[2]:m[3]], "#"), true
}

// trackingShort asks kindly for the whole tracking number, or the order
// number, instead of a number too short to be a tracking number. The same
// short number again right after means the customer has nothing more to
// give: a person takes over, as trackingGiven does. A different short
// number ("tracking 7654321" after "tracking 12345") is a new try, asked
// for in full again.
func (t *turn) trackingShort(ref string) {
	if t.lastBotKind() == kindTrackingShort && t.shortTrackingSentBefore(ref) {
		t.handoff(handoff.Decision{Handoff: true, Reason: handoff.Loop,
			Evidence: []string{"tracking number " + ref + ": too short for one, sent again after the reply asked for the whole number or the order number"}})
		return
	}
	t.s.Misses = 0
	t.emit(join(t.lead, t.render("tracking_number_short", persona.Data{Extra: map[string]string{"ref": ref}})), kindTrackingShort, "", 0)
}

// phoneAt reports whether the number at i of text is (the end of) one
// written after a "+": "+8613812345678", "+ 44 7911 123456" and "+1
// (555) 014-2123" are phone numbers.
func phoneAt(text string, i int) bool {
	return strings.HasSuffix(strings.TrimRight(text[:i], " -().0123456789"), "+")
}

// cardRunPattern finds digits grouped the ways a card number is typed:
// "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111".
var cardRunPattern = regexp.MustCompile(`\d(?:[ \-]?\d){12,18}`)

// isCard reports whether s's digits are a payment card number: 13 to 19
// of them, the first a card network's (2 Mastercard, 3 Amex, JCB and
// Diners, 4 Visa, 5 Mastercard, 6 Discover, UnionPay and Maestro), and
// the Luhn check every card number passes. The first-digit rule keeps
// one in ten parcel numbers (which pass Luhn by chance) from being called
// cards.
func isCard(s string) bool {
	n, first := 0, byte(0)
	for i := 0; i < len(s); i++ {
		if c := s[i]; '0' <= c && c <= '9' {
			if n == 0 {
				first = c
			}
			n++
		}
	}
	return n >= 13 && n <= 19 && first >= '2' && first <= '6' && logmask.Luhn(s)
}

// cardRun returns where the first card number in text is, if any.
func cardRun(text string) (start, end int, ok bool) {
	if !mayHoldCardRun(text) {
		return 0, 0, false
	}
	for _, m := range cardRunPattern.FindAllStringIndex(text, -1) {
		// The run must stand alone: "94001118992234111..." is not a card
		// inside a longer number.
		if m[0] > 0 && isDigitByte(text[m[0]-1]) || m[1] < len(text) && isDigitByte(text[m[1]]) {
			continue
		}
		if isCard(text[m[0]:m[1]]) {
			return m[0], m[1], true
		}
	}
	return 0, 0, false
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

// The patterns above cost more than all the rest of reading a message
// (the backtracker clears its state for the whole text on every call), and
// almost no message can match them. These checks are what each pattern
// cannot match without, so the pattern runs only where it might match;
// TestRefPrefiltersNeverMissAMatch holds them to the patterns.

// mayHoldOrderRef: orderRefPattern needs \d{4,}.
func mayHoldOrderRef(text string) bool { return longestDigitRun(text) >= 4 }

// mayHoldTrackingRef: trackingRefPattern needs \d{8,}, or "1z" in either
// case (z folds to Z alone).
func mayHoldTrackingRef(text string) bool {
	return longestDigitRun(text) >= 8 || strings.Contains(text, "1z") || strings.Contains(text, "1Z")
}

// mayHoldCardRun: cardRunPattern needs 13 digits.
func mayHoldCardRun(text string) bool { return countDigitBytes(text) >= 13 }

// longestDigitRun is the length of the longest run of ASCII digits in s:
// the patterns' \d is ASCII, so a pattern needing \d{k,} cannot match
// when this is under k.
func longestDigitRun(s string) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if isDigitByte(s[i]) {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// countDigitBytes is how many ASCII digits s has.
func countDigitBytes(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigitByte(s[i]) {
			n++
		}
	}
	return n
}

// cardGiven answers a message that is little more than a payment card
// number ("4111 1111 1111 1111", "my card is 4111..."): we never need one
// in chat, so the reply says so kindly and never repeats it, and the
// number is replaced by [card] in the transcript a person will read. A
// card number inside a longer message is hidden the same way and the
// message answered as usual. It reports whether it answered.
func (t *turn) cardGiven(text string) bool {
	start, end, ok := cardRun(text)
	if !ok {
		return false
	}
	t.hideCard()
	rest := strings.ToLower(text[:start] + " " + text[end:])
	for _, w := range cardWords {
		rest = strings.ReplaceAll(rest, w, " ")
	}
	for _, w := range orderWords {
		rest = strings.ReplaceAll(rest, w, " ")
	}
	if len(strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })) > maxOrderRest {
		return false
	}
	t.s.Misses = 0
	t.emit(join(t.lead, t.render("card_number", persona.Data{})), kindCard, "", 0)
	return true
}

// cardWords name a card around its number.
var cardWords = []string{"credit card", "debit card", "card number", "card no", "card", "visa", "mastercard", "amex",
	"信用卡", "银行卡", "卡号", "卡", "신용카드", "카드번호", "카드 번호", "카드"}

// hideCard replaces the card numbers in the customer's last turn in the
// transcript by [card]: the session store keeps what customers said for
// the person who takes over, and a card number is nothing they need.
func (t *turn) hideCard() {
	for i := len(t.s.Turns) - 1; i >= 0; i-- {
		if tr := &t.s.Turns[i]; tr.Role == "customer" {
			tr.Text = cardRunPattern.ReplaceAllStringFunc(tr.Text, func(run string) string {
				if isCard(run) {
					return logmask.Card
				}
				return run
			})
			return
		}
	}
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// trackingGiven answers a tracking number: what it is for and where to
// follow the parcel, and the order number we need to check with the
// carrier. It asks for the order number, so an order number next is
// passed on to a person (askedForOrder).
//
// The number is said back only when the customer named it a tracking
// number: a bare long number may be something else (an account, an ID),
// and repeating it puts it in the transcript twice.
//
// A second tracking number right after that reply means the customer has
// no order number at hand (or did not see the reply help): answering the
// same again would go round for ever, so a person, who can look the
// parcel up by it, takes over with the number in the evidence.
func (t *turn) trackingGiven(ref string, named bool) {
	if t.lastBotKind() == kindTracking {
		t.handoff(handoff.Decision{Handoff: true, Reason: handoff.Loop,
			Evidence: []string{"tracking number " + ref + ": sent again after the reply to their tracking number asked for the order number; a person can look the parcel up by it"}})
		return
	}
	t.s.Misses = 0
	if !named {
		t.emit(join(t.lead, t.render("tracking_number_plain", persona.Data{})), kindTracking, "", 0)
		return
	}
	t.emit(join(t.lead, t.render("tracking_number", persona.Data{Extra: map[string]string{"ref": ref}})), kindTracking, "", 0)
}

// askedForOrder reports whether the bot's last reply was an answer that
// asks the customer to send their order number (cancelling after the
// first hour, changing an address, a warranty claim), and which entry
// ("" for the reply to a tracking number, which asks for it too).
func (t *turn) askedForOrder() (string, bool) {
	for i := len(t.s.Turns) - 2; i >= 0; i-- { // the last turn is this message
		tr := t.s.Turns[i]
		if tr.Role != "bot" {
			continue
		}
		if tr.Kind == kindTracking || tr.Kind == kindTrackingShort || tr.Kind == kindCard {
			return "", true // it asks for the order number
		}
		// A complaint handoff with no desk answers too ("wheres my
		// order?? its been like 2 weeks": the tracking answer, then how to
		// reach the team): its answer may ask for the order number.
		if (tr.Kind != kindAnswer && tr.Kind != kindLikely && tr.Kind != kindNoDesk) || tr.Entry == "" {
			return "", false
		}
		if t.entryAsksOrder(tr.Entry) {
			return tr.Entry, true
		}
		// A reply to two questions may ask for it in its second part
		// ("how much is shipping and my item arrived damaged": the
		// damaged-item part asks, walk 2026-12-06 item 12). Only a part
		// asks: an entry whose tip the reply only pointed to ("One more
		// thing that might help") did not, and a bare "1002" after it is
		// no order number (review 1 H3).
		if tr.Kind == kindAnswer {
			for _, id := range t.answeredParts(i) {
				if t.entryAsksOrder(id) {
					return id, true
				}
			}
		}
		return "", false
	}
	return "", false
}

// orderGiven thanks the customer for the order number an answer asked for
// and brings in a person to act on it: the customer did what we asked,
// and only a person can cancel or change an order. With no desk, it says
// how to reach one with the number instead.
//
// After the reply to a tracking number, the same number again
// ("SF1234567890", first sent as "运单号 SF1234567890") is that tracking
// number, not an order number: trackingGiven brings the person.
func (t *turn) orderGiven(ref, entry string) {
	if entry == "" && t.trackingSentBefore(ref) {
		t.trackingGiven(ref, true)
		return
	}
	if entry == "" && t.lastBotKind() == kindTrackingShort && t.shortTrackingSentBefore(ref) {
		t.trackingShort(ref) // "12345" after "tracking 12345" was answered
		return
	}
	// With no desk there is nobody to pass the number to: the reply says
	// to give it to the team when reaching them (handoff_nodesk says how).
	key := "order_received"
	if t.b.desk == nil {
		key = "order_received_nodesk"
	}
	t.lead = join(t.lead, t.render(key, persona.Data{Extra: map[string]string{"order": ref}}))
	asked := "the answer " + entry
	switch {
	case entry == "" && t.lastBotKind() == kindCard:
		asked = "the reply to their card number"
	case entry == "":
		asked = "the reply to their tracking number"
	}
	t.handoff(handoff.Decision{Handoff: true, Reason: handoff.Explicit,
		Evidence: []string{"order number " + ref + ": the customer sent it after " + asked + " asked for it"}})
}

// trackingSentBefore reports whether the customer's message before this
// one was the tracking number ref.
func (t *turn) trackingSentBefore(ref string) bool {
	for i := len(t.s.Turns) - 2; i >= 0; i-- { // the last turn is this message
		if tr := t.s.Turns[i]; tr.Role == "customer" {
			prev, _, ok := trackingRef(tr.Text)
			return ok && strings.EqualFold(strings.TrimPrefix(prev, "#"), ref)
		}
	}
	return false
}

// shortTrackingSentBefore reports whether the customer's message before
// this one was the too-short tracking number ref.
func (t *turn) shortTrackingSentBefore(ref string) bool {
	for i := len(t.s.Turns) - 2; i >= 0; i-- { // the last turn is this message
		if tr := t.s.Turns[i]; tr.Role == "customer" {
			prev, ok := shortTrackingRef(tr.Text)
			return ok && prev == ref
		}
	}
	return false
}
