package handoff

import (
	"os"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/session"
)

// TestBankingEvenDev counts false handoffs on banking77's test.jsonl EVEN
// lines only (2nd, 4th, ... 1-based: dev data; the odd lines are held out
// and are not run here), as first messages and after an answer. Counts
// only; BATON_DEV_LIST=1 adds each false handoff's evidence (the rule or
// closest example that fired, not the message), to find an example that
// causes it.
//
//	BATON_MEASURE=1 go test ./bot/handoff -run TestBankingEvenDev -v
func TestBankingEvenDev(t *testing.T) {
	measuring(t)
	bankingEven(t, loadShipped(t), os.Getenv("BATON_DEV_LIST") == "1")
}

// bankingEven logs how many of banking77's test.jsonl even lines r hands
// off, and with list each one's evidence.
func bankingEven(t *testing.T, r *Rules, list bool) {
	after := []session.Turn{{Role: "customer", Text: "(an earlier question)"}, {Role: "bot", Text: "(an answer)", Kind: "answer"}}
	var n, first, next int
	for i, q := range loadBanking(t, sharedDir(t)) {
		if (i+1)%2 != 0 {
			continue // odd line: held out
		}
		n++
		if d := r.Detect(Input{Text: q.text, Lang: "en"}); d.Handoff {
			first++
			if list {
				t.Logf("    first: %s", strings.Join(d.Evidence, " | "))
			}
		}
		if d := r.Detect(Input{Text: q.text, Lang: "en", History: after}); d.Handoff {
			next++
			if list {
				t.Logf("    after: %s", strings.Join(d.Evidence, " | "))
			}
		}
	}
	t.Logf("banking77 test.jsonl even lines: first message %d of %d hand off (%.2f%%), after an answer %d of %d (%.2f%%)",
		first, n, 100*ratio(first, n), next, n, 100*ratio(next, n))
}
