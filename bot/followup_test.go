package bot_test

import (
	"strings"
	"testing"
)

type followCase struct {
	chat   string
	turns  []string // customer messages; the last is the follow-up
	entry  string   // every reply answers from it
	want   []string // in the last reply
	unwant []string // not in the last reply: the parts of the entry already given
}

func (c followCase) run(t *testing.T, f *fixture) {
	t.Helper()
	var reply string
	for i, m := range c.turns {
		reply = f.say(t, c.chat, m)
		if got := lastBot(f.session(t, c.chat)); got.Kind != "answer" || got.Entry != c.entry {
			t.Errorf("%s: turn %d %q got %s from %q, want an answer from %s:\n%s", c.chat, i+1, m, got.Kind, got.Entry, c.entry, reply)
			return
		}
	}
	for _, w := range c.want {
		if !strings.Contains(reply, w) {
			t.Errorf("%s: reply to %q lacks %q:\n%s", c.chat, c.turns[len(c.turns)-1], w, reply)
		}
	}
	for _, w := range c.unwant {
		if strings.Contains(reply, w) {
			t.Errorf("%s: reply to %q repeats %q:\n%s", c.chat, c.turns[len(c.turns)-1], w, reply)
		}
	}
}

// A follow-up that does not say it follows up, but continues the last
// answer (a step done already, a detail of it), is answered from that
// entry with the part that speaks to it: what comes after the step done,
// the sentence about the detail. Not a topic list, and not the whole entry
// again.
func TestFollowUpContinuesTheLastAnswersEntry(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []followCase{
		{"en-neighbours", []string{"tracking says delivered but i dont have my package", "i checked with neighbours already"},
			"problems/delivered-not-received", []string{"We open an investigation"}, []string{"Let's find it"}},
		{"en-receipt", []string{"my headphones stopped working after 8 months", "i dont have the receipt anymore"},
			"warranty", []string{"No receipt needed"}, []string{"2-year warranty"}},
		{"en-claim", []string{"my headphones stopped working after 8 months", "ok how do i claim it"},
			"warranty", []string{"To claim, fill in the form"}, []string{"2-year warranty"}},
		{"zh-neighbours", []string{"显示已签收但是我没收到", "问过邻居了也没有"},
			"problems/delivered-not-received", []string{"我们会向快递公司发起调查"}, []string{"我们一起找找看"}},
		{"zh-send-back", []string{"收到的台灯是坏的", "需要先寄回去吗"},
			"problems/damaged", []string{"预付退货标签"}, []string{"东西不该是这样送到您手上的"}},
		{"ko-neighbours", []string{"배송완료라고 뜨는데 물건이 없어요", "이웃한테도 물어봤어요"},
			"problems/delivered-not-received", []string{"택배사에 조사를 요청"}, []string{"같이 찾아봐요"}},
		{"ko-send-back", []string{"램프가 깨져서 왔어요", "먼저 반품 보내야 하나요?"},
			"problems/damaged", []string{"선불 반품 라벨"}, []string{"이런 상태로 도착하면"}},
	} {
		c.run(t, f)
	}
}

// Asked what now once the entry has nothing more to give, the bot says so
// kindly and offers a person, with the button and without a topic list;
// it does not hand off on its own (the entry answered twice is no loop).
func TestWhatNowAfterTheWholeEntryOffersAPerson(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []followCase{
		{"en", []string{"tracking says delivered but i dont have my package", "i checked with neighbours already", "what now"},
			"problems/delivered-not-received", []string{`Tap "Talk to a person"`}, []string{"We open an investigation", "Is it about one of these"}},
		{"zh", []string{"显示已签收但是我没收到", "问过邻居了也没有", "那现在怎么办"},
			"problems/delivered-not-received", []string{"转人工客服"}, []string{"我们会向快递公司发起调查"}},
		{"ko", []string{"배송완료라고 뜨는데 물건이 없어요", "이웃한테도 물어봤어요", "그럼 이제 어떻게 해요?"},
			"problems/delivered-not-received", []string{"상담원과 이야기할래요"}, []string{"택배사에 조사를 요청"}},
	} {
		c.run(t, f)
		s := f.session(t, c.chat)
		if s.Handoff != nil {
			t.Errorf("%s: handed off (%s)", c.chat, s.Handoff.Reason)
		}
	}
}

// A follow-up that names one thing gets the part of the entry about it,
// not the whole entry again; a thing the entry's list does not have is
// said plainly not to be on it, with what is.
func TestFollowUpNamingOneThingGetsItsPart(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []followCase{
		{"en-paypal", []string{"what payment methods do you accept?", "what about PayPal?"},
			"payment/methods", []string{"You can pay with:", "PayPal"}, []string{"Visa"}},
		{"zh-alipay", []string{"可以用信用卡付款吗", "那支付宝呢？"},
			"payment/methods", []string{"支付宝"}, []string{"Visa"}},
		{"ko-kakao", []string{"결제 수단 뭐 있어요?", "카카오페이는요?"},
			"payment/methods", []string{"카카오페이"}, []string{"Visa"}},
		{"en-venmo", []string{"what payment methods do you accept?", "what about venmo?"},
			"payment/methods", []string{"“venmo” isn't on our list", "PayPal"}, nil},
		{"zh-wechat", []string{"可以用信用卡付款吗", "那微信呢？"},
			"payment/methods", []string{"“微信”不在我们的列表里", "支付宝"}, nil},
		{"ko-naver", []string{"결제 수단 뭐 있어요?", "네이버페이는요?"},
			"payment/methods", []string{"네이버페이", "카카오페이"}, nil},
	} {
		c.run(t, f)
	}
}
