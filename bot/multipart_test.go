package bot_test

import (
	"slices"
	"strings"
	"testing"
)

// Two questions in one message get one reply that answers each, under its
// own question, with the shared tip (shipping/times, pointed to by both
// entries) given once.
func TestTwoQuestionsInOneMessageAreBothAnswered(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct {
		chat, text string
		want       []string // in order: first question and answer text of each entry
		tip        string
	}{
		{"en", "how much is shipping to Canada and do I pay customs?",
			[]string{"How much is shipping?", "free over $150", "Will I have to pay customs duties?", "import duties"},
			"Orders placed before 2 pm ET"},
		{"zh", "寄到德国运费多少 要交关税吗",
			[]string{"运费多少钱？", "满50美元包邮", "要交关税吗？", "进口关税"},
			"下午2点前下单"},
		{"ko", "독일로 보내면 배송비 얼마고 관세도 내야해요?",
			[]string{"배송비 얼마예요?", "50달러 이상 주문 시 무료", "관세 내야 하나요?", "수입 관세"},
			"오후 2시 전에 주문하시면"},
	} {
		reply := f.say(t, c.chat, c.text)
		at := 0
		for _, w := range c.want {
			i := strings.Index(reply[at:], w)
			if i < 0 {
				t.Fatalf("%s: reply lacks %q after position %d:\n%s", c.chat, w, at, reply)
			}
			at += i + len(w)
		}
		if n := strings.Count(reply, c.tip); n != 1 {
			t.Errorf("%s: shared tip given %d times, want once:\n%s", c.chat, n, reply)
		}
		s := f.session(t, c.chat)
		last := lastBot(s)
		if last.Kind != "answer" || last.Entry != "shipping/costs" || !slices.Contains(last.Tips, "shipping/customs") {
			t.Errorf("%s: bot turn = %+v, want an answer from shipping/costs that counts shipping/customs as said", c.chat, last)
		}
		if s.Lang != c.chat {
			t.Errorf("%s: session language %q", c.chat, s.Lang)
		}
	}
}

// A short follow-up is read with the previous question: "and to Korea?"
// after a shipping cost question is a shipping cost question.
func TestShortFollowUpIsReadWithThePreviousQuestion(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct {
		chat, first, follow, entry, want string
	}{
		{"en-korea", "how much is shipping to Canada", "and to Korea?", "shipping/costs", "free over $150"},
		{"en-paypal", "can i pay with a credit card", "what about PayPal?", "payment/methods", "PayPal"},
		{"zh-alipay", "可以用信用卡付款吗", "那支付宝呢？", "payment/methods", "支付宝"},
		{"ko-korea", "독일로 배송비 얼마에요", "한국은요?", "shipping/costs", "150달러 이상 무료"},
	} {
		f.say(t, c.chat, c.first)
		if got := lastBot(f.session(t, c.chat)); got.Kind != "answer" || got.Entry != c.entry {
			t.Fatalf("%s: first question %q answered %+v, want %s", c.chat, c.first, got, c.entry)
		}
		if f.session(t, c.chat).Topic == "" {
			t.Fatalf("%s: the session keeps no topic after an answer", c.chat)
		}
		reply := f.say(t, c.chat, c.follow)
		got := lastBot(f.session(t, c.chat))
		if got.Kind != "answer" || got.Entry != c.entry || !strings.Contains(reply, c.want) {
			t.Errorf("%s: follow-up %q got %s from %q:\n%s", c.chat, c.follow, got.Kind, got.Entry, reply)
		}
	}
}

// A follow-up needs something to follow: on its own, or after the bot
// asked to rephrase, "and to Korea?" is not answered with a guess.
func TestFollowUpWithoutAnAnswerBeforeIsNotGuessed(t *testing.T) {
	f := newFixture(t, false)
	f.say(t, "alone", "and to Korea?")
	if got := lastBot(f.session(t, "alone")); got.Kind != "rephrase" {
		t.Errorf("a follow-up as the first message: bot turn %+v, want a rephrase request", got)
	}

	f.say(t, "after-miss", "how much is shipping to Canada")
	f.say(t, "after-miss", "qwxz blorp zzk")
	if got := lastBot(f.session(t, "after-miss")); got.Kind != "rephrase" {
		t.Fatalf("nonsense was answered: %+v", got)
	}
	f.say(t, "after-miss", "and to Korea?")
	// Two misses in a row may also offer a person; either way, no answer.
	if got := lastBot(f.session(t, "after-miss")); got.Kind == "answer" {
		t.Errorf("a follow-up after a rephrase request was answered: %+v", got)
	}
}

// A new, clear question after an answer is answered for itself, not as a
// follow-up to the last one.
func TestClearQuestionAfterAnAnswerIsNotAFollowUp(t *testing.T) {
	f := newFixture(t, false)
	f.say(t, "new", "how much is shipping to Canada")
	f.say(t, "new", "and how do I reset my password?")
	if got := lastBot(f.session(t, "new")); got.Entry != "account/password-reset" {
		t.Errorf("bot turn %+v, want the password entry", got)
	}
}

// A short question that leaves its subject to the last answer ("how long
// is it valid for?" after a gift card answer) continues that answer's
// topic in every language; the same words as a first message are not
// answered, and a clear new question after the answer is answered for
// itself.
func TestReferringFollowUpContinuesTheLastAnswer(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct {
		chat, first, follow string
	}{
		{"en-valid", "do you sell gift cards?", "how long is it valid for?"},
		{"zh-valid", "有礼品卡卖吗", "它能用多久"},
		{"ko-valid", "기프트 카드 파나요?", "그거 언제까지 써요?"},
	} {
		f.say(t, c.chat+"-alone", c.follow)
		if got := lastBot(f.session(t, c.chat+"-alone")); got.Kind == "answer" {
			t.Fatalf("%s: %q as a first message was answered from %s: the test does not show the topic carried over", c.chat, c.follow, got.Entry)
		}
		f.say(t, c.chat, c.first)
		if got := lastBot(f.session(t, c.chat)); got.Kind != "answer" || got.Entry != "payment/gift-cards" {
			t.Fatalf("%s: first question %q answered %+v, want payment/gift-cards", c.chat, c.first, got)
		}
		f.say(t, c.chat, c.follow)
		if got := lastBot(f.session(t, c.chat)); got.Kind != "answer" || got.Entry != "payment/gift-cards" {
			t.Errorf("%s: follow-up %q got %s from %q, want an answer from payment/gift-cards", c.chat, c.follow, got.Kind, got.Entry)
		}
	}
	for _, c := range []struct {
		chat, next, want string
	}{
		{"en-new", "where's my order?", "orders/tracking"},
		{"zh-new", "我要退货", "returns/start"},
		{"ko-new", "비밀번호를 잊어버렸어요", "account/password-reset"},
	} {
		f.say(t, c.chat, "do you sell gift cards?")
		f.say(t, c.chat, c.next)
		if got := lastBot(f.session(t, c.chat)); got.Entry != c.want {
			t.Errorf("%s: new question %q after a gift card answer got %s from %q, want %s", c.chat, c.next, got.Kind, got.Entry, c.want)
		}
	}
}

// A short off-topic question with "it" right after an answer shares no
// words with that answer's entry: it is not read as a follow-up.
func TestReferringOffTopicIsNotAFollowUp(t *testing.T) {
	f := newFixture(t, false)
	f.say(t, "rain", "do you sell gift cards?")
	f.say(t, "rain", "who won it last night?")
	if got := lastBot(f.session(t, "rain")); got.Kind == "answer" {
		t.Errorf("an off-topic question after a gift card answer was answered from %s", got.Entry)
	}
}

// A second request after a connective ("然后我想退货", "还有那个耳机我要
// 退货") is a question of its own: each part is answered, under its own
// entry's question, in the order asked.
func TestRequestAfterAConnectiveIsAnsweredToo(t *testing.T) {
	f := newFixture(t, false)
	kb := contents(t).Current().KB
	for _, c := range []struct {
		chat, text string
		want       []string // entries, in the order asked
	}{
		{"then-want", "运费多少，然后我想退货", []string{"shipping/costs", "returns/start"}},
		{"also-that", "运费多少，还有那个耳机我要退货", []string{"shipping/costs", "returns/start"}},
		{"besides-colour", "运费多少，另外那个我想换个颜色", []string{"shipping/costs", "returns/exchange"}},
	} {
		reply := f.say(t, c.chat, c.text)
		if got := lastBot(f.session(t, c.chat)); got.Kind != "answer" || got.Entry != c.want[0] {
			t.Fatalf("%s: %q got %s from %q, want an answer from %s first:\n%s", c.chat, c.text, got.Kind, got.Entry, c.want[0], reply)
		}
		at := 0
		for _, id := range c.want {
			e, ok := kb.Entry(id, "zh")
			if !ok {
				t.Fatalf("no zh entry %s", id)
			}
			i := strings.Index(reply[at:], e.Questions[0])
			if i < 0 {
				t.Fatalf("%s: reply lacks %s's question %q after position %d:\n%s", c.chat, id, e.Questions[0], at, reply)
			}
			at += i + len(e.Questions[0])
		}
	}
}

// A referring question whose own words point elsewhere ("valid" after a
// shipping times answer), or a bare question word the last answer does not
// lead to ("when?" after payment methods), is not read with the last
// question: that would only repeat the last answer. A measure asked of an
// answer that gives one ("how long?" after refunds) still continues it.
func TestReferringFollowUpDoesNotRepeatAnUnrelatedAnswer(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct {
		chat, first, firstEntry, follow string
	}{
		{"valid-after-shipping", "how long does shipping take?", "shipping/times", "how long is it valid for?"},
		{"when-after-payment", "what payment methods do you accept?", "payment/methods", "when?"},
	} {
		f.say(t, c.chat, c.first)
		if got := lastBot(f.session(t, c.chat)); got.Kind != "answer" || got.Entry != c.firstEntry {
			t.Fatalf("%s: first question %q answered %+v, want %s", c.chat, c.first, got, c.firstEntry)
		}
		f.say(t, c.chat, c.follow)
		if got := lastBot(f.session(t, c.chat)); got.Kind == "answer" {
			t.Errorf("%s: %q after %q was answered from %s, want a request to clarify", c.chat, c.follow, c.first, got.Entry)
		}
	}
	f.say(t, "refund-how-long", "how do refunds work?")
	if got := lastBot(f.session(t, "refund-how-long")); got.Kind != "answer" || got.Entry != "returns/refunds" {
		t.Fatalf("first question answered %+v, want returns/refunds", got)
	}
	f.say(t, "refund-how-long", "how long?")
	if got := lastBot(f.session(t, "refund-how-long")); got.Kind != "answer" || got.Entry != "returns/refunds" {
		t.Errorf(`"how long?" after a refunds answer got %s from %q, want returns/refunds`, got.Kind, got.Entry)
	}
}
