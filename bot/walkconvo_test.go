package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// newShopFixture is newFixture on another shop's knowledge base (a
// suitetest shop such as bikes) with the shipped prompts, no desk.
func newShopFixture(t *testing.T, knowledgeDir string) *fixture {
	t.Helper()
	h, problems, err := content.NewHolder(content.Dir("../prompts"), content.Dir(knowledgeDir), nil)
	if err != nil {
		t.Fatalf("load %s: %v (%v)", knowledgeDir, err, problems)
	}
	f := &fixture{
		store: sessiontest.Store(t, session.WithMaxTurns(200)),
		clock: &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)},
		out:   &outbox{},
		desk:  &desk{},
	}
	f.bot = bot.New(f.store, h, bot.WithClock(f.clock.Now), bot.WithLocation(time.UTC))
	f.bot.Register("test", f.out)
	return f
}

const bikesKnowledge = "knowledge/testdata/shops/bikes"

// A new question that stands on its own is read on its own, not as a
// follow-up of the last answer because it shares a word with it: never
// that answer's passage, never the answer just given again (QA walk
// 2026-12-06 09:05, item 2).
func TestConvoNewQuestionIsNotReadAsAFollowUp(t *testing.T) {
	f := newFixture(t, false)
	bikes := newShopFixture(t, bikesKnowledge)
	for _, c := range []struct {
		f            *fixture
		name, lang   string
		first, then  string
		wrong        string // the last answer's entry, which must not answer
		want, unwant string // in the second reply ("" for none)
	}{
		{f, "en-student", "en", "my discount code doesnt work", "do you have a student discount?", "payment/discount-codes", "", "If it's rejected"},
		{f, "ko-student", "ko", "할인 코드가 안 먹혀요", "학생 할인 있어요?", "payment/discount-codes", "", "적용이 안 된다면"},
		{f, "zh-bitcoin", "zh", "有没有学生优惠", "可以用比特币付款吗", "payment/discount-codes", "比特币", "优惠码"},
		{f, "en-where", "en", "what are your opening hours", "where are you", "support/hours", "", "09:00-18:00"},
		{bikes, "bikes-where", "en", "are you open on sunday", "where are you", "shop/hours", "", "Tuesday to Saturday"},
	} {
		c.f.convo(t, c.name, c.lang, c.first)
		reply, kind, entry := c.f.convo(t, c.name, c.lang, c.then)
		if entry == c.wrong {
			t.Errorf("%s: %q after %q answered from %s again (%s):\n%s", c.name, c.then, c.first, entry, kind, reply)
		}
		if c.want != "" && !strings.Contains(reply, c.want) {
			t.Errorf("%s: reply to %q lacks %q:\n%s", c.name, c.then, c.want, reply)
		}
		if strings.Contains(reply, c.unwant) {
			t.Errorf("%s: reply to %q repeats %q:\n%s", c.name, c.then, c.unwant, reply)
		}
	}
}

// A follow-up about a detail the last reply gave is answered with it:
// the phone number of the contact tip the reply gave, "bitcoin?" after
// the ways to pay, "how much for a day" after the hire answer's prices
// (QA walk 2026-12-06 09:05, item 10).
func TestConvoFollowUpAboutWhatTheReplyGave(t *testing.T) {
	f := newFixture(t, false)
	bikes := newShopFixture(t, bikesKnowledge)
	for _, c := range []struct {
		f           *fixture
		name, lang  string
		first, then string
		entry       string   // answers the follow-up
		want        []string // in its reply
		unwant      string   // not in its reply
	}{
		{f, "en-phone", "en", "what are your opening hours", "what about the phone number", "support/contact-person", []string{"+1-555-0142"}, "Mia (that's me!)"},
		{f, "zh-phone", "zh", "你们几点上班", "那电话号码呢？", "support/contact-person", []string{"+1-555-0142"}, "24小时在线"},
		{f, "en-bitcoin", "en", "can i pay with crypto", "bitcoin?", "payment/methods", []string{"bitcoin", "PayPal"}, ""},
		{f, "zh-bitcoin", "zh", "可以用加密货币付款吗", "比特币？", "payment/methods", []string{"比特币"}, ""},
		{f, "ko-bitcoin", "ko", "암호화폐로 결제 돼요?", "비트코인?", "payment/methods", []string{"비트코인"}, ""},
		{f, "en-wrap-price", "en", "do you do gift wrapping", "how much is it", "orders/gift-wrapping", []string{"$3.95"}, "$4.95"},
		{f, "zh-wrap-price", "zh", "可以礼品包装吗", "多少钱", "orders/gift-wrapping", []string{"3.95美元"}, "4.95美元"},
		{f, "ko-wrap-price", "ko", "선물 포장 돼요?", "얼마예요?", "orders/gift-wrapping", []string{"3.95달러"}, "4.95달러"},
		{bikes, "bikes-hire-day", "en", "do u rent ebikes", "how much for a day", "hire/rental", []string{"£45 a day"}, "Book ahead"},
	} {
		c.f.convo(t, c.name, c.lang, c.first)
		reply, kind, entry := c.f.convo(t, c.name, c.lang, c.then)
		if kind != "answer" || entry != c.entry {
			t.Errorf("%s: %q after %q got %s from %q, want an answer from %s:\n%s", c.name, c.then, c.first, kind, entry, c.entry, reply)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(reply, w) {
				t.Errorf("%s: reply to %q lacks %q:\n%s", c.name, c.then, w, reply)
			}
		}
		if c.unwant != "" && strings.Contains(reply, c.unwant) {
			t.Errorf("%s: reply to %q has %q:\n%s", c.name, c.then, c.unwant, reply)
		}
	}
}

// Everyday greetings, introductions and small talk are met as a person
// would meet them: greeted back, the name used, the joke laughed at, the
// apology waved off; never "didn't catch that" (QA walk 2026-12-06 09:05,
// item 8).
func TestConvoEverydaySmallTalk(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct {
		lang, text string
		want       string // in the reply
	}{
		{"en", "yo", "I'm Mia"},
		{"en", "sup", "thank"},
		{"en", "hey whats up", "thank"},
		{"en", "hiya mia, hope ur having a good day :)", "thank"},
		{"en", "hi im sarah", "Hi Sarah"},
		{"en", "why did the chicken cross the road", "😄"},
		{"en", "sorry was away. ok thanks", "apologise"},
		{"zh", "嗨喽，在干嘛", "谢谢"},
		{"ko", "하이루 뭐해요", "잘 지내"},
	} {
		reply, kind, _ := f.convo(t, fmt.Sprintf("st%d", i), c.lang, c.text)
		if kind == "rephrase" || saysAny(reply, sayingsOf(t, []string{"en", c.lang}, "rephrase_topics", "rephrase")) || !strings.Contains(reply, c.want) {
			t.Errorf("%s %q: got %s, want a reply with %q:\n%s", c.lang, c.text, kind, c.want, reply)
		}
	}
	// "what's up with my order" asks about the order: no "all good here".
	if reply, _, _ := f.convo(t, "st-order", "en", "whats up with my order"); saysAny(reply, howAreYouReplies(t)) {
		t.Errorf("%q read as how are you:\n%s", "whats up with my order", reply)
	}
}
