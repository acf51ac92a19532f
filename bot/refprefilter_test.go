package bot

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/session"
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
// orderRefIn (the "order" check too), trackingRef and cardRun answer
// exactly as the patterns alone do.
func TestRefPrefiltersNeverMissAMatch(t *testing.T) {
	checks := []struct {
		name    string
		pattern *regexp.Regexp
		may     func(string) bool
	}{
		{"order (orderRef, orderRefIn)", orderRefPattern, mayHoldOrderRef},
		{"tracking", trackingRefPattern, mayHoldTrackingRef},
		{"card", cardRunPattern, mayHoldCardRun},
		{"short tracking", shortTrackingPattern, mayHoldOrderRef},
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

// ratingPieces are what ratings and the messages around them are made of:
// every lead, number and unit the pattern knows, and words that start like
// them.
var ratingPieces = []string{
	"i'd give", "i’d give", "id give", "i would give", "i'll give", "i will give", "i give", "give", "rating", "rating:", "my rating is", "i rate", "rated",
	"给你", "给你们", "给个", "给", "打", "별점", "별", " it", " you", " this", " u", " you guys", " the chat", " ", "a ", "an ", "a solid ", "solid ",
	"10", "1", "2", "3", "4", "5", "6", "7", "8", "9", "one", "two", "three", "four", "five", "ten", "一", "二", "两", "三", "四", "五", "十", "하나", "다섯", "둘", "셋", "넷", "한", "두", "세",
	"/", "out of", "of", "stars", "star", "points", "星好评", "分", "星", "점", "개", "이요", "입니다", "드릴게요", "吧", "!",
	"where", "I", "G", "my", "thanks", "?", "x", "네", "요", "ok",
}

// TestRatingStartsHoldEveryMatch holds ratingStarts to ratingForm: every
// text the pattern matches starts with one of them, so ratingAt reads
// exactly what the pattern alone would.
func TestRatingStartsHoldEveryMatch(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 2026))
	matched, skipped := 0, 0
	for range 50000 {
		var b strings.Builder
		for range 1 + r.IntN(5) {
			b.WriteString(ratingPieces[r.IntN(len(ratingPieces))])
		}
		s := b.String()
		hit, may := ratingForm.MatchString(s), mayBeRating(s)
		if hit && !may {
			t.Fatalf("ratingForm matches %q, but mayBeRating would skip it", s)
		}
		if hit {
			matched++
		}
		if !may {
			skipped++
		}
	}
	if matched < 1000 || skipped < 1000 {
		t.Fatalf("%d texts matched, %d skipped: the generator no longer exercises the check", matched, skipped)
	}
	t.Logf("%d of 50000 texts matched, %d skipped by the check", matched, skipped)
}

// TestOrderGivenBeforeSkipsMessagesWithoutDigits: the order number an
// earlier message gave is found past later messages with no four digits
// in a row (which orderGivenBefore no longer reads through orderRef and
// orderRefIn), and none is found in a conversation without one.
func TestOrderGivenBeforeSkipsMessagesWithoutDigits(t *testing.T) {
	text := func(role, s string) session.Turn {
		return session.Turn{Role: role, Kind: string(KindText), Text: s}
	}
	given := []session.Turn{
		text("customer", "my order KS-204817 hasnt arrived"),
		text("bot", "Sorry to hear that. Order 1234 ships in 2 days."),
		text("customer", "where is my order?"),
		text("customer", "it was 123 days ago"),
		text("customer", "this message"),
	}
	tr := &turn{s: &session.Session{Turns: given}}
	if got := tr.orderGivenBefore(); got != "KS-204817" {
		t.Errorf("orderGivenBefore() = %q, want KS-204817", got)
	}
	tr = &turn{s: &session.Session{Turns: given[1:]}}
	if got := tr.orderGivenBefore(); got != "" {
		t.Errorf("orderGivenBefore() without an order number from the customer = %q, want none", got)
	}
	for _, s := range []string{"order #20481", "주문번호 20481 이요", "my order is 20481"} {
		tr = &turn{s: &session.Session{Turns: []session.Turn{text("customer", s), text("customer", "this message")}}}
		want, ok := orderRef(s)
		if !ok {
			want, _ = orderRefIn(s)
		}
		if got := tr.orderGivenBefore(); got != want || got == "" {
			t.Errorf("orderGivenBefore() after %q = %q, orderRef/orderRefIn say %q", s, got, want)
		}
	}
}
