package ops_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/ops"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge/suitetest"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/stats"
)

const token = "s3cret-ops-token"

// desk accepts every handoff event (the Slack desk has its own tests).
type desk struct{}

func (desk) Render(context.Context, *session.Session, lifecycle.Event) error { return nil }

// customers receive what the bot sends on its own (agent replies, surveys).
type customers struct {
	mu  sync.Mutex
	got []bot.Message
}

func (c *customers) Send(_ context.Context, _ string, m bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, m)
	return nil
}

// knowledgeDir is a Knowledge on a folder of the shipped entries.
type knowledgeDir string

func (k knowledgeDir) Dir() string { return string(k) }
func (k knowledgeDir) Entries() map[string][]string {
	return map[string][]string{"shipping/times": {"en"}, "payment/methods": {"en"}}
}

type fixture struct {
	bot   *bot.Bot
	store *session.Store
	rec   *stats.Recorder
	srv   *httptest.Server
	page  *ops.Handler
	dir   string
	kb    *content.Holder
	// hedged is the entry seed's hedge is about (the likely tier).
	hedged string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../knowledge")); err != nil {
		t.Fatal(err)
	}
	holder, problems, err := content.NewHolder(content.Dir("../../prompts"), content.Dir(dir), nil)
	if err != nil {
		t.Fatalf("contents: %v %v", err, problems)
	}
	db := sessiontest.DB(t)
	f := &fixture{store: session.New(db), dir: dir, kb: holder}
	f.rec = stats.New(db)
	f.bot = bot.New(f.store, holder, bot.WithDesk(desk{}), bot.WithObservers(f.rec))
	f.bot.Register("telegram", &customers{})
	page, err := ops.New(ops.Config{Token: token, Stats: f.rec, Sessions: f.store, Knowledge: knowledgeDir(dir), Every: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	f.page = page
	mux := http.NewServeMux()
	page.Mount(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) say(t *testing.T, chat, name, lang string, kind bot.Kind, text string) []bot.Message {
	t.Helper()
	out, err := f.bot.Handle(context.Background(), bot.Event{Channel: "telegram", ChatID: chat, Kind: kind, Text: text,
		Customer: bot.Customer{ID: chat, Name: name, Lang: lang}})
	if err != nil {
		t.Fatalf("Handle(%q): %v", text, err)
	}
	return out
}

// seed plays what a team lead looks at: a resolved and rated complaint,
// one waiting explicit request, one with an agent, and misses.
func (f *fixture) seed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	lia := bot.Agent{ID: "ULIA", Name: "Lia"}
	// 1: a complaint, answered by Lia, resolved, rated 4.
	f.say(t, "1", "Jane Doe", "en", bot.KindText, "This is the THIRD time I ask!!! Your service is terrible, I want my money back")
	if err := f.bot.AgentMessage(ctx, "telegram:1", lia, "I'm so sorry Jane, I'll fix it now."); err != nil {
		t.Fatal(err)
	}
	if err := f.bot.Resolve(ctx, "telegram:1", lia); err != nil {
		t.Fatal(err)
	}
	f.say(t, "1", "Jane Doe", "en", bot.KindRating, "4")
	// 2: waiting for an agent; wrote their phone number.
	f.say(t, "2", "Min-jun Kim", "ko", bot.KindCommand, "human")
	f.say(t, "2", "Min-jun Kim", "ko", bot.KindText, "제 번호는 010-1234-5678 이에요")
	// 3: with Lia.
	f.say(t, "3", "Wei Chen", "zh", bot.KindCommand, "human")
	if err := f.bot.Claim(ctx, "telegram:3", lia); err != nil {
		t.Fatal(err)
	}
	// Misses: three customers ask about seashells. (Not "can I pay with
	// seashells": that is answered, "seashells isn't on our list", with
	// the ways we take.)
	for i, q := range []string{"do you sell seashells", "Do you sell seashells?", "sell seashells please"} {
		f.say(t, "4"+string(rune('a'+i)), "Sam", "en", bot.KindText, q)
	}
	// A hedge: a message the shipped base finds probably about an entry
	// without being sure (the likely tier; which one moves with
	// knowledge edits).
	q, id := suitetest.Hedged(t, func(q string) (string, bool, bool) {
		m := f.kb.Current().KB.Match(ctx, q, 3)
		if len(m) == 0 {
			return "", false, false
		}
		return m[0].ID, m[0].Likely, m[0].Confident
	})
	f.hedged = id
	f.say(t, "5", "Ana", "en", bot.KindText, q)
}

func (f *fixture) get(t *testing.T, path string, hdr map[string]string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	return resp.StatusCode, b.String(), resp.Header
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

func TestTokenIsRequired(t *testing.T) {
	if _, err := ops.New(ops.Config{Token: " "}); err == nil {
		t.Fatal("an empty token was accepted")
	}
	f := newFixture(t)
	for _, c := range []struct {
		name string
		path string
		hdr  map[string]string
		want int
	}{
		{"missing", "/ops", nil, 401},
		{"wrong", "/ops", bearer("guess"), 401},
		{"wrong in the URL", "/ops?token=guess", nil, 401},
		{"wrong for the events", "/ops/events", bearer("guess"), 401},
		{"wrong for a conversation", "/ops/conv?id=telegram:1", nil, 401},
		{"right", "/ops", bearer(token), 200},
		{"right in the URL", "/ops?token=" + token, nil, 200},
	} {
		code, body, _ := f.get(t, c.path, c.hdr)
		if code != c.want {
			t.Errorf("%s: %s -> %d, want %d", c.name, c.path, code, c.want)
		}
		if c.want == 401 && strings.Contains(body, "Queue") {
			t.Errorf("%s: the page leaked without the token", c.name)
		}
	}
	// ?token= sets a cookie that opens the other pages.
	_, _, h := f.get(t, "/ops?token="+token, nil)
	cookie := h.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") || strings.Contains(cookie, token) {
		t.Fatalf("cookie %q", cookie)
	}
	name, value, _ := strings.Cut(strings.Split(cookie, ";")[0], "=")
	if code, _, _ := f.get(t, "/ops/live", map[string]string{"Cookie": name + "=" + value}); code != 200 {
		t.Errorf("cookie refused: %d", code)
	}
	if code, _, _ := f.get(t, "/ops/live", map[string]string{"Cookie": name + "=forged"}); code != 401 {
		t.Errorf("forged cookie: %d", code)
	}
}

func TestPageShowsWhatATeamLeadLooksFor(t *testing.T) {
	f := newFixture(t)
	f.seed(t)
	code, body, _ := f.get(t, "/ops", bearer(token))
	if code != 200 {
		t.Fatalf("status %d:\n%s", code, body)
	}
	if p := os.Getenv("BATON_OPS_DUMP"); p != "" {
		_ = os.WriteFile(p, []byte(body), 0o644)
	}
	for _, want := range []string{
		`<span id="waiting-count">1</span>`, // Min-jun waits
		`<span id="working-count">1</span>`, // Wei is with Lia
		"Min-jun", "explicit", "complaint",
		`4.00 <span class="muted">(1)</span>`, // CSAT of today's one rating
		`class="cluster" data-count="3"`,      // the seashell wording, three times
		"seashells",
		`<tr id="hedged"><td>Hedged (answered with the probable entry)</td><td class="n">1</td>`, // today's hedge
		`<span class="pill hedged">hedged 1</span> closest entry: <code>` + f.hedged + `</code>`,
		"<svg", // charts
		`aria-label="Conversations by language"`, `aria-label="Resolved by agent"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Readable without JavaScript: the queue is in the HTML itself.
	if i := strings.Index(body, "<script"); i < strings.Index(body, `id="waiting"`) {
		t.Errorf("the queue is not server-rendered before the script")
	}
}

func TestConversationViewerMasksPersonalData(t *testing.T) {
	f := newFixture(t)
	f.seed(t)
	code, body, _ := f.get(t, "/ops/conv?id="+url.QueryEscape("telegram:2"), bearer(token))
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	if strings.Contains(body, "1234-5678") || !strings.Contains(body, "[phone]") || !strings.Contains(body, `id="reason">explicit`) {
		t.Errorf("viewer:\n%s", body)
	}
	code, body, _ = f.get(t, "/ops/conv?id="+url.QueryEscape("telegram:1"), bearer(token))
	if code != 200 || !strings.Contains(body, `id="rating">4/5`) || !strings.Contains(body, "complaint") {
		t.Errorf("viewer of the rated complaint (%d):\n%s", code, body)
	}
	// Beside the id, the name the logs know the conversation by.
	if want := `id="logid">` + logmask.Pseudonym("telegram:1") + "<"; !strings.Contains(body, want) {
		t.Errorf("viewer lacks the log pseudonym %s:\n%s", want, body)
	}
	if code, _, _ := f.get(t, "/ops/conv?id=telegram:none", bearer(token)); code != 404 {
		t.Errorf("unknown conversation: %d", code)
	}
}

func TestAddPhrasingsFromThePage(t *testing.T) {
	f := newFixture(t)
	form := url.Values{"entry": {"payment/methods"}, "lang": {"en"}, "phrasing": {"can I pay with seashells"}}
	post := func(origin string) *http.Response {
		req, _ := http.NewRequest("POST", f.srv.URL+"/ops/gaps/questions", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+token)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		c := *f.srv.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := post("https://evil.example"); resp.StatusCode != 403 {
		t.Errorf("cross-site post: %d", resp.StatusCode)
	}
	resp := post(f.srv.URL)
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "Added+1") {
		t.Fatalf("post: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	data, err := os.ReadFile(f.dir + "/en/payment/methods.md")
	if err != nil || !strings.Contains(string(data), `- "can I pay with seashells"`) {
		t.Errorf("entry file now:\n%s (%v)", data, err)
	}
}

func TestEventsStreamTheQueue(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest("GET", f.srv.URL+"/ops/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp, err := f.srv.Client().Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	// next returns the data of the next "live" event.
	next := func() string {
		var data []string
		inLive := false
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "event: live":
				inLive = true
			case inLive && strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			case line == "" && inLive:
				return strings.Join(data, "\n")
			}
		}
		t.Fatalf("stream ended: %v", sc.Err())
		return ""
	}
	if first := next(); !strings.Contains(first, `<span id="waiting-count">0</span>`) {
		t.Fatalf("first event:\n%s", first)
	}
	f.say(t, "9", "Ana", "en", bot.KindCommand, "human")
	for {
		ev := next()
		if strings.Contains(ev, `<span id="waiting-count">1</span>`) && strings.Contains(ev, "Ana") {
			break
		}
	}
	// A server shutting down ends the stream (it would hold Shutdown otherwise).
	f.page.Close()
	for sc.Scan() {
	}
	if err := sc.Err(); err != nil {
		t.Errorf("stream after Close: %v", err)
	}
}
