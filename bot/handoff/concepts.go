package handoff

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/bot/text"
)

// Concepts are named groups of wordings (learned.concepts in handoff.yaml:
// "negative": frustrating, useless, fed up ...; "failure": broken, not
// working, never arrived ...; "blame": your staff, you lost ...) that the learned layer sees as one feature
// each ("#failure"), and every two of them met in one message as a feature
// of their own ("#failure+#negative").
//
// Why: the layer learns from words, so a complaint in words no example
// holds ("the app is glitching again, infuriating") scores like an
// ordinary message. A concept lets one weight cover every wording of an
// idea, and the pairs let the layer learn what single words cannot in a
// linear model: a failure reported calmly is a question for the bot
// (banking77's "my card still hasn't arrived"), a failure said with
// displeasure or blamed on us is a complaint. The weights are learned from
// the examples like any word's; ops edit the groups, and the evidence names
// the concept ("#failure+#negative" +1.4) as it names a word.
type conceptSet struct {
	names []string
	// first maps a wording's first term to the wordings that start with
	// it, each as terms and the concept's index.
	first map[string][]conceptWording
	// pair[i][j] (i < j) is the feature name of concepts i and j together.
	pair [][]string
	feat []string // "#" + name
	// pairsOnly marks the concepts that are features only beside
	// another (learned.concept_pairs_only).
	pairsOnly []bool
	// unlessFirst maps an unless wording's first term to the unless
	// wordings that start with it, each with the group it takes out of
	// the message (learned.concept_unless's words).
	unlessFirst map[string][]conceptWording
	// after[i] holds the terms that, just before a wording of group i,
	// take the group out of the message (learned.concept_unless's after).
	after []map[string]bool
	key   string // the definitions, for the training cache
}

type conceptWording struct {
	terms   []string
	concept int
}

// concepts reads {name: [wording, ...]} from v, from pairsOnly (nil
// when absent) the names of the groups that count only beside another,
// and from unless (nil when absent) what takes a group out of a message.
func (l *loader) concepts(v, pairsOnly, unless *yaml.Node) *conceptSet {
	if v.Kind != yaml.MappingNode {
		l.errf(v, "learned.concepts: expected word groups (failure: [broken, not working])")
		return nil
	}
	cs := &conceptSet{first: map[string][]conceptWording{}}
	var key strings.Builder
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, list := v.Content[i], v.Content[i+1]
		name := k.Value
		if name == "" || strings.ContainsAny(name, "#+ ") {
			l.errf(k, "learned.concepts: %q is not a name (letters, digits, _)", name)
			continue
		}
		if list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
			l.errf(list, "learned.concepts.%s: expected a list of wordings", name)
			continue
		}
		c := len(cs.names)
		cs.names = append(cs.names, name)
		fmt.Fprintf(&key, "%s\x00", name)
		for _, item := range list.Content {
			ts := text.Terms(item.Value)
			if item.Kind != yaml.ScalarNode || len(ts) == 0 {
				l.errf(item, "learned.concepts.%s: %q has no words", name, item.Value)
				continue
			}
			cs.first[ts[0]] = append(cs.first[ts[0]], conceptWording{terms: ts, concept: c})
			fmt.Fprintf(&key, "%s\x01", strings.Join(ts, " "))
		}
	}
	if len(cs.names) == 0 {
		return nil
	}
	cs.pairsOnly = make([]bool, len(cs.names))
	if pairsOnly != nil {
		if pairsOnly.Kind != yaml.SequenceNode {
			l.errf(pairsOnly, "learned.concept_pairs_only: expected a list of group names")
		} else {
			for _, item := range pairsOnly.Content {
				i := slices.Index(cs.names, item.Value)
				if i < 0 {
					l.errf(item, "learned.concept_pairs_only: %q is not a group of learned.concepts", item.Value)
					continue
				}
				cs.pairsOnly[i] = true
				fmt.Fprintf(&key, "\x03%s", item.Value)
			}
		}
	}
	l.conceptUnless(cs, unless, &key)
	cs.key = key.String()
	cs.feat = make([]string, len(cs.names))
	cs.pair = make([][]string, len(cs.names))
	for i, n := range cs.names {
		cs.feat[i] = "#" + n
		cs.pair[i] = make([]string, len(cs.names))
		for j := i + 1; j < len(cs.names); j++ {
			a, b := n, cs.names[j]
			if b < a {
				a, b = b, a
			}
			cs.pair[i][j] = "#" + a + "+#" + b
		}
	}
	return cs
}

// conceptUnless reads learned.concept_unless: {group: {words: [wording,
// ...], after: [term, ...]}}. A group whose unless wording is in a message,
// or one of whose wordings comes right after an after term, is not found
// in that message at all: the words name a person or an act that is not a
// request for one of ours (the customer's own people, "my colleague";
// something already done, "someone already dealt with it"; service in
// person, "when I bring it in"). Data, like the groups, so ops widen it
// as they widen the groups.
func (l *loader) conceptUnless(cs *conceptSet, v *yaml.Node, key *strings.Builder) {
	cs.after = make([]map[string]bool, len(cs.names))
	if v == nil {
		return
	}
	if v.Kind != yaml.MappingNode {
		l.errf(v, "learned.concept_unless: expected groups ({staff: {words: [in store], after: [my]}})")
		return
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, body := v.Content[i], v.Content[i+1]
		c := slices.Index(cs.names, k.Value)
		if c < 0 {
			l.errf(k, "learned.concept_unless: %q is not a group of learned.concepts", k.Value)
			continue
		}
		if body.Kind != yaml.MappingNode {
			l.errf(body, "learned.concept_unless.%s: expected words: and after: lists", k.Value)
			continue
		}
		for j := 0; j+1 < len(body.Content); j += 2 {
			f, list := body.Content[j], body.Content[j+1]
			if (f.Value != "words" && f.Value != "after") || list.Kind != yaml.SequenceNode {
				l.errf(f, "learned.concept_unless.%s: expected words: or after: with a list, not %q", k.Value, f.Value)
				continue
			}
			for _, item := range list.Content {
				ts := text.Terms(item.Value)
				if item.Kind != yaml.ScalarNode || len(ts) == 0 || (f.Value == "after" && len(ts) != 1) {
					l.errf(item, "learned.concept_unless.%s.%s: %q is not a wording (after: one word)", k.Value, f.Value, item.Value)
					continue
				}
				if f.Value == "after" {
					if cs.after[c] == nil {
						cs.after[c] = map[string]bool{}
					}
					cs.after[c][ts[0]] = true
					fmt.Fprintf(key, "\x04%s\x00%s", k.Value, ts[0])
					continue
				}
				if cs.unlessFirst == nil {
					cs.unlessFirst = map[string][]conceptWording{}
				}
				cs.unlessFirst[ts[0]] = append(cs.unlessFirst[ts[0]], conceptWording{terms: ts, concept: c})
				fmt.Fprintf(key, "\x05%s\x00%s", k.Value, strings.Join(ts, " "))
			}
		}
	}
}

// match calls put with the feature of each concept one of whose wordings
// appears in terms (consecutive terms, as text.Terms gives them), then with
// the feature of each two concepts found. A concept taken out of the
// message (learned.concept_unless) is not found.
func (cs *conceptSet) match(terms []string, put func(string)) {
	if cs == nil {
		return
	}
	var buf [16]bool
	found := buf[:0]
	if len(cs.names) > len(buf) {
		found = make([]bool, 0, len(cs.names))
	}
	found = found[:len(cs.names)]
	var outBuf [16]bool
	out := outBuf[:0]
	if len(cs.names) > len(outBuf) {
		out = make([]bool, 0, len(cs.names))
	}
	out = out[:len(cs.names)]
	for i, t := range terms {
		for _, w := range cs.first[t] {
			if found[w.concept] || out[w.concept] || !wordingAt(terms, i, w.terms) || negatedAt(terms, i, w.terms[0]) {
				continue
			}
			if i > 0 && cs.after[w.concept][terms[i-1]] {
				out[w.concept] = true
				continue
			}
			found[w.concept] = true
		}
		for _, w := range cs.unlessFirst[t] {
			if !out[w.concept] && wordingAt(terms, i, w.terms) {
				out[w.concept] = true
			}
		}
	}
	for i, on := range found {
		if !on || out[i] {
			continue
		}
		if !cs.pairsOnly[i] {
			put(cs.feat[i])
		}
		for j := i + 1; j < len(found); j++ {
			if found[j] && !out[j] {
				put(cs.pair[i][j])
			}
		}
	}
}

// wordingAt reports whether the terms of a wording start at terms[i].
func wordingAt(terms []string, i int, w []string) bool {
	if i+len(w) > len(terms) {
		return false
	}
	for k, t := range w {
		if terms[i+k] != t {
			return false
		}
	}
	return true
}

// negatedAt reports whether a wording starting at terms[i] is taken back
// by a negation just before it ("not angry", "never had a problem"),
// unless the wording is itself negative ("not working", "never arrived"),
// as the learned layer's own "¬word" features read it.
func negatedAt(terms []string, i int, first string) bool {
	if isNegation(first) {
		return false
	}
	return slices.ContainsFunc(terms[max(0, i-2):i], isNegation)
}
