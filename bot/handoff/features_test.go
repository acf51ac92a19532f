package handoff

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/text"
)

// featuresRef is model.features as it was before it looked features up
// without building their strings and read the terms into a pooled
// buffer: text.Terms, then "¬"+word and "word word" made for each lookup.
// It is the oracle of TestFeaturesMatchReference; change it with the
// features' definition (which words, pairs and marks are features).
func (m *model) featuresRef(s string) []int32 {
	s, _ = blankNoise(s) // handles and links are not words
	terms := text.Terms(s)
	var ids []int32
	put := func(f string) {
		if id, ok := m.feats[f]; ok {
			ids = append(ids, id)
		}
	}
	prevWord := ""
	negated := 0
	for _, t := range terms {
		if isCJKTerm(t) {
			if !koEnding[t] && !crossWord(s, t) {
				put(t)
			}
			prevWord, negated = "", 0
			continue
		}
		if t == "not" || t == "no" || t == "never" {
			negated = 3
			prevWord = t
			continue
		}
		stop := text.IsStopWord(t) && !questionWords[t]
		if negated > 0 {
			negated--
			if !stop {
				put("¬" + t)
				negated = 0
			}
			prevWord = t
			continue
		}
		if !stop {
			put(t)
		}
		if prevWord != "" && !(stop && text.IsStopWord(prevWord)) {
			put(prevWord + " " + t)
		}
		prevWord = t
	}
	m.con.match(terms, put)
	if strings.ContainsAny(s, "?？") {
		put("<?>")
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

// TestFeaturesMatchReference: the shipped model's features of every corpus
// message (tricky strings, the data sets' messages when there) and of
// variations are the reference's, id for id.
func TestFeaturesMatchReference(t *testing.T) {
	r := loadShipped(t)
	m := r.learned.m
	if m == nil {
		t.Fatal("the shipped rules have no learned layer")
	}
	n := 0
	for _, s := range corpus(t) {
		for _, v := range []string{s, strings.ToUpper(s), "I don't not " + s + "??", "no " + s + " never"} {
			got, want := m.features(v, false), m.featuresRef(v)
			if !slices.Equal(got, want) {
				t.Errorf("features(%q) = %v, reference %v", v, got, want)
			}
			if len(want) > 0 {
				n++
			}
		}
	}
	if n == 0 {
		t.Error("no message had a feature: the comparison proved nothing")
	}
}
