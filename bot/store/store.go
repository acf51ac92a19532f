// Package store is Baton's one Redis layer: the client built from
// configuration (single node, Cluster or Sentinel behind go-redis's
// UniversalClient), every key name (keys.go) and every Lua script
// (scripts.go). Other packages take a DB (client plus key names) and never
// build keys or scripts of their own, so a newcomer finds every key in one
// file and every script is checked for Cluster slots in one place.
package store

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

// DB is one Baton deployment's view of Redis: the client and the names of
// its keys (under one prefix). It is a small value; pass it by value.
type DB struct {
	Client redis.UniversalClient
	Keys   Keys
}

// New returns a DB on client with every key under prefix.
func New(client redis.UniversalClient, prefix string) (DB, error) {
	k, err := NewKeys(prefix)
	if err != nil {
		return DB{}, err
	}
	return DB{Client: client, Keys: k}, nil
}

// Client timeouts: a few seconds, so a dead Redis turns into an error the
// caller can report instead of a hung conversation.
const (
	dialTimeout  = 5 * time.Second
	readTimeout  = 3 * time.Second
	writeTimeout = 3 * time.Second
	// dialerRetries: go-redis dials 5 times (100ms apart) for each of its
	// command attempts; with Redis down that makes every call take 2s or
	// more before failing. Two dials per attempt still ride out a blip.
	dialerRetries = 2
	// openPingTimeout bounds the startup check when ctx has no deadline.
	openPingTimeout = 10 * time.Second
)

// ErrNoURL is Open's answer to an empty URL: a server must not quietly keep
// conversations in memory, where a restart loses them.
var ErrNoURL = errors.New("REDIS_URL is not set: baton serve keeps conversations in Redis; set REDIS_URL (redis://host:6379, rediss://..., several addresses for a Cluster, ?master_name= for Sentinel), or pass --ephemeral to keep them in memory and lose them on restart")

// Open returns a client for raw and checks that Redis answers (bounded by
// ctx), so a wrong address fails at startup with a clear error; later
// outages are errors per call and the client reconnects by itself. Errors
// never contain the URL's password. The forms:
//
//	redis://[user:password@]host:port[/db]   one server (rediss:// for TLS)
//	unix:///path/to/redis.sock                one server on a socket
//	host[:port]                               one server, no options
//	redis://host1:port?addr=host2:port&addr=host3:port
//	                                          a Cluster (go-redis's cluster URL form)
//	redis://sentinel:26379?master_name=mymaster[&addr=sentinel2:26379]
//	                                          Sentinel (go-redis's failover URL form)
//
// A single address that turns out to be a Cluster node (INFO says
// cluster_enabled:1) is used as the Cluster's seed, so pointing REDIS_URL
// at any node of a Cluster works.
func Open(ctx context.Context, raw string) (redis.UniversalClient, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, ErrNoURL
	}
	client, shown, err := build(raw)
	if err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, openPingTimeout)
		defer cancel()
	}
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("store: redis at %s does not answer: %w", shown, err)
	}
	single, ok := client.(*redis.Client)
	if !ok {
		return client, nil
	}
	info, err := single.Info(ctx, "cluster").Result()
	if err != nil || !strings.Contains(info, "cluster_enabled:1") {
		return client, nil // not a Cluster node (or INFO refused: a proxy)
	}
	_ = client.Close()
	opt := single.Options()
	if opt.DB != 0 {
		return nil, fmt.Errorf("store: redis at %s is a Cluster node, which has no database %d; drop the /%d", shown, opt.DB, opt.DB)
	}
	cluster := redis.NewClusterClient(clusterDefaults(&redis.ClusterOptions{
		Addrs: []string{opt.Addr}, Username: opt.Username, Password: opt.Password,
		TLSConfig: opt.TLSConfig, DialTimeout: opt.DialTimeout, ReadTimeout: opt.ReadTimeout,
		WriteTimeout: opt.WriteTimeout, PoolSize: opt.PoolSize,
	}))
	if err := cluster.Ping(ctx).Err(); err != nil {
		_ = cluster.Close()
		return nil, fmt.Errorf("store: redis Cluster at %s does not answer: %w", shown, err)
	}
	return cluster, nil
}

// build makes the client for raw without touching the network.
func build(raw string) (redis.UniversalClient, string, error) {
	if !strings.Contains(raw, "://") {
		// A bare host or host:port.
		if strings.Contains(raw, "@") {
			// Credentials without a scheme: say so without echoing them.
			return nil, "", errors.New("store: REDIS_URL has credentials but no scheme; write it as redis://user:password@host:port")
		}
		addr := raw
		if _, _, err := net.SplitHostPort(addr); err != nil {
			addr = net.JoinHostPort(addr, "6379")
		}
		return redis.NewClient(Defaults(&redis.Options{Addr: addr})), addr, nil
	}
	// Parse first ourselves: url.Parse's errors quote the whole URL,
	// password included, and go-redis passes them on as they are.
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, "", fmt.Errorf("store: REDIS_URL is not a valid URL (%v); want redis://[user:password@]host:port[/db]", err)
	}
	shown := u.Redacted()
	q := u.Query()
	switch {
	case q.Has("master_name"):
		opt, err := redis.ParseFailoverURL(raw)
		if err != nil {
			return nil, "", fmt.Errorf("store: REDIS_URL %s (Sentinel): %w", shown, err)
		}
		fillDefaults(&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout, &opt.DialerRetries)
		return redis.NewFailoverClient(opt), shown, nil
	case q.Has("addr"):
		opt, err := redis.ParseClusterURL(raw)
		if err != nil {
			return nil, "", fmt.Errorf("store: REDIS_URL %s (Cluster): %w", shown, err)
		}
		return redis.NewClusterClient(clusterDefaults(opt)), shown, nil
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		return nil, "", fmt.Errorf("store: REDIS_URL %s: %w", shown, err)
	}
	return redis.NewClient(Defaults(opt)), shown, nil
}

// Defaults fills in the timeouts Baton wants where opt (perhaps from URL
// query parameters) leaves them unset. Reconnection is go-redis's own:
// broken connections are redialled on the next command, and after a long
// outage it fails fast and probes the server until it answers.
func Defaults(opt *redis.Options) *redis.Options {
	fillDefaults(&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout, &opt.DialerRetries)
	return opt
}

func clusterDefaults(opt *redis.ClusterOptions) *redis.ClusterOptions {
	fillDefaults(&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout, &opt.DialerRetries)
	return opt
}

// fillDefaults sets Baton's timeouts and dialer retries where they are
// unset. go-redis has one options struct per client kind (single, Cluster,
// Sentinel) with the same fields, so this takes the fields themselves.
func fillDefaults(dial, read, write *time.Duration, retries *int) {
	fillTimeouts(dial, read, write)
	if *retries == 0 {
		*retries = dialerRetries
	}
}

// fillTimeouts sets Baton's timeouts where they are unset.
func fillTimeouts(dial, read, write *time.Duration) {
	if *dial == 0 {
		*dial = dialTimeout
	}
	if *read == 0 {
		*read = readTimeout
	}
	if *write == 0 {
		*write = writeTimeout
	}
}

// EphemeralWarning is written once to Ephemeral's warn writer.
const EphemeralWarning = "baton: using an in-memory Redis (--ephemeral or baton chat); conversation state is not kept across restarts"

// Ephemeral starts an in-memory Redis (miniredis) for `baton chat`,
// `baton eval` and `baton serve --ephemeral`, and writes EphemeralWarning
// to warn (which may be nil). close releases the client and the server.
func Ephemeral(warn io.Writer) (redis.UniversalClient, func(), error) {
	t := time.NewTicker(ephemeralTick)
	_, rdb, closeFn, err := ephemeral(warn, ephemeralClock{now: time.Now, ticks: t.C, stop: t.Stop})
	return rdb, closeFn, err
}

// ephemeralTick is how often the in-memory Redis's TTLs are advanced:
// expiry is up to this late, which none of Baton's TTLs notice.
const ephemeralTick = time.Second

// ephemeralClock drives the in-memory Redis's TTLs: on each tick they are
// advanced by the time now() moved since the previous tick.
type ephemeralClock struct {
	now   func() time.Time
	ticks <-chan time.Time
	stop  func()
}

// ephemeral starts the in-memory Redis. miniredis expires keys only when
// told to (FastForward), so a goroutine advances it on every tick by the
// wall-clock time that passed. (miniredis's ClockTTL would do this on every
// command instead, but each advance sorts all keys: once a second is
// cheaper than once per command.)
func ephemeral(warn io.Writer, clock ephemeralClock) (*miniredis.Miniredis, redis.UniversalClient, func(), error) {
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		if clock.stop != nil {
			clock.stop()
		}
		return nil, nil, nil, fmt.Errorf("store: starting the in-memory redis: %w", err)
	}
	client := redis.NewClient(Defaults(&redis.Options{Addr: mr.Addr()}))

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
		fmt.Fprintln(warn, EphemeralWarning)
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
