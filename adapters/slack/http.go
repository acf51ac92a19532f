package slack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	goslack "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// HTTP paths of the Events API and interactivity endpoints.
const (
	EventsPath       = "/slack/events"
	InteractionsPath = "/slack/interactions"
)

// maxBody bounds a request body; Slack's payloads are a few KB.
const maxBody = 1 << 20

// Routes returns the HTTP handlers to mount on the server's mux, by path
// (EventsPath, InteractionsPath). It is empty when no signing secret is
// set, since unsigned requests are never accepted.
func (d *Desk) Routes() map[string]http.Handler {
	if d == nil || d.secret == "" {
		return map[string]http.Handler{}
	}
	return map[string]http.Handler{
		EventsPath:       http.HandlerFunc(d.serveEvents),
		InteractionsPath: http.HandlerFunc(d.serveInteractions),
	}
}

// verified reads the body and checks Slack's v0 signature over it and that
// the timestamp is within five minutes. It answers the request itself and
// returns nil when the request must not be processed.
func (d *Desk) verified(w http.ResponseWriter, r *http.Request) []byte {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return nil
	}
	sv, err := goslack.NewSecretsVerifier(r.Header, d.secret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		// Never say which part failed beyond the category: it helps an
		// attacker and not an operator (who sees it in the log).
		d.log.Warn("slack desk: rejected an unsigned or stale request", "path", r.URL.Path, "err", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil
	}
	return body
}

func (d *Desk) serveEvents(w http.ResponseWriter, r *http.Request) {
	body := d.verified(w, r)
	if body == nil {
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		// An event type slack-go does not know is still a valid delivery:
		// acknowledge it so Slack does not retry, and ignore it.
		d.log.Debug("slack desk: unparsed event ignored", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	if ev.Type == slackevents.URLVerification {
		var ch slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &ch); err != nil {
			http.Error(w, "bad challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(ch.Challenge))
		return
	}
	if !d.acceptEvent(ev, body) {
		http.Error(w, "busy, retry later", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (d *Desk) serveInteractions(w http.ResponseWriter, r *http.Request) {
	body := d.verified(w, r)
	if body == nil {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		http.Error(w, "missing payload", http.StatusBadRequest)
		return
	}
	var cb goslack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	// 200 even when it could not be kept (pressNotRecorded): Slack never
	// sends an interaction again, a 503 only shows the agent a warning
	// icon.
	if !d.acceptAction(&cb, []byte(form.Get("payload"))) {
		d.pressNotRecorded(&cb)
	}
	w.WriteHeader(http.StatusOK)
}
