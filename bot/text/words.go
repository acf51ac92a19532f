package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is the sort of a Word.
type Kind uint8

const (
	// Alpha is a word of a script that separates words with spaces
	// (Latin, Greek, Cyrillic, ...) or a number.
	Alpha Kind = iota
	// Han is one Chinese character or one kana: these scripts have no
	// spaces, so each character is a word of its own.
	Han
	// Hangul is a run of Korean syllables. Korean spacing is loose
	// ("배송 언제" and "배송언제"), so matching joins neighbouring runs.
	Hangul
	// Jamo is a run of loose Hangul letters: ㅋㅋ and ㅠㅠ are laughter and
	// mood, ㄱㄴ is chat shorthand for 가능.
	Jamo
)

// CJK reports whether words of kind k belong to a script without reliable
// word boundaries.
func (k Kind) CJK() bool { return k != Alpha }

// Word is one word of a text, as Words finds it.
type Word struct {
	Text       string // Normalize(the word); inner apostrophes are "'" and inner hyphens "-"
	Start, End int    // byte offsets of the word in the text
	Kind       Kind
	Gap        bool // the first word, or separated from the previous one by space, punctuation or symbols
}

// Words splits s into words in reading order. A word is a run of letters,
// digits and combining marks; an apostrophe or hyphen between two letters
// stays inside it ("where's", "e-mail"). Chinese characters and kana are
// one word each. Everything else (spaces, punctuation, symbols, emoji)
// only separates words. This is the one place Baton decides what a word
// is; Tokenize, the lexicon, smalltalk and the handoff phrases build on it.
func Words(s string) []Word { return AppendWords(nil, s) }

// AppendWords is Words appending to dst, so that a hot path (the handoff
// detector, on every message) can reuse one buffer.
func AppendWords(dst []Word, s string) []Word {
	if IsASCII(s) {
		return appendWordsASCII(dst, s)
	}
	return appendWordsRunes(dst, s)
}

// appendWordsRunes is AppendWords for any text.
func appendWordsRunes(dst []Word, s string) []Word {
	out := dst
	start, kind, gap := -1, Alpha, true
	flush := func(end int) {
		if start >= 0 {
			out = append(out, Word{Text: normWord(s[start:end], kind), Start: start, End: end, Kind: kind, Gap: gap})
			start, gap = -1, false
		}
	}
	for i, r := range s {
		size := utf8.RuneLen(r)
		if size < 0 {
			size = 1
		}
		k, isWord := classify(r)
		switch {
		case isWord && k == Han:
			flush(i)
			out = append(out, Word{Text: Normalize(s[i : i+size]), Start: i, End: i + size, Kind: Han, Gap: gap})
			gap = false
		case isWord && start >= 0 && k == kind:
			// the word goes on
		case isWord && start >= 0 && kind == Alpha && unicode.IsMark(r):
			// a combining mark belongs to the letter before it
		case isWord:
			flush(i)
			start, kind = i, k
		case start >= 0 && kind == Alpha && isJoiner(r) && nextIsAlpha(s[i+size:]):
			// "where's", "e-mail": stays inside the word
		default:
			flush(i)
			gap = true
		}
	}
	flush(len(s))
	return out
}

// appendWordsASCII is AppendWords for ASCII text (most messages, and
// every message is cut into words many times): the same words, read byte
// by byte. In ASCII a word is a run of letters and digits, an apostrophe
// or hyphen between a word and a letter or digit stays inside it, and
// normalising a word is lowering it.
func appendWordsASCII(dst []Word, s string) []Word {
	out := dst
	start, gap := -1, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlnumASCII(c):
			if start < 0 {
				start = i
			}
		case start >= 0 && (c == '\'' || c == '-') && i+1 < len(s) && isAlnumASCII(s[i+1]):
			// "where's", "e-mail": stays inside the word
		default:
			if start >= 0 {
				out = append(out, Word{Text: LowerASCII(s[start:i]), Start: start, End: i, Kind: Alpha, Gap: gap})
				start = -1
			}
			gap = true
		}
	}
	if start >= 0 {
		out = append(out, Word{Text: LowerASCII(s[start:]), Start: start, End: len(s), Kind: Alpha, Gap: gap})
	}
	return out
}

func isAlnumASCII(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// classify tells the kind of word r belongs to, and whether it belongs to
// a word at all.
func classify(r rune) (Kind, bool) {
	switch {
	case r < 0x80:
		return Alpha, ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
	case r >= 0xAC00 && r <= 0xD7A3:
		return Hangul, true
	case (r >= 0x3130 && r <= 0x318F) || (r >= 0x1100 && r <= 0x11FF) || (r >= 0xFFA0 && r <= 0xFFDC):
		return Jamo, true
	case r == 0x30FC || r == 0xFF70 || unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
		return Han, true
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		return Alpha, true
	}
	return Alpha, false
}

func isJoiner(r rune) bool {
	return isApostrophe(r) || r == '-' || r == '\u2010' || r == '\u2011'
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u2018', '\u02BC', '\uFF07':
		return true
	}
	return false
}

func nextIsAlpha(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	k, ok := classify(r)
	return ok && k == Alpha && !unicode.IsMark(r)
}

// normWord normalises one word; joiners are written as plain ' and -.
func normWord(w string, k Kind) string {
	if k != Alpha || IsASCII(w) {
		return Normalize(w)
	}
	w = Normalize(w)
	if !strings.ContainsFunc(w, func(r rune) bool { return r != '\'' && r != '-' && isJoiner(r) }) {
		return w
	}
	return strings.Map(func(r rune) rune {
		switch {
		case isApostrophe(r):
			return '\''
		case isJoiner(r):
			return '-'
		}
		return r
	}, w)
}
