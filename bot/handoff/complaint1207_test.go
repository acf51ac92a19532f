package handoff

import (
	"os"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/session"
)

// TestBankingEvenDev counts banking77's EVEN test lines (1-based: 2nd,
// 4th, ...) that hand off as first messages: the dev part of the false
// handoffs on ordinary questions (the odd lines are held out and never
// read here). BATON_DEV_LIST=1 lists the even lines that hand off.
//
//	BATON_MEASURE=1 go test -count=1 ./bot/handoff -run TestBankingEvenDev -v
func TestBankingEvenDev(t *testing.T) {
	measuring(t)
	r := loadShipped(t)
	qs := loadBanking(t, sharedDir(t))
	list := os.Getenv("BATON_DEV_LIST") == "1"
	n, all := 0, 0
	for i, q := range qs {
		if (i+1)%2 != 0 {
			continue // odd line: held out
		}
		all++
		d := r.Detect(Input{Text: q.text, Lang: "en"})
		if !d.Handoff {
			continue
		}
		n++
		if list {
			t.Logf("    even line %d: %q → %s", i+1, q.text, strings.Join(d.Evidence, " | "))
		}
	}
	t.Logf("banking77 even lines, first messages: %d of %d hand off (%.2f%%)", n, all, 100*ratio(n, all))
}

// The cues and combos added for issue 10's calm complaints (complaint3,
// 2026-12-07) are held, not fitted: TestTune keeps them at these weights.
func init() {
	for name, w := range map[string]float64{"mixed_answers": 0, "lasted": 0, "mishandled": 0, "runaround": 2.79, "down_for_long": 2.5, "exasperated": 1.8, "hung_up_on": 3.0, "made_to_pay": 0, "pay_for_our_mistake": 2.5, "harm": 0, "damage_named": 0, "asks_any": 0, "own_side": 0, "our_thing": 0, "every_time": 0, "question": 0, "not_told": 0, "not_told_report": 2.79, "what_now": 0, "runaround_asked": 2.79, "down_for_long_asked": 2.5} {
		priors[name] = w
		decisive[name] = w
	}
}

// TestCalmComplaintKinds1207 holds the kinds of calm complaint added on
// 2026-12-07 (complaint3), in en/zh/ko, in words of their own (not lines of
// any dev or held-out set), and their ordinary look-alikes: asking about
// it, a neutral mention, letting it go, praise, the customer's own slip.
func TestCalmComplaintKinds1207(t *testing.T) {
	r := loadShipped(t)
	for _, c := range []struct {
		text, lang, combo string // combo: the phrase combo that must be in the evidence ("" for none needed)
	}{
		// A failure said again.
		{"the blender lid cracked, and this is not the first time", "en", "repeated_failure"},
		{"换的新杯子也漏了", "zh", "repeated_failure"},
		{"교환받은 이것도 작동 안 해요", "ko", "repeated_failure"},
		{"택배 왔다는데 물건이 없어요 처음이 아니에요", "ko", "repeated_failure"},
		{"교체받은 상품도 불량이에요", "ko", "repeated_failure"},
		{"또 다른 색상이 왔어요", "ko", "repeated_failure"},
		// The runaround.
		{"every time I call I get a different excuse about the refund", "en", "runaround"},
		{"问了三次，每次都是不同的答复", "zh", "runaround"},
		{"물어볼 때마다 말이 다 달라요", "ko", "runaround"},
		// A failure that lasted, with its span.
		{"your website has been down since yesterday", "en", "down_for_long"},
		{"the courier is three hours late", "en", "down_for_long"},
		{"the app hasn't loaded for the past two days", "en", "down_for_long"},
		{"从昨晚开始网站就打不开", "zh", "down_for_long"},
		{"어제부터 앱 로그인이 안 돼요", "ko", "down_for_long"},
		// Frustration beside a failure.
		{"so annoying, the zip snapped on day two", "en", "exasperated"},
		{"椅子腿是歪的，真闹心", "zh", "exasperated"},
		{"상자가 찌그러져서 왔어요 진짜 짜증나네요", "ko", "exasperated"},
		{"the handle snapped the first week, bit miffed", "en", "exasperated"},
		{"桌腿是弯的，真郁闷", "zh", "exasperated"},
		{"so annoyed, my new laptop died after two days", "en", "exasperated"},
		{"포장이 찢어져서 왔어요 기분 나쁘네요", "ko", "exasperated"},
		// Retorts and exasperation, in new words.
		{"still waiting for somebody to get back to me about my return", "en", ""},
		{"the checkout keeps crashing since the latest app update", "en", "down_for_long"},
		{"there is nothing more frustrating than your booking page", "en", ""},
		{"the new layout is an epic fail", "en", ""},
		// Failing every time.
		{"every time I open the app it freezes and logs me out", "en", "repeated_failure"},
		{"每次登录都掉线", "zh", "repeated_failure"},
		// Our mistake, and the customer made to pay for it.
		{"you sent the wrong size and now you want me to pay the return postage", "en", "pay_for_our_mistake"},
		{"寄错了尺码还要我自己付退货运费", "zh", "pay_for_our_mistake"},
		// Hung up on.
		{"the agent hung up on me halfway through", "en", ""},
		{"客服说到一半直接挂了", "zh", ""},
		// Hung up on by one of ours, whoever the subject (review B C-H5):
		// only the customer hanging up is a look-alike.
		{"the woman on the phone just hung up", "en", ""},
		{"the call centre hung up twice on the same day", "en", ""},
		{"your staff member hung up mid-sentence", "en", ""},
		// A rhetorical question is no question for the bot (review B C-R1).
		{"every time I call I get a different story, what is going on?", "en", "runaround_asked"},
		{"I was told something different every time I asked, which is it?", "en", "runaround_asked"},
		{"the app hasn't worked since the update, are you even testing this?", "en", "down_for_long_asked"},
		{"교환받은 이것도 작동 안 해요 어떻게 할 거예요?", "ko", "repeated_failure"},
		// A reproach, a rhetorical "didn't you say", a replacement still failing.
		{"收到的东西不对，你们能不能上点心", "zh", ""},
		{"你们的质量真不靠谱，刚用就坏", "zh", ""},
		{"의자 다리가 흔들려요 검수 좀 신경 써 주시지", "ko", ""},
		{"不是说两天发货吗，都十天了", "zh", "broken_promise"},
		{"换了新的还是没声音", "zh", "repeated_failure"},
		{"包装一塌糊涂，里面的花瓶碎了", "zh", ""},
		// English kinds found by probing with my own wordings.
		{"the toaster you replaced mine with doesn't heat either", "en", "repeated_failure"},
		{"I want it noted that the bed slats were missing and no one mentioned it", "en", ""},
		{"my kid got a rash from the bath bombs and I want to report it properly", "en", "formal_claim"},
		{"listed as unworn but the trainers have scuffs all over", "en", "not_as_described"},
		{"the cream arrived leaking and crushed, and it's happened before", "en", "repeated_failure"},
		{"I keep getting told something different whenever I ask about the delay", "en", "runaround"},
		{"等了二十天还没发货，怎么搞的", "zh", ""},
		// More kinds found by probing: selling what is out of date is
		// irresponsible, curt staff, a promise broken by making the customer
		// do it, a long refund wait with its length, sarcasm of a crumpled
		// gift bag, a failure with every delivery.
		{"过期的东西还在卖，太不负责任了", "zh", ""},
		{"직원분 말투가 너무 퉁명스러웠어요", "ko", ""},
		{"说好送到家，结果让我自己去快递点搬", "zh", "pay_for_our_mistake"},
		{"my refund has said pending for seventeen days now", "en", "long_overdue"},
		{"paid extra for gift wrap and it came in a creased bag, lovely", "en", ""},
		{"why does every order from you arrive late", "en", "repeated_failure"},
		// A status that has not moved, with a long wait.
		{"ordered the shelves on the 3rd, paid at once, and three weeks on the tracking still says label created", "en", "long_overdue"},
		{"退款申请提交两周了，一直显示审核中", "zh", "long_overdue"},
		// Rhetorical reproach of our checks, and expecting better for the price.
		{"袖子上有个洞，质检是怎么做的", "zh", ""},
		{"the seam came apart on day one, how did this pass quality control", "en", ""},
		{"for the price I expected better than a see-through paper bag", "en", ""},
		// A mishandled parcel beside "how do I complain".
		{"how do I make a complaint? the driver threw my parcel over the gate", "en", ""},
	} {
		d := r.Detect(Input{Text: c.text, Lang: c.lang})
		if !d.Handoff || d.Reason != Complaint {
			t.Errorf("%q: want a complaint handoff, got %v %q %v", c.text, d.Handoff, d.Reason, d.Evidence)
			continue
		}
		if c.combo != "" && !strings.Contains(d.Evidence[0], "("+c.combo+")") {
			t.Errorf("%q: want %s in the evidence, got %q", c.text, c.combo, d.Evidence[0])
		}
	}
	for _, c := range []struct{ text, lang string }{
		{"how do I make a complaint about a product?", "en"},
		{"why do I get a different answer from the app and the website?", "en"},
		{"the website and the email give different dates, which one is right?", "en"},
		{"is it normal that the app has been slow since the update?", "en"},
		{"the website was down since yesterday, can you check if it's back?", "en"},
		{"this isn't the first time I've ordered from you and it's always been great", "en"},
		{"annoyed with myself, I typed the wrong address", "en"},
		{"the box was a little dented but the lamp is fine, thanks", "en"},
		{"arrived broken", "en"},
		{"do I have to pay the return postage if the size is wrong?", "en"},
		{"every time I order from you it arrives the next day, thanks", "en"},
		{"oops, I hung up by mistake", "en"},
		{"每次买都很快到，谢谢", "zh"},
		{"不是第一次在你们家买了，质量一直很好", "zh"},
		{"我的包裹从昨天开始就在派送中，什么时候到？", "zh"},
		{"网站上和邮件里写的退货期限不一样，以哪个为准？", "zh"},
		{"홈페이지 안내랑 메일 안내가 다른데 어느 쪽이 맞나요?", "ko"},
		{"어제부터 배송 중으로 나오는데 언제 도착하나요?", "ko"},
		{"박스 찌그러지고 충전기 깨져서 왔어요", "ko"},
		{"다른 색상도 있나요?", "ko"},
		{"is the hole in the strap meant for a buckle?", "en"},
		{"아쉽지만 이번엔 다음에 살게요", "ko"},
		{"the tracking still says processing, is that normal after two days?", "en"},
		{"I was irresponsible and left my card in the shop, can you freeze it?", "en"},
		{"how long does a refund take? it's been eleven days", "en"},
		{"do you send every order in a box?", "en"},
		{"I don't mind either, whichever colour is in stock", "en"},
		{"is an item listed as new but with an opened box still returnable?", "en"},
		{"my son gets a rash from wool, is this jumper pure cotton?", "en"},
		{"I want it noted on my account that deliveries go to the back door", "en"},
		{"不是说可以七天无理由退货吗？", "zh"},
		{"请问灯罩碎了可以换吗？", "zh"},
		{"请用点心包装，是送人的", "zh"},
		{"신경 좀 써서 포장해 주실 수 있나요? 선물이에요", "ko"},
		{"换了新的以后还是有点不习惯，怎么调", "zh"},
		{"bit miffed the blue one sold out, any restock date?", "en"},
		{"有点郁闷，想要的颜色卖完了，什么时候补货？", "zh"},
		{"is anyone waiting for someone to collect the parcel?", "en"},
		{"the app works fine since the latest update, thanks", "en"},
		{"교환받은 제품은 잘 쓰고 있어요 감사합니다", "ko"},
		// Review B's probes (2026-12-07), in the reviewer's own words.
		// C-H1: a feeling word beside a person named, or a missed call,
		// with a question anywhere in the message.
		{"my mum is upset she missed the courier, can he come back tomorrow?", "en"},
		{"my son was upset the driver didn't wave lol. anyway when's my next delivery?", "en"},
		{"기사님이 전화 주셨는데 못 받았어요 속상해요 다시 와 주시나요?", "ko"},
		// C-H2: which answer is right, asked.
		{"I got a different answer from your FAQ and the email, which one is right?", "en"},
		{"两个客服给了不一样的答复，以哪个为准？", "zh"},
		// C-H3: the customer's own mishap or a failure that is not ours.
		{"bit miffed my printer jammed so I couldn't print the return label, can you email it again?", "en"},
		{"frustrating, the power cut at home wiped my oven clock, how do I reset the timer on the oven I bought?", "en"},
		{"속상해요 ㅠㅠ 제가 주소를 잘못 적었어요 수정 가능해요?", "ko"},
		{"아 속상해 쿠폰 기한 지났네요 연장 안 되죠?", "ko"},
		// C-H4: praise said with "every time" / 때마다.
		{"every time I order it arrives so fast, love it", "en"},
		{"매번 주문할 때마다 포장이 예뻐요", "ko"},
		// C-H6: the customer's own circumstances with a span.
		{"my train is two hours late so I'll miss the click and collect slot, I'll come tomorrow instead", "en"},
		{"stuck on a train that's an hour late, I'll pick up my order tomorrow", "en"},
		{"we've had no power all day so I'll pick up the cake tomorrow instead", "en"},
		{"sorry for the late reply, I've had no signal all weekend at the cottage", "en"},
		{"my flight was 3 hours late so I couldn't collect it, I'll come Saturday", "en"},
		{"어제부터 계속 생각했는데 선택이 안 되네요 어떤 게 나아요?", "ko"},
		{"하루 종일 고민했는데 결정이 안 돼요 ㅋㅋ", "ko"},
		{"一上午都没信号，刚看到短信，订单没问题吧", "zh"},
		// The same shapes in words of our own.
		{"so sad my sister missed the delivery driver, could they try again on Monday?", "en"},
		{"annoying, my wifi died mid-checkout, did the order go through?", "en"},
		{"택배 기사님 오셨을 때 제가 없어서 속상해요 다시 배달 되나요", "ko"},
		{"有点郁闷，我自己写错了门牌号，能改吗", "zh"},
		{"each time I visit the staff are so kind, love it", "en"},
		// C-L1: not told, asked about.
		{"no one mentioned a deposit, how much is it?", "en"},
		// C-R2: someone of the customer's hanging up, or by mistake.
		{"my daughter hung up on your driver by mistake, can he call again?", "en"},
		{"oops, my son hung up when the courier called, can he try again?", "en"},
		{"I hung up too quickly, sorry! what was the delivery slot?", "en"},
		// C-H7: 点心 the pastry, and a polite -주시지요, are not reproach.
		{"能不能用点心做一个生日礼盒？", "zh"},
		{"婚礼上点心还是上蛋糕比较好？", "zh"},
		{"请问会议茶歇可以帮我们上点心吗？", "zh"},
		{"你们家的点心太好吃了，能不能用点心券买？", "zh"},
		{"선물이라서 포장 잘 좀 해 주시지요", "ko"},
		// C-H8: 不太行/不靠谱 said of oneself or of others.
		{"我审美不太行，帮我挑一个吧", "zh"},
		{"网上说快递不靠谱，你们用哪家快递？", "zh"},
		{"我手艺不太行，这个蛋糕模具好用吗", "zh"},
		// C-H9: the customer changing their own mind.
		{"제가 말을 바꿔서 죄송해요 그냥 빨간색으로 할게요", "ko"},
		{"말 바꿔서 죄송한데 M으로 바꿔 주세요", "ko"},
		{"자꾸 말 바꿔서 죄송해요 ㅠㅠ 파란색으로 할게요", "ko"},
		{"또 말 바꿔서 미안해요 L 사이즈로 부탁드려요", "ko"},
	} {
		for _, hist := range [][]session.Turn{nil, {{Role: "customer", Text: "hi"}, {Role: "bot", Text: "Hello! How can I help?", Kind: "answer"}}} {
			if d := r.Detect(Input{Text: c.text, Lang: c.lang, History: hist}); d.Handoff {
				t.Errorf("%q (after an answer: %v): ordinary, but handed off: %v", c.text, hist != nil, d.Evidence)
			}
		}
	}
}
