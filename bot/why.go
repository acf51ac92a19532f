package bot

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/text"
)

// whyWords are the ways to ask "why?" alone ("why not?", "为什么不行",
// "왜 안 돼요"): right after an answer they ask the reason for what it
// refused or limited, nothing new. Read as a question of their own, their
// one word matched anything ("why not?" after the cancel answer was a
// guess at the partial-order entry; walk8).
var whyWords = map[string]bool{
	"why": true, "why not": true, "but why": true, "but why not": true, "how come": true, "why is that": true, "whys that": true,
	"why's that": true, "why so": true, "why though": true, "why not though": true, "why cant i": true, "why can't i": true,
	"why cant you": true, "why can't you": true, "whyyy": true, "y not": true, "why is it": true, "why is it not possible": true,
	"为什么": true, "为啥": true, "为什么不行": true, "为什么不可以": true, "为什么不能": true, "为啥不行": true, "为什么呢": true,
	"为什么啊": true, "怎么不行": true, "怎么不可以": true, "为什么不行呢": true, "为什么不能呢": true,
	"왜": true, "왜요": true, "왜죠": true, "왜 안 돼요": true, "왜 안돼요": true, "왜 안 되나요": true, "왜 안되나요": true,
	"어째서요": true, "왜 그래요": true, "왜 그런가요": true, "왜 그런 거예요": true, "왜 안 돼": true, "왜 안돼": true,
}

// refusedCue finds a sentence of an answer that says no or sets a limit
// ("Once it has shipped we can't stop it anymore", "发货后就无法拦截了",
// "출고 후에는 취소할 수 없어요"): what a "why not?" asks about.
var refusedCue = regexp.MustCompile(`(?i)\b(can't|cannot|can not|won't|don't|doesn't|isn't|aren't|not possible|no longer|unable|only)\b|不能|无法|没法|没办法|不可以|不支持|不接受|不提供|只能|不会|不做|不收|不退|不换|不发|수 없|못 |못해|불가|않아요|않습니다|않는|안 돼|안 받|만 가능`)

// asksWhy reports whether msg is only a "why?" (whyWords).
func asksWhy(msg string) bool {
	s := strings.TrimFunc(text.Normalize(msg), func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) })
	return whyWords[s]
}

// whyAfterAnswer answers "why not?" right after an answer: the sentence
// of that answer that said no or set the limit, said again as the reason
// our pages give, and a person offered kindly for more; without such a
// sentence, honestly that our pages give no reason, and the person. Never
// a list of topics: the customer asked about what we just said. It
// reports whether it answered.
func (t *turn) whyAfterAnswer(text string) bool {
	if len(text) > 64 || !t.afterAnswer() || !asksWhy(text) {
		return false
	}
	b := t.lastBotTurn()
	said := t.s.Turns[b]
	if said.Entry == "" {
		return false
	}
	reason := refusal(t.entryAnswer(said.Entry), said.Text)
	t.s.Misses = 0
	d := persona.Data{Customer: firstName(t.s.Name)}
	if reason == "" {
		t.emit(join(t.lead, t.render(t.deskless("why_none"), d)), kindAnswer, said.Entry, 0)
	} else {
		t.emit(join(t.lead, t.render("why_lead", d), reason, t.render(t.deskless("why_more"), d)), kindAnswer, said.Entry, 0)
	}
	t.personButton()
	return true
}

// reasonCue finds a sentence that gives a reason ("...거든요", "因为...",
// "That's because ..."): said right after the one that says no, it is
// the why ("직접 교환은 하지 않아요. 반품하고 다시 주문하시는 게 더
// 빠르거든요.").
var reasonCue = regexp.MustCompile(`(?i)\b(because|since|that's why|so that)\b|因为|由于|是为了|거든|때문|위해서`)

// refusal is the first sentence of answer (Markdown) that says no or sets
// a limit (refusedCue), with the next one when that gives its reason,
// preferring one the reply said (a reply may have given part of the
// answer); "" when none does.
func refusal(answer, said string) string {
	var first string
	for _, line := range strings.Split(Plain(answer), "\n") {
		ss := sentences(line)
		for i, s := range ss {
			if !refusedCue.MatchString(s + " ") {
				continue
			}
			if i+1 < len(ss) && !reasonCue.MatchString(s) && reasonCue.MatchString(ss[i+1]) {
				s += " " + ss[i+1]
			}
			if strings.Contains(said, s) {
				return s
			}
			if first == "" {
				first = s
			}
		}
	}
	return first
}
