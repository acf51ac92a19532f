package text

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

// termsRef is Terms as it was before AppendTerms: Tokenize, then the
// CJK runs cut into n-grams. The oracle of TestAppendTermsMatchesReference.
func termsRef(s string) []string {
	toks := Tokenize(s)
	cjkChars := 0
	for _, t := range toks {
		if t.CJK {
			cjkChars += utf8.RuneCountInString(t.Text)
		}
	}
	var terms []string
	for _, t := range toks {
		if !t.CJK {
			terms = append(terms, t.Text)
			continue
		}
		terms = AppendNGrams(terms, t.Text, cjkChars <= ShortCJK)
	}
	return terms
}

// TestAppendTermsMatchesReference: Terms and AppendTerms (after whatever
// dst held) give the reference's terms, for Latin, CJK, mixed, short and
// broken text.
func TestAppendTermsMatchesReference(t *testing.T) {
	for _, s := range []string{
		"", " ", "where's my order?", "I can't log in!!", "Ｆｕｌｌ ｗｉｄｔｈ", "café crème",
		"退货", "我的订单在哪里", "배송 언제 와요", "배송언제", "ㅋㅋ ok", "where is 我的订单 배송",
		"e-mail re-send", "\xff\xfe talk to a human", "don’t dont do not", "shipping shipped ships",
		"退", "a 退 b", "x-y-z", "o'clock rock'n'roll",
	} {
		want := termsRef(s)
		if got := Terms(s); !slices.Equal(got, want) {
			t.Errorf("Terms(%q) = %q, reference %q", s, got, want)
		}
		got := AppendTerms([]string{"x"}, s)
		if len(got) == 0 || got[0] != "x" || !slices.Equal(got[1:], want) {
			t.Errorf("AppendTerms(x, %q) = %q, reference x + %q", s, got, want)
		}
	}
}

// TestPlainCacheMatchesStemming: a word's tokens, computed then taken from
// the cache (twice: a miss, then a hit), are appendPlainWord's without a
// cache, for stemmed words, respelled contractions, chat spellings,
// synonyms, non-English and over-long words.
func TestPlainCacheMatchesStemming(t *testing.T) {
	words := []string{"orders", "ordered", "ordering", "shipping", "shipped", "purchased", "relational",
		"conditional", "generalization", "hopefulness", "cant", "dont", "wanna", "u", "ur", "thx", "recieved",
		"im", "ive", "cafe", "crème", "naïve", "straße", "a", "is", "i", "ab", "123", "x2", "sky", "happy",
		"agreed", "feed", "caresses", "ponies", "ties", "cats", "misspelling", "supercalifragilisticexpialidocious",
		strings.Repeat("z", maxCachedWord), strings.Repeat("z", maxCachedWord+1)}
	for _, w := range words {
		want := appendPlainWord(nil, w, true)
		for range 2 {
			if got := appendPlain([]Token{{Text: "x"}}, w, true); len(got) == 0 || got[0].Text != "x" || !slices.Equal(got[1:], want) {
				t.Errorf("appendPlain(%q) = %v, uncached %v", w, got, want)
			}
		}
		if got, want := appendPlain(nil, w, false), appendPlainWord(nil, w, false); !slices.Equal(got, want) {
			t.Errorf("appendPlain(%q, no canon) = %v, uncached %v", w, got, want)
		}
	}
}

// TestPlainCacheKeepsNoMessage: what the cache keeps shares no bytes with
// the message a word came from (a stem is often a prefix of the word).
func TestPlainCacheKeepsNoMessage(t *testing.T) {
	msg := strings.Clone("parcels delivered yesterday")
	Tokenize(msg)
	lo := uintptr(unsafe.Pointer(unsafe.StringData(msg)))
	hi := lo + uintptr(len(msg))
	for _, w := range strings.Fields(msg) {
		ts, ok := plainWords.get(w)
		if !ok {
			t.Fatalf("%q was not cached", w)
		}
		for _, s := range ts {
			if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); p >= lo && p < hi {
				t.Errorf("the cached token %q of %q points into the message", s, w)
			}
		}
	}
}

// TestWordCacheBounded: however many different words go through, no shard
// holds more than wordShardMax.
func TestWordCacheBounded(t *testing.T) {
	c := newWordCache()
	for i := range wordShards*wordShardMax + 500 {
		w := fmt.Sprintf("w%d", i)
		c.put(w, []string{w})
	}
	for i := range c.shards {
		if n := len(c.shards[i].m); n > wordShardMax {
			t.Fatalf("shard %d holds %d words, more than %d", i, n, wordShardMax)
		}
	}
}
