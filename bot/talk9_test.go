package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
)

// Review of 2026-12-07 (talking to the bot as a customer): each class of
// message pinned through the core on the shipped base.

// "Why?" with an objection right after an answer is read with that
// answer: the rule it objects to (the answer's first paragraph, with the
// sentence that set the limit) and a person offered to look at the case;
// never another topic, never a handoff that says nothing.
func TestWhyWithAnObjectionGivesTheRuleOfTheLastAnswer(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct {
		lang, ask, why, entry string
		want                  []string
	}{
		{"en", "my discount code doesn't work", "why? it hasn't expired yet", "payment/discount-codes", []string{"below the code's minimum value"}},
		{"zh", "优惠码用不了", "为什么？还没过期啊", "payment/discount-codes", []string{"订单金额没达到最低消费"}},
		{"ko", "할인 코드가 적용이 안 돼요", "왜요? 기간 아직 안 지났는데", "payment/discount-codes", []string{"최소 주문 금액"}},
		{"en", "can I cancel my order?", "why not? it hasn't shipped yet", "orders/cancel", []string{"as long as it hasn't been packed yet", "Once it has shipped we can't stop it"}},
		{"zh", "我想取消订单", "为什么不行？还没发货呢", "orders/cancel", []string{"只要还没打包", "已经发货的订单没办法拦截了"}},
		{"ko", "주문 취소하고 싶어요", "왜 안 돼요? 아직 발송 안 됐잖아요", "orders/cancel", []string{"아직 포장 전이라면", "멈출 수 없지만"}},
	} {
		reply, kind, entry := f.convo(t, fmt.Sprintf("talk9-why%d", i), c.lang, c.ask, c.why)
		if kind != "answer" || entry != c.entry || !saysAny(reply, sayings(t, c.lang, "why_objection_lead")) || !saysAny(reply, sayings(t, c.lang, "why_check_nodesk")) {
			t.Errorf("%s %q after %q: turn %s %s, want the rule of %s and a person offered:\n%s", c.lang, c.why, c.ask, kind, entry, c.entry, reply)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(reply, w) {
				t.Errorf("%s %q after %q: reply lacks %q:\n%s", c.lang, c.why, c.ask, w, reply)
			}
		}
	}
	// "why" that starts a question of its own is that question.
	if reply, _, _ := f.convo(t, "talk9-why-own", "en", "can I cancel my order?", "why is my order late"); saysAny(reply, sayings(t, "en", "why_objection_lead")) {
		t.Errorf("\"why is my order late\" read as an objection:\n%s", reply)
	}
}

// An objection that asks for a person is handed off, with the rule told
// first and who is coming: never a handoff that says nothing.
func TestWhyWithARequestForAPersonHandsOffWithTheRule(t *testing.T) {
	f := newFixture(t, true)
	reply, kind, _ := f.convo(t, "talk9-why-person", "en", "can I cancel my order?", "why not? this is ridiculous, get me a human")
	if kind != "handoff" || !strings.Contains(reply, "as long as it hasn't been packed yet") || !strings.Contains(reply, "bringing in a person") {
		t.Errorf("turn %s, want the rule and who is coming:\n%s", kind, reply)
	}
}

// An acknowledgement that says they understood ("ok got it", "好的明白了",
// "아 네 알겠어요") gets a warm closing, not "go ahead" for its "네"; a
// "no" after it is a goodbye as after "anything else?".
func TestUnderstoodGetsAWarmClosing(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, ask, ack string }{
		{"en", "how long does shipping take?", "ok got it"},
		{"zh", "配送要多久？", "好的明白了"},
		{"ko", "배송 얼마나 걸려요?", "아 네 알겠어요"},
	} {
		reply, kind, _ := f.convo(t, fmt.Sprintf("talk9-ack%d", i), c.lang, c.ask, c.ack)
		if kind != "ack" || !saysAny(reply, sayings(t, c.lang, "ack_closing")) || saysAny(reply, sayings(t, c.lang, "go_ahead")) {
			t.Errorf("%s %q: turn %s, want a warm closing:\n%s", c.lang, c.ack, kind, reply)
		}
	}
	if reply, kind, _ := f.convo(t, "talk9-ack-no", "ko", "배송 얼마나 걸려요?", "아 네 알겠어요", "없어요"); !saysAny(reply, sayings(t, "ko", "bye")) {
		t.Errorf("\"없어요\" after the warm closing: turn %s, want a goodbye:\n%s", kind, reply)
	}
}

// An angry request for a person gets one sincere apology before who is
// coming; a calm one gets none.
func TestAngryRequestForAPersonGetsOneApology(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct {
		lang, say string
		sorry     bool
	}{
		{"en", "i want to talk to your manager NOW", true},
		{"en", "GET ME A HUMAN", true},
		{"en", "talk to a person right now!!", true},
		{"zh", "马上给我转人工", true},
		{"ko", "당장 상담원 연결해 주세요", true},
		{"en", "can I talk to a person please", false},
		{"en", "can I talk to someone now?", false},
		{"zh", "转人工", false},
	} {
		reply, kind, _ := f.convo(t, fmt.Sprintf("talk9-angry%d", i), c.lang, c.say)
		n := strings.Count(strings.ToLower(reply), sorry[c.lang])
		if kind != "handoff" || (n == 1) != c.sorry || n > 1 || !strings.Contains(reply, coming[c.lang]) {
			t.Errorf("%s %q: turn %s, %d apologies (want one: %v) and who is coming:\n%s", c.lang, c.say, kind, n, c.sorry, reply)
		}
	}
}

// The words of an apology and of who is coming in the shipped messages
// (handoff_sorry, handoff), per language.
var (
	sorry  = map[string]string{"en": "sorry", "zh": "抱歉", "ko": "죄송"}
	coming = map[string]string{"en": "bringing in a person", "zh": "同事", "ko": "상담원"}
)

// Small talk about a meal ("have you had lunch?", "中午好～吃了吗", "점심
// 드셨어요?") gets a kind word in the persona's voice, then back to
// helping; a question after it is answered.
func TestMealSmallTalkGetsAKindReply(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, say string }{
		{"en", "have you had lunch?"},
		{"zh", "中午好～吃了吗"},
		{"ko", "점심 드셨어요?"},
	} {
		reply, kind, entry := f.convo(t, fmt.Sprintf("talk9-meal%d", i), c.lang, c.say)
		if entry != "" || !saysAny(reply, sayings(t, c.lang, "chat_meal")) || !saysAny(reply, sayings(t, c.lang, "chat_back")) || strings.Contains(reply, "•") {
			t.Errorf("%s %q: turn %s %s, want a kind word and back to helping:\n%s", c.lang, c.say, kind, entry, reply)
		}
	}
	if reply, kind, entry := f.convo(t, "talk9-meal-q", "en", "hi! have you eaten yet? how long does shipping take?"); kind != "answer" || entry != "shipping/times" || !saysAny(reply, sayings(t, "en", "chat_meal")) {
		t.Errorf("meal small talk with a question: turn %s %s:\n%s", kind, entry, reply)
	}
}

// The off-hours handoff says when the team is back in the shop's zone.
func TestOffHoursHandoffNamesTheZone(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, true, bot.WithHours(weekdays{}), bot.WithLocation(seoul))
	f.clock.Add(-12 * time.Hour)
	reply := f.send(t, bot.Event{Channel: "test", ChatID: "talk9-zone", Kind: bot.KindCommand, Text: "human"})
	if !strings.Contains(reply, " KST") {
		t.Errorf("off-hours handoff does not name the zone: %q", reply)
	}
}
