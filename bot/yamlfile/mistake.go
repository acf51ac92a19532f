package yamlfile

import (
	"fmt"
	"regexp"
	"strings"
)

// fullWidthKeyRE is a key typed with a Chinese/Korean keyboard's colon
// ("questions：") at the start of a line. Only mapping keys are looked at:
// a list item ("- iPhone：能用吗") is a question, and its colon is text.
var fullWidthKeyRE = regexp.MustCompile(`^[ \x{3000}]*([A-Za-z_][A-Za-z0-9_.-]*)[ \x{3000}]*：`)

// valueRE strips what comes before a line's value: indentation, a list
// dash, a key.
var valueRE = regexp.MustCompile(`^[ \t]*(?:-[ \t]+)*(?:[A-Za-z_][A-Za-z0-9_.-]*:[ \t]+)?`)

// Mistake looks for the editing mistakes ops make most that explain a
// YAML syntax error the parser reported at line at (1-based; 0 when the
// text parsed but its shape is wrong), and returns the line of the mistake
// and a plain hint, or 0 and "".
//
// A key typed with a full-width colon ("questions：") and indentation with
// a tab or a full-width space are looked for on every line up to at: YAML
// reads "questions：" as text and fails only lines later, at the next key
// (so the parser's line is past the mistake). An unclosed quote (or one
// closed with a full-width ”), a ' inside '...', and a list line without
// its "- " are looked for on line at itself, where Locate finds them.
//
// The text of a literal (|) or folded (>) block is free text, so none of
// these is looked for in it: "Hours： 9 to 5" or a zh paragraph indented
// with full-width spaces there is no mistake. A line that ends such a
// block too early (indented less than the text above it, or not at all)
// is explained by the block it breaks.
func Mistake(src []byte, at int) (int, string) {
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	bl := scanBlocks(lines)
	for i, l := range lines {
		if at > 0 && i >= at {
			break
		}
		if bl.text[i] {
			continue
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t\u3000"))]
		switch {
		case strings.Contains(indent, "\t"):
			return i + 1, "this line is indented with a tab; YAML indents with spaces only: replace the tab with spaces"
		case strings.Contains(indent, "\u3000"):
			return i + 1, "this line is indented with a full-width space (from a Chinese/Korean keyboard); indent with plain spaces"
		}
		if m := fullWidthKeyRE.FindStringSubmatch(l); m != nil {
			return i + 1, fmt.Sprintf("%q uses a full-width colon (：); write %q", strings.TrimLeft(m[0], " \u3000"), m[1]+":")
		}
	}
	if at < 1 || at > len(lines) {
		return 0, ""
	}
	if bl.text[at-1] {
		return 0, ""
	}
	l := lines[at-1]
	if hint := quoteMistake(l[len(valueRE.FindString(l)):]); hint != "" {
		return at, hint
	}
	if hint := missingDash(lines, at-1, bl.text); hint != "" {
		return at, hint
	}
	if b := bl.ended[at-1]; b != nil {
		if hint := b.hint(lines[at-1]); hint != "" {
			return at, hint
		}
	}
	return 0, ""
}

// blockHeaderRE is a line that opens a literal or folded block: "key: |",
// "- >-", "- key: |2", with an optional comment.
var blockHeaderRE = regexp.MustCompile(`^( *)((?:-[ \t]+)*)(?:([A-Za-z_][A-Za-z0-9_.-]*):[ \t]+)?([|>][-+1-9]{0,2})[ \t]*(?:#.*)?$`)

// block is one literal or folded block of the text.
type block struct {
	header int    // 1-based line of "key: |"
	head   string // that line as typed, trimmed: `start: |`
	owner  string // what its text is indented under: `start:` or `-`
	parent int    // the owner's indentation: the text must go deeper
	indent int    // the text's indentation, from its first line (0: no text yet)
}

// blocks says which lines are a block's text (text) and which line ends
// a block (ended: the first line after it, blank lines aside, that is
// not indented as its text).
type blocks struct {
	text  []bool
	ended map[int]*block
}

// scanBlocks finds the blocks of lines as YAML does: the first text
// line's indentation (or the header's indentation indicator) sets the
// block's, and the block runs on while lines are blank or indented at
// least that much.
func scanBlocks(lines []string) blocks {
	bl := blocks{text: make([]bool, len(lines)), ended: map[int]*block{}}
	var cur *block
	for i, l := range lines {
		if cur != nil {
			sp := len(l) - len(strings.TrimLeft(l, " "))
			switch {
			case strings.TrimSpace(l) == "":
				bl.text[i] = true
				continue
			case cur.indent == 0 && sp > cur.parent:
				cur.indent = sp
			}
			if cur.indent > 0 && sp >= cur.indent {
				bl.text[i] = true
				continue
			}
			bl.ended[i], cur = cur, nil
		}
		at := blockHeaderRE.FindStringSubmatchIndex(l)
		if at == nil || at[4] == at[5] && at[6] < 0 {
			continue
		}
		m := make([]string, 5)
		for k := range m {
			if at[2*k] >= 0 {
				m[k] = l[at[2*k]:at[2*k+1]]
			}
		}
		cur = &block{header: i + 1, head: strings.TrimSpace(l[:at[9]]), owner: "-", parent: len(m[1]) + strings.LastIndex(m[2], "-")}
		if m[3] != "" {
			cur.owner, cur.parent = m[3]+":", len(m[1])+len(m[2])
		}
		if d := strings.TrimLeft(m[4], "|>-+"); d != "" {
			cur.indent = cur.parent + int(d[0]-'0')
		}
	}
	return bl
}

// structureRE is a line that starts a key or a list item: one that ends
// a block on purpose, whatever else is wrong with it.
var structureRE = regexp.MustCompile(`^ *(?:- |-$|[A-Za-z_][A-Za-z0-9_.-]*:(?:[ \t]|$))`)

// hint explains line l, which ended b: too early when it is indented
// less than b's text but more than its owner, or when it is text that
// is not indented at all; a key or list item at the owner's level or
// less ended b on purpose, and its mistake is another ("").
func (b *block) hint(l string) string {
	sp := len(l) - len(strings.TrimLeft(l, " "))
	switch {
	case sp <= b.parent && structureRE.MatchString(l):
		return ""
	case b.indent == 0:
		return fmt.Sprintf("the text of %q (line %d) goes on the lines below it, indented more than %q: put %d spaces before this line", b.head, b.header, b.owner, b.parent+2)
	case sp > b.parent:
		return fmt.Sprintf("this line is indented less than the text above it in the block %q opens on line %d (%d spaces there, %d here): indent it like the lines above", b.head, b.header, b.indent, sp)
	default:
		return fmt.Sprintf("this line is not indented like the text of %q above (line %d, %d spaces): if it belongs to that text, indent it with %d spaces", b.head, b.header, b.indent, b.indent)
	}
}

// quoteMistake explains a quoted value that does not close on its line.
func quoteMistake(v string) string {
	if v == "" {
		return ""
	}
	switch v[0] {
	case '"':
		for i := 1; i < len(v); i++ {
			switch v[i] {
			case '\\':
				i++
			case '"':
				return ""
			}
		}
		if strings.ContainsAny(v[1:], "”“＂") {
			return `the " opened on this line is closed with a full-width ” (from a Chinese/Korean keyboard): type a plain " instead`
		}
		return `the " opened on this line is not closed: put another " at the end of the text`
	case '\'':
		for i := 1; i < len(v); i++ {
			if v[i] != '\'' {
				continue
			}
			if i+1 < len(v) && v[i+1] == '\'' {
				i++ // '' is a quote inside
				continue
			}
			if rest := strings.TrimSpace(v[i+1:]); rest != "" && !strings.HasPrefix(rest, "#") && !strings.HasPrefix(rest, ",") && !strings.HasPrefix(rest, "]") {
				return `a ' inside '...' ends the text early: write it twice ('') or put the text in double quotes`
			}
			return ""
		}
		if strings.ContainsAny(v[1:], "’‘") {
			return `the ' opened on this line is closed with a full-width ’ (from a Chinese/Korean keyboard): type a plain ' instead`
		}
		return `the ' opened on this line is not closed: put another ' at the end of the text`
	}
	return ""
}

// missingDash explains line i sitting in a list, at the list's
// indentation, without the "- " every item needs. A block's text lines
// (text) are passed over on the way up to the list.
func missingDash(lines []string, i int, text []bool) string {
	l := lines[i]
	t := strings.TrimLeft(l, " ")
	if t == "" || t == "-" || strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "#") {
		return ""
	}
	for j := i - 1; j >= 0; j-- {
		p := strings.TrimLeft(lines[j], " ")
		if p == "" || strings.HasPrefix(p, "#") || text[j] {
			continue
		}
		if len(lines[j])-len(p) == len(l)-len(t) && strings.HasPrefix(p, "- ") {
			return `this line is in the list above but does not start with "- ": add "- " before it`
		}
		return ""
	}
	return ""
}
