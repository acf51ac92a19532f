package persona

import (
	"os"
	"strings"
	"testing"
	"text/template"
	"time"
)

// executed is render without the static-text fast path: what every
// template rendered to before it (the oracle for TestStaticTextAsExecuted).
func (p *Persona) executed(t *template.Template, lang string, data Data) (string, error) {
	q := *p
	q.static = nil
	return q.render(t, lang, data)
}

// TestStaticTextAsExecuted: every shipped message and intro, in every
// language and variant, says through Say exactly what executing its
// template says, on several data (a static text does not depend on them),
// and the fast path is taken for the plain ones.
func TestStaticTextAsExecuted(t *testing.T) {
	shipped, probs := Load(os.DirFS("../.."), "prompts")
	if shipped == nil {
		t.Fatalf("load: %v", probs)
	}
	// As production loads: the contact replaced by the knowledge base's
	// before the wordings are rendered once.
	replaced, probs := Load(os.DirFS("../.."), "prompts", WithContactFrom(func(email, phone string) (string, string, bool) {
		return "help@bikes.example", "+1 555 0100", true
	}))
	if replaced == nil {
		t.Fatalf("load with a contact: %v", probs)
	}
	staticTextAsExecuted(t, shipped)
	staticTextAsExecuted(t, replaced)
	if got := replaced.Say("en", "nodesk_again", Data{}); !strings.Contains(got, "help@bikes.example") || strings.Contains(got, shipped.email) {
		t.Errorf("nodesk with the base's contact: %q", got)
	}
}

func staticTextAsExecuted(t *testing.T, p *Persona) {
	t.Helper()
	datas := []Data{
		{},
		{Bot: "Kumo", Customer: "Jane", Now: time.Date(2026, 12, 4, 18, 30, 0, 0, time.UTC), Topics: []string{"a", "b"}, Seed: 3},
		sampleData(p.name),
	}
	var all, static int
	check := func(what string, tm *template.Template, lang string) {
		all++
		if _, ok := p.static[tm]; ok {
			static++
		}
		for _, d := range datas {
			got, gerr := p.render(tm, lang, d)
			want, werr := p.executed(tm, lang, d)
			if got != want || (gerr == nil) != (werr == nil) {
				t.Errorf("%s (%s): render = %q, %v; executed = %q, %v", what, lang, got, gerr, want, werr)
			}
		}
	}
	for lang, f := range p.langs {
		for key, vs := range f.msgs {
			for _, tm := range vs {
				check(key, tm, lang)
			}
		}
	}
	for lang, tm := range p.intro {
		check("intro", tm, lang)
	}
	if static == 0 || static == all {
		t.Errorf("%d of %d templates are static; want some but not all", static, all)
	}
}

// TestStaticText: only text alone is static, trimmed as render trims.
func TestStaticText(t *testing.T) {
	fm := (&Persona{}).funcs("en", Data{})
	for src, want := range map[string]struct {
		out    string
		static bool
	}{
		"  Is there anything else?\n": {"Is there anything else?", true},
		"":                            {"", true},
		"Hi {{.Customer}}":            {"", false},
		"Hi {{/* note */}} there":     {"Hi  there", true}, // the parser drops comments
		"{{if true}}x{{end}}":         {"", false},
		"{{`x`}}":                     {"", false},
	} {
		tm, err := template.New("m").Option("missingkey=zero").Funcs(fm).Parse(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		out, ok := staticText(tm)
		if out != want.out || ok != want.static {
			t.Errorf("staticText(%q) = %q, %v; want %q, %v", src, out, ok, want.out, want.static)
		}
	}
}

// squeezeRef is squeeze before its no-copy path: the oracle of
// TestSqueezeMatchesReference.
func squeezeRef(w string) string {
	var b strings.Builder
	rs := []rune(w)
	for i := 0; i < len(rs); {
		r := rs[i]
		j := i + 1
		for j < len(rs) && rs[j] == r {
			j++
		}
		n := j - i
		if n >= 3 {
			n = 1
		}
		for k := 0; k < n; k++ {
			b.WriteRune(r)
		}
		i = j
	}
	return b.String()
}

// TestSqueezeMatchesReference: squeeze says what it said before, for runs
// of every length, CJK, emoji and broken UTF-8.
func TestSqueezeMatchesReference(t *testing.T) {
	for _, w := range []string{"", "a", "aa", "aaa", "hiii", "thanksss", "byeee", "hello", "bookkeeper",
		"ㅋㅋㅋ", "감사감사", "谢谢谢", "👍👍👍", "👍👍", "\xff", "\xff\xff", "\xff\xff\xff", "a\xffa", "aab", "abbbc", "zzzzzz"} {
		if got, want := squeeze(w), squeezeRef(w); got != want {
			t.Errorf("squeeze(%q) = %q, reference %q", w, got, want)
		}
	}
}
