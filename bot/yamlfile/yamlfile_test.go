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
			want := 0
			for i, l := range strings.Split(c.text, "\n") {
				if strings.Contains(l, "<-") {
					want = i + 1
				}
			}
			_, err := Parse([]byte(strings.ReplaceAll(c.text, " <-", "")))
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("Parse = %v (%T), want *Error", err, err)
			}
			if e.Line != want || e.Msg == "" || strings.HasPrefix(e.Msg, "yaml:") || strings.HasPrefix(e.Msg, "line ") {
				t.Fatalf("got line %d %q, want line %d and a bare message", e.Line, e.Msg, want)
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
