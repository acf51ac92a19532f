// Package sessiontest gives tests a Redis and a session.Store isolated by a
// unique key prefix: the real Redis at REDIS_URL when it is set, otherwise a
// miniredis started for the test. Tests of different packages share one real
// Redis in parallel, so nothing here flushes a database: each store's keys
// are removed by prefix when the test ends.
package sessiontest

import (
	"context"
	"crypto/rand"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/session"
)

// cleanupTimeout bounds the key cleanup at the end of a test.
const cleanupTimeout = 10 * time.Second

// URL returns REDIS_URL when it is set, otherwise the URL of a miniredis
// started for (and closed after) the test.
func URL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://" + Miniredis(t).Addr()
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
	rdb, closeFn, err := session.Connect(ctx, url, io.Discard)
	if err != nil {
		t.Fatalf("sessiontest: %v", err)
	}
	t.Cleanup(closeFn)
	return rdb
}

// Client returns a client for the test's Redis: REDIS_URL when set, else a
// fresh miniredis. Two calls in one test give two servers under miniredis;
// to share one, call URL once and Dial it twice.
func Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	return Dial(t, URL(t))
}

// Store returns a store on Client(t) with a unique prefix; its keys are
// removed when the test ends.
func Store(t testing.TB, opts ...session.Option) *session.Store {
	t.Helper()
	return StoreOn(t, Client(t), opts...)
}

// StoreOn returns a store on rdb with a unique prefix (opts may override
// the other settings); its keys are removed when the test ends. A second
// store sharing the keys (another "replica") is
// session.New(rdb2, session.WithPrefix(st.Key(""))).
func StoreOn(t testing.TB, rdb redis.UniversalClient, opts ...session.Option) *session.Store {
	t.Helper()
	prefix := Prefix(t)
	st := session.New(rdb, append([]session.Option{session.WithPrefix(prefix)}, opts...)...)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if err := DeletePrefix(ctx, rdb, st.Key("")); err != nil {
			t.Errorf("sessiontest: removing keys %s*: %v", st.Key(""), err)
		}
	})
	return st
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

// DeletePrefix removes every key starting with prefix (SCAN + DEL, never
// FLUSHDB). prefix must be free of glob characters (as Prefix's are).
func DeletePrefix(ctx context.Context, rdb redis.UniversalClient, prefix string) error {
	if prefix == "" {
		return nil // would delete everything
	}
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			if err := rdb.Del(ctx, batch...).Err(); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return rdb.Del(ctx, batch...).Err()
	}
	return nil
}
