package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/persona"
)

// convo says each line in a new conversation with a platform language and
// returns the last reply and the session's last bot turn kind and entry.
// answeredCase is a message in lang that entry must answer.
type answeredCase struct{ lang, text, entry string }

// answeredAfter says each case after first[lang] (a question the bot
// answers), in a conversation of its own, and checks the case's entry
// answers it: thanks with a question is still answered.
func (f *fixture) answeredAfter(t *testing.T, first map[string]string, cases []answeredCase) {
	t.Helper()
	for i, c := range cases {
		chat := fmt.Sprintf("q%d", i)
		f.convo(t, chat, c.lang, first[c.lang])
		if reply, kind, entry := f.convo(t, chat, c.lang, c.text); kind != "answer" || entry != c.entry {
			t.Errorf("%s %q: turn %s %s, reply %q; want %s answered", c.lang, c.text, kind, entry, reply, c.entry)
		}
	}
}

func (f *fixture) convo(t *testing.T, chat, lang string, lines ...string) (reply, kind, entry string) {
	t.Helper()
	for _, l := range lines {
		reply = f.send(t, bot.Event{Channel: "test", ChatID: chat, Kind: bot.KindText, Text: l, Customer: bot.Customer{Name: "Jane Doe", Lang: lang}})
	}
	last := lastBot(f.session(t, chat))
	return reply, last.Kind, last.Entry
}

// After the rating prompt, a rating is read however it is typed, in each
// language: with a unit, out of five, in words, as stars.
func TestRatingTypedAnyWay(t *testing.T) {
	f := newFixture(t, false)
	opening := map[string][]string{
		"en": {"How long does shipping take?", "bye"},
		"zh": {"发货要多久？", "再见"},
		"ko": {"배송 얼마나 걸려요?", "안녕히 계세요"},
	}
	for i, c := range []struct {
		lang, rating string
		stars        int
	}{
		{"en", "5 stars", 5}, {"en", "5/5", 5}, {"en", "4/5", 4}, {"en", "five", 5}, {"en", "⭐⭐⭐⭐⭐", 5}, {"en", "3 out of 5", 3}, {"en", "2 stars.", 2},
		{"zh", "5分", 5}, {"zh", "五星", 5}, {"zh", "4分吧", 4}, {"zh", "五星好评", 5},
		{"ko", "5점이요", 5}, {"ko", "다섯", 5}, {"ko", "4점", 4}, {"ko", "별 다섯 개", 5},
	} {
		chat := fmt.Sprintf("r%d", i)
		if _, kind, _ := f.convo(t, chat, c.lang, opening[c.lang]...); kind != "survey" {
			t.Fatalf("%s: no rating prompt after the goodbye (last turn %s)", c.lang, kind)
		}
		reply, kind, _ := f.convo(t, chat, c.lang, c.rating)
		if kind != "rated" {
			t.Errorf("%s %q after the rating prompt: turn %s, reply %q; want it taken as %d stars", c.lang, c.rating, kind, reply, c.stars)
			continue
		}
		if s := f.session(t, chat); s.AwaitingRating {
			t.Errorf("%s %q: still awaiting a rating", c.lang, c.rating)
		}
	}
}

// Not ratings: a question after the prompt is answered, and "네" ("yes")
// is never four stars.
func TestRatingPromptLetsQuestionsThrough(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text string }{
		{"en", "5 stars but how do I return the cable?"},
		{"ko", "네"},
	} {
		chat := fmt.Sprintf("q%d", i)
		f.convo(t, chat, "en", "How long does shipping take?", "bye")
		if _, kind, _ := f.convo(t, chat, c.lang, c.text); kind == "rated" {
			t.Errorf("%q after the rating prompt was taken as a rating", c.text)
		}
	}
}

// A thanks or goodbye anywhere in a short message closes warmly, with a
// word or two around it no list knows; never a list of topics.
func TestClosingsAnywhereInAShortMessage(t *testing.T) {
	f := newFixture(t, false)
	first := map[string]string{"en": "How do I cancel my order?", "zh": "怎么取消订单", "ko": "주문 취소 어떻게 해요"}
	for i, c := range []struct{ lang, text string }{
		{"en", "awesome thanks, have a good one"},
		{"en", "nvm it worked. thanks"},
		{"en", "ok cool that helps, thanks"},
		{"zh", "太好了，谢谢，拜拜"},
		{"zh", "算了 好了 谢谢"},
		{"zh", "行 明白了 多谢"},
		{"ko", "넵 감사요"},
		{"ko", "아 됐어요 감사합니다"},
		{"ko", "좋네요 감사합니다 수고하세요"},
		{"ko", "아 그렇구나 알겠습니다"},
		{"ko", "네네"},
		{"ko", "고마워요 미아 최고"},
		{"ko", "ㄱㅅ"},
		{"ko", "ㅋㅋㅋ"},
	} {
		chat := fmt.Sprintf("c%d", i)
		f.convo(t, chat, c.lang, first[c.lang])
		reply, kind, _ := f.convo(t, chat, c.lang, c.text)
		switch kind {
		case "thanks", "bye", "ack", "survey":
		default:
			t.Errorf("%s %q after an answer: turn %s, reply %q; want a closing", c.lang, c.text, kind, reply)
		}
		if s := f.session(t, chat); s.Misses != 0 {
			t.Errorf("%s %q counted as a miss", c.lang, c.text)
		}
	}
	// Still answered: a question after the thanks.
	f.answeredAfter(t, first, []answeredCase{
		{"en", "thanks! and how long does shipping take?", "shipping/times"},
		{"en", "thanks, but my item arrived damaged", "problems/damaged"},
		{"zh", "谢谢，发货要多久", "shipping/times"},
		{"ko", "감사합니다 배송 얼마나 걸려요", "shipping/times"},
	})
	// Never a goodbye: thanks with something still wrong or wanted.
	for i, c := range []struct{ lang, text string }{
		{"en", "thanks but that didn't help"},
		{"en", "thank you, my order is late"},
		{"zh", "谢谢 但是还没到"},
		{"zh", "谢谢 我的包裹在哪"},
		{"zh", "好的谢谢 可是还是不能用"},
		{"ko", "고마워요 근데 아직도 안돼요"},
		{"ko", "아니요 괜찮아요 환불하고 싶어요"},
	} {
		chat := fmt.Sprintf("b%d", i)
		f.convo(t, chat, c.lang, first[c.lang])
		switch reply, kind, _ := f.convo(t, chat, c.lang, c.text); kind {
		case "thanks", "bye", "ack", "survey":
			t.Errorf("%s %q: turn %s, reply %q; want it read as a message, not a closing", c.lang, c.text, kind, reply)
		}
	}
}

// Small talk in every language's casual register is answered in kind:
// "are you a real agent?" honestly (never a handoff), a joke, Korean chat
// shorthand for hi.
func TestCasualSmallTalkInKind(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct{ lang, text, kind string }{
		{"en", "is this a real agent?", "smalltalk"},
		{"zh", "你们是真人客服吗", "smalltalk"},
		{"zh", "你们是真人客服吗？", "smalltalk"},
		{"ko", "너 AI야?", "smalltalk"},
		{"ko", "농담 하나 해줘", "smalltalk"},
		{"ko", "ㅎㅇ", "greeting"},
		{"en", "great service!", "smalltalk"},
	} {
		chat := fmt.Sprintf("s%d", i)
		reply, kind, _ := f.convo(t, chat, c.lang, c.text)
		if kind != c.kind {
			t.Errorf("%s %q: turn %s, reply %q; want %s", c.lang, c.text, kind, reply, c.kind)
		}
	}
}

// The order number an answer asked for is thanked for and brought to a
// person with it, in every language; never a list of topics.
func TestOrderNumberAfterTheAnswerAskedForIt(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct{ lang, ask, give string }{
		{"en", "How do I cancel my order?", "order KS-55123"},
		{"en", "How do I cancel my order?", "KS-55123"},
		{"zh", "怎么取消订单", "订单号 KS-55123"},
		{"ko", "주문 취소 어떻게 해요", "주문번호 KS-55123 이요"},
	} {
		chat := fmt.Sprintf("o%d", i)
		f.convo(t, chat, c.lang, c.ask)
		reply, kind, _ := f.convo(t, chat, c.lang, c.give)
		if kind != "handoff" || !strings.Contains(reply, "KS-55123") {
			t.Errorf("%s %q after the cancel answer: turn %s, reply %q; want it acknowledged with the number and a person brought in", c.lang, c.give, kind, reply)
			continue
		}
		s := f.session(t, chat)
		if s.Handoff == nil || !strings.Contains(strings.Join(s.Handoff.Evidence, " "), "KS-55123") {
			t.Errorf("%s: handoff %+v does not carry the order number", c.lang, s.Handoff)
		}
	}
	// Without an answer asking for it, a number is not a request.
	if _, kind, _ := f.convo(t, "o-first", "en", "KS-55123"); kind == "handoff" {
		t.Errorf("an order number as the first message handed off")
	}
}

// A parcel's tracking number is not an order number: after the tracking
// answer (or any answer asking for the order number) it is answered with
// where to follow the parcel and the order number we need to check on it,
// in the conversation's language, and never handed off as an order. The
// order number sent after that reply is brought to a person.
func TestTrackingNumberIsNotAnOrderNumber(t *testing.T) {
	f := newFixture(t, true)
	want := map[string][]string{
		"en": {"tracking number", "KS-204817"},
		"zh": {"运单号", "KS-204817"},
		"ko": {"송장번호", "KS-204817"},
	}
	for i, c := range []struct{ lang, ask, give, ref string }{
		{"en", "where is my package?", "tracking 9400111899223", "9400111899223"},
		{"en", "where is my package?", "my tracking number is 9400111899223", "9400111899223"},
		{"en", "where is my package?", "9400111899223", "9400111899223"},
		{"en", "where is my package?", "1Z999AA10123456784", "1Z999AA10123456784"},
		{"en", "How do I cancel my order?", "tracking 9400111899223", "9400111899223"},
		{"zh", "我的订单到哪了？", "运单号 SF1234567890", "SF1234567890"},
		{"zh", "怎么取消订单", "快递单号 SF1234567890", "SF1234567890"},
		{"ko", "배송 조회 어떻게 해요?", "송장번호 123456789012", "123456789012"},
		{"ko", "주문 취소 어떻게 해요", "운송장 번호 123456789012", "123456789012"},
		{"en", "where is my package?", "my order's tracking number is 9400111899223", "9400111899223"},
		{"zh", "我的订单到哪了？", "订单的运单号 SF1234567890", "SF1234567890"},
	} {
		chat := fmt.Sprintf("t%d", i)
		if _, kind, _ := f.convo(t, chat, c.lang, c.ask); kind != "answer" {
			t.Fatalf("%s %q: turn %s, want an answer", c.lang, c.ask, kind)
		}
		reply, kind, _ := f.convo(t, chat, c.lang, c.give)
		s := f.session(t, chat)
		// A bare number is not said back (it may be something else); a
		// named one is.
		if kind != "tracking" || s.Handoff != nil || s.Lang != c.lang || strings.Contains(reply, c.ref) != (digits(c.give) != c.give) {
			t.Errorf("%s %q after %q: turn %s (handoff %v, language %s), reply %q; want the tracking number answered", c.lang, c.give, c.ask, kind, s.Handoff != nil, s.Lang, reply)
			continue
		}
		for _, w := range want[c.lang] {
			if !strings.Contains(reply, w) {
				t.Errorf("%s %q: reply lacks %q: %q", c.lang, c.give, w, reply)
			}
		}
		// The reply asked for the order number: now it is passed on.
		reply, kind, _ = f.convo(t, chat, c.lang, "KS-204817")
		if s := f.session(t, chat); kind != "handoff" || s.Handoff == nil || s.Handoff.Reason != "explicit" || !strings.Contains(reply, "KS-204817") {
			t.Errorf("%s: the order number after the tracking reply: turn %s, reply %q; want a person brought in with it", c.lang, kind, reply)
		}
	}
	// Called an order number, it is one; short numbers stay order numbers.
	for i, give := range []string{"order number 9400111899223", "204817", "KS-204817"} {
		chat := fmt.Sprintf("o%d", i)
		f.convo(t, chat, "en", "How do I cancel my order?")
		if reply, kind, _ := f.convo(t, chat, "en", give); kind != "handoff" {
			t.Errorf("%q after the cancel answer: turn %s, reply %q; want it passed on as the order number", give, kind, reply)
		}
	}
	// A question with a number in it is still a question.
	f.convo(t, "q", "en", "where is my package?")
	if reply, kind, _ := f.convo(t, "q", "en", "how long until my tracking number 9400111899223 shows any update?"); kind == "tracking" || kind == "handoff" {
		t.Errorf("a question naming a tracking number: turn %s, reply %q; want it read as a question", kind, reply)
	}
}

// "I don't get it" right after a miss is not confusion about an answer
// (there was none): the message is read as a question, and alone it is no
// handoff. After a real answer it still brings a person.
func TestConfusionAfterAMissIsAQuestion(t *testing.T) {
	f := newFixture(t, true)
	miss := map[string]string{"en": "blorp the frobnicator", "zh": "那个那个怎么弄呢", "ko": "그거 저거 어떻게 해요"}
	for i, c := range []struct{ lang, text, entry string }{
		{"en", "i don't get it, where do i get the return label?", "returns/start"},
		{"en", "i don't get it", ""},
		{"zh", "我不明白，退货标签在哪里拿", "returns/start"},
		{"zh", "看不懂", ""},
		{"ko", "무슨 말인지 모르겠어요, 반품 라벨은 어디서 받아요?", "returns/start"},
		{"ko", "무슨 말인지 모르겠어요", ""},
	} {
		chat := fmt.Sprintf("m%d", i)
		if _, kind, _ := f.convo(t, chat, c.lang, miss[c.lang]); kind != "rephrase" {
			t.Fatalf("%s %q: turn %s, want a miss to start from", c.lang, miss[c.lang], kind)
		}
		reply, kind, entry := f.convo(t, chat, c.lang, c.text)
		if kind == "handoff" {
			t.Errorf("%s %q after a miss handed off: %v", c.lang, c.text, f.session(t, chat).Handoff.Evidence)
			continue
		}
		if c.entry != "" && (kind != "answer" || entry != c.entry) {
			t.Errorf("%s %q after a miss: turn %s %s, reply %q; want %s answered", c.lang, c.text, kind, entry, reply, c.entry)
		}
	}
	f.convo(t, "after-answer", "en", "How do I cancel my order?")
	if _, kind, _ := f.convo(t, "after-answer", "en", "i don't get it"); kind != "handoff" {
		t.Errorf("confusion after an answer: turn %s, want a handoff", kind)
	}
}

// A greeting with a question in one message is greeted back and answered,
// without asking how we can help first.
func TestGreetingWithAQuestionIsGreetedAndAnswered(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct {
		lang, text, entry string
		asks              []string
	}{
		{"en", "good morning, where is my order?", "orders/tracking", []string{"How can we help", "What can we do for you"}},
		{"zh", "你好，我的快递到哪里了？", "orders/tracking", []string{"有什么可以帮", "需要帮忙"}},
		{"ko", "안녕하세요, 배송 조회는 어떻게 해요?", "orders/tracking", []string{"도와드릴까요", "도와드릴 일"}},
	} {
		chat := fmt.Sprintf("g%d", i)
		reply, kind, entry := f.convo(t, chat, c.lang, c.text)
		if kind != "answer" || entry != c.entry || !strings.Contains(reply, "Mia") {
			t.Errorf("%s %q: turn %s %s, reply %q; want a greeting with Mia and %s", c.lang, c.text, kind, entry, reply, c.entry)
		}
		greeting, _, _ := strings.Cut(reply, "\n\n")
		for _, a := range c.asks {
			if strings.Contains(greeting, a) {
				t.Errorf("%s %q: the greeting asks %q before the answer: %q", c.lang, c.text, a, greeting)
			}
		}
	}
}

// A loop is the customer repeating themselves. Asking about one thing
// after another that the same answer covers is not one; asking the same
// thing in other words three times still is.
func TestLoopIsTheCustomerRepeating(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct {
		lang  string
		lines []string
		loop  bool
	}{
		{"zh", []string{"可以用微信支付吗", "微信支付呢", "货到付款可以吗", "行吧 那就支付宝"}, false},
		{"ko", []string{"네이버페이 돼요?", "무통장입금은요?", "그럼 카카오페이로 할게요"}, false},
		{"en", []string{"cant log in, forgot pasword", "didnt get the reset emial", "checked spam too"}, false},
		{"en", []string{"where is my package?", "where's my parcel right now?", "can you tell me where my order is?"}, true},
		{"zh", []string{"我的快递到哪里了？", "我想知道我的订单到哪了", "包裹到哪了，查一下物流"}, true},
		{"ko", []string{"택배 지금 어디쯤 왔어요?", "주문한 거 어디까지 왔는지 알 수 있나요?", "배송 조회 좀 해 주세요"}, true},
	} {
		chat := fmt.Sprintf("l%d", i)
		var handedOff bool
		for _, l := range c.lines {
			if _, kind, _ := f.convo(t, chat, c.lang, l); kind == "handoff" {
				handedOff = true
				break
			}
		}
		s := f.session(t, chat)
		switch {
		case c.loop && (!handedOff || s.Handoff.Reason != "loop"):
			t.Errorf("%s %q: no loop handoff (handoff %+v)", c.lang, c.lines, s.Handoff)
		case !c.loop && handedOff:
			t.Errorf("%s %q: handed off (%s: %v), but the customer never repeated", c.lang, c.lines, s.Handoff.Reason, s.Handoff.Evidence)
		}
	}
}

// An upset customer handed off hears empathy before who is coming.
func TestComplaintHandoffIsEmpathetic(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct{ lang, text, sorry string }{
		{"en", "wow great job guys, 3 weeks and still no package. amazing service", "sorry"},
		{"en", "this is ridiculous, worst service ever!!! I want my money back", "sorry"},
		{"zh", "太差劲了！！我要投诉你们", "抱歉"},
		{"ko", "진짜 최악이에요 너무 화나요!!", "죄송"},
	} {
		chat := fmt.Sprintf("e%d", i)
		reply, kind, _ := f.convo(t, chat, c.lang, c.text)
		s := f.session(t, chat)
		if kind != "handoff" || s.Handoff == nil || s.Handoff.Reason != "complaint" {
			t.Errorf("%s %q: turn %s, handoff %+v; want a complaint handoff", c.lang, c.text, kind, s.Handoff)
			continue
		}
		if !strings.Contains(strings.ToLower(reply), c.sorry) {
			t.Errorf("%s %q: complaint handoff without empathy: %q", c.lang, c.text, reply)
		}
	}
}

// Misses in a row do not repeat themselves: each opens differently from
// the one before, and the offer of a person in words is not said again on
// the very next miss.
func TestMissesInARowVaryTheirWording(t *testing.T) {
	f := newFixture(t, false)
	misses := map[string][]string{
		"en": {"blorp the frobnicator", "zork quux wibble", "flibber jabber", "snorkel wumpus"},
		"zh": {"那个那个怎么弄呢", "这个东西呢哈", "嗯那个那个呢", "啥那个呢啦"},
		"ko": {"그거 저거 어떻게 해요", "저거 그거요", "그니까 저거", "음 그거 저거"},
	}
	for lang, lines := range misses {
		var prev string
		var offered int
		for i, l := range lines {
			reply, kind, _ := f.convo(t, "v"+lang, lang, l)
			if kind != "rephrase" {
				t.Fatalf("%s %q: turn %s, want a miss", lang, l, kind)
			}
			first, _, _ := strings.Cut(reply, "\n")
			if i > 0 && first == prev {
				t.Errorf("%s: miss %d opens like the one before: %q", lang, i+1, first)
			}
			prev = first
			if strings.Count(reply, "\n\n") > 0 {
				offered++
			}
		}
		if offered != 1 {
			t.Errorf("%s: the offer of a person in words came %d times in 4 misses, want once (on the third)", lang, offered)
		}
	}
}

// A first message with no words is greeted, not asked for "anything
// else"; angry faces get a sorry; a sticker a smile back, not a request
// to describe a problem.
func TestWordlessMessagesInKind(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text, kind, want, not string }{
		{"en", ".", "greeting", "Mia", "anything else"},
		{"en", "???", "greeting", "Mia", "anything else"},
		{"zh", "。。。", "greeting", "Mia", "还有"},
		{"ko", "??", "greeting", "Mia", "더 도와"},
		{"en", "😡😡😡", "smalltalk", "sorry", "anything else"},
		{"zh", "😡😡", "smalltalk", "抱歉", "还有"},
		{"ko", "😠", "smalltalk", "죄송", "더 도와"},
	} {
		reply, kind, _ := f.convo(t, fmt.Sprintf("w%d", i), c.lang, c.text)
		if kind != c.kind || !strings.Contains(reply, c.want) || strings.Contains(strings.ToLower(reply), c.not) {
			t.Errorf("%s first message %q: turn %s, reply %q; want %s with %q, without %q", c.lang, c.text, kind, reply, c.kind, c.want, c.not)
		}
	}
	for _, lang := range []string{"en", "zh", "ko"} {
		reply := f.send(t, bot.Event{Channel: "test", ChatID: "st" + lang, Kind: bot.KindSticker, Customer: bot.Customer{Lang: lang}})
		media := contents(t).Current().Persona.Say(lang, "media", persona.Data{})
		if sticker := lastBot(f.session(t, "st"+lang)); reply == "" || reply == media || sticker.Kind != "media" {
			t.Errorf("%s sticker: reply %q (turn %s); want a light reply in kind", lang, reply, sticker.Kind)
		}
	}
}
