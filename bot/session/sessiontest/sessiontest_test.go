package sessiontest_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/redis/go-redis/v9"
)

func TestStoreKeysRemovedAfterTest(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rdb := sessiontest.Client(t)
	otherDB := sessiontest.DBOn(t, rdb)
	other := session.New(otherDB)
	if _, err := other.Update(ctx, "keep", func(*session.Session) error { return nil }); err != nil {
		t.Fatal(err)
	}

	var prefix string
	t.Run("inner", func(t *testing.T) {
		db := sessiontest.DBOn(t, rdb)
		st := session.New(db, session.WithMaxTurns(3))
		prefix = db.Keys.Prefix()
		if st.MaxTurns() != 3 {
			t.Errorf("options not applied: MaxTurns %d", st.MaxTurns())
		}
		if _, err := st.Update(ctx, "a", func(*session.Session) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if err := st.Schedule(ctx, "idle", "a", time.Now()); err != nil {
			t.Fatal(err)
		}
		if n := len(keysUnder(ctx, t, rdb, prefix)); n == 0 {
			t.Fatal("no keys written under the prefix")
		}
	})
	if prefix == "" || prefix == otherDB.Keys.Prefix() {
		t.Fatalf("prefixes not unique: %q and %q", prefix, otherDB.Keys.Prefix())
	}
	if keys := keysUnder(ctx, t, rdb, prefix); len(keys) != 0 {
		t.Errorf("keys left after the test: %v", keys)
	}
	if _, ok, err := other.Get(ctx, "keep"); !ok || err != nil {
		t.Errorf("another store's keys were removed: ok %v err %v", ok, err)
	}
}

func TestMiniredisIsControllable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mr := sessiontest.Miniredis(t)
	st := sessiontest.StoreOn(t, sessiontest.Dial(t, "redis://"+mr.Addr()), session.WithTTL(time.Minute))
	if _, err := st.Update(ctx, "a", func(*session.Session) error { return nil }); err != nil {
		t.Fatal(err)
	}
	mr.FastForward(2 * time.Minute)
	if _, ok, _ := st.Get(ctx, "a"); ok {
		t.Error("FastForward on sessiontest.Miniredis did not reach the store's Redis")
	}
}

// keysUnder lists the keys under prefix, on every master of a Cluster.
func keysUnder(ctx context.Context, t *testing.T, rdb redis.UniversalClient, prefix string) []string {
	var (
		mu   sync.Mutex
		keys []string
	)
	list := func(ctx context.Context, c redis.UniversalClient) error {
		k, err := c.Keys(ctx, prefix+"*").Result()
		mu.Lock()
		keys = append(keys, k...)
		mu.Unlock()
		return err
	}
	var err error
	if c, ok := rdb.(*redis.ClusterClient); ok {
		err = c.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error { return list(ctx, n) })
	} else {
		err = list(ctx, rdb)
	}
	if err != nil {
		t.Fatal(err)
	}
	return keys
}
