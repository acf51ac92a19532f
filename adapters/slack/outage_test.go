package slack

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

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
			back := watchRedial(db.Client)
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
			// handoff's card, and its press is acted on, once the desk's
			// client has dialled the new server.
			rs.Start()
			select {
			case <-back.ready:
			case <-time.After(slacktest.DefaultTimeout):
				t.Fatal("the desk's client does not dial Redis again")
			}
			if err := db.Client.Ping(t.Context()).Err(); err != nil {
				t.Fatalf("the desk's client has redialled Redis and still fails: %v", err)
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

// redialWatch tells when a go-redis client, after its Redis went away,
// can use a connection to the server that came back: go-redis's own
// synchronisation, seen through a dial hook, instead of polling the
// client with sleeps. After enough failed dials the pool answers every
// call with its last dial error, without dialling, until a background
// probe (once a second) dials, resets the error count and closes the
// probe's connection; before that, a call dials itself and writes its
// first command on the new connection. So the first connection dialled
// after watchRedial that is written to or closed means the pool serves
// calls again. A dial that began before watchRedial (the server was
// stopped before it) is not watched: it may be a connection to the old
// server.
type redialWatch struct {
	ready chan struct{}
	once  sync.Once
	armed atomic.Bool
}

// watchRedial hooks rdb's dials; call it once its server is stopped.
func watchRedial(rdb redis.UniversalClient) *redialWatch {
	w := &redialWatch{ready: make(chan struct{})}
	rdb.AddHook(w)
	w.armed.Store(true)
	return w
}

func (w *redialWatch) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		armed := w.armed.Load() // before the dial: a dial begun earlier may reach the old server
		c, err := next(ctx, network, addr)
		if err != nil || !armed {
			return c, err
		}
		return &redialConn{Conn: c, w: w}, nil
	}
}

func (w *redialWatch) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (w *redialWatch) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func (w *redialWatch) back() { w.once.Do(func() { close(w.ready) }) }

// redialConn is a connection dialled after the watch began.
type redialConn struct {
	net.Conn
	w *redialWatch
}

func (c *redialConn) Write(b []byte) (int, error) {
	c.w.back()
	return c.Conn.Write(b)
}

func (c *redialConn) Close() error {
	err := c.Conn.Close()
	c.w.back() // the probe closes its connection after resetting the pool's dial errors
	return err
}
