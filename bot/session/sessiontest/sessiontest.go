// Package sessiontest gives tests a Redis, a store.DB and a session.Store
// isolated by a unique key prefix: the real Redis at REDIS_URL when it is
// set, otherwise a miniredis started for the test. REDIS_CLUSTER_URL names
// a real Redis Cluster for the tests that run against one too (they skip
// with a message when it is unset). Tests of different packages share one
// real Redis in parallel, so nothing here flushes a database: each test's
// keys are removed by prefix when it ends.
package sessiontest

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// cleanupTimeout bounds the key cleanup at the end of a test.
const cleanupTimeout = 10 * time.Second

// ClusterEnv names the variable that points tests at a Redis Cluster
// (.ci/run starts one and sets it).
const ClusterEnv = "REDIS_CLUSTER_URL"

// URL returns REDIS_URL when it is set, otherwise the URL of a miniredis
// started for (and closed after) the test.
func URL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://" + Miniredis(t).Addr()
}

// RealtimeURL is URL for tests whose keys must expire as wall-clock time
// passes without the test's help (a killed process's leases and locks
// running out while other processes wait for them). REDIS_URL does that;
// miniredis expires keys only on FastForward, so without REDIS_URL the
// miniredis's clock is moved forward with the wall clock until the test
// ends. This is the server's clock, not synchronisation: nothing waits on
// it.
func RealtimeURL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	m := Miniredis(t)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		last := time.Now()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				now := time.Now()
				m.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	// Registered after RunT's Close, so it runs before it.
	t.Cleanup(func() { close(stop); <-done })
	return "redis://" + m.Addr()
}

// ClusterURL returns REDIS_CLUSTER_URL, or skips the test when it is unset.
func ClusterURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(ClusterEnv)
	if u == "" {
		t.Skip(ClusterEnv + " is not set: no Redis Cluster to test against (.ci/run starts one)")
	}
	return u
}

// Backends returns the Redis URLs a test should run against, by name:
// "redis" (URL) always, and "cluster" when REDIS_CLUSTER_URL is set.
func Backends(t testing.TB) map[string]string {
	t.Helper()
	m := map[string]string{"redis": URL(t)}
	if u := os.Getenv(ClusterEnv); u != "" {
		m["cluster"] = u
	}
	return m
}

// Miniredis starts a miniredis for the test (closed when it ends), for tests
// that control time (FastForward, SetTime) or outages (Close, Restart).
func Miniredis(t testing.TB) *miniredis.Miniredis {
	t.Helper()
	return miniredis.RunT(t)
}

// Dial returns a client for url (closed when the test ends); the test fails
// when Redis does not answer.
func Dial(t testing.TB, url string) redis.UniversalClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	rdb, err := store.Open(ctx, url)
	if err != nil {
		t.Fatalf("sessiontest: %v", err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// Client returns a client for the test's Redis: REDIS_URL when set, else a
// fresh miniredis. Two calls in one test give two servers under miniredis;
// to share one, call URL once and Dial it twice.
func Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	return Dial(t, URL(t))
}

// DB returns a store.DB on Client(t) with a unique prefix; its keys are
// removed when the test ends.
func DB(t testing.TB) store.DB {
	t.Helper()
	return DBOn(t, Client(t))
}

// DBOn returns a store.DB on rdb with a unique prefix; its keys are removed
// when the test ends. Another "replica" sharing the keys is
// store.DB{Client: rdb2, Keys: db.Keys}.
func DBOn(t testing.TB, rdb redis.UniversalClient) store.DB {
	t.Helper()
	prefix := Prefix(t)
	db, err := store.New(rdb, prefix)
	if err != nil {
		t.Fatalf("sessiontest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if err := DeletePrefix(ctx, rdb, prefix); err != nil {
			t.Errorf("sessiontest: removing keys %s*: %v", prefix, err)
		}
	})
	return db
}

// Store returns a session store on DB(t).
func Store(t testing.TB, opts ...session.Option) *session.Store {
	t.Helper()
	return session.New(DB(t), opts...)
}

// StoreOn returns a session store on DBOn(t, rdb).
func StoreOn(t testing.TB, rdb redis.UniversalClient, opts ...session.Option) *session.Store {
	t.Helper()
	return session.New(DBOn(t, rdb), opts...)
}

// Prefix returns a key prefix unique to this test run ("test:<name>:<random>:").
// It holds no glob or hash-tag characters, so it can be used in SCAN MATCH.
func Prefix(t testing.TB) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			return r
		}
		return '_'
	}, t.Name())
	if len(name) > 40 {
		name = name[:40]
	}
	return "test:" + name + ":" + strings.ToLower(rand.Text()[:10]) + ":"
}

// DeletePrefix removes every key starting with prefix (SCAN + UNLINK, never
// FLUSHDB), on every master of a Cluster. prefix must be free of glob
// characters (as Prefix's are).
func DeletePrefix(ctx context.Context, rdb redis.UniversalClient, prefix string) error {
	if prefix == "" {
		return nil // would delete everything
	}
	if c, ok := rdb.(*redis.ClusterClient); ok {
		return c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			return deletePrefix(ctx, node, prefix)
		})
	}
	return deletePrefix(ctx, rdb, prefix)
}

func deletePrefix(ctx context.Context, rdb redis.UniversalClient, prefix string) error {
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	pipe := rdb.Pipeline()
	n := 0
	for iter.Next(ctx) {
		// One key per command: keys of different hash tags may not share
		// a command on a Cluster node.
		pipe.Unlink(ctx, iter.Val())
		if n++; n%500 == 0 {
			if _, err := pipe.Exec(ctx); err != nil {
				return err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	_, err := pipe.Exec(ctx)
	return err
}
