package bot_test

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
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
	f := newFixture(t, true)
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
		{"en-venmo-as-written", []string{"what payment methods do you accept?", "what about Venmo?"},
			"payment/methods", []string{"“Venmo” isn't on our list"}, []string{"“venmo”"}},
		// A thing the answer says we do not take (customers ask about
		// it, so the entry says so): that sentence, plainly, then the
		// list of what we do take.
		{"zh-wechat", []string{"可以用信用卡付款吗", "那微信呢？"},
			"payment/methods", []string{"不支持微信支付", "支付宝", "Visa"}, []string{"不在我们的列表里"}},
		{"ko-naver", []string{"결제 수단 뭐 있어요?", "네이버페이는요?"},
			"payment/methods", []string{"네이버페이", "지원하지 않아요", "카카오페이", "Visa"}, nil},
	} {
		c.run(t, f)
	}
}

// A thing the entry has is never said not to be on its list, however
// many other entries name it too ("alipay") or however the lexicon reads
// it ("express" is "fast"); one it does not name gets the whole entry
// unless the entry is a closed list (payment methods), and shipping
// times are no list of countries.
func TestFollowUpNeverDeniesWhatTheEntryHas(t *testing.T) {
	f := newFixture(t, false)
	notListed := []string{"isn't on our list", "不在我们的列表里", "목록에 없"}
	pay := map[string]string{"en": "what payment methods do you accept?", "zh": "支持哪些付款方式", "ko": "결제 수단 뭐 있어요?"}
	ship := map[string]string{"en": "how long does shipping take?", "zh": "发货要多久", "ko": "배송 얼마나 걸려요?"}
	for _, c := range []struct {
		lang, first, then string
		want              []string
	}{
		{"en", pay["en"], "and alipay?", []string{"Alipay"}},
		{"en", pay["en"], "what about kakaopay?", []string{"KakaoPay"}},
		{"en", pay["en"], "what about amex?", []string{"American Express"}},
		{"en", ship["en"], "and to Korea?", []string{"Once your order ships", "International standard"}},
		{"en", ship["en"], "what about international?", []string{"International standard", "International express"}},
		{"en", ship["en"], "and express?", []string{"US express", "International express"}},
		{"zh", pay["zh"], "那信用卡呢？", []string{"Visa"}},
		{"zh", pay["zh"], "那Alipay呢？", []string{"支付宝"}},
		{"zh", pay["zh"], "那KakaoPay呢？", []string{"KakaoPay"}},
		{"zh", ship["zh"], "那国际快递呢？", []string{"国际标准配送"}},
		{"zh", ship["zh"], "那韩国呢？", []string{"国际标准配送"}},
		{"ko", pay["ko"], "신용카드는요?", []string{"Visa"}},
		{"ko", pay["ko"], "알리페이는요?", []string{"Alipay"}},
		{"ko", pay["ko"], "애플페이는요?", []string{"Apple Pay"}},
		{"ko", pay["ko"], "페이팔은요?", []string{"PayPal"}},
		{"ko", pay["ko"], "KakaoPay는요?", []string{"카카오페이"}},
		{"ko", ship["ko"], "해외배송은요?", []string{"발송 후 배송 기간은", "해외 일반 배송", "해외 특급 배송"}},
	} {
		entry := "payment/methods"
		if c.first == ship[c.lang] {
			entry = "shipping/times"
		}
		fc := followCase{chat: c.lang + "-" + c.then, turns: []string{c.first, c.then}, entry: entry, want: c.want, unwant: notListed}
		fc.run(t, f)
	}
}

// With no agent desk no one can join the chat: "what now" once the entry
// has nothing more gives the team's contacts, kindly, instead of "tap Talk
// to a person" (voice, 2026-12-06 item 1).
func TestWhatNowWithoutADeskGivesTheContacts(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []followCase{
		{"en", []string{"tracking says delivered but i dont have my package", "i checked with neighbours already", "what now"},
			"problems/delivered-not-received", []string{"a person from our team", "support@kumo.example", "+1-555-0142"}, []string{"Talk to a person", "We open an investigation"}},
		{"zh", []string{"显示已签收但是我没收到", "问过邻居了也没有", "那现在怎么办"},
			"problems/delivered-not-received", []string{"support@kumo.example"}, []string{"转人工客服", "我们会向快递公司发起调查"}},
		{"ko", []string{"배송완료라고 뜨는데 물건이 없어요", "이웃한테도 물어봤어요", "그럼 이제 어떻게 해요?"},
			"problems/delivered-not-received", []string{"support@kumo.example"}, []string{"상담원과 이야기할래요", "택배사에 조사를 요청"}},
	} {
		c.run(t, f)
	}
}

// Asked what now again after the offer of a person, the bot keeps
// offering one and does not start the entry over; the offer is counted
// as not answered (a miss with its entry), not as contained.
func TestWhatNowAgainKeepsOfferingAPerson(t *testing.T) {
	ev := &events{}
	f := newFixture(t, true, bot.WithObservers(ev))
	turns := []string{"tracking says delivered but I do not have it", "i checked with neighbours already", "what now", "what now", "what now"}
	for n := 3; n <= len(turns); n++ {
		// Each "what now" after the entry was given whole offers a person.
		c := followCase{"en-again", turns[n-1 : n], "problems/delivered-not-received", []string{"Talk to a person"}, []string{"We open an investigation", "Let's find it"}}
		if n == 3 {
			c.turns = turns[:3]
		}
		c.run(t, f)
	}
	misses := ev.misses()
	if len(misses) != 3 {
		t.Fatalf("%d misses recorded, want 3 (one per offer of a person): %+v", len(misses), misses)
	}
	for _, m := range misses {
		if m.Entry != "problems/delivered-not-received" {
			t.Errorf("miss %+v: want its entry", m)
		}
	}
}

// The same follow-up asked again is the same need again: the third time
// ("and paypal?" thrice, "那支付宝呢？" thrice, however short) a person
// takes over with reason loop. Different follow-ups of one answer ("and
// Korea?", "and Japan?"; "那支付宝呢？", "微信支付呢", "货到付款可以吗") are
// different needs and never do, and each is still read with the question
// it continues.
func TestRepeatedFollowUpIsALoop(t *testing.T) {
	f := newFixture(t, true)
	for _, c := range []struct {
		chat, lang string
		turns      []string // the last one hands off
	}{
		{"en-paypal", "en", []string{"can i pay with a credit card", "and paypal?", "and paypal?", "and paypal?"}},
		{"en-korea", "en", []string{"how much is shipping to Canada", "and Korea?", "and Korea?", "and Korea?"}},
		{"en-korea-japan", "en", []string{"how much is shipping to Canada", "and Korea?", "and Japan?", "and Korea?", "and Japan?", "and Korea?"}},
		{"zh-alipay", "zh", []string{"可以用信用卡付款吗", "支付宝呢", "支付宝呢", "支付宝呢"}},
		{"ko-korea", "ko", []string{"독일로 배송비 얼마에요", "한국은요?", "한국은요?", "한국은요?"}},
	} {
		for i, m := range c.turns {
			reply, kind, entry := f.convo(t, c.chat, c.lang, m)
			s := f.session(t, c.chat)
			if i < len(c.turns)-1 {
				if kind != "answer" || s.Handoff != nil {
					t.Errorf("%s: turn %d %q got %s from %q (handoff %v): %q; want an answer", c.chat, i+1, m, kind, entry, s.Handoff != nil, reply)
					break
				}
				continue
			}
			if s.Handoff == nil || s.Handoff.Reason != "loop" {
				t.Errorf("%s: %q asked a third time got %s from %q (handoff %+v): %q; want a handoff with reason loop", c.chat, m, kind, entry, s.Handoff, reply)
			}
		}
	}
	for _, c := range []struct {
		chat, lang, entry string
		turns             []string
	}{
		{"en-countries", "en", "shipping/costs", []string{"how much is shipping to Canada", "and Korea?", "and Japan?", "and Korea?"}},
		{"en-wallets", "en", "payment/methods", []string{"can i pay with a credit card", "and paypal?", "and apple pay?", "and google pay?", "and paypal?"}},
		{"zh-wallets", "zh", "payment/methods", []string{"可以用信用卡付款吗", "那支付宝呢？", "微信支付呢", "货到付款可以吗", "那支付宝呢？"}},
		{"ko-countries", "ko", "shipping/costs", []string{"독일로 배송비 얼마에요", "한국은요?", "일본은요?", "한국은요?"}},
		// The QA walk's: different parts of one topic.
		{"en-express", "en", "shipping/costs", []string{"how much is shipping?", "what about express?", "and how fast is that?"}},
	} {
		for i, m := range c.turns {
			reply, kind, entry := f.convo(t, c.chat, c.lang, m)
			if s := f.session(t, c.chat); kind != "answer" || entry != c.entry || s.Handoff != nil {
				t.Errorf("%s: turn %d %q got %s from %q (handoff %+v): %q; want an answer from %s", c.chat, i+1, m, kind, entry, s.Handoff, reply, c.entry)
				break
			}
		}
	}
}

// A follow-up that says where the order stands ("이미 발송됐으면요?",
// "已经发货了怎么办", "its already shipped") is answered with the part of
// the last answer about that state (a shipped order can't be stopped, but
// can be returned within 14 days), not the part after it and not an offer
// of a person; and a follow-up read with the question it continues is one
// question, not two parts ("and to canada?" after shipping times).
func TestFollowUpAboutTheOrdersState(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []followCase{
		{"ko-shipped", []string{"주문 취소 어떻게 해요?", "이미 발송됐으면요?"}, "orders/cancel", []string{"이미 발송된 주문은 멈출 수 없지만", "14일"}, []string{"상담원"}},
		{"zh-shipped", []string{"怎么取消订单", "已经发货了怎么办"}, "orders/cancel", []string{"已经发货的订单没办法拦截了", "14天"}, []string{"转人工"}},
		{"en-shipped", []string{"how do i cancel", "ugh nevermind its already shipped, forget it"}, "orders/cancel", []string{"Once it has shipped", "14 days"}, []string{"Talk to a person"}},
		{"en-canada", []string{"how long does shipping take to the US?", "and to canada?"}, "shipping/times", []string{"International"}, []string{"▸", "couple of things"}},
		// A question clear on its own about a detail further in the last
		// answer gets that detail (QA walk 15).
		{"zh-invoice", []string{"可以开发票吗？公司报销用", "抬头写公司名可以吗"}, "orders/e-receipt", []string{"Edit billing details"}, []string{"PDF发票就准备好了"}},
		{"en-invoice", []string{"can i get an invoice", "can you put my company name on it"}, "orders/e-receipt", []string{"Edit billing details"}, []string{"Download invoice"}},
	} {
		c.run(t, f)
	}
}

// A follow-up naming a place ("and to Korea?", "and to Germany?", "cool
// and how long to seoul") asks about the last answer for that place: the
// part of the entry about it or, when the entry names no such place, the
// part about going abroad (a country or its city is abroad, by the
// lexicon), short. Not the whole entry again, and not the customs entry
// because one customs question names Germany.
func TestFollowUpNamingAPlaceGetsItsPart(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []followCase{
		{"times-korea", []string{"how long does shipping take?", "and to Korea?"},
			"shipping/times", []string{"International standard: 7-14 business days"}, []string{"US standard", "2 pm ET", "import duties"}},
		{"times-seoul", []string{"how long does shipping take?", "cool and how long to seoul"},
			"shipping/times", []string{"International standard: 7-14 business days"}, []string{"US standard", "2 pm ET"}},
		{"times-germany", []string{"how long does shipping take?", "and to Germany?"},
			"shipping/times", []string{"International standard", "International express"}, []string{"US standard", "2 pm ET", "import duties"}},
		{"costs-germany", []string{"how much is shipping?", "and to Germany?"},
			"shipping/costs", []string{"For international orders", "$14.95"}, []string{"Within the US", "customs office"}},
		{"costs-korea", []string{"how much is shipping?", "and to Korea?"},
			"shipping/costs", []string{"For international orders", "$14.95"}, []string{"Within the US"}},
	} {
		c.run(t, f)
	}
}

// A follow-up naming what another entry is about ("그럼 반품은요?", "and
// returns?", "那退货呢？" after the cancel answer) is that new question,
// read in context: the returns entry answers, not the cancel answer's
// aside about returns again.
func TestFollowUpNamingAnotherSubjectIsANewQuestion(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct {
		chat, lang string
		turns      []string
		unwant     string // the cancel answer's aside about returns
	}{
		{"ko", "ko", []string{"주문 취소하고 싶어요", "그럼 반품은요?"}, "이미 발송된 주문은 멈출 수 없지만"},
		{"en", "en", []string{"I want to cancel my order", "and returns?"}, "Once it has shipped"},
		{"zh", "zh", []string{"怎么取消订单", "那退货呢？"}, "已经发货的订单没办法拦截了"},
	} {
		reply, kind, entry := f.convo(t, c.chat, c.lang, c.turns[0])
		if kind != "answer" || entry != "orders/cancel" {
			t.Errorf("%s: %q got %s from %q: %q; want the cancel answer", c.chat, c.turns[0], kind, entry, reply)
			continue
		}
		reply, kind, entry = f.convo(t, c.chat, c.lang, c.turns[1])
		if kind != "answer" || entry != "returns/start" || strings.Contains(reply, c.unwant) {
			t.Errorf("%s: %q after the cancel answer got %s from %q: %q; want an answer from returns/start", c.chat, c.turns[1], kind, entry, reply)
		}
	}
}
