package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/batonhq/baton/bot"
)

func checkParts(t *testing.T, in string, parts []string, limit int) {
	t.Helper()
	for i, p := range parts {
		if n := utf16Len(p); n > limit {
			t.Errorf("part %d has %d UTF-16 units, limit %d", i, n, limit)
		}
		if strings.TrimSpace(p) == "" {
			t.Errorf("part %d is empty", i)
		}
		if !utf8.ValidString(p) {
			t.Errorf("part %d is cut inside a character", i)
		}
	}
	if strings.Join(strings.Fields(strings.Join(parts, " ")), " ") != strings.Join(strings.Fields(in), " ") &&
		strings.Join(parts, "") != in {
		t.Errorf("parts do not add up to the input")
	}
}

func TestSplit(t *testing.T) {
	t.Run("a text of at most limit bytes has at most limit units", func(t *testing.T) {
		// split skips counting such a text: it relies on this bound, for
		// any rune (astral ones count two units in four bytes) and for
		// invalid bytes (each counts one U+FFFD).
		pieces := []string{"a", "é", "中", "👋", "\xff", "\xe4\xb8", "\n", " ", "🇰🇷"}
		for i := 0; i < 5000; i++ {
			var b strings.Builder
			for j := 0; j < 1+i%40; j++ {
				b.WriteString(pieces[(i*7+j*j+j/3)%len(pieces)])
			}
			s := b.String()
			if n := utf16Len(s); n > len(s) {
				t.Fatalf("%q: %d UTF-16 units in %d bytes", s, n, len(s))
			}
			if got := split(s, len(s)); strings.TrimSpace(s) != "" && (len(got) != 1 || got[0] != s) {
				t.Fatalf("%q at limit %d: parts %q, want it whole", s, len(s), got)
			}
		}
	})
	t.Run("short stays whole", func(t *testing.T) {
		if got := split("hello", 4096); len(got) != 1 || got[0] != "hello" {
			t.Errorf("%q", got)
		}
		exact := strings.Repeat("a", 4096)
		if got := split(exact, 4096); len(got) != 1 {
			t.Errorf("exactly 4096 characters made %d parts", len(got))
		}
	})
	t.Run("paragraphs first", func(t *testing.T) {
		para := strings.Repeat("word ", 150) // 750 chars
		in := strings.Repeat(strings.TrimSpace(para)+".\n\n", 12)
		parts := split(in, 4096)
		checkParts(t, in, parts, 4096)
		for i, p := range parts[:len(parts)-1] {
			if !strings.HasSuffix(p, ".") {
				t.Errorf("part %d does not end at a paragraph: …%q", i, p[len(p)-10:])
			}
		}
	})
	t.Run("sentences when no paragraph", func(t *testing.T) {
		in := strings.Repeat("This is one sentence of the answer. ", 300)
		parts := split(in, 4096)
		checkParts(t, in, parts, 4096)
		for i, p := range parts[:len(parts)-1] {
			if !strings.HasSuffix(p, "answer.") {
				t.Errorf("part %d ends mid-sentence: …%q", i, p[len(p)-15:])
			}
		}
	})
	t.Run("chinese sentence ends", func(t *testing.T) {
		in := strings.Repeat("您的订单已经发货了请耐心等待。", 700)
		parts := split(in, 4096)
		checkParts(t, in, parts, 4096)
		for i, p := range parts[:len(parts)-1] {
			if !strings.HasSuffix(p, "。") {
				t.Errorf("part %d ends mid-sentence", i)
			}
		}
	})
	t.Run("no boundary at all", func(t *testing.T) {
		in := strings.Repeat("a", 10000)
		parts := split(in, 4096)
		checkParts(t, in, parts, 4096)
		if len(parts) != 3 || len(parts[0]) != 4096 {
			t.Errorf("parts of %d", len(parts))
		}
	})
	t.Run("emoji count double", func(t *testing.T) {
		in := strings.Repeat("😀", 3000) // 6000 UTF-16 units
		parts := split(in, 4096)
		checkParts(t, in, parts, 4096)
		if len(parts) != 2 {
			t.Errorf("%d parts", len(parts))
		}
	})
	t.Run("small limits", func(t *testing.T) {
		in := "ab cd ef gh ij kl mn"
		parts := split(in, 5)
		checkParts(t, in, parts, 5)
	})
}

func TestCleanOut(t *testing.T) {
	cases := map[string]string{
		"plain":                   "plain",
		"tabs\tand\nnewlines\n\n": "tabs\tand\nnewlines",
		"crlf\r\nline":            "crlf\nline",
		"nul\x00bell\x07esc\x1b":  "nulbellesc",
		"bad \xff utf8":           "bad \uFFFD utf8",
		"<b>&amp;</b>":            "<b>&amp;</b>",
		"   ":                     "",
	}
	for in, want := range cases {
		if got := bot.CleanText(in); got != want {
			t.Errorf("bot.CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func update(t *testing.T, js string) *models.Update {
	t.Helper()
	u, _, err := decodeUpdate([]byte(js))
	if err != nil {
		t.Fatalf("decode %s: %v", js, err)
	}
	return u
}

func TestClassify(t *testing.T) {
	me := &models.User{ID: 42, IsBot: true, Username: "ShopBot"}
	private := `"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"Min","language_code":"ko"}`
	cases := []struct {
		name string
		js   string
		act  action
		kind bot.Kind
		text string
	}{
		{"text", `{"update_id":1,"message":{"message_id":1,"date":1,` + private + `,"text":" hi "}}`, actHandle, bot.KindText, "hi"},
		{"service message", `{"update_id":1,"message":{"message_id":1,"date":1,` + private + `,"pinned_message":{"message_id":3,"date":0,"chat":{"id":5,"type":"private"}}}}`, actIgnore, "", ""},
		{"from a bot", `{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":9,"is_bot":true,"first_name":"B"},"text":"x"}}`, actIgnore, "", ""},
		{"command for another bot in private", `{"update_id":1,"message":{"message_id":1,"date":1,` + private + `,"text":"/start@OtherBot"}}`, actHandle, bot.KindText, "/start@OtherBot"},
		{"start with payload", `{"update_id":1,"message":{"message_id":1,"date":1,` + private + `,"text":"/start ref_42"}}`, actHandle, bot.KindCommand, "start"},
		{"video is a file", `{"update_id":1,"message":{"message_id":1,"date":1,` + private + `,"video":{"file_id":"v","file_unique_id":"u","width":1,"height":1,"duration":1},"caption":"look"}}`, actHandle, bot.KindFile, "look"},
		{"audio is voice", `{"update_id":1,"message":{"message_id":1,"date":1,` + private + `,"audio":{"file_id":"a","file_unique_id":"u","duration":1}}}`, actHandle, bot.KindVoice, ""},
		{"venue is a location", `{"update_id":1,"message":{"message_id":1,"date":1,` + private + `,"venue":{"location":{"latitude":1,"longitude":2},"title":"t","address":"a"},"location":{"latitude":1,"longitude":2}}}`, actHandle, bot.KindLocation, ""},
		{"group without mention", `{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":-1,"type":"group"},"from":{"id":5,"first_name":"M"},"text":"hello all"}}`, actIgnore, "", ""},
		{"group bare command", `{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":-1,"type":"group"},"from":{"id":5,"first_name":"M"},"text":"/help"}}`, actHandle, bot.KindGroup, "/help"},
		{"group mention any case", `{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":-1,"type":"supergroup"},"from":{"id":5,"first_name":"M"},"text":"hey @shopbot"}}`, actHandle, bot.KindGroup, "hey @shopbot"},
		{"press in a group", `{"update_id":1,"callback_query":{"id":"q","from":{"id":5,"first_name":"M"},"data":"rating:5","message":{"message_id":1,"date":1,"chat":{"id":-1,"type":"group"}}}}`, actIgnore, "", ""},
		{"press with bad data", `{"update_id":1,"callback_query":{"id":"q","from":{"id":5,"first_name":"M"},"data":"nonsense","message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"}}}}`, actIgnore, "", ""},
		{"press on an old message", `{"update_id":1,"callback_query":{"id":"q","from":{"id":5,"first_name":"M"},"data":"rating:3","message":{"message_id":1,"date":0,"chat":{"id":5,"type":"private"}}}}`, actHandle, bot.KindRating, "3"},
		{"poll answer ignored", `{"update_id":1,"poll_answer":{"poll_id":"p","option_ids":[1]}}`, actIgnore, "", ""},
		{"left a group", `{"update_id":1,"my_chat_member":{"chat":{"id":-1,"type":"group"},"from":{"id":5,"first_name":"M"},"date":1,"old_chat_member":{"status":"member","user":{"id":42,"is_bot":true,"first_name":"S"}},"new_chat_member":{"status":"left","user":{"id":42,"is_bot":true,"first_name":"S"}}}}`, actIgnore, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, act := classify(update(t, c.js), me)
			if act != c.act {
				t.Fatalf("action %d, want %d", act, c.act)
			}
			if act == actHandle && (ev.Kind != c.kind || ev.Text != c.text) {
				t.Errorf("event %s %q, want %s %q", ev.Kind, ev.Text, c.kind, c.text)
			}
		})
	}
	// Before getMe answered, group messages stay unanswered rather than
	// risk answering chatter.
	_, act := classify(update(t, `{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":-1,"type":"group"},"from":{"id":5,"first_name":"M"},"text":"/help"}}`), nil)
	if act != actIgnore {
		t.Error("without knowing its own name the bot should stay silent in groups")
	}
}

func TestButtonEncoding(t *testing.T) {
	data, ok := encodeButton(bot.Button{Kind: bot.KindRating, Value: "5"})
	if !ok || data != "rating:5" {
		t.Fatalf("%q %v", data, ok)
	}
	k, v, ok := decodeButton(data)
	if !ok || k != bot.KindRating || v != "5" {
		t.Errorf("round trip: %s %q %v", k, v, ok)
	}
	if _, _, ok := decodeButton(":5"); ok {
		t.Error("empty kind accepted")
	}
	if k, v, ok := decodeButton("choice:a:b"); !ok || k != "choice" || v != "a:b" {
		t.Errorf("a value with a colon: %s %q", k, v)
	}
	if _, ok := encodeButton(bot.Button{Kind: "a:b", Value: "1"}); ok {
		t.Error("a kind with a colon cannot be decoded back")
	}
	if _, ok := encodeButton(bot.Button{Kind: bot.KindRating, Value: strings.Repeat("9", 60)}); ok {
		t.Error("over 64 bytes accepted")
	}
}

func TestKeyboardJSONHasNoCopyText(t *testing.T) {
	a := &Adapter{}
	a.log = discard()
	kb := a.keyboard(1, []bot.Button{{Label: "1", Kind: bot.KindRating, Value: "1"}})
	b, _ := json.Marshal(kb)
	if strings.Contains(string(b), "copy_text") {
		t.Errorf("keyboard JSON %s carries copy_text (Telegram refuses an empty one)", b)
	}
	var many []bot.Button
	for i := 0; i < 10; i++ {
		many = append(many, bot.Button{Label: "x", Kind: "choice", Value: "v"})
	}
	if kb := a.keyboard(1, many); len(kb.InlineKeyboard) != 2 || len(kb.InlineKeyboard[0]) != 8 {
		t.Errorf("10 buttons should wrap into rows of 8: %+v", kb)
	}
}

func TestDispatcherOneLoopPerChatAndKicks(t *testing.T) {
	var mu sync.Mutex
	serves := map[int64]int{}
	gate := make(chan struct{})
	started := make(chan int64, 10)
	d := newDispatcher(4, func(chat int64, _ *entry) {
		started <- chat
		if chat == 1 {
			<-gate // chat 1 is busy; chat 2 must still run
		}
		mu.Lock()
		serves[chat]++
		mu.Unlock()
	})
	if d.kick(1, true) != kickStarted {
		t.Fatal("the first kick did not start chat 1's loop")
	}
	if d.kick(2, true) != kickStarted {
		t.Fatal("chat 2's loop did not start")
	}
	// While chat 1's loop is held, chat 2's runs too.
	if a, b := <-started, <-started; a+b != 3 {
		t.Errorf("loops started for chats %d and %d; chat 2 should not wait for chat 1", a, b)
	}
	// Kicks while chat 1 runs start nothing new but make it look once more.
	if d.kick(1, true) != kickRunning || d.kick(1, true) != kickRunning {
		t.Error("a second loop started for a running chat")
	}
	close(gate)
	if got := <-started; got != 1 {
		t.Errorf("the rerun was for chat %d, want 1", got)
	}
	d.close()
	if d.kick(3, true) != kickClosed {
		t.Error("a closed dispatcher started a loop")
	}
	if err := d.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if serves[1] != 2 || serves[2] != 1 {
		t.Errorf("serves = %v, want chat 1 twice (kicked while running) and chat 2 once", serves)
	}
}

func TestRedactKeepsTheErrorChain(t *testing.T) {
	a := &Adapter{token: "123:secret-token"}
	base := fmt.Errorf("%w, call to /bot123:secret-token/getMe", tgbot.ErrorUnauthorized)
	err := a.redact(base)
	if strings.Contains(err.Error(), "secret-token") {
		t.Errorf("token left in %q", err)
	}
	if !errors.Is(err, tgbot.ErrorUnauthorized) {
		t.Error("redaction lost the error kind")
	}
	if plain := errors.New("no token here"); a.redact(plain) != plain {
		t.Error("an error without the token should pass unchanged")
	}
}

// TestDispatcherReservation: while a chat is reserved (its update being
// accepted), a kick starts no loop but asks for another look; cancel then
// starts the loop it asked for, and a plain cancel starts none.
func TestDispatcherReservation(t *testing.T) {
	served := make(chan *entry, 10)
	d := newDispatcher(4, func(chat int64, first *entry) { served <- first })
	if !d.reserve(1, 0) {
		t.Fatal("reserve refused an idle chat")
	}
	if d.reserve(1, 0) {
		t.Error("a chat was reserved twice")
	}
	if d.kick(1, true) != kickRunning {
		t.Error("a kick started a loop for a reserved chat")
	}
	d.cancel(1) // the kick asked for a look: the loop runs, with nothing in hand
	if first := <-served; first != nil {
		t.Errorf("the loop after a cancelled reservation began with %+v, want nothing in hand", first)
	}
	if err := d.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !d.reserve(2, 0) {
		t.Fatal("reserve refused chat 2")
	}
	d.start(2, &entry{id: 7})
	if first := <-served; first == nil || first.id != 7 {
		t.Errorf("the reserved loop began with %+v, want update 7", first)
	}
	if !d.reserve(3, 0) {
		t.Fatal("reserve refused chat 3")
	}
	d.cancel(3)
	d.close()
	if d.reserve(4, 0) {
		t.Error("a closed dispatcher took a reservation")
	}
	if err := d.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case first := <-served:
		t.Errorf("a loop ran after a plain cancel (began with %+v)", first)
	default:
	}
}

// TestDispatcherReadAheadHints: an update queued while the chat's loop
// runs (reserve refused) or handed to a loop by kickFor is expected by
// that loop (wantAhead) until it takes it up; an update the loop took, or
// that was never queued, is forgotten, and a loop's end forgets the rest.
func TestDispatcherReadAheadHints(t *testing.T) {
	gate, served := make(chan struct{}), make(chan struct{}, 10)
	d := newDispatcher(4, func(int64, *entry) {
		served <- struct{}{}
		<-gate
	})
	if d.wantAhead(1) {
		t.Fatal("an idle chat expects an update")
	}
	if d.kick(1, false) != kickStarted {
		t.Fatal("the kick did not start chat 1's loop")
	}
	<-served
	if d.wantAhead(1) {
		t.Error("a kick without an update made the loop expect one")
	}
	if d.reserve(1, 11) || d.reserve(1, 12) {
		t.Fatal("a running chat was reserved")
	}
	if !d.wantAhead(1) {
		t.Error("updates queued while the loop runs are not expected")
	}
	d.taken(1, 11)
	if !d.wantAhead(1) {
		t.Error("update 12 is no longer expected after 11 was taken")
	}
	d.taken(1, 99) // not one of them
	d.taken(1, 12)
	if d.wantAhead(1) {
		t.Error("an update is still expected after both were taken")
	}
	if d.kickFor(1, 13, true) != kickRunning || d.kickFor(1, 13, true) != kickRunning {
		t.Fatal("kickFor started a second loop")
	}
	if !d.wantAhead(1) {
		t.Error("the update kickFor handed on is not expected")
	}
	d.taken(1, 13)
	if d.wantAhead(1) {
		t.Error("the update kickFor handed on is expected twice")
	}
	if d.reserve(1, 14) {
		t.Fatal("a running chat was reserved")
	}
	close(gate) // the loop looks once more (kickFor's recheck), then ends
	<-served
	if err := d.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d.wantAhead(1) {
		t.Error("an update is still expected after the chat's loop ended")
	}
	if !d.reserve(2, 21) {
		t.Fatal("reserve refused an idle chat")
	}
	if d.wantAhead(2) {
		t.Error("a reserved chat's own update is expected (accept reads it ahead itself)")
	}
	d.cancel(2)
}

// TestDispatcherKeepsLoopGoroutines: a chat's loop runs on the goroutine
// an earlier loop ended on (its stack grown already), at most cap(sem) of
// them wait for the next loop, and closing the dispatcher ends them.
func TestDispatcherKeepsLoopGoroutines(t *testing.T) {
	ran := make(chan uint64, 10)
	gate := make(chan struct{})
	d := newDispatcher(1, func(chat int64, _ *entry) {
		if chat == 3 {
			<-gate
		}
		ran <- goroutineID()
	})
	keeps := make(chan bool, 10)
	d.onKeep = func(waiting bool) { keeps <- waiting }

	d.kick(1, false)
	first := <-ran
	if first == 0 {
		t.Fatal("no goroutine id in the stack trace")
	}
	if !<-keeps {
		t.Fatal("the goroutine of chat 1's loop was not kept")
	}
	d.kick(2, false)
	if got := <-ran; got != first {
		t.Errorf("chat 2's loop ran on goroutine %d, want the kept one (%d)", got, first)
	}
	if !<-keeps {
		t.Fatal("the goroutine was not kept after chat 2's loop")
	}

	// Two loops at once: one goroutine is the kept one, the other new;
	// with cap(sem) 1, only one of them waits afterwards.
	d.kick(3, false) // held at the gate
	d.kick(4, false)
	<-ran
	if <-keeps != true {
		t.Fatal("the goroutine of chat 4's loop was not kept while none waited")
	}
	close(gate)
	<-ran
	if <-keeps != false {
		t.Error("a second goroutine waits, over cap(sem)")
	}

	d.close()
	if <-keeps != false {
		t.Error("the waiting goroutine did not end when the dispatcher closed")
	}
	if err := d.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// goroutineID is the running goroutine's number, from its stack trace's
// first line ("goroutine 12 [running]:"); 0 if that line is not there.
func goroutineID() uint64 {
	var buf [64]byte
	line := strings.TrimPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine ")
	id, _, _ := strings.Cut(line, " ")
	n, _ := strconv.ParseUint(id, 10, 64)
	return n
}
