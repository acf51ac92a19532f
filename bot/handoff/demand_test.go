package handoff

import (
	"strings"
	"testing"
)

func TestDemand(t *testing.T) {
	r := loadShipped(t)
	if got := r.Offer(); len(got) == 0 || got[0] != "payment/price-match" {
		t.Errorf("Offer() = %v, want the price match first", got)
	}
	for _, c := range []struct {
		text, lang string
		demand     bool
	}{
		{"Give me 90% off my order or I'm leaving for Amazon", "en", true},
		{"I want a huge discount or I'm going to shop elsewhere", "en", true},
		{"不给我打三折我就去京东买", "zh", true},
		{"반값으로 안 해 주면 쿠팡에서 살게요", "ko", true},
		{"is there a student discount?", "en", false},
		{"do you price match Amazon?", "en", false},
		{"I'm not asking for 90% off, just the price match", "en", false},
		// Across a comma (2026-12-06): the refusal to send the item back,
		// then the refund demanded; not an exchange asked for instead.
		{"我不退货，直接给我退款", "zh", true},
		{"退款给我，我不想寄回", "zh", true},
		{"I'm not sending it back, just refund me", "en", true},
		{"我不退货了，想换货", "zh", false},
		{"I'm not sending it back, it's a gift", "en", false},
		// Free shipping on every future order (the learned layer called
		// it a complaint).
		{"以后的订单都给我包邮", "zh", true},
	} {
		d := r.Detect(Input{Text: c.text, Lang: c.lang})
		if (d.Demand != "") != c.demand || d.Handoff {
			t.Errorf("Detect(%q): demand %q, handoff %v (%s); want demand %v and no handoff", c.text, d.Demand, d.Handoff, d.Reason, c.demand)
		}
	}

	// Right after a soft refusal, insisting is a complaint; a question is not.
	for _, c := range []struct {
		text    string
		handoff bool
		why     string
	}{
		{"I don't care, I want the discount", true, "insisted after a soft refusal"},
		{"我不管，必须打三折", true, "insisted after a soft refusal"},
		{"give me 90% off", true, "the same demand again"},
		{"this is ridiculous", true, "complaint"},
		{"ok, how does the price match work?", false, ""},
		{"what is your return policy?", false, ""},
		{"seriously, amazon has it cheaper", true, "complaint score"}, // no answer from an offered entry: pressing on
	} {
		d := r.Detect(Input{Text: c.text, AfterRefusal: true})
		if d.Handoff != c.handoff || (c.handoff && (d.Reason != Complaint || !strings.Contains(strings.Join(d.Evidence, " "), c.why))) {
			t.Errorf("after a refusal, Detect(%q) = handoff %v %s %q; want handoff %v (complaint, %q)", c.text, d.Handoff, d.Reason, d.Evidence, c.handoff, c.why)
		}
	}

	// Taking up the offer is not insisting, though it has a complaint cue
	// ("seriously"): the price match answers it (QA walk 2026-12-06, item
	// 17). An insist phrase, the demand again or real anger still hand off.
	for _, c := range []struct {
		text    string
		handoff bool
	}{
		{"seriously, amazon has it cheaper", false},
		{"I don't care, amazon has it cheaper, match it", true},
		{"give me 90% off, amazon has it cheaper", true},
		{"this is ridiculous, amazon has it cheaper", true},
	} {
		d := r.Detect(Input{Text: c.text, AfterRefusal: true, Answer: "payment/price-match"})
		if d.Handoff != c.handoff || (c.handoff && d.Reason != Complaint) {
			t.Errorf("after a refusal, answered with the price match, Detect(%q) = handoff %v %s %q; want handoff %v", c.text, d.Handoff, d.Reason, d.Evidence, c.handoff)
		}
	}
}

// An ultimatum says what the customer will do if they do not get it (or
// I'll, or I'm, otherwise I…, 不然我, 안 그러면); an either-or question
// asks which of two ways it is (review B walk HIGH 1: "is the return
// shipping free, or I send it back at my own cost?" got a refusal).
func TestUltimatumNeedsAThreat(t *testing.T) {
	r := loadShipped(t)
	for _, c := range []struct {
		text, lang string
		demand     bool
	}{
		{"is the return shipping free, or I send it back at my own cost?", "en", false},
		{"do I get store credit, or I return them for a refund?", "en", false},
		{"is the exchange free, or I return it and order the other size?", "en", false},
		{"is there a discount for two, or I cancel the order and buy them separately?", "en", false},
		{"能包邮吗，要不我取消了重新下单？", "zh", false},
		{"这个有优惠吗？要不我先取消订单重新下？", "zh", false},
		{"할인 쿠폰이 안 되면 주문 취소 가능한가요?", "ko", false},
		{"free shipping or I'm cancelling everything", "en", true},
		{"free shipping or I cancel everything", "en", true},
		{"free delivery or I will return them", "en", true},
		{"give me a discount, otherwise I cancel my order", "en", true},
		{"a discount or else I return it all", "en", true},
		{"给我包邮，不然我全部取消", "zh", true},
		{"무료 배송 안 해 주면 다 취소할게요", "ko", true},
		{"무료 배송 해 주세요, 안 그러면 주문 취소합니다", "ko", true},
	} {
		d := r.Detect(Input{Text: c.text, Lang: c.lang})
		if (d.Demand != "") != c.demand || d.Handoff {
			t.Errorf("Detect(%q): demand %q, handoff %v (%s); want demand %v and no handoff", c.text, d.Demand, d.Handoff, d.Reason, c.demand)
		}
	}
}
