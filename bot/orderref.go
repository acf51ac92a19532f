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

// askedForOrder reports whether the bot's last reply was an answer that
// asks the customer to send their order number (cancelling after the
// first hour, changing an address, a warranty claim), and which entry.
func (t *turn) askedForOrder() (string, bool) {
	for i := len(t.s.Turns) - 2; i >= 0; i-- { // the last turn is this message
		tr := t.s.Turns[i]
		if tr.Role != "bot" {
			continue
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
	t.handoff(handoff.Decision{Handoff: true, Reason: handoff.Explicit,
		Evidence: []string{"order number " + ref + ": the customer sent it after the answer " + entry + " asked for it"}})
}
