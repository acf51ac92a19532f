package text

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestWordsASCIIAsRunes: the ASCII fast path cuts every ASCII text into
// the same words as the general one.
func TestWordsASCIIAsRunes(t *testing.T) {
	texts := []string{"", " ", "Where's my ORDER?", "e-mail", "-e-", "a--b", "it's'", "'tis", "x'-y", "KS-204817!!",
		"hi,there", "  two  spaces ", "ok.", "a", "A1b2-C3 d'E f_g h\tj\nk", "don't-know", "end-"}
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "aZ09 '-.,?!_\t\n"
	for range 5000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		if got, want := appendWordsASCII(nil, s), appendWordsRunes(nil, s); !slices.Equal(got, want) {
			t.Fatalf("Words(%q): ASCII path %+v, general %+v", s, got, want)
		}
	}
}
