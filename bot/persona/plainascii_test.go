package persona

import (
	"math/rand/v2"
	"testing"
)

// TestPlainASCIIKeepsTheNorm: a word plainASCII passes is its own norm,
// as squeeze(joiners.Replace(w)) would make it.
func TestPlainASCIIKeepsTheNorm(t *testing.T) {
	words := []string{"", "hi", "hiii", "thanksss", "aab", "aaa", "that's", "hi-fi", "ok", "café", "zzz", "a1", "111"}
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "abz19'-é"
	for range 5000 {
		b := make([]byte, 0, 8)
		for range r.IntN(8) {
			b = append(b, alphabet[r.IntN(len(alphabet))])
		}
		words = append(words, string(b))
	}
	for _, w := range words {
		if plainASCII(w) && squeeze(joiners.Replace(w)) != w {
			t.Fatalf("plainASCII(%q) but its norm is %q", w, squeeze(joiners.Replace(w)))
		}
	}
}
