package bot

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/lang"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/text"
)

// KnowledgeAnswerer answers from the knowledge base alone: the matched
// entry's answer in the customer's language, followed by the proactive tips
// of the entries it points to, so the customer need not come back. A match
// that is not confident is answered only when calibration says it is
// probably right (knowledge.Match.Likely), and then with a hedge naming the
// topic and the other closest topics; otherwise the customer is asked to
// rephrase and shown the closest topics.
func KnowledgeAnswerer(c Contents) Answerer { return kbAnswerer{c} }

type kbAnswerer struct{ c Contents }

// maxTopics is how many close topics a rephrase request offers.
const maxTopics = 3

func (a kbAnswerer) Answer(_ context.Context, q Question) (Answer, error) {
	set := a.c.Current()
	p := set.Persona
	d := persona.Data{Bot: p.Name(), Customer: q.Customer, Seed: q.Seed}
	if q.Seed == 0 {
		d.Seed = len(q.History)
	}
	if ans, ok := a.answerParts(q, d); ok {
		return ans, nil
	}
	if ans, ok := a.followUp(q, d); ok {
		return ans, nil
	}
	if ans, ok := a.namedNotListed(q, d); ok {
		return ans, nil
	}
	if len(q.Candidates) > 0 && q.Candidates[0].Confident {
		id := q.Candidates[0].ID
		if e, ok := set.KB.Entry(id, q.Lang); ok {
			if ans, ok := a.again(q, d, e); ok {
				return ans, nil
			}
			parts := []string{a.lead(q, id, e.Answer, d), langNote(p, q.Lang, e.Lang, d), Plain(e.Answer)}
			tips, from := a.tips(q, e.Lang, e.Also, []string{id})
			if len(tips) > 0 {
				parts = append(parts, p.Say(q.Lang, "tips_lead", d)+"\n"+strings.Join(tips, "\n"))
			}
			parts = append(parts, p.Say(q.Lang, "anything_else", d))
			return Answer{Text: join(parts...), Entry: id, Confident: true, Tips: from}, nil
		}
	}
	if !hasLetters(q.Text) {
		// "5", "3" where no rating, list or order number was asked for:
		// nothing to guess at or find topics for (an embeddings model
		// places "3" near anything); what they need, in a few words.
		return Answer{Text: p.Say(q.Lang, "rephrase", d)}, nil
	}
	if ans, ok := a.likely(q, d); ok {
		return ans, nil
	}
	if ans, ok := a.guess(q, d); ok {
		return ans, nil
	}
	topics := closestTopics(set.KB.Base, q)
	for _, tp := range topics {
		d.Topics = append(d.Topics, tp.Title)
	}
	if statesProblem(q.Text) && clearlyLong(q.Text) {
		// A problem told plainly that no entry answers ("the app keeps
		// crashing"): sorry it happens, and ours to say our pages do not
		// cover it, never "I didn't catch that" (walk 2026-12-06d item 3).
		if len(topics) > 0 {
			return Answer{Text: p.Say(q.Lang, "unknown_problem_topics", d), Topics: topics}, nil
		}
		return Answer{Text: p.Say(q.Lang, "unknown_problem", d)}, nil
	}
	if asksClearly(q.Text) {
		// A clear question our pages have no clear answer to: ours to
		// say, not the customer's wording to blame (walk 2026-12-06
		// item 12).
		if len(topics) > 0 {
			return Answer{Text: p.Say(q.Lang, "unknown_topics", d), Topics: topics}, nil
		}
		return Answer{Text: p.Say(q.Lang, "unknown", d)}, nil
	}
	if len(topics) > 0 {
		return Answer{Text: p.Say(q.Lang, "rephrase_topics", d), Topics: topics}, nil
	}
	return Answer{Text: p.Say(q.Lang, "rephrase", d)}, nil
}

// statesProblem reports whether msg tells of a problem in a piece that
// is not itself a question: "the app keeps crashing, what do I do?", but
// not "do you sell crash pads?" nor "why doesn't your site show prices in
// euros?", which ask, and get the reply for a clear question (review B
// walk 3315621, MEDIUM).
func statesProblem(msg string) bool {
	for _, p := range splitQuestions(msg) {
		if reportsProblem(p.text) && !p.asksQuestion() {
			return true
		}
	}
	return false
}

// Least length of a clear question: words (English, Korean) or
// characters (Chinese). "klarna?" or "asdf?" may be anything.
const (
	minClearWords = 3
	minClearKo    = 2
	minClearHan   = 4
)

// asksClearly reports whether msg is plainly a question ("do you sell
// phone cases", "有手机壳卖吗", "폰케이스 파나요?"): long enough to say
// what it asks, and asking it (a question mark or a question word).
// Such a miss is the help pages' gap, not the customer's wording.
func asksClearly(msg string) bool {
	if followUpCue(msg) != noCue {
		// "那个那个怎么弄呢", "그거 저거 어떻게 해요", "what about it":
		// what it asks is left to what came before.
		return false
	}
	if !clearlyLong(msg) {
		return false
	}
	for _, p := range splitQuestions(msg) {
		if p.asksQuestion() {
			return true
		}
	}
	return false
}

// hasLetters reports whether s has a letter of any script: "5", "12?"
// and "..." have none.
func hasLetters(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

// clearlyLong reports whether msg is long enough to say what it asks or
// tells: words (English, Korean) or characters (Chinese).
func clearlyLong(msg string) bool {
	switch {
	case hasScript(msg, unicode.Hangul):
		return len(strings.Fields(msg)) >= minClearKo
	case hasScript(msg, unicode.Han):
		return utf8.RuneCountInString(msg) >= minClearHan
	}
	return len(strings.FieldsFunc(msg, notAWordSplit)) >= minClearWords
}

// likely answers a first candidate that is not confident but probably
// right (knowledge.Match.Likely) the way a person would: "this sounds like
// a question about <its first question>", its answer, then the other
// closest topics for a customer who meant something else. Our uncertainty
// is not the customer's problem: they get the answer it most likely is,
// and one tap to another.
func (a kbAnswerer) likely(q Question, d persona.Data) (Answer, bool) {
	if len(q.Candidates) == 0 || !q.Candidates[0].Likely {
		return Answer{}, false
	}
	set := a.c.Current()
	p := set.Persona
	id := q.Candidates[0].ID
	e, ok := set.KB.Entry(id, q.Lang)
	if !ok || len(e.Questions) == 0 || slices.Contains(e.Tags, handoff.HandoffTag) {
		return Answer{}, false // "talk to a person" is its own button, never a guess
	}
	others := closestTopics(set.KB.Base, Question{Lang: q.Lang, Candidates: q.Candidates[1:]})
	// The question sits inside the lead's sentence: its own full stop
	// or question mark would end it early ("“…working.”, so here's").
	text := join(p.Say(q.Lang, "likely_lead", hedgeData(d, e)), langNote(p, q.Lang, e.Lang, d), Plain(e.Answer), p.Say(q.Lang, "likely_else", d))
	return Answer{Text: text, Entry: id, Likely: true, Topics: others}, true
}

// guess asks about a first candidate that is neither confident nor
// likely but right often enough to ask (knowledge.Match.Guess): "are you
// asking about <its title>?", with it first among the topics and the
// other closest ones after it. Nothing is answered and nothing is claimed
// missing from our pages: one "yes" or tap answers it, and a "no" costs
// what the unsure reply would have.
func (a kbAnswerer) guess(q Question, d persona.Data) (Answer, bool) {
	if len(q.Candidates) == 0 || !q.Candidates[0].Guess {
		return Answer{}, false
	}
	set := a.c.Current()
	id := q.Candidates[0].ID
	e, ok := set.KB.Entry(id, q.Lang)
	if !ok || len(e.Questions) == 0 || slices.Contains(e.Tags, handoff.HandoffTag) {
		return Answer{}, false // "talk to a person" is its own button, never a guess
	}
	topics := []Topic{{Entry: id, Title: e.Title()}}
	for _, tp := range closestTopics(set.KB.Base, Question{Lang: q.Lang, Candidates: q.Candidates[1:]}) {
		if len(topics) == maxTopics {
			break
		}
		topics = append(topics, tp)
	}
	// The title sits inside the question: its own question mark would
	// end it early ("“What are your opening hours?”?").
	return Answer{Text: set.Persona.Say(q.Lang, "guess_lead", hedgeData(d, e)), Guess: true, Topics: topics}, true
}

// langNote is the line said before an answer that exists only in another
// language than the customer's (answerLang), in the customer's language:
// answer_lang_<answerLang>, or answer_lang_other for a language the
// messages do not name. It is "" when the answer is in their language.
func langNote(p *persona.Persona, customer, answerLang string, d persona.Data) string {
	if answerLang == "" || lang.Base(answerLang) == lang.Base(customer) {
		return ""
	}
	key := "answer_lang_" + lang.Base(answerLang)
	if p.Variants(customer, key) == 0 && p.Variants("en", key) == 0 {
		key = "answer_lang_other"
	}
	return p.Say(customer, key, d)
}

// readable reports whether id has a version in the customer's language.
func readable(kb *knowledge.Base, id, customer string) bool {
	e, ok := kb.Entry(id, customer)
	return ok && lang.Base(e.Lang) == lang.Base(customer)
}

// answerParts answers a message that asks several things (q.Parts) in
// one reply: a lead, then each entry under its own first question (marked
// ▸ so the parts stand apart in any chat app), then
// the tips of them all, each once, and one closing question.
func (a kbAnswerer) answerParts(q Question, d persona.Data) (Answer, bool) {
	if len(q.Parts) < 2 {
		return Answer{}, false
	}
	set := a.c.Current()
	p := set.Persona
	var ids []string
	var entries []*knowledge.Entry
	for _, part := range q.Parts {
		if len(part) == 0 || !part[0].Confident {
			continue
		}
		if e, ok := set.KB.Entry(part[0].ID, q.Lang); ok && len(e.Questions) > 0 {
			ids = append(ids, part[0].ID)
			entries = append(entries, e)
		}
	}
	if len(entries) < 2 {
		return Answer{}, false
	}
	parts := []string{p.Say(q.Lang, "answer_parts", d)}
	var tips, from []string
	for _, e := range entries {
		parts = append(parts, join(langNote(p, q.Lang, e.Lang, d), "▸ "+Plain(e.Title())+"\n"+Plain(e.Answer)))
		t, f := a.tips(q, e.Lang, e.Also, slices.Concat(ids, from))
		tips, from = append(tips, t...), append(from, f...)
	}
	if len(tips) > 0 {
		parts = append(parts, p.Say(q.Lang, "tips_lead", d)+"\n"+strings.Join(tips, "\n"))
	}
	parts = append(parts, p.Say(q.Lang, "anything_else", d))
	// The other answered entries count as said, so a later answer does not
	// offer their tips again.
	return Answer{Text: join(parts...), Entry: ids[0], Confident: true, Tips: append(from, ids[1:]...)}, true
}

// answeredParts are the entries bot turn i answered as further parts of
// a reply to several questions (answerParts), besides its Entry. The turn
// keeps them last among its Tips, after the entries whose tips it carried,
// and no field of its own tells where they start: a stored field the
// release before does not know makes it refuse the record during a
// rolling deploy (see introducedName). An entry's see-also says nothing
// either, since parts asked together often list each other (opening
// hours list talking to a person, review 2 H1). So the reply's text
// tells whether it had parts (the first part's title heads it, within
// what is kept of it), and the tip selection, run again for the answered
// entries, tells where they start: the parts are the fewest last Tips for
// which it gives exactly the Tips before them. When it gives them for
// none (the base or the language changed since), the last is a part.
func (t *turn) answeredParts(i int) []string {
	tr := t.s.Turns[i]
	e, ok := t.set.KB.Entry(tr.Entry, t.lang)
	if !ok || len(tr.Tips) == 0 || !strings.Contains(tr.Text, "▸ "+Plain(e.Title())) {
		return nil // an answer to one question: what it carried were tips
	}
	history := t.s.Turns[:i]
	if n := len(history); n > 0 && history[n-1].Role == "customer" {
		history = history[:n-1] // the message answered, as the answerer had it
	}
	history = sinceClose(slices.DeleteFunc(slices.Clone(history), func(tr session.Turn) bool { return tr.Role == roleNote }), historyTurns)
	for k := len(tr.Tips) - 1; k >= 0; k-- {
		ids := append([]string{tr.Entry}, tr.Tips[k:]...)
		if from, ok := tipsFor(t.set.KB.Base, t.lang, history, ids); ok && slices.Equal(from, tr.Tips[:k]) {
			return tr.Tips[k:]
		}
	}
	return tr.Tips[len(tr.Tips)-1:]
}

// tipsFor are the entries whose tips a reply answering ids (in order)
// carries, as answerParts chooses them; false if an entry is gone.
func tipsFor(kb *knowledge.Base, customer string, history []session.Turn, ids []string) ([]string, bool) {
	var from []string
	for _, id := range ids {
		e, ok := kb.Entry(id, customer)
		if !ok {
			return nil, false
		}
		_, f := tipsOf(kb, customer, e.Lang, history, e.Also, slices.Concat(ids, from))
		from = append(from, f...)
	}
	return from, true
}

// minNamedCover is how much of a named thing's telling words a unit must
// use to be about it: "네이버페이" shares only "페이" with "카카오페이".
const minNamedCover = 0.5

// followUp answers a message that continues the last answer (q.FollowUp)
// with the part of the entry that speaks to it, not the whole entry
// again: the unit that shares its most telling words, to the end of its
// paragraph (a list item with the line that introduces the list); what
// follows that unit when the customer did it already ("i checked with
// neighbours already"), or what follows the part said last when they ask
// what now. A thing named that a listing entry does not list ("네이버페이
// 는요?" after payment methods) is said plainly not to be there, with the
// list. When the entry has nothing more, a person is offered kindly. It
// returns false to answer with the whole entry, as for any question.
func (a kbAnswerer) followUp(q Question, d persona.Data) (Answer, bool) {
	f := q.FollowUp
	if f == nil || len(q.Candidates) == 0 || !q.Candidates[0].Confident {
		return Answer{}, false
	}
	set := a.c.Current()
	p := set.Persona
	id := q.Candidates[0].ID
	e, ok := set.KB.Entry(id, q.Lang)
	if !ok {
		return Answer{}, false
	}
	pa := cutPassage(e.Answer, set.Lexicon)
	if len(pa.units) == 0 {
		return Answer{}, false
	}
	freq := unitFreq(set.KB.Base, e.Lang, set.Lexicon)
	words := askedTerms(f.Words, set.Lexicon, freq)
	var body string
	// named is what the reply says of a thing the follow-up names, when
	// the part found names it in so many words: "followup_named_yes" on
	// a list that has it ("and apple pay?", "那支付宝呢？"), "_no" for one
	// it says we do not take ("微信呢"). Either is told as an answer to
	// the new question, never as "as I mentioned" with what to do if it
	// does not fit: a customer asking about one more thing is not stuck.
	named := ""
	// newThing: the follow-up names, in so many words of the part, a
	// thing no earlier question of this entry had ("and on weekends?"
	// after opening hours): news to them, told as an answer, not "as I
	// mentioned" (which stays for "what if it was opened already?" after
	// asking about opened items).
	newThing := false
	if f.Duration || f.Price || asksDuration(q.Text) && !f.Done {
		// "how long?" after an answer: the sentences that say how long,
		// not the whole entry again; "how much for a day?": those with
		// the prices. "반품 기간이 얼마나 돼요?" after the return steps
		// asks how long too, beside a word the steps share (반품): the
		// durations, those with its words first, not the steps again
		// (walk6).
		switch {
		case f.Price:
			body = pa.prices(words, freq)
		case f.Duration:
			body = pa.durations()
		default:
			body = pa.saying(durationIn, words, freq)
		}
		if body != "" {
			text := join(a.lead(q, id, body, d), langNote(p, q.Lang, e.Lang, d), Plain(body), p.Say(q.Lang, "anything_else", d))
			return Answer{Text: text, Entry: id, Confident: true, Partial: true}, true
		}
	}
	if f.Named && !f.Done {
		// Whether a thing named is there is the entry's to say, not the
		// base's: a unit about it answers, one the entry's closed list
		// does not have is said not to be on it, anything else gets the
		// whole entry ("and to Korea?" after shipping times).
		things := namedTerms(words)
		notListed := func() (Answer, bool) {
			about := d
			about.Topics = []string{cmp.Or(f.Said, f.Words)}
			text := join(p.Say(q.Lang, "followup_not_listed", about), langNote(p, q.Lang, e.Lang, d), Plain(pa.list()), p.Say(q.Lang, "anything_else", d))
			return Answer{Text: text, Entry: id, Confident: true, Partial: true}, true
		}
		at := pa.about(things, freq)
		if e.ClosedList && len(at) > 0 {
			// A thing whose words the part found has only some of is
			// not that part: "credit card installments" is the kind of
			// plan the answer says we do not offer, whatever "Credit
			// and debit cards" shares with it; "paypal credit", named
			// half by one item and half by another, is neither of them
			// (review A W2).
			if no, other := pa.rest(things, headTerms(f.Words, set.Lexicon), at); len(no) > 0 {
				at = no
			} else if other && pa.list() != "" && !mentionsWhole(set.KB.Base, id, f.Words, things, freq, set.Lexicon) {
				return notListed()
			}
		}
		if len(at) > 0 {
			body = pa.gather(at)
			if e.ClosedList && notTaken(pa, at) {
				// "那微信呢": "we don't take WeChat Pay", then what we do.
				body = join(body, pa.list())
				named = "followup_named_no"
			} else if (e.ClosedList || allItems(pa, at)) && !notTaken(pa, at) && namesAsWritten(Plain(body), f.Words) {
				named = "followup_named_yes"
			} else if namesAsWritten(Plain(body), f.Words) {
				newThing = !askedOf(askedFor(q.History, id), things, set.Lexicon)
			}
		} else if e.ClosedList && len(things) > 0 && pa.list() != "" && !mentions(set.KB.Base, id, f.Words, things, freq, set.Lexicon) {
			return notListed()
		} else if at := pa.about(tellingConcepts(words, freq), freq); !e.ClosedList && len(at) > 0 {
			// A thing the entry does not name, but a kind of one it
			// speaks of ("and to Germany?": abroad, by the lexicon)
			// gets that part: the international price, not the whole
			// entry. A closed list is never read this way: "네이버페이"
			// is a way to pay, not one of the ways listed.
			body = pa.gather(at)
			// Japan named after the shipping costs: news to them, told
			// as an answer, not "as I mentioned" with what to do if it
			// does not fit (walk4 2026-12-07), unless they asked of it
			// before.
			newThing = !askedOf(askedFor(q.History, id), things, set.Lexicon)
		} else {
			return Answer{}, false
		}
	} else {
		at, _ := pa.best(words, freq)
		switch {
		case f.Done && pa.laterProse(at):
			// "I did that but no label came" after the return steps:
			// the steps were done, and their words name a later
			// paragraph that is not a step but what to do when one did
			// not work ("If the label email hasn't come…"): that
			// paragraph, from its start, not what follows it.
			body = pa.from(pa.paraStart(at), pa.units[at].para)
		case at >= 0 && f.Done:
			if at+1 < len(pa.units) {
				body = pa.from(at+1, pa.units[at].para+1)
			}
		case at >= 0 && pa.units[at].numbered() && pa.units[at].intro >= 0:
			// One step of a numbered list ("我要退货" after how to return)
			// is the steps, in order, from the line that introduces them.
			in := pa.units[at].intro
			body = pa.from(in, pa.units[at].para)
		case at >= 0 && pa.units[at].item:
			var no []int
			if e.ClosedList {
				no = pa.notFor(namedTerms(words), headTerms(f.Words, set.Lexicon), at)
			}
			if len(no) == 0 {
				body = pa.only(at)
				break
			}
			// "what about credit card installments?": the item found
			// has some of its words, the sentence saying what we do not
			// take has the rest; the no, with the list (review A W2).
			body = join(pa.gather(no), pa.list())
			named = "followup_named_no"
		case at >= 0:
			// Never ending on a line that promises a list ("Once your
			// order ships, delivery takes:" with no times after it).
			body = pa.from(at, pa.withList(pa.units[at].para))
		case f.Done && pa.laterProse(pa.bestLater(words, freq)):
			// "I did that but no label came": the steps were done, and
			// their words, too few to name a unit sure enough ("label"
			// alone, which a step speaks of too), are those of a later
			// paragraph for when a step did not work ("If the label
			// email hasn't arrived…"): that paragraph, rather than
			// nothing more to say (walk 2026-12-07 item 2).
			at = pa.bestLater(words, freq)
			body = pa.from(pa.paraStart(at), pa.units[at].para)
		case f.Done:
			if next := pa.saidUpTo(q.History, id) + 1; next < len(pa.units) {
				body = pa.from(next, pa.units[next].para)
			}
		default:
			return Answer{}, false
		}
	}
	if body == "" {
		return Answer{Text: p.Say(q.Lang, "followup_person", d), Entry: id, Confident: true, OfferPerson: true, Partial: true}, true
	}
	if named != "" && q.Hedge != id {
		about := d
		about.Extra = map[string]string{"thing": spelledAs(Plain(body), cmp.Or(f.Said, f.Words))}
		text := join(p.Say(q.Lang, named, about), langNote(p, q.Lang, e.Lang, d), Plain(body), p.Say(q.Lang, "anything_else", d))
		return Answer{Text: text, Entry: id, Confident: true, Partial: true}, true
	}
	if q.Hedge != id && !newThing && saidBefore(q.History, id, Plain(body)) {
		// "what if it was opened already?" when the answer said so just
		// above: said briefly as said before, with what they can do if it
		// does not fit, not as news (walk 2026-12-06d item 1).
		text := join(p.Say(q.Lang, againKey(q.History, id), d), langNote(p, q.Lang, e.Lang, d), Plain(body), p.Say(q.Lang, "answer_again_more", d))
		return Answer{Text: text, Entry: id, Confident: true, Partial: true}, true
	}
	text := join(a.lead(q, id, body, d), langNote(p, q.Lang, e.Lang, d), Plain(body), p.Say(q.Lang, "anything_else", d))
	return Answer{Text: text, Entry: id, Confident: true, Partial: true}, true
}

// lead is what is said before an answer from entry id: the hedge when
// the conversation is on id only by our unconfirmed guess (Question.Hedge),
// else leadKey's for answer, the text told after it.
func (a kbAnswerer) lead(q Question, id, answer string, d persona.Data) string {
	set := a.c.Current()
	if q.Hedge == id {
		if e, ok := set.KB.Entry(id, q.Lang); ok && e.Title() != "" {
			return set.Persona.Say(q.Lang, "hedge_lead", hedgeData(d, e))
		}
	}
	return sayLead(set.Persona, q, leadKey(q, id, answer), d)
}

// sayLead says the lead of key, none for "".
func sayLead(p *persona.Persona, q Question, key string, d persona.Data) string {
	if key == "" {
		return ""
	}
	return p.Say(q.Lang, key, d)
}

// hedgeData is d naming entry e, as a hedge's lead says it: its title
// inside the sentence, without its own full stop or question mark.
func hedgeData(d persona.Data, e *knowledge.Entry) persona.Data {
	d.Topics = []string{strings.TrimRight(Plain(e.Title()), ".?!。？！")}
	return d
}

// again answers a question whose entry this conversation has already
// answered in full ("can I cancel my order?", then "I want to cancel my
// order please"), or a follow-up no part of it answers ("it didn't
// work"): not the whole answer a second time, but the part of it
// that speaks to what they asked now (its first paragraph when no part
// does), said as said before, and what they can do if it does not fit
// their case (walk 2026-12-06d item 1). Asked once more, the loop rule
// brings in a person, as before.
func (a kbAnswerer) again(q Question, d persona.Data, e *knowledge.Entry) (Answer, bool) {
	if len(q.Parts) > 0 || q.Hedge == e.ID {
		return Answer{}, false
	}
	set := a.c.Current()
	pa := cutPassage(e.Answer, set.Lexicon)
	if len(pa.units) < 2 || !saidWhole(q.History, e.ID, pa) {
		return Answer{}, false
	}
	// The cheap readings first: a question asked again in the very same
	// words that neither says it was tried nor reports a problem is
	// answered below without reading its terms, the part they point to or
	// what it adds (the common repeat; the webhook benchmark's customers
	// ask nothing else). Each reading is done only where the path needs
	// it, with the same outcome as reading all of them up front.
	asked := askedFor(q.History, e.ID)
	norm := text.Normalize(q.Text)
	verbatim := slices.ContainsFunc(asked, func(s string) bool { return s == q.Text || text.Normalize(s) == norm })
	done := saysDone(q.Text)
	problem := !done && reportsProblem(q.Text)
	var words map[string]bool
	at := -1
	if !verbatim || done || problem {
		freq := unitFreq(set.KB.Base, e.Lang, set.Lexicon)
		words = askedTerms(q.Text, set.Lexicon, freq)
		at, _ = pa.best(words, freq)
	}
	tried := done || problem && (at < 0 || asksNothingNew(words, pa))
	var added []string
	if !tried && !verbatim {
		// What the message adds matters only to a question that was not
		// tried and not asked in these words before: the answer up to its
		// list for an unchanged question, the part past its gist else.
		added = newTerms(q.Text, words, asked, set.Lexicon)
	}
	cjk := hasScript(q.Text, unicode.Hangul) || hasScript(q.Text, unicode.Han)
	if (len(added) == 0 && !cjk && at >= 0 || verbatim) && !tried {
		// The same question in the same words ("what payment methods do
		// you take?" twice): its words point wherever they happen to be
		// repeated ("we charge your payment method" after the list), but
		// it asks what the first time asked: the answer up to its first
		// list, said again (walk 2026-12-06e). Korean and Chinese have no
		// new terms to tell (newTerms): only the very same words again
		// ("你们支持哪些付款方式？" twice) are read so; others keep the part.
		// The very same words need no word of theirs in the answer: '배송
		// 얼마나 걸려요?' twice names no unit (Korean endings) and got only
		// the warehouse paragraph, not the times (review B walk MEDIUM 2).
		body := pa.from(0, pa.firstList())
		return saidAgain(set.Persona, q, d, e, body, func() string { return a.inShort(set, q, d, e, pa, body, words) }), true
	}
	if at < 0 {
		// Korean and Chinese words that differ by their endings: the
		// paragraph that shares character pairs, from its start (a pair
		// is weaker evidence than a word, so not one sentence of it).
		if at = pa.bestPair(q.Text); at >= 0 && !pa.units[at].item {
			at = pa.paraStart(at)
		}
	}
	later := -1
	if tried && at < 0 && words != nil {
		later = pa.bestLater(words, unitFreq(set.KB.Base, e.Lang, set.Lexicon))
	}
	var body string
	switch {
	case tried && pa.laterProse(at):
		// "했는데 라벨이 안 와요" after the return steps: what to do
		// when the step did not work is the paragraph their words name
		// (followUp reads "I did that but no label came" so).
		body = pa.from(pa.paraStart(at), pa.units[at].para)
	case tried && at < 0 && pa.laterProse(later):
		// "I did that but the label never arrived": too few of their
		// words to name a unit sure enough, yet those of a later
		// paragraph for a step that did not work, as followUp reads it.
		body = pa.from(pa.paraStart(later), pa.units[later].para)
	case tried && pa.paras > 1:
		// "it didn't work", "I tried that but the reset email never
		// came", "해봤는데 메일이 안 와요": the first step was done and
		// failed, so what the answer says past it ("Still nothing? …"),
		// whatever part their words also name: the step they tried is
		// the one they need least (review B walk 3315621, HIGH).
		next := slices.IndexFunc(pa.units, func(u unit) bool { return u.para > 0 })
		body = pa.from(next, pa.paras-1)
	case at < 0:
		// Nothing of it in their words ("뜯은 것도 돼요?" where the answer
		// says 개봉, "유효기간은요?" where it says 5년간): its gist, as said
		// before, and they can say what is different.
		body = pa.from(0, pa.withList(pa.units[0].para))
	case pa.units[at].item && pa.units[at].intro >= 0:
		// An item of a list ("US standard: 2-4 business days") asked
		// about again in general words: the whole list, as the words
		// fit its other items as well.
		in := pa.units[at].intro
		body = pa.from(in, pa.units[at].para)
	case pa.units[at].item:
		body = pa.only(at)
	default:
		body = pa.from(at, pa.withList(pa.units[at].para))
	}
	switch {
	case !tried && asksOnlyDuration(q.Text):
		// "얼마나 걸려요?" after "배송 얼마나 걸려요?" asks how long again:
		// the sentences that say how long, never the prices its 얼마
		// ("how much", the lexicon's cost) points to (walk4 2026-12-07:
		// it got the overseas shipping prices).
		if i := slices.IndexFunc(pa.units, func(u unit) bool { return durationIn(u.text) }); i >= 0 && !durationIn(body) {
			// From the first unit that says how long, as a part asked
			// about again is told: a list item with its list.
			switch u := pa.units[i]; {
			case u.item && u.intro >= 0:
				body = pa.from(u.intro, u.para)
			default:
				body = pa.from(i, pa.withList(u.para))
			}
		}
	case !tried && asksDuration(q.Text) && !durationsOnly(pa, body):
		// "반품 기간이 얼마나 돼요?" after the return steps asks how long,
		// and names the return its steps speak of too: the sentences
		// that say how long (the 14 days), not the steps again, whose
		// words it shares (walk6).
		if ds := pa.saying(durationIn, words, unitFreq(set.KB.Base, e.Lang, set.Lexicon)); ds != "" {
			body = ds
		}
	case !tried && !priceIn(body) && asksCost(q.Text, set.Lexicon):
		// "运费多少" after "运费怎么算" asks the price again: the
		// sentences with the prices, not the one whose characters it
		// happens to share ("…显示准确运费", which names none).
		if prices := pa.prices(words, unitFreq(set.KB.Base, e.Lang, set.Lexicon)); prices != "" {
			body = prices
		}
	}
	if !tried && pa.namesBeyond(added, Plain(body)) {
		// "…it already shipped yesterday", "with a different card", "I
		// need it by Friday": a detail the earlier question had not that
		// a part left out speaks of. The whole answer, as a first answer
		// (the part they need may be any, or several), never a part
		// picked on thin evidence (review B walk 3315621, HIGH, MEDIUM).
		return Answer{}, false
	}
	var short func() string // nothing in short for a step they tried
	if !tried {
		short = func() string { return a.inShort(set, q, d, e, pa, body, words) }
	}
	return saidAgain(set.Persona, q, d, e, body, short), true
}

// saidAgain is body, a part of e's answer, told again as said before,
// with what the customer can do past it, and short, the same in short
// (Answer.short: computed only if the loop handoff asks for it).
func saidAgain(p *persona.Persona, q Question, d persona.Data, e *knowledge.Entry, body string, short func() string) Answer {
	text := join(p.Say(q.Lang, againKey(q.History, e.ID), d), langNote(p, q.Lang, e.Lang, d), Plain(body), p.Say(q.Lang, "answer_again_more", d))
	return Answer{Text: text, Entry: e.ID, Confident: true, short: short}
}

// inShort is body, the part of e's answer pa said again, in short, as
// the loop handoff tells it once more ("in short" must be short: never
// the same long block a third and fourth time): the durations when the
// question asks how long, the prices when it asks what it costs, else
// the first sentence or two of the part (a list's introduction with its
// first item). Introduced as said before.
func (a kbAnswerer) inShort(set *content.Set, q Question, d persona.Data, e *knowledge.Entry, pa passage, body string, words map[string]bool) string {
	short := ""
	if asksHowLong(q.Text, set.Lexicon) {
		short = pa.firstDurations()
	}
	if short == "" && asksCost(q.Text, set.Lexicon) {
		short = pa.prices(words, unitFreq(set.KB.Base, e.Lang, set.Lexicon))
	}
	if short == "" {
		short = firstSentences(cutPassage(body, set.Lexicon))
	}
	if short == "" {
		return ""
	}
	p := set.Persona
	return join(p.Say(q.Lang, "answer_again_earlier", d), langNote(p, q.Lang, e.Lang, d), Plain(short))
}

// firstSentences is the first sentence or two of p: its first unit, and
// the next one when it is of the same paragraph (an introduction with its
// list's first item, or a second sentence).
func firstSentences(p passage) string {
	if len(p.units) == 0 {
		return ""
	}
	u := p.units[0]
	switch {
	case u.item:
		return p.only(0)
	case len(p.units) > 1 && p.units[1].item && p.units[1].intro == 0:
		return p.only(1)
	case len(p.units) > 1 && p.units[1].para == u.para && !p.units[1].item:
		if endsCJK(u.text) {
			return u.text + p.units[1].text
		}
		return u.text + " " + p.units[1].text
	}
	return u.text
}

// firstDurations is the first unit of p that says how long something
// takes, with the next one when it does too; list items as lines, under
// the line that introduces their list. "" when no unit says how long.
func (p passage) firstDurations() string {
	i := slices.IndexFunc(p.units, func(u unit) bool { return durationIn(u.text) })
	if i < 0 {
		return ""
	}
	if !p.units[i].item {
		return p.durations()
	}
	s := p.only(i)
	if j := i + 1; j < len(p.units) && p.units[j].item && p.units[j].para == p.units[i].para && durationIn(p.units[j].text) {
		s += "\n" + p.units[j].text
	}
	return s
}

// asksHowLong reports whether msg asks how long or when, as the lexicon
// reads it (its how-long concept, in any language it links).
func asksHowLong(msg string, lex *text.Lexicon) bool {
	return readsAs(msg, lex, text.ConceptPrefix+content.HeadHowLong)
}

// readsOtherTrade reports whether msg is about another trade's business
// (finance's stock), as the lexicon reads it (its othertrade concept).
func readsOtherTrade(msg string, lex *text.Lexicon) bool {
	return readsAs(msg, lex, otherTradeConcept)
}

// oneWord reports whether s is one word of a spaced script ("sale?");
// a Chinese run is one token whatever its length, so never one word here.
func oneWord(s string) bool {
	toks := text.Tokenize(s)
	return len(toks) == 1 && !toks[0].CJK
}

// withoutOtherTrade is msg without its pieces (sentences, clauses) that
// read as another trade's business, "" when none is left or none read
// so: what the customer asks the shop beside an aside of finance.
func withoutOtherTrade(msg string, lex *text.Lexicon) string {
	var kept []string
	pieces := splitQuestions(msg)
	for _, p := range pieces {
		if !readsOtherTrade(p.text, lex) {
			kept = append(kept, p.text)
		}
	}
	if len(kept) == 0 || len(kept) == len(pieces) {
		return ""
	}
	return strings.Join(kept, ", ")
}

// otherTradeConcept is the othertrade group's concept, its first member
// as the lexicon keeps it (stemmed). A made-up word, so no customer's own
// words carry it.
var otherTradeConcept = text.ConceptPrefix + text.Tokenize(content.HeadOtherTrade)[0].Text

// askedFor is what the customer asked that a bot reply in history
// answered from entry id: each customer message followed by such a reply.
func askedFor(history []session.Turn, id string) []string {
	var asked []string
	for i, t := range history {
		if t.Role == "bot" && t.Entry == id && i > 0 && history[i-1].Role == "customer" {
			asked = append(asked, history[i-1].Text)
		}
	}
	return asked
}

// newTerms are the terms of words (msg's) that not every one of the
// earlier questions had: "shipped", "yesterday" in "I want to cancel, it already
// shipped yesterday" after "can I cancel my order?", and again when asked
// once more: the first answer was given without that detail in view.
// Korean and Chinese terms are character pairs, too loose to be details:
// "돼요" of "뜯은 것도 돼요?", "세요" of "배송 조회 좀 해 주세요" are in
// half the answers; those languages keep the part their pairs point to
// (passage.bestPair) and the loop rule as before.
func newTerms(msg string, words map[string]bool, earlier []string, lex *text.Lexicon) []string {
	// Each earlier question read through the lexicon once, not once per
	// word of the message: this runs on every repeated question. One
	// asked in the very words of the message (words are msg's terms) or
	// of an earlier one lacks nothing of words that those lack, so it is
	// not read at all: a question repeated verbatim reads nothing (and
	// again reads that nothing as the same question asked again).
	var sets []map[string]bool
	for i, q := range earlier {
		if q == msg || slices.Contains(earlier[:i], q) {
			continue
		}
		sets = append(sets, termSet(q, lex))
	}
	if len(sets) == 0 {
		return nil
	}
	var added []string
	for w := range words {
		if hasScript(w, unicode.Hangul) || hasScript(w, unicode.Han) {
			continue
		}
		for _, set := range sets {
			if !set[w] {
				added = append(added, w)
				break
			}
		}
	}
	return added
}

// namesMore reports whether msg, answered from entry id, is another need
// than earlier, which got an answer from it too: it names a thing the
// answer tells apart (knowledge.Base.NamesMore) or a detail it speaks of
// past its gist (addsDetail). The same words again name nothing more, and
// are not read again: a customer repeating a question verbatim is the
// common case, and the loop rule asks this of every earlier answer from
// the entry on every message.
func (t *turn) namesMore(id, msg, earlier string) bool {
	if msg == earlier {
		return false
	}
	return t.set.KB.NamesMore(id, t.lang, msg, earlier) || t.addsDetail(id, msg, earlier)
}

// addsDetail reports whether msg has a word earlier had not that entry
// id's answer speaks of past its gist, and not in it: "shipped" in "can I
// cancel it if it already shipped?" after "can I cancel my order?" asks
// about its second paragraph. Words of the first paragraph ("order" in
// "can you tell me where my order is?" after "where is my package?") are
// how anyone asks for it, the same need in other words.
func (t *turn) addsDetail(id, msg, earlier string) bool {
	e, ok := t.set.KB.Entry(id, t.lang)
	if !ok {
		return false
	}
	pa := cutPassage(e.Answer, t.set.Lexicon)
	for _, w := range newTerms(msg, termSet(msg, t.set.Lexicon), []string{earlier}, t.set.Lexicon) {
		gist, later := false, false
		for _, u := range pa.units {
			if u.terms[w] {
				gist, later = gist || u.para == 0, later || u.para > 0
			}
		}
		if later && !gist {
			return true
		}
	}
	return false
}

// namesBeyond reports whether a unit of p that body does not give uses
// one of terms: the message speaks of a part left out. Terms the answer
// never uses ("want", "yesterday") point at no part, so they leave the
// choice as it is.
func (p passage) namesBeyond(terms []string, body string) bool {
	if len(terms) == 0 {
		return false // no unit is spoken of: none need be read
	}
	for _, u := range p.units {
		if strings.Contains(body, strings.TrimPrefix(Plain(u.text), "• ")) {
			continue
		}
		for _, w := range terms {
			if u.terms[w] {
				return true
			}
		}
	}
	return false
}

// asksNothingNew reports whether words point at no part of p past its
// first paragraph: "it didn't work", "still not working" say the first
// step failed; "it failed again with a different card" names what the
// answer speaks of further on, and is a detail, not a failed step.
func asksNothingNew(words map[string]bool, p passage) bool {
	for _, u := range p.units {
		if u.para == 0 {
			continue
		}
		for w := range words {
			if u.terms[w] {
				return false
			}
		}
	}
	return true
}

// againKey is how a part said before is introduced: "just above" when
// the bot's last answer was from entry id, "earlier" when other replies
// came between (review B walk 3315621, LOW).
func againKey(history []session.Turn, id string) string {
	for i := len(history) - 1; i >= 0; i-- {
		t := history[i]
		if t.Role == "bot" && (t.Kind == kindAnswer || t.Kind == kindLikely) {
			if t.Entry == id {
				return "answer_again"
			}
			break
		}
	}
	return "answer_again_earlier"
}

// saidWhole reports whether a bot reply in history gave entry id's answer
// p from its start to its end (an answer, or a hedged one). A reply is
// kept cut short (maxBotTurnRunes, ending "…"): one cut after giving the
// start ran on to the end as far as we know, as saidUpTo reads it.
func saidWhole(history []session.Turn, id string, p passage) bool {
	said := func(text string, u unit) bool {
		return strings.Contains(text, strings.TrimPrefix(Plain(u.text), "• "))
	}
	for _, t := range history {
		if t.Role != "bot" || t.Entry != id || (t.Kind != kindAnswer && t.Kind != kindLikely) {
			continue
		}
		if said(t.Text, p.units[0]) && (said(t.Text, p.units[len(p.units)-1]) || strings.HasSuffix(t.Text, "…")) {
			return true
		}
	}
	return false
}

// saidBefore reports whether a bot reply from entry id in history said
// body already, word for word, line by line: a part is joined more
// tightly than the answer was given ("申请退货只需要几分钟：" then its steps
// on the next line, where the answer had a blank line between), so
// "我说了我要退货" after the return steps got them again as news, with
// nothing for a case they do not fit (walk 2026-12-06e).
func saidBefore(history []session.Turn, id, body string) bool {
	for _, t := range history {
		if t.Role != "bot" || t.Entry != id {
			continue
		}
		// A reply kept cut short (maxBotTurnRunes, ending "…") that has
		// the part's first line ran on past the cut, as saidWhole reads
		// it.
		cut := strings.HasSuffix(t.Text, "…")
		all := true
		for i, line := range strings.Split(body, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.Contains(t.Text, line) {
				all = cut && i > 0
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// saidUpTo is the last unit of p the bot's last answer from entry id
// gave, -1 when it gave none (or answered something else last).
func (p passage) saidUpTo(history []session.Turn, id string) int {
	for i := len(history) - 1; i >= 0; i-- {
		t := history[i]
		if t.Role != "bot" {
			continue
		}
		last := -1
		if t.Entry == id {
			for j, u := range p.units {
				if strings.Contains(t.Text, strings.TrimPrefix(Plain(u.text), "• ")) {
					last = j
				}
			}
			if last < 0 {
				// A reply from the entry that gives none of it offered a
				// person: everything was said; "what now" again does not
				// start the entry over.
				return len(p.units) - 1
			}
			if last >= 0 && strings.HasSuffix(t.Text, "…") {
				// The kept text was cut short: what it gave ran on past
				// the cut, to the end of the entry as far as we know.
				last = len(p.units) - 1
			}
		}
		return last
	}
	return -1
}

// closestTopics are the entries worth offering when the bot is unsure,
// titled by their first example question. Entries the customer can read
// come first; one that exists only in another language is still offered
// after them (picking it answers with a line saying which language it is
// in), titled in that language.
func closestTopics(kb *knowledge.Base, q Question) []Topic {
	var local, other []Topic
	for _, c := range q.Candidates {
		e, ok := kb.Entry(c.ID, q.Lang)
		if !ok || len(e.Questions) == 0 || c.Score <= 0 || slices.Contains(e.Tags, handoff.HandoffTag) {
			continue // "talk to a person" is its own button (offerPerson)
		}
		tp := Topic{Entry: c.ID, Title: e.Title()}
		if readable(kb, c.ID, q.Lang) {
			local = append(local, tp)
		} else {
			other = append(other, tp)
		}
	}
	topics := append(local, other...)
	return topics[:min(len(topics), maxTopics)]
}

// tips collects the tips of the entry's also: entries, and the ids they
// come from, leaving out any the bot already gave in this conversation or
// whose entry it already answered or is answering now (answering). (An
// entry's own tip sums up its answer; it is for the entries that point to
// it.) A tip is given in the customer's language or in the answer's
// (answerLang), never in a third.
func (a kbAnswerer) tips(q Question, answerLang string, also, answering []string) (tips, from []string) {
	return tipsOf(a.c.Current().KB.Base, q.Lang, answerLang, q.History, also, answering)
}

// tipsOf is tips for a customer writing in customer after history: also
// read again later (answeredParts) must choose as the answer did.
func tipsOf(kb *knowledge.Base, customer, answerLang string, history []session.Turn, also, answering []string) (tips, from []string) {
	said := func(id string) bool {
		for _, t := range history {
			if t.Role == "bot" && (t.Entry == id || slices.Contains(t.Tips, id)) {
				return true
			}
		}
		return false
	}
	for _, id := range also {
		e, ok := kb.Entry(id, customer)
		if ok && lang.Base(e.Lang) != lang.Base(customer) {
			e, ok = kb.Entry(id, answerLang)
			ok = ok && lang.Base(e.Lang) == lang.Base(answerLang)
		}
		if !ok || strings.TrimSpace(e.Tip) == "" || said(id) || slices.Contains(from, id) || slices.Contains(answering, id) {
			continue
		}
		tips = append(tips, "• "+strings.TrimSpace(e.Tip))
		from = append(from, id)
	}
	return tips, from
}

var (
	mdLink   = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)
	mdEmph   = regexp.MustCompile(`(\*\*|__)(.+?)(\*\*|__)`)
	mdHead   = regexp.MustCompile(`(?m)^#{1,6}\s+`)
	mdBullet = regexp.MustCompile(`(?m)^\s*[-*+]\s+`)
	mdCode   = regexp.MustCompile("`([^`]+)`")
)

// Plain turns the small Markdown ops write in answers into text that reads
// well in any chat app: links as "text (url)", bullets as "•", emphasis
// and headings without their marks. Adapters escape it for their platform.
//
// The expressions were a quarter of the core's CPU per message (profile of
// the webhook benchmark), always on the same few hundred knowledge
// answers: results are kept (plainMemo), and each expression runs only
// when the text holds what it needs to match (a cheap scan).
func Plain(md string) string {
	if v, ok := plainMemo.Load(md); ok {
		return v.(string)
	}
	s := plain(md)
	if len(md) <= plainMemoMaxLen {
		if plainMemoSize.Add(1) > plainMemoMax {
			// A knowledge base reloaded many times over: start afresh
			// rather than keep old answers for ever.
			plainMemo.Clear()
			plainMemoSize.Store(1)
		}
		plainMemo.Store(md, s)
	}
	return s
}

// plainMemo maps Markdown to Plain's result, for at most plainMemoMax
// texts of up to plainMemoMaxLen bytes (a knowledge base's answers).
var (
	plainMemo     sync.Map
	plainMemoSize atomic.Int64
)

const (
	plainMemoMax    = 4096
	plainMemoMaxLen = 8 << 10
)

func plain(md string) string {
	s := strings.ReplaceAll(md, "\r\n", "\n")
	if strings.Contains(s, "](") {
		s = mdLink.ReplaceAllString(s, "$1 ($2)")
	}
	if strings.Contains(s, "**") || strings.Contains(s, "__") {
		s = mdEmph.ReplaceAllString(s, "$2")
	}
	if strings.IndexByte(s, '#') >= 0 {
		s = mdHead.ReplaceAllString(s, "")
	}
	if mayHaveBullet(s) {
		s = mdBullet.ReplaceAllString(s, "• ")
	}
	if strings.IndexByte(s, '`') >= 0 {
		s = mdCode.ReplaceAllString(s, "$1")
	}
	return strings.TrimSpace(s)
}

// mayHaveBullet reports whether mdBullet could match s: a -, * or + with
// only white space (\s) before it on its line and white space after it.
func mayHaveBullet(s string) bool {
	lead := true // only white space since the start of the line
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\n':
			lead = true
		case ' ', '\t', '\f', '\r':
		case '-', '*', '+':
			if lead && i+1 < len(s) && strings.IndexByte(" \t\n\f\r", s[i+1]) >= 0 {
				return true
			}
			lead = false
		default:
			lead = false
		}
	}
	return false
}
