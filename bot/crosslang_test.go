package bot_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// partialKB is a knowledge base where only one entry has a Chinese
// version: the others exist in English alone.
var partialKB = map[string]string{
	"en/payment/paypal.md": `---
questions:
  - "Can I pay with PayPal?"
  - "Do you accept PayPal?"
  - "PayPal checkout"
tip: "PayPal refunds arrive within 1-2 days."
---
Yes, we accept PayPal: choose it at checkout and log in to approve.
`,
	"en/account/password.md": `---
questions:
  - "I forgot my password."
  - "How do I reset my password?"
  - "reset password"
also: [payment/paypal, shipping/times]
---
Tap Forgot password on the sign-in page and we email you a reset link.
`,
	"en/shipping/times.md": `---
questions:
  - "How long does shipping take?"
  - "When will my order arrive?"
  - "delivery time"
tip: "Express arrives in 1-2 business days."
---
Orders arrive in 2-4 business days.
`,
	"zh/shipping/times.md": `---
questions:
  - "多久能到"
  - "什么时候发货"
  - "快递要几天"
tip: "加急快递1-2个工作日送达。"
---
订单2-4个工作日送达。
`,
}

// partialFixture runs the core over the shipped prompts and partialKB,
// with real Redis.
func partialFixture(t *testing.T) (*bot.Bot, *content.Holder) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range partialKB {
		file := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return botOver(t, dir)
}

// botOver runs the core over the shipped prompts and the knowledge in
// dir, with real Redis and a fixed clock.
func botOver(t *testing.T, dir string) (*bot.Bot, *content.Holder) {
	t.Helper()
	h, problems, err := content.NewHolder(content.Dir("../prompts"), content.Dir(dir), nil)
	if err != nil || len(problems) > 0 {
		t.Fatalf("load contents: %v %v", err, problems)
	}
	store := sessiontest.Store(t, session.WithMaxTurns(200))
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	b := bot.New(store, h, bot.WithClock(func() time.Time { return now }), bot.WithLocation(time.UTC))
	b.Register("test", &outbox{})
	return b, h
}

func handle(t *testing.T, b *bot.Bot, ev bot.Event) []bot.Message {
	t.Helper()
	ev.Channel = "test"
	msgs, err := b.Handle(context.Background(), ev)
	if err != nil {
		t.Fatalf("Handle(%q): %v", ev.Text, err)
	}
	if len(msgs) == 0 {
		t.Fatalf("Handle(%q): no reply", ev.Text)
	}
	return msgs
}

func TestAnswerOnlyInEnglishSaysSoInTheCustomersLanguage(t *testing.T) {
	b, _ := partialFixture(t)
	msgs := handle(t, b, bot.Event{ChatID: "zh-paypal", Kind: bot.KindText, Text: "请问 can I pay with PayPal?"})
	got := msgs[0].Text
	note := "这条解答目前只有英文版"
	if !strings.Contains(got, note) || !strings.Contains(got, "Yes, we accept PayPal") {
		t.Fatalf("reply = %q, want the English answer with the Chinese note %q", got, note)
	}
	if strings.Index(got, note) > strings.Index(got, "Yes, we accept PayPal") {
		t.Errorf("the note comes after the answer: %q", got)
	}
	if strings.Contains(got, "订单2-4个工作日送达") {
		t.Errorf("answered the Chinese entry in its place: %q", got)
	}
	if strings.Count(got, "英文版") != 1 {
		t.Errorf("the language line is said more than once: %q", got)
	}
}

func TestCrossLanguageTipsAreInTheCustomersOrTheAnswersLanguage(t *testing.T) {
	b, _ := partialFixture(t)
	got := handle(t, b, bot.Event{ChatID: "zh-password", Kind: bot.KindText, Text: "我忘了password, 怎么reset password"})[0].Text
	if !strings.Contains(got, "Tap Forgot password") || !strings.Contains(got, "这条解答目前只有英文版") {
		t.Fatalf("reply = %q, want the English password answer with the Chinese note", got)
	}
	// shipping/times has a Chinese tip, the customer's language; paypal's
	// tip is in English, the answer's language. Both are fine, and the
	// English tip of shipping/times is not given beside its Chinese one.
	for _, want := range []string{"加急快递1-2个工作日送达", "PayPal refunds arrive"} {
		if !strings.Contains(got, want) {
			t.Errorf("reply lacks the tip %q: %q", want, got)
		}
	}
	if strings.Contains(got, "Express arrives") {
		t.Errorf("tip given twice, in English too: %q", got)
	}
}

func TestAnswerInTheCustomersLanguageHasNoLanguageLine(t *testing.T) {
	b, _ := partialFixture(t)
	got := handle(t, b, bot.Event{ChatID: "en-paypal", Kind: bot.KindText, Text: "do you guys accept paypal"})[0].Text
	if !strings.Contains(got, "Yes, we accept PayPal") {
		t.Fatalf("reply = %q, want the PayPal answer", got)
	}
	if strings.Contains(got, "only for now") {
		t.Errorf("an English answer to an English customer says it is in English only: %q", got)
	}
	got = handle(t, b, bot.Event{ChatID: "zh-times", Kind: bot.KindText, Text: "快递要几天才能到"})[0].Text
	if !strings.Contains(got, "订单2-4个工作日送达") || strings.Contains(got, "版") {
		t.Errorf("reply = %q, want the Chinese entry with no language line", got)
	}
}

func TestPickedTopicInAnotherLanguageSaysSo(t *testing.T) {
	b, _ := partialFixture(t)
	handle(t, b, bot.Event{ChatID: "ko-topic", Kind: bot.KindText, Text: "안녕하세요"})
	got := handle(t, b, bot.Event{ChatID: "ko-topic", Kind: bot.KindTopic, Text: "payment/paypal"})[0].Text
	if !strings.Contains(got, "영어로만") || !strings.Contains(got, "Yes, we accept PayPal") {
		t.Errorf("reply = %q, want the English answer with the Korean note", got)
	}
}

func TestTopicsOfferReadableEntriesFirst(t *testing.T) {
	_, h := partialFixture(t)
	q := bot.Question{Text: "嗯", Lang: "zh", Candidates: []knowledge.Match{
		{ID: "payment/paypal", Lang: "en", Score: 0.4},
		{ID: "account/password", Lang: "en", Score: 0.3},
		{ID: "shipping/times", Lang: "zh", Score: 0.2},
	}}
	ans, err := bot.KnowledgeAnswerer(h).Answer(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Confident || len(ans.Topics) != 3 {
		t.Fatalf("answer = %+v, want a rephrase request with three topics", ans)
	}
	want := []bot.Topic{
		{Entry: "shipping/times", Title: "多久能到"},
		{Entry: "payment/paypal", Title: "Can I pay with PayPal?"},
		{Entry: "account/password", Title: "I forgot my password."},
	}
	for i, tp := range ans.Topics {
		if tp != want[i] {
			t.Errorf("topic %d = %+v, want %+v", i, tp, want[i])
		}
	}
}
