package bot

import (
	"cmp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/text"
)

// A first question that names one thing and asks whether we take it ("do
// you take Venmo?", "你们支持微信支付吗", "네이버페이 돼요?") is about a
// closed list's entry (payment methods): when the thing is not on the
// list, a great agent says so plainly first, then what is. The follow-up
// reading (followUp) does this for "what about Venmo?" after an answer;
// askedThing finds the thing in a whole question, by the frames customers
// ask with, so only such yes/no questions are read this way.
var (
	// askFramesEn start such a question; askEndsEn may end it.
	askFramesEn = []string{"do you guys take ", "do you guys accept ", "do you take ", "do you accept ", "do you support ", "do you allow ",
		"will you take ", "would you take ", "can you take ", "can i pay with ", "can i pay by ", "can i pay using ", "can i pay via ",
		"can i pay through ", "can i use ", "could i pay with ", "could i use ", "is it possible to pay with ", "is it possible to pay by ",
		// Typed in a hurry (walk3 2026-12-07: "do u take venmo" missed).
		"do u take ", "do u accept ", "do ya take ", "do u guys take ", "can u take ", "can i pay w "}
	// askBareFramesEn start such a question only when it is asked ("u take
	// venmo?"): without a question verb, the same words are as often a
	// statement ("you take forever", "u take ages") that names no thing we
	// might take, so they need the question mark.
	askBareFramesEn = []string{"u take ", "you take ", "you guys take ", "u guys take ", "u accept ", "you accept "}
	askEndsEn       = []string{" as a payment method", " as payment", " payments", " payment", " at checkout", " please", " too", " as well", " here", " for my order"}
	// Chinese: a verb of taking before the thing, a question particle
	// after it ("支持微信支付吗", "可以用微信吗", "收不收微信").
	askLeadsZh = []string{"请问", "你们家", "你们", "你家", "这边", "这里", "店里", "我", "可不可以", "能不能", "可以", "能", "支不支持", "支持", "接受", "收不收", "收", "使用", "用"}
	askTakesZh = []string{"支持", "接受", "收", "用", "使用"}
	askEndsZh  = []string{"吗", "嘛", "么", "不", "没有", "付款", "付钱", "支付", "结账", "买单", "来付", "付"}
	// Korean: the thing, maybe with a particle, then "돼요?" and the like
	// ("네이버페이 돼요?", "위챗페이로 결제 가능해요?").
	askEndsKo     = []string{"사용 가능한가요", "사용 가능해요", "사용할 수 있나요", "사용할 수 있어요", "쓸 수 있나요", "쓸 수 있어요", "가능한가요", "가능하나요", "가능해요", "가능", "되나요", "돼요", "되요", "됩니까", "돼", "결제", "받나요", "받아요", "되는지"}
	askParticleKo = []string{"으로", "로", "는", "은", "도"}
)

// askedThing is the one thing a yes/no question asks whether we take, as
// written ("Venmo", "微信", "네이버페이"), "" when it asks nothing of the
// kind. Cheap: a few prefix and suffix checks on short messages.
func askedThing(msg string) string {
	s := strings.TrimSpace(msg)
	if s == "" || utf8.RuneCountInString(s) > 40 {
		return ""
	}
	asked := strings.HasSuffix(s, "?") || strings.HasSuffix(s, "？")
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	switch {
	case hasScript(s, unicode.Hangul):
		return askedThingKo(s)
	case hasScript(s, unicode.Han):
		return askedThingZh(s)
	}
	return askedThingEn(s, asked)
}

// askedThingEn reads s by its frames; asked says the message ended in a
// question mark, which the bare frames need.
func askedThingEn(s string, asked bool) string {
	low := strings.ToLower(s)
	cut := -1
	for _, f := range askFramesEn {
		if strings.HasPrefix(low, f) {
			cut = len(f)
			break
		}
	}
	for _, f := range askBareFramesEn {
		if cut < 0 && asked && strings.HasPrefix(low, f) {
			cut = len(f)
		}
	}
	if cut < 0 {
		return ""
	}
	thing := s[cut:]
	for changed := true; changed; {
		changed = false
		for _, e := range askEndsEn {
			if len(thing) > len(e) && strings.HasSuffix(strings.ToLower(thing), e) {
				thing, changed = thing[:len(thing)-len(e)], true
			}
		}
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(thing), notAWordSplit) {
		if takesTime[w] {
			// "you take forever?", "do you take ages": taking time,
			// not taking a way to pay (review A W1).
			return ""
		}
	}
	return oneThing(thing, 3)
}

// takesTime are the words of an amount of time, which "take" takes when
// it speaks of how long we are.
var takesTime = map[string]bool{"forever": true, "ages": true, "age": true, "long": true, "longer": true, "while": true, "time": true, "eternity": true,
	"minutes": true, "mins": true, "hours": true, "hrs": true, "days": true, "weeks": true, "months": true, "years": true, "min": true, "hour": true, "day": true, "week": true, "month": true, "year": true}

func askedThingZh(s string) string {
	took := false
	for changed := true; changed; {
		changed = false
		for _, p := range askLeadsZh {
			if rest, ok := strings.CutPrefix(s, p); ok && rest != "" {
				s, changed = rest, true
				for _, t := range askTakesZh {
					took = took || strings.HasSuffix(p, t)
				}
			}
		}
	}
	asked := false
	for changed := true; changed; {
		changed = false
		for _, e := range askEndsZh {
			if rest, ok := strings.CutSuffix(s, e); ok && rest != "" {
				s, changed = rest, true
				asked = asked || e == "吗" || e == "嘛" || e == "么" || e == "不" || e == "没有"
			}
		}
	}
	if !took || !asked || strings.ContainsAny(s, "，,。 什哪怎") {
		return ""
	}
	return oneThing(s, 2)
}

func askedThingKo(s string) string {
	words := strings.Fields(s)
	asked := false
	for changed := true; changed && len(words) > 1; {
		changed = false
		joined := strings.Join(words, " ")
		for _, e := range askEndsKo {
			if rest, ok := strings.CutSuffix(joined, e); ok && strings.TrimSpace(rest) != "" {
				words, changed, asked = strings.Fields(rest), true, true
				break
			}
		}
	}
	if !asked || len(words) != 1 {
		return ""
	}
	w := words[0]
	for _, p := range askParticleKo {
		if rest, ok := strings.CutSuffix(w, p); ok && utf8.RuneCountInString(rest) >= 2 {
			w = rest
			break
		}
	}
	return w
}

// oneThing is s when it is a short name (at most max words, no question
// words or pronouns in it), "" otherwise.
func oneThing(s string, max int) string {
	s = strings.TrimSpace(s)
	words := strings.FieldsFunc(s, notAWordSplit)
	if len(words) == 0 || len(words) > max {
		return ""
	}
	for _, w := range words {
		if referringEn[strings.ToLower(w)] || ellipsisEn[strings.ToLower(w)] {
			return ""
		}
	}
	return s
}

// negations mark a sentence of an answer that says what we do not do
// ("We don't offer WeChat Pay", "目前不支持微信支付", "지원하지 않아요").
var negations = []string{"don't", "do not", "doesn't", "does not", "not ", "no ", "不支持", "不接受", "不能", "不", "没有", "않", "없", "안 돼", "불가"}

func saysNot(s string) bool {
	return containsAny(strings.ToLower(s), negations)
}

// notTaken reports whether the units at of a closed list's passage, those
// about a thing named, say we do not take it: none is on the list, and
// each says "not".
func notTaken(pa passage, at []int) bool {
	for _, i := range at {
		if pa.units[i].item || !saysNot(pa.units[i].text) {
			return false
		}
	}
	return len(at) > 0
}

// namedNotListed answers a first question that asks whether we take one
// thing (askedThing) from a closed list's entry, when the thing is not on
// the list: the sentence of the answer that says we do not take it, or
// that it is not on our list (followup_not_listed), then the list. A
// thing on the list, or one the entry names in no way, gets the whole
// entry as before. It returns false to answer as usual.
func (a kbAnswerer) namedNotListed(q Question, d persona.Data) (Answer, bool) {
	// Not only a confident match: "do you take Venmo?" names nothing the
	// base knows, and the closed list's entry coming first is enough
	// with the question's frame.
	if q.FollowUp != nil || len(q.Parts) > 0 || len(q.Candidates) == 0 {
		return Answer{}, false
	}
	set := a.c.Current()
	thing := askedThing(q.Text)
	if thing == "" {
		return Answer{}, false
	}
	id, e, pa, ok := a.closedListFor(q, thing)
	if !ok {
		return Answer{}, false
	}
	list := pa.list()
	freq := unitFreq(set.KB.Base, e.Lang, set.Lexicon)
	words := text.Normalize(thing)
	named := namedTerms(termSet(words, set.Lexicon))
	if len(named) == 0 {
		return Answer{}, false
	}
	p := set.Persona
	var first string
	at := pa.about(named, freq)
	switch {
	case len(at) > 0 && notTaken(pa, at):
		first = pa.gather(at)
	case len(at) > 0 && !onList(pa, at):
		return Answer{}, false // not a "we don't", nor on the list: the entry as usual
	case len(at) > 0 || partlyListed(pa, named, freq) || cardKind(words):
		// On the list ("你们接受PayPal吗": a yes, though the match alone
		// was not sure with 你们 in it), or a kind of what it names
		// ("visa debit", "paypal credit", "Maestro"), not a thing
		// clearly absent: the whole entry, even
		// when the match alone was not sure (a brand the base never
		// names), for the frame asked about a way to pay.
		text := join(sayLead(p, q, leadKey(q, id, e.Answer), d), langNote(p, q.Lang, e.Lang, d), Plain(e.Answer), p.Say(q.Lang, "anything_else", d))
		return Answer{Text: text, Entry: id, Confident: true}, true
	case !mentions(set.KB.Base, id, words, named, freq, set.Lexicon):
		about := d
		about.Topics = []string{cmp.Or(thing, words)}
		first = p.Say(q.Lang, "followup_not_listed", about)
	default:
		return Answer{}, false
	}
	text := join(first, langNote(p, q.Lang, e.Lang, d), Plain(list), p.Say(q.Lang, "anything_else", d))
	return Answer{Text: text, Entry: id, Confident: true}, true
}

// closedListFor is the closed list's entry a question asking whether we
// take thing is about: the first candidate when it is one; else a closed
// list's entry among the other candidates when the thing is of the kind
// its list names, by a lexicon concept (~pay) one of the list's items
// carries: "you guys take venmo?" ranks delivery first on "you guys", yet
// Venmo is a way to pay as PayPal on the list is. "do you guys take
// feedback?" names nothing of the kind, so it is never told feedback is
// not a way to pay (review-A W2).
func (a kbAnswerer) closedListFor(q Question, thing string) (string, *knowledge.Entry, passage, bool) {
	set := a.c.Current()
	var kinds map[string]bool
	for i, c := range q.Candidates {
		e, ok := set.KB.Entry(c.ID, q.Lang)
		if !ok || !e.ClosedList {
			continue
		}
		pa := cutPassage(e.Answer, set.Lexicon)
		if pa.list() == "" {
			continue
		}
		if i == 0 {
			return c.ID, e, pa, true
		}
		if kinds == nil {
			kinds = kindsItself(thing, set.Lexicon)
		}
		for _, u := range pa.units {
			if !u.item {
				continue
			}
			for t := range kinds {
				if u.terms[t] {
					return c.ID, e, pa, true
				}
			}
		}
	}
	return "", nil, passage{}, false
}

// kindsItself is the lexicon concepts (~pay) the thing asked about is,
// when the thing is nothing but the words carrying them ("venmo",
// "比特币", "비트코인"): a way to pay asked about. A thing with more in it
// ("比特币买的能退", what was bought with bitcoin, can it be returned)
// asks about something done with it, which the first candidate (returns)
// may well answer: no kind, so no reach past it (review-A W3).
func kindsItself(thing string, lex *text.Lexicon) map[string]bool {
	kinds := map[string]bool{}
	_, uses := lex.Explain(text.Tokenize(Plain(thing)))
	rest := text.Normalize(Plain(thing))
	for _, u := range uses {
		if strings.HasPrefix(u.To, text.ConceptPrefix) {
			kinds[u.To] = true
			rest = strings.Replace(rest, u.From, " ", 1)
		}
	}
	for _, t := range text.Tokenize(rest) {
		if t.CJK || !text.IsStopWord(t.Text) {
			return nil
		}
	}
	return kinds
}

// onList reports whether one of the units at is an item of the list.
func onList(pa passage, at []int) bool {
	for _, i := range at {
		if pa.units[i].item {
			return true
		}
	}
	return false
}

// partlyListed reports whether any one term of a thing named is on the
// closed list itself ("visa" of "visa debit"): the customer names a kind
// of a way we take, so "not on our list" would be a wrong no.
func partlyListed(pa passage, named map[string]bool, f *docFreq) bool {
	if len(named) < 2 {
		return false // one term: about(named) already looked
	}
	for t := range named {
		for _, i := range pa.about(map[string]bool{t: true}, f) {
			if pa.units[i].item {
				return true
			}
		}
	}
	return false
}

// cardKinds name a card by its type or a card brand the list may leave
// out (Maestro is Mastercard's debit brand, Electron Visa's): a list
// that takes cards takes these more often than not, so the list answers.
var cardKinds = []string{"debit", "credit", "card", "maestro", "electron", "visa", "mastercard",
	"借记卡", "信用卡", "储蓄卡", "银行卡", "卡", "체크카드", "신용카드", "직불", "카드"}

func cardKind(words string) bool {
	return containsAny(strings.ToLower(words), cardKinds)
}
