package bot

import (
	"strings"

	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/persona"
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

// pardonNoDesk answers "pardon?" ("네?", "sorry?", "I don't get it")
// right after an answer where no desk is configured: no one can join,
// so a confusion handoff would only say so. A great agent says the
// answer again, shorter (its list, else its first paragraph), and how
// else to reach us. It reports whether it answered.
func (t *turn) pardonNoDesk() bool {
	if !t.afterAnswer() {
		return false
	}
	var entry string
	for i := len(t.s.Turns) - 1; i >= 0; i-- {
		if t.s.Turns[i].Role == "bot" {
			entry = t.s.Turns[i].Entry
			break
		}
	}
	e, ok := t.set.KB.Entry(entry, t.lang)
	if entry == "" || !ok {
		return false
	}
	key := cutPassage(e.Answer, t.set.Lexicon).list()
	if key == "" {
		key, _, _ = strings.Cut(strings.TrimSpace(e.Answer), "\n\n")
	}
	t.s.Misses = 0
	t.emit(join(t.lead, t.render("pardon_short", persona.Data{}), Plain(key), t.render("pardon_reach", persona.Data{})), kindAnswer, entry, 0)
	return true
}
