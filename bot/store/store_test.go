package store

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// testURL is REDIS_URL or a miniredis for the test. (This package cannot
// use sessiontest: sessiontest imports it.)
func testURL(t *testing.T) string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://" + miniredis.RunT(t).Addr()
}

func TestOpenWithoutURLRefuses(t *testing.T) {
	_, err := Open(testCtx(t), "  ")
	if !errors.Is(err, ErrNoURL) {
		t.Fatalf("err = %v, want ErrNoURL", err)
	}
	for _, want := range []string{"REDIS_URL", "--ephemeral"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not mention %s", err, want)
		}
	}
}

func TestOpenURLForms(t *testing.T) {
	ctx := testCtx(t)
	raw := testURL(t)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{raw, " " + raw + " ", u.Host} {
		rdb, err := Open(ctx, form)
		if err != nil {
			t.Errorf("Open(%q): %v", form, err)
			continue
		}
		if err := rdb.Ping(ctx).Err(); err != nil {
			t.Errorf("Ping via %q: %v", form, err)
		}
		var dial, read, write time.Duration
		switch c := rdb.(type) {
		case *redis.Client:
			dial, read, write = c.Options().DialTimeout, c.Options().ReadTimeout, c.Options().WriteTimeout
		case *redis.ClusterClient: // REDIS_URL may name a Cluster
			dial, read, write = c.Options().DialTimeout, c.Options().ReadTimeout, c.Options().WriteTimeout
		}
		if dial <= 0 || read <= 0 || write <= 0 {
			t.Errorf("%T: timeouts not set: dial %v read %v write %v", rdb, dial, read, write)
		}
		_ = rdb.Close()
	}
}

// The URL decides the kind of client, before any network: several
// addresses make a Cluster client, master_name a Sentinel one.
func TestBuildPicksTheClient(t *testing.T) {
	for raw, want := range map[string]string{
		"redis://127.0.0.1:6379/2":    "*redis.Client",
		"rediss://u:p@127.0.0.1:6380": "*redis.Client",
		"unix:///run/redis.sock":      "*redis.Client",
		"127.0.0.1":                   "*redis.Client",
		"redis://127.0.0.1:7000?addr=127.0.0.1:7001&addr=127.0.0.1:7002":    "*redis.ClusterClient",
		"rediss://u:p@n1:7000?addr=n2:7000":                                 "*redis.ClusterClient",
		"redis://127.0.0.1:26379?master_name=mymaster&addr=127.0.0.1:26380": "*redis.Client", // failover
	} {
		c, _, err := build(raw)
		if err != nil {
			t.Errorf("build(%q): %v", raw, err)
			continue
		}
		got := typeName(c)
		if got != want {
			t.Errorf("build(%q) = %s, want %s", raw, got, want)
		}
		if strings.Contains(raw, "master_name") {
			// A failover client is a *redis.Client whose options name the
			// master; its String shows the sentinel-resolved address.
			if opt := c.(*redis.Client).Options(); opt.Addr != "FailoverClient" {
				t.Errorf("build(%q) made a plain client for %s, want a Sentinel (failover) client", raw, opt.Addr)
			}
		}
		_ = c.Close()
	}
}

func typeName(c redis.UniversalClient) string {
	switch c.(type) {
	case *redis.Client:
		return "*redis.Client"
	case *redis.ClusterClient:
		return "*redis.ClusterClient"
	}
	return "other"
}

// A Cluster given as one node's address, or in the cluster URL form, gives
// a Cluster client that reaches every slot.
func TestOpenCluster(t *testing.T) {
	raw := os.Getenv("REDIS_CLUSTER_URL")
	if raw == "" {
		t.Skip("REDIS_CLUSTER_URL is not set: no Redis Cluster to test against (.ci/run starts one)")
	}
	ctx := testCtx(t)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{raw, "redis://" + u.Host} {
		rdb, err := Open(ctx, form)
		if err != nil {
			t.Fatalf("Open(%q): %v", form, err)
		}
		if _, ok := rdb.(*redis.ClusterClient); !ok {
			t.Errorf("Open(%q) = %T, want a Cluster client", form, rdb)
		}
		k, _ := NewKeys("test:open-cluster:" + strings.ToLower(randomText()) + ":")
		// Keys in many slots all answer (no MOVED).
		for _, key := range []string{k.State("telegram:1"), k.State("telegram:2"), k.Active(), k.Timer("idle"), k.Slack().Outbox(), k.Stats("waits")} {
			if err := rdb.Set(ctx, key, "x", time.Minute).Err(); err != nil {
				t.Errorf("SET %s via %q: %v", key, form, err)
			}
			_ = rdb.Del(ctx, key).Err()
		}
		_ = rdb.Close()
	}
}

func TestOpenErrorsHidePassword(t *testing.T) {
	ctx := testCtx(t)
	const secret = "s3cr3tpw"
	for _, bad := range []string{
		"redis://user:" + secret + "@127.0.0.1:1/0",                     // nothing listens on port 1
		"redis://user:" + secret + "@127.0.0.1:bad/0",                   // url.Parse error
		"redis://:" + secret + "@127.0.0.1:6379/notadb",                 // redis.ParseURL error
		"http://user:" + secret + "@127.0.0.1:6379",                     // wrong scheme
		"user:" + secret + "@127.0.0.1:6379",                            // no scheme
		"redis://user:" + secret + "@127.0.0.1:1?addr=127.0.0.1:2",      // cluster, nobody there
		"redis://user:" + secret + "@127.0.0.1:1?master_name=m&bogus=1", // sentinel, bad option
	} {
		rdb, err := Open(ctx, bad)
		if err == nil {
			_ = rdb.Close()
			t.Errorf("Open(%q) succeeded", bad)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestOpenRefusedWrapsCause(t *testing.T) {
	_, err := Open(testCtx(t), "127.0.0.1:1")
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("err = %v, want it to name the address", err)
	}
	if errors.Unwrap(err) == nil {
		t.Errorf("err %v does not wrap its cause", err)
	}
}

func TestEphemeralWarnsAndCloses(t *testing.T) {
	ctx := testCtx(t)
	var warn bytes.Buffer
	rdb, closeFn, err := Ephemeral(&warn)
	if err != nil {
		t.Fatal(err)
	}
	if got := warn.String(); got != EphemeralWarning+"\n" {
		t.Errorf("warning = %q, want it once", got)
	}
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	closeFn()
	closeFn() // idempotent
	if err := rdb.Ping(ctx).Err(); err == nil {
		t.Error("Ping after close succeeded")
	}
}

// The in-memory Redis expires keys as the clock moves, driven by its
// ticker: the test moves a fake clock and sends ticks instead of waiting.
func TestEphemeralTTLFollowsClock(t *testing.T) {
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
		// taken the first one's FastForward has finished.
		ticks <- time.Time{}
	}
	_, rdb, closeFn, err := ephemeral(nil, ephemeralClock{now: clock, ticks: ticks})
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	if err := rdb.Set(ctx, "k", "v", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	advance(30 * time.Minute)
	if rdb.Exists(ctx, "k").Val() != 1 {
		t.Fatal("key expired before its TTL")
	}
	advance(31 * time.Minute)
	if rdb.Exists(ctx, "k").Val() != 0 {
		t.Error("key not expired after the clock passed its TTL")
	}
	// A clock that steps back moves nothing (and breaks nothing).
	if err := rdb.Set(ctx, "k", "v", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	advance(-time.Hour)
	advance(59 * time.Minute) // still behind the last tick
	if rdb.Exists(ctx, "k").Val() != 1 {
		t.Error("key expired while the clock was behind")
	}
}

// ReplyShape names what an unexpected script reply held without its
// contents: an inbox reply carries a customer's raw update.
func TestReplyShapeHidesContents(t *testing.T) {
	raw := `{"update_id":7,"message":{"chat":{"id":424242},"text":"my card is 4111 1111 1111 1111"}}`
	got := ReplyShape([]any{int64(2), "7:1", raw, []any{"x"}})
	if want := "[2 string(3 bytes) string(" + strconv.Itoa(len(raw)) + " bytes) []interface {}]"; got != want {
		t.Errorf("ReplyShape = %q, want %q", got, want)
	}
}
