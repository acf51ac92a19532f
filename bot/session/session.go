// Package session keeps conversation state in Redis: one small record per
// conversation, updated under a per-conversation lock so two replicas or
// two quick messages never lose a turn.
//
// Its keys and scripts are named in bot/store (keys.go, scripts.go): a
// conversation's state and lock share a hash tag, so the scripts that touch
// both are legal on Redis Cluster.
package session

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton/bot/store"
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

	FirstReplyAt time.Time `json:"first_reply_at,omitzero"` // first agent message to the customer
	ResolvedAt   time.Time `json:"resolved_at,omitzero"`
	Outcome      string    `json:"outcome,omitempty"` // "resolved", "returned", "withdrawn" or "no_desk"
	Rating       int       `json:"rating,omitempty"`  // 1-5 after the survey
	Comment      string    `json:"comment,omitempty"` // what the customer wrote after rating

	Team      string     `json:"team,omitempty"`      // the team that has it ("" = the default team)
	Transfers []Transfer `json:"transfers,omitempty"` // earlier teams, oldest first
	Reminders int        `json:"reminders,omitempty"` // desk reminders while unclaimed (for this team)
}

// Transfer is one move of a handoff from a team to another.
type Transfer struct {
	From  string    `json:"from,omitempty"`
	To    string    `json:"to"`
	Agent string    `json:"agent,omitempty"` // who had it on the old team
	By    string    `json:"by,omitempty"`    // who moved it
	At    time.Time `json:"at"`
}

// Outbox is what one piece of work (a customer's update, a timer, an
// agent's reply) had to send the customer and is not known to have been
// sent, under the work's Key. Whoever does that work again (the replica
// that takes an update over, a timer's next claim, an agent sending the
// same reply again) finds it here and sends only these, instead of doing
// the work twice or not at all. The next piece of work with another key
// replaces it: the one before was finished or given up by then.
type Outbox struct {
	Key     string  `json:"key"`
	Card    bool    `json:"card,omitempty"` // the work opened a handoff: the desk is asked for its card again
	Replies []Reply `json:"replies,omitempty"`
	// At is when the work wrote it: an agent's action is resumed only
	// shortly after (later, the same text is a new message).
	At time.Time `json:"at,omitzero"`
	// Owed are the kinds of the events the work still owes the desk and
	// the observers (see bot's owedKinds): a customer's update met again
	// rebuilds them, so a message relayed during a handoff or a rating is
	// not lost with the replica that saved it.
	Owed []string `json:"owed,omitempty"`
}

// Reply is one message of an Outbox (bot.Message as stored).
type Reply struct {
	Text    string   `json:"text"`
	Buttons []Button `json:"buttons,omitempty"`
}

// Button is an inline button of a Reply (bot.Button as stored).
type Button struct {
	Label string `json:"label"`
	Kind  string `json:"kind"`
	Value string `json:"value"`
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

	// Outbox is what the last piece of work on the conversation had to
	// send the customer and is not known to have reached them. Stored in
	// a key of its own beside the record, not in it (codec.go says why).
	Outbox *Outbox `json:"outbox,omitempty"`

	Started        time.Time `json:"started"`
	LastCustomerAt time.Time `json:"last_customer_at"`
	LastBotAt      time.Time `json:"last_bot_at"`
}

// Defaults for the options.
const (
	DefaultTTL      = 7 * 24 * time.Hour
	DefaultMaxTurns = 30
	DefaultLockTTL  = 15 * time.Second
)

// Store keeps sessions in Redis. It is safe for concurrent use, and several
// Stores (in one process or in several replicas) may share one Redis.
type Store struct {
	db       store.DB
	ttl      time.Duration
	maxTurns int
	lockTTL  time.Duration
	format   Format
	now      func() time.Time
	// timerScope, when set, keeps this Store's timers in sets of their
	// own (WithTimerScope).
	timerScope string

	trimmed atomic.Int64 // when (unix ms, s.now) a save last dropped expired activity
}

// Option configures a Store.
type Option func(*Store)

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

// WithLockTTL sets how long a conversation's lock outlives a holder that
// stopped renewing it (a crashed process); a live holder renews it every
// third of the TTL while its update runs (default 15s). A holder whose
// lock was lost anyway cannot save (Update returns ErrLockLost). Values
// under a millisecond keep the default.
func WithLockTTL(d time.Duration) Option {
	return func(s *Store) {
		if d >= time.Millisecond {
			s.lockTTL = d
		}
	}
}

// Format is the form a Store writes sessions in. Every Store reads both,
// whatever it writes; see codec.go for why the writer's form is a choice.
type Format int

const (
	// FormatBinary is the compact record of codec.go (the default).
	FormatBinary Format = iota
	// FormatJSON is json.Marshal of the Session, the form releases before
	// the binary record wrote and the only one they read.
	FormatJSON
)

// ParseFormat reads a Format from its name, "binary" or "json" (any case;
// "" is the default, binary), as BATON_SESSION_FORMAT gives it.
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "binary":
		return FormatBinary, nil
	case "json":
		return FormatJSON, nil
	}
	return FormatBinary, fmt.Errorf("session format %q: want binary or json", name)
}

// String is the name ParseFormat reads.
func (f Format) String() string {
	if f == FormatJSON {
		return "json"
	}
	return "binary"
}

// WithFormat sets the form saves write (default FormatBinary). Reads take
// either form. Write FormatJSON while any replica of a release before the
// binary record may still read the sessions (during a rolling upgrade from
// it, or before a rollback to it). Unknown values keep the default.
func WithFormat(f Format) Option {
	return func(s *Store) {
		if f == FormatBinary || f == FormatJSON {
			s.format = f
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

// WithTimerScope keeps this Store's timers in sets of their own, named
// by scope (letters, digits, '-' and '_'): its Claim sees only timers its
// own Schedule set, and Stores of other scopes (or none) never claim them.
// `baton chat` scopes each run by its conversation, so two runs on one
// Redis do not take each other's check-ins (one run's timer loop would
// claim the other's, print nothing, and count it delivered). Replicas of
// one deployment share timers and use no scope. An empty scope is none.
func WithTimerScope(scope string) Option {
	return func(s *Store) { s.timerScope = scope }
}

// New returns a Store on db. The Store does not own db's client: closing it
// is the caller's job.
func New(db store.DB, opts ...Option) *Store {
	s := &Store{
		db:       db,
		ttl:      DefaultTTL,
		maxTurns: DefaultMaxTurns,
		lockTTL:  DefaultLockTTL,
		format:   FormatBinary,
		now:      time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// MaxTurns reports the history cap.
func (s *Store) MaxTurns() int { return s.maxTurns }

// TTL reports how long a session is kept after its last update.
func (s *Store) TTL() time.Duration { return s.ttl }
