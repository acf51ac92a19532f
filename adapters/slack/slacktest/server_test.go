package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

func TestWebAPI(t *testing.T) {
	s := New(t)
	s.AddUser("U1", "Lia", "Lia Park")
	api := s.Client()
	ctx := t.Context()

	auth, err := api.AuthTestContext(ctx)
	if err != nil || auth.UserID != BotUserID || auth.BotID != BotID {
		t.Fatalf("auth.test = %+v, %v", auth, err)
	}
	u, err := api.GetUserInfoContext(ctx, "U1")
	if err != nil || u.Profile.DisplayName != "Lia" {
		t.Fatalf("users.info = %+v, %v", u, err)
	}
	if _, err := api.GetUserInfoContext(ctx, "U404"); err == nil || err.Error() != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}

	ch, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("root", false))
	if err != nil || ch != "C1" || ts == "" {
		t.Fatalf("post: %v %v %v", ch, ts, err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("reply", false), slack.MsgOptionTS(ts)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false), slack.MsgOptionTS("9.9")); err == nil {
		t.Error("a reply to a missing thread must fail")
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("root v2", false)); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Message(ts); m.Text != "root v2" || m.Edits != 1 {
		t.Errorf("updated root = %+v", m)
	}
	if th := s.Thread(ts); len(th) != 1 || th[0].Text != "reply" {
		t.Errorf("thread = %+v", th)
	}
	link, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C1", Ts: ts})
	if err != nil || !strings.Contains(link, "/archives/C1/p") {
		t.Errorf("permalink = %q, %v", link, err)
	}
	if _, _, err := api.PostMessageContext(ctx, "#general", slack.MsgOptionText("x", false)); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("channel name: %v", err)
	}

	// Slack's limits.
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = slack.NewDividerBlock()
	}
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionBlocks(many...))
	if err == nil || err.Error() != "invalid_blocks" {
		t.Errorf("51 blocks: %v", err)
	}
	long := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("x", 3001), false, false), nil, nil)
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionBlocks(long)); err == nil {
		t.Error("a 3001-character section must fail")
	}

	// Injected failures.
	s.FailNext("chat.postMessage", Failure{Status: 429, RetryAfter: "7"}, Failure{Error: "not_in_channel"})
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Errorf("429: %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); err == nil || err.Error() != "not_in_channel" {
		t.Errorf("api error: %v", err)
	}
	s.SetDown(true)
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 503 {
		t.Errorf("down: %v", err)
	}
	s.SetDown(false)

	// Wrong token.
	bad := slack.New("xoxb-wrong", slack.OptionAPIURL(s.URL))
	if _, err := bad.AuthTestContext(ctx); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("wrong token: %v", err)
	}
}

func TestSignatureMatchesSlackGo(t *testing.T) {
	body := []byte(`{"type":"event_callback"}`)
	now := time.Now()
	req := SignedRequest(t, "http://x/slack/events", SigningSecret, "application/json", body, now)
	sv, err := slack.NewSecretsVerifier(req.Header, SigningSecret)
	if err != nil {
		t.Fatal(err)
	}
	sv.Write(body)
	if err := sv.Ensure(); err != nil {
		t.Errorf("slack-go rejects the fake's signature: %v", err)
	}
	old := SignedRequest(t, "http://x/slack/events", SigningSecret, "application/json", body, now.Add(-6*time.Minute))
	if _, err := slack.NewSecretsVerifier(old.Header, SigningSecret); err == nil {
		t.Error("a 6-minute-old request passed")
	}
}

// rawSocket is a bare Socket Mode client: it reads envelopes and acks
// only when told.
type rawSocket struct {
	ws  *websocket.Conn
	got chan map[string]any
}

func dialSocket(t *testing.T, s *Server) *rawSocket {
	t.Helper()
	u := "ws" + strings.TrimPrefix(s.hs.URL, "http") + "/socket"
	ws, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &rawSocket{ws: ws, got: make(chan map[string]any, 16)}
	go func() {
		defer close(c.got)
		for {
			var m map[string]any
			if err := ws.ReadJSON(&m); err != nil {
				return
			}
			if m["type"] != "hello" {
				c.got <- m
			}
		}
	}()
	t.Cleanup(func() { _ = ws.Close() })
	return c
}

func (c *rawSocket) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case m := <-c.got:
		return m
	case <-time.After(DefaultTimeout):
		t.Fatal("no envelope")
		return nil
	}
}

func (c *rawSocket) ack(t *testing.T, m map[string]any) {
	t.Helper()
	if err := c.ws.WriteJSON(map[string]any{"envelope_id": m["envelope_id"]}); err != nil {
		t.Fatal(err)
	}
}

// Several connections (replicas): SpreadEvents takes them in turn, SendOn
// picks one, and an envelope nobody acknowledged comes again, marked as a
// retry, on another connection.
func TestSocketModeSeveralConnections(t *testing.T) {
	s := New(t)
	a := dialSocket(t, s)
	s.WaitConnected(t, 1)
	b := dialSocket(t, s)
	s.WaitConnected(t, 2)
	if got := s.OpenConnections(); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("open connections %v", got)
	}

	s.SpreadEvents(true)
	for range 4 {
		s.SendEvent(t, map[string]any{"type": "message", "text": "x"})
	}
	for _, c := range []*rawSocket{a, b, a, b} {
		c.ack(t, c.next(t))
	}
	ev := s.SendEventOn(t, 1, map[string]any{"type": "message", "text": "on one"})
	m := a.next(t)
	if m["envelope_id"] != ev.Envelope {
		t.Errorf("SendOn(1) went elsewhere: %v", m)
	}
	a.ack(t, m)
	s.WaitAck(t, ev.Envelope)

	// Connection 1 receives but never acks: the retry goes to connection 2.
	s.RetryUnacked(50 * time.Millisecond)
	ev = s.SendEventOn(t, 1, map[string]any{"type": "message", "text": "lost ack"})
	if m := a.next(t); m["envelope_id"] != ev.Envelope {
		t.Fatalf("first attempt: %v", m)
	}
	m = b.next(t)
	if m["retry_attempt"] != float64(1) || !strings.Contains(string(mustJSON(t, m["payload"])), ev.ID) {
		t.Fatalf("retry on connection 2: %v", m)
	}
	b.ack(t, m)
	s.WaitFor(t, "retry acked", func() bool { return s.Acked(m["envelope_id"].(string)) })
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Hold keeps a Web API call waiting until released.
func TestHold(t *testing.T) {
	s := New(t)
	s.AddUser("U1", "Lia", "Lia Park")
	release := s.Hold("users.info")
	done := make(chan error, 1)
	go func() {
		_, err := s.Client().GetUserInfoContext(context.Background(), "U1")
		done <- err
	}()
	s.WaitFor(t, "a held users.info", func() bool { return s.Held("users.info") == 1 })
	select {
	case err := <-done:
		t.Fatalf("users.info returned while held: %v", err)
	default:
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s.Held("users.info") != 0 {
		t.Error("still held after release")
	}
	// A call after release goes through at once.
	if _, err := s.Client().GetUserInfoContext(context.Background(), "U1"); err != nil {
		t.Fatal(err)
	}
}

// HoldAnswer lets a post land in Slack while its caller still waits for
// the answer, which then names the post already shown.
func TestHoldAnswer(t *testing.T) {
	s := New(t)
	release := s.HoldAnswer("chat.postMessage")
	defer release()
	type answer struct {
		ts  string
		err error
	}
	done := make(chan answer, 1)
	go func() {
		_, ts, err := s.Client().PostMessageContext(context.Background(), "C1", slack.MsgOptionText("card", false))
		done <- answer{ts, err}
	}()
	s.WaitFor(t, "the post shown and its answer held", func() bool {
		return len(s.Messages()) == 1 && s.Held("chat.postMessage") == 1
	})
	select {
	case a := <-done:
		t.Fatalf("chat.postMessage answered while held: %+v", a)
	default:
	}
	release()
	a := <-done
	if a.err != nil {
		t.Fatal(a.err)
	}
	if m := s.Messages(); len(m) != 1 || m[0].TS != a.ts || m[0].Text != "card" {
		t.Errorf("answered ts %s, Slack shows %+v", a.ts, m)
	}
	if s.Held("chat.postMessage") != 0 {
		t.Error("still held after release")
	}
}
