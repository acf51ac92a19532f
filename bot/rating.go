package bot

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/text"
)

// ratingDigit reads a rating from 1 to 5 the way customers type one after
// the rating prompt: a digit ("5", a full-width "５"), with a unit or out of
// five ("5 stars", "5/5", "I'd give it a 4 out of 5", "5分", "五星", "5점이요",
// "별 다섯 개 드릴게요"), out of ten ("10/10" is 5 stars, "7/10" 4), a number
// word ("five", "다섯", "五"), or as many stars as the rating ("⭐⭐⭐⭐⭐",
// "★★★"). Anything more is not a rating: "5 stars but the box was
// damaged" is a comment and a question.
func ratingDigit(s string) (int, bool) {
	n, rest, _, ok := ratingAt(s)
	return n, ok && rest == ""
}

// ratingLead reads a rating that starts a message and says what it is
// ("10/10 would chat again", "5 stars, thank you!", "给你五星好评"): a unit or
// "out of" is required, since a bare number before other words is anything
// but ("2 items are missing"). rest is what follows it.
func ratingLead(s string) (n int, rest string, ok bool) {
	n, rest, unit, ok := ratingAt(s)
	return n, rest, ok && unit
}

// storedRating is the rating a customer's message was recorded with
// (ratingDigit, ratingLead or ratingIn), for rebuilding the event after a
// failed save.
func storedRating(s string) (int, bool) {
	if n, ok := ratingDigit(s); ok {
		return n, true
	}
	if n, _, ok := ratingLead(s); ok {
		return n, true
	}
	n, _, ok := ratingIn(s, false)
	return n, ok
}

// ratingAt reads a rating at the start of s: its stars, what follows it
// (trimmed), and whether it had a unit or "out of" (or was stars).
func ratingAt(s string) (n int, rest string, unit, ok bool) {
	s = strings.TrimSpace(text.Normalize(s))
	if n, ok := starRating(s); ok {
		return n, "", true, true
	}
	s = strings.TrimFunc(s, func(r rune) bool { return strings.ContainsRune("!.~。！～,， ", r) })
	if !mayBeRating(s) {
		return 0, "", false, false
	}
	m := ratingForm.FindStringSubmatchIndex(s)
	if m == nil {
		return 0, "", false, false
	}
	lead, num, u, outOf := sub(s, m, 1), sub(s, m, 2), sub(s, m, 3), sub(s, m, 4)
	if rest = s[m[1]:]; strings.ContainsAny(rest, "?？") {
		return 0, "", false, false // "5?", "4 stars?": a question, not a rating
	}
	if rest != "" && !boundary(s[:m[1]], rest) {
		// "5 starsky", "5分钟前下的单" (minutes), "3星期" (weeks): the
		// number is part of another word.
		return 0, "", false, false
	}
	rest = strings.TrimLeftFunc(rest, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	if (num == "한" || num == "두" || num == "세") && u == "" {
		return 0, "", false, false
	}
	if u == "개" && lead != "별" {
		u = "" // "5개" is five of anything; "별 다섯 개" is five stars
	}
	n, ok = ratingWords[num]
	if !ok {
		return 0, "", false, false
	}
	switch {
	case outOf == "10" || outOf == "ten":
		n = (n + 1) / 2 // out of ten: 10 and 9 are five stars, 1 and 2 one
	case n > 5:
		return 0, "", false, false
	}
	return n, rest, u != "", n >= 1
}

// boundary reports whether the rating before ends apart from what follows
// it: a space or a mark between them.
func boundary(before, rest string) bool {
	b, r := []rune(before), []rune(rest)
	sep := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) }
	return sep(b[len(b)-1]) || sep(r[0])
}

// sub is submatch i of a FindStringSubmatchIndex result, or "".
func sub(s string, m []int, i int) string {
	if m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

// starRating counts a message made only of stars ("⭐⭐⭐⭐", "★★★☆☆": the
// filled ones).
func starRating(s string) (int, bool) {
	n := 0
	for _, r := range s {
		switch r {
		case '⭐', '★', '🌟':
			n++
		case '☆', ' ', '\uFE0F':
		default:
			return 0, false
		}
	}
	return n, n >= 1 && n <= 5
}

// ratingWords are the numbers a rating may be written with, after
// text.Normalize (full-width digits are digits). 6 to 10 count only out of
// ten.
var ratingWords = map[string]int{
	"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9, "10": 10,
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10,
	"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "十": 10,
	"하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "넷": 4, "다섯": 5,
}

// ratingForm is a number alone or with what customers put around a rating:
// a lead ("I'd give it a", "给你", "별"), a unit or "out of 5" ("stars",
// "/5", "/10", "分", "星", "점", "개"), and a polite ending ("이요", "입니다",
// "드릴게요", "吧"). Longer alternatives come first: the first that matches
// wins, and what follows it must stand apart. Submatches: the lead, the
// number, the unit, the "out of" number.
// Korean 한/두/세 count only with a unit: "세" alone is not a rating, and
// "네" ("yes") never is.
var ratingForm = regexp.MustCompile(`^(?:(i['’]?d give|i would give|i['’]?ll give|i will give|i give|give|rating:?|my rating is|i rate|rated|给你们?|给个|给|打|별점|별)` +
	`(?: (?:it|you|this|u|you guys|the chat))?\s*(?:an? |a solid |solid )?)?` +
	`(10|[1-9]|one|two|three|four|five|ten|[一二两三四五十]|하나|다섯|둘|셋|넷|한|두|세)` +
	`\s*((?:/|out of|of)\s*(5|five|10|ten)|stars?|points?|星好评|分好评|颗星|顆星|个星|星星|好评|分|星|점|개)?` +
	`\s*(?:이요|이에요|예요|에요|입니다|드릴게요|드릴께요|드려요|드립니다|드릴게|줄게요|줄께요|줄게|요|吧|啦|了|哦|呀|!)?`)

// ratingStarts are the runes a ratingForm match can start with (it is
// anchored): a lead's first ("i'd give", "give", "rating", "my rating is",
// "rated", "给", "打", "별") or, with no lead, a number's. Every text
// message is read for a rating, and the pattern's backtracker costs more
// than this check on the many that start otherwise ("where is my
// order?"); TestRatingStartsHoldEveryMatch holds the list to the pattern.
const ratingStarts = "igrm给打별123456789otf一二两三四五十하다둘셋넷한두세"

// mayBeRating reports whether ratingForm may match s: whether s starts
// with one of ratingStarts.
func mayBeRating(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune(ratingStarts, r)
}

// unaskedRating takes a rating typed without the rating prompt ("10/10
// would chat again", "5/5" after a thanks, "给你五星好评", "별 다섯 개
// 드릴게요"): right after a closing (or the prompt, when more than a rating
// came with it) it is the conversation's rating, once; anywhere else, or
// a second time, it gets a warm thanks. Never a list of topics. What
// follows the rating must be praise or a closing, not a question or a
// "but".
func (t *turn) unaskedRating() bool {
	n, rest, ok := ratingLead(t.ev.Text)
	if !ok {
		return t.ratingAfterClosing()
	}
	if rest != "" && !t.praise(rest) {
		return false
	}
	switch t.lastBotKind() {
	case kindThanks, kindBye, kindSurvey:
		if !t.ratedSinceClose() {
			t.rated(n)
			return true
		}
	}
	key := "rating_unasked"
	if !t.answeredSomething() {
		key = "rating_unasked_early" // "5 stars thanks" first: nothing to be glad about yet
	}
	if n <= 2 {
		key = "rating_sorry"
	}
	t.s.Misses = 0
	t.say(key, kindChat, persona.Data{})
	return true
}

// ratingAfterClosing takes a rating alone, or one with a unit said in
// passing, right after a closing ("고마워요", then "별로였어요 2점이요"; "thanks", then
// "meh, 3 stars"): the conversation's rating, once, with its words as for
// a rating after the prompt, not a complaint handoff that drops the
// score. Words the knowledge base answers make it a question, not a
// rating ("do you have 5 star reviews").
func (t *turn) ratingAfterClosing() bool {
	switch t.lastBotKind() {
	case kindThanks, kindBye, kindSurvey:
	default:
		return false
	}
	if t.ratedSinceClose() {
		return false
	}
	if n, ok := ratingDigit(t.ev.Text); ok {
		switch {
		case t.lastBotKind() == kindSurvey || t.lastBotKind() == kindBye && t.answeredSomething():
			// A number alone ("5", "五", "다섯") right after the rating
			// prompt, or after "bye" once something was answered: the
			// conversation just closed, so it is its rating, taken and
			// thanked for, not asked about again (walk 2026-12-06d item 4).
			t.rated(n)
			return true
		case t.lastBotKind() == kindBye:
			// "hi", "bye", "3": nothing answered, no rating asked for, so
			// nothing to rate: not counted, and the plain reply to a bare
			// number (review B walk 3315621, MEDIUM).
			return false
		}
		// After "you're welcome, anything else?" the conversation is
		// still open: a bare number may be the start of something else,
		// so it is asked about kindly, with the 1-5 buttons (QA walk
		// 2026-12-06 09:05, item 18); it counts once tapped or typed
		// again.
		t.s.AwaitingRating = true
		m := ratingMessage(t.render("rating_confirm", persona.Data{}))
		t.out = append(t.out, m)
		t.record(session.Turn{Role: "bot", Text: m.Text, Kind: kindSurvey})
		return true
	}
	n, rest, ok := ratingIn(t.ev.Text, true)
	if !ok || t.answerable(rest) {
		return false
	}
	t.ratedWith(n, rest)
	return true
}

// praise reports whether what follows a rating only praises, thanks or
// says goodbye ("would chat again", "thank you so much", "great service").
func (t *turn) praise(rest string) bool {
	p := t.set.Persona
	if k, _ := p.Closing(rest, ""); k != "" {
		return true
	}
	k, more := p.Smalltalk(rest)
	switch k {
	case "compliment", "thanks", "bye", "laugh", "ack":
	default:
		return false
	}
	if more == "" {
		return true
	}
	k, _ = p.Closing(more, "thanks")
	return k != ""
}

// ratedSinceClose reports whether the customer rated this conversation.
func (t *turn) ratedSinceClose() bool {
	for _, tr := range sinceClose(t.s.Turns, len(t.s.Turns)) {
		if tr.Kind == kindRated {
			return true
		}
	}
	return false
}

// rated records a rating of n stars and thanks the customer for it.
func (t *turn) rated(n int) {
	t.s.AwaitingRating = false
	t.emitEvent(lifecycle.Rate(t.s, n, t.ev.At))
	key := "rating_thanks"
	if n <= 2 {
		key = "rating_sorry"
	}
	t.say(key, kindRated, persona.Data{})
}

// ratingWithComment takes a rating written with words after the rating
// prompt ("2 stars, delivery was slow", "1/5 useless bot", "两星，发货太慢了",
// "2점이요 배송이 느렸어요"): the rating is recorded whatever it is, since
// taking only the ones with praise after them leans CSAT positive, and the
// words are its comment. A question after it (ratingAt refuses a "?") is
// not a rating; words the knowledge base answers are answered after the
// rating is recorded.
//
// A bot rating has no comment field in the stats; the words stay in the
// transcript as the customer turn, marked by the rated reply. An agent's
// rating keeps them as the handoff's comment, posted to the agents.
func (t *turn) ratingWithComment() bool {
	n, rest, ok := ratingLead(t.ev.Text)
	if !ok || rest == "" {
		// Hedged or said in passing: "meh, 3 i guess", "a 2, the bot
		// was slow", "I'd say 4 out of 5 but ...", "一般，三分".
		if n, rest, ok = ratingIn(t.ev.Text, false); !ok {
			return false
		}
	}
	t.ratedWith(n, rest)
	return true
}

// ratedWith records a rating of n stars that came with words (rest, ""
// when only hedges did): a question in them is answered after it, a low
// rating with a complaint gets one apology and a person, never a list of
// topics nor a complaint handoff that drops the score.
func (t *turn) ratedWith(n int, rest string) {
	if rest == "" {
		t.rated(n)
		return
	}
	t.s.AwaitingRating = false
	rated := lifecycle.Rate(t.s, n, t.ev.At)
	t.emitEvent(rated)
	if rated.Who == "agent" && t.s.Handoff.Comment == "" {
		t.emitEvent(lifecycle.Comment(t.s, truncateRunes(rest, maxTurnRunes), t.ev.At))
	}
	if t.answerable(rest) {
		t.lead = t.render("rating_comment_thanks", persona.Data{})
		t.text(rest)
		return
	}
	if n > 2 {
		t.say("rating_comment_thanks", kindRated, persona.Data{})
		return
	}
	// One apology, and a person if they want one: never a list of topics.
	t.say("rating_comment_sorry", kindRated, persona.Data{})
	t.offerPerson()
}

// ratingIn finds the one rating in a message that says more around it, the
// way people answer "how did we do?" in passing: "meh, 3 i guess", "solid
// 4", "a 2, the bot was slow", "I'd say 4 out of 5 but the first answer
// was useless", "一般，三分", "별로였어요 2점이요". A rating is a clause of
// its own once hedges are taken off its edges ("i guess", "solid", "a",
// "一般", "그냥"), or, with a unit ("점", "stars", "out of 5"), the end of
// one ("별로였어요 2점이요"). With unit, only ratings with a unit count (a
// rating nobody asked for). One clear score: two different ones ("3 or
// 4"), a question mark, or a number that is part of something else ("2
// items are missing", "KS-204817", "3天") are no rating. comment is what
// the message says besides the rating and its hedges, "" when nothing.
func ratingIn(s string, unit bool) (n int, comment string, ok bool) {
	s = strings.TrimSpace(text.Normalize(s))
	if s == "" || strings.ContainsAny(s, "?？") {
		return 0, "", false
	}
	var others []string
	for _, c := range clauses(s) {
		core := stripHedges(c)
		if core == "" {
			continue // "meh", "一般": a hedge, no comment
		}
		m, prefix, found := clauseRating(core, unit)
		if !found {
			others = append(others, c)
			continue
		}
		if n != 0 && m != n {
			return 0, "", false // "3, maybe 4": not one clear score
		}
		n = m
		if prefix = stripHedges(prefix); prefix != "" {
			others = append(others, prefix)
		}
	}
	return n, strings.Join(others, ", "), n != 0
}

// clauseRating reads the rating a clause (hedges off) is, or ends with
// ("별로였어요 2점이요", "the bot was slow 2 stars", "一般三分"): only one
// with a unit may follow other words. prefix is the words before it.
func clauseRating(c string, unit bool) (n int, prefix string, ok bool) {
	if m, rest, u, ok := ratingAt(c); ok && rest == "" && (u || !unit) {
		return m, "", true
	}
	prev := rune(0)
	for i, r := range c {
		// A rating starts a word: after a space or a mark, or anywhere
		// between Chinese or Korean letters ("一般三分"); never inside a
		// Latin word or a longer number ("ks-204817").
		start := i > 0 && (unicode.IsSpace(prev) || unicode.IsPunct(prev) && prev != '-' && prev != '#' ||
			cjk(prev) && !unicode.IsDigit(r))
		prev = r
		if !start {
			continue
		}
		if m, rest, u, ok := ratingAt(c[i:]); ok && u && stripHedges(rest) == "" {
			return m, strings.TrimSpace(c[:i]), true
		}
	}
	return 0, "", false
}

// cjk reports whether r is a Chinese character or a Hangul syllable.
func cjk(r rune) bool { return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) }

// clauses cuts a message at its marks and at "but" ("4 out of 5 but the
// first answer was useless"), leaving "/" and ":" inside ("4/5").
func clauses(s string) []string {
	for _, w := range []string{" but ", " though ", "但是", "不过", " 하지만 ", " 근데 "} {
		s = strings.ReplaceAll(s, w, ",")
	}
	var out []string
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",.;!~。、；…\n", r) }) {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// ratingHedges are words around a rating that only soften or frame it
// ("meh, 3 i guess", "solid 4", "a 2", "一般，三分", "그냥 3점 정도요").
// Chinese ones are cut without a space around them.
var ratingHedges = []string{
	"i guess", "i think", "i suppose", "i'd say", "i’d say", "id say", "i would say", "i'll say", "i say", "i'd rate it", "i rate it",
	"i'd give it", "i’d give it", "i would give it", "i give it", "it's a", "its a", "it’s a", "that's a", "thats a", "it was a", "it was",
	"meh", "hmm", "hm", "um", "umm", "uh", "ok", "okay", "well", "so", "overall", "honestly", "tbh", "maybe", "probably", "prob",
	"like", "about", "around", "roughly", "just", "only", "barely", "solid", "a solid", "a weak", "a strong", "a generous", "generous",
	"a", "an", "or so", "ish", "at best", "at most", "max", "for me", "lol", "haha", "tops",
	"一般", "还行", "还可以", "凑合", "勉强", "马马虎虎", "大概", "我给", "我打", "给", "打", "吧", "嗯", "就", "算",
	"음", "그냥", "뭐", "대충", "그럭저럭", "정도요", "정도", "쯤",
}

// stripHedges takes hedges off both edges of a clause, as many as there are.
func stripHedges(c string) string {
	c = strings.TrimSpace(c)
	for changed := true; changed && c != ""; {
		changed = false
		for _, h := range ratingHedges {
			han := unicode.Is(unicode.Han, []rune(h)[0])
			switch {
			case c == h:
				return ""
			case strings.HasPrefix(c, h+" ") || han && strings.HasPrefix(c, h):
				c, changed = strings.TrimSpace(c[len(h):]), true
			case strings.HasSuffix(c, " "+h) || han && strings.HasSuffix(c, h):
				c, changed = strings.TrimSpace(c[:len(c)-len(h)]), true
			}
		}
	}
	return c
}

// feedbackAfterRating takes what the customer writes right after a low
// rating of the bot asked what went wrong (rating_sorry) as that feedback
// (QA walk 2026-12-06 09:05, item 5): thanked for and recorded (stats
// keep it beside the rating), never a new complaint with a second apology
// and the answer that failed pasted again. When it shows the problem is
// still open (a complaint, or words about what the bot answered last), a
// person is offered with what they told us. A clear new question (one the
// pages answer from another entry) is answered as one.
func (t *turn) feedbackAfterRating() bool {
	if t.lastBotKind() != kindRated || !t.endsSaying(t.s.Turns[t.lastBotTurn()].Text, "rating_sorry") {
		return false
	}
	if h := t.s.Handoff; h != nil && h.Rating != 0 {
		return false // an agent's rating: its comment (commentAfterRating)
	}
	text := t.ev.Text
	if _, ok := ratingDigit(text); ok {
		return false // a second rating, not words about the first
	}
	last := t.lastAnswered()
	m := t.match(text)
	if len(m) > 0 && m[0].Confident && m[0].ID != last {
		return false
	}
	stars, _ := storedRating(t.s.Turns[t.lastBotTurn()-1].Text)
	d := t.set.Rules.DetectContext(t.ctx, handoff.Input{Text: text, Lang: t.lang})
	if !d.Handoff && asksClearly(text) && (len(m) == 0 || m[0].ID != last) {
		// "can i pick it up?": a new question the pages are not sure of
		// still gets the topics and the person offer, not a thank-you.
		return false
	}
	open := d.Handoff || len(m) > 0 && m[0].ID == last && last != ""
	t.s.Misses = 0
	t.emitEvent(lifecycle.Feedback{Base: t.base(), Text: truncateRunes(text, maxTurnRunes), Stars: stars, Entry: last, Open: open})
	if !open {
		t.say("comment_thanks", kindRated, persona.Data{})
		return true
	}
	t.say(t.deskless("feedback_open"), kindRated, persona.Data{})
	if t.b.desk != nil {
		t.offerPerson()
	}
	return true
}

// lastAnswered is the entry the bot last answered from in this
// conversation, "" if none.
func (t *turn) lastAnswered() string {
	for _, tr := range slices.Backward(sinceClose(t.s.Turns, len(t.s.Turns))) {
		if tr.Role == "bot" && tr.Entry != "" {
			return tr.Entry
		}
	}
	return ""
}
