package bot

import (
	"strings"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/persona"
)

// maxWhyBytes is the longest message read as a "why?" with an objection
// ("왜 안 돼요? 아직 발송 안 됐잖아요"): a longer one says more than why,
// and is read as a message of its own.
const maxWhyBytes = 200

// maxRuleRunes is the longest first paragraph an objection is told as
// the rule it objects to: a longer one (steps, a list) is more than the
// rule, and the sentence that said no is told alone.
const maxRuleRunes = 400

// whyAfterAnswer answers "why?" right after an answer (smalltalk.yaml's
// why phrases: "why not?", "为什么不行", "왜 안 돼요"), alone or with an
// objection after it ("why? it hasn't expired yet", "为什么不行？还没发货
// 呢"). The customer asks about what we just said, never something new:
// read as a question of its own, its one word matched anything ("why
// not?" after the cancel answer was a guess at the partial-order entry,
// walk8; "왜요? 기간 아직 안 지났는데" after the discount-code answer got
// another part of it, and "왜 안 돼요? 아직 발송 안 됐잖아요" after the
// cancel answer a handoff that said nothing of the policy, review
// 2026-12-07).
//
// Alone it gets the sentence of that answer that said no or set the
// limit, as the reason our pages give, and a person offered kindly for
// more; with an objection ("but my case is different"), the rule as the
// answer's first paragraph puts it with that sentence, and a person
// offered to look at their case. Without such a sentence, honestly that
// our pages give no reason, and the person. An objection the handoff
// rules hand to a person (angry, or asking for one) is handed off with
// that answer told first: never a handoff that says nothing. It reports
// whether it answered.
func (t *turn) whyAfterAnswer(text string) bool {
	if len(text) > maxWhyBytes || !t.afterAnswer() {
		return false
	}
	rest, apart, ok := t.set.Persona.Why(text)
	if !ok {
		return false
	}
	objects := hasWords(rest)
	if objects && (!apart || strings.ContainsAny(rest, "?？")) {
		// "why is my order late", "why? how long does shipping take?":
		// a question of its own.
		return false
	}
	said := t.s.Turns[t.lastBotTurn()]
	if said.Entry == "" {
		return false
	}
	answer := t.entryAnswer(said.Entry)
	reason := refusal(t.set.Persona, answer, said.Text)
	if objects && reason != "" {
		reason = withRule(cutPassage(answer, t.set.Lexicon), reason)
	}
	t.s.Misses = 0
	d := persona.Data{Customer: firstName(t.s.Name)}
	told := ""
	if reason != "" {
		lead := "why_lead"
		if objects {
			lead = "why_objection_lead" // an objection is no "good question"
		}
		told = join(t.render(lead, d), reason)
	}
	if objects {
		if dec := t.objectionHandoff(text, rest); dec.Handoff {
			// Angry, or asking for a person: the person, with what our
			// pages say told first.
			t.told = []string{said.Entry}
			t.toldAgain = told
			t.handoff(dec)
			return true
		}
	}
	switch {
	case reason == "":
		t.emit(join(t.lead, t.render(t.deskless("why_none"), d)), kindAnswer, said.Entry, 0)
	case objects:
		t.emit(join(t.lead, told, t.render(t.deskless("why_check"), d)), kindAnswer, said.Entry, 0)
	default:
		t.emit(join(t.lead, told, t.render(t.deskless("why_more"), d)), kindAnswer, said.Entry, 0)
	}
	t.personButton()
	return true
}

// objectionHandoff is the handoff rules' decision on a "why?" with an
// objection: a request for a person in it hands off; a complaint must be
// one in the objection too, as the why's own words for "not possible"
// ("왜 안 돼요": 안 돼요 reads as "broken") are no complaint. A repeated
// need (loop) is not one here: the why asks about the answer just given.
func (t *turn) objectionHandoff(text, objection string) handoff.Decision {
	d := t.set.Rules.DetectContext(t.ctx, t.detectInput(text))
	switch {
	case !d.Handoff || d.Reason == handoff.Loop:
		return handoff.Decision{}
	case d.Reason == handoff.Complaint:
		if o := t.set.Rules.DetectContext(t.ctx, t.detectInput(objection)); !o.Handoff || o.Reason != handoff.Complaint {
			return handoff.Decision{}
		}
	}
	return d
}

// refusal is the first sentence of answer (Markdown) that says no or sets
// a limit (smalltalk.yaml's refused cues), with the next one when that
// gives its reason (reason cues), preferring one the reply said (a reply
// may have given part of the answer); "" when none does.
func refusal(p *persona.Persona, answer, said string) string {
	var first string
	for _, line := range strings.Split(Plain(answer), "\n") {
		ss := sentences(line)
		for i, s := range ss {
			if !p.Cue("refused", s) {
				continue
			}
			if i+1 < len(ss) && !p.Cue("reason", s) && p.Cue("reason", ss[i+1]) {
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

// withRule is the rule an objection objects to: the answer's first
// paragraph (what it says is possible: "you can cancel it yourself
// within 1 hour … as long as it hasn't been packed yet"), then reason,
// the sentence that set the limit, when that paragraph does not hold it.
// The customer who says "but it hasn't shipped yet" hears the case that
// fits them beside the one that did not. reason alone when the first
// paragraph is long, a list or a heading.
func withRule(pa passage, reason string) string {
	if len(pa.units) == 0 {
		return reason
	}
	para := pa.units[0].para
	for _, u := range pa.units {
		if u.para != para {
			break
		}
		if u.item {
			return reason
		}
	}
	first := Plain(pa.from(0, para))
	if utf8.RuneCountInString(first) > maxRuleRunes || !endsSentence(first) {
		return reason
	}
	if strings.Contains(first, reason) {
		return first
	}
	return first + "\n\n" + reason
}

// endsSentence reports whether s ends as a sentence does (not a heading
// or a list's introduction: "It's usually one of these:").
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	return strings.ContainsRune(".!?。！？)）", r)
}
