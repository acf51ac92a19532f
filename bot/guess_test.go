package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
	"github.com/batonhq/baton/bot/persona"
)

// bikesContents is the bikes dev shop's day-one base (issue 9's headline
// case, testdata/shops) with the shipped prompts, loaded as serve loads
// it, likely tier included, with the guess tier's target set to
// guessRight (0: the default).
func bikesContents(t *testing.T, guessRight float64) *content.Holder {
	return shopContents(t, "bikes", guessRight)
}

// shopContents is a dev shop's base (testdata/shops) with the shipped
// prompts and the guess tier's target set to guessRight (0: the
// default). Contents are never changed by a test, so each shop and
// target is loaded once per run: loading calibrates the base, the bulk
// of these tests' time.
func shopContents(t *testing.T, name string, guessRight float64) *content.Holder {
	t.Helper()
	shopsMu.Lock()
	defer shopsMu.Unlock()
	k := shopKey{name, guessRight}
	if h, ok := shopsLoaded[k]; ok {
		return h
	}
	shop := suitetest.ShopNamed(t, name)
	h, problems, err := content.NewHolder(content.Dir("../prompts"), content.Dir(shop.Knowledge), nil, content.WithGuessRight(guessRight))
	if err != nil || len(problems) > 0 {
		t.Fatalf("load the %s shop: %v (%v)", name, err, problems)
	}
	shopsLoaded[k] = h
	return h
}

type shopKey struct {
	name       string
	guessRight float64
}

var (
	shopsMu     sync.Mutex
	shopsLoaded = map[shopKey]*content.Holder{}
)

// guessedQuery is the first in-scope bikes customer query in lang the
// base's calibrated matcher marks a Guess and the core, asked it on a
// chat of its own through f, answers with a guess (not, say, a person
// for "is there an actual human i can talk to"), and its entry; failing
// that, the first of guessable[lang]. Which ones it guesses moves with
// every ranker or calibration edit, so the example is found, not fixed.
func guessedQuery(t *testing.T, f *fixture, set *content.Set, lang string) (query, entry string) {
	t.Helper()
	shop := suitetest.ShopNamed(t, "bikes")
	var qs []string
	for _, l := range suitetest.ReadFile(t, shop.Queries) {
		if l.Lang == lang && l.ID != "" {
			qs = append(qs, l.Query)
		}
	}
	for i, q := range append(qs, guessable[lang]...) {
		if m := set.KB.Match(context.Background(), q, 3); len(m) > 0 && m[0].Tier() == knowledge.Guess {
			chat := fmt.Sprintf("probe-%s-%d", lang, i)
			f.say(t, chat, q)
			if lastBot(f.session(t, chat)).Kind == "guess" {
				return q, m[0].ID
			}
		}
	}
	t.Fatalf("no %s bikes query is guessed: the guess tier is off or empty on this base", lang)
	return "", ""
}

// guessable are short questions written for these tests, asked of the
// bikes base when none of its customer queries in a language is guessed:
// with the likely tier weighing its samples as a realistic traffic
// (2026-12-06) it hedges every Korean customer query the guess tier took
// before. Terse ones sit between the tiers (bikes, 2026-12-06: all
// guessed at guessTarget, the first three of Korean at the default too).
var guessable = map[string][]string{
	"zh": {"退货要几天", "充电要多久"},
	"ko": {"수리비 얼마예요", "문 닫는 시간", "토요일 몇 시까지 해요", "충전 오래 걸려요?", "반품하고 싶어요", "배달 언제 와요"},
}

// guessTarget is a guess target low enough that every language of the
// bikes base has guesses to show, whatever the ranker's day: the tests
// below are about what the core does with a guess, not about where the
// cut falls (TestUnseenShops measures that at the default).
const guessTarget = 0.3

// TestGuessAsksAboutTheFirstTopic: through the core (real Redis), a
// message whose first topic is a guess gets one question naming it in
// the customer's language and nothing else (no "our pages don't answer
// that"), that topic as the first button, the other topics and "Talk to a
// person" after it. It is a miss like the unsure reply it replaces, and a
// "yes" in the customer's words ("yes", "对", "네") answers the topic,
// ending the streak.
func TestGuessAsksAboutTheFirstTopic(t *testing.T) {
	h := bikesContents(t, guessTarget)
	set := h.Current()
	f := newFixtureOn(t, h, true)
	ctx := context.Background()
	for _, c := range []struct{ lang, yes string }{{"en", "yes"}, {"zh", "对"}, {"ko", "네"}} {
		query, entry := guessedQuery(t, f, set, c.lang)
		chat := "guess-" + c.lang
		msgs, err := f.bot.Handle(ctx, bot.Event{Channel: "test", ChatID: chat, Kind: bot.KindText, Text: query})
		if err != nil {
			t.Fatal(err)
		}
		s := f.session(t, chat)
		if got := lastBot(s); got.Kind != "guess" || got.Entry != "" || s.Misses != 1 {
			t.Fatalf("%s %q: bot turn %+v, misses %d; want a guess, nothing answered, one miss", c.lang, query, got, s.Misses)
		}
		m := msgs[len(msgs)-1]
		e, _ := set.KB.Entry(entry, c.lang)
		title := strings.TrimRight(bot.Plain(e.Title()), ".?!。？！")
		if !isGuessLead(set.Persona, c.lang, title, m.Text) {
			t.Errorf("%s %q: reply is not one guess_lead naming %q, and only that:\n%s", c.lang, query, title, m.Text)
		}
		if len(m.Buttons) < 2 || m.Buttons[0].Kind != bot.KindTopic || m.Buttons[0].Value != entry || m.Buttons[len(m.Buttons)-1].Kind != bot.KindPerson {
			t.Errorf("%s %q: buttons %+v; want %s first, the other topics, then Talk to a person", c.lang, query, m.Buttons, entry)
		}
		f.say(t, chat, c.yes)
		s = f.session(t, chat)
		if got := lastBot(s); got.Kind != "answer" || got.Entry != entry || s.Misses != 0 {
			t.Errorf("%s %q after the guess: bot turn %+v, misses %d; want %s answered and the streak ended", c.lang, c.yes, got, s.Misses, entry)
		}
	}
}

// isGuessLead reports whether text is exactly one variant of guess_lead
// naming title in lang.
func isGuessLead(p *persona.Persona, lang, title, text string) bool {
	for i := range p.Variants(lang, "guess_lead") {
		if text == p.Say(lang, "guess_lead", persona.Data{Topics: []string{title}, Seed: i}) {
			return true
		}
	}
	return false
}

// TestNoToAGuess: "no" to a guess asks for the need in other words with
// the other topics (never the guessed one again) and a person; the guess
// was the miss, so the streak does not grow. A tap on the guessed topic
// answers it like any topic.
func TestNoToAGuess(t *testing.T) {
	h := bikesContents(t, guessTarget)
	set := h.Current()
	f := newFixtureOn(t, h, true)
	ctx := context.Background()
	query, entry := guessedQuery(t, f, set, "en")
	f.say(t, "c1", query)
	msgs, err := f.bot.Handle(ctx, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "no"})
	if err != nil {
		t.Fatal(err)
	}
	s := f.session(t, "c1")
	m := msgs[len(msgs)-1]
	if got := lastBot(s); got.Kind != "rephrase" || s.Misses != 1 || !saysOneOf(t, m.Text, "en", "guess_no") {
		t.Fatalf("\"no\" after a guess: bot turn %+v, misses %d; want guess_no and still one miss:\n%s", got, s.Misses, m.Text)
	}
	for _, b := range m.Buttons {
		if b.Value == entry {
			t.Errorf("the rejected guess %s is offered again: %+v", entry, m.Buttons)
		}
	}
	if len(m.Buttons) == 0 || m.Buttons[len(m.Buttons)-1].Kind != bot.KindPerson {
		t.Errorf("buttons %+v: want the other topics, then Talk to a person", m.Buttons)
	}

	f.say(t, "c2", query)
	f.send(t, bot.Event{Channel: "test", ChatID: "c2", Kind: bot.KindTopic, Text: entry})
	if s := f.session(t, "c2"); lastBot(s).Kind != "answer" || lastBot(s).Entry != entry || s.Misses != 0 {
		t.Errorf("tapping the guessed topic: bot turn %+v, misses %d; want %s answered", lastBot(s), s.Misses, entry)
	}
}

// TestOffTopicIsNotGuessed: chit-chat and other trades' questions stay
// out of the guess tier at the default target, on the day-one bikes base
// and on the shipped one.
func TestOffTopicIsNotGuessed(t *testing.T) {
	msgs := []string{"what's the weather like today?", "tell me a joke", "who won the football last night?", "write me a poem about cats",
		"what's the best pizza topping?", "推荐一部好看的电影吧", "今天天气怎么样", "축구 경기 누가 이겼어요?", "재밌는 얘기 해 주세요"}
	for name, f := range map[string]*fixture{"bikes": newFixtureOn(t, bikesContents(t, 0), false), "shipped": newFixture(t, false)} {
		for i, q := range msgs {
			chat := name + string(rune('a'+i))
			f.say(t, chat, q)
			if got := lastBot(f.session(t, chat)); got.Kind == "guess" || got.Kind == "likely" || got.Kind == "answer" {
				t.Errorf("%s: %q: bot turn %+v, want neither guessed, hedged nor answered", name, q, got)
			}
		}
	}
}

// TestBikesKoreanQueriesAreHedged: through the core at the shipped
// targets, bikes' Korean customer queries (dev) the likely tier now
// takes get their entry's answer under the Korean likely_lead naming it,
// likely_else and the other topics with "Talk to a person" after. Since
// the likely tier weighs its samples as a realistic traffic (2026-12-06)
// 6 of the 20 are hedged, all with the right entry (3 before, which this
// floor of 5 fails); TestUnseenShops measures the whole shop.
func TestBikesKoreanQueriesAreHedged(t *testing.T) {
	h := bikesContents(t, 0)
	set := h.Current()
	f := newFixtureOn(t, h, true)
	ctx := context.Background()
	shop := suitetest.ShopNamed(t, "bikes")
	right := 0
	for i, l := range suitetest.ReadFile(t, shop.Queries) {
		if l.Lang != "ko" || l.ID == "" {
			continue
		}
		chat := fmt.Sprintf("ko-hedge-%d", i)
		msgs, err := f.bot.Handle(ctx, bot.Event{Channel: "test", ChatID: chat, Kind: bot.KindText, Text: l.Query})
		if err != nil {
			t.Fatal(err)
		}
		s := f.session(t, chat)
		if got := lastBot(s); got.Kind != "likely" || got.Entry != l.ID {
			continue
		}
		right++
		m := msgs[len(msgs)-1]
		e, ok := set.KB.Entry(l.ID, "ko")
		if !ok {
			t.Fatalf("no ko entry %s", l.ID)
		}
		lead := set.Persona.Say("ko", "likely_lead", persona.Data{Topics: []string{strings.TrimRight(bot.Plain(e.Title()), "?.!？。！")}})
		if !strings.HasPrefix(m.Text, lead) || !saysOneOf(t, m.Text, "ko", "likely_else") {
			t.Errorf("%q hedged as %s: reply lacks the Korean likely_lead %q or likely_else:\n%s", l.Query, l.ID, lead, m.Text)
		}
		if len(m.Buttons) < 2 || m.Buttons[0].Kind != bot.KindTopic || m.Buttons[len(m.Buttons)-1].Kind != bot.KindPerson {
			t.Errorf("%q hedged as %s: buttons %+v; want the other topics, then Talk to a person", l.Query, l.ID, m.Buttons)
		}
	}
	t.Logf("bikes' Korean customer queries hedged with the right entry: %d of 20", right)
	if right < 5 {
		t.Errorf("bikes' Korean customer queries hedged with the right entry: %d of 20, want at least 5 (6 on 2026-12-06)", right)
	}
}
