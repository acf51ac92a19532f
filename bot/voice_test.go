package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
)

// stars records the ratings the bot hands its observers, per conversation.
type stars struct {
	mu sync.Mutex
	by map[string][]int
}

func (r *stars) Observe(_ context.Context, _ *session.Session, ev lifecycle.Event) {
	if e, ok := ev.(lifecycle.Rated); ok {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.by == nil {
			r.by = map[string][]int{}
		}
		r.by[e.Conv] = append(r.by[e.Conv], e.Stars)
	}
}

func (r *stars) of(chat string) []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.by[bot.ConvID("test", chat)]
}

// turnIn says lines in chat with a platform language and returns the
// messages of the last turn, buttons and all.
func (f *fixture) turnIn(t *testing.T, chat, lang string, lines ...string) []bot.Message {
	t.Helper()
	var msgs []bot.Message
	for _, l := range lines {
		before := f.out.len()
		var err error
		msgs, err = f.bot.Handle(context.Background(), bot.Event{Channel: "test", ChatID: chat, Kind: bot.KindText, Text: l, Customer: bot.Customer{Name: "Jane Doe", Lang: lang}})
		if err != nil {
			t.Fatalf("Handle(%q): %v", l, err)
		}
		msgs = append(f.out.takeFrom(before), msgs...)
	}
	return msgs
}

func replyText(msgs []bot.Message) string {
	var parts []string
	for _, m := range msgs {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n")
}

func topicButtons(msgs []bot.Message) int {
	n := 0
	for _, m := range msgs {
		for _, b := range m.Buttons {
			if b.Kind == bot.KindTopic {
				n++
			}
		}
	}
	return n
}

// A greeting that names the time of day is mirrored even with other words
// around it; a plain greeting follows the shop's zone. The clock is 10:00
// UTC, 19:00 in Seoul and 05:00 in New York.
func TestGreetingMirrorsTimeOfDayWithOtherWords(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, false, bot.WithLocation(seoul))
	for i, c := range []struct{ lang, text, want, not string }{
		{"en", "hey good morning", "morning", "evening"},
		{"en", "morning all", "morning", "evening"},
		{"en", "hi there, good afternoon!", "afternoon", "evening"},
		{"zh", "早上好呀", "早上", "晚上"},
		{"zh", "你好，下午好", "下午", "晚上"},
		{"zh", "大家早啊", "早上", "晚上"},
		{"ko", "안녕하세요 좋은 아침이에요", "아침", "저녁"},
		{"ko", "안녕하세요, 좋은 오후입니다", "오후", "저녁"},
		{"ko", "하이 좋은 아침이네요", "아침", "저녁"},
		// Plain greetings: the shop's evening.
		{"en", "hey", "evening", "morning"},
		{"zh", "你好", "晚上", "早上"},
		{"ko", "안녕하세요", "저녁", "아침"},
	} {
		msgs := f.turnIn(t, fmt.Sprintf("g%d", i), c.lang, c.text)
		reply := replyText(msgs)
		if !strings.Contains(reply, c.want) || strings.Contains(reply, c.not) {
			t.Errorf("%s %q at 19:00 shop time: %q; want %q, not %q", c.lang, c.text, reply, c.want, c.not)
		}
		if topicButtons(msgs) > 0 || strings.Contains(reply, "catch") {
			t.Errorf("%s %q: a greeting got topics: %q", c.lang, c.text, reply)
		}
	}
	ny := newFixture(t, false, bot.WithLocation(newYork))
	if reply := ny.say(t, "ny", "hello"); !strings.Contains(reply, "morning") {
		t.Errorf("hello at 05:00 shop time: %q, want morning", reply)
	}
}

// A goodbye that names the time of day is a goodbye: after an answer it
// gets the rating request, in Korean as in English and Chinese.
func TestTimeOfDayGoodbyeAsksForARating(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, question, bye string }{
		{"ko", "배송 조회 어떻게 해요", "감사해요 좋은 밤 되세요"},
		{"ko", "배송 얼마나 걸려요?", "좋은 오후 보내세요"},
		{"ko", "반품 신청 어떻게 해요?", "네 좋은 저녁 되세요"},
		{"en", "how do I track my order", "thanks, have a good evening"},
		{"zh", "怎么查物流", "谢谢，晚安"},
	} {
		if _, kind, _ := f.convo(t, fmt.Sprintf("b%d", i), c.lang, c.question, c.bye); kind != "survey" {
			t.Errorf("%s %q after an answer: last turn %s, want the rating request", c.lang, c.bye, kind)
		}
	}
}

// A rating typed without the prompt, right after a closing, is the
// conversation's rating; after the prompt, one written out in words counts.
func TestUnaskedRatingAfterClosingIsRecorded(t *testing.T) {
	rec := &stars{}
	f := newFixture(t, false, bot.WithObservers(rec))
	opening := map[string][]string{
		"en": {"how do I track my order", "perfect thanks"},
		"zh": {"怎么查物流", "谢谢"},
		"ko": {"배송 조회 어떻게 해요", "감사합니다"},
	}
	for i, c := range []struct {
		lang, rating string
		prompted     bool
		want         int
	}{
		{"en", "10/10 would chat again", false, 5},
		{"en", "5/5", false, 5},
		{"en", "5 stars, thank you so much!", false, 5},
		{"en", "8/10", false, 4},
		{"zh", "给你五星好评", false, 5},
		{"zh", "五星好评！谢谢", false, 5},
		{"zh", "打5分", false, 5},
		{"ko", "별 다섯 개 드릴게요", false, 5},
		{"ko", "5점 드려요", false, 5},
		{"ko", "별점 4점이요 감사해요", false, 4},
		// After the prompt.
		{"en", "I'd give it a 4 out of 5", true, 4},
		{"en", "I would give you a solid 5/5", true, 5},
		{"en", "4 stars, great service", true, 4},
		{"zh", "给个四星吧", true, 4},
		{"ko", "별 다섯 개 드릴게요", true, 5},
	} {
		chat := fmt.Sprintf("u%d", i)
		lines := opening[c.lang]
		if c.prompted {
			lines = ratingAsked[c.lang]
		}
		f.convo(t, chat, c.lang, lines...)
		reply, kind, _ := f.convo(t, chat, c.lang, c.rating)
		if got := rec.of(chat); kind != "rated" || len(got) != 1 || got[0] != c.want {
			t.Errorf("%s %q (prompted %v): turn %s, ratings %v, reply %q; want %d stars", c.lang, c.rating, c.prompted, kind, got, reply, c.want)
		}
	}
}

// A rating mid-conversation, or a second one, gets a warm thanks and is
// not recorded (again); never a list of topics.
func TestUnaskedRatingElsewhereGetsWarmThanks(t *testing.T) {
	rec := &stars{}
	f := newFixture(t, false, bot.WithObservers(rec))
	for i, c := range []struct {
		lang  string
		lines []string
		want  string
		n     int // ratings recorded in the conversation
	}{
		{"en", []string{"how do I track my order", "5/5"}, "thank", 0},
		{"en", []string{"hi", "10/10 would recommend"}, "thank", 0},
		{"zh", []string{"怎么查物流", "给你五星好评"}, "谢", 0},
		{"ko", []string{"배송 조회 어떻게 해요", "별 다섯 개 드릴게요"}, "감사", 0},
		{"en", []string{"how do I track my order", "thanks", "5/5", "10/10 would chat again"}, "thank", 1},
	} {
		chat := fmt.Sprintf("w%d", i)
		f.convo(t, chat, c.lang, c.lines[:len(c.lines)-1]...)
		msgs := f.turnIn(t, chat, c.lang, c.lines[len(c.lines)-1])
		reply := replyText(msgs)
		says := strings.Contains(strings.ToLower(reply), c.want)
		if strings.HasPrefix(c.want, "chat_") {
			says = saysOneOf(t, reply, c.lang, c.want)
		}
		if topicButtons(msgs) > 0 || !says {
			t.Errorf("%s %q: %q (%d topics); want a warm thanks with %q", c.lang, c.lines, reply, topicButtons(msgs), c.want)
		}
		if got := rec.of(chat); len(got) != c.n {
			t.Errorf("%s %q: ratings %v, want %d", c.lang, c.lines, got, c.n)
		}
	}
}

// Numbers with units that are not ratings, after a closing, are answered
// as messages.
func TestNumbersAfterClosingAreNotRatings(t *testing.T) {
	rec := &stars{}
	f := newFixture(t, false, bot.WithObservers(rec))
	opening := map[string][]string{
		"en": {"how do I track my order", "thanks"},
		"zh": {"怎么查物流", "谢谢"},
		"ko": {"배송 조회 어떻게 해요", "감사합니다"},
	}
	for i, c := range []struct{ lang, text string }{
		{"en", "2 items are missing from my order"},
		{"en", "1/10 of the order arrived"},
		{"en", "5 stars but the box was damaged"},
		{"en", "3"},
		{"zh", "我5分钟前刚下的单"},
		{"zh", "5分钟前下的单能取消吗"},
		{"ko", "5개 주문했는데 하나 안 왔어요"},
		{"ko", "2개 더 살게요"},
		{"en", "5 stars?"},
		{"zh", "五星？"},
	} {
		chat := fmt.Sprintf("n%d", i)
		f.convo(t, chat, c.lang, opening[c.lang]...)
		if _, kind, _ := f.convo(t, chat, c.lang, c.text); kind == "rated" || len(rec.of(chat)) > 0 {
			t.Errorf("%s %q after a closing was taken as a rating (turn %s)", c.lang, c.text, kind)
		}
	}
}

// Small talk never ends in a list of topics: a few words after it that
// the knowledge base does not answer are part of it, and identity
// questions get the honest answer.
func TestSmallTalkNeverEndsInTopics(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct{ lang, text, want string }{
		{"en", "what's the weather like over there?", "hope"},
		{"en", "how's the weather where you are today?", "hope"},
		{"en", "tell me a joke please lol", "orders"},
		{"zh", "你那边天气怎么样呀今天", "chat_weather"}, // a message's key: any of its wordings
		{"ko", "거기 날씨 어때요 요즘", "chat_weather"},
		{"en", "are you a real person or an automated reply?", "virtual assistant"},
		{"en", "is this a bot or a real agent", "virtual assistant"},
		{"en", "are you human or is it a bot?", "virtual assistant"},
		{"zh", "你们是真人还是自动回复啊", "虚拟助手"},
		{"zh", "你是机器人还是真人？", "虚拟助手"},
		{"zh", "是真人吗 还是说是机器人", "虚拟助手"},
		{"ko", "혹시 사람이 답하는 건가요 아니면 자동응답인가요?", "가상 상담원"},
		{"ko", "봇이에요 아니면 사람이에요?", "가상 상담원"},
		{"ko", "챗봇인가요 혹은 상담원인가요", "가상 상담원"},
	} {
		msgs := f.turnIn(t, fmt.Sprintf("s%d", i), c.lang, c.text)
		reply := replyText(msgs)
		says := strings.Contains(strings.ToLower(reply), c.want)
		if strings.HasPrefix(c.want, "chat_") {
			says = saysOneOf(t, reply, c.lang, c.want)
		}
		if topicButtons(msgs) > 0 || !says {
			t.Errorf("%s %q: %q (%d topics); want %q and no topics", c.lang, c.text, reply, topicButtons(msgs), c.want)
		}
		for _, miss := range []string{"catch", "not quite sure", "不太确定", "이해하지 못했"} {
			if strings.Contains(reply, miss) {
				t.Errorf("%s %q: %q says it did not understand", c.lang, c.text, reply)
			}
		}
	}
	// A real question after small talk is still answered.
	if _, kind, entry := f.convo(t, "s-q", "en", "are you a bot? how long does shipping take"); kind != "answer" || entry == "" {
		t.Errorf("question after small talk: turn %s entry %q, want an answer", kind, entry)
	}
}

// Cold replies made warm: "???" after we spoke is reassured; a laugh gets
// a light reply; two empty messages in a row are not answered alike.
func TestWarmRepliesToPingsLaughsAndEmptyMessages(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct {
		lang  string
		lines []string
		want  []string
		not   []string
	}{
		{"zh", []string{"有人吗", "？？？"}, []string{"在"}, []string{"其他"}},
		{"zh", []string{"怎么查物流", "???"}, []string{"在"}, []string{"其他"}},
		{"en", []string{"hi", "???"}, []string{"here"}, []string{"anything else"}},
		{"ko", []string{"안녕하세요", "??"}, []string{"네"}, []string{"더 도와드릴"}},
		{"en", []string{"lol"}, []string{"😄"}, []string{"tell us a little more", "what you ordered"}},
		{"en", []string{"how do I track my order", "hahaha"}, []string{"😄"}, []string{"tell us a little more"}},
		{"zh", []string{"哈哈哈"}, []string{"😄"}, []string{"多告诉"}},
		{"ko", []string{"배송 조회 어떻게 해요", "ㅋㅋㅋㅋ"}, []string{"😄"}, []string{"자세히"}},
	} {
		msgs := f.turnIn(t, fmt.Sprintf("p%d", i), c.lang, c.lines...)
		reply := replyText(msgs)
		if topicButtons(msgs) > 0 {
			t.Errorf("%s %q: topics in %q", c.lang, c.lines, reply)
		}
		for _, w := range c.want {
			if !strings.Contains(reply, w) {
				t.Errorf("%s %q: %q lacks %q", c.lang, c.lines, reply, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(strings.ToLower(reply), w) {
				t.Errorf("%s %q: %q has %q", c.lang, c.lines, reply, w)
			}
		}
	}
	for _, lang := range []string{"en", "zh", "ko"} {
		chat := "e-" + lang
		f.turnIn(t, chat, lang, "hi")
		first := replyText(f.turnIn(t, chat, lang, ""))
		second := replyText(f.turnIn(t, chat, lang, ""))
		if first == "" || first == second {
			t.Errorf("%s: two empty messages answered %q and %q; want two different lines", lang, first, second)
		}
	}
}

// ratingAsked is a question answered, then a goodbye: the conversation
// that ends with the rating prompt, in each language.
var ratingAsked = map[string][]string{
	"en": {"how do I track my order", "thanks bye"},
	"zh": {"怎么查物流", "谢谢，再见"},
	"ko": {"배송 조회 어떻게 해요", "감사해요 좋은 밤 되세요"},
}
