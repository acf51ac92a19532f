package knowledge

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, body := range files {
		m[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return m
}

func problemStrings(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

const returnsEN = `---
questions:
  - "How do I return an item?"
  - Can I send something back?
tip: "Returns are free within 30 days."
also: [shipping/costs]
tags: [returns, policy]
---
Send it back within **30 days**.
`

func TestLoadIDsLanguagesTranslations(t *testing.T) {
	fsys := mapFS(map[string]string{
		"knowledge/en/returns.md":        returnsEN,
		"knowledge/zh/returns.md":        "---\nquestions:\n  - 怎么退货\n---\n30天内可以退货。\n",
		"knowledge/ko/returns.md":        "---\nquestions:\n  - 반품은 어떻게 하나요\n---\n30일 이내에 반품할 수 있어요.\n",
		"knowledge/pt-BR/returns.md":     "---\nquestions: [\"Como devolvo um item?\"]\n---\nEm até 30 dias.\n",
		"knowledge/zh-hant/returns.md":   "---\nquestions: [怎麼退貨]\n---\n30天內可以退貨。\n",
		"knowledge/en/shipping/costs.md": "---\nquestions: [\"How much is shipping?\"]\n---\nFree over $50.\n",
		"knowledge/warranty.md":          "---\nquestions: [\"Is there a warranty?\"]\n---\nTwo years.\n",
		"knowledge/hours.md":             "---\nquestions: [\"営業時間は?\"]\nlang: ja\n---\n9時から17時まで。\n",
		"knowledge/faq/contact.md":       "---\nquestions: [\"How do I contact you?\"]\n---\nEmail us.\n",
		"knowledge/README.txt":           "not markdown, ignored",
		"knowledge/.drafts/x.md":         "hidden, ignored",
		"other/elsewhere.md":             "outside root, ignored",
	})
	b, problems := Load(fsys, "knowledge")
	if len(problems) != 0 {
		t.Fatalf("unexpected problems: %v", problemStrings(problems))
	}
	wantIDs := []string{"faq/contact", "hours", "returns", "shipping/costs", "warranty"}
	if !reflect.DeepEqual(b.IDs(), wantIDs) || b.Len() != 5 {
		t.Fatalf("IDs = %v (Len %d), want %v", b.IDs(), b.Len(), wantIDs)
	}
	if got, want := b.Langs("returns"), []string{"en", "ko", "pt-BR", "zh", "zh-Hant"}; !reflect.DeepEqual(got, want) {
		t.Errorf("returns languages = %v, want %v", got, want)
	}
	e, ok := b.Entry("returns", "en")
	if !ok {
		t.Fatal("returns/en missing")
	}
	want := Entry{
		ID: "returns", Lang: "en",
		Questions: []string{"How do I return an item?", "Can I send something back?"},
		Tip:       "Returns are free within 30 days.",
		Also:      []string{"shipping/costs"},
		Tags:      []string{"returns", "policy"},
		Answer:    "Send it back within **30 days**.",
		File:      "knowledge/en/returns.md",

		questionLines: []int{3, 4},
	}
	if !reflect.DeepEqual(*e, want) {
		t.Errorf("entry = %+v\nwant    %+v", *e, want)
	}
	cases := []struct{ id, lang, wantLang string }{
		{"returns", "zh", "zh"},
		{"returns", "zh-Hant", "zh-Hant"},
		{"returns", "zh-Hans", "zh"}, // same base language
		{"returns", "pt", "pt-BR"},
		{"returns", "fr", "en"}, // English fallback
		{"warranty", "ko", "en"},
		{"hours", "en", "ja"}, // any translation
		{"faq/contact", "en", "en"},
	}
	for _, c := range cases {
		e, ok := b.Entry(c.id, c.lang)
		if !ok || e.Lang != c.wantLang {
			t.Errorf("Entry(%q, %q) = %v, %v; want lang %s", c.id, c.lang, e, ok, c.wantLang)
		}
	}
	if _, ok := b.Entry("nope", "en"); ok {
		t.Error("Entry of unknown id reported ok")
	}
}

func TestLoadRootDot(t *testing.T) {
	b, problems := Load(mapFS(map[string]string{"en/a/b.md": "---\nquestions: [q]\n---\nA.\n"}), ".")
	if len(problems) != 0 || !reflect.DeepEqual(b.IDs(), []string{"a/b"}) {
		t.Fatalf("ids %v problems %v", b.IDs(), problemStrings(problems))
	}
	if e, _ := b.Entry("a/b", "en"); e.File != "en/a/b.md" {
		t.Errorf("File = %q", e.File)
	}
}

func TestLoadCRLFAndBOM(t *testing.T) {
	src := "\uFEFF---\r\nquestions:\r\n  - Where is my order?\r\ntip: Track it online.\r\n---\r\nUse the tracking link.\r\n"
	b, problems := Load(mapFS(map[string]string{"k/en/track.md": src}), "k")
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problemStrings(problems))
	}
	e, _ := b.Entry("track", "en")
	if e.Questions[0] != "Where is my order?" || e.Tip != "Track it online." || e.Answer != "Use the tracking link." {
		t.Errorf("entry = %+v", e)
	}
	// Line numbers stay right with CRLF.
	_, problems = Load(mapFS(map[string]string{"k/x.md": "\uFEFF---\r\nquestions: [a]\r\ncolour: red\r\n---\r\nA.\r\n"}), "k")
	if got := problemStrings(problems); !reflect.DeepEqual(got, []string{"k/x.md:3: unknown key colour: (known keys: questions, title, tip, also, tags, lang, closed_list)"}) {
		t.Errorf("problems = %q", got)
	}
}

func TestLoadProblems(t *testing.T) {
	files := map[string]string{
		// Fatal: skipped. (kb/dup.md and kb/en/dup.md are both id "dup" in
		// English; files load in path order, so kb/dup.md wins.)
		"kb/en/no-front.md":    "Just an answer.\n",
		"kb/en/unclosed.md":    "---\nquestions: [a]\nAnswer.\n",
		"kb/en/empty-front.md": "---\n---\nAnswer.\n",
		"kb/en/bad-yaml.md":    "---\nquestions:\n  - ok\n  - \"unterminated\ntip: x\n---\nAnswer.\n",
		"kb/en/tab-yaml.md":    "---\nquestions:\n\t- tabbed\n---\nAnswer.\n",
		// A Chinese keyboard's colon: YAML reads the key as text and, with
		// a key after it, fails only at that later line (the walk's case).
		"kb/zh/ime-colon.md":      "---\nquestions：\n  - \"可以包装吗\"\n  - \"礼品包装\"\ntip: \"x\"\n---\n可以。\n",
		"kb/zh/ime-colon-only.md": "---\nquestions：\n  - \"可以包装吗\"\n---\n可以。\n",
		"kb/en/no-questions.md":   "---\ntip: hello\n---\nAnswer.\n",
		"kb/en/empty-q.md":        "---\ntip: hi\nquestions: []\n---\nAnswer.\n",
		"kb/en/null-q.md":         "---\nquestions:\n---\nAnswer.\n",
		"kb/en/empty-body.md":     "---\nquestions: [a]\n---\n\n  \n",
		"kb/en/not-list.md":       "---\nquestions: where is it\n---\nAnswer.\n",
		"kb/en/all-bad-q.md":      "---\nquestions:\n  - Returns: how?\n---\nAnswer.\n",
		"kb/en/scalar-front.md":   "---\njust text\n---\nAnswer.\n",
		"kb/en/latin1.md":         "---\nquestions: [a]\n---\nCaf\xe9\n",
		"kb/en/dup.md":            "---\nquestions: [a]\n---\nSecond definition.\n",
		// Loaded with problems.
		"kb/dup.md":         "---\nquestions: [a]\n---\nFirst definition.\n",
		"kb/en/partial.md":  "---\nquestions:\n  - good one\n  - 404\n  - Refunds: when?\n  - [a, b]\n  - \"\"\n---\nAnswer.\n",
		"kb/en/unknown.md":  "---\nquestions: [a]\nquestion: [b]\ncolour: red\n---\nAnswer.\n",
		"kb/en/also.md":     "---\nquestions: [a]\nalso:\n  - dup\n  - missing/thing\n  - also\n---\nAnswer.\n",
		"kb/en/dupkey.md":   "---\nquestions: [a]\ntip: one\ntip: two\n---\nAnswer.\n",
		"kb/en/badlang.md":  "---\nquestions: [a]\nlang: english!\n---\nAnswer.\n",
		"kb/en/difflang.md": "---\nquestions: [a]\nlang: fr\n---\nRéponse.\n",
		"kb/en/badtip.md":   "---\nquestions: [a]\ntip: [x, y]\n---\nAnswer.\n",
		"kb/en/lead.md":     "\n\n---\nquestions: [a]\nfoo: 1\n---\nAnswer.\n",
	}
	// Each entry asks its own question: one shared word for word is a
	// problem of its own (TestCopiedEntryIsReportedAndDoesNotSilenceTheBase).
	for name, src := range files {
		files[name] = strings.Replace(src, "questions: [a]", "questions: [about "+name+"]", 1)
	}
	b, problems := Load(mapFS(files), "kb")
	want := []string{
		"kb/en/dup.md:1: duplicate id \"dup\" for language en: already defined in kb/dup.md; this file is not served until fixed",
		"kb/en/all-bad-q.md:3: question 1 is not a string: a colon followed by a space makes YAML read a key; put the question in quotes",
		"kb/en/all-bad-q.md:2: questions: has no usable question; this entry is not served until fixed",
		"kb/en/also.md:5: also: no entry with id \"missing/thing\"",
		"kb/en/also.md:6: also: \"also\" is this entry itself",
		"kb/en/bad-yaml.md:4: the \" opened on this line is not closed: put another \" at the end of the text; this entry is not served until fixed",
		"kb/en/badlang.md:3: lang: \"english!\" is not a language code (use en, zh, ko, pt-BR, ...)",
		"kb/en/badtip.md:3: tip: must be one sentence of text",
		"kb/en/difflang.md:3: lang: fr disagrees with the folder en/; using fr",
		"kb/en/dupkey.md:4: duplicate key tip: (first at line 3); this one is ignored",
		"kb/en/empty-body.md:3: empty answer: write the answer below the closing ---; this entry is not served until fixed",
		"kb/en/empty-front.md:1: empty front matter: questions: is required; this entry is not served until fixed",
		"kb/en/empty-q.md:3: questions: is empty: list example phrasings, one per line starting with -; this entry is not served until fixed",
		"kb/en/latin1.md:4: not valid UTF-8 text: save the file as UTF-8; this entry is not served until fixed",
		"kb/en/lead.md:5: unknown key foo: (known keys: questions, title, tip, also, tags, lang, closed_list)",
		"kb/en/no-front.md:1: missing front matter: the file must start with a line --- followed by questions: and a closing ---; this entry is not served until fixed",
		"kb/en/no-questions.md:1: missing questions: (a list of example phrasings of what customers ask); this entry is not served until fixed",
		"kb/en/not-list.md:2: questions: must be a list, one question per line starting with -; this entry is not served until fixed",
		"kb/en/null-q.md:2: questions: is empty: list example phrasings, one per line starting with -; this entry is not served until fixed",
		"kb/en/partial.md:4: question 2 is not a string (YAML reads \"404\" as int); put it in quotes",
		"kb/en/partial.md:5: question 3 is not a string: a colon followed by a space makes YAML read a key; put the question in quotes",
		"kb/en/partial.md:6: question 4 is not a string but a list",
		"kb/en/partial.md:7: question 5 is empty",
		"kb/en/scalar-front.md:2: front matter must be \"key: value\" lines (questions:, title:, tip:, also:, tags:, lang:, closed_list:); this entry is not served until fixed",
		"kb/en/tab-yaml.md:3: this line is indented with a tab; YAML indents with spaces only: replace the tab with spaces; this entry is not served until fixed",
		"kb/zh/ime-colon.md:2: \"questions：\" uses a full-width colon (：); write \"questions:\"; this entry is not served until fixed",
		"kb/zh/ime-colon-only.md:2: \"questions：\" uses a full-width colon (：); write \"questions:\"; this entry is not served until fixed",
		"kb/en/unclosed.md:1: front matter is not closed: add a line --- after the questions; this entry is not served until fixed",
		"kb/en/unknown.md:3: unknown key question: did you mean questions:?",
		"kb/en/unknown.md:4: unknown key colour: (known keys: questions, title, tip, also, tags, lang, closed_list)",
	}
	got := problemStrings(problems)
	// Problems are sorted by file and line; compare as sets of lines so the
	// expectation above can be grouped by file.
	if !sameSet(got, want) {
		t.Errorf("problems:\n%s\n\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantIDs := []string{"also", "badlang", "badtip", "difflang", "dup", "dupkey", "lead", "partial", "unknown"}
	if !reflect.DeepEqual(b.IDs(), wantIDs) {
		t.Errorf("loaded ids = %v, want %v", b.IDs(), wantIDs)
	}
	if e, _ := b.Entry("dup", "en"); e.Answer != "First definition." {
		t.Errorf("dup kept %q, want the first file", e.Answer)
	}
	if e, _ := b.Entry("also", "en"); !reflect.DeepEqual(e.Also, []string{"dup"}) {
		t.Errorf("also = %v, want only the valid reference", e.Also)
	}
	if e, _ := b.Entry("partial", "en"); !reflect.DeepEqual(e.Questions, []string{"good one"}) {
		t.Errorf("partial questions = %q", e.Questions)
	}
	if e, _ := b.Entry("difflang", "fr"); e.Lang != "fr" {
		t.Errorf("difflang lang = %q, want fr", e.Lang)
	}
	if e, _ := b.Entry("dupkey", "en"); e.Tip != "one" {
		t.Errorf("dupkey tip = %q, want the first", e.Tip)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestLoadMissingRoot(t *testing.T) {
	b, problems := Load(mapFS(map[string]string{"x/a.md": "---\nquestions: [a]\n---\nA\n"}), "knowledge")
	if b.Len() != 0 || len(problems) != 1 || !strings.HasPrefix(problems[0].String(), "knowledge:1: cannot read: ") {
		t.Fatalf("Len %d problems %v", b.Len(), problemStrings(problems))
	}
	m := NewLexicalMatcher(t.Context(), b, nil, CalibrationConfig{OffTopic: []string{"hello"}})
	if got := m.Match(t.Context(), "anything", 3); got != nil {
		t.Errorf("Match on empty base = %v", got)
	}
	if c := m.Cal; c.Held != 0 || !c.Thin {
		t.Errorf("empty base calibration: %s", c)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(returnsEN))
	f.Add([]byte("\uFEFF---\r\nquestions:\r\n  - a\r\n---\r\nb\r\n"))
	f.Add([]byte("---\nquestions:\n  - &a x\n  - *a\nalso: *a\n---\nA\n"))
	f.Add([]byte("---\nquestions: {a: b}\n---\n"))
	f.Add([]byte("---\n[\n---\nx"))
	f.Add([]byte("---\nquestions: [a]\nlang: zh-Hant-TW\n---\nx"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"k/en/a.md": &fstest.MapFile{Data: data},
			"k/b.md":    &fstest.MapFile{Data: []byte("---\nquestions: [hello]\n---\nHi.\n")},
		}
		b, problems := Load(fsys, "k")
		for _, p := range problems {
			if p.Line < 1 || (p.File != "k/en/a.md" && p.File != "k/b.md") {
				t.Fatalf("bad problem %v", p)
			}
		}
		if _, ok := b.Entry("b", "en"); !ok {
			t.Fatal("a bad file stopped a good one from loading")
		}
		NewLexicalMatcher(t.Context(), b, nil, CalibrationConfig{}).Match(t.Context(), string(data), 3)
	})
}

// closed_list: says an entry's list is all there is; it must be a
// boolean, and only an answer with a list can be closed.
func TestLoadClosedList(t *testing.T) {
	b, problems := Load(mapFS(map[string]string{
		"k/en/pay.md":  "---\nquestions: [How can I pay]\nclosed_list: true\n---\nYou can pay with:\n\n- Visa\n- PayPal\n",
		"k/en/ship.md": "---\nquestions: [How long]\n---\nA week.\n",
	}), "k")
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problemStrings(problems))
	}
	if e, _ := b.Entry("pay", "en"); !e.ClosedList {
		t.Errorf("pay: ClosedList = false")
	}
	if e, _ := b.Entry("ship", "en"); e.ClosedList {
		t.Errorf("ship: ClosedList = true")
	}
	_, problems = Load(mapFS(map[string]string{
		"k/en/a.md": "---\nquestions: [a]\nclosed_list: yes please\n---\n- A\n",
		"k/en/b.md": "---\nquestions: [b]\nclosed_list: true\n---\nNo list here.\n",
	}), "k")
	want := []string{
		"k/en/a.md:3: closed_list: must be true or false",
		"k/en/b.md:3: closed_list: true but the answer has no list (lines starting with - ): say what the list is, or drop closed_list:",
	}
	if got := problemStrings(problems); !reflect.DeepEqual(got, want) {
		t.Errorf("problems = %q", got)
	}
}
