package bot_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/persona"
)

// Successive uses of one message in a conversation go through its
// wordings: a customer who says "ok" three times hears three different
// replies, not the same sentence three times (the wording's seed used to
// step by three an exchange, so a message with three wordings repeated
// itself).
func TestRepeatedMessageRotatesItsWordings(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct {
		lang, hello, ack string
	}{
		{"en", "hi", "ok"}, {"zh", "你好", "好的"}, {"ko", "안녕하세요", "네"},
	} {
		chat := "rot-" + c.lang
		f.turnIn(t, chat, c.lang, c.hello)
		seen := map[string]int{}
		for i := 1; i <= 3; i++ {
			reply := replyText(f.turnIn(t, chat, c.lang, c.ack))
			if n, ok := seen[reply]; ok {
				t.Errorf("%s: %q #%d got the same reply as #%d: %q", c.lang, c.ack, i, n, reply)
			}
			seen[reply] = i
		}
		if kind := lastBot(f.session(t, chat)).Kind; kind != "ack" {
			t.Fatalf("%s: %q answered as %s, want an acknowledgement", c.lang, c.ack, kind)
		}
	}
}

// saysOneOf reports whether reply carries one of the wordings of message
// key in lang (rendered for the fixture's customer, Jane): tests about
// what a reply is, not which of its wordings the seed picked.
func saysOneOf(t *testing.T, reply, lang, key string) bool {
	t.Helper()
	return saysOneOfWith(t, reply, lang, key, nil)
}

// saysOneOfWith is saysOneOf for a message that takes Extra values.
func saysOneOfWith(t *testing.T, reply, lang, key string, extra map[string]string) bool {
	t.Helper()
	p := contents(t).Current().Persona
	n := p.Variants(lang, key)
	if n == 0 {
		t.Fatalf("no %s message %q", lang, key)
	}
	for i := 0; i < n; i++ {
		if strings.Contains(reply, p.Say(lang, key, persona.Data{Customer: "Jane", Extra: extra, Seed: i})) {
			return true
		}
	}
	return false
}

// With no desk, the order number an answer asked for is never said to be
// passed on to a person (who is not there): the reply thanks for it and
// says how to reach the team with it, by the persona's contact, in every
// language.
func TestOrderNumberWithoutADeskSaysHowToReachTheTeam(t *testing.T) {
	f := newFixture(t, false)
	email, phone := contents(t).Current().Persona.Contact()
	for i, c := range []struct{ lang, ask, give string }{
		{"en", "How do I cancel my order?", "KS-55123"},
		{"zh", "怎么取消订单", "订单号 KS-55123"},
		{"ko", "주문 취소 어떻게 해요", "주문번호 KS-55123 이요"},
	} {
		chat := fmt.Sprintf("nd%d", i)
		f.convo(t, chat, c.lang, c.ask)
		reply, kind, _ := f.convo(t, chat, c.lang, c.give)
		if kind != "nodesk" || !strings.Contains(reply, "KS-55123") || !strings.Contains(reply, email) || !strings.Contains(reply, phone) {
			t.Errorf("%s %q: turn %s, reply %q; want the number and how to reach the team (%s, %s)", c.lang, c.give, kind, reply, email, phone)
		}
		if saysOneOfWith(t, reply, c.lang, "order_received", map[string]string{"order": "KS-55123"}) {
			t.Errorf("%s %q: reply %q says the number is passed on to a person, with no one to pass it to", c.lang, c.give, reply)
		}
	}
}

// A number called a tracking number but too short for one ("tracking
// 12345") is neither an order number nor a miss: the reply kindly asks for
// the whole tracking number (or the order number), in the conversation's
// language, and brings no one in. The full number next is answered as a
// tracking number; the order number next is passed on.
func TestShortTrackingNumberIsAskedForInFull(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct{ lang, ask, give string }{
		{"en", "How do I cancel my order?", "tracking 12345"},
		{"en", "where is my parcel?", "my tracking number is 12345"},
		{"en", "", "tracking #12345"},
		{"zh", "我的订单到哪了？", "运单号 12345"},
		{"ko", "주문 취소 어떻게 해요", "송장번호 12345 이요"},
	} {
		chat := fmt.Sprintf("ts%d", i)
		if c.ask != "" {
			f.convo(t, chat, c.lang, c.ask)
		}
		reply, kind, _ := f.convo(t, chat, c.lang, c.give)
		s := f.session(t, chat)
		if kind != "tracking_short" || s.Handoff != nil || s.Lang != c.lang || !strings.Contains(reply, "12345") || !strings.Contains(reply, "KS-204817") {
			t.Errorf("%s %q: turn %s (handoff %v, language %s), reply %q; want the whole tracking number asked for", c.lang, c.give, kind, s.Handoff != nil, s.Lang, reply)
			continue
		}
		next, want := "9400111899223", "tracking"
		if i%2 == 1 {
			next, want = "KS-204817", "handoff"
		}
		if reply, kind, _ := f.convo(t, chat, c.lang, next); kind != want {
			t.Errorf("%s %q after the short-number reply: turn %s, reply %q; want %s", c.lang, next, kind, reply, want)
		}
	}
	// Tracking an order by its number is an order number.
	f.convo(t, "tso", "en", "How do I cancel my order?")
	if reply, kind, _ := f.convo(t, "tso", "en", "track order 12345"); kind != "handoff" {
		t.Errorf("'track order 12345' after the cancel answer: turn %s, reply %q; want it passed on as the order number", kind, reply)
	}
}

// apologyRE finds an apology in a reply, in each language ("不好意思" is
// one too: "sorry, I didn't follow").
var apologyRE = regexp.MustCompile(`(?i)sorry|apolog|抱歉|对不起|对不住|不好意思|죄송|미안`)

// One sincere apology at most in any reply, however it is put together:
// a complaint whose answer apologises itself ("Sorry about the mix-up")
// is not apologised for twice, and the third miss does not say sorry in
// the rephrasing and again in the offer of a person, whichever wordings
// the conversation has come to.
func TestNoReplyApologisesTwice(t *testing.T) {
	complaint := map[string]string{
		"en": "you sent me the wrong item, this is unacceptable",
		"zh": "你们发错货了，太让人失望了",
		"ko": "다른 상품이 왔어요 정말 실망이에요",
	}
	miss := map[string][]string{
		"en": {"blorp the frobnicator", "zzzz qqq", "flarb the wug"},
		"zh": {"那个那个怎么弄呢", "乱七八糟", "啊这个那个"},
		"ko": {"그거 저거 어떻게 해요", "뭐더라 그거", "아무거나 그거"},
	}
	filler := map[string]string{"en": "ok", "zh": "好的", "ko": "네"}
	for _, desk := range []bool{false, true} {
		f := newFixture(t, desk)
		for _, l := range []string{"en", "zh", "ko"} {
			check := func(chat, said string, msgs []bot.Message) {
				t.Helper()
				if reply := replyText(msgs); len(apologyRE.FindAllString(reply, -1)) > 1 {
					t.Errorf("desk %v, %s %s %q: the reply apologises more than once: %q", desk, l, chat, said, reply)
				}
			}
			chat := fmt.Sprintf("c-%s-%v", l, desk)
			check(chat, complaint[l], f.turnIn(t, chat, l, complaint[l]))
			// Three misses and then three more, after 0 to 5 other
			// messages: every wording of the rephrasing meets every
			// wording of the offer of a person.
			for k := 0; k < 6; k++ {
				chat := fmt.Sprintf("m-%s-%v-%d", l, desk, k)
				for range k {
					f.turnIn(t, chat, l, filler[l])
				}
				for n := 0; n < 6; n++ {
					said := miss[l][n%3]
					check(chat, said, f.turnIn(t, chat, l, said))
				}
			}
		}
	}
}
