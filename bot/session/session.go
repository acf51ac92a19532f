// Package session keeps conversation state in Redis: one small record per
// conversation, updated under a per-conversation lock so two replicas or
// two quick messages never lose a turn.
//
// Key layout (prefix is WithPrefix, "" by default):
//
//	<prefix>{conv:<id>}:state   the session as JSON, with the session TTL
//	<prefix>{conv:<id>}:lock    the update lock (random token), with the lock TTL
//	<prefix>baton:active        sorted set: conversation id -> last update (unix ms)
//	<prefix>baton:timer:<name>  sorted set: conversation id -> due time (unix ms)
//	<prefix>baton:seen:<key>    FirstTime markers
//
// The {conv:<id>} hash tag keeps a conversation's state and lock in one Redis
// Cluster slot, so the Lua scripts that touch both are legal there. The
// prefix therefore must not contain '{'.
package session

import (
	"time"

	"github.com/redis/go-redis/v9"
)

// Mode says who is talking to the customer.
type Mode string

const (
	ModeBot     Mode = "bot"     // the bot answers
	ModeWaiting Mode = "waiting" // handed off, no agent yet
	ModeAgent   Mode = "agent"   // an agent has the conversation
)

// Turn is one message in the conversation history.
type Turn struct {
	Role  string    `json:"role"` // "customer", "bot", "agent", "system"
	Text  string    `json:"text"`
	Entry string    `json:"entry,omitempty"` // knowledge entry the bot answered from
	Score float64   `json:"score,omitempty"`
	Kind  string    `json:"kind,omitempty"` // bot reply kind: "answer", "rephrase", "greeting", "handoff", ...
	Agent string    `json:"agent,omitempty"`
	Tips  []string  `json:"tips,omitempty"` // entries whose tips the reply carried, so none is repeated
	At    time.Time `json:"at"`
}

// Handoff is the open (or last) handoff of a conversation.
type Handoff struct {
	Reason    string             `json:"reason"`
	Evidence  []string           `json:"evidence,omitempty"`
	Scores    map[string]float64 `json:"scores,omitempty"`
	At        time.Time          `json:"at"`
	Agent     string             `json:"agent,omitempty"` // display name of who holds it
	AgentID   string             `json:"agent_id,omitempty"`
	ClaimedAt time.Time          `json:"claimed_at,omitempty"`
	Ref       map[string]string  `json:"ref,omitempty"` // desk-specific references (Slack channel/ts)

	FirstReplyAt time.Time `json:"first_reply_at,omitzero"` // first agent message to the customer
	ResolvedAt   time.Time `json:"resolved_at,omitzero"`
	Outcome      string    `json:"outcome,omitempty"` // "resolved", "returned" or "no_desk"
	Rating       int       `json:"rating,omitempty"`  // 1-5 after the survey
	Comment      string    `json:"comment,omitempty"` // what the customer wrote after rating
}

// Session is everything Baton remembers about one conversation.
type Session struct {
	ID       string `json:"id"` // "<channel>:<chat id>"
	Channel  string `json:"channel"`
	ChatID   string `json:"chat_id"`
	Name     string `json:"name,omitempty"`     // customer's display name
	Username string `json:"username,omitempty"` // customer's handle on the platform
	Lang     string `json:"lang,omitempty"`
	Mode     Mode   `json:"mode"`

	Turns []Turn `json:"turns,omitempty"` // last MaxTurns turns, oldest first

	Messages       int  `json:"messages"`        // customer messages in this session
	Misses         int  `json:"misses"`          // consecutive low-confidence turns
	Greeted        bool `json:"greeted"`         // the bot introduced itself already
	Nudged         bool `json:"nudged"`          // the idle check-in went out
	AwaitingRating bool `json:"awaiting_rating"` // a 1-5 survey is open
	Blocked        bool `json:"blocked"`         // the customer blocked the bot; stop sending

	// Topic is the question the last confident answer answered, so that a
	// short follow-up ("and to Korea?", "那支付宝呢？") is read with it.
	Topic string `json:"topic,omitempty"`

	Handoff *Handoff `json:"handoff,omitempty"`

	Started        time.Time `json:"started"`
	LastCustomerAt time.Time `json:"last_customer_at"`
	LastBotAt      time.Time `json:"last_bot_at"`
}

// Defaults for the options.
const (
	DefaultTTL      = 7 * 24 * time.Hour
	DefaultMaxTurns = 30
	DefaultLockTTL  = 60 * time.Second
)

// Store keeps sessions in Redis. It is safe for concurrent use, and several
// Stores (in one process or in several replicas) may share one Redis.
type Store struct {
	rdb      redis.UniversalClient
	prefix   string
	ttl      time.Duration
	maxTurns int
	lockTTL  time.Duration
	now      func() time.Time
}

// Option configures a Store.
type Option func(*Store)

// WithPrefix puts p in front of every key, so several deployments (or tests)
// can share one Redis. It must not contain '{' (see the package comment).
func WithPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// WithTTL sets how long a session is kept after its last update (default 7
// days). Non-positive values keep the default.
func WithTTL(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.ttl = d
		}
	}
}

// WithMaxTurns caps the history kept per session (default 30); older turns
// are dropped on save. Non-positive values keep the default.
func WithMaxTurns(n int) Option {
	return func(s *Store) {
		if n > 0 {
			s.maxTurns = n
		}
	}
}

// WithLockTTL sets how long an update may hold a conversation's lock before
// another one may take it (default 60s: an LLM call may run under the lock).
// A holder that outlives it cannot save (Update returns ErrLockLost).
// Values under a millisecond keep the default.
func WithLockTTL(d time.Duration) Option {
	return func(s *Store) {
		if d >= time.Millisecond {
			s.lockTTL = d
		}
	}
}

// WithClock sets the clock used for Started, activity times and the Active
// window (default time.Now). Tests of code built on the store use it to
// control time; Redis TTLs still follow the server's clock.
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// New returns a Store on rdb. The Store does not own rdb: closing it is the
// caller's job.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{
		rdb:      rdb,
		ttl:      DefaultTTL,
		maxTurns: DefaultMaxTurns,
		lockTTL:  DefaultLockTTL,
		now:      time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Redis returns the client, for packages that keep small things (outboxes,
// counters) in the same Redis; name their keys with Key.
func (s *Store) Redis() redis.UniversalClient { return s.rdb }

// Key returns name with the store's prefix.
func (s *Store) Key(name string) string { return s.prefix + name }

// MaxTurns reports the history cap.
func (s *Store) MaxTurns() int { return s.maxTurns }

// TTL reports how long a session is kept after its last update.
func (s *Store) TTL() time.Duration { return s.ttl }

func (s *Store) stateKey(id string) string { return s.prefix + "{conv:" + id + "}:state" }
func (s *Store) lockKey(id string) string  { return s.prefix + "{conv:" + id + "}:lock" }
func (s *Store) activeKey() string         { return s.prefix + "baton:active" }
func (s *Store) timerKey(name string) string {
	return s.prefix + "baton:timer:" + name
}
