package slack

import (
	"encoding/json"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot/session"
)

func cardSession(mode session.Mode, h session.Handoff) *session.Session {
	at := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	h.At = at
	return &session.Session{
		ID: "telegram:1", Channel: "telegram", ChatID: "1", Name: "Jane", Mode: mode, Started: at.Add(-20 * time.Minute),
		Turns: []session.Turn{
			{Role: "customer", Text: "hi", At: at.Add(-20 * time.Minute)},
			{Role: "customer", Text: "human please", At: at},
			{Role: "agent", Agent: "Lia", Text: "after the handoff: not on the card", At: at.Add(time.Minute)},
		},
		Handoff: &h,
	}
}

// The card follows the handoff through its states.
func TestCardStates(t *testing.T) {
	now := time.Date(2026, 1, 5, 10, 7, 0, 0, time.UTC)
	cases := []struct {
		name    string
		s       *session.Session
		want    []string
		buttons []string
	}{
		{"waiting", cardSession(session.ModeWaiting, session.Handoff{Reason: "explicit"}),
			[]string{"🙋 Jane needs a person", "*waiting 7 min* for an agent", "talking to the bot for 20 min before that", "Waiting for an agent."},
			[]string{"Claim", "Resolve", "Back to bot"}},
		{"claimed", cardSession(session.ModeAgent, session.Handoff{Reason: "complaint", Agent: "Lia", AgentID: "U1",
			ClaimedAt: now.Add(-5 * time.Minute), FirstReplyAt: now.Add(-4 * time.Minute)}),
			[]string{"💬 Jane is talking with Lia", "claimed after 2 min", "first reply after 3 min", "Lia has this conversation", "sounds upset"},
			[]string{"Take over", "Resolve", "Back to bot"}},
		{"resolved and rated", cardSession(session.ModeBot, session.Handoff{Reason: "loop", Agent: "Lia", Outcome: "resolved",
			ResolvedAt: now, Rating: 2, Comment: "slow <but> ok"}),
			[]string{"✅ Jane — resolved", "closed after 7 min", "Resolved* by Lia", "★★☆☆☆ 2/5 — “slow &lt;but&gt; ok”"}, nil},
		{"returned", cardSession(session.ModeBot, session.Handoff{Reason: "confusion", Outcome: "returned", ResolvedAt: now}),
			[]string{"↩️ Jane — back with the bot", "Back with the bot", "no survey"}, nil},
		{"closed otherwise", cardSession(session.ModeBot, session.Handoff{Reason: "explicit"}),
			[]string{"💤 Jane — closed", "The bot is in charge again"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			blocks, fallback := buildCard(cardInput{s: c.s, now: now})
			raw, err := json.Marshal(blocks)
			if err != nil {
				t.Fatal(err)
			}
			m := slacktest.Message{Blocks: raw}
			text := m.BlockText()
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("card lacks %q:\n%s", w, text)
				}
			}
			if strings.Contains(text, "not on the card") {
				t.Errorf("a turn after the handoff is on the card")
			}
			var labels []string
			for _, b := range m.Buttons() {
				labels = append(labels, b.Text)
			}
			if !slices.Equal(labels, c.buttons) {
				t.Errorf("buttons = %v, want %v", labels, c.buttons)
			}
			if !strings.HasPrefix(fallback, "Handoff: Jane") {
				t.Errorf("fallback = %q", fallback)
			}
		})
	}
}

func TestHumanDuration(t *testing.T) {
	cases := map[time.Duration]string{
		10 * time.Second:               "under a minute",
		3*time.Minute + 59*time.Second: "3 min",
		2 * time.Hour:                  "2 h",
		2*time.Hour + 5*time.Minute:    "2 h 5 min",
		72 * time.Hour:                 "3 days",
	}
	for d, want := range cases {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// The manifest ops paste into Slack asks for what the desk uses.
func TestAppManifest(t *testing.T) {
	raw, err := os.ReadFile("app-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				URL    string   `yaml:"request_url"`
				Events []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				Enabled bool   `yaml:"is_enabled"`
				URL     string `yaml:"request_url"`
			} `yaml:"interactivity"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("app-manifest.yaml: %v", err)
	}
	for _, s := range []string{"chat:write", "users:read", "channels:history", "groups:history"} {
		if !slices.Contains(m.OAuth.Scopes.Bot, s) {
			t.Errorf("manifest lacks scope %s", s)
		}
	}
	if !slices.Contains(m.Settings.Events.Events, "message.channels") {
		t.Errorf("manifest lacks the message.channels event")
	}
	for u, path := range map[string]string{m.Settings.Events.URL: EventsPath, m.Settings.Interactivity.URL: InteractionsPath} {
		p, err := url.Parse(u)
		if err != nil || p.Path != path {
			t.Errorf("manifest URL %q, want path %s", u, path)
		}
	}
	if !m.Settings.Interactivity.Enabled {
		t.Error("interactivity (buttons) is off in the manifest")
	}
}

func BenchmarkBuildCard(b *testing.B) {
	s := cardSession(session.ModeWaiting, session.Handoff{Reason: "explicit", Evidence: []string{"asked for a person"}})
	for i := range 30 {
		s.Turns = append(s.Turns, session.Turn{Role: "customer", Text: strings.Repeat("where is my parcel & why <late> ", 10), At: s.Handoff.At.Add(-time.Duration(30-i) * time.Minute)})
	}
	now := s.Handoff.At.Add(3 * time.Minute)
	for b.Loop() {
		buildCard(cardInput{s: s, now: now})
	}
}
