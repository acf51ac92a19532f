package content

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// The lexicon groups the core reads by name (othertrade, how long,
// price) are checked on load: a group renamed, reordered, emptied or
// deleted is a file:line problem in English (the base every language
// links to), a warning in Chinese and Korean; the shipped files have them
// all.
func TestReliedLexiconGroupsAreChecked(t *testing.T) {
	shipped := os.DirFS("../../prompts")
	if probs := checkReliedGroups(shipped, "lexicon"); len(probs) != 0 {
		t.Fatalf("the shipped lexicon: %v", probs)
	}
	read := func(lang string) string {
		data, err := os.ReadFile("../../prompts/lexicon/" + lang + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	// lineOf is the 1-based line of s that starts with prefix.
	lineOf := func(s, prefix string) int {
		for i, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, prefix) {
				return i + 1
			}
		}
		t.Fatalf("no line starting %q", prefix)
		return 0
	}
	en, zh := read("en"), read("zh")
	for _, c := range []struct {
		name, lang, old, new string
		at                   string // the edited file's line the problem is at: the line starting so, after the edit
		want                 string
	}{
		{"othertrade deleted", "en", "  - [othertrade, equities]\n", "", "related:",
			`related: no group headed "othertrade"; the bot reads it by that name: without it, a message about another trade's business`},
		{"othertrade not first", "en", "  - [othertrade, equities]\n", "  - [equities, othertrade]\n", "  - [equities, othertrade]",
			`related: "othertrade" is listed, but not first: a group is read by its first member, so the group must start with "othertrade"`},
		{"othertrade alone", "en", "  - [othertrade, equities]\n", "  - [othertrade]\n", "  - [othertrade]",
			`related: the group headed "othertrade" has no other member`},
		{"othertrade renamed", "en", "  - [othertrade, equities]\n", "  - [other trade, equities]\n", "related:",
			`related: no group headed "othertrade"`},
		{"how long deleted", "en", "  - [how long, when, what time, how many days]\n", "", "related:",
			`related: no group headed "how long"`},
		{"price deleted", "en", "  - [price, cost, how much, set me back]\n", "", "same:",
			`same: no group headed "price"`},
		{"related section gone", "en", "related:\n", "relate:\n", "same:",
			`no related section, so no group headed "othertrade"`},
		{"zh how long deleted", "zh", "  - [how long, 多久]\n", "", "same:",
			`warning: same: no group headed "how long"; the bot reads it by that name: without it, a Chinese "how long" (多久) no longer reads as asking how long`},
	} {
		src := map[string]string{"en": en, "zh": zh}[c.lang]
		if !strings.Contains(src, c.old) {
			t.Fatalf("%s: the shipped %s.yaml has no %q", c.name, c.lang, c.old)
		}
		edited := strings.Replace(src, c.old, c.new, 1)
		fsys := fstest.MapFS{"lexicon/en.yaml": {Data: []byte(en)}, "lexicon/zh.yaml": {Data: []byte(zh)}}
		fsys["lexicon/"+c.lang+".yaml"] = &fstest.MapFile{Data: []byte(edited)}
		probs := checkReliedGroups(fsys, "lexicon")
		line := lineOf(edited, c.at)
		if c.name == "related section gone" {
			line = lineOf(edited, "same:") // no section: the file's first key
		}
		if len(probs) == 0 || probs[0].File != "lexicon/"+c.lang+".yaml" || probs[0].Line != line || !strings.HasPrefix(probs[0].Msg, c.want) {
			t.Errorf("%s: %v\nwant lexicon/%s.yaml:%d: %s...", c.name, probs, c.lang, line, c.want)
		}
	}
	// A language without a lexicon file relies on nothing in it.
	if probs := checkReliedGroups(fstest.MapFS{"lexicon/en.yaml": {Data: []byte(en)}}, "lexicon"); len(probs) != 0 {
		t.Errorf("without zh.yaml and ko.yaml: %v", probs)
	}
}
