package slack

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
)

// nameCache remembers agents' display names (users.info) for a while:
// names rarely change and every agent message needs one.
type nameCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]cachedName
}

type cachedName struct {
	name  string
	isBot bool
	exp   time.Time
}

// name returns the name customers see for a Slack user: the display name,
// else the real name, else the user name; "" when Slack does not know.
func (c *nameCache) name(ctx context.Context, d *Desk, id string) string {
	u, _ := c.user(ctx, d, id)
	return u.name
}

// isBot reports whether Slack says the user is a bot (users.info is_bot);
// false when Slack does not know.
func (c *nameCache) isBot(ctx context.Context, d *Desk, id string) bool {
	u, _ := c.user(ctx, d, id)
	return u.isBot
}

// user is what users.info says of a Slack user, from the cache when it is
// fresh; ok is false when Slack could not be asked.
func (c *nameCache) user(ctx context.Context, d *Desk, id string) (cachedName, bool) {
	if id == "" {
		return cachedName{}, false
	}
	now := d.now()
	c.mu.Lock()
	if e, ok := c.m[id]; ok && now.Before(e.exp) {
		c.mu.Unlock()
		return e, true
	}
	c.mu.Unlock()

	cctx, cancel := d.call(ctx)
	defer cancel()
	u, err := d.api.GetUserInfoContext(cctx, id)
	if err != nil {
		d.log.Warn("slack desk: users.info failed; agent shown without a name", "user", id, "err", err)
		return cachedName{}, false
	}
	name := strings.TrimSpace(u.Profile.DisplayName)
	if name == "" {
		name = strings.TrimSpace(u.Profile.RealName)
	}
	if name == "" {
		name = strings.TrimSpace(u.RealName)
	}
	if name == "" {
		name = strings.TrimSpace(u.Name)
	}
	e := cachedName{name: name, isBot: u.IsBot, exp: now.Add(c.ttl)}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]cachedName{}
	}
	c.m[id] = e
	c.mu.Unlock()
	return e, true
}

// selfID is the bot's own Slack user id (auth.test). Once known it is
// kept (a bot's user id never changes). While auth.test fails it is asked
// again only after a backoff (the outbox's: minBackoff doubling to
// maxBackoff, or Slack's Retry-After), not for every agent event: each
// ask is a Slack call on an agent's reply's path, and with auth.test
// failing every reply paid for one. Only one ask is in flight: callers
// meanwhile go on without the id.
type selfID struct {
	mu       sync.Mutex
	val      string
	asking   bool
	failures int       // auth.test failures in a row
	next     time.Time // no auth.test before this (desk clock)
}

// id is the bot's user id, "" while it is not known. Callers without it
// fall back on what a message itself says (bot_id; users.info is_bot).
func (s *selfID) id(ctx context.Context, d *Desk) string {
	s.mu.Lock()
	if s.val != "" || s.asking || d.now().Before(s.next) {
		v := s.val
		s.mu.Unlock()
		return v
	}
	s.asking = true
	s.mu.Unlock()

	cctx, cancel := d.call(ctx)
	r, err := d.api.AuthTestContext(cctx)
	cancel()
	if err == nil && r.UserID == "" {
		err = errors.New("auth.test answered no user id")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.asking = false
	if err != nil {
		s.failures++
		retryAfter, _ := retryable(err)
		wait := d.backoff(s.failures, retryAfter)
		s.next = d.now().Add(wait)
		d.log.Warn("slack desk: auth.test failed; the bot's own messages are told by bot_id and users.info until it answers",
			"failures", s.failures, "retry_in", wait.Round(time.Millisecond), "err", err)
		return ""
	}
	s.val, s.failures = r.UserID, 0
	return s.val
}
