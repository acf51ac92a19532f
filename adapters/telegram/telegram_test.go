package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

func TestQuestionAnsweredWithTypingFirst(t *testing.T) {
	rec := newRecorder()
	hs := newHarness(t, rec, setup{}).start()
	jane := telegramtest.User{ID: 7001, FirstName: "Jane", LastName: "Doe", Username: "jane", Lang: "ko-KR"}
	ids := hs.srv.Push(jane.Text("Where is my order?"))

	ev := rec.next(t)
	// The update's id goes with it (a turn met again is not done twice).
	want := bot.Event{Channel: "telegram", ChatID: "7001", Kind: bot.KindText, Text: "Where is my order?",
		Customer: bot.Customer{ID: "7001", Name: "Jane Doe", Username: "jane", Lang: "ko-KR"}, ID: fmt.Sprint(ids[0])}
	ev.At = time.Time{}
	if ev != want {
		t.Errorf("event = %+v\nwant    %+v", ev, want)
	}
	hs.srv.WaitSent(t, 7001, 1)

	var typing, sent int
	for _, c := range hs.srv.Calls("sendChatAction", "sendMessage") {
		if c.ChatID() != 7001 {
			continue
		}
		switch {
		case c.Method == "sendChatAction" && typing == 0:
			typing = c.Seq
			if c.Params["action"] != "typing" {
				t.Errorf("chat action %q, want typing", c.Params["action"])
			}
		case c.Method == "sendMessage" && sent == 0:
			sent = c.Seq
			if c.Text() != "re: Where is my order?" {
				t.Errorf("reply %q", c.Text())
			}
			if pm := c.Params["parse_mode"]; pm != "" {
				t.Errorf("reply sent with parse_mode %q; plain text wanted", pm)
			}
			if c.Body != "multipart" {
				t.Errorf("the go-telegram client should send multipart, got %s", c.Body)
			}
		}
	}
	if typing == 0 || sent == 0 || typing > sent {
		t.Errorf("want typing before the reply; typing call #%d, reply #%d\n%s", typing, sent,
			telegramtest.Describe(hs.srv.Calls()))
	}
	polls := hs.srv.Calls("getUpdates")
	if len(polls) == 0 || polls[0].Body != "json" || !strings.Contains(polls[0].Params["allowed_updates"], "callback_query") {
		t.Errorf("getUpdates should be JSON with allowed_updates, got %+v", polls)
	}
	// The answered update leaves the inbox.
	hs.waitDrained()
}

func TestTypingRepeatsWhileTheReplyIsPrepared(t *testing.T) {
	rec := newRecorder()
	release := make(chan struct{})
	rec.reply = func(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return []bot.Message{{Text: "done thinking"}}, nil
	}
	hs := newHarness(t, rec, setup{opts: []Option{WithTypingInterval(5 * time.Millisecond)}}).start()
	u := telegramtest.Customer(7002)
	hs.srv.Push(u.Text("a hard question"))
	hs.srv.WaitCalls(t, "sendChatAction", 3) // the indicator keeps being renewed while the core works
	close(release)
	hs.srv.WaitSent(t, 7002, 1)

	// After the reply, no more typing: count, then make sure a later
	// message's typing is the next typing call.
	before := len(hs.srv.Calls("sendChatAction"))
	hs.srv.Push(u.Text("thanks"))
	hs.srv.WaitSent(t, 7002, 2)
	calls := hs.srv.Calls("sendChatAction", "sendMessage")
	var afterFirstReply []string
	seenFirst := false
	for _, c := range calls {
		if c.Method == "sendMessage" && c.Text() == "done thinking" {
			seenFirst = true
			continue
		}
		if seenFirst {
			afterFirstReply = append(afterFirstReply, c.Method)
		}
	}
	if len(afterFirstReply) == 0 || afterFirstReply[0] != "sendChatAction" {
		t.Errorf("calls after the first reply: %v", afterFirstReply)
	}
	_ = before
}

func TestOrderPerChatAndParallelChats(t *testing.T) {
	rec := newRecorder()
	const rapid = 30
	slowFirst := make(chan struct{})
	var inFlight sync.Map // chat -> *int32
	var overlap atomic.Bool
	rec.reply = func(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
		n, _ := inFlight.LoadOrStore(ev.ChatID, new(int32))
		if atomic.AddInt32(n.(*int32), 1) > 1 {
			overlap.Store(true)
		}
		defer atomic.AddInt32(n.(*int32), -1)
		if ev.ChatID == "100" && ev.Text == "msg 0" {
			// Chat 100's first message waits until chat 200 was answered:
			// if chats were served one after another this would never end.
			select {
			case <-slowFirst:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return []bot.Message{{Text: "re " + ev.Text}}, nil
	}
	hs := newHarness(t, rec, setup{opts: []Option{WithFloodLimit(1000, time.Minute)}}).start()
	a, b := telegramtest.Customer(100), telegramtest.Customer(200)
	var ups []telegramtest.Update
	for i := 0; i < rapid; i++ {
		ups = append(ups, a.Text(fmt.Sprintf("msg %d", i)))
	}
	hs.srv.Push(ups...)
	hs.srv.Push(b.Text("other chat"))
	hs.srv.WaitSent(t, 200, 1)
	close(slowFirst)
	got := hs.srv.WaitSent(t, 100, rapid)
	for i, text := range got {
		if want := fmt.Sprintf("re msg %d", i); text != want {
			t.Fatalf("reply %d to chat 100 is %q, want %q (order lost)\nall: %q", i, text, want, got)
		}
	}
	if overlap.Load() {
		t.Error("two messages of one chat were handled at the same time")
	}
}

func TestDuplicateUpdateAnsweredOnce(t *testing.T) {
	rec := newRecorder()
	hs := newHarness(t, rec, setup{webhook: true, secret: "s3cret"}).start()
	u := telegramtest.Customer(300)
	upd := u.Text("hello")
	code, id := hs.deliver(upd)
	if code != 200 {
		t.Fatalf("webhook status %d", code)
	}
	hs.srv.WaitSent(t, 300, 1)
	// Telegram redelivers (say our 200 got lost): same update_id.
	upd["update_id"] = id
	if code, _ := hs.deliver(upd); code != 200 {
		t.Fatalf("redelivery status %d, want 200 (acknowledged, not answered again)", code)
	}
	// A later message is answered, and only one answer to the first.
	hs.deliver(u.Text("second"))
	got := hs.srv.WaitSent(t, 300, 2)
	if len(got) != 2 || got[0] != "re: hello" || got[1] != "re: second" {
		t.Errorf("replies %q, want one answer per message", got)
	}
	if n := len(rec.Events()); n != 2 {
		t.Errorf("the core saw %d events, want 2", n)
	}
}

// Two replicas share one Redis behind one webhook URL; Telegram's retry
// lands the same update on both at once.
func TestTwoReplicasAnswerAnUpdateOnce(t *testing.T) {
	srv := telegramtest.New(t)
	db := sessiontest.DB(t)
	rec := newRecorder()
	r1 := newHarness(t, rec, setup{webhook: true, secret: "s3cret", srv: srv, db: db, opts: []Option{WithReplicaID("r1")}})
	r2 := newHarness(t, rec, setup{webhook: true, secret: "s3cret", srv: srv, db: db, opts: []Option{WithReplicaID("r2")}})
	r2.a.onDone = r1.a.onDone // r1.waitDrained hears about both
	r1.start()
	r2.start()

	u := telegramtest.Customer(400)
	const n = 20
	for i := 0; i < n; i++ {
		upd := u.Text(fmt.Sprintf("q%d", i))
		upd["update_id"] = int64(90000 + i)
		var wg sync.WaitGroup
		for _, hs := range []*harness{r1, r2} {
			wg.Add(1)
			go func(hs *harness, body map[string]any) {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), waitFor)
				defer cancel()
				code, _, err := srv.DeliverTo(ctx, hs.web.URL+"/telegram/hook", "s3cret", body)
				if err != nil || code != 200 {
					t.Errorf("delivery to a replica: %d %v", code, err)
				}
			}(hs, clone(upd))
		}
		wg.Wait()
	}
	hs := r1
	hs.srv.WaitSent(t, 400, n)
	// Every update was acknowledged by both; all answers are out, so a
	// duplicate would have been sent by now too.
	hs.waitDrained()
	got := hs.srv.Sent(400)
	if len(got) != n {
		t.Fatalf("%d replies for %d updates: %q", len(got), n, got)
	}
	if events := len(rec.Events()); events != n {
		t.Errorf("the core saw %d events for %d updates", events, n)
	}
}

func clone(u telegramtest.Update) telegramtest.Update {
	b, _ := json.Marshal(u)
	var out telegramtest.Update
	_ = json.Unmarshal(b, &out)
	if id, ok := u["update_id"].(int64); ok {
		out["update_id"] = id
	}
	return out
}

func TestWebhookSecret(t *testing.T) {
	rec := newRecorder()
	hs := newHarness(t, rec, setup{webhook: true, secret: "right-secret_1"}).start()
	wh := hs.srv.Webhook()
	if wh == nil || wh.URL != hs.web.URL+"/telegram/hook" || wh.Secret != "right-secret_1" {
		t.Fatalf("setWebhook registered %+v", wh)
	}
	if !contains(strings.Join(wh.AllowedUpdates, ","), "my_chat_member") {
		t.Errorf("allowed_updates %v", wh.AllowedUpdates)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	u := telegramtest.Customer(500)
	for _, secret := range []string{"wrong", "", "right-secret_1x", "right-secret_"} {
		code, _, err := hs.srv.DeliverTo(ctx, wh.URL, secret, u.Text("forged"))
		if err != nil {
			t.Fatal(err)
		}
		if code != 401 {
			t.Errorf("secret %q: status %d, want 401", secret, code)
		}
	}
	if code, _ := hs.deliver(u.Text("genuine")); code != 200 {
		t.Fatalf("right secret: status %d", code)
	}
	if got := hs.srv.WaitSent(t, 500, 1); got[0] != "re: genuine" {
		t.Errorf("reply %q", got)
	}
	for _, ev := range rec.Events() {
		if ev.Text == "forged" {
			t.Error("a request with a wrong secret reached the core")
		}
	}
	if hs.inboxLen() > 1 {
		t.Error("forged updates were persisted")
	}
	if !contains(hs.logs.String(), "wrong secret token") {
		t.Error("refused requests should be logged")
	}
}

func TestWebhookSecretDerivedWhenUnset(t *testing.T) {
	hs := newHarness(t, newRecorder(), setup{webhook: true}).start()
	wh := hs.srv.Webhook()
	if wh == nil || len(wh.Secret) < 32 {
		t.Fatalf("without TELEGRAM_WEBHOOK_SECRET a secret should still be registered, got %+v", wh)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	code, _, err := hs.srv.DeliverTo(ctx, wh.URL, "", telegramtest.Customer(501).Text("no secret"))
	if err != nil || code != 401 {
		t.Errorf("a request without the secret: %d %v, want 401", code, err)
	}
	if strings.Contains(hs.logs.String(), wh.Secret) || strings.Contains(hs.logs.String(), telegramtest.Token) {
		t.Error("a secret reached the logs")
	}
}

func TestBadWebhookConfig(t *testing.T) {
	st := sessiontest.DB(t)
	for _, c := range []struct{ url, secret, want string }{
		{"not a url", "", "TELEGRAM_WEBHOOK_URL"},
		{"/relative/path", "", "TELEGRAM_WEBHOOK_URL"},
		{"https://bot.example.com/hook", "has spaces!", "TELEGRAM_WEBHOOK_SECRET"},
	} {
		_, err := New(telegramtest.Token, newRecorder(), st, WithWebhook(c.url, c.secret))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("WithWebhook(%q, %q): err %v, want one naming %s", c.url, c.secret, err, c.want)
		}
	}
	if _, err := New("not-a-token", newRecorder(), st); err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_TOKEN") {
		t.Errorf("bad token: %v", err)
	}
	if _, err := New(telegramtest.Token, newRecorder(), st, WithAPIURL("ftp://x")); err == nil || !strings.Contains(err.Error(), "TELEGRAM_API_URL") {
		t.Errorf("bad API URL: %v", err)
	}
	// '#' ends the replica id in its lease tokens: "a" would take "a#1"'s.
	if _, err := New(telegramtest.Token, newRecorder(), st, WithReplicaID("a#1")); err == nil || !strings.Contains(err.Error(), "'#'") {
		t.Errorf("replica id with '#': %v", err)
	}
}

func TestRejectedTokenFailsStart(t *testing.T) {
	srv := telegramtest.NewServer("999:other-token")
	t.Cleanup(srv.Close)
	hs := newHarness(t, newRecorder(), setup{srv: srv})
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	err := hs.a.Start(ctx)
	if !errors.Is(err, tgbot.ErrorUnauthorized) {
		t.Fatalf("Start with a token Telegram rejects: %v", err)
	}
	if strings.Contains(err.Error(), telegramtest.Token) {
		t.Error("the error shows the token")
	}
	if hs.a.Ready(ctx) == nil {
		t.Error("Ready after a failed start")
	}
}

func TestRateLimitRetriedAfterRetryAfter(t *testing.T) {
	rec := newRecorder()
	hs := newHarness(t, rec, setup{}).start()
	hs.srv.Fail("sendMessage", telegramtest.Fault{Code: 429, RetryAfter: 3}, telegramtest.Fault{Code: 429, RetryAfter: 1})
	hs.srv.Push(telegramtest.Customer(600).Text("hi"))
	got := hs.srv.WaitSent(t, 600, 1)
	if got[0] != "re: hi" {
		t.Errorf("reply %q", got[0])
	}
	waits := hs.waits()
	if len(waits) < 2 || waits[0] != 3*time.Second || waits[1] != time.Second {
		t.Errorf("waits %v, want the retry_after values 3s then 1s", waits)
	}
	var codes []int
	for _, c := range hs.srv.Calls("sendMessage") {
		codes = append(codes, c.Code)
	}
	if fmt.Sprint(codes) != "[429 429 200]" {
		t.Errorf("sendMessage answers %v", codes)
	}
}

func TestTransientErrorsRetriedWithBackoff(t *testing.T) {
	rec := newRecorder()
	hs := newHarness(t, rec, setup{}).start()
	hs.srv.Fail("sendMessage", telegramtest.Fault{Code: 502}, telegramtest.Fault{Code: telegramtest.Drop}, telegramtest.Fault{Code: 500})
	hs.srv.Push(telegramtest.Customer(601).Text("hi"))
	hs.srv.WaitSent(t, 601, 1)
	waits := hs.waits()
	if len(waits) != 3 {
		t.Fatalf("waits %v, want 3 backoffs", waits)
	}
	for i, w := range waits {
		max := backoffBase << i
		if w < max/2 || w > max {
			t.Errorf("backoff %d = %v, want within [%v, %v]", i+1, w, max/2, max)
		}
	}
}

func TestUndeliverableMessageIsLoggedWithChat(t *testing.T) {
	rec := newRecorder()
	rec.reply = func(context.Context, bot.Event) ([]bot.Message, error) {
		return []bot.Message{{Text: "first, mail me at jane@example.com"}, {Text: "second"}}, nil
	}
	hs := newHarness(t, rec, setup{}).start()
	faults := make([]telegramtest.Fault, maxAttempts)
	for i := range faults {
		faults[i] = telegramtest.Fault{Code: 500}
	}
	hs.srv.Fail("sendMessage", faults...)
	hs.srv.Push(telegramtest.Customer(602).Text("hi"))
	// The second message still goes out after the first is given up.
	if got := hs.srv.WaitSent(t, 602, 1); got[0] != "second" {
		t.Errorf("sent %q", got)
	}
	logs := hs.logs.String()
	if !contains(logs, `"msg":"telegram: message not delivered"`) || !contains(logs, `"chat":"`+logmask.Pseudonym("telegram:602")+`"`) {
		t.Errorf("an undelivered message must be logged with its chat's pseudonym:\n%s", logs)
	}
	if contains(logs, "jane@example.com") || !contains(logs, "[email]") {
		t.Error("the logged text must be masked")
	}
}

// Logs name a chat only by its pseudonym (logmask.Conv), the one the core
// and the desk log: the update, the send retries, the undelivered message
// and its error, the block. The chat id itself appears in no line.
func TestLogsNameChatsByPseudonym(t *testing.T) {
	const chat = 730194628
	rec := newRecorder()
	rec.reply = func(context.Context, bot.Event) ([]bot.Message, error) {
		return []bot.Message{{Text: "first"}, {Text: "second"}}, nil
	}
	hs := newHarness(t, rec, setup{}).start()
	faults := make([]telegramtest.Fault, maxAttempts)
	for i := range faults {
		faults[i] = telegramtest.Fault{Code: 500}
	}
	hs.srv.Fail("sendMessage", faults...)
	u := telegramtest.Customer(chat)
	hs.srv.Push(u.Text("hi"))
	hs.srv.WaitSent(t, chat, 1) // "first" given up and logged, "second" sent
	hs.srv.Block(chat)
	hs.srv.Push(u.Text("still there?"))
	select {
	case <-rec.blocked: // logged before the core is told
	case <-time.After(waitFor):
		t.Fatal("the block never reached the handler")
	}

	pseudonym := logmask.Pseudonym(bot.ConvID(Channel, strconv.Itoa(chat)))
	logs := hs.logs.String()
	if strings.Contains(logs, strconv.Itoa(chat)) {
		t.Errorf("the logs name chat %d:\n%s", chat, logs)
	}
	seen := map[string]int{}
	for line := range strings.Lines(logs) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		msg, _ := rec["msg"].(string)
		for _, k := range []string{"chat", "conv"} {
			if v, ok := rec[k]; ok {
				if v != pseudonym {
					t.Errorf("%q logs %s %v, want %s", msg, k, v, pseudonym)
				}
				seen[msg]++
			}
		}
		if msg == "telegram: message not delivered" && !strings.Contains(fmt.Sprint(rec["err"]), "to chat "+pseudonym) {
			t.Errorf("the send error does not name the chat's pseudonym: %v", rec["err"])
		}
	}
	for _, msg := range []string{
		"telegram: update",
		"telegram: request failed; retrying",
		"telegram: message not delivered",
		"telegram: the customer blocked the bot; not sending to them until they write again",
	} {
		if seen[msg] == 0 {
			t.Errorf("no %q line naming the chat:\n%s", msg, logs)
		}
	}
}

func TestLongReplySplit(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 10000; i++ {
		fmt.Fprintf(&b, "Paragraph %d. Our return policy is simple & fair <really>: you have 30 days. ", i)
		if i%5 == 4 {
			b.WriteString("\n\n")
		}
	}
	long := strings.TrimSpace(b.String())
	rec := newRecorder()
	rec.reply = func(context.Context, bot.Event) ([]bot.Message, error) {
		return []bot.Message{{Text: long, Buttons: []bot.Button{{Label: "👍", Kind: bot.KindRating, Value: "5"}}}}, nil
	}
	hs := newHarness(t, rec, setup{}).start()
	hs.srv.Push(telegramtest.Customer(700).Text("tell me everything"))
	hs.srv.Wait(t, "the whole long reply", func(calls []telegramtest.Call) bool {
		total := 0
		for _, c := range calls {
			if c.Method == "sendMessage" && c.OK() {
				total += len(c.Text())
			}
		}
		return total >= len(long)-100
	})
	var parts []telegramtest.Call
	for _, c := range hs.srv.Calls("sendMessage") {
		if c.ChatID() == 700 {
			parts = append(parts, c)
		}
	}
	if len(parts) < 3 {
		t.Fatalf("%d parts for %d characters", len(parts), len(long))
	}
	var joined []string
	for i, p := range parts {
		if !p.OK() {
			t.Errorf("part %d refused: %d", i, p.Code)
		}
		if n := utf16Len(p.Text()); n > 4096 {
			t.Errorf("part %d has %d characters", i, n)
		}
		if i < len(parts)-1 && !strings.HasSuffix(p.Text(), ".") {
			t.Errorf("part %d ends mid-sentence: …%q", i, p.Text()[len(p.Text())-20:])
		}
		hasKB := p.Params["reply_markup"] != ""
		if hasKB != (i == len(parts)-1) {
			t.Errorf("part %d: keyboard %v; buttons belong on the last part only", i, hasKB)
		}
		joined = append(joined, p.Text())
	}
	if strings.Join(strings.Fields(strings.Join(joined, " ")), " ") != strings.Join(strings.Fields(long), " ") {
		t.Error("the parts do not add up to the reply")
	}
}

func TestAnyCharactersSendable(t *testing.T) {
	texts := []string{
		"<b>5 < 6 & 7 > 3</b> <script>alert(1)</script> &amp; &bogus;",
		"*bold* _it_ [link](http://x) `code` ~strike~ #tag +1 -1 = {x} | !. \\",
		"Korean 한국어, Chinese 中文, emoji 👩‍👩‍👧 and math ∑",
		"bad utf-8 \xff\xfe and control \x00\x07\x1b chars\r\nand CRLF",
	}
	rec := newRecorder()
	i := 0
	rec.reply = func(context.Context, bot.Event) ([]bot.Message, error) {
		i++
		return []bot.Message{{Text: texts[i-1]}}, nil
	}
	hs := newHarness(t, rec, setup{}).start()
	u := telegramtest.Customer(710)
	for range texts {
		hs.srv.Push(u.Text("go"))
	}
	got := hs.srv.WaitSent(t, 710, len(texts))
	for _, c := range hs.srv.Calls("sendMessage") {
		if !c.OK() {
			t.Errorf("Telegram refused %q: %d", c.Text(), c.Code)
		}
	}
	if got[0] != texts[0] || got[1] != texts[1] || got[2] != texts[2] {
		t.Errorf("text changed on the way: %q", got[:3])
	}
	if got[3] != "bad utf-8 \uFFFD and control  chars\nand CRLF" {
		t.Errorf("cleaned text %q", got[3])
	}
}

func TestBadInputBecomesEvents(t *testing.T) {
	rec := newRecorder()
	hs := newHarness(t, rec, setup{opts: []Option{WithFloodLimit(100, time.Minute)}}).start()
	u := telegramtest.Customer(800)
	long := strings.Repeat("가", 10000)
	cases := []struct {
		upd  telegramtest.Update
		kind bot.Kind
		text string
	}{
		{u.Sticker(), bot.KindSticker, ""},
		{u.Photo("my broken item"), bot.KindPhoto, "my broken item"},
		{u.Voice(), bot.KindVoice, ""},
		{u.Document("invoice"), bot.KindFile, "invoice"},
		{u.Location(), bot.KindLocation, ""},
		{u.Edited("where is my order, edited"), bot.KindText, "where is my order, edited"},
		{u.Text("   \n\t "), bot.KindText, ""},
		{u.Text("a\x00b\x07c\u0085d"), bot.KindText, "abcd"},
		{u.Text(long), bot.KindText, long},
		{u.Text("/start"), bot.KindCommand, "start"},
		{u.Text("/HELP@" + telegramtest.BotUsername), bot.KindCommand, "help"},
		{u.Text("/human please"), bot.KindCommand, "human"},
		{u.Text("/order 123"), bot.KindText, "/order 123"},
		{telegramtest.Update{"message": u.Msg(map[string]any{"contact": map[string]any{"phone_number": "+100", "first_name": "J"}})}, bot.KindOther, ""},
	}
	for _, c := range cases {
		hs.srv.Push(c.upd)
	}
	for i, c := range cases {
		ev := rec.next(t)
		if ev.Kind != c.kind || ev.Text != c.text {
			t.Errorf("case %d: event %s %q, want %s %q", i, ev.Kind, short(ev.Text), c.kind, short(c.text))
		}
	}
	// Every event was answered (the core decides the words).
	hs.srv.WaitSent(t, 800, len(cases))
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func TestGroupsAndChannels(t *testing.T) {
	rec := newRecorder()
	hs := newHarness(t, rec, setup{}).start()
	u := telegramtest.Customer(900)
	const group = -100555
	hs.srv.Push(
		u.GroupText(group, "anyone know the opening hours?"),         // not for us: silence
		telegramtest.ChannelPost(-100777, "new collection out"),      // channel: ignored
		u.GroupText(group, "/help@SomeOtherBot"),                     // another bot's command
		u.GroupText(group, "@"+telegramtest.BotUsername+" hi there"), // addressed
		u.GroupReplyToBot(group, "and returns?"),                     // addressed by reply
		u.Text("private question"),                                   // a private chat goes on as usual
	)
	hs.srv.WaitSent(t, 900, 1)
	hs.srv.WaitSent(t, group, 2)
	hs.waitDrained()
	var inGroup, private []string
	for _, ev := range rec.Events() {
		switch ev.ChatID {
		case strconv.Itoa(group):
			inGroup = append(inGroup, string(ev.Kind)+":"+ev.Text)
		case "900":
			private = append(private, string(ev.Kind)+":"+ev.Text)
		}
	}
	if want := "[group:@" + telegramtest.BotUsername + " hi there group:and returns?]"; fmt.Sprint(inGroup) != want {
		t.Errorf("group events %v, want %s", inGroup, want)
	}
	if fmt.Sprint(private) != "[text:private question]" {
		t.Errorf("private events %v", private)
	}
	if n := len(rec.Events()); n != 3 {
		t.Errorf("the core saw %d events, want 3 (unaddressed group chatter and channel posts stay silent)", n)
	}
	for _, c := range hs.srv.Calls("sendMessage") {
		if c.ChatID() == -100777 {
			t.Error("Baton wrote to a channel")
		}
	}
}

func TestBlockedCustomer(t *testing.T) {
	rec := newRecorder()
	hs := newHarness(t, rec, setup{}).start()
	u := telegramtest.Customer(1000)
	hs.srv.Block(1000)
	hs.srv.Push(u.Text("hi"))
	select {
	case conv := <-rec.blocked:
		if conv != "telegram:1000" {
			t.Errorf("Blocked(%q)", conv)
		}
	case <-time.After(waitFor):
		t.Fatal("the handler was not told about the block")
	}
	// The core's own messages are not sent any more.
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	before := len(hs.srv.Calls("sendMessage"))
	if err := hs.a.Send(ctx, "1000", bot.Message{Text: "are you still there?"}); !errors.Is(err, ErrBlocked) {
		t.Errorf("Send to a blocked chat: %v, want ErrBlocked", err)
	}
	if after := len(hs.srv.Calls("sendMessage")); after != before {
		t.Error("Send called Telegram for a chat known to be blocked")
	}
	// They unblock and write again: answered.
	hs.srv.Unblock(1000)
	hs.srv.Push(u.BlockedBot(false), u.Text("back again"))
	if got := hs.srv.WaitSent(t, 1000, 1); got[0] != "re: back again" {
		t.Errorf("after unblocking: %q", got)
	}
	// Telegram's own notice of a block (my_chat_member kicked) is enough.
	v := telegramtest.Customer(1001)
	hs.srv.Push(v.BlockedBot(true))
	select {
	case conv := <-rec.blocked:
		if conv != "telegram:1001" {
			t.Errorf("Blocked(%q)", conv)
		}
	case <-time.After(waitFor):
		t.Fatal("my_chat_member kicked did not mark the conversation")
	}
	if err := hs.a.Send(ctx, "1001", bot.Message{Text: "x"}); !errors.Is(err, ErrBlocked) {
		t.Errorf("Send after my_chat_member kicked: %v", err)
	}
}

// The core calls Send while it holds the conversation's lock, and its
// Blocked takes that lock: Send must not wait for Blocked, and the block
// must still reach the core once the lock is free.
func TestSendToABlockedChatTellsTheCoreAfterwards(t *testing.T) {
	rec := newRecorder()
	lock := make(chan struct{})
	rec.gate = lock
	hs := newHarness(t, rec, setup{}).start()
	hs.srv.Block(1000)
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := hs.a.Send(ctx, "1000", bot.Message{Text: "are you still there?"}); !errors.Is(err, ErrBlocked) || !errors.Is(err, bot.ErrBlocked) {
		t.Fatalf("Send to a chat that blocked the bot: %v, want telegram.ErrBlocked wrapping bot.ErrBlocked", err)
	}
	select {
	case conv := <-rec.blocked:
		t.Fatalf("Blocked(%q) ran while the caller still held the conversation", conv)
	default:
	}
	close(lock) // the core's update ends
	select {
	case conv := <-rec.blocked:
		if conv != "telegram:1000" {
			t.Errorf("Blocked(%q)", conv)
		}
	case <-time.After(waitFor):
		t.Fatal("the core was never told about the block")
	}
	before := len(hs.srv.Calls("sendMessage"))
	if err := hs.a.Send(ctx, "1000", bot.Message{Text: "x"}); !errors.Is(err, ErrBlocked) {
		t.Errorf("second Send: %v", err)
	}
	if after := len(hs.srv.Calls("sendMessage")); after != before {
		t.Error("Send called Telegram again for a chat known to be blocked")
	}
}

func TestFloodLimit(t *testing.T) {
	rec := newRecorder()
	hs := newHarness(t, rec, setup{opts: []Option{WithFloodLimit(3, time.Hour)}}).start()
	u, other := telegramtest.Customer(1100), telegramtest.Customer(1101)
	var ups []telegramtest.Update
	for i := 0; i < 8; i++ {
		ups = append(ups, u.Text(fmt.Sprintf("spam %d", i)))
	}
	hs.srv.Push(ups...)
	hs.srv.Push(other.Text("calm question"))
	hs.srv.WaitSent(t, 1101, 1)
	hs.waitDrained()
	var kinds []string
	for _, ev := range rec.Events() {
		if ev.ChatID == "1100" {
			kinds = append(kinds, string(ev.Kind)+":"+ev.Text)
		}
	}
	want := "[text:spam 0 text:spam 1 text:spam 2 flood:]"
	if fmt.Sprint(kinds) != want {
		t.Errorf("the core got %v, want %s", kinds, want)
	}
	if n := len(hs.srv.Sent(1100)); n != 4 {
		t.Errorf("%d replies to the flooding chat, want 3 answers and one note", n)
	}
}

func TestButtonsAndPresses(t *testing.T) {
	rec := newRecorder()
	rec.reply = func(_ context.Context, ev bot.Event) ([]bot.Message, error) {
		if ev.Kind == bot.KindRating {
			return []bot.Message{{Text: "thanks for the " + ev.Text}}, nil
		}
		var bs []bot.Button
		for i := 1; i <= 5; i++ {
			bs = append(bs, bot.Button{Label: strings.Repeat("★", i), Kind: bot.KindRating, Value: strconv.Itoa(i)})
		}
		bs = append(bs, bot.Button{Label: "too long", Kind: bot.KindRating, Value: strings.Repeat("x", 80)})
		return []bot.Message{{Text: "How did we do?", Buttons: bs}}, nil
	}
	hs := newHarness(t, rec, setup{}).start()
	u := telegramtest.Customer(1200)
	hs.srv.Push(u.Text("bye"))
	hs.srv.WaitSent(t, 1200, 1)
	c := hs.srv.Calls("sendMessage")[0]
	var kb struct {
		InlineKeyboard [][]map[string]any `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(c.Params["reply_markup"]), &kb); err != nil || len(kb.InlineKeyboard) != 1 || len(kb.InlineKeyboard[0]) != 5 {
		t.Fatalf("keyboard %s (%v)", c.Params["reply_markup"], err)
	}
	if d := kb.InlineKeyboard[0][4]["callback_data"]; d != "rating:5" {
		t.Errorf("callback_data %v", d)
	}
	if !contains(hs.logs.String(), "button left out") {
		t.Error("a button whose data does not fit should be logged")
	}
	hs.srv.Push(u.Press("rating:4", 5001))
	if got := hs.srv.WaitSent(t, 1200, 2); got[1] != "thanks for the 4" {
		t.Errorf("after the press: %q", got)
	}
	if ev := rec.Events()[1]; ev.Kind != bot.KindRating || ev.Text != "4" || ev.Customer.ID != "1200" {
		t.Errorf("press event %+v", ev)
	}
	if calls := hs.srv.Calls("answerCallbackQuery"); len(calls) != 1 {
		t.Errorf("answerCallbackQuery calls: %d", len(calls))
	}
	edits := hs.srv.Calls("editMessageReplyMarkup")
	if len(edits) != 1 || edits[0].Params["message_id"] != "5001" || !edits[0].OK() {
		t.Errorf("the pressed keyboard should be removed: %+v", edits)
	}
}

func TestHandlerErrorStillSendsItsMessages(t *testing.T) {
	rec := newRecorder()
	rec.reply = func(context.Context, bot.Event) ([]bot.Message, error) {
		return []bot.Message{{Text: "Sorry, I'm having trouble remembering our chat. Please try again in a minute."}},
			errors.New("session: redis down")
	}
	hs := newHarness(t, rec, setup{}).start()
	hs.srv.Push(telegramtest.Customer(1300).Text("hi"))
	if got := hs.srv.WaitSent(t, 1300, 1); !strings.HasPrefix(got[0], "Sorry") {
		t.Errorf("sent %q", got)
	}
	hs.srv.Wait(t, "the error logged", func([]telegramtest.Call) bool {
		return contains(hs.logs.String(), "redis down")
	})
}

func TestProactiveSend(t *testing.T) {
	hs := newHarness(t, newRecorder(), setup{}).start()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := hs.a.Send(ctx, "1400", bot.Message{Text: "Lia from our team: your parcel left today."}); err != nil {
		t.Fatal(err)
	}
	if got := hs.srv.Sent(1400); len(got) != 1 {
		t.Errorf("sent %q", got)
	}
	if err := hs.a.Send(ctx, "not-a-chat", bot.Message{Text: "x"}); err == nil {
		t.Error("a non-numeric chat id should be an error")
	}
	var _ bot.Sender = hs.a
}

func TestPollingRemovesAStaleWebhook(t *testing.T) {
	srv := telegramtest.New(t)
	hs := newHarness(t, newRecorder(), setup{srv: srv})
	// A webhook from an earlier deployment makes getUpdates fail with 409.
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	tmp := newHarness(t, newRecorder(), setup{srv: srv, webhook: true})
	if err := tmp.a.connect(ctx); err != nil {
		t.Fatal(err)
	}
	if srv.Webhook() == nil {
		t.Fatal("setup: no webhook")
	}
	hs.start()
	srv.Push(telegramtest.Customer(1500).Text("hi"))
	srv.WaitSent(t, 1500, 1)
	if srv.Webhook() != nil {
		t.Error("polling mode should delete the webhook")
	}
	if err := hs.a.Ready(ctx); err != nil {
		t.Errorf("Ready: %v", err)
	}
}

func TestPanickingCoreDoesNotCrash(t *testing.T) {
	rec := newRecorder()
	rec.reply = func(_ context.Context, ev bot.Event) ([]bot.Message, error) {
		if ev.Text == "boom" {
			panic("index out of range")
		}
		return []bot.Message{{Text: "re: " + ev.Text}}, nil
	}
	hs := newHarness(t, rec, setup{}).start()
	u := telegramtest.Customer(1600)
	hs.srv.Push(u.Text("boom"), u.Text("still there?"))
	if got := hs.srv.WaitSent(t, 1600, 1); got[0] != "re: still there?" {
		t.Errorf("after a panic: %q", got)
	}
	hs.waitDrained() // the poison message is not kept for the next start
	if !contains(hs.logs.String(), "the core panicked") {
		t.Error("the panic should be logged")
	}
}

func TestPollingSurvivesTelegramErrors(t *testing.T) {
	rec := newRecorder()
	hs := newHarness(t, rec, setup{})
	// Before Start, so the very first polls fail.
	hs.srv.Fail("getUpdates",
		telegramtest.Fault{Code: 502},
		telegramtest.Fault{Code: telegramtest.Drop},
		telegramtest.Fault{Code: 429, RetryAfter: 7},
		telegramtest.Fault{Code: 409, Description: "Conflict: terminated by other getUpdates request"})
	hs.start()
	hs.srv.Push(telegramtest.Customer(1700).Text("anyone there?"))
	if got := hs.srv.WaitSent(t, 1700, 1); got[0] != "re: anyone there?" {
		t.Errorf("reply %q", got)
	}
	waits := hs.waits()
	found := false
	for _, w := range waits {
		if w == 7*time.Second {
			found = true
		}
	}
	if !found {
		t.Errorf("the poller should wait retry_after (7s) after a 429; waited %v", waits)
	}
	logs := hs.logs.String()
	if !contains(logs, "another instance polls with this token") {
		t.Error("a 409 should be explained in the log")
	}
	if contains(logs, telegramtest.Token) {
		t.Error("the token reached the log")
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := hs.a.Ready(ctx); err != nil {
		t.Errorf("Ready after recovering: %v", err)
	}
}
