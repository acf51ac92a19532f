package bot

import (
	"slices"
	"strings"
	"unicode"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/text"
)

// maxPickBytes bounds the messages read as a pick with no list on screen:
// "두 번째요", "the second one", "第二个" are short; anything longer is a
// message of its own, and most messages never reach topicChoice.
const maxPickBytes = 24

// bareNumberWord: "two" alone is a number as much as "2" is.
var bareNumberWord = map[string]bool{"one": true, "two": true, "three": true, "four": true, "five": true}

// pickWithoutList answers a place picked ("두 번째요", "the second one",
// "第二个") when the bot's last reply offered no list: there is nothing to
// pick from, so the knowledge base would only guess at the words (QA walk
// 2026-12-06 session 2, item 24: the split-parcel answer, confidently).
// We ask which one they mean, with the topics closest to the last question
// as buttons, so the next pick has a list. A bare number ("2", "5") is
// left to what reads it (a rating, an amount). It reports whether it
// answered.
func (t *turn) pickWithoutList() bool {
	text := strings.TrimSpace(t.ev.Text)
	if len(text) > maxPickBytes || strings.Trim(text, "#0123456789.!) ") == "" || bareNumberWord[strings.ToLower(strings.Trim(text, ".! "))] {
		return false
	}
	if _, ok := topicChoice(text, 5); !ok && !asksWhich(text) {
		return false
	}
	var topics []Topic
	if t.s.Topic != "" {
		// Not the entry we just answered: they have it on screen, and
		// offering it first reads as if we had not heard them.
		last := t.lastEntry()
		cands := slices.DeleteFunc(t.match(t.s.Topic), func(m knowledge.Match) bool { return m.ID == last })
		topics = closestTopics(t.set.KB.Base, Question{Lang: t.lang, Candidates: cands})
	}
	key := "pick_which"
	if len(topics) == 0 {
		key = "rephrase" // nothing answered yet to offer the topics of
	}
	t.emit(join(t.lead, t.render(key, persona.Data{})), kindRephrase, "", 0)
	t.offer(topics)
	return true
}

// whichAsks are the whole messages that ask which one ("which one?",
// "哪个？", "어떤 거요?"): with no list on screen, a pick waiting for one.
var whichAsks = map[string]bool{
	"which": true, "which one": true, "which ones": true, "which one do you mean": true, "what one": true,
	"哪个": true, "哪一个": true, "是哪个": true, "哪个呢": true, "哪一个呢": true,
	"어떤 거": true, "어떤 거요": true, "어느 거": true, "어느 거요": true, "어떤 거예요": true, "어느 거예요": true,
}

// asksWhich reports whether msg only asks which one.
func asksWhich(msg string) bool {
	s := strings.TrimFunc(text.Normalize(msg), func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) })
	return whichAsks[strings.ToLower(s)]
}
