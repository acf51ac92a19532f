package llmtest

import (
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// CountTokens approximates how a GPT-style BPE tokenizer (cl100k/o200k)
// counts s, without shipping its vocabulary: it splits like the tokenizer's
// pre-tokenizer (words with their leading space, digit groups of up to
// three, punctuation runs, whitespace runs) and charges long words and
// punctuation runs by length. Han, kana and Hangul count one per character.
// On English prose it lands within about 10% of the real tokenizer, which is
// what the fake needs to bill usage.prompt_tokens believably.
func CountTokens(s string) int {
	n := 0
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case isCJK(r):
			n++
			i++
		case unicode.IsLetter(r) || (r == ' ' && i+1 < len(rs) && unicode.IsLetter(rs[i+1]) && !isCJK(rs[i+1])):
			j := i
			if r == ' ' {
				j++
			}
			start := j
			for j < len(rs) && unicode.IsLetter(rs[j]) && !isCJK(rs[j]) {
				j++
			}
			n += 1 + (j-start-1)/6
			i = j
		case unicode.IsDigit(r):
			j := i
			for j < len(rs) && unicode.IsDigit(rs[j]) {
				j++
			}
			n += (j - i + 2) / 3
			i = j
		case unicode.IsSpace(r):
			j := i
			for j < len(rs) && unicode.IsSpace(rs[j]) && !(rs[j] == ' ' && j+1 < len(rs) && unicode.IsLetter(rs[j+1])) {
				j++
			}
			if j == i { // a lone space before a word is part of the word
				j++
			}
			if strings.ContainsRune(string(rs[i:j]), '\n') || j-i > 1 {
				n++
			}
			i = j
		default:
			j := i
			for j < len(rs) && !unicode.IsLetter(rs[j]) && !unicode.IsDigit(rs[j]) && !unicode.IsSpace(rs[j]) && !isCJK(rs[j]) {
				j++
			}
			n += (j - i + 1) / 2
			i = j
		}
	}
	return n
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) ||
		unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}

// HashEmbedder is a deterministic bag-of-words embedding model of dim
// dimensions: words (lower-cased, a plural "s" dropped) and CJK character
// bigrams are hashed into signed buckets and the vector is normalised. Texts
// that share words get a high cosine similarity, which is all retrieval
// tests need from a model.
func HashEmbedder(dim int) Embedder {
	return func(text string) []float32 {
		v := make([]float64, dim)
		for _, f := range features(text) {
			h := fnv.New64a()
			h.Write([]byte(f))
			x := mix(h.Sum64())
			sign := 1.0
			if x&1 == 1 {
				sign = -1
			}
			v[(x>>1)%uint64(dim)] += sign
		}
		var norm float64
		for _, x := range v {
			norm += x * x
		}
		out := make([]float32, dim)
		if norm == 0 {
			out[0] = 1
			return out
		}
		norm = math.Sqrt(norm)
		for i, x := range v {
			out[i] = float32(x / norm)
		}
		return out
	}
}

var stop = map[string]bool{
	"a": true, "an": true, "the": true, "i": true, "my": true, "me": true, "you": true, "your": true, "is": true,
	"are": true, "do": true, "does": true, "to": true, "of": true, "in": true, "on": true, "for": true, "it": true,
	"can": true, "how": true, "any": true, "there": true, "this": true, "that": true, "please": true, "what": true, "and": true, "or": true, "be": true, "with": true, "we": true,
}

func features(text string) []string {
	var out []string
	var prev rune
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		rs := []rune(w)
		if len(rs) > 0 && isCJK(rs[0]) {
			prev = 0
			for _, r := range rs {
				if prev != 0 {
					out = append(out, string([]rune{prev, r}))
				}
				out = append(out, string(r))
				prev = r
			}
			continue
		}
		if stop[w] {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

// stem is a crude English stemmer: enough that "shipping", "shipped" and
// "ships" meet "ship".
func stem(w string) string {
	switch {
	case len(w) > 5 && strings.HasSuffix(w, "ing"):
		w = w[:len(w)-3]
	case len(w) > 4 && strings.HasSuffix(w, "ed"):
		w = w[:len(w)-2]
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	default:
		return w
	}
	if n := len(w); n > 2 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		w = w[:n-1] // shipp -> ship
	}
	return w
}

// mix is splitmix64's finalizer: FNV's low bits are too alike for short
// words to spread them over buckets.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
