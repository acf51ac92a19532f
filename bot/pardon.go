package bot

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/text"
)

// pardonYes are the Korean words for "yes" that, asked back alone ("네?",
// "예?"), mean "pardon?": the answer was not understood. Said plainly
// ("네", "네!") they are a yes, an acknowledgement.
var pardonYes = map[string]bool{"네": true, "예": true, "넹": true, "녜": true, "네에": true, "예에": true}

// pardonAsked hands off for confusion when the customer asks "네?" right
// after an answer, as handoff's rules do for "pardon?" and the smalltalk
// loop for "sorry?" (turn.text): the rules cannot have it as a phrase, as
// their text has no question mark and "네" alone is a yes. It reports
// whether it answered.
func (t *turn) pardonAsked(text string) bool {
	// Cheap first: a few runes ending with a question mark.
	if len(text) > 16 || !strings.HasSuffix(text, "?") && !strings.HasSuffix(text, "？") {
		return false
	}
	word := strings.TrimRight(strings.TrimSpace(text), "?？.… ")
	if !pardonYes[word] || !t.afterAnswer() {
		return false
	}
	t.handoff(handoff.Decision{Handoff: true, Reason: handoff.Confusion,
		Evidence: []string{"\"" + strings.TrimSpace(text) + "\" right after an answer: pardon, the answer was not understood"}})
	return true
}

// pardonNoDesk answers "pardon?" ("네?", "that didn't help", "看不懂")
// right after an answer where no desk is configured: no one can join,
// so a confusion handoff would only say so. A great agent says the
// answer again in fewer words: the part that was asked, else its steps or
// list, else its first sentences (simpler), and how else to reach us.
// Asked again, it never repeats itself: it asks which part is unclear and
// offers a person (QA walk 2026-12-06 s3 items 4 and 18). A third time
// it returns false: the honest no-desk handoff says how to reach us. It
// reports whether it answered.
func (t *turn) pardonNoDesk() bool {
	if !t.afterAnswer() {
		return false
	}
	b := t.lastBotTurn()
	said := t.s.Turns[b]
	switch {
	case said.Entry == "":
		return false
	case t.saying(said.Text, "pardon_which"):
		return false
	case t.saying(said.Text, "pardon_short"):
		t.s.Misses = 0
		t.emit(join(t.lead, t.render("pardon_which", persona.Data{Customer: firstName(t.s.Name)})), kindAnswer, said.Entry, 0)
		t.offerPerson()
		return true
	}
	var parts []string
	whole := 0 // runes of the answers said
	for _, a := range t.askedBefore(b, said) {
		e, ok := t.set.KB.Entry(a.entry, t.lang)
		if !ok {
			continue
		}
		parts = append(parts, simpler(e.Answer, e.Title(), a.question, t.set.Lexicon, unitFreq(t.set.KB.Base, e.Lang, t.set.Lexicon)))
		whole += utf8.RuneCountInString(Plain(e.Answer))
	}
	if len(parts) == 0 {
		return false
	}
	t.s.Misses = 0
	if utf8.RuneCountInString(Plain(join(parts...))) >= whole {
		// Nothing shorter to say (a one-sentence answer): the same words
		// again would not help; which part is unclear might.
		t.emit(join(t.lead, t.render("pardon_which", persona.Data{Customer: firstName(t.s.Name)})), kindAnswer, said.Entry, 0)
		t.offerPerson()
		return true
	}
	t.emit(join(t.lead, t.render("pardon_short", persona.Data{}), Plain(join(parts...)), t.render("pardon_reach", persona.Data{})), kindAnswer, said.Entry, 0)
	return true
}

// asked is one question the customer asked and the entry that answered it.
type asked struct{ question, entry string }

// askedBefore is what the customer asked that bot turn b answered: each
// part of a message that asked several things, with the entry that
// answered it (the reply's entry, or one it counted as said, in Tips),
// else the whole message with the reply's entry.
func (t *turn) askedBefore(b int, said session.Turn) []asked {
	question := ""
	for i := b - 1; i >= 0; i-- {
		if t.s.Turns[i].Role == "customer" {
			question = t.s.Turns[i].Text
			break
		}
	}
	var out []asked
	if pieces := splitQuestions(question); len(pieces) >= 2 {
		for _, p := range pieces {
			m := t.match(p.text)
			if !confident(m) || m[0].ID != said.Entry && !slices.Contains(said.Tips, m[0].ID) {
				continue
			}
			if i := slices.IndexFunc(out, func(a asked) bool { return a.entry == m[0].ID }); i >= 0 {
				out[i].question += "\n" + p.text
				continue
			}
			out = append(out, asked{p.text, m[0].ID})
		}
	}
	if len(out) < 2 {
		return []asked{{question, said.Entry}}
	}
	return out
}

// saying reports whether text has one of the wordings of message key, in
// any language the persona speaks (the reply may be in the customer's
// previous language).
func (t *turn) saying(text, key string) bool {
	d := t.b.data(t.set, t.s, persona.Data{Customer: firstName(t.s.Name)})
	for _, lang := range wordingLangs(t.set.Persona) {
		for i := range max(t.set.Persona.Variants(lang, key), 1) {
			d.Seed = i
			if w := t.set.Persona.Say(lang, key, d); w != key && strings.Contains(text, firstSentence(w)) {
				return true
			}
		}
	}
	return false
}

// firstSentence is s up to its first sentence end: enough to know a
// message by, when what follows may have been cut from the kept text.
func firstSentence(s string) string {
	if ss := sentences(s); len(ss) > 0 {
		return ss[0]
	}
	return s
}

// maxSimplerSentences is how many sentences of an answer without a list
// or a part about the question its simpler version keeps.
const maxSimplerSentences = 2

// simpler is an entry's answer (Markdown) in fewer words, for a customer
// who did not follow it: the sentence or list item that speaks to what
// they asked beyond what the entry is about (its title), with the line
// introducing its list, when it is past the answer's opening, else its
// first list
// with its introduction (the steps, the ways to pay), else its first
// sentences; asides in brackets are left out.
func simpler(md, title, question string, lex *text.Lexicon, f *docFreq) string {
	pa := cutPassage(md, lex)
	asked := termSet(question, lex)
	if at, _ := pa.best(asked, f); at >= 0 && (pa.units[at].item || pa.units[at].para > 0) && namesPart(asked, pa.units[at].terms, termSet(title, lex)) && !introduces(pa.units[at].text) && !stepNumber(pa.units[at].text) {
		// A part past the answer's opening: what they asked about.
		// The opening is what the whole answer is about.
		return withoutAsides(pa.only(at))
	}
	if l := firstList(md); l != "" {
		return withoutAsides(l)
	}
	first, _, _ := strings.Cut(strings.TrimSpace(md), "\n\n")
	ss := sentences(strings.Join(strings.Fields(first), " "))
	if len(ss) > maxSimplerSentences {
		ss = ss[:maxSimplerSentences]
	}
	var b strings.Builder
	for _, s := range ss {
		if b.Len() > 0 && !endsCJK(b.String()) {
			b.WriteString(" ")
		}
		b.WriteString(s)
	}
	return withoutAsides(b.String())
}

// namesPart reports whether the question's terms share one with a unit
// that the entry's title does not have: "支付宝" of "那支付宝呢？" names a
// part of the payment methods; "반품" of "반품 어떻게 해요" is what the
// whole return answer is about.
func namesPart(asked, unit, title map[string]bool) bool {
	for w := range asked {
		if unit[w] && !title[w] {
			return true
		}
	}
	return false
}

// introduces reports whether a sentence only introduces what follows
// ("You can pay with:", "申请退货只需要几分钟：").
func introduces(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasSuffix(s, ":") || strings.HasSuffix(s, "：")
}

// stepNumber reports whether a unit is only the number of a numbered
// step ("1."), which sentences cuts off the step.
func stepNumber(s string) bool {
	s = strings.TrimRight(strings.TrimSpace(s), ".)")
	return s != "" && strings.TrimFunc(s, unicode.IsDigit) == ""
}

// numbered is the text of a numbered list item ("1. Go to …"), if line is
// one.
func numbered(line string) (string, bool) {
	i := strings.IndexFunc(line, func(r rune) bool { return !unicode.IsDigit(r) })
	if i <= 0 || i+1 >= len(line) || line[i] != '.' && line[i] != ')' || line[i+1] != ' ' {
		return "", false
	}
	return strings.TrimSpace(line[i+2:]), true
}

// firstList is the first list of md, bulleted or numbered, with the lines
// before it in its paragraph (or the paragraph before, when the list
// starts one) that introduce it; "" when md lists nothing.
func firstList(md string) string {
	paras := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n\n")
	for k, para := range paras {
		var intro, items []string
		for _, line := range strings.Split(strings.TrimSpace(para), "\n") {
			line = strings.TrimSpace(line)
			if rest, ok := bulletItem(line); ok {
				items = append(items, "- "+rest)
			} else if _, ok := numbered(line); ok {
				items = append(items, line)
			} else if len(items) == 0 {
				intro = append(intro, line)
			} else {
				break
			}
		}
		if len(items) == 0 {
			continue
		}
		if len(intro) == 0 && k > 0 && introduces(paras[k-1]) {
			intro = []string{strings.TrimSpace(paras[k-1])}
		}
		return strings.Join(append(intro, items...), "\n")
	}
	return ""
}

// maxAside is how many runes an aside in brackets may have and stay in a
// simpler answer: "(내 주문)", "（我的订单）" name a button in the
// customer's language; "(guests: kumo.example/returns with your order
// number and email)" is a detail for later.
const maxAside = 12

// withoutAsides leaves out of s the asides in brackets longer than
// maxAside runes or holding a list (a comma or a colon).
func withoutAsides(s string) string {
	var b strings.Builder
	for {
		open := strings.IndexAny(s, "(（")
		if open < 0 {
			b.WriteString(s)
			return b.String()
		}
		closeAt := strings.IndexAny(s[open:], ")）")
		if closeAt < 0 {
			b.WriteString(s)
			return b.String()
		}
		closeAt += open
		_, size := utf8.DecodeRuneInString(s[closeAt:])
		aside := s[open:closeAt]
		if utf8.RuneCountInString(aside) > maxAside+1 || strings.ContainsAny(aside, ",，、:：;；") {
			b.WriteString(strings.TrimRight(s[:open], " "))
		} else {
			b.WriteString(s[:closeAt+size])
		}
		s = s[closeAt+size:]
	}
}

// maxWrongBytes is the longest message read as "that missed" alone: a
// longer one says what it wants, and is read as a question.
const maxWrongBytes = 120

// wrongAnswer answers a customer who says our last reply missed their
// question, with some frustration ("that's not what I asked", "ugh no",
// "你没听懂", "그게 아니에요"), right after an answer or a miss (a sigh alone,
// "ugh", "唉", only after a miss): one apology,
// a request to say it another way, and a person offered, never another
// topic list (walk 2026-12-06 item 6). Said again right after that, a
// person is brought in (with no desk: how to reach one). It reports
// whether it answered.
func (t *turn) wrongAnswer(text string) bool {
	switch t.lastBotKind() {
	case kindAnswer, kindLikely, kindGuess, kindRephrase:
	default:
		return false
	}
	if len(text) > maxWrongBytes || !t.set.Persona.OnlyIn(t.words(text), "wrong") && !(missed(t.lastBotKind()) && t.set.Persona.OnlyIn(t.words(text), "sigh")) {
		return false
	}
	key := t.deskless("wrong_sorry")
	if b := t.lastBotTurn(); b >= 0 && t.saying(t.s.Turns[b].Text, key) {
		t.handoff(handoff.Decision{Handoff: true, Reason: handoff.Confusion,
			Evidence: []string{"\"" + strings.TrimSpace(text) + "\" again after we asked them to say it another way: the bot keeps missing"}})
		return true
	}
	t.s.Misses++
	t.emit(join(t.lead, t.render(key, persona.Data{Customer: firstName(t.s.Name)})), kindRephrase, "", 0)
	t.personButton()
	return true
}
