package slacktest

import (
	"errors"
	"strings"
	"testing"
	"time"

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
