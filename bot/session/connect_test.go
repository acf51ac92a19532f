package session_test

import (
	"bytes"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/redis/go-redis/v9"
)

func TestConnectEmptyURLUsesEmbeddedRedis(t *testing.T) {
	ctx := testCtx(t)
	var warn bytes.Buffer
	rdb, closeFn, err := session.Connect(ctx, "", &warn)
	if err != nil {
		t.Fatal(err)
	}
	if got := warn.String(); got != session.EmbeddedWarning+"\n" {
		t.Errorf("warning = %q, want it once", got)
	}
	if !strings.Contains(warn.String(), "REDIS_URL is not set") {
		t.Errorf("warning does not name REDIS_URL: %q", warn.String())
	}
	st := session.New(rdb)
	if _, err := st.Update(ctx, "c", addTurn("hi")); err != nil {
		t.Fatal(err)
	}
	if warn.Len() != len(session.EmbeddedWarning)+1 {
		t.Errorf("more warnings after use: %q", warn.String())
	}
	closeFn()
	if err := st.Ping(ctx); err == nil {
		t.Error("Ping after close succeeded")
	}
}

// The embedded Redis expires keys as the clock moves, driven by its ticker:
// the test moves a fake clock and sends ticks instead of waiting.
func TestEmbeddedRedisTTLFollowsClock(t *testing.T) {
	ctx := testCtx(t)
	var (
		mu  sync.Mutex
		now = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ticks := make(chan time.Time) // unbuffered: a send returns once the ticker took it
	advance := func(d time.Duration) {
		mu.Lock()
		now = now.Add(d)
		mu.Unlock()
		ticks <- time.Time{}
		// The ticker handles one tick at a time, so once a second one is
		// taken the first one's FastForward has finished (the clock did not
		// move since, so the second one changes nothing).
		ticks <- time.Time{}
	}
	_, rdb, closeFn, err := session.ConnectEmbedded(nil, clock, ticks)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	st := session.New(rdb, session.WithTTL(time.Hour))
	if _, err := st.Update(ctx, "c", addTurn("hi")); err != nil {
		t.Fatal(err)
	}
	if ok, _ := st.FirstTime(ctx, "evt", 10*time.Minute); !ok {
		t.Fatal("FirstTime not new")
	}
	if _, ok, _ := st.Get(ctx, "c"); !ok {
		t.Fatal("session missing right after the update")
	}
	advance(30 * time.Minute)
	if _, ok, _ := st.Get(ctx, "c"); !ok {
		t.Fatal("session expired before its TTL")
	}
	if ok, _ := st.FirstTime(ctx, "evt", 10*time.Minute); !ok {
		t.Error("FirstTime marker did not expire after 30 minutes of clock")
	}
	advance(31 * time.Minute)
	if _, ok, err := st.Get(ctx, "c"); ok || err != nil {
		t.Errorf("Get after the clock passed the TTL = ok %v err %v, want expired", ok, err)
	}
	// A clock that steps back moves nothing (and breaks nothing).
	if _, err := st.Update(ctx, "c", addTurn("again")); err != nil {
		t.Fatal(err)
	}
	advance(-time.Hour)
	advance(59 * time.Minute) // still behind the last tick
	if _, ok, _ := st.Get(ctx, "c"); !ok {
		t.Error("session expired while the clock was behind")
	}
	closeFn()
	closeFn() // idempotent
	if err := rdb.Ping(ctx).Err(); err == nil {
		t.Error("Ping after close succeeded")
	}
}

func TestConnectURLForms(t *testing.T) {
	ctx := testCtx(t)
	raw := sessiontest.URL(t)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{raw, " " + raw + " ", u.Host} {
		rdb, closeFn, err := session.Connect(ctx, form, nil)
		if err != nil {
			t.Errorf("Connect(%q): %v", form, err)
			continue
		}
		if err := rdb.Ping(ctx).Err(); err != nil {
			t.Errorf("Ping via %q: %v", form, err)
		}
		opt := rdb.(*redis.Client).Options()
		if opt.DialTimeout <= 0 || opt.ReadTimeout <= 0 || opt.WriteTimeout <= 0 {
			t.Errorf("timeouts not set: dial %v read %v write %v", opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout)
		}
		closeFn()
	}
}

func TestConnectErrorsHidePassword(t *testing.T) {
	ctx := testCtx(t)
	const secret = "s3cr3tpw"
	for _, bad := range []string{
		"redis://user:" + secret + "@127.0.0.1:1/0",     // nothing listens on port 1
		"redis://user:" + secret + "@127.0.0.1:bad/0",   // url.Parse error
		"redis://:" + secret + "@127.0.0.1:6379/notadb", // redis.ParseURL error
		"http://user:" + secret + "@127.0.0.1:6379",     // wrong scheme
		"user:" + secret + "@127.0.0.1:6379",            // no scheme
	} {
		_, _, err := session.Connect(ctx, bad, nil)
		if err == nil {
			t.Errorf("Connect(%q) succeeded", bad)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error shows the password: %v", err)
		}
		t.Logf("%v", err)
	}
}

func TestConnectRefusedWrapsCause(t *testing.T) {
	ctx := testCtx(t)
	_, _, err := session.Connect(ctx, "127.0.0.1:1", nil)
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("err = %v, want it to name the address", err)
	}
	if errors.Unwrap(err) == nil {
		t.Errorf("err %v does not wrap its cause", err)
	}
}
