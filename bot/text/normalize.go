package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Normalize folds s into the form every comparison in Baton uses:
//
//   - Unicode compatibility normalisation (NFKC): full-width "ＡＢＣ１" is
//     "abc1", half-width katakana is full-width, ligatures are letters;
//   - full case folding ("Straße" is "strasse", "ΣΟΦΟΣ" is "σοφοσ");
//   - accents removed from Latin, Greek and Cyrillic letters ("café" is
//     "cafe"; "ø", "æ", "ł" and the like, which Unicode does not decompose,
//     become their plain letters). Marks that are part of other scripts
//     (Hangul, kana voicing marks, Indic vowel signs) are kept.
//
// ASCII text takes a fast path that only lower-cases.
func Normalize(s string) string {
	if IsASCII(s) {
		return LowerASCII(s)
	}
	s = nfkc(s)
	s = cases.Fold().String(s)
	if !hasStrippable(s) {
		return s
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	stripBase := false // the last base letter was Latin, Greek or Cyrillic
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			if stripBase {
				continue
			}
			b.WriteRune(r)
			continue
		}
		if x, ok := plainLetter[r]; ok {
			b.WriteString(x)
			stripBase = true
			continue
		}
		stripBase = isAccentable(r)
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// nfkc is NFKC except that Hangul compatibility letters (ㅋㅋ, ㄱㄴ, ㅠㅠ)
// stay as typed: NFKC would turn them into conjoining jamo, which fuse
// with the syllables around them when displayed.
func nfkc(s string) string {
	if !strings.ContainsFunc(s, isCompatJamo) {
		return norm.NFKC.String(s)
	}
	var b strings.Builder
	for s != "" {
		i := strings.IndexFunc(s, isCompatJamo)
		if i < 0 {
			i = len(s)
		}
		b.WriteString(norm.NFKC.String(s[:i]))
		s = s[i:]
		j := strings.IndexFunc(s, func(r rune) bool { return !isCompatJamo(r) })
		if j < 0 {
			j = len(s)
		}
		b.WriteString(s[:j])
		s = s[j:]
	}
	return b.String()
}

func isCompatJamo(r rune) bool { return r >= 0x3130 && r <= 0x318F }

// isAccentable reports whether accents on r are decoration customers type
// or leave out at will.
func isAccentable(r rune) bool {
	return r < 0x80 || unicode.Is(unicode.Latin, r) || unicode.Is(unicode.Greek, r) || unicode.Is(unicode.Cyrillic, r)
}

// hasStrippable reports whether s has a letter Normalize may change after
// case folding: a non-ASCII Latin, Greek or Cyrillic letter, or a
// combining mark.
func hasStrippable(s string) bool {
	for _, r := range s {
		if r >= 0x80 && (isAccentable(r) || unicode.Is(unicode.Mn, r)) {
			return true
		}
	}
	return false
}

// plainLetter spells the letters Unicode gives no decomposition for.
var plainLetter = map[rune]string{
	'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ı': "i", 'ħ': "h", 'ŀ': "l", 'ŧ': "t", 'ð': "d", 'þ': "th",
}

// ContainsAny is strings.ContainsAny for a few marks such as "?？" (chars
// valid UTF-8, without U+FFFD): it searches s for each in turn, a fast
// byte search for ASCII ones, where strings.ContainsAny, given a set that
// is not all ASCII, looks every rune of s up in the set: a cost on every
// message for the readers that ask whether it asks something.
func ContainsAny(s, chars string) bool {
	for _, c := range chars {
		if strings.ContainsRune(s, c) {
			return true
		}
	}
	return false
}

// IsASCII reports whether s is ASCII only: the fast paths of the text
// pipeline, and of cue lists most of whose wordings are Chinese or Korean.
func IsASCII(s string) bool { return ASCIIPrefix(s) == len(s) }

// ASCIIPrefix is the length of the longest prefix of s that is ASCII only
// (its bytes are its runes), read eight bytes at a time: every message
// and every reply the core records is read so.
func ASCIIPrefix(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		_ = w[7] // one bounds check; the loads below combine into one
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		if x&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return i
		}
	}
	return i
}

// LowerASCII is s with its ASCII letters lowered and every other byte as
// it is; s itself when it has no upper-case ASCII letter.
func LowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
