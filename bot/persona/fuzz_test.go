package persona

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

func readShipped(t testing.TB, name string) string {
	b, err := os.ReadFile("../../prompts/" + name)
	if err != nil {
		t.Fatalf("read shipped %s: %v", name, err)
	}
	return string(b)
}

// FuzzLoad feeds arbitrary files to Load: it must never panic, every
// problem must point at a file and line, and a persona it returns must
// always say something.
func FuzzLoad(f *testing.F) {
	f.Add(readShipped(f, "persona.yaml"), readShipped(f, "messages/en.yaml"), readShipped(f, "messages/zh.yaml"), readShipped(f, "smalltalk.yaml"))
	m := minimal()
	f.Add(m["persona.yaml"], m["messages/en.yaml"], m["messages/zh.yaml"], m["smalltalk.yaml"])
	f.Add("name: [", "greet: {{", "- a", "en: {greeting: [{}]}")
	f.Add("name: &a x\nintro: *a\n", "greet: *nope\n", "greet: !!binary x\n", ": :\n")
	f.Add(m["persona.yaml"], m["messages/en.yaml"]+"greet: '{{template \"m\"}}'\n", "help: '{{range 99999999}}x{{end}}'\n", "zh:\n  filler: [的]\n  greeting: [的的]\n")
	f.Fuzz(func(t *testing.T, persona, en, zh, small string) {
		fsys := fstest.MapFS{
			"p/persona.yaml":     {Data: []byte(persona)},
			"p/messages/en.yaml": {Data: []byte(en)},
			"p/messages/zh.yaml": {Data: []byte(zh)},
			"p/smalltalk.yaml":   {Data: []byte(small)},
		}
		p, ps := Load(fsys, "p")
		for _, pr := range ps {
			if !strings.HasPrefix(pr.File, "p/") || pr.Line < 1 || pr.Msg == "" {
				t.Errorf("problem without a place: %#v", pr)
			}
		}
		if p == nil {
			return
		}
		if p.Name() == "" || !p.Has("en") {
			t.Errorf("usable persona without name or English")
		}
		for _, l := range []string{"en", "zh", "ko"} {
			for _, k := range Keys() {
				if out := p.Say(l, k, Data{Seed: len(k)}); out == "" && !mayBeEmpty[k] {
					t.Errorf("Say(%s, %s) is empty", l, k)
				}
			}
		}
		p.Smalltalk(zh)
	})
}

// FuzzSmalltalk: any text gives a known kind and a rest taken from the text.
func FuzzSmalltalk(f *testing.F) {
	for _, s := range []string{"Hi! where is my order?", "thanks, and how do I return it?", "谢谢你的帮助", "안녕하세요 주문 취소", "hi-fi", "ｈｉ", "\xff\xfehi", "👋🏽 hey", "ok ok ok", "Mia"} {
		f.Add(s)
	}
	p, _ := loadReal(f)
	f.Fuzz(func(t *testing.T, text string) {
		kind, rest := p.Smalltalk(text)
		switch kind {
		case "":
			if rest != strings.TrimSpace(text) {
				t.Errorf("no smalltalk but rest %q != text %q", rest, text)
			}
		case "ack":
			if rest != "" {
				t.Errorf("ack with rest %q", rest)
			}
		case "greeting", "thanks", "bye":
			if !strings.Contains(text, rest) {
				t.Errorf("rest %q is not part of %q", rest, text)
			}
			if len(rest) >= len(strings.TrimSpace(text)) && rest != "" {
				t.Errorf("%s found but rest %q is the whole text", kind, rest)
			}
		default:
			t.Errorf("unknown kind %q", kind)
		}
		if utf8.ValidString(text) && !utf8.ValidString(rest) {
			t.Errorf("rest %q cut a character of %q", rest, text)
		}
	})
}
