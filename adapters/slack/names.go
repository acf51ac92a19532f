package slack

import (
	"context"
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
	name string
	exp  time.Time
}

// name returns the name customers see for a Slack user: the display name,
// else the real name, else the user name; "" when Slack does not know.
func (c *nameCache) name(ctx context.Context, d *Desk, id string) string {
	if id == "" {
		return ""
	}
	now := d.now()
	c.mu.Lock()
	if e, ok := c.m[id]; ok && now.Before(e.exp) {
		c.mu.Unlock()
		return e.name
	}
	c.mu.Unlock()

	cctx, cancel := d.call(ctx)
	defer cancel()
	u, err := d.api.GetUserInfoContext(cctx, id)
	if err != nil {
		d.log.Warn("slack desk: users.info failed; agent shown without a name", "user", id, "err", err)
		return ""
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
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]cachedName{}
	}
	c.m[id] = cachedName{name: name, exp: now.Add(c.ttl)}
	c.mu.Unlock()
	return name
}

// selfID is the bot's own Slack user id (auth.test), asked once.
type selfID struct {
	mu  sync.Mutex
	val string
}

func (s *selfID) id(ctx context.Context, d *Desk) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.val != "" {
		return s.val
	}
	cctx, cancel := d.call(ctx)
	defer cancel()
	r, err := d.api.AuthTestContext(cctx)
	if err != nil {
		// Messages the bot posts carry bot_id, which is checked first; this
		// is a second line of defence, so try again next time.
		d.log.Warn("slack desk: auth.test failed", "err", err)
		return ""
	}
	s.val = r.UserID
	return s.val
}
