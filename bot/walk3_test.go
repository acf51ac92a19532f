package bot_test

import (
	"fmt"
	"strings"
	"testing"
)

// A short follow-up naming one thing the answer's list has ("and apple
// pay?", "那支付宝呢？", "카카오페이도 돼요?") is a new question answered
// yes, with that part: never "as I mentioned" and what to do if their
// case is different, as if the customer were stuck. One the answer says
// we do not take ("微信呢") is a kind no, with what we do take (walk3
// 2026-12-07).
func TestFollowUpNamingAListedThingIsAnsweredYesNotAsSaidBefore(t *testing.T) {
	f := newFixture(t, false)
	said := []string{"As I mentioned", "the part of my answer above", "what's different", "我刚才提到过", "最相关的是", "哪里不同", "앞에서 말씀드린", "가장 관련 있는 부분", "어떤 점이 다른지"}
	for i, c := range []struct {
		lang, ask, follow string
		says              []string
	}{
		{"en", "can i pay with paypal?", "and apple pay?", []string{"Yes, Apple Pay too", "PayPal, Apple Pay and Google Pay"}},
		{"en", "how long does shipping take", "and to Korea?", []string{"Yes, to Korea too", "International standard: 7-14 business days"}},
		{"en", "what payment methods do you take", "and cards?", []string{"Yes, cards too", "Visa, Mastercard"}},
		{"en", "what payment methods do you take", "and wechat pay?", []string{"I'm afraid not", "We don't offer WeChat Pay", "PayPal, Apple Pay and Google Pay"}},
		{"zh", "可以用信用卡付款吗", "那支付宝呢？", []string{"支付宝也可以", "支付宝、KakaoPay"}},
		{"zh", "可以用信用卡付款吗", "微信呢", []string{"抱歉，这个目前不行", "目前不支持微信支付", "PayPal、Apple Pay"}},
		{"ko", "결제 수단 뭐 있어요", "카카오페이도 돼요?", []string{"네, 카카오페이도 돼요", "카카오페이"}},
		{"ko", "결제 수단 뭐 있어요", "카드는요?", []string{"네, 카드도 돼요", "Visa, Mastercard"}},
	} {
		chat := fmt.Sprintf("walk3-named%d", i)
		if _, kind, entry := f.convo(t, chat, c.lang, c.ask); kind != "answer" {
			t.Fatalf("%s %q: turn %s %s, want an answer to follow", c.lang, c.ask, kind, entry)
		}
		reply, kind, _ := f.convo(t, chat, c.lang, c.follow)
		if kind != "answer" {
			t.Errorf("%s %q after %q: turn %s, want an answer:\n%s", c.lang, c.follow, c.ask, kind, reply)
			continue
		}
		for _, s := range c.says {
			if !strings.Contains(reply, s) {
				t.Errorf("%s %q after %q lacks %q:\n%s", c.lang, c.follow, c.ask, s, reply)
			}
		}
		for _, s := range said {
			if strings.Contains(reply, s) {
				t.Errorf("%s %q after %q is told as said before (%q):\n%s", c.lang, c.follow, c.ask, s, reply)
			}
		}
	}
}

// A follow-up naming a thing no earlier question had, which a part of the
// answer that is no list speaks of ("and on weekends?" after opening
// hours), is answered as news: not "as I mentioned" with what to do if it
// does not fit. Asking again about a thing already asked ("what if the
// item was opened already?" after asking about opened items) is still
// told as said before (walk 2026-12-06d).
func TestFollowUpNamingANewThingIsNotToldAsSaidBefore(t *testing.T) {
	f := newFixture(t, false)
	reply, kind, _ := f.convo(t, "walk3-weekend", "en", "what are your opening hours", "and on weekends?")
	if kind != "answer" || !strings.Contains(reply, "closed on weekends") || saysAny(reply, []string{"As I mentioned", "what's different"}) {
		t.Errorf("\"and on weekends?\" after opening hours: turn %s, reply:\n%s\nwant the weekend part as an answer", kind, reply)
	}
	reply, _, _ = f.convo(t, "walk3-opened", "en", "can I return something I've already opened?", "what if the item was opened already?")
	if !strings.Contains(reply, "As I mentioned") {
		t.Errorf("an opened item asked about again, reply:\n%s\nwant it told as said before", reply)
	}
}

// A yes rests on the thing's own words in the answer, not on a word that
// shares its stem: a week is not a weekend ("and for a week?" after hire
// prices that give a weekend's), so no "Yes, for a week too".
func TestFollowUpYesNeedsTheThingsOwnWords(t *testing.T) {
	f := newFixture(t, false)
	reply, _, _ := f.convo(t, "walk3-week", "en", "can i pay with paypal?", "and for a weekly plan?")
	if strings.Contains(reply, "Yes,") {
		t.Errorf("a yes to a thing the answer does not name:\n%s", reply)
	}
}

// A complaint made only of feelings ("this is ridiculous") shares nothing
// but "this is" with an entry's question ("This is not my order."): it is
// no statement of a problem, so the handoff tells no entry's answer with
// it, never "Sorry about the mix-up… we'll ship the right item" to a
// customer who said nothing of a wrong item (walk3 2026-12-07).
func TestComplaintOfFeelingsAloneTellsNoEntry(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text, not string }{
		{"en", "this is ridiculous", "ship the right item"},
		{"en", "this is unbelievable, honestly", "ship the right item"},
		{"en", "this is not ok", "ship the right item"},
		{"en", "this is just not acceptable", "ship the right item"},
	} {
		reply, kind, entry := f.convo(t, fmt.Sprintf("walk3-feel%d", i), c.lang, c.text)
		if strings.Contains(reply, c.not) || entry != "" {
			t.Errorf("%s %q: turn %s told entry %q:\n%s", c.lang, c.text, kind, entry, reply)
		}
	}
	// A complaint that states its problem still gets that entry's answer
	// with the person (QA walk 2026-12-06, item 12).
	reply, _, entry := f.convo(t, "walk3-feel-real", "en", "I was charged twice for the same order, this is ridiculous")
	if entry != "payment/charged-twice" {
		t.Errorf("a complaint stating its problem told entry %q, want payment/charged-twice:\n%s", entry, reply)
	}
}

// Small talk in the words customers use: a statement that we are a bot
// ("you're a robot", "아 로봇이네요") is answered honestly like the
// question, and a compliment on speed or a Korean "잘했어요 최고!" gets
// thanks, never "I didn't quite catch that" with a topic list (walk3
// 2026-12-07).
func TestSmallTalkStatementsAndComplimentsAreSmallTalk(t *testing.T) {
	f := newFixture(t, false)
	misses := sayingsOf(t, []string{"en", "ko"}, "rephrase_topics", "rephrase")
	for i, c := range []struct {
		lang, text string
		says       []string
	}{
		{"en", "so you're a robot", []string{"virtual assistant, not a person"}},
		{"en", "you're a bot", []string{"virtual assistant, not a person"}},
		{"en", "lol ur fast", []string{"hank you"}},
		{"en", "lol ur fast. tell me a joke", sayings(t, "en", "chat_joke")},
		{"ko", "아 로봇이네요", []string{"사람은 아니에요"}},
		{"ko", "잘했어요 최고!", []string{"감사해요"}},
	} {
		reply, kind, _ := f.convo(t, fmt.Sprintf("walk3-chat%d", i), c.lang, c.text)
		if !saysAny(reply, c.says) || kind == "nodesk" || kind == "handoff" {
			t.Errorf("%s %q: turn %s, reply:\n%s\nwant one of %q", c.lang, c.text, kind, reply, c.says)
		}
		if saysAny(reply, misses) {
			t.Errorf("%s %q read as a miss:\n%s", c.lang, c.text, reply)
		}
	}
}

// An order number alone as the first message from a Korean or Chinese
// phone is answered in that language, not in English (walk3 2026-12-07).
func TestOrderNumberAloneFirstIsAnsweredInThePhonesLanguage(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, script string }{{"ko", "요"}, {"zh", "您"}} {
		reply, kind, _ := f.convo(t, fmt.Sprintf("walk3-ref%d", i), c.lang, "KS-204817")
		if !strings.Contains(reply, c.script) || strings.Contains(reply, "Happy to help") || strings.Contains(reply, "Thank you!") {
			t.Errorf("%s phone, KS-204817 first: turn %s, reply:\n%s\nwant it in %s", c.lang, kind, reply, c.lang)
		}
	}
}

// A Korean greeting that names the time of day in few words ("안녕하세요
// 저녁이에요") is mirrored: never "thanks for coming this morning" by
// the shop's clock, nor the rest read as a question about opening hours
// (walk3 2026-12-07).
func TestKoreanGreetingNamingTheEveningIsMirrored(t *testing.T) {
	f := newFixture(t, false) // the fixture's clock is a Monday morning
	reply, kind, _ := f.convo(t, "walk3-evening", "ko", "안녕하세요 저녁이에요")
	if kind != "greeting" || !strings.Contains(reply, "저녁에") || strings.Contains(reply, "아침에") {
		t.Errorf("안녕하세요 저녁이에요: turn %s, reply:\n%s\nwant the evening greeted back", kind, reply)
	}
}

// "where" typed in a hurry ("wher is my order", "whers my package") is
// "where", and filler before a question ("ok so", "haha ok") is not read
// as part of it ("ok" pulled toward "Is Mastercard OK?"): the tracking
// answer, not a topic list (walk3 2026-12-07).
func TestWhereTypedInAHurryIsAnswered(t *testing.T) {
	f := newFixture(t, false)
	for i, text := range []string{"wher is my order", "whers my package", "haha nice. ok so wher is my order", "ok so where is my order", "ok where is my order", "haha ok where is my order"} {
		if reply, kind, entry := f.convo(t, fmt.Sprintf("walk3-wher%d", i), "en", text); kind != "answer" || entry != "orders/tracking" {
			t.Errorf("%q: turn %s %s, want the tracking answer:\n%s", text, kind, entry, reply)
		}
	}
}

// "do u take venmo" asks whether we take a thing, as "do you take venmo"
// does: not on our list, said plainly with what is. And "k what about
// cash" after the ways to pay is the kind no, not a miss (walk3
// 2026-12-07).
func TestSlangAskingWhetherWeTakeAThing(t *testing.T) {
	f := newFixture(t, false)
	for i, text := range []string{"do u take venmo", "u take venmo?"} {
		if reply, kind, _ := f.convo(t, fmt.Sprintf("walk3-venmo%d", i), "en", text); kind != "answer" || !strings.Contains(reply, "isn't on our list") {
			t.Errorf("%q: turn %s, reply:\n%s\nwant venmo said not to be on our list", text, kind, reply)
		}
	}
	// Without a question verb, "you take …" is as often a statement about
	// us ("you take forever"): only a question names a thing we might
	// take, never "“forever” isn't on our list" with the ways to pay
	// (review A W1).
	for i, text := range []string{"you take forever", "you take ages", "u take so long", "you take too long to answer", "you take forever?", "u take ages?", "do you take forever to ship?"} {
		if reply, _, _ := f.convo(t, fmt.Sprintf("walk3-forever%d", i), "en", text); strings.Contains(reply, "isn't on our list") || strings.Contains(reply, "You can pay with") {
			t.Errorf("%q read as asking whether we take a thing:\n%s", text, reply)
		}
	}
	for i, first := range []string{"wat payment methods u got", "do u take venmo"} {
		reply, kind, _ := f.convo(t, fmt.Sprintf("walk3-cash%d", i), "en", first, "k what about cash")
		if kind != "answer" || !strings.Contains(reply, "I'm afraid not") || !strings.Contains(reply, "cash on delivery") {
			t.Errorf("\"k what about cash\" after %q: turn %s, reply:\n%s\nwant a kind no", first, kind, reply)
		}
	}
}

// "quick question" says a question is coming, and says nothing else: a
// greeting, or the question after it, never "I didn't quite catch that"
// with a topic list, in English, Chinese and Korean (walk3 2026-12-07).
func TestAQuestionAnnouncedIsNoMiss(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text, kind, entry string }{
		{"en", "Hi Mia! 👋 quick q", "greeting", ""},
		{"en", "quick question", "greeting", ""},
		{"en", "quick question: where is my order?", "answer", "orders/tracking"},
		{"zh", "我有个问题", "greeting", ""},
		{"zh", "你好，想问一下运费多少", "answer", "shipping/costs"},
		{"ko", "안녕하세요 질문 있어요", "greeting", ""},
	} {
		reply, kind, entry := f.convo(t, fmt.Sprintf("walk3-q%d", i), c.lang, c.text)
		if kind != c.kind || entry != c.entry {
			t.Errorf("%s %q: turn %s %s, want %s %s:\n%s", c.lang, c.text, kind, entry, c.kind, c.entry, reply)
		}
	}
}

// "when" alone after an answer that says how long ("refund??", then
// "when") asks when it will be done: the sentences with the durations,
// not a guess at shipping times; in Chinese and Korean too (walk3
// 2026-12-07). After an answer with no durations it is no such question.
func TestWhenAfterAnAnswerWithDurationsGetsThem(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, ask, when, says string }{
		{"en", "refund??", "when", "within 3 business days"},
		{"zh", "退款", "什么时候", "3个工作日内"},
		{"ko", "환불 언제 돼요?", "언제요?", "영업일 기준 3일 안에"},
	} {
		reply, kind, entry := f.convo(t, fmt.Sprintf("walk3-when%d", i), c.lang, c.ask, c.when)
		if kind != "answer" || entry != "returns/refunds" || !strings.Contains(reply, c.says) {
			t.Errorf("%s %q after %q: turn %s %s, reply:\n%s\nwant the refund's durations", c.lang, c.when, c.ask, kind, entry, reply)
		}
	}
	// "how long do i have" after the return policy leads to it only
	// hedged on its own: the 14 days, not the whole policy under "this
	// sounds like a question about".
	reply, kind, entry := f.convo(t, "walk3-have", "en", "can I return opened headphones", "how long do i have")
	if kind != "answer" || entry != "returns/policy" || !strings.Contains(reply, "within 14 days") || strings.Contains(reply, "sounds like") || strings.Contains(reply, "Return labels are free") {
		t.Errorf("\"how long do i have\" after the return policy: turn %s %s, reply:\n%s\nwant the 14 days alone", kind, entry, reply)
	}
}

// Praise before a complaint is the complaint's sarcasm ("ur fast at
// charging me twice", "최고네요 택배가 박살나서 왔어요"): never "Thank
// you, that really made my day!", and praise inside a thanks ("wow that
// was quick, thanks") is a thanks, not a miss. Praise alone, before more
// small talk or before a plain question is still thanked (review A W3).
func TestPraiseBeforeAComplaintIsNotThanked(t *testing.T) {
	f := newFixture(t, false)
	thanked := []string{"made my day", "kind of you", "힘이 나요", "말씀해 주셔서", "夸奖"}
	for i, c := range []struct{ lang, text string }{
		{"en", "you're fast to take my money but slow to refund"},
		{"en", "ur fast at charging me twice"},
		{"en", "that was fast... too bad it's the wrong item"},
		{"en", "you're quick to reply but you never solve anything"},
		{"en", "you are great, my parcel arrived broken"},
		{"ko", "최고네요 택배가 박살나서 왔어요"},
	} {
		if reply, kind, _ := f.convo(t, fmt.Sprintf("walk3-sarcasm%d", i), c.lang, c.text); saysAny(reply, thanked) {
			t.Errorf("%s %q: turn %s thanks for the praise:\n%s", c.lang, c.text, kind, reply)
		}
	}
	for i, c := range []struct {
		lang, text string
		says       []string
	}{
		{"en", "wow that was quick, thanks", sayingsOf(t, []string{"en"}, "thanks", "thanks_early")},
		{"en", "that was quick, thanks", thanked},
		{"en", "you rock, where is my order?", thanked},
		{"ko", "잘했어요 최고!", thanked},
	} {
		reply, kind, _ := f.convo(t, fmt.Sprintf("walk3-praise%d", i), c.lang, c.text)
		if !saysAny(reply, c.says) || saysAny(reply, sayingsOf(t, []string{"en"}, "rephrase_topics", "rephrase")) {
			t.Errorf("%s %q: turn %s, reply:\n%s\nwant one of %q", c.lang, c.text, kind, reply, c.says)
		}
	}
}

// A thing named after the ways to pay that shares a word with a listed
// item but is not it is no yes and no "as I mentioned" with that item:
// "credit card installments" are the instalment plans the answer says we
// do not offer, "paypal credit" (PayPal's pay-later) is named half by one
// item and half by another and is not on the list. A thing said back is
// not capitalised because the item it is in starts with it ("Yes, credit
// too", not "Yes, Credit too") (review A W2).
func TestFollowUpSharingAWordWithAnItemIsNotThatItem(t *testing.T) {
	f := newFixture(t, false)
	said := []string{"As I mentioned", "what's different"}
	for i, c := range []struct {
		lang, ask, follow string
		says              []string
	}{
		{"en", "what payment methods do you take", "what about credit card installments?", []string{"I'm afraid not", "instalment plans"}},
		{"en", "can i pay with paypal?", "and paypal credit?", []string{"isn't on our list", "PayPal, Apple Pay and Google Pay"}},
		{"en", "what payment methods do you take", "and buy now pay later with klarna?", []string{"We don't offer", "Klarna"}},
		{"en", "what payment methods do you take", "and credit?", []string{"Yes, credit too", "Credit and debit cards"}},
		{"zh", "可以用信用卡付款吗", "信用卡分期呢", []string{"分期"}},
		{"en", "what payment methods do you take", "and bank transfer?", []string{"I'm afraid not", "bank transfers"}},
	} {
		chat := fmt.Sprintf("walk3-credit%d", i)
		f.convo(t, chat, c.lang, c.ask)
		reply, kind, _ := f.convo(t, chat, c.lang, c.follow)
		if kind != "answer" || saysAny(reply, said) {
			t.Errorf("%s %q after %q: turn %s, told as said before:\n%s", c.lang, c.follow, c.ask, kind, reply)
		}
		for _, s := range c.says {
			if !strings.Contains(reply, s) {
				t.Errorf("%s %q after %q lacks %q:\n%s", c.lang, c.follow, c.ask, s, reply)
			}
		}
	}
}

// The no is for a thing whose head the sentence of what we do not take
// has and the item found does not: "my bank's debit card" is a debit
// card, which the list has, whatever "bank transfers" shares with it
// (review A W9).
func TestFollowUpSharingAWordWithWhatWeDoNotTakeIsNoNo(t *testing.T) {
	f := newFixture(t, false)
	for i, follow := range []string{"and my bank's debit card?", "and bank card?", "what about a debit card from my bank?"} {
		chat := fmt.Sprintf("walk3-bank%d", i)
		f.convo(t, chat, "en", "what payment methods do you take")
		reply, kind, _ := f.convo(t, chat, "en", follow)
		if strings.Contains(reply, "I'm afraid not") || strings.Contains(reply, "isn't on our list") || !strings.Contains(reply, "Credit and debit cards") {
			t.Errorf("%q after the ways to pay: turn %s, reply:\n%s\nwant the cards, no no", follow, kind, reply)
		}
	}
}

// A step said alone as the sentence with a duration has no number: "3.
// We email you a prepaid label" without steps 1 and 2 reads broken
// (review A W8).
func TestWhenAfterStepsSaysTheStepWithoutItsNumber(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, ask, when string }{
		{"en", "how do i return an item", "when?"},
		{"zh", "怎么退货", "什么时候？"},
	} {
		reply, kind, _ := f.convo(t, fmt.Sprintf("walk3-step%d", i), c.lang, c.ask, c.when)
		for _, line := range strings.Split(reply, "\n") {
			if s := strings.TrimSpace(line); len(s) > 1 && s[0] >= '1' && s[0] <= '9' && (s[1] == '.' || s[1] == ')') {
				t.Errorf("%s %q after %q: turn %s says a numbered step alone:\n%s", c.lang, c.when, c.ask, kind, reply)
			}
		}
	}
}
