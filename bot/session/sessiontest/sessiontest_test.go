package sessiontest_test

import (
	"context"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

func TestStoreKeysRemovedAfterTest(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rdb := sessiontest.Client(t)
	other := sessiontest.StoreOn(t, rdb)
	if _, err := other.Update(ctx, "keep", func(*session.Session) error { return nil }); err != nil {
		t.Fatal(err)
	}

	var prefix string
	t.Run("inner", func(t *testing.T) {
		st := sessiontest.StoreOn(t, rdb, session.WithMaxTurns(3))
		prefix = st.Key("")
		if st.MaxTurns() != 3 {
			t.Errorf("options not applied: MaxTurns %d", st.MaxTurns())
		}
		if _, err := st.Update(ctx, "a", func(*session.Session) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if err := st.Schedule(ctx, "idle", "a", time.Now()); err != nil {
			t.Fatal(err)
		}
		if n := len(rdb.Keys(ctx, prefix+"*").Val()); n == 0 {
			t.Fatal("no keys written under the prefix")
		}
	})
	if prefix == "" || prefix == other.Key("") {
		t.Fatalf("prefixes not unique: %q and %q", prefix, other.Key(""))
	}
	if keys := rdb.Keys(ctx, prefix+"*").Val(); len(keys) != 0 {
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
