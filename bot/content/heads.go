package content

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/bot/text"
	"github.com/batonhq/baton/bot/yamlfile"
)

// The lexicon groups (prompts/lexicon/*.yaml) the core reads by their
// first member, by name: ops may edit the lexicon freely, but a group of
// these renamed, reordered or deleted silently switches a reading off.
const (
	// HeadOtherTrade is the concept of another trade's business
	// (finance's stock): such a message is not the shop's, never answered
	// nor guessed from its other words (bot's readsOtherTrade).
	HeadOtherTrade = "othertrade"
	// HeadHowLong is the concept of asking how long or when: "in short"
	// tells an answer's durations (bot's asksHowLong).
	HeadHowLong = "how long"
	// HeadPrice is the word a price or cost is read as: "in short" tells
	// an answer's prices (bot's asksCost).
	HeadPrice = "price"
)

// reliedGroup is a lexicon group the core relies on in one language's
// file: a group of section (same or related) whose first member is head,
// with at least one other member.
type reliedGroup struct {
	head, section, lang string
	// warn: a missing group is a warning (a reading lost in that
	// language, the bot still works); else a problem (the reading is lost
	// everywhere: English is the base every language's words link to).
	warn bool
	use  string // what is lost without it, for ops
}

// reliedGroups are the groups of the shipped lexicon the core reads.
// Chinese and Korean link their words to the English concepts through
// same groups headed by the English word ([how long, 多久]).
var reliedGroups = []reliedGroup{
	{HeadOtherTrade, "related", "en", false, "a message about another trade's business (\"can i buy stocks in your company\") is then answered from its other words instead of being told it is not the shop's"},
	{HeadHowLong, "related", "en", false, "\"how long?\" after an answer no longer gets just the durations"},
	{HeadPrice, "same", "en", false, "\"how much?\" after an answer no longer gets just the prices"},
	{HeadHowLong, "same", "zh", true, "a Chinese \"how long\" (多久) no longer reads as asking how long"},
	{HeadHowLong, "same", "ko", true, "a Korean \"how long\" (걸리) no longer reads as asking how long"},
	{HeadPrice, "same", "zh", true, "a Chinese price question (多少钱) no longer reads as asking a price"},
	{HeadPrice, "same", "ko", true, "a Korean price question (얼마) no longer reads as asking a price"},
}

// checkReliedGroups reports, as file:line, each group of reliedGroups
// missing from the lexicon files in dir of fsys: the section's line (the
// file's first when the section is missing), or the line where the head
// is listed but not first or alone. A language without a lexicon file is
// not checked (its words are read as they are), nor a file that does not
// parse (the lexicon's own load reports it).
func checkReliedGroups(fsys fs.FS, dir string) []Problem {
	var probs []Problem
	for _, g := range reliedGroups {
		file := path.Join(dir, g.lang+".yaml")
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			continue
		}
		root, err := yamlfile.Parse(data)
		if err != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
			continue
		}
		line, why := findGroup(root.Content[0], g.section, g.head)
		if why == "" {
			continue
		}
		msg := fmt.Sprintf("%s; the bot reads it by that name: without it, %s", why, g.use)
		if g.warn {
			msg = "warning: " + msg
		}
		probs = append(probs, Problem{File: file, Line: line, Msg: msg})
	}
	return probs
}

// findGroup looks in the mapping top for a group of section whose first
// member is head, with another member: why is "" when there is one, else
// what is wrong (after the section's name when it has one), at line.
func findGroup(top *yaml.Node, section, head string) (line int, why string) {
	want := tokenKey(head)
	line = top.Line
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value != section {
			continue
		}
		line = top.Content[i].Line
		seq := top.Content[i+1]
		if seq.Kind != yaml.SequenceNode {
			return line, fmt.Sprintf("%s: no group headed %q (the section is not a list)", section, head)
		}
		// Another group may list the head as a plain member ([cheap, lower
		// price]): only a group it heads counts.
		badLine, bad := 0, ""
		for _, grp := range seq.Content {
			if grp.Kind != yaml.SequenceNode {
				continue
			}
			for j, m := range grp.Content {
				if m.Kind != yaml.ScalarNode || tokenKey(m.Value) != want {
					continue
				}
				switch {
				case j == 0 && len(grp.Content) >= 2:
					return 0, ""
				case bad != "":
				case j > 0:
					badLine, bad = grp.Line, fmt.Sprintf("%s: %q is listed, but not first: a group is read by its first member, so the group must start with %q", section, head, head)
				default:
					badLine, bad = grp.Line, fmt.Sprintf("%s: the group headed %q has no other member", section, head)
				}
			}
		}
		if bad != "" {
			return badLine, bad
		}
		return line, fmt.Sprintf("%s: no group headed %q", section, head)
	}
	return line, fmt.Sprintf("no %s section, so no group headed %q", section, head)
}

// tokenKey is s as the lexicon compares words: tokenised and stemmed.
func tokenKey(s string) string {
	toks := text.Tokenize(s)
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.Text
	}
	return strings.Join(parts, " ")
}
