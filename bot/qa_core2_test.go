package bot_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// "thanks that solved it!" after an answer closes the exchange in every
// language, however the knowledge base reads the words saying it is
// solved ("solve" is "fix" to the lexicon, and "fix" asks for a warranty
// repair). Thanks with a question or a topic is still answered.
func TestThanksSayingItIsSolvedIsAClosing(t *testing.T) {
	f := newFixture(t, false)
	first := map[string]string{"en": "how do I cancel my order", "zh": "怎么取消订单", "ko": "주문 취소 어떻게 해요"}
	for i, c := range []struct{ lang, text string }{
		{"en", "thanks that solved it!"},
		{"en", "that fixed it, thanks"},
		{"en", "found it thanks"},
		{"en", "great, that worked. thank you"},
		{"zh", "找到了，谢谢"},
		{"zh", "谢谢，问题解决了"},
		{"zh", "搞定了 谢谢"},
		{"ko", "해결됐어요 감사합니다"},
		{"ko", "찾았어요 감사합니다"},
		{"ko", "덕분에 해결했어요 고마워요"},
	} {
		chat := fmt.Sprintf("s%d", i)
		if _, kind, _ := f.convo(t, chat, c.lang, first[c.lang]); kind != "answer" {
			t.Fatalf("%s %q: not answered (%s)", c.lang, first[c.lang], kind)
		}
		reply, kind, entry := f.convo(t, chat, c.lang, c.text)
		switch kind {
		case "thanks", "bye", "survey":
		default:
			t.Errorf("%s %q after an answer: turn %s %s, reply %q; want a closing", c.lang, c.text, kind, entry, reply)
		}
	}
	f.answeredAfter(t, first, []answeredCase{
		{"en", "thanks, cancel my order", "orders/cancel"},
		{"en", "thanks. gift cards", "payment/gift-cards"},
		{"en", "thanks! and how long does shipping take?", "shipping/times"},
		{"zh", "谢谢，发货要多久", "shipping/times"},
		{"ko", "감사합니다 배송 얼마나 걸려요", "shipping/times"},
	})
}

// A complaint that also asks something the help pages answer gets the
// answer in the same reply as the sympathy and the person: with no desk,
// the answer is all the customer gets from us now. A complaint asking
// nothing gets no answer, and an entry that offers a person is not told.
func TestComplaintWithAClearQuestionIsAnsweredToo(t *testing.T) {
	for _, desk := range []bool{false, true} {
		f := newFixture(t, desk)
		wantKind := "nodesk"
		if desk {
			wantKind = "handoff"
		}
		for i, c := range []struct{ lang, text, entry, answer string }{
			{"en", "wheres my order?? its been like 2 weeks", "orders/tracking", "Track parcel"},
			{"en", "payemnt keeps failing at chekout wtf", "payment/failed", "billing address"},
			{"en", "the tracking hasn't moved in 5 days. Not mad, just want to know what's going on.", "orders/tracking", "Track parcel"},
			{"zh", "付款一直失败 搞什么啊", "payment/failed", "账单地址"},
			{"ko", "결제가 계속 실패해요. 진짜 최악이에요 너무 화나요!!", "payment/failed", "청구지 주소"},
			{"en", "this is ridiculous, worst service ever!!!", "", ""},
			{"ko", "진짜 최악이에요 너무 화나요!!", "", ""},
		} {
			chat := fmt.Sprintf("c%v%d", desk, i)
			reply, kind, entry := f.convo(t, chat, c.lang, c.text)
			s := f.session(t, chat)
			if kind != wantKind || s.Handoff == nil || s.Handoff.Reason != "complaint" {
				t.Errorf("desk %v, %s %q: turn %s, handoff %+v; want a complaint handoff", desk, c.lang, c.text, kind, s.Handoff)
				continue
			}
			if entry != c.entry || c.answer != "" && !strings.Contains(reply, c.answer) {
				t.Errorf("desk %v, %s %q: handoff from %q, reply %q; want the %s answer (%q) in it", desk, c.lang, c.text, entry, reply, c.entry, c.answer)
			}
			sorry := map[string]string{"en": "sorry", "zh": "抱歉", "ko": "죄송"}[c.lang]
			if !strings.Contains(strings.ToLower(reply), sorry) {
				t.Errorf("desk %v, %s %q: complaint handoff without empathy: %q", desk, c.lang, c.text, reply)
			}
			if c.entry != "" && strings.Index(strings.ToLower(reply), sorry) > strings.Index(reply, c.answer) {
				t.Errorf("desk %v, %s %q: the answer comes before the sympathy: %q", desk, c.lang, c.text, reply)
			}
		}
	}
}

// Insisting on a demand the bot refused is handed off with a line that
// hears the customer out, not one commiserating over a problem they had.
func TestInsistedDemandIsHandedOffWithoutCommiserating(t *testing.T) {
	f := newFixture(t, true)
	for i, c := range []struct{ lang, demand, again, want string }{
		{"en", "Give me 90% off my order or I'm leaving for Amazon", "I don't care, I want the discount", "not something I can agree to"},
		{"zh", "不给我打三折我就去京东买", "我不管，必须打三折", "不是我自己能答应的"},
	} {
		chat := fmt.Sprintf("d%d", i)
		if _, kind, _ := f.convo(t, chat, c.lang, c.demand); kind != "refusal" {
			t.Fatalf("%s %q: turn %s, want a soft refusal", c.lang, c.demand, kind)
		}
		reply, kind, _ := f.convo(t, chat, c.lang, c.again)
		if s := f.session(t, chat); kind != "handoff" || s.Handoff == nil || s.Handoff.Reason != "complaint" {
			t.Fatalf("%s %q after the refusal: turn %s; want a complaint handoff", c.lang, c.again, kind)
		}
		if !strings.Contains(reply, c.want) || strings.Contains(reply, "shouldn't have to deal with it") || strings.Contains(reply, "这不该由您来承受") {
			t.Errorf("%s %q: reply %q; want %q and no commiserating", c.lang, c.again, reply, c.want)
		}
	}
}

// The order number a complaint handoff's answer asked for ("wheres my
// order?? its been like 2 weeks" with no desk: the tracking answer asks
// for it) is thanked for and passed on, not matched as a new question.
func TestOrderNumberAfterAComplaintAnswerIsTakenAsAsked(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, complaint, ref string }{
		{"en", "wheres my order?? its been like 2 weeks", "KS-204817"},
		{"en", "the tracking hasn't moved in 5 days. Not mad, just want to know what's going on.", "it's KS-204817"},
	} {
		chat := fmt.Sprintf("o%d", i)
		if _, kind, _ := f.convo(t, chat, c.lang, c.complaint); kind != "nodesk" {
			t.Fatalf("%s %q: turn %s, want a complaint handoff with no desk", c.lang, c.complaint, kind)
		}
		reply, kind, _ := f.convo(t, chat, c.lang, c.ref)
		if kind != "nodesk" || !strings.Contains(reply, "KS-204817") || strings.Contains(reply, "Good question") {
			t.Errorf("%s %q after %q: turn %s, reply %q; want the order number thanked for and passed on", c.lang, c.ref, c.complaint, kind, reply)
		}
	}
}

// "Good question!" leads only answers to questions: never a problem told
// ("I forgot my password", "비번 까먹었어요"), nor an answer the
// conversation had already. The leads take turns with the message count,
// so each case is said after 0 to 3 greetings to meet every lead.
func TestGoodQuestionLeadsOnlyNewQuestions(t *testing.T) {
	f := newFixture(t, false)
	praise := []string{"Good question", "这个问题问得好", "좋은 질문"}
	praised := func(reply string) bool {
		for _, p := range praise {
			if strings.Contains(reply, p) {
				return true
			}
		}
		return false
	}
	hello := map[string]string{"en": "hello", "zh": "你好", "ko": "안녕하세요"}
	for i, c := range []struct {
		lang  string
		lines []string // the last one is answered without praise
	}{
		{"en", []string{"I forgot my password"}},
		{"en", []string{"my payment keeps failing"}},
		{"zh", []string{"我忘了密码"}},
		{"ko", []string{"비번 까먹었어요"}},
		{"ko", []string{"비밀번호를 잊어버렸어요"}},
		{"en", []string{"how do I reset my password?", "I forgot my password"}},
		{"ko", []string{"비밀번호 어떻게 바꿔요?", "비번 까먹었어요"}},
	} {
		for k := range 4 {
			chat := fmt.Sprintf("g%d-%d", i, k)
			for range k {
				f.convo(t, chat, c.lang, hello[c.lang])
			}
			reply, kind, entry := f.convo(t, chat, c.lang, c.lines...)
			if kind != "answer" {
				t.Fatalf("%s %q: turn %s %s, reply %q; want an answer", c.lang, c.lines, kind, entry, reply)
			}
			if praised(reply) {
				t.Errorf("%s %q after %d greetings: %q; want no praise for a question", c.lang, c.lines, k, reply)
			}
		}
	}
	// A question still may be praised.
	n := 0
	for k := range 4 {
		chat := fmt.Sprintf("p%d", k)
		for range k {
			f.convo(t, chat, "en", "hello")
		}
		if reply, _, _ := f.convo(t, chat, "en", "how do I reset my password?"); praised(reply) {
			n++
		}
	}
	if n == 0 {
		t.Errorf("no lead praised a question in 4 conversations; the leads no longer take turns")
	}
}

// A message asking several things gets each thing we are sure of: two
// questions that lean to the one entry answering both ("can I return an
// opened item? and is the return shipping free to Korea?") get that
// entry, and the one problem we are sure of among two ("one item is
// missing and the other one is the wrong colour") is answered rather than
// none. A single question is still one answer.
func TestEachSurePartOfAMessageIsAnswered(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct {
		lang, text string
		want       []string // the entry answered, then others counted as said
	}{
		{"en", "can I return an opened item? and is the return shipping free to Korea?", []string{"returns/policy"}},
		{"en", "my order came but one item is missing and the other one is the wrong colour", []string{"problems/missing-item"}},
		// "blue" is a colour to the lexicon: the second question is the
		// colour exchange, answered beside the damage.
		{"en", "my headphones arrived with a cracked case. also can I get it in blue instead", []string{"problems/damaged", "returns/exchange"}},
		{"en", "my parcel arrived but the charger is missing and the cable is the wrong colour", []string{"problems/missing-item", "problems/wrong-item"}},
		{"en", "can I return headphones I've used? and do I pay the return shipping from Canada?", []string{"returns/policy"}},
		{"zh", "退货的话运费谁出？还有退款多久到？", []string{"returns/refunds"}},
		{"zh", "拆封了还能退吗？国际退货运费谁出？", []string{"returns/policy"}},
		{"ko", "주문한 게 왔는데 하나는 누락됐고 다른 하나는 색상이 잘못 왔어요", []string{"problems/missing-item", "problems/wrong-item"}},
		{"ko", "개봉한 것도 반품 되나요? 해외에서 반품하면 배송비는요?", []string{"returns/policy"}},
		// One question, one answer, as before.
		{"en", "how long does shipping take to the US?", []string{"shipping/times"}},
		{"en", "how much is shipping to Germany and do I pay customs?", []string{"shipping/costs", "shipping/customs"}},
	} {
		chat := fmt.Sprintf("m%d", i)
		reply, kind, entry := f.convo(t, chat, c.lang, c.text)
		last := lastBot(f.session(t, chat))
		if kind != "answer" || entry != c.want[0] {
			t.Errorf("%s %q: turn %s %s, reply %q; want an answer from %s", c.lang, c.text, kind, entry, reply, c.want[0])
			continue
		}
		for _, id := range c.want[1:] {
			if !slices.Contains(last.Tips, id) {
				t.Errorf("%s %q: answered %s, tips %v; want %s answered too", c.lang, c.text, entry, last.Tips, id)
			}
		}
		if len(c.want) == 1 && strings.Contains(reply, "▸") {
			t.Errorf("%s %q: one question answered in parts: %q", c.lang, c.text, reply)
		}
	}
}
