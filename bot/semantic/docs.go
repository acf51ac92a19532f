package semantic

import (
	"regexp"
	"strings"

	"github.com/batonhq/baton/bot/knowledge"
)

// maxAnswerTexts bounds the answer-side texts embedded for one entry in
// one language, so a base of long answers does not multiply its build.
const maxAnswerTexts = 8

var (
	// sentenceEnd splits a line of an answer into sentences.
	sentenceEnd = regexp.MustCompile(`[.!?。！？]+(?:\s|$)`)
	// mdLink keeps a Markdown link's text.
	mdLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	// mdLead is a heading, quote or list mark at the start of a line.
	mdLead = regexp.MustCompile(`^(?:[#>*+-]+|\d+[.)])\s+`)
	// mdMarks are the Markdown marks that carry no words.
	mdMarks = strings.NewReplacer("**", "", "__", "", "`", "")
)

// answerTexts are what an entry says, beside how customers ask for it:
// its title, its tip and its answer's sentences (Markdown marks dropped),
// each embedded as one row of the entry's answer side. A customer's words
// often match what the answer says rather than the example questions ("r u
// open mondays" and "we're closed on Mondays"); a sentence, not the whole
// answer, so one relevant sentence is not blurred by the rest.
func answerTexts(e *knowledge.Entry) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.TrimRight(strings.TrimSpace(s), ".!?。！？ ")
		if s == "" || seen[s] || len(out) >= maxAnswerTexts {
			return
		}
		seen[s] = true
		out = append(out, s)
	}
	add(e.Label)
	add(e.Tip)
	body := mdMarks.Replace(mdLink.ReplaceAllString(e.Answer, "$1"))
	for _, line := range strings.Split(body, "\n") {
		for _, s := range sentenceEnd.Split(mdLead.ReplaceAllString(strings.TrimSpace(line), ""), -1) {
			add(s)
		}
	}
	return out
}
