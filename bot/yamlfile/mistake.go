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
func Mistake(src []byte, at int) (int, string) {
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	for i, l := range lines {
		if at > 0 && i >= at {
			break
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
	l := lines[at-1]
	if hint := quoteMistake(l[len(valueRE.FindString(l)):]); hint != "" {
		return at, hint
	}
	if hint := missingDash(lines, at-1); hint != "" {
		return at, hint
	}
	return 0, ""
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
// indentation, without the "- " every item needs.
func missingDash(lines []string, i int) string {
	l := lines[i]
	t := strings.TrimLeft(l, " ")
	if t == "" || t == "-" || strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "#") {
		return ""
	}
	for j := i - 1; j >= 0; j-- {
		p := strings.TrimLeft(lines[j], " ")
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		if len(lines[j])-len(p) == len(l)-len(t) && strings.HasPrefix(p, "- ") {
			return `this line is in the list above but does not start with "- ": add "- " before it`
		}
		return ""
	}
	return ""
}
