package slack

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// A card's button pressed while Redis is down: Slack never delivers an
// interaction again (unlike an Events API callback), so the press cannot
// wait for a retry. It is acknowledged, nothing is done, and the agent is
// told, in a notice only they see, that it was not recorded and to press
// again in a moment; once Redis is back (no restart) a press works. Before,
// over Socket Mode the press was left unacknowledged and over HTTP it got
// a 503: either way Slack dropped it, and the agent learnt at best that
// "the app did not respond". The Redis is the test's own redis-server.
func TestPressWhileRedisIsDownTellsTheAgent(t *testing.T) {
	for _, via := range []string{"socket", "http"} {
		t.Run(via, func(t *testing.T) {
			rs := sessiontest.StartServer(t)
			db := sessiontest.DBOn(t, sessiontest.Dial(t, rs.URL()))
			f := newFixture(t, fixtureOpt{socket: via == "socket", run: true, db: db})
			var h *httptest.Server
			if via == "http" {
				h = httptest.NewServer(f.desk.Routes()[InteractionsPath])
				defer h.Close()
			}
			press := func(card slacktest.Message) {
				t.Helper()
				payload := f.srv.Action("ULIA", "lia", card, ActionClaim)
				if h == nil {
					f.srv.WaitAck(t, f.srv.SendAction(t, payload))
					return
				}
				resp, err := http.DefaultClient.Do(slacktest.ActionRequest(t, h.URL, payload, time.Now()))
				if err != nil {
					t.Fatalf("interaction: %v", err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("interaction answered %d, want 200 (Slack does not send a press again)", resp.StatusCode)
				}
			}
			card := f.open(t, f.handedOff(t, "71", "Jane"))

			rs.Stop()
			press(card)
			f.srv.WaitFor(t, "the agent told the press was not recorded", func() bool {
				for _, e := range f.srv.Ephemerals() {
					if e.User == "ULIA" && e.Channel == testChannel && strings.Contains(e.Text, "not recorded") &&
						strings.Contains(e.Text, "press it again") {
						return true
					}
				}
				return false
			})
			if n := f.metric(t, "baton_desk_presses_not_recorded_total"); n != 1 {
				t.Errorf("presses not recorded counted %v, want 1", n)
			}

			// Redis is back (empty: the test's server keeps nothing): a new
			// handoff's card, and its press is acted on.
			rs.Start()
			// go-redis's pool keeps answering its last dial error until its
			// own redial (once a second) succeeds: polled for, as an agent
			// would press again until it works.
			for deadline := time.Now().Add(slacktest.DefaultTimeout); db.Client.Ping(t.Context()).Err() != nil; {
				if time.Now().After(deadline) {
					t.Fatal("the desk's client does not reach Redis again")
				}
				time.Sleep(20 * time.Millisecond) // a poll's pace, not a synchronisation
			}
			card = f.open(t, f.handedOff(t, "72", "Min"))
			press(card)
			if c := f.core.next(t); c.Method != "Claim" || c.Agent.ID != "ULIA" {
				t.Fatalf("core call after Redis came back = %+v, want Lia's claim", c)
			}
			f.core.none(t) // the press made during the outage was not acted on
		})
	}
}
