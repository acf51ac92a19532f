package bot

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// refPieces are what order, tracking and card numbers and the words around
// them are made of, and the characters the patterns' edges turn on (a
// letter that folds to an ASCII one, a full-width digit, a "+"), so random
// joins of them hit every pattern's matches and near misses.
var refPieces = []string{
	"1", "2", "4", "9", "0", "12", "123", "1234", "12345", "1234567", "12345678", "4111", "4111 1111 1111 1111", "4111-1111-1111-111",
	"1z", "1Z", "z", "Z", "ks", "KS", "ks-", "sf", "RR", "cn", "a", "abcd", "abcde", "#", "-", " ", "  ", "+", "(", ")", ".", ",",
	"ſ", "\u212a", "é", "４", "订单号", "运单号", "주문번호", "order ", "tracking ", "my card is ", "?",
}

func randomRefText(r *rand.Rand) string {
	var b strings.Builder
	for range 1 + r.IntN(9) {
		b.WriteString(refPieces[r.IntN(len(refPieces))])
	}
	return b.String()
}

// TestRefPrefiltersNeverMissAMatch holds the cheap checks that spare most
// messages the order, tracking and card patterns to those patterns:
// wherever a pattern matches, its check lets it run. So orderRef,
// trackingRef and cardRun answer exactly as the patterns alone do.
func TestRefPrefiltersNeverMissAMatch(t *testing.T) {
	checks := []struct {
		name    string
		pattern *regexp.Regexp
		may     func(string) bool
	}{
		{"order", orderRefPattern, mayHoldOrderRef},
		{"tracking", trackingRefPattern, mayHoldTrackingRef},
		{"card", cardRunPattern, mayHoldCardRun},
	}
	texts := []string{"", "where is my order?", "KS-55123", "ks55123", "#123456", "1Z999AA10123456784", "1z999aa1012345678",
		"9400111899223", "SF1234567890", "+8613812345678", "4111 1111 1111 1111", "4111-1111-1111-1111", "tracking 12345678"}
	r := rand.New(rand.NewPCG(11, 2026))
	for range 50000 {
		texts = append(texts, randomRefText(r))
	}
	for _, c := range checks {
		matched, skipped := 0, 0
		for _, s := range texts {
			hit := c.pattern.MatchString(s)
			may := c.may(s)
			if hit && !may {
				t.Fatalf("%s: the pattern matches %q, but the check would skip it", c.name, s)
			}
			if hit {
				matched++
			}
			if !may {
				skipped++
			}
		}
		// Not vacuous: the texts hold matches, and texts the check skips.
		if matched < 1000 || skipped < 1000 {
			t.Fatalf("%s: %d texts matched, %d skipped: the generator no longer exercises the check", c.name, matched, skipped)
		}
		t.Logf("%s: %d of %d texts matched, %d skipped by the check", c.name, matched, len(texts), skipped)
	}
}
