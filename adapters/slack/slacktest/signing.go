package slacktest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// SigningSecret is the fake app's signing secret for HTTP requests.
const SigningSecret = "slacktest-signing-secret"

// Signature is Slack's v0 signature of body sent at ts with secret.
func Signature(secret string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + strconv.FormatInt(ts.Unix(), 10) + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignedRequest builds a POST to target as Slack sends it: body signed
// with secret at ts.
func SignedRequest(t testing.TB, target, secret, contentType string, body []byte, ts time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("slacktest: request: %v", err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("X-Slack-Signature", Signature(secret, ts, body))
	return req
}

// EventRequest is a signed Events API request carrying ev.
func EventRequest(t testing.TB, target string, ev Event, ts time.Time) *http.Request {
	t.Helper()
	return SignedRequest(t, target, SigningSecret, "application/json", ev.Body, ts)
}

// ActionRequest is a signed interactivity request carrying payload, form
// encoded as Slack sends it.
func ActionRequest(t testing.TB, target string, payload []byte, ts time.Time) *http.Request {
	t.Helper()
	body := []byte(url.Values{"payload": {string(payload)}}.Encode())
	return SignedRequest(t, target, SigningSecret, "application/x-www-form-urlencoded", body, ts)
}
