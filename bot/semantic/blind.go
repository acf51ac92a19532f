package semantic

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/batonhq/baton/bot/lang"
)

const (
	// blindSample bounds the distinct questions per language compared,
	// so a large base's build stays fast.
	blindSample = 200
	// blindCosine: two distinct texts whose vectors are this close are
	// one point to the model. A model that reads a language puts
	// distinct questions apart (use-lite-en on the shipped English
	// questions of one shape: median 0.50, highest 0.94); an
	// English-only model gives Korean and Chinese words one
	// unknown-token vector (use-lite-en: 1.000 between "할부 되나요" and
	// "찍힘 있어요", issue 9).
	blindCosine = 0.99
	// blindMinPairs and blindMinEntries: fewer pairs of questions of
	// different entries than this, or from fewer entries, cannot tell a
	// model that reads a language from one that does not (two entries
	// written alike are a point too), and the language is taken as read.
	blindMinPairs   = 10
	blindMinEntries = 3
)

// blindLangs returns the languages (lang.Dominant of the question text:
// the script most of it is written in) whose words the model does not
// tell apart. Only the words can
// tell: an English-only model still sees the spaces, punctuation, digits
// and Latin names around Korean or Chinese words ("배송 얼마나 걸려요?"
// is "<unk> <unk> <unk>?" to it), so distinct questions of different
// shapes get distinct vectors (use-lite-en, shipped Korean questions:
// median cosine 0.90) while those of one shape get one vector (1.000).
// So the pairs compared are distinct questions of one language with the
// same shape (shape: each run of letters one placeholder, the rest
// kept), and the model is blind to the language when their median cosine
// is at least blindCosine: half of them are one point. Measured with
// use-lite-en on the shipped base: Korean and Chinese median 1.000 (10th
// percentile 1.000), English 0.50. The median, not every pair: a Latin
// name inside ("Kumo 배송") gives an English-only model something to
// read. Only questions of different entries are paired: an entry's own
// questions are written near-identical on purpose ("배송비 얼마예요?",
// "배송비 얼마에요?"), and a model that reads the language may put them
// at one point, which would make a language of one or two entries blind
// to it (review 2 M1). A language with fewer such pairs than
// blindMinPairs, or from fewer entries than blindMinEntries, cannot be
// judged and is taken as read.
func (ix *Index) blindLangs() map[string]bool {
	type key struct{ lang, shape string }
	groups := map[key][]int{}
	n := map[string]int{}
	seen := map[string]bool{}
	for i, t := range ix.qText {
		l := lang.Dominant(t)
		if l == "" || seen[t] || n[l] >= blindSample {
			continue
		}
		seen[t] = true
		n[l]++
		k := key{l, shape(t)}
		groups[k] = append(groups[k], i)
	}
	cos := map[string][]float64{}
	entries := map[string]map[int32]bool{}
	for k, qs := range groups {
		for a := range qs {
			for b := a + 1; b < len(qs); b++ {
				ea, eb := ix.qEntry[qs[a]], ix.qEntry[qs[b]]
				if ea == eb {
					continue
				}
				cos[k.lang] = append(cos[k.lang], float64(dot(ix.vecs[qs[a]], ix.vecs[qs[b]])))
				if entries[k.lang] == nil {
					entries[k.lang] = map[int32]bool{}
				}
				entries[k.lang][ea], entries[k.lang][eb] = true, true
			}
		}
	}
	blind := map[string]bool{}
	for l, cs := range cos {
		if len(cs) < blindMinPairs || len(entries[l]) < blindMinEntries {
			continue
		}
		sort.Float64s(cs)
		if cs[len(cs)/2] >= blindCosine {
			blind[l] = true
		}
	}
	return blind
}

// shape is text with each run of letters (any script) one "x": what a
// model that reads none of the words still sees.
func shape(text string) string {
	var b strings.Builder
	in := false
	for _, r := range text {
		if unicode.IsLetter(r) || in && unicode.IsMark(r) {
			if !in {
				b.WriteByte('x')
			}
			in = true
			continue
		}
		in = false
		b.WriteRune(r)
	}
	return b.String()
}

// blindTo reports whether text is in a language the model does not tell
// apart: its vector says nothing about which entry it asks for. The
// language is the one most of text is written in (lang.Dominant), not
// the one its reply is in (lang.FromScript, where one Hangul syllable
// makes it Korean): "when will my parcel get to 서울시 강남구?" is an
// English question an English-only model reads, and keeps semantic
// matching.
//
// The other side of that choice: in an English message, a key word in a
// blind script ("can I pay with 支付宝?") is unknown to the model (one
// unknown-token vector, as every Chinese word is to use-lite-en), so the
// vector evidence is that of "can I pay with <unk>?". The lexical
// matcher still sees the word (its character pairs), and fusion keeps
// the lexical evidence (fuseParams.lexW), so an entry that names 支付宝
// still scores on it; only the vector side cannot help. Accepted: such
// messages are mostly English, and the model reads the English words.
func (ix *Index) blindTo(text string) bool {
	return len(ix.blind) > 0 && ix.blind[lang.Dominant(text)]
}

// Blind lists the languages whose questions the model does not tell
// apart (sorted): messages in them are matched lexically, and the fused
// calibration leaves their samples out.
func (f *Fused) Blind() []string { return slices.Sorted(maps.Keys(f.ix.blind)) }

// BlindTo reports whether query is in one of those languages.
func (f *Fused) BlindTo(query string) bool { return f.ix.blindTo(query) }
