package yamlfile

import (
	"strings"
	"testing"
)

// Each text has its mistake on the line marked "<-"; yaml.v3 alone names the
// line its enclosing construct began on, often counted from 0.
func TestParseNamesTheLineOfTheMistake(t *testing.T) {
	cases := []struct {
		name, text string
	}{
		{"unclosed flow list", "same:\n  - [refund, money back]\n  - [invoice, bill]\n  - [package, parcel, packet <-\n  - [swap, exchange]\n"},
		{"misindented entry", "same:\n  - [refund, money back]\n  - [invoice, bill]\n   - [swap, exchange] <-\nrelated: []\n"},
		{"unclosed quote", "questions:\n  - how do I cancel\n  - \"can I cancel <-\n  - cancel order\n"},
		{"tab indentation", "same:\n  - [a, b]\n\t- [c, d] <-\n"},
		{"stray colon value", "greeting:\n  - hello\n  - hi: there: you <-\n"},
		{"unquoted template", "messages:\n  hello: ok\n  handoff: {{.Name}} is coming <-\n  bye: see you\n"},
		{"first line", "- [a, b <-\n- [c, d]\n"},
		{"last line", "same:\n  - [a, b]\n  - [c, d]\n   - [e, f] <-\n"},
		{"quote closed on the next line", "questions:\n  - \"can I cancel my order <-\n  - \"Can I still cancel?\"\n  - cancel it\n"},
		{"after a two-line quoted string", "a:\n  - \"one\n    two\"\n  - [x, y <-\n  - z\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, want := parseMarked(t, c.text)
			if e.Line != want || e.Msg == "" || strings.HasPrefix(e.Msg, "yaml:") || strings.HasPrefix(e.Msg, "line ") {
				t.Fatalf("got line %d %q, want line %d and a bare message", e.Line, e.Msg, want)
			}
		})
	}
}

// parseMarked parses text, whose mistake is on the line marked " <-"
// (the marker taken out), and returns its *Error and that line.
func parseMarked(t *testing.T, text string) (*Error, int) {
	t.Helper()
	want := 0
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "<-") {
			want = i + 1
		}
	}
	_, err := Parse([]byte(strings.ReplaceAll(text, " <-", "")))
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("Parse = %v (%T), want *Error", err, err)
	}
	return e, want
}

// hintCase is a text with its mistake marked (see parseMarked) and what
// the message must say about it.
type hintCase struct{ name, text, hint string }

// checkHints: each case's error is at its marked line, with its hint and
// the parser's own text kept in Raw.
func checkHints(t *testing.T, cases []hintCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, want := parseMarked(t, c.text)
			if e.Line != want || !strings.Contains(e.Msg, c.hint) || e.Raw == "" {
				t.Fatalf("got line %d %q (raw %q), want line %d and %q", e.Line, e.Msg, e.Raw, want, c.hint)
			}
		})
	}
}

func TestDecodeTypeErrorAtTheNodeLine(t *testing.T) {
	doc, err := Parse([]byte("name: a\nturns: 3\nsize:\n  - x\n"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Name string `yaml:"name"`
		Size int    `yaml:"size"`
	}
	err = Decode(doc.Content[0], &v)
	e, ok := err.(*Error)
	if !ok || e.Line != 4 && e.Line != 3 || !strings.Contains(e.Msg, "cannot unmarshal") {
		t.Fatalf("Decode = %v, want a type error at line 3 or 4", err)
	}
}

func TestParseValidAndEmpty(t *testing.T) {
	doc, err := Parse([]byte("a: [1, 2]\nb:\n  - c\n"))
	if err != nil || doc.Content[0].Content[0].Value != "a" {
		t.Fatalf("Parse valid = %v, %v", doc, err)
	}
	doc, err = Parse(nil)
	if err != nil || len(doc.Content) != 0 {
		t.Fatalf("Parse empty = %v, %v", doc, err)
	}
}

// Hostile input must come back as an error with a line inside the text,
// never a panic or a line past its end.
func TestParseHostileInput(t *testing.T) {
	for _, s := range []string{"[[[[[[[[[[", "&a [*a, *a", "{\"x\": \"\\uD800\"}", ":\n:\n:", "\xff\xfe", strings.Repeat("- ", 20000) + "x"} {
		_, err := Parse([]byte(s))
		if err == nil {
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Line < 1 || e.Line > strings.Count(s, "\n")+1 {
			t.Fatalf("Parse(%.20q) = %v, want *Error inside the text", s, err)
		}
	}
}

// The mistakes ops make most come back at their own line with a plain
// hint instead of the parser's text, which names a later line for a key
// typed with a full-width colon (YAML reads it as text and fails at the
// next key) and explains an unclosed quote as a missing '-' indicator.
func TestParseHintsCommonMistakes(t *testing.T) {
	cases := []hintCase{
		{"full-width colon on the first key", "questions： <-\n  - \"a\"\n  - \"b\"\ntip: \"x\"\ntags: [y]\n", `"questions：" uses a full-width colon (：); write "questions:"`},
		{"full-width colon on a later key", "questions:\n  - \"a\"\ntip： \"x\" <-\ntags: [y]\n", `"tip：" uses a full-width colon (：); write "tip:"`},
		{"unclosed quote", "questions:\n  - \"a\"\n  - \"Is Mastercard OK? <-\n  - \"c\"\ntip: \"x\"\n", `the " opened on this line is not closed: put another " at the end of the text`},
		{"unclosed quote at the end", "questions:\n  - \"a\"\n  - \"b <-\n  - c\ntip: x\n", `the " opened on this line is not closed`},
		{"quote closed full-width", "questions:\n  - \"a\"\n  - \"可以退货吗？” <-\n  - \"c\"\n", `closed with a full-width ”`},
		{"apostrophe in single quotes", "questions:\n  - 'it's ok' <-\n  - b\n", `a ' inside '...' ends the text early`},
		{"tab indentation", "questions:\n  - a\n\t- b <-\n", "indented with a tab"},
		{"full-width space indentation", "questions:\n  - a\n\u3000\u3000- b <-\n  - c: d\n", "full-width space"},
		{"missing dash, quoted", "questions:\n  - \"a\"\n  \"b\" <-\n  - \"c\"\n", `does not start with "- "`},
		{"missing dash, plain", "questions:\n  - a\n  b <-\n  - c\n", `does not start with "- "`},
		// A full-width colon inside a question is text: the hint must not
		// move the report away from the real mistake.
		{"full-width colon in a question", "questions:\n  - 营业时间：几点\n  - \"b <-\n  - c\ntip: x\n", `the " opened on this line is not closed`},
	}
	checkHints(t, cases)
}

// A key typed with a full-width colon that is the only key parses (as
// text): loaders that find no mapping ask Mistake about the whole text.
func TestMistakeInTextThatParses(t *testing.T) {
	src := []byte("\nquestions：\n  - \"a\"\n  - \"b\"\n")
	if _, err := Parse(src); err != nil {
		t.Fatalf("Parse = %v; the premise is that this parses", err)
	}
	line, hint := Mistake(src, 0)
	if line != 2 || !strings.Contains(hint, "full-width colon") {
		t.Fatalf("Mistake = %d %q, want line 2 and the full-width colon", line, hint)
	}
	if line, hint := Mistake([]byte("questions:\n  - 营业时间：几点\n"), 0); hint != "" {
		t.Fatalf("Mistake on good text = %d %q, want none", line, hint)
	}
}

// A literal (|) or folded (>) block's text is free text: a full-width
// colon, a tab or a full-width space inside it is no mistake, so a real
// mistake after it must be the one reported. And a mistake in the
// block's own indentation, which yaml.v3 reports as "did not find
// expected key", gets a hint that names the block. Each text is one ops
// would write in prompts/messages or a knowledge entry's front matter.
func TestParseHintsMistakesAroundBlockScalars(t *testing.T) {
	cases := []hintCase{
		{"line indented less under |", "start: |\n  Welcome to {{shop}}!\n You can ask us about orders. <-\nhelp: |\n  We help.\n",
			`indented less than the text above it in the block "start: |" opens on line 1 (2 spaces there, 1 here)`},
		{"line indented less under >", "help: >\n  We can help with tracking,\n  returns and payments.\n just ask. <-\nbye: ok\n",
			`indented less than the text above it in the block "help: >" opens on line 1`},
		{"first block line indented deeper", "start: |\n    Welcome.\n  You can ask. <-\nhelp: x\n",
			`(4 spaces there, 2 here)`},
		{"block line at the key's indentation", "start: |\n  Welcome.\nYou can ask. <-\nhelp: x\n",
			`not indented like the text of "start: |" above (line 1, 2 spaces): if it belongs to that text, indent it with 2 spaces`},
		{"block text not indented at all", "shop: Kumo\nstart: |\nWelcome to us. <-\n  You can ask.\nhelp: x\n",
			`the text of "start: |" (line 2) goes on the lines below it, indented more than "start:": put 2 spaces before this line`},
		{"bad indentation under |- in front matter", "questions:\n  - \"a\"\ntip: |-\n  Line one.\n Line two. <-\ntags: [x]\n",
			`in the block "tip: |-" opens on line 3`},
		{"tab before block text", "start: |\n  Welcome\n\tYou can ask <-\nhelp: x\n", "indented with a tab"},
		{"full-width colon in block text, unclosed quote after", "start: |\n  Hours： 9 to 5\n  ok\nhelp: \"We help <-\nbye: x\n",
			`the " opened on this line is not closed`},
		{"tab in block text, apostrophe after", "start: |\n  Welcome\n  \tindented\nhelp: 'it's ok' <-\nbye: x\n",
			`a ' inside '...' ends the text early`},
		{"full-width spaces in zh block text, full-width colon key after", "start: |\n  欢迎\n  \u3000\u3000您好\nhelp： x <-\nbye: x\n",
			`"help：" uses a full-width colon`},
		{"missing dash after a block item", "greet:\n  - |\n    hello\n    there\n  hi there <-\n  - bye\n",
			`does not start with "- "`},
		// A key that ends a block on purpose has a mistake of its own:
		// the block is not blamed for it.
		{"unclosed flow list after a block", "start: |\n  Welcome\nhelp: [a, b <-\nbye: x\n", `did not find expected ',' or ']'`},
		{"unclosed flow list after an empty block", "start: |\nhelp: [a, b <-\nbye: x\n", `did not find expected ',' or ']'`},
	}
	checkHints(t, cases)
}

// Text inside a block is never a mistake, whatever it holds.
func TestMistakeLeavesBlockTextAlone(t *testing.T) {
	src := []byte("start: |\n  欢迎\n  \u3000\u3000您好\n  Hours： 9 to 5\n  \tindented\n\n  - not a list\n  \"quoted\nhelp: >-\n  ok\n")
	if _, err := Parse(src); err != nil {
		t.Fatalf("Parse = %v; the premise is that this parses", err)
	}
	if line, hint := Mistake(src, 0); hint != "" {
		t.Fatalf("Mistake = %d %q, want none", line, hint)
	}
}
