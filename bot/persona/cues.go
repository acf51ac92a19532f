package persona

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/bot/text"
)

// CueKinds are the lists of smalltalk.yaml's cues: section, words read
// anywhere in a sentence (not only at its start, as the phrase lists are):
//
//	refused   a sentence of an answer that says no or sets a limit: what
//	          "why not?" right after the answer asks about
//	reason    a sentence that gives a reason ("because", "因为", "거든"):
//	          said right after the refusal, it is the why
//	contrast  words that set what follows against what came before ("fast
//	          but slow to refund"): praise before them is no praise
//	urgent    words that press for something now ("NOW", "马上", "당장"):
//	          a request for a person with them is an angry one
//	shout     words that press for it when written in capitals ("NOW")
var CueKinds = []string{"refused", "reason", "contrast", "urgent", "shout"}

// cues are the cue lists, normalised (text.Normalize, curly apostrophes
// straight), by kind.
type cues map[string][]string

// Cue reports whether s has a cue of kind (CueKinds). A cue written in
// Latin letters matches whole words ("only" is not in "commonly"); any
// other is a word part found wherever it stands ("수 없" in "취소할 수
// 없어요", "不能" in "不能退"), as Chinese and Korean attach their
// endings. A cue ending in a space needs a space or the end of s after it
// ("는데 ": a clause that turns, not "는데요" closing one).
func (p *Persona) Cue(kind, s string) bool {
	if p == nil || p.cues == nil {
		return false
	}
	list := p.cues[kind]
	if len(list) == 0 {
		return false
	}
	s = cueNorm(s) + " "
	for _, c := range list {
		if latinCue(c) {
			if hasWord(s, c) {
				return true
			}
		} else if strings.Contains(s, c) {
			return true
		}
	}
	return false
}

// cueNorm is s as cues are compared: normalised, with ’ as '.
func cueNorm(s string) string {
	return strings.ReplaceAll(text.Normalize(s), "’", "'")
}

// latinCue reports whether c is written in ASCII letters (with spaces,
// apostrophes and hyphens), matched as whole words.
func latinCue(c string) bool {
	c = strings.TrimSpace(c)
	for i := 0; i < len(c); i++ {
		if c[i] >= utf8.RuneSelf {
			return false
		}
	}
	return c != ""
}

// hasWord reports whether c occurs in s as whole words: neither end of
// it touches a letter or digit.
func hasWord(s, c string) bool {
	c = strings.TrimSpace(c)
	for from := 0; ; {
		i := strings.Index(s[from:], c)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(c)
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (i == 0 || !wordRune(before)) && (end == len(s) || !wordRune(after)) {
			return true
		}
		from = i + 1
	}
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// loadCues reads smalltalk.yaml's cues: section: each kind of CueKinds,
// with a list per language.
func (l *loader) loadCues(p *Persona, file string, line int, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		l.errorf(file, n.Line, "cues: expected %s, each with a list per language", strings.Join(CueKinds, ":, ")+":")
		return
	}
	c := cues{}
	for _, ke := range l.pairs(file, n) {
		if !slices.Contains(CueKinds, ke.key) {
			l.warnf(file, ke.line, "cues: unknown list %q (known: %s)", ke.key, strings.Join(CueKinds, ", "))
			continue
		}
		if ke.value.Kind != yaml.MappingNode {
			l.errorf(file, ke.value.Line, "cues.%s: expected a list per language (en:, zh:, ko:)", ke.key)
			continue
		}
		seen := map[string]int{}
		for _, le := range l.pairs(file, ke.value) {
			what := "cues." + ke.key + "." + le.key
			if !validLang(le.key) {
				l.errorf(file, le.line, "cues.%s: %q is not a language code (use en, zh, ko, ...)", ke.key, le.key)
				continue
			}
			if isNull(le.value) {
				continue
			}
			items, _ := l.textItems(file, what, le.value)
			for _, e := range items {
				v := cueNorm(e.Value)
				if strings.TrimSpace(v) == "" {
					l.errorf(file, e.Line, "%s: an empty cue would match every sentence", what)
					continue
				}
				if !strings.HasSuffix(v, " ") || latinCue(v) {
					v = strings.TrimSpace(v)
				} else {
					v = strings.TrimLeft(v, " ")
				}
				if first, dup := seen[v]; dup {
					l.warnf(file, e.Line, "%s: %q is already listed (line %d)", what, e.Value, first)
					continue
				}
				seen[v] = e.Line
				c[ke.key] = append(c[ke.key], v)
			}
		}
	}
	for _, k := range CueKinds {
		if len(c[k]) == 0 {
			l.warnf(file, line, "cues: no %s cues; %s", k, cueMissing[k])
		}
	}
	p.cues = c
}

// cueMissing says what goes unrecognised without a kind of cue.
var cueMissing = map[string]string{
	"refused":  `"why not?" after an answer cannot find the sentence that said no`,
	"reason":   "the reason after a refusal is not said with it",
	"contrast": `praise before "but ..." is thanked for`,
	"urgent":   "an angry request for a person gets no apology",
	"shout":    `a request for a person that shouts "NOW" gets no apology`,
}
