package slack

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	goslack "github.com/slack-go/slack"

	"github.com/batonhq/baton/bot/hours"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// DefaultAPIURL is Slack's public Web API.
const DefaultAPIURL = "https://slack.com/api/"

// Environment variables FromEnv reads.
const (
	EnvBotToken      = "SLACK_BOT_TOKEN"       // enables the desk (xoxb-...)
	EnvChannel       = "SLACK_HANDOFF_CHANNEL" // channel id for handoff cards
	EnvAppToken      = "SLACK_APP_TOKEN"       // Socket Mode (xapp-...)
	EnvSigningSecret = "SLACK_SIGNING_SECRET"  // HTTP Events API
	EnvAPIURL        = "SLACK_API_URL"         // default DefaultAPIURL
	EnvHours         = "BATON_HOURS"           // team hours, shown on cards that arrive outside them
)

// FromEnv builds the desk from the environment (env is os.Getenv in
// production). It returns nil, nil when SLACK_BOT_TOKEN is not set: the
// desk is off. Errors name the variable that is wrong and what it should
// look like; secrets never appear in them.
func FromEnv(env func(string) string, db store.DB, sessions *session.Store, core Core, opts ...Option) (*Desk, error) {
	get := func(k string) string { return strings.TrimSpace(env(k)) }
	token := get(EnvBotToken)
	if token == "" {
		return nil, nil
	}
	if strings.ContainsAny(token, " \t\n") {
		return nil, fmt.Errorf("slack desk: %s contains white space; paste the bot token (xoxb-...) alone", EnvBotToken)
	}
	app := get(EnvAppToken)
	secret := get(EnvSigningSecret)
	if app == "" && secret == "" {
		return nil, fmt.Errorf("slack desk: %s is set but agents' replies have no way in: set %s (Socket Mode, no public URL needed) or %s (HTTP Events API at %s and %s)",
			EnvBotToken, EnvAppToken, EnvSigningSecret, EventsPath, InteractionsPath)
	}
	if app != "" && !strings.HasPrefix(app, "xapp-") {
		return nil, fmt.Errorf("slack desk: %s must be an app-level token starting with xapp- (Basic Information > App-Level Tokens, scope connections:write)", EnvAppToken)
	}
	apiURL := get(EnvAPIURL)
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("slack desk: %s %q is not an http(s) URL (default %s)", EnvAPIURL, apiURL, DefaultAPIURL)
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	h, err := hours.Parse(get(EnvHours))
	if err != nil {
		return nil, fmt.Errorf("slack desk: %s: %w", EnvHours, err)
	}
	clientOpts := []goslack.Option{
		goslack.OptionAPIURL(apiURL),
		// Each call also has its own context deadline; this is the backstop.
		goslack.OptionHTTPClient(&http.Client{Timeout: 30 * time.Second}),
	}
	if app != "" {
		clientOpts = append(clientOpts, goslack.OptionAppLevelToken(app))
	}
	api := goslack.New(token, clientOpts...)
	all := []Option{WithHours(h)}
	if v := get("BATON_HEARTBEAT"); v != "" {
		// The same beat as the Telegram inbox's: a dead replica's threads
		// go to another about three beats later.
		beat, err := time.ParseDuration(v)
		if err != nil || beat <= 0 {
			return nil, fmt.Errorf("slack desk: BATON_HEARTBEAT=%q: want a duration such as 5s", v)
		}
		all = append(all, WithHeartbeat(beat))
	}
	if app != "" {
		all = append(all, WithSocketMode())
	}
	if secret != "" {
		all = append(all, WithSigningSecret(secret))
	}
	d, err := New(api, db, sessions, core, get(EnvChannel), append(all, opts...)...)
	if err != nil {
		return nil, err
	}
	return d, nil
}
