package session

import (
	"io"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// ConnectEmbedded starts the embedded Redis behind Connect("") on a clock
// the test drives: TTLs advance by now()'s movement on each value sent on
// ticks, so a test moves time instead of waiting for it.
func ConnectEmbedded(warn io.Writer, now func() time.Time, ticks <-chan time.Time) (*miniredis.Miniredis, redis.UniversalClient, func(), error) {
	return connectEmbedded(warn, embeddedClock{now: now, ticks: ticks})
}

// WithDefaults exposes the client settings Connect uses, for tests that need
// their own dialer.
var WithDefaults = withDefaults
