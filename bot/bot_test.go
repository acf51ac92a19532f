package bot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// clock is a settable time source shared by the bot and the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// outbox records what the bot sends on its own.
type outbox struct {
	mu   sync.Mutex
	msgs []bot.Message
	to   []string
	fail error // when set, Send fails with it and sends nothing
}

func (o *outbox) failWith(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.fail = err
}

func (o *outbox) Send(_ context.Context, chatID string, m bot.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	o.msgs = append(o.msgs, m)
	o.to = append(o.to, chatID)
	return nil
}

func (o *outbox) len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.msgs)
}

// takeFrom removes and returns the messages sent since the outbox held n.
func (o *outbox) takeFrom(n int) []bot.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := slices.Clone(o.msgs[n:])
	o.msgs, o.to = o.msgs[:n], o.to[:n]
	return out
}

func (o *outbox) texts() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var s []string
	for _, m := range o.msgs {
		s = append(s, m.Text)
	}
	return s
}

// desk records what the core asks of the agent desk.
type desk struct {
	mu      sync.Mutex
	opened  []*session.Session
	relayed []bot.Event
	changes []string
	rating  int
}

func (d *desk) Render(_ context.Context, s *session.Session, ev lifecycle.Event) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	change := ""
	switch e := ev.(type) {
	case lifecycle.Opened:
		cp := *s
		d.opened = append(d.opened, &cp)
	case lifecycle.CustomerWroteWhileWaiting:
		d.relayed = append(d.relayed, bot.Event{Kind: bot.Kind(e.Kind), Text: e.Text})
	case lifecycle.Claimed:
		change = "claimed"
	case lifecycle.Resolved:
		change = "resolved"
	case lifecycle.Returned:
		change = "returned"
	case lifecycle.Reminded:
		change = "reminder"
	case lifecycle.Transferred:
		change = "transferred"
	case lifecycle.Rated:
		if e.Who == "agent" {
			change = "rated"
		}
	case lifecycle.Commented:
		change = "rated"
	}
	if change != "" {
		d.changes = append(d.changes, change)
		if s.Handoff != nil {
			d.rating = s.Handoff.Rating
		}
	}
	return nil
}

type fixture struct {
	bot   *bot.Bot
	store *session.Store
	clock *clock
	out   *outbox
	desk  *desk
}

// contents is the shipped prompts and knowledge, loaded once for the
// whole test binary (shipped_test.go).
func contents(t testing.TB) *content.Holder {
	t.Helper()
	return bot.ShippedHolder(t)
}

func newFixture(t testing.TB, withDesk bool, opts ...bot.Option) *fixture {
	t.Helper()
	return newFixtureOn(t, contents(t), withDesk, opts...)
}

// newFixtureOn is newFixture on other contents (another shop's base).
func newFixtureOn(t testing.TB, h bot.Contents, withDesk bool, opts ...bot.Option) *fixture {
	t.Helper()
	f := &fixture{
		store: sessiontest.Store(t, session.WithMaxTurns(200)),
		clock: &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}, // a Monday morning
		out:   &outbox{},
		desk:  &desk{},
	}
	all := []bot.Option{bot.WithClock(f.clock.Now), bot.WithLocation(time.UTC)}
	if withDesk {
		all = append(all, bot.WithDesk(f.desk))
	}
	f.bot = bot.New(f.store, h, append(all, opts...)...)
	f.bot.Register("test", f.out)
	return f
}

func (f *fixture) say(t *testing.T, chat, text string) string {
	t.Helper()
	return f.send(t, bot.Event{Channel: "test", ChatID: chat, Kind: bot.KindText, Text: text, Customer: bot.Customer{Name: "Jane Doe"}})
}

// send hands the core one event and returns the turn's replies. A turn
// that opens a handoff sends its replies itself, before the card is
// posted; they are taken back out of the outbox here, so the outbox keeps
// only what the bot sends on its own (agent replies, check-ins).
func (f *fixture) send(t *testing.T, ev bot.Event) string {
	t.Helper()
	before := f.out.len()
	msgs, err := f.bot.Handle(context.Background(), ev)
	if err != nil {
		t.Fatalf("Handle(%q): %v", ev.Text, err)
	}
	msgs = append(f.out.takeFrom(before), msgs...)
	var parts []string
	for _, m := range msgs {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n")
}

func (f *fixture) session(t *testing.T, chat string) *session.Session {
	t.Helper()
	s, ok, err := f.store.Get(context.Background(), bot.ConvID("test", chat))
	if err != nil || !ok {
		t.Fatalf("session %s: ok=%v err=%v", chat, ok, err)
	}
	return s
}

func lastBot(s *session.Session) session.Turn {
	for i := len(s.Turns) - 1; i >= 0; i-- {
		if s.Turns[i].Role == "bot" {
			return s.Turns[i]
		}
	}
	return session.Turn{}
}

func TestGreetingIntroducesByNameInThreeLanguages(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct{ chat, text string }{{"en", "Hi!"}, {"zh", "你好"}, {"ko", "안녕하세요"}} {
		reply := f.say(t, c.chat, c.text)
		if !strings.Contains(reply, "Mia") {
			t.Errorf("%s greeting %q: reply %q does not introduce Mia", c.chat, c.text, reply)
		}
		if got := f.session(t, c.chat).Lang; got != c.chat {
			t.Errorf("%s greeting: session language %q", c.chat, got)
		}
		if k := lastBot(f.session(t, c.chat)).Kind; k != "greeting" {
			t.Errorf("%s greeting: bot turn kind %q, want greeting", c.chat, k)
		}
	}
}

func TestAnswersFromKnowledgeWithTips(t *testing.T) {
	f := newFixture(t, false)
	reply := f.say(t, "c1", "How long does shipping take?")
	s := f.session(t, "c1")
	if got := lastBot(s); got.Entry != "shipping/times" || got.Kind != "answer" {
		t.Fatalf("answered from %q (%s), want shipping/times answer; reply %q", got.Entry, got.Kind, reply)
	}
	if !strings.Contains(reply, "2-4 business days") {
		t.Errorf("reply lacks the entry's answer: %q", reply)
	}
	if strings.Contains(reply, "**") {
		t.Errorf("reply still has Markdown emphasis: %q", reply)
	}
	// also: [orders/tracking, shipping/costs] carries their tips.
	kb := contents(t).Current().KB
	tracking, _ := kb.Entry("orders/tracking", "en")
	if tracking.Tip == "" || !strings.Contains(reply, tracking.Tip) {
		t.Errorf("reply lacks the proactive tip of orders/tracking %q: %q", tracking.Tip, reply)
	}
}

func TestAnswersInCustomersLanguage(t *testing.T) {
	f := newFixture(t, false)
	kb := contents(t).Current().KB
	for _, c := range []struct{ chat, text, id, lang string }{
		{"zh", "我想退货，怎么办？", "returns/start", "zh"},
		{"ko", "배송 조회는 어떻게 해요?", "orders/tracking", "ko"},
	} {
		reply := f.say(t, c.chat, c.text)
		got := lastBot(f.session(t, c.chat))
		e, ok := kb.Entry(got.Entry, c.lang)
		if !ok || got.Kind != "answer" {
			t.Fatalf("%s: no answer (turn %+v) reply %q", c.chat, got, reply)
		}
		if e.Lang != c.lang || !strings.Contains(reply, strings.TrimSpace(strings.SplitN(e.Answer, "\n", 2)[0])[:12]) {
			t.Errorf("%s: reply not in %s from %s: %q", c.chat, c.lang, got.Entry, reply)
		}
	}
}

func TestLowConfidenceAsksToRephraseNeverGuesses(t *testing.T) {
	f := newFixture(t, false)
	reply := f.say(t, "c1", "what is the airspeed velocity of an unladen swallow")
	got := lastBot(f.session(t, "c1"))
	if got.Kind != "rephrase" || got.Entry != "" {
		t.Fatalf("off-topic question answered as %s from %q: %q", got.Kind, got.Entry, reply)
	}
	if reply == "" || len(strings.Fields(reply)) < 4 {
		t.Errorf("rephrase request is not a full sentence: %q", reply)
	}
}

func TestNoDeskHandoffIsHonestAndStaysHelpful(t *testing.T) {
	f := newFixture(t, false)
	reply := f.say(t, "c1", "I want to talk to a real person")
	s := f.session(t, "c1")
	if s.Handoff == nil || s.Handoff.Reason != "explicit" {
		t.Fatalf("no explicit handoff recorded: %+v", s.Handoff)
	}
	if s.Mode != session.ModeBot || lastBot(s).Kind != "nodesk" {
		t.Errorf("without a desk the bot must stay in charge; mode %s kind %s", s.Mode, lastBot(s).Kind)
	}
	if !strings.Contains(reply, "support@kumo.example") {
		t.Errorf("no-desk reply does not say how to reach the team: %q", reply)
	}
	// Still helpful afterwards.
	f.say(t, "c1", "How long does shipping take?")
	if got := lastBot(f.session(t, "c1")); got.Entry != "shipping/times" {
		t.Errorf("after a no-desk handoff the bot stopped answering: %+v", got)
	}
}

func TestHandoffRelayAgentResolveRating(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	conv := bot.ConvID("test", "c1")
	f.say(t, "c1", "Where is my order?")
	reply := f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
	s := f.session(t, "c1")
	if s.Mode != session.ModeWaiting || s.Handoff == nil || s.Handoff.Reason != "explicit" {
		t.Fatalf("after /human: mode %s handoff %+v", s.Mode, s.Handoff)
	}
	if !strings.Contains(reply, "5 minutes") {
		t.Errorf("handoff message gives no rough wait: %q", reply)
	}
	if len(f.desk.opened) != 1 || len(f.desk.opened[0].Turns) < 3 {
		t.Fatalf("desk not opened with the story: %+v", f.desk.opened)
	}

	// While nobody has it yet, a question the pages answer is answered
	// (handoffs are never silent, QA walk 2026-12-06 09:05 item 4), and
	// still relayed to the agents.
	if reply := f.say(t, "c1", "How long does shipping take?"); !strings.Contains(reply, "While you wait") {
		t.Errorf("a question the pages answer, asked while waiting: %q", reply)
	}
	if reply := f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindPhoto}); reply == "" {
		t.Errorf("a photo during handoff got no acknowledgement")
	}
	if len(f.desk.relayed) != 2 || f.desk.relayed[0].Text != "How long does shipping take?" {
		t.Fatalf("relayed %+v", f.desk.relayed)
	}

	lia := bot.Agent{ID: "U1", Name: "Lia Park"}
	if err := f.bot.AgentMessage(ctx, conv, lia, "Hi Jane, I see your order left yesterday."); err != nil {
		t.Fatal(err)
	}
	sent := f.out.texts()
	if len(sent) != 2 || !strings.Contains(sent[0], "Lia") || sent[1] != "Hi Jane, I see your order left yesterday." {
		t.Fatalf("customer got %q", sent)
	}
	if s := f.session(t, "c1"); s.Mode != session.ModeAgent || s.Handoff.AgentID != "U1" || s.Handoff.FirstReplyAt.IsZero() {
		t.Fatalf("first agent reply did not claim: %+v", s.Handoff)
	}

	if err := f.bot.Resolve(ctx, conv, lia); err != nil {
		t.Fatal(err)
	}
	sent = f.out.texts()
	survey := f.out.msgs[len(f.out.msgs)-1]
	if len(survey.Buttons) != 5 || survey.Buttons[4].Value != "5" || survey.Buttons[0].Kind != bot.KindRating {
		t.Fatalf("no 1-5 rating keyboard after resolve: %+v (sent %q)", survey, sent)
	}
	if s := f.session(t, "c1"); s.Mode != session.ModeBot || s.Handoff.Outcome != "resolved" {
		t.Fatalf("after resolve: %+v", s)
	}
	f.say(t, "c1", "4")
	if s := f.session(t, "c1"); s.Handoff.Rating != 4 || s.AwaitingRating {
		t.Fatalf("typed rating not stored: %+v", s.Handoff)
	}
	if f.desk.rating != 4 || f.desk.changes[len(f.desk.changes)-1] != "rated" {
		t.Errorf("desk not told the rating: %v %d", f.desk.changes, f.desk.rating)
	}
	// The bot is in charge again.
	f.say(t, "c1", "How long does shipping take?")
	if got := lastBot(f.session(t, "c1")); got.Entry != "shipping/times" {
		t.Errorf("bot did not answer after resolution: %+v", got)
	}
	if want := []string{"claimed", "resolved", "rated"}; strings.Join(f.desk.changes, ",") != strings.Join(want, ",") {
		t.Errorf("desk changes %v, want %v", f.desk.changes, want)
	}
}

func TestReturnToBotSkipsSurvey(t *testing.T) {
	f := newFixture(t, true)
	conv := bot.ConvID("test", "c1")
	f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
	if err := f.bot.Return(context.Background(), conv, bot.Agent{ID: "U2", Name: "Sam"}); err != nil {
		t.Fatal(err)
	}
	s := f.session(t, "c1")
	if s.Mode != session.ModeBot || s.AwaitingRating || s.Handoff.Outcome != "returned" {
		t.Fatalf("after return: mode %s awaiting %v outcome %s", s.Mode, s.AwaitingRating, s.Handoff.Outcome)
	}
	for _, m := range f.out.msgs {
		if len(m.Buttons) > 0 {
			t.Errorf("return to bot sent a survey: %+v", m)
		}
	}
}

func TestIdleNudgeThenClose(t *testing.T) {
	f := newFixture(t, false, bot.WithIdle(10*time.Minute, 30*time.Minute))
	ctx := context.Background()
	f.say(t, "c1", "How long does shipping take?")
	if n, err := f.bot.FireTimers(ctx); err != nil || n != 0 {
		t.Fatalf("timers fired early: %d %v", n, err)
	}
	f.clock.Add(10 * time.Minute)
	if n, err := f.bot.FireTimers(ctx); err != nil || n != 1 {
		t.Fatalf("nudge: fired %d, err %v", n, err)
	}
	if got := f.out.texts(); len(got) != 1 || lastBot(f.session(t, "c1")).Kind != "nudge" {
		t.Fatalf("nudge not sent: %q", got)
	}
	// A second pass at the same time sends nothing more.
	if n, _ := f.bot.FireTimers(ctx); n != 0 {
		t.Fatalf("nudge fired twice")
	}
	f.clock.Add(20 * time.Minute)
	if n, err := f.bot.FireTimers(ctx); err != nil || n != 1 {
		t.Fatalf("close: fired %d, err %v", n, err)
	}
	s := f.session(t, "c1")
	if got := f.out.texts(); len(got) != 2 || lastBot(s).Kind != "closed" || s.Greeted {
		t.Fatalf("close not sent: %q, last %+v", got, lastBot(s))
	}
	f.clock.Add(time.Hour)
	if n, _ := f.bot.FireTimers(ctx); n != 0 || len(f.out.texts()) != 2 {
		t.Fatalf("timers kept firing after close")
	}
}

// A check-in that could not be sent (Telegram down) is not lost: its timer
// stays claimed and falls due again after the lease. One that can never
// be sent (the customer blocked the bot) is dropped.
func TestIdleNudgeRetriedAfterAFailedSend(t *testing.T) {
	f := newFixture(t, false, bot.WithIdle(10*time.Minute, 30*time.Minute))
	ctx := context.Background()
	f.say(t, "c1", "How long does shipping take?")
	f.say(t, "c2", "How long does shipping take?")
	f.clock.Add(10 * time.Minute)
	f.out.failWith(errors.New("telegram: 502 bad gateway"))
	if n, err := f.bot.FireTimers(ctx); n != 2 || err == nil {
		t.Fatalf("fired %d, err %v; want 2 and the send errors", n, err)
	}
	if n, _ := f.bot.FireTimers(ctx); n != 0 {
		t.Fatalf("a claimed timer fired again within its lease: %d", n)
	}
	f.out.failWith(nil)
	f.clock.Add(session.TimerLease)
	if n, err := f.bot.FireTimers(ctx); err != nil || n != 2 {
		t.Fatalf("after the lease: fired %d, err %v; want both check-ins again", n, err)
	}
	if got := f.out.texts(); len(got) != 2 || lastBot(f.session(t, "c1")).Kind != "nudge" {
		t.Fatalf("check-ins after the retry: %q", got)
	}

	// Blocked: dropped, not retried every lease.
	f.say(t, "c3", "How long does shipping take?")
	f.clock.Add(10 * time.Minute)
	f.out.failWith(fmt.Errorf("telegram: %w", bot.ErrBlocked))
	f.bot.FireTimers(ctx)
	f.out.failWith(nil)
	f.clock.Add(session.TimerLease)
	if n, _ := f.bot.FireTimers(ctx); n != 0 {
		t.Errorf("a check-in for a customer who blocked the bot was retried")
	}
}

func TestIdleTimerMovesWhenCustomerWrites(t *testing.T) {
	f := newFixture(t, false, bot.WithIdle(10*time.Minute, 30*time.Minute))
	ctx := context.Background()
	f.say(t, "c1", "How long does shipping take?")
	f.clock.Add(9 * time.Minute)
	f.say(t, "c1", "And what about returns?")
	f.clock.Add(9 * time.Minute) // 18 minutes after the first, 9 after the second
	if n, _ := f.bot.FireTimers(ctx); n != 0 || len(f.out.texts()) != 0 {
		t.Fatalf("nudged a customer who wrote 9 minutes ago")
	}
	// A goodbye ends the conversation: no check-in.
	f.say(t, "c1", "thanks, bye!")
	f.clock.Add(time.Hour)
	f.bot.FireTimers(ctx)
	if got := f.out.texts(); len(got) != 0 {
		t.Fatalf("nudged after goodbye: %q", got)
	}
}

func TestParallelMessagesLoseNothing(t *testing.T) {
	f := newFixture(t, false)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.bot.Handle(context.Background(), bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: fmt.Sprintf("question number %d about shipping", i)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s := f.session(t, "c1")
	seen := map[string]bool{}
	for _, tr := range s.Turns {
		if tr.Role == "customer" {
			seen[tr.Text] = true
		}
	}
	if len(seen) != n || s.Messages != n {
		t.Fatalf("kept %d distinct customer turns and %d messages, want %d", len(seen), s.Messages, n)
	}
}

func TestBadInputGetsKindAnswers(t *testing.T) {
	f := newFixture(t, false)
	for _, ev := range []bot.Event{
		{Kind: bot.KindText, Text: "   \t  "},
		{Kind: bot.KindText, Text: "\x00\x07\x1b"},
		{Kind: bot.KindSticker},
		{Kind: bot.KindText, Text: strings.Repeat("where is my parcel ", 600)},
		{Kind: bot.KindText, Text: "\xff\xfe broken utf8"},
		{Kind: bot.KindFlood},
	} {
		ev.Channel, ev.ChatID = "test", "bad"
		reply := f.send(t, ev)
		if len(strings.Fields(reply)) < 4 {
			t.Errorf("%s %q: reply %q is not a kind sentence", ev.Kind, ev.Text, reply)
		}
	}
}

func TestStoreDownApologisesThenRecovers(t *testing.T) {
	m := sessiontest.Miniredis(t)
	store := sessiontest.StoreOn(t, sessiontest.Dial(t, "redis://"+m.Addr()))
	b := bot.New(store, contents(t))
	ev := bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "How long does shipping take?"}
	m.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msgs, err := b.Handle(ctx, ev)
	if err == nil || len(msgs) != 1 || len(strings.Fields(msgs[0].Text)) < 4 {
		t.Fatalf("Redis down: err %v, msgs %+v", err, msgs)
	}
	if err := m.Restart(); err != nil {
		t.Fatal(err)
	}
	msgs, err = b.Handle(ctx, ev)
	if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Text, "business days") {
		t.Fatalf("after Redis is back: err %v msgs %+v", err, msgs)
	}
}

func TestOffHoursHandoffSaysWhenTeamIsBack(t *testing.T) {
	f := newFixture(t, true, bot.WithHours(weekdays{}))
	f.clock.Add(-12 * time.Hour) // Sunday 22:00
	reply := f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
	if !strings.Contains(reply, "tomorrow at 09:00") {
		t.Errorf("off-hours handoff does not say when the team is back: %q", reply)
	}
	if len(f.desk.opened) != 1 {
		t.Errorf("off-hours card not posted")
	}
}

// weekdays is open Mon-Fri 09:00-18:00 UTC.
type weekdays struct{}

func (weekdays) Open(t time.Time) bool {
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday && t.Hour() >= 9 && t.Hour() < 18
}

func (w weekdays) NextOpen(t time.Time) time.Time {
	for d := t.Truncate(time.Hour); ; d = d.Add(time.Hour) {
		if w.Open(d) && d.After(t) {
			return d
		}
	}
}

func TestUnclaimedReminderTellsCustomerOnce(t *testing.T) {
	f := newFixture(t, true, bot.WithUnclaimedReminder(3*time.Minute))
	ctx := context.Background()
	f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
	f.clock.Add(3 * time.Minute)
	if n, err := f.bot.FireTimers(ctx); err != nil || n != 1 {
		t.Fatalf("reminder: %d %v", n, err)
	}
	f.clock.Add(3 * time.Minute)
	if n, err := f.bot.FireTimers(ctx); err != nil || n != 1 {
		t.Fatalf("second reminder: %d %v", n, err)
	}
	if got := f.out.texts(); len(got) != 1 {
		t.Errorf("customer queue reminders: %q, want exactly one", got)
	}
	reminders := 0
	for _, c := range f.desk.changes {
		if c == "reminder" {
			reminders++
		}
	}
	if reminders != 2 {
		t.Errorf("desk reminders %d, want 2", reminders)
	}
	// Claimed: no more reminders.
	if err := f.bot.Claim(ctx, bot.ConvID("test", "c1"), bot.Agent{ID: "U1", Name: "Lia"}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Hour)
	if n, _ := f.bot.FireTimers(ctx); n != 0 {
		t.Errorf("reminder after claim")
	}
}

func TestRephraseOffersTopicsToPick(t *testing.T) {
	f := newFixture(t, false)
	msgs, err := f.bot.Handle(context.Background(), bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "I have a question about money"})
	if err != nil {
		t.Fatal(err)
	}
	if got := lastBot(f.session(t, "c1")); got.Kind != "rephrase" {
		t.Fatalf("a vague question was answered from %q; want a rephrase request", got.Entry)
	}
	m := msgs[len(msgs)-1]
	if len(m.Buttons) == 0 || m.Buttons[0].Kind != bot.KindTopic {
		t.Fatalf("rephrase request offers no topic buttons: %+v", m)
	}
	picked := m.Buttons[0].Value
	reply := f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindTopic, Text: picked})
	got := lastBot(f.session(t, "c1"))
	if got.Kind != "answer" || got.Entry != picked || reply == "" {
		t.Fatalf("picking %s gave %+v: %q", picked, got, reply)
	}
	if f.session(t, "c1").Misses != 0 {
		t.Errorf("a picked topic still counts as a miss")
	}
}

func TestWaitingWithoutDeskGoesBackToTheBot(t *testing.T) {
	withDesk := newFixture(t, true)
	withDesk.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
	// The same Redis, restarted without an agent desk.
	noDesk := bot.New(withDesk.store, contents(t), bot.WithClock(withDesk.clock.Now))
	msgs, err := noDesk.Handle(context.Background(), bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "How long does shipping take?"})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "support@kumo.example") || !strings.Contains(msgs[0].Text, "business days") {
		t.Fatalf("a conversation left waiting got %+v; want the honest no-desk note and the answer", msgs)
	}
	if s := withDesk.session(t, "c1"); s.Mode != session.ModeBot || s.Handoff.Outcome != "no_desk" {
		t.Errorf("mode %s outcome %q", s.Mode, s.Handoff.Outcome)
	}
}

func TestCommandsFollowThePlatformLanguage(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct{ code, want string }{{"zh-CN", "Mia"}, {"ko-KR", "Mia"}} {
		reply := f.send(t, bot.Event{Channel: "test", ChatID: c.code, Kind: bot.KindCommand, Text: "start", Customer: bot.Customer{Lang: c.code}})
		s := f.session(t, c.code)
		if s.Lang != c.code[:2] {
			t.Errorf("/start from a %s phone: conversation in %q, reply %q", c.code, s.Lang, reply)
		}
	}
}

func TestEmojiOnlyIsAnAcknowledgement(t *testing.T) {
	f := newFixture(t, false)
	for _, text := range []string{"👍", "...", "ok", "🙏🙏"} {
		reply := f.say(t, "c1", text)
		if len(strings.Fields(reply)) < 4 {
			t.Errorf("%q got %q, want a warm sentence", text, reply)
		}
		if s := f.session(t, "c1"); s.Misses != 0 {
			t.Errorf("%q counted as a miss", text)
		}
	}
}
