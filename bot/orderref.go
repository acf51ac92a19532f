package bot

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/persona"
)

// orderRefPattern is an order number as customers paste one: letters, a
// dash and digits ("KS-55123", "ks55123"), or five or more digits, maybe
// after "#".
var orderRefPattern = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(#?[a-z]{1,4}-?\d{4,}|#?\d{5,})(?:$|[^\p{L}\p{N}])`)

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

// orderRef returns the order number text is made of, if text is little
// more than one.
func orderRef(text string) (string, bool) {
	m := orderRefPattern.FindStringSubmatchIndex(text)
	if m == nil {
		return "", false
	}
	ref := text[m[2]:m[3]]
	rest := strings.ToLower(text[:m[2]] + " " + text[m[3]:])
	for _, w := range orderWords { // longest first is not needed: each is removed where it stands
		rest = strings.ReplaceAll(rest, w, " ")
	}
	words := strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > maxOrderRest {
		return "", false
	}
	return strings.TrimPrefix(ref, "#"), true
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
	// "RR123456789CN"), or UPS's 1Z and 16 letters and digits.
	trackingRefPattern = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(1z[0-9a-z]{16}|[a-z]{0,2}\d{8,}[a-z]{0,2})(?:$|[^\p{L}\p{N}])`)
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
// SF1234567890"), or too long for an order number and not called one.
func trackingRef(text string) (string, bool) {
	m := trackingRefPattern.FindStringSubmatchIndex(text)
	if m == nil {
		return "", false
	}
	ref := text[m[2]:m[3]]
	rest := strings.ToLower(text[:m[2]] + " " + text[m[3]:])
	named := false
	for _, w := range trackingWords {
		if strings.Contains(rest, w) {
			named = true
			rest = strings.ReplaceAll(rest, w, " ")
		}
	}
	if !named {
		for _, w := range orderNamed {
			if strings.Contains(rest, w) {
				return "", false // "order number 9400111899223": theirs to name
			}
		}
		if countDigits(ref) < minTrackingDigits && !strings.HasPrefix(strings.ToLower(ref), "1z") {
			return "", false
		}
	}
	for _, w := range orderWords {
		rest = strings.ReplaceAll(rest, w, " ")
	}
	words := strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > maxOrderRest {
		return "", false
	}
	return ref, true
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
func (t *turn) trackingGiven(ref string) {
	t.s.Misses = 0
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
		if tr.Kind == kindTracking {
			return "", true // it asks for the order number
		}
		// A complaint handoff with no desk answers too ("wheres my
		// order?? its been like 2 weeks": the tracking answer, then how to
		// reach the team): its answer may ask for the order number.
		if (tr.Kind != kindAnswer && tr.Kind != kindLikely && tr.Kind != kindNoDesk) || tr.Entry == "" {
			return "", false
		}
		e, ok := t.set.KB.Entry(tr.Entry, t.lang)
		if !ok {
			return "", false
		}
		answer := strings.ToLower(e.Answer)
		for _, w := range askWords {
			if strings.Contains(answer, w) {
				return tr.Entry, true
			}
		}
		return "", false
	}
	return "", false
}

// orderGiven thanks the customer for the order number an answer asked for
// and brings in a person to act on it: the customer did what we asked,
// and only a person can cancel or change an order.
func (t *turn) orderGiven(ref, entry string) {
	t.lead = join(t.lead, t.render("order_received", persona.Data{Extra: map[string]string{"order": ref}}))
	asked := "the answer " + entry
	if entry == "" {
		asked = "the reply to their tracking number"
	}
	t.handoff(handoff.Decision{Handoff: true, Reason: handoff.Explicit,
		Evidence: []string{"order number " + ref + ": the customer sent it after " + asked + " asked for it"}})
}
