package bot

import (
	"sync"
	"testing"

	"github.com/batonhq/baton/bot/content"
)

// shipped is the shipped prompts and knowledge, loaded once for the whole
// test binary: a load calibrates the matcher and trains the handoff
// layer, which was most of this package's test time (minutes under
// -race). Sharing it is safe because a Holder nobody reloads never
// changes, and one Set serves concurrent turns in production anyway.
var shipped struct {
	once     sync.Once
	h        *content.Holder
	problems []content.Problem
	err      error
}

func shippedHolder(t testing.TB) *content.Holder {
	t.Helper()
	shipped.once.Do(func() {
		shipped.h, shipped.problems, shipped.err = content.NewHolder(content.Dir("../prompts"), content.Dir("../knowledge"), nil)
	})
	if shipped.err != nil {
		t.Fatalf("load the shipped contents: %v (%v)", shipped.err, shipped.problems)
	}
	return shipped.h
}

// ShippedHolder is shippedHolder for the external tests (package bot_test).
var ShippedHolder = shippedHolder

// shippedSet is the shipped contents' Set, failing the test when the
// shipped files have problems.
func shippedSet(t testing.TB) *content.Set {
	t.Helper()
	h := shippedHolder(t)
	if len(shipped.problems) > 0 {
		t.Fatalf("shipped content has problems: %v", shipped.problems)
	}
	return h.Current()
}
