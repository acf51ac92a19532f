package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/bot/yamlfile"
)

// knownKeys are the front-matter keys ops may use, in the order they are
// suggested in messages.
var knownKeys = []string{"questions", "title", "tip", "also", "tags", "lang", "closed_list"}

// ref is an `also:` reference, kept with its line so a dangling one can be
// reported after every file is loaded.
type ref struct {
	id   string
	line int
}

// parsed is the result of parsing one file.
type parsed struct {
	entry      *Entry
	also       []ref
	langLine   int // line of the lang: key, 0 when absent
	closedLine int // line of the closed_list: key, 0 when absent
	problems   []Problem
	fatal      bool // the file cannot be loaded
}

func (p *parsed) report(line int, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: p.entry.File, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// notServed ends the problem that keeps a file out of the base: ops read
// it in check, in serve's log and on chat's stderr, and must know the
// topic is unanswered, not merely untidy.
const notServed = "; this entry is not served until fixed"

func (p *parsed) fail(line int, format string, args ...any) *parsed {
	p.report(line, format+notServed, args...)
	p.fatal = true
	return p
}

// parseFile parses one knowledge file. name is the path shown in problems.
// It never panics: even a panic inside the YAML decoder becomes a problem.
func parseFile(name string, data []byte) *parsed {
	p := &parsed{entry: &Entry{File: name}}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return p.fail(line, "not valid UTF-8 text: save the file as UTF-8")
	}
	s := strings.TrimPrefix(string(data), "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")

	// The front matter opens with the first non-blank line.
	open := 0
	for open < len(lines) && strings.TrimSpace(lines[open]) == "" {
		open++
	}
	if open == len(lines) {
		return p.fail(1, "empty file: expected front matter (a line ---, then questions:, then ---) and the answer")
	}
	if !isFence(lines[open]) {
		return p.fail(open+1, "missing front matter: the file must start with a line --- followed by questions: and a closing ---")
	}
	closing := -1
	for i := open + 1; i < len(lines); i++ {
		if isFence(lines[i]) {
			closing = i
			break
		}
	}
	if closing < 0 {
		return p.fail(open+1, "front matter is not closed: add a line --- after the questions")
	}
	front := strings.Join(lines[open+1:closing], "\n")
	// yaml line n is file line open+1+n (lines are 1-based).
	offset := open + 1
	if strings.TrimSpace(front) == "" {
		return p.fail(open+1, "empty front matter: questions: is required")
	}
	doc, err := yamlfile.Parse([]byte(front))
	if err != nil {
		var e *yamlfile.Error
		if errors.As(err, &e) && e.Msg != e.Raw {
			return p.fail(offset+e.Line, "%s", e.Msg) // a plain hint
		}
		line, msg := yamlfile.Where(err)
		return p.fail(offset+line, "malformed front matter: %s", msg)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return p.fail(open+1, "empty front matter: questions: is required")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		// "questions：" typed on a Chinese keyboard parses, as text.
		if line, hint := yamlfile.Mistake([]byte(front), 0); hint != "" {
			return p.fail(offset+line, "%s", hint)
		}
		return p.fail(offset+root.Line, "front matter must be \"key: value\" lines (questions:, title:, tip:, also:, tags:, lang:, closed_list:)")
	}

	seen := map[string]int{}
	questionsLine := 0
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		line := offset + k.Line
		key := k.Value
		if first, dup := seen[key]; dup {
			p.report(line, "duplicate key %s: (first at line %d); this one is ignored", key, first)
			continue
		}
		seen[key] = line
		switch key {
		case "questions":
			questionsLine = line
			p.parseQuestions(line, offset, v)
		case "title":
			switch s, ok := scalarText(v); {
			case !ok:
				p.report(offset+v.Line, "title: must be a short line of text (the entry's name on buttons)")
			case s == "":
				p.report(line, "title: is empty; the first question names the entry")
			default:
				p.entry.Label = s
			}
		case "tip":
			if s, ok := scalarText(v); ok {
				p.entry.Tip = s
			} else {
				p.report(offset+v.Line, "tip: must be one sentence of text")
			}
		case "also":
			for _, it := range stringList(p, "also", offset, v) {
				p.also = append(p.also, ref{id: strings.TrimSuffix(it.id, ".md"), line: it.line})
			}
		case "tags":
			for _, it := range stringList(p, "tags", offset, v) {
				p.entry.Tags = append(p.entry.Tags, it.id)
			}
		case "closed_list":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				p.report(offset+v.Line, "closed_list: must be true or false")
				continue
			}
			p.entry.ClosedList = strings.EqualFold(v.Value, "true")
			p.closedLine = line
		case "lang":
			s, ok := scalarText(v)
			tag, valid := canonicalLang(s)
			if !ok || !valid {
				p.report(offset+v.Line, "lang: %q is not a language code (use en, zh, ko, pt-BR, ...)", v.Value)
				continue
			}
			p.entry.Lang = tag
			p.langLine = line
		default:
			msg := fmt.Sprintf("unknown key %s: (known keys: %s)", key, strings.Join(knownKeys, ", "))
			if s := suggest(key); s != "" {
				msg = fmt.Sprintf("unknown key %s: did you mean %s:?", key, s)
			}
			p.report(line, "%s", msg)
		}
	}
	switch {
	case questionsLine == 0:
		return p.fail(open+1, "missing questions: (a list of example phrasings of what customers ask)")
	case len(p.entry.Questions) == 0:
		p.fatal = true // parseQuestions said so
	}

	body := strings.TrimSpace(strings.Join(lines[closing+1:], "\n"))
	if body == "" {
		return p.fail(closing+1, "empty answer: write the answer below the closing ---")
	}
	p.entry.Answer = body
	if p.entry.ClosedList && !hasList(body) {
		p.report(p.closedLine, "closed_list: true but the answer has no list (lines starting with - ): say what the list is, or drop closed_list:")
	}
	return p
}

// hasList reports whether a Markdown answer has a bulleted list.
func hasList(md string) bool {
	for _, line := range strings.Split(md, "\n") {
		line = strings.TrimSpace(line)
		for _, b := range []string{"- ", "* ", "+ ", "• "} {
			if strings.HasPrefix(line, b) {
				return true
			}
		}
	}
	return false
}

// parseQuestions fills entry.Questions from the questions: value.
func (p *parsed) parseQuestions(keyLine, offset int, v *yaml.Node) {
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		p.report(keyLine, "questions: is empty: list example phrasings, one per line starting with -"+notServed)
		return
	case v.Kind != yaml.SequenceNode:
		p.report(keyLine, "questions: must be a list, one question per line starting with -"+notServed)
		return
	case len(v.Content) == 0:
		p.report(keyLine, "questions: is empty: list example phrasings, one per line starting with -"+notServed)
		return
	}
	for i, item := range v.Content {
		line := offset + item.Line
		item = resolve(item)
		n := i + 1
		switch {
		case item.Kind == yaml.MappingNode:
			p.report(line, "question %d is not a string: a colon followed by a space makes YAML read a key; put the question in quotes", n)
		case item.Kind == yaml.SequenceNode:
			p.report(line, "question %d is not a string but a list", n)
		case item.Kind != yaml.ScalarNode || item.Tag == "!!null":
			p.report(line, "question %d is empty", n)
		case item.Tag != "!!str":
			p.report(line, "question %d is not a string (YAML reads %q as %s); put it in quotes", n, item.Value, strings.TrimPrefix(item.Tag, "!!"))
		case strings.TrimSpace(item.Value) == "":
			p.report(line, "question %d is empty", n)
		default:
			p.entry.Questions = append(p.entry.Questions, strings.TrimSpace(item.Value))
			p.entry.questionLines = append(p.entry.questionLines, line)
		}
	}
	if len(p.entry.Questions) == 0 {
		p.report(keyLine, "questions: has no usable question"+notServed)
	}
}

// stringList reads a list of scalars (or a single scalar) with line numbers.
func stringList(p *parsed, key string, offset int, v *yaml.Node) []ref {
	if s, ok := scalarText(v); ok {
		if s == "" {
			return nil
		}
		return []ref{{id: s, line: offset + v.Line}}
	}
	if v.Kind != yaml.SequenceNode {
		p.report(offset+v.Line, "%s: must be a list", key)
		return nil
	}
	var out []ref
	for _, item := range v.Content {
		s, ok := scalarText(resolve(item))
		if !ok || s == "" {
			p.report(offset+item.Line, "%s: each item must be a single word or id", key)
			continue
		}
		out = append(out, ref{id: s, line: offset + item.Line})
	}
	return out
}

// scalarText returns the trimmed text of a non-null scalar.
func scalarText(v *yaml.Node) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return "", v.Kind == yaml.ScalarNode
	}
	return strings.TrimSpace(v.Value), true
}

// resolve follows one alias (&anchor / *anchor) to its node.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func isFence(line string) bool { return strings.TrimRight(line, " \t") == "---" }

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// suggest returns the known key closest to a misspelt one ("question",
// "Questions", "tips"), or "".
func suggest(key string) string {
	k := strings.ToLower(key)
	best, bestD := "", 3
	for _, c := range knownKeys {
		if d := editDistance(k, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// canonicalLang checks a BCP-47-looking tag and returns it in canonical
// case ("zh-hant" -> "zh-Hant", "pt-br" -> "pt-BR").
func canonicalLang(tag string) (string, bool) {
	parts := strings.Split(strings.ReplaceAll(tag, "_", "-"), "-")
	if len(parts[0]) < 2 || len(parts[0]) > 3 || !isAlpha(parts[0]) {
		return "", false
	}
	parts[0] = strings.ToLower(parts[0])
	for i := 1; i < len(parts); i++ {
		s := parts[i]
		switch {
		case len(s) == 4 && isAlpha(s): // script
			parts[i] = strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
		case len(s) == 2 && isAlpha(s): // region
			parts[i] = strings.ToUpper(s)
		case len(s) == 3 && isDigits(s): // UN M.49 region
		case len(s) >= 5 && len(s) <= 8 && isAlnum(s): // variant
			parts[i] = strings.ToLower(s)
		default:
			return "", false
		}
	}
	return strings.Join(parts, "-"), true
}

// langFolder reports whether a folder name below the knowledge root is a
// language folder. Two-letter primary tags are always languages; three
// letters only with a subtag or for a few common codes, so that topic
// folders such as faq/ or app/ are not taken for languages.
func langFolder(name string) (string, bool) {
	tag, ok := canonicalLang(name)
	if !ok {
		return "", false
	}
	primary, rest, _ := strings.Cut(tag, "-")
	if len(primary) == 3 && rest == "" && !threeLetter[primary] {
		return "", false
	}
	if name != strings.ToLower(name) && strings.ToLower(primary) != name[:len(primary)] {
		return "", false // "FAQ-X" and the like
	}
	return tag, true
}

var threeLetter = map[string]bool{"yue": true, "fil": true, "haw": true, "ceb": true, "hmn": true, "cmn": true, "nan": true, "ckb": true}

func isAlpha(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return s != ""
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func isAlnum(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
