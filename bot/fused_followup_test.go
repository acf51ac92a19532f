package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/text"
)

// Issue 9: with embeddings on, a short follow-up is read with the question
// it continues as the lexical matcher alone reads it. Fused scores are
// softmax shares that saturate near 1 for a short message ("and Korea?"),
// so read against the follow-up thresholds, which are lexical scores, they
// made its own words look sure of another entry and the follow-up was
// never read with its topic (baton eval with the real model, 2026-12-06).
func TestFusedMatchingReadsFollowUpsAsTheLexicalOneDoes(t *testing.T) {
	_, h := embeddingsContents(t)
	f := embeddingsFixture(t, h)
	for i, c := range []struct{ lang, first, then, entry string }{
		{"en", "how much is shipping to Canada", "and to Korea?", "shipping/costs"},
		{"en", "how much is shipping to Canada", "and Korea?", "shipping/costs"},
		{"en", "I want to cancel my order", "and returns?", "returns/start"},
		{"ko", "주문 취소하고 싶어요", "그럼 반품은요?", "returns/start"},
		{"ko", "배송비 얼마예요", "한국으로요", "shipping/costs"},
		{"zh", "可以用信用卡付款吗", "那支付宝呢？", "payment/methods"},
	} {
		chat := fmt.Sprint("follow", i)
		f.convo(t, chat, c.lang, c.first)
		if reply, kind, entry := f.convo(t, chat, c.lang, c.then); kind != "answer" || entry != c.entry {
			t.Errorf("%s %q after %q: turn %s %s, reply %q; want %s answered", c.lang, c.then, c.first, kind, entry, reply, c.entry)
		}
	}
}

// sharesMatcher ranks as its lexical stage does but scores like fusion: a
// softmax share that saturates near 1 for the first, whatever its words
// share with it.
type sharesMatcher struct{ lex *knowledge.Calibrated }

func (m sharesMatcher) Lexical() *knowledge.Calibrated { return m.lex }

func (m sharesMatcher) Match(ctx context.Context, q string, n int) []knowledge.Match {
	out := m.lex.Match(ctx, q, n)
	for i := range out {
		out[i].Score = 0.001
	}
	if len(out) > 0 {
		out[0].Score = 0.99
	}
	return out
}

// A soft refusal offers the policies closest to what was asked by the
// message's words, on the lexical scale its cut was set on: with a fused
// matcher's saturated scores (the real model gave returns/refunds 0.98,
// returns/start 0.008), a refund without the item back got the price
// match offered before the returns entry, and a refusal speaking of it.
func TestRefusalOffersFollowTheWordsWhateverTheMatchersScale(t *testing.T) {
	h, problems, err := content.NewHolder(content.Dir("../prompts"), content.Dir("../knowledge"), nil,
		content.WithMatcher(func(ctx context.Context, b *knowledge.Base, lex *text.Lexicon, cfg knowledge.CalibrationConfig) knowledge.Matcher {
			return sharesMatcher{knowledge.NewLexicalMatcher(ctx, b, lex, cfg)}
		}))
	if err != nil {
		t.Fatalf("load contents: %v (%v)", err, problems)
	}
	f := embeddingsFixture(t, h)
	reply, kind, _ := f.convo(t, "refuse", "en", "I want a refund but I will not send the item back")
	if kind != "refusal" || !strings.Contains(reply, "Return labels are free") || strings.Contains(reply, "discount") {
		t.Errorf("turn %s, reply %q; want a refusal offering the returns entry first", kind, reply)
	}
}
