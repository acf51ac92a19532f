package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Client timeouts: a few seconds, so a dead Redis turns into an error the
// caller can report instead of a hung conversation.
const (
	dialTimeout  = 5 * time.Second
	readTimeout  = 3 * time.Second
	writeTimeout = 3 * time.Second
	// dialerRetries: go-redis dials 5 times (100ms apart) for each of its
	// 4 command attempts; with Redis down that makes every call take 2s or
	// more before failing. Two dials per attempt still ride out a blip.
	dialerRetries = 2
	// connectPingTimeout bounds the startup check when ctx has no deadline.
	connectPingTimeout = 10 * time.Second
)

// EmbeddedWarning is written once to Connect's warn writer when REDIS_URL is
// empty.
const EmbeddedWarning = "baton: REDIS_URL is not set; using an in-memory Redis, conversation state is not kept across restarts"

// Connect returns a client for url: redis://, rediss:// (TLS) or unix://,
// parsed with redis.ParseURL, or a bare host[:port]. It checks that Redis
// answers (bounded by ctx), so a wrong address fails at startup with a clear
// error; later outages are errors per call, and the client reconnects by
// itself when Redis is back. Errors never contain the URL's password.
//
// With url empty it starts an embedded in-memory Redis (miniredis) and writes
// EmbeddedWarning once to warn (which may be nil). close releases the client
// and the embedded server.
func Connect(ctx context.Context, url string, warn io.Writer) (rdb redis.UniversalClient, close func(), err error) {
	if strings.TrimSpace(url) == "" {
		_, rdb, close, err := connectEmbedded(warn, wallClock())
		return rdb, close, err
	}
	opt, shown, err := parseRedisURL(strings.TrimSpace(url))
	if err != nil {
		return nil, nil, err
	}
	client := redis.NewClient(withDefaults(opt))
	pctx := ctx
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		pctx, cancel = context.WithTimeout(ctx, connectPingTimeout)
		defer cancel()
	}
	if err := client.Ping(pctx).Err(); err != nil {
		_ = client.Close()
		return nil, nil, fmt.Errorf("session: redis at %s does not answer: %w", shown, err)
	}
	return client, func() { _ = client.Close() }, nil
}

// parseRedisURL turns raw into client options and a form safe to show in
// errors and logs (password masked).
func parseRedisURL(raw string) (*redis.Options, string, error) {
	if !strings.Contains(raw, "://") {
		// A bare host or host:port.
		if strings.Contains(raw, "@") {
			// Credentials without a scheme: say so without echoing them.
			return nil, "", errors.New("session: REDIS_URL has credentials but no scheme; write it as redis://user:password@host:port")
		}
		addr := raw
		if _, _, err := net.SplitHostPort(addr); err != nil {
			addr = net.JoinHostPort(addr, "6379")
		}
		return &redis.Options{Addr: addr}, addr, nil
	}
	// Parse first ourselves: url.Parse's errors quote the whole URL,
	// password included, and redis.ParseURL passes them on as they are.
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, "", fmt.Errorf("session: REDIS_URL is not a valid URL (%v); want redis://[user:password@]host:port[/db]", err)
	}
	shown := u.Redacted()
	opt, err := redis.ParseURL(raw)
	if err != nil {
		return nil, "", fmt.Errorf("session: REDIS_URL %s: %w", shown, err)
	}
	return opt, shown, nil
}

// embeddedTick is how often the embedded Redis's TTLs are advanced: expiry
// is up to this late, which none of Baton's TTLs (days, a minute, hours)
// notice.
const embeddedTick = time.Second

// embeddedClock drives the embedded Redis's TTLs: on each tick they are
// advanced by the time now() moved since the previous tick.
type embeddedClock struct {
	now   func() time.Time
	ticks <-chan time.Time
	stop  func()
}

func wallClock() embeddedClock {
	t := time.NewTicker(embeddedTick)
	return embeddedClock{now: time.Now, ticks: t.C, stop: t.Stop}
}

// connectEmbedded starts the in-memory Redis. miniredis expires keys only
// when told to (FastForward), so a goroutine advances it on every tick by
// the wall-clock time that passed. (miniredis's ClockTTL would do this on
// every command instead, but each advance sorts all keys: once a second is
// cheaper than once per command.)
func connectEmbedded(warn io.Writer, clock embeddedClock) (*miniredis.Miniredis, redis.UniversalClient, func(), error) {
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		if clock.stop != nil {
			clock.stop()
		}
		return nil, nil, nil, fmt.Errorf("session: starting the in-memory redis: %w", err)
	}
	client := redis.NewClient(withDefaults(&redis.Options{Addr: mr.Addr()}))

	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		last := clock.now()
		for {
			select {
			case <-quit:
				return
			case <-clock.ticks:
				now := clock.now()
				if d := now.Sub(last); d > 0 { // a clock stepped back waits
					mr.FastForward(d)
					last = now
				}
			}
		}
	}()

	if warn != nil {
		fmt.Fprintln(warn, EmbeddedWarning)
	}
	var once sync.Once
	return mr, client, func() {
		once.Do(func() {
			close(quit)
			<-done
			if clock.stop != nil {
				clock.stop()
			}
			_ = client.Close()
			mr.Close()
		})
	}, nil
}

// withDefaults fills in the timeouts Baton wants where opt (perhaps from
// URL query parameters) leaves them unset. Reconnection is go-redis's own:
// broken connections are redialled on the next command, and after a long
// outage (PoolSize failed dials in a row) it fails fast and probes the
// server every second until it answers.
func withDefaults(opt *redis.Options) *redis.Options {
	if opt.DialTimeout == 0 {
		opt.DialTimeout = dialTimeout
	}
	if opt.ReadTimeout == 0 {
		opt.ReadTimeout = readTimeout
	}
	if opt.WriteTimeout == 0 {
		opt.WriteTimeout = writeTimeout
	}
	if opt.DialerRetries == 0 {
		opt.DialerRetries = dialerRetries
	}
	return opt
}
