package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/hours"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

func TestHandoffCard(t *testing.T) {
	f := newFixture(t, fixtureOpt{})
	s := f.handedOff(t, "4242", "Jane Doe")
	card := f.open(t, s)

	if !card.TopLevel() || card.Channel != testChannel {
		t.Fatalf("card is not a top-level message in %s: %+v", testChannel, card)
	}
	text := card.BlockText()
	for _, want := range []string{
		"Jane Doe needs a person",                  // header
		"Jane Doe (@jane_d)",                       // who
		"*Language*\nko",                           // language
		"asked for a person",                       // reason
		`asked for a person: "I want a human now"`, // evidence
		"explicit 1.00 · complaint 0.35",           // scores
		"where is my parcel? ordered 2 weeks ago",  // transcript, customer
		"Parcels usually arrive in 3-5 days.",      // transcript, bot
		"still nothing &amp; I'm &lt;upset&gt;",    // customer text escaped
		"`shipping/delays` 0.42",                   // knowledge tried
		"1 answer(s) without a confident match",    // and the miss
		"*waiting ",                                // how long
		"Transcript* (5 messages)",
		"note:",
		"!claim",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q; card:\n%s", want, text)
		}
	}
	buttons := card.Buttons()
	var ids []string
	for _, b := range buttons {
		ids = append(ids, b.ActionID+"="+b.Value)
	}
	want := "baton_claim=telegram:4242 baton_resolve=telegram:4242 baton_return=telegram:4242"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("buttons = %s, want %s", got, want)
	}
	if !strings.Contains(card.Text, "Handoff: Jane Doe") {
		t.Errorf("fallback text = %q", card.Text)
	}

	// Open again for the same handoff (the core retrying): no second card.
	ref, err := f.desk.Open(t.Context(), s)
	if err != nil || ref["ts"] != card.TS {
		t.Fatalf("second Open = %v, %v; want the same card %s", ref, err, card.TS)
	}
	if n := f.srv.Calls("chat.postMessage"); n != 1 {
		t.Errorf("chat.postMessage called %d times, want 1", n)
	}
}

// A long conversation full of characters that grow when escaped still
// fits Slack's limits (the fake rejects what Slack would reject).
func TestHandoffCardWithinSlackLimits(t *testing.T) {
	f := newFixture(t, fixtureOpt{store: sessiontest.Store(t, session.WithMaxTurns(200))})
	s := f.handedOff(t, "77", strings.Repeat("<Long & Name> ", 30))
	s, err := f.store.Update(t.Context(), s.ID, func(s *session.Session) error {
		for i := range 40 {
			s.Turns = append(s.Turns, session.Turn{Role: "customer", Text: strings.Repeat("&<> 배송 ", 120) + fmt.Sprint(i), At: s.Handoff.At.Add(-time.Minute)})
			s.Turns = append(s.Turns, session.Turn{Role: "bot", Text: strings.Repeat("answer ", 300), Entry: fmt.Sprintf("entry/%d", i), Score: 0.3, At: s.Handoff.At.Add(-time.Minute)})
		}
		s.Handoff.Evidence = []string{strings.Repeat("<!channel> ", 400)}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	card := f.open(t, s)
	var blocks []any
	if err := json.Unmarshal(card.Blocks, &blocks); err != nil || len(blocks) > 50 {
		t.Fatalf("card has %d blocks (%v)", len(blocks), err)
	}
	if !strings.Contains(card.BlockText(), "earlier not shown") {
		t.Errorf("a trimmed transcript should say so")
	}
	if strings.Contains(card.BlockText(), "<!channel>") {
		t.Errorf("evidence not escaped")
	}
}

func TestRelayEscapesAndDescribes(t *testing.T) {
	f := newFixture(t, fixtureOpt{})
	s := f.handedOff(t, "1", "<!here> Jane")
	card := f.open(t, s)
	if strings.Contains(string(card.Blocks), "<!here>") {
		t.Fatalf("customer name reached the card unescaped")
	}
	events := []bot.Event{
		{Kind: bot.KindText, Text: "<!channel> hey & <https://evil.example|your bank> <@U123>"},
		{Kind: bot.KindPhoto, Text: "the broken box"},
		{Kind: bot.KindVoice},
		{Kind: bot.KindSticker, Text: "😢"},
		{Kind: bot.KindFile},
		{Kind: bot.KindLocation, Text: "37.5665,126.9780"},
	}
	for _, ev := range events {
		ev.Channel, ev.ChatID = "telegram", "1"
		if err := f.desk.Relay(t.Context(), s, ev); err != nil {
			t.Fatalf("Relay %s: %v", ev.Kind, err)
		}
	}
	got := f.threadTexts(card.TS)
	want := []string{
		"👤 *&lt;!here&gt; Jane*: &lt;!channel&gt; hey &amp; &lt;https://evil.example|your bank&gt; &lt;@U123&gt;",
		"📷 *&lt;!here&gt; Jane* sent a photo: the broken box _(not shown here; ask them to describe it if you need the details)_",
		"🎤 *&lt;!here&gt; Jane* sent a voice message _(not shown here; ask them to describe it if you need the details)_",
		"🧩 *&lt;!here&gt; Jane* sent a sticker: 😢",
		"📎 *&lt;!here&gt; Jane* sent a file or video _(not shown here; ask them to describe it if you need the details)_",
		"📍 *&lt;!here&gt; Jane* shared a location: 37.5665,126.9780",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("thread =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, m := range f.srv.Messages() {
		if strings.Contains(m.Text, "<!") || strings.Contains(m.Text, "<http") || strings.Contains(m.Text, "<@") {
			t.Errorf("a control sequence reached Slack: %q", m.Text)
		}
	}
}

func TestAgentReplyReachesCore(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	s := f.handedOff(t, "2", "Jane")
	card := f.open(t, s)

	f.reply(t, card.TS, "ULIA", "Hi Jane, I'm on it: *checking* <https://track.example/x_1|your parcel> now &amp; soon :truck:")
	c := f.core.next(t)
	if c.Method != "AgentMessage" || c.Conv != "telegram:2" || c.Agent != (bot.Agent{ID: "ULIA", Name: "Lia"}) {
		t.Fatalf("call = %+v", c)
	}
	if want := "Hi Jane, I'm on it: checking your parcel (https://track.example/x_1) now & soon 🚚"; c.Text != want {
		t.Errorf("text = %q, want %q", c.Text, want)
	}
	// The first reply claimed it: the card says who holds it.
	f.srv.WaitFor(t, "card shows Lia", func() bool {
		return strings.Contains(f.card(t, card.TS).BlockText(), "Lia has this conversation")
	})
	f.waitThread(t, card.TS, "*Lia* has the conversation now.")

	// A second agent's reply is relayed too; the card still shows Lia.
	f.reply(t, card.TS, "UMIN", "Adding: the courier confirmed.")
	c = f.core.next(t)
	if c.Agent.Name != "Min-jun Kim" || c.Text != "Adding: the courier confirmed." {
		t.Errorf("second agent call = %+v", c)
	}
	if !strings.Contains(f.card(t, card.TS).BlockText(), "Lia has this conversation") {
		t.Errorf("card should still show Lia")
	}
	// users.info is cached: one call per agent.
	f.reply(t, card.TS, "ULIA", "Anything else?")
	f.core.next(t)
	if n := f.srv.Calls("users.info"); n != 2 {
		t.Errorf("users.info called %d times, want 2 (cached)", n)
	}
}

func TestNotesStayInternal(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	s := f.handedOff(t, "3", "Jane")
	card := f.open(t, s)
	f.reply(t, card.TS, "ULIA", "note: VIP customer, be generous")
	f.reply(t, card.TS, "ULIA", "// checked the warehouse, it is lost")
	f.reply(t, card.TS, "ULIA", "NOTE: refund approved")
	f.reply(t, card.TS, "ULIA", "We'll send a new one today.")
	// Events are handled in order: the notes are kept in the story as
	// notes (never sent to the customer), then the reply is sent.
	for _, want := range []string{"note: VIP customer, be generous", "// checked the warehouse, it is lost", "NOTE: refund approved"} {
		if c := f.core.next(t); c.Method != "Note" || c.Text != want {
			t.Fatalf("call into the core = %+v, want the note %q", c, want)
		}
	}
	if c := f.core.next(t); c.Method != "AgentMessage" || c.Text != "We'll send a new one today." {
		t.Fatalf("call into the core = %+v, want the reply", c)
	}
	f.core.none(t)
}

func TestThreadCommands(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	s := f.handedOff(t, "4", "Jane")
	card := f.open(t, s)

	f.reply(t, card.TS, "ULIA", "!claim")
	if c := f.core.next(t); c.Method != "Claim" || c.Conv != s.ID || c.Agent.Name != "Lia" {
		t.Fatalf("!claim -> %+v", c)
	}
	f.reply(t, card.TS, "ULIA", "!clam")
	f.waitThread(t, card.TS, "Unknown command `!clam`")

	f.reply(t, card.TS, "ULIA", "!bot")
	if c := f.core.next(t); c.Method != "Return" {
		t.Fatalf("!bot -> %+v", c)
	}
	f.srv.WaitFor(t, "card shows back with the bot", func() bool {
		m := f.card(t, card.TS)
		return strings.Contains(m.BlockText(), "Back with the bot") && len(m.Buttons()) == 0
	})
	f.waitThread(t, card.TS, "Back with the bot, no survey.")
	f.core.none(t)
}

func TestResolveShowsRating(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	s := f.handedOff(t, "5", "Jane")
	card := f.open(t, s)
	f.reply(t, card.TS, "ULIA", "Sorted, a new parcel is on its way.")
	f.core.next(t)
	f.reply(t, card.TS, "ULIA", "!resolve")
	if c := f.core.next(t); c.Method != "Resolve" {
		t.Fatalf("!resolve -> %+v", c)
	}
	f.waitThread(t, card.TS, "✅ Resolved by *Lia*.")
	f.srv.WaitFor(t, "resolved card without buttons", func() bool {
		m := f.card(t, card.TS)
		return strings.Contains(m.BlockText(), "Resolved* by Lia") && len(m.Buttons()) == 0 &&
			strings.Contains(m.BlockText(), "Waiting for the customer's rating")
	})

	// The customer rates 4, then writes a comment: the core reports "rated" twice.
	for _, comment := range []string{"", "quick and kind, thanks"} {
		s, err := f.store.Update(t.Context(), s.ID, func(s *session.Session) error {
			s.Handoff.Rating, s.Handoff.Comment = 4, comment
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := render(t.Context(), f.desk, s, "rated"); err != nil {
			t.Fatalf("Changed rated: %v", err)
		}
	}
	f.waitThread(t, card.TS, "rated this conversation ★★★★☆ 4/5.")
	f.waitThread(t, card.TS, "Their comment: “quick and kind, thanks”")
	posts := strings.Join(f.threadTexts(card.TS), "\n")
	if n := strings.Count(posts, "★★★★☆"); n != 1 {
		t.Errorf("rating posted %d times:\n%s", n, posts)
	}
	if m := f.card(t, card.TS); !strings.Contains(m.BlockText(), "★★★★☆ 4/5 — “quick and kind, thanks”") {
		t.Errorf("card lacks the rating:\n%s", m.BlockText())
	}
}

func TestButtons(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	s := f.handedOff(t, "6", "Jane")
	card := f.open(t, s)

	env := f.srv.SendAction(t, f.srv.Action("UMIN", "minjun", card, ActionClaim))
	f.srv.WaitAck(t, env)
	if c := f.core.next(t); c.Method != "Claim" || c.Conv != s.ID || c.Agent != (bot.Agent{ID: "UMIN", Name: "Min-jun Kim"}) {
		t.Fatalf("claim button -> %+v", c)
	}
	f.srv.WaitFor(t, "card claimed by Min-jun", func() bool {
		m := f.card(t, card.TS)
		return strings.Contains(m.BlockText(), "Min-jun Kim has this conversation") && len(m.Buttons()) == 3
	})

	// A failing action tells the agent, privately, in plain words (what
	// failed is in the log).
	f.core.failNext(fmt.Errorf("resolve: %w", errBoom))
	env = f.srv.SendAction(t, f.srv.Action("ULIA", "lia", f.card(t, card.TS), ActionResolve))
	f.srv.WaitAck(t, env)
	if c := f.core.next(t); c.Method != "Resolve" {
		t.Fatalf("resolve button -> %+v", c)
	}
	f.srv.WaitFor(t, "ephemeral error", func() bool {
		for _, e := range f.srv.Ephemerals() {
			if e.User == "ULIA" && strings.Contains(e.Text, "That did not work: something went wrong") {
				return true
			}
		}
		return false
	})

	env = f.srv.SendAction(t, f.srv.Action("ULIA", "lia", f.card(t, card.TS), ActionReturn))
	f.srv.WaitAck(t, env)
	if c := f.core.next(t); c.Method != "Return" {
		t.Fatalf("return button -> %+v", c)
	}
}

func TestDuplicateEventHandledOnce(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	s := f.handedOff(t, "7", "Jane")
	card := f.open(t, s)

	ev := f.reply(t, card.TS, "ULIA", "Only once, please.")
	f.core.next(t)
	again := f.srv.Redeliver(t, ev)
	f.srv.WaitAck(t, again.Envelope)
	// The same event over HTTP too (both ways in may be configured).
	h := httptest.NewServer(f.desk.Routes()[EventsPath])
	defer h.Close()
	resp, err := http.DefaultClient.Do(slacktest.EventRequest(t, h.URL, ev, time.Now()))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP redelivery: %v %v", resp, err)
	}
	resp.Body.Close()
	f.reply(t, card.TS, "ULIA", "marker")
	if c := f.core.next(t); c.Text != "marker" {
		t.Fatalf("after the duplicates the core got %+v, want the marker", c)
	}
	f.core.none(t)
}

func TestIgnoresBotAndNonThreadMessages(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	f.srv.EchoBotMessages(true) // Slack sends our own posts back
	s := f.handedOff(t, "8", "Jane")
	card := f.open(t, s)
	if err := f.desk.Relay(t.Context(), s, bot.Event{Kind: bot.KindText, Text: "customer says hi"}); err != nil {
		t.Fatal(err)
	}
	// A top-level message in the channel, a message in another channel,
	// a reply in a thread that is not a handoff, an edit, a bot's reply.
	ignored := []slacktest.Event{
		f.srv.SendEvent(t, map[string]any{"type": "message", "channel": testChannel, "user": "ULIA", "text": "morning all", "ts": f.srv.NewTS()}),
		f.srv.SendEvent(t, f.srv.AgentReply("COTHER", card.TS, "ULIA", "wrong channel")),
		f.srv.SendEvent(t, map[string]any{"type": "message", "channel": testChannel, "user": "ULIA", "text": "random thread", "ts": f.srv.NewTS(), "thread_ts": f.srv.NewTS()}),
		f.srv.SendEvent(t, map[string]any{"type": "message", "subtype": "message_changed", "channel": testChannel, "ts": f.srv.NewTS(),
			"message": map[string]any{"type": "message", "user": "ULIA", "text": "edited", "ts": "1.1", "thread_ts": card.TS}}),
		f.srv.SendEvent(t, map[string]any{"type": "message", "subtype": "bot_message", "bot_id": "BOTHER", "channel": testChannel,
			"text": "another bot", "ts": f.srv.NewTS(), "thread_ts": card.TS}),
		f.srv.SendEvent(t, map[string]any{"type": "message", "channel": testChannel, "user": slacktest.BotUserID,
			"text": "our own user without bot_id", "ts": f.srv.NewTS(), "thread_ts": card.TS}),
	}
	// Sorted out before they are kept in the inbox: acknowledged, never
	// handled.
	for _, ev := range ignored {
		f.srv.WaitAck(t, ev.Envelope)
	}
	f.reply(t, card.TS, "ULIA", "marker")
	if c := f.core.next(t); c.Text != "marker" {
		t.Fatalf("core got %+v, want the marker", c)
	}
	f.core.none(t)
	// The echo of the relay itself did arrive and was ignored.
	f.waitThread(t, card.TS, "customer says hi")
}

func TestHTTPEvents(t *testing.T) {
	f := newFixture(t, fixtureOpt{run: true})
	s := f.handedOff(t, "9", "Jane")
	card := f.open(t, s)
	mux := http.NewServeMux()
	for p, h := range f.desk.Routes() {
		mux.Handle(p, h)
	}
	h := httptest.NewServer(mux)
	defer h.Close()
	post := func(req *http.Request) (int, string) {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	t.Run("url_verification", func(t *testing.T) {
		body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
		code, got := post(slacktest.SignedRequest(t, h.URL+EventsPath, slacktest.SigningSecret, "application/json", body, time.Now()))
		if code != 200 || got != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
			t.Errorf("challenge answer = %d %q", code, got)
		}
	})
	t.Run("bad signatures are 401", func(t *testing.T) {
		ev := f.srv.NewEvent(f.srv.AgentReply(testChannel, card.TS, "ULIA", "forged"))
		cases := map[string]*http.Request{
			"wrong secret": slacktest.SignedRequest(t, h.URL+EventsPath, "not-the-secret", "application/json", ev.Body, time.Now()),
			"too old":      slacktest.EventRequest(t, h.URL+EventsPath, ev, time.Now().Add(-6*time.Minute)),
			"future":       slacktest.EventRequest(t, h.URL+EventsPath, ev, time.Now().Add(6*time.Minute)),
		}
		tampered := slacktest.EventRequest(t, h.URL+EventsPath, ev, time.Now())
		tampered.Body = io.NopCloser(strings.NewReader(strings.Replace(string(ev.Body), "forged", "FORGED", 1)))
		cases["tampered body"] = tampered
		unsigned, _ := http.NewRequest(http.MethodPost, h.URL+EventsPath, strings.NewReader(string(ev.Body)))
		cases["unsigned"] = unsigned
		action := slacktest.ActionRequest(t, h.URL+InteractionsPath, f.srv.Action("ULIA", "lia", card, ActionClaim), time.Now().Add(-10*time.Minute))
		cases["old interaction"] = action
		for name, req := range cases {
			if code, _ := post(req); code != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", name, code)
			}
		}
		get, _ := http.NewRequest(http.MethodGet, h.URL+EventsPath, nil)
		if code, _ := post(get); code != http.StatusMethodNotAllowed {
			t.Errorf("GET: %d", code)
		}
	})
	t.Run("signed event and action are handled", func(t *testing.T) {
		ev := f.srv.NewEvent(f.srv.AgentReply(testChannel, card.TS, "ULIA", "via HTTP"))
		if code, _ := post(slacktest.EventRequest(t, h.URL+EventsPath, ev, time.Now().Add(-4*time.Minute))); code != 200 {
			t.Fatalf("signed event: %d", code)
		}
		if c := f.core.next(t); c.Text != "via HTTP" || c.Agent.Name != "Lia" {
			t.Fatalf("core got %+v", c)
		}
		if code, _ := post(slacktest.ActionRequest(t, h.URL+InteractionsPath, f.srv.Action("UMIN", "minjun", card, ActionClaim), time.Now())); code != 200 {
			t.Fatalf("signed action: %d", code)
		}
		if c := f.core.next(t); c.Method != "Claim" || c.Agent.ID != "UMIN" {
			t.Fatalf("core got %+v", c)
		}
		// Nothing forged got through.
		f.core.none(t)
	})
}

func TestRoutesNeedSecret(t *testing.T) {
	srv := slacktest.New(t)
	f := newFixture(t, fixtureOpt{srv: srv})
	if len(f.desk.Routes()) != 2 {
		t.Fatalf("routes with a secret = %v", f.desk.Routes())
	}
	d, err := New(srv.Client(), f.db, f.store, nil, testChannel)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Routes()) != 0 {
		t.Errorf("routes without a secret = %v", d.Routes())
	}
	var nilDesk *Desk
	if _, err := nilDesk.Open(t.Context(), &session.Session{}); err == nil {
		t.Error("a nil desk must refuse, not panic")
	}
}

func TestReplyInOlderThread(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	s := f.handedOff(t, "10", "Jane")
	first := f.open(t, s)
	// The handoff was returned and later a new one opened.
	s, err := f.store.Update(t.Context(), s.ID, func(s *session.Session) error {
		s.Handoff = &session.Handoff{Reason: "complaint", At: s.Handoff.At.Add(time.Hour)}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	second := f.open(t, s)
	f.reply(t, first.TS, "ULIA", "hello again?")
	f.waitThread(t, first.TS, "customer has a newer one; not sent")
	f.reply(t, second.TS, "ULIA", "hello again")
	if c := f.core.next(t); c.Text != "hello again" {
		t.Fatalf("core got %+v", c)
	}
	f.core.none(t)
}

func TestAgentErrorsShownInThread(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	s := f.handedOff(t, "11", "Jane")
	card := f.open(t, s)
	f.core.failNext(fmt.Errorf("send to telegram:11: %w", bot.ErrBlocked))
	f.reply(t, card.TS, "ULIA", "are you there?")
	f.core.next(t)
	f.waitThread(t, card.TS, "Not delivered to the customer: the customer has blocked the bot")
}

func TestReminder(t *testing.T) {
	f := newFixture(t, fixtureOpt{})
	s := f.handedOff(t, "12", "Jane")
	card := f.open(t, s)
	if err := render(t.Context(), f.desk, s, "reminder"); err != nil {
		t.Fatalf("reminder: %v", err)
	}
	rem := f.srv.WaitMessage(t, "reminder in the channel", func(m slacktest.Message) bool {
		return m.TopLevel() && m.TS != card.TS && strings.Contains(m.Text, "has been waiting")
	})
	if !strings.Contains(rem.Text, "*Jane*") || !strings.Contains(rem.Text, "|Open the handoff>") ||
		!strings.Contains(rem.Text, "/archives/"+testChannel+"/p") {
		t.Errorf("reminder = %q", rem.Text)
	}
	if !strings.Contains(f.card(t, card.TS).BlockText(), "reminded 1×") {
		t.Errorf("card does not count the reminder")
	}
	// Once claimed, a late reminder stays quiet.
	s, _ = f.store.Update(t.Context(), s.ID, func(s *session.Session) error {
		s.Mode, s.Handoff.Agent = session.ModeAgent, "Lia"
		return nil
	})
	before := f.srv.Calls("chat.postMessage")
	if err := render(t.Context(), f.desk, s, "reminder"); err != nil {
		t.Fatal(err)
	}
	if after := f.srv.Calls("chat.postMessage"); after != before {
		t.Errorf("reminder posted for a claimed handoff")
	}
}

func TestOffHoursCard(t *testing.T) {
	h := hours.MustParse("Mon-Fri 09:00-18:00 Asia/Seoul")
	f := newFixture(t, fixtureOpt{opts: []Option{WithHours(h)}})
	s := f.handedOff(t, "13", "Jane")
	seoul, _ := time.LoadLocation("Asia/Seoul")
	s, _ = f.store.Update(t.Context(), s.ID, func(s *session.Session) error {
		s.Handoff.At = time.Date(2025, 6, 7, 12, 0, 0, 0, seoul) // a Saturday
		s.Turns = nil
		return nil
	})
	card := f.open(t, s)
	text := card.BlockText()
	back := time.Date(2025, 6, 9, 9, 0, 0, 0, seoul).Unix()
	if !strings.Contains(text, "outside team hours (Mon-Fri 09:00-18:00 Asia/Seoul)") || !strings.Contains(text, fmt.Sprintf("<!date^%d^", back)) {
		t.Errorf("off-hours note missing:\n%s", text)
	}
}

// blockingSummarizer answers when released.
type blockingSummarizer struct {
	release chan struct{}
	called  chan string
}

func (b *blockingSummarizer) Summarize(ctx context.Context, s *session.Session) (string, string, error) {
	b.called <- s.ID
	select {
	case <-b.release:
		return "Parcel lost for 2 weeks; <!channel> customer upset.", "I'm sorry, Jane. I'll send a new one today.", nil
	case <-ctx.Done():
		return "", "", ctx.Err()
	}
}

func TestSummaryNeverDelaysCard(t *testing.T) {
	sum := &blockingSummarizer{release: make(chan struct{}), called: make(chan string, 1)}
	f := newFixture(t, fixtureOpt{opts: []Option{WithSummarizer(sum, time.Minute)}})
	s := f.handedOff(t, "14", "Jane")
	card := f.open(t, s) // returns while the summarizer is still blocked
	if strings.Contains(card.BlockText(), "Summary") {
		t.Fatal("summary on the card before it was written")
	}
	if id := <-sum.called; id != s.ID {
		t.Fatalf("summarized %s", id)
	}
	close(sum.release)
	f.srv.WaitFor(t, "summary added", func() bool {
		return strings.Contains(f.card(t, card.TS).BlockText(), "Parcel lost for 2 weeks; &lt;!channel&gt; customer upset.")
	})
	m := f.card(t, card.TS)
	if !strings.Contains(m.BlockText(), ">I'm sorry, Jane. I'll send a new one today.") {
		t.Errorf("suggested reply missing:\n%s", m.BlockText())
	}
	f.desk.Close()
	// Later updates keep the summary.
	s, _ = f.store.Update(t.Context(), s.ID, func(s *session.Session) error {
		s.Mode, s.Handoff.Agent, s.Handoff.AgentID = session.ModeAgent, "Lia", "ULIA"
		return nil
	})
	if err := render(t.Context(), f.desk, s, "claimed"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.card(t, card.TS).BlockText(), "Parcel lost for 2 weeks") {
		t.Errorf("summary lost on update")
	}
}

// Slack asks to reconnect (a disconnect envelope) and later the network
// drops the socket: slack-go reconnects and agents' replies keep flowing.
func TestSocketModeReconnects(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true})
	s := f.handedOff(t, "15", "Jane")
	card := f.open(t, s)

	n := f.srv.Connections()
	f.srv.Send(t, slacktest.Envelope{Type: "disconnect"})
	f.srv.WaitConnected(t, n+1)
	f.reply(t, card.TS, "ULIA", "after the refresh")
	if c := f.core.next(t); c.Text != "after the refresh" {
		t.Fatalf("core got %+v", c)
	}

	n = f.srv.Connections()
	f.srv.DropConnections()
	f.srv.WaitConnected(t, n+1)
	f.reply(t, card.TS, "ULIA", "after the drop")
	if c := f.core.next(t); c.Text != "after the drop" {
		t.Fatalf("core got %+v", c)
	}
}

// teams is a routing table for the desk: returns has a channel of its own.
type teams struct{}

func (teams) Channel(team string) string {
	if team == "returns" {
		return "CRETURNS"
	}
	return ""
}
func (teams) IDs() []string { return []string{"payments", "returns", "support"} }

func TestTransferMenuMovesTheCard(t *testing.T) {
	f := newFixture(t, fixtureOpt{socket: true, run: true, opts: []Option{WithTeams(func() Teams { return teams{} })}})
	s := f.handedOff(t, "31", "Jane")
	card := f.open(t, s)
	if !strings.Contains(string(card.Blocks), `"static_select"`) || !strings.Contains(string(card.Blocks), `"returns"`) {
		t.Fatalf("card has no transfer menu:\n%s", card.Blocks)
	}
	f.srv.SendAction(t, f.srv.Select("ULIA", "lia", card, ActionTransfer, "returns"))
	if c := f.core.next(t); c.Method != "Transfer" || c.Text != "returns" || c.Conv != s.ID {
		t.Fatalf("core got %+v, want a transfer to returns", c)
	}
	moved := f.srv.WaitMessage(t, "returns card", func(m slacktest.Message) bool {
		return m.TopLevel() && m.Blocks != nil && m.Channel == "CRETURNS"
	})
	if !strings.Contains(moved.BlockText(), "Transferred from the default team") {
		t.Errorf("new card:\n%s", moved.BlockText())
	}
	f.waitThread(t, card.TS, "➡️ Transferred to *returns*")
	f.srv.WaitFor(t, "old card without buttons", func() bool {
		m := f.card(t, card.TS)
		return strings.Contains(m.BlockText(), "transferred to returns") && len(m.Buttons()) == 0
	})
	// The menu choice is handled (the new card saved) once the desk says so.
	for done := false; !done; {
		select {
		case id := <-f.handled:
			done = id == "action"
		case <-time.After(slacktest.DefaultTimeout):
			t.Fatal("the menu choice was not handled")
		}
	}
	// !transfer without a team lists the teams.
	f.srv.SendEvent(t, f.srv.AgentReply("CRETURNS", moved.TS, "ULIA", "!transfer"))
	f.srv.WaitFor(t, "team list", func() bool {
		for _, m := range f.srv.Thread(moved.TS) {
			if strings.Contains(m.Text, "`payments`, `returns`, `support`") {
				return true
			}
		}
		return false
	})
}

// The core hands the desk every lifecycle event, also those of
// conversations the bot answers alone: they are not the desk's business
// and not an error (each was logged as "desk call failed" at error level).
func TestRenderIgnoresEventsWithoutHandoff(t *testing.T) {
	f := newFixture(t, fixtureOpt{})
	s := &session.Session{ID: "telegram:77"}
	for _, ev := range []lifecycle.Event{lifecycle.Started{}, lifecycle.Answered{}} {
		if err := f.desk.Render(t.Context(), s, ev); err != nil {
			t.Errorf("Render(%T) without a handoff: %v", ev, err)
		}
	}
	if n := f.srv.Calls("chat.postMessage") + f.srv.Calls("chat.update"); n != 0 {
		t.Errorf("%d Slack calls for events with nothing to show", n)
	}
}

// A replica killed between saving a handoff and posting its card leaves an
// open handoff with no card. The customer's next message posts the card
// (once) and goes into its thread; the unclaimed reminder does the same
// for a customer who stays silent. A card still queued in the outbox (Slack
// was down) is not queued a second time.
func TestMissingCardIsPostedByTheNextEvent(t *testing.T) {
	f := newFixture(t, fixtureOpt{})
	ctx := t.Context()

	s := f.handedOff(t, "60", "Jane")
	for _, text := range []string{"are you there?", "hello?"} {
		if err := f.desk.Render(ctx, s, lifecycle.CustomerWroteWhileWaiting{Kind: "text", Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.cards("Jane"); n != 1 {
		t.Fatalf("%d cards for Jane's handoff, want 1", n)
	}
	ref, ok, err := f.desk.card(ctx, s.ID)
	if err != nil || !ok {
		t.Fatalf("card ref: %v %v", ok, err)
	}
	if th := f.threadTexts(ref.ts); len(th) != 2 || !strings.HasSuffix(th[0], ": are you there?") || !strings.HasSuffix(th[1], ": hello?") {
		t.Errorf("thread = %q", th)
	}

	silent := f.handedOff(t, "61", "Kim")
	if err := f.desk.Render(ctx, silent, lifecycle.Reminded{N: 1, Wait: 3 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	if n := f.cards("Kim"); n != 1 {
		t.Errorf("%d cards for Kim's handoff after the reminder, want 1", n)
	}

	// Slack down when the handoff opened: the card waits in the outbox,
	// and the customer's message queues behind it, without a second card.
	down := f.handedOff(t, "62", "Lee")
	f.srv.SetDown(true)
	if _, err := f.desk.Open(ctx, down); err != nil {
		t.Fatal(err)
	}
	if err := f.desk.Render(ctx, down, lifecycle.CustomerWroteWhileWaiting{Kind: "text", Text: "still down?"}); err != nil {
		t.Fatal(err)
	}
	cardJobs := 0
	for _, j := range f.outbox(t) {
		if j.Kind == jobCard {
			cardJobs++
		}
	}
	if cardJobs != 1 {
		t.Errorf("%d card posts queued for Lee's handoff, want 1", cardJobs)
	}
	f.srv.SetDown(false)
}

// The unclaimed reminder is armed inside the turn that opens the handoff
// and may fire on another replica while that turn is still sending the
// customer its replies (up to the reply timeout of 429 waits) before its
// own card post. With a short BATON_UNCLAIMED_REMINDER it must not take the
// card for missing and post a second one: it leaves a young handoff alone
// (the late card comes, once), and posts a card still missing once the
// handoff is older than the turn could have taken.
func TestReminderDoesNotRaceTheOpeningTurnsCard(t *testing.T) {
	var (
		mu  sync.Mutex
		now time.Time
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	setClock := func(t time.Time) { mu.Lock(); defer mu.Unlock(); now = t }
	f := newFixture(t, fixtureOpt{opts: []Option{WithClock(clock)}})
	ctx := t.Context()
	remind := func(s *session.Session, age time.Duration) {
		t.Helper()
		setClock(s.Handoff.At.Add(age))
		if err := f.desk.Render(ctx, s, lifecycle.Reminded{N: 1, Wait: age}); err != nil {
			t.Fatal(err)
		}
	}

	// The opening turn is still announcing when a 1-minute reminder fires.
	s := f.handedOff(t, "63", "Jane")
	remind(s, time.Minute)
	if n := f.cards("Jane"); n != 0 {
		t.Fatalf("%d cards posted by a reminder while the opening turn may still post its own, want 0", n)
	}
	setClock(s.Handoff.At.Add(announceMaxWait)) // the turn's late post
	if _, err := f.desk.Open(ctx, s); err != nil {
		t.Fatal(err)
	}
	remind(s, cardPostGrace+time.Minute)
	if n := f.cards("Jane"); n != 1 {
		t.Errorf("%d cards for Jane's handoff, want 1", n)
	}

	// The replica died before posting: the first reminder past the grace
	// brings the card up.
	lost := f.handedOff(t, "64", "Kim")
	remind(lost, cardPostGrace-time.Second)
	if n := f.cards("Kim"); n != 0 {
		t.Fatalf("%d cards for Kim's handoff inside the grace, want 0", n)
	}
	remind(lost, cardPostGrace)
	if n := f.cards("Kim"); n != 1 {
		t.Errorf("%d cards for Kim's handoff after the grace, want 1", n)
	}
}

// The core asks the desk for the card again when it meets a handoff's
// turn again (a replica killed before noting the card handed on: bot
// replay). With Slack down the first ask queued the card; the second must
// not queue another, and the card comes up once when Slack is back.
func TestOpenAgainWhileItsCardIsQueuedQueuesNoSecond(t *testing.T) {
	f := newFixture(t, fixtureOpt{})
	ctx := t.Context()
	s := f.handedOff(t, "65", "Jane")
	f.srv.SetDown(true)
	for i := range 2 {
		ref, err := f.desk.Open(ctx, s)
		if err != nil {
			t.Fatalf("Open %d: %v", i+1, err)
		}
		if len(ref) != 0 {
			t.Fatalf("Open %d with Slack down = %v, want an empty ref (queued)", i+1, ref)
		}
	}
	cardJobs := 0
	for _, j := range f.outbox(t) {
		if j.Kind == jobCard && j.Conv == s.ID {
			cardJobs++
		}
	}
	if cardJobs != 1 {
		t.Errorf("%d card posts queued for one handoff opened twice while Slack was down, want 1", cardJobs)
	}
	f.srv.SetDown(false)
	f.start(t, false)
	f.waitOutboxEmpty(t)
	if n := f.cards("Jane"); n != 1 {
		t.Errorf("%d cards for Jane's handoff once Slack is back, want 1", n)
	}
}
