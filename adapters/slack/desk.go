// Package slack is Baton's agent desk on Slack: every handoff becomes a card
// in one channel, everything the customer writes afterwards goes into the
// card's thread, and agents answer in the thread, with buttons or with
// thread commands. Customers never see Slack.
//
// Connections: the Web API (github.com/slack-go/slack) for posting, and
// either Socket Mode (an app-level token, no public URL) or the HTTP Events
// API (signed requests at /slack/events and /slack/interactions) for what
// agents do. Both may run at once; an event delivered twice is handled once.
//
// What must survive a restart lives in Redis: the thread -> conversation
// map, the outbox of Slack posts still to deliver (Slack down or rate
// limited). Where a handoff stands is the core's (bot/lifecycle); the desk
// keeps only Slack ids.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	goslack "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/hours"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// Core is what the desk asks of Baton's core when agents act. *bot.Bot
// implements it; each call ends with the core calling the desk's Changed,
// which updates the card.
type Core interface {
	// AgentMessage relays an agent's thread reply to the customer. The first
	// agent message claims the conversation if nobody has, and the customer
	// is told who joined ("Lia from our team is here").
	AgentMessage(ctx context.Context, convID string, a bot.Agent, text string) error
	Claim(ctx context.Context, convID string, a bot.Agent) error   // button / !claim
	Resolve(ctx context.Context, convID string, a bot.Agent) error // button / !resolve: closing + 1-5 survey, bot back in charge
	Return(ctx context.Context, convID string, a bot.Agent) error  // button / !bot: back to bot, no survey
	// Transfer moves the conversation to another team's desk (menu / !transfer team).
	Transfer(ctx context.Context, convID, team string, a bot.Agent) error
	// Note keeps an internal note (note: or //) in the story; never sent.
	Note(ctx context.Context, convID string, a bot.Agent, text string) error
}

// Summarizer writes a short summary of a handoff and a suggested first
// reply for the card (an LLM). It runs after the card is posted, never
// delaying it.
type Summarizer interface {
	Summarize(ctx context.Context, s *session.Session) (summary, suggestedReply string, err error)
}

// Desk is the Slack agent desk. It implements bot.Desk. Create it with New
// or FromEnv, give it the core with SetCore, and keep Run running: it
// drives Socket Mode, processes agent events and drains the outbox.
type Desk struct {
	api     *goslack.Client
	store   *session.Store
	rdb     redis.UniversalClient
	keys    store.SlackKeys
	channel string

	coreMu sync.RWMutex
	core   Core

	socket       bool
	socketOpts   []socketmode.Option
	secret       string
	summarizer   Summarizer
	summaryWait  time.Duration
	hours        *hours.Hours
	log          *slog.Logger
	now          func() time.Time
	callTimeout  time.Duration
	minBackoff   time.Duration
	maxBackoff   time.Duration
	pollInterval time.Duration
	nameTTL      time.Duration
	registerer   prometheus.Registerer
	teamsNow     func() Teams

	inboxes   []chan string // threads with agent events to handle, one queue per worker
	kick      chan struct{}
	heartbeat time.Duration // lease renewal and inbox sweep
	replica   string        // this process's name on thread leases

	names    nameCache
	self     selfID
	unmarked unmarkedSet // agent events handled here whose mark failed (inbox.go)
	twinHead twinHeadSet // outbox heads whose card part was posted but not recorded (outbox.go)

	bgMu   sync.Mutex
	bg     sync.WaitGroup
	closed bool

	metrics *outboxMetrics

	handled func(in inbound) // tests: called after each agent event is relayed and marked handled in Redis
	popped  func(j job)      // tests: called after a queued post left the outbox
	// tests: called after each renewal of the outbox lock's lease
	outboxRenewed func()
	// tests: called when an agent's command was not done because the
	// thread's lease was lost before it (left queued for its holder)
	threadFenced func(in inbound)
	// tests: called after each renewal of a thread's lease, and when a
	// thread's lease was found held by another replica
	threadRenewed func(thread string)
	contended     func(thread string)
	// tests: called when an agent's message or button press is in a
	// thread not mapped to a conversation, before looking for card posts
	// in flight
	unmapped func(thread string)
	// tests: called when an agent's message or button press could not
	// look its thread up (Redis failing) and waits
	lookupFailed func(thread string)
}

var _ bot.Desk = (*Desk)(nil)

// Option configures a Desk.
type Option func(*Desk)

// WithSocketMode makes Run connect over Socket Mode. The client given to
// New must carry the app-level token (slack.OptionAppLevelToken).
func WithSocketMode(opts ...socketmode.Option) Option {
	return func(d *Desk) { d.socket, d.socketOpts = true, opts }
}

// WithSigningSecret enables the HTTP Events API handlers (Routes); requests
// are verified with this secret.
func WithSigningSecret(secret string) Option { return func(d *Desk) { d.secret = secret } }

// WithSummarizer adds an AI summary and suggested reply to cards. The card
// is posted first; the summary is added when it arrives within timeout.
func WithSummarizer(s Summarizer, timeout time.Duration) Option {
	return func(d *Desk) {
		d.summarizer = s
		if timeout > 0 {
			d.summaryWait = timeout
		}
	}
}

// WithHours tells the desk the team's hours, so cards that arrive outside
// them say when the customer was told the team is back.
func WithHours(h *hours.Hours) Option { return func(d *Desk) { d.hours = h } }

// WithRegisterer registers the desk's Prometheus collectors: the outbox of
// Slack posts (queued, retried, delivered late, refused; depth). Handoff
// numbers are the core's (baton_handoffs_total, baton_rating, ...).
func WithRegisterer(r prometheus.Registerer) Option { return func(d *Desk) { d.registerer = r } }

// WithLogger sets the logger. Customer text never goes to the log.
func WithLogger(l *slog.Logger) Option {
	return func(d *Desk) {
		if l != nil {
			d.log = l
		}
	}
}

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(d *Desk) { d.now = now } }

// WithCallTimeout bounds each Slack API call (default 10s).
func WithCallTimeout(t time.Duration) Option {
	return func(d *Desk) {
		if t > 0 {
			d.callTimeout = t
		}
	}
}

// WithRetryBackoff sets the outbox's backoff between retries: it starts at
// min and doubles up to max; a Retry-After from Slack is always honoured.
func WithRetryBackoff(min, max time.Duration) Option {
	return func(d *Desk) {
		if min > 0 {
			d.minBackoff = min
		}
		if max >= d.minBackoff {
			d.maxBackoff = max
		}
	}
}

// WithPollInterval is how often an idle outbox worker looks for posts
// queued by another replica (default 2s).
func WithPollInterval(p time.Duration) Option {
	return func(d *Desk) {
		if p > 0 {
			d.pollInterval = p
		}
	}
}

// New makes a desk posting to channel (a channel id such as C0123456789)
// through api, keeping its state in db and reading conversations from
// sessions. core may be nil here and set later with SetCore (the core is
// usually built with the desk).
func New(api *goslack.Client, db store.DB, sessions *session.Store, core Core, channel string, opts ...Option) (*Desk, error) {
	if api == nil {
		return nil, errors.New("slack desk: nil Slack client")
	}
	if sessions == nil || db.Client == nil {
		return nil, errors.New("slack desk: a Redis and a session store are required")
	}
	if err := checkChannel(channel); err != nil {
		return nil, err
	}
	d := &Desk{
		api:          api,
		store:        sessions,
		rdb:          db.Client,
		keys:         db.Keys.Slack(),
		channel:      channel,
		core:         core,
		summaryWait:  15 * time.Second,
		log:          slog.New(slog.DiscardHandler),
		now:          time.Now,
		callTimeout:  10 * time.Second,
		minBackoff:   time.Second,
		maxBackoff:   5 * time.Minute,
		pollInterval: 2 * time.Second,
		nameTTL:      time.Hour,
		kick:         make(chan struct{}, 1),
		heartbeat:    defaultHeartbeat,
		replica:      newReplicaID(),
	}
	for _, o := range opts {
		o(d)
	}
	d.names.ttl = d.nameTTL
	d.inboxes = make([]chan string, inboxWorkers)
	for i := range d.inboxes {
		d.inboxes[i] = make(chan string, 64)
	}
	d.metrics = newOutboxMetrics(d)
	if d.registerer != nil {
		if err := d.metrics.register(d.registerer); err != nil {
			return nil, fmt.Errorf("slack desk: registering metrics: %w", err)
		}
	}
	return d, nil
}

func checkChannel(ch string) error {
	if ch == "" {
		return errors.New("slack desk: SLACK_HANDOFF_CHANNEL is empty; set it to the id of the handoff channel (like C0123456789, from the channel's details)")
	}
	if strings.HasPrefix(ch, "#") {
		return fmt.Errorf("slack desk: SLACK_HANDOFF_CHANNEL %q is a channel name; use the channel id (like C0123456789, from the channel's details)", ch)
	}
	for _, r := range ch {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return fmt.Errorf("slack desk: SLACK_HANDOFF_CHANNEL %q is not a channel id (want upper-case letters and digits, like C0123456789)", ch)
		}
	}
	return nil
}

// Teams is the routing table as the desk needs it (*routing.Table): each
// team's channel ("" = the default channel) and the teams to transfer to.
type Teams interface {
	Channel(team string) string
	IDs() []string
}

// WithTeams gives the current teams (read at each use, so an edit of
// prompts/routing.yaml applies at once).
func WithTeams(current func() Teams) Option {
	return func(d *Desk) { d.teamsNow = current }
}

// channelFor is the channel of a team's cards.
func (d *Desk) channelFor(team string) string {
	if d.teamsNow != nil && team != "" {
		if ch := d.teamsNow().Channel(team); ch != "" {
			return ch
		}
	}
	return d.channel
}

// teams lists the teams to transfer to.
func (d *Desk) teams() []string {
	if d.teamsNow == nil {
		return nil
	}
	return d.teamsNow().IDs()
}

// ourChannel reports whether cards may be in channel.
func (d *Desk) ourChannel(channel string) bool {
	if channel == d.channel {
		return true
	}
	for _, t := range d.teams() {
		if d.channelFor(t) == channel {
			return true
		}
	}
	return false
}

func teamName(team string) string {
	if team == "" {
		return "the default team"
	}
	return team
}

// SetCore gives the desk the core to call when agents act.
func (d *Desk) SetCore(c Core) {
	d.coreMu.Lock()
	defer d.coreMu.Unlock()
	d.core = c
}

func (d *Desk) getCore() Core {
	d.coreMu.RLock()
	defer d.coreMu.RUnlock()
	return d.core
}

// Channel is the handoff channel id.
func (d *Desk) Channel() string { return d.channel }

var errNilDesk = errors.New("slack desk is not configured")

// Open posts the handoff card and returns {"channel", "ts"} of it. When
// Slack is unreachable the card waits in the outbox and Open returns an
// empty ref and no error: the customer is told about the handoff as usual,
// the card is posted as soon as Slack answers, and the desk then writes the
// ref into the session itself (an empty ref keeps the core from
// overwriting it).
func (d *Desk) Open(ctx context.Context, s *session.Session) (map[string]string, error) {
	if d == nil {
		return nil, errNilDesk
	}
	if s == nil || s.Handoff == nil {
		return nil, errors.New("slack desk: open: the session has no handoff")
	}
	// The core may retry an Open that timed out on its side: one card per handoff.
	if c, ok, err := d.card(ctx, s.ID); err == nil && ok && c.shows(s.Handoff) {
		return map[string]string{"channel": c.channel, "ts": c.ts}, nil
	}
	// Its card may wait in the outbox (Slack was failing): the core asks
	// again when it meets the turn again (replay), and a queued card job
	// posts the handoff as it then stands, so one is enough.
	if queued, err := d.cardQueued(ctx, s); err == nil && queued {
		return map[string]string{}, nil
	}
	j := job{Kind: jobCard, Conv: s.ID, HandoffAt: s.Handoff.At}
	res, err := d.dispatch(ctx, j, s)
	if err != nil {
		// Refused for good (a retryable failure queues the card and
		// returns none): tried again on the customer's next message or
		// the reminder, after a backoff (refused.go).
		wait, rerr := d.cardRefused(ctx, s.ID, cardMark(s.Handoff.At, len(s.Handoff.Transfers)))
		if rerr != nil {
			return nil, fmt.Errorf("slack desk: open %s: %w", logmask.Conv(s.ID), errors.Join(err, rerr))
		}
		return nil, fmt.Errorf("slack desk: open %s: %w (the customer's messages go to the channel meanwhile; the card is tried again in %s at the earliest)", logmask.Conv(s.ID), err, wait)
	}
	if res.ts == "" {
		return map[string]string{}, nil
	}
	return map[string]string{"channel": d.channelFor(s.Handoff.Team), "ts": res.ts}, nil
}

// Relay posts what the customer sent during the handoff into the card's
// thread. Non-text items are described. When Slack is down the post waits
// in the outbox and Relay returns nil: it will be delivered, in order.
func (d *Desk) Relay(ctx context.Context, s *session.Session, ev bot.Event) error {
	if d == nil {
		return errNilDesk
	}
	if s == nil {
		return errors.New("slack desk: relay: nil session")
	}
	j := job{Kind: jobPost, Conv: s.ID, Text: relayText(s, ev)}
	if s.Handoff != nil {
		j.HandoffAt, j.N = s.Handoff.At, len(s.Handoff.Transfers)
	}
	if _, err := d.dispatch(ctx, j, s); err != nil {
		return fmt.Errorf("slack desk: relay %s: %w", logmask.Conv(s.ID), err)
	}
	return nil
}

// Render shows one lifecycle event to agents: Opened posts the card,
// CustomerWroteWhileWaiting and the bot's answers while the customer waits
// (Answered) go into the card's thread, and every change updates
// the card (it is what agents look at) and notes the change in the thread;
// Reminded also posts a reminder in the channel. Events with nothing to
// show are ignored.
func (d *Desk) Render(ctx context.Context, s *session.Session, ev lifecycle.Event) error {
	if d == nil {
		return errNilDesk
	}
	switch e := ev.(type) {
	case lifecycle.Opened:
		if e.NoDesk {
			return nil
		}
		_, err := d.Open(ctx, s)
		return err
	case lifecycle.CustomerWroteWhileWaiting:
		// What the customer wrote goes to the agents even when the card
		// cannot: in the channel, saying it has no card.
		cerr := d.postMissingCard(ctx, s)
		return errors.Join(cerr, d.Relay(ctx, s, bot.Event{Kind: bot.Kind(e.Kind), Text: e.Text}))
	case lifecycle.Reminded:
		if s != nil && s.Handoff != nil && d.now().Sub(s.Handoff.At) < cardPostGrace {
			// Not missing, maybe late: see cardPostGrace.
			break
		}
		if err := d.postMissingCard(ctx, s); err != nil {
			return err
		}
	case lifecycle.Answered:
		// The bot answered a question while the customer waits for a
		// person (bot/waiting.go): the agent who claims the thread must
		// see what the customer was told meanwhile. Other answers are the
		// bot's own conversations.
		if e.Handoff.IsZero() || s == nil || s.Handoff == nil || !s.Handoff.At.Equal(e.Handoff) || !lifecycle.Of(s).Open() {
			return nil
		}
		j, ok := d.answerPost(ctx, s, e.Entry)
		if !ok {
			return nil
		}
		if _, err := d.dispatch(ctx, j, s); err != nil {
			return fmt.Errorf("slack desk: bot answer %s: %w", logmask.Conv(s.ID), err)
		}
		return nil
	case lifecycle.Rated:
		if e.Who != "agent" {
			return nil // the bot's rating: no handoff to show it on
		}
	case lifecycle.Claimed, lifecycle.Resolved, lifecycle.Returned, lifecycle.Withdrawn,
		lifecycle.Commented, lifecycle.Transferred:
	default:
		// The core hands the desk every event (Started, Answered, ... of
		// conversations that never met an agent): only a handoff's are
		// shown, and the others have no handoff to ask for.
		return nil
	}
	if s == nil || s.Handoff == nil {
		return fmt.Errorf("slack desk: %T: the session has no handoff", ev)
	}
	var jobs []job
	h := s.Handoff
	switch e := ev.(type) {
	case lifecycle.Claimed:
		jobs = append(jobs, job{Kind: jobPost, Conv: s.ID, Text: fmt.Sprintf("🙋 *%s* has the conversation now.", Escape(h.Agent))})
	case lifecycle.Resolved:
		who := ""
		if h.Agent != "" {
			who = " by *" + Escape(h.Agent) + "*"
		}
		jobs = append(jobs, job{Kind: jobPost, Conv: s.ID, Text: "✅ Resolved" + who + ". The customer was asked for a 1-5 rating; the bot is back in charge."})
	case lifecycle.Returned:
		jobs = append(jobs, job{Kind: jobPost, Conv: s.ID, Text: "↩️ Back with the bot, no survey."})
	case lifecycle.Withdrawn:
		// Their words are in the thread just above (relayed as they
		// came): say plainly that nobody needs to answer now.
		jobs = append(jobs, job{Kind: jobPost, Conv: s.ID, Text: "🚪 The customer no longer needs a person, so the bot is back in charge and no one needs to answer. A reply in this thread reopens the conversation."})
	case lifecycle.Rated:
		jobs = append(jobs, d.ratingPosts(ctx, s)...)
	case lifecycle.Commented:
		jobs = append(jobs, d.ratingPosts(ctx, s)...)
	case lifecycle.Reminded:
		jobs = append(jobs, job{Kind: jobReminder, Conv: s.ID})
	case lifecycle.Transferred:
		by := ""
		if e.By.Name != "" {
			by = " by *" + Escape(e.By.Name) + "*"
		}
		// The old card says where it went; the new team gets a card of
		// its own, in its channel, with the whole story.
		jobs = append(jobs,
			// Under the old card: the handoff as it stood before this transfer.
			job{Kind: jobPost, Conv: s.ID, HandoffAt: h.At, N: max(0, len(h.Transfers)-1),
				Text: "➡️ Transferred to *" + Escape(teamName(e.To)) + "*" + by + ". Continue in the new card there."},
			job{Kind: jobCard, Conv: s.ID, HandoffAt: s.Handoff.At})
	default:
		return nil
	}
	// A thread post goes under the card of this handoff only (postThread).
	for i := range jobs {
		if jobs[i].Kind == jobPost && jobs[i].HandoffAt.IsZero() {
			jobs[i].HandoffAt, jobs[i].N = h.At, len(h.Transfers)
		}
	}
	// The card first: it is what agents look at.
	jobs = append([]job{{Kind: jobUpdate, Conv: s.ID}}, jobs...)
	var errs []error
	for _, j := range jobs {
		if _, err := d.dispatch(ctx, j, s); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("slack desk: %T %s: %w", ev, logmask.Conv(s.ID), err)
	}
	return nil
}

// Bounds of how late the turn that opens a handoff may post its card: it
// first sends the customer its replies through the Sender (bot announce),
// which may wait up to the channel's reply timeout (Telegram's: 2 minutes
// of 429 retry_after waits), then the card post is one desk call.
const (
	announceMaxWait = 2 * time.Minute
	cardPostGrace   = announceMaxWait + bot.DeskCallTimeout
)

// postMissingCard posts the card of an open handoff that has none: the
// replica that opened it was killed between saving the handoff and
// posting its card. The customer's next message, or the unclaimed
// reminder, brings it up then. The next message comes after the turn that
// opened the handoff has finished (a chat's messages are handled one at a
// time), so it never races its own post. The reminder does not: it is
// armed inside that turn and fires on any replica, possibly while the
// turn is still announcing, so Render leaves it alone while the handoff is
// younger than cardPostGrace (a card missing for good then comes up with
// the customer's next message or a later reminder). A transferred handoff is left alone: the
// transfer posts its card outside any lock, and a customer's message at
// that moment would post a second one.
func (d *Desk) postMissingCard(ctx context.Context, s *session.Session) error {
	if s == nil || s.Handoff == nil || len(s.Handoff.Transfers) > 0 || !lifecycle.Of(s).Open() {
		return nil
	}
	ref, ok, err := d.card(ctx, s.ID)
	if err != nil || (ok && ref.at.Equal(s.Handoff.At)) {
		return nil // a Redis failure shows up in the post that follows
	}
	if pending, err := d.cardQueued(ctx, s); err != nil || pending {
		return nil
	}
	// Refused by Slack before: tried again on its backoff, not on every
	// message.
	if wait, err := d.cardRetryWait(ctx, s.ID, cardMark(s.Handoff.At, len(s.Handoff.Transfers))); err != nil || wait > 0 {
		return nil
	}
	d.log.Warn("slack desk: an open handoff had no card (its replica stopped before posting it); posting it now", "conv", logmask.Conv(s.ID))
	_, err = d.Open(ctx, s)
	return err
}

// ratingPosts returns the thread posts for a rating and comment not posted
// yet (the core may report "rated" again when the comment follows).
func (d *Desk) ratingPosts(ctx context.Context, s *session.Session) []job {
	h := s.Handoff
	var jobs []job
	key := d.keys.Posted(s.ID, stamp(h.At))
	if h.Rating > 0 {
		if ok, err := d.rdb.HSetNX(ctx, key, "rating", h.Rating).Result(); err != nil || ok {
			jobs = append(jobs, job{Kind: jobPost, Conv: s.ID, Text: "⭐ The customer rated this conversation " + ratingStars(h.Rating) + "."})
		}
	}
	if c := strings.TrimSpace(h.Comment); c != "" {
		if ok, err := d.rdb.HSetNX(ctx, key, "comment:"+hashText(c), 1).Result(); err != nil || ok {
			jobs = append(jobs, job{Kind: jobPost, Conv: s.ID, Text: "💬 Their comment: “" + Escape(c) + "”"})
		}
	}
	d.rdb.Expire(ctx, key, keepFor)
	return jobs
}

// maxAnswerPost caps the bot's answer as its handoff thread shows it:
// enough to know what the customer was told, short enough not to bury
// the customer's own messages.
const maxAnswerPost = 300

// answerPost is the thread post for the bot's answer from entry during
// s's open handoff, once per entry and handoff (a turn met again hands
// its Answered event on again; the bot answers an entry once per
// conversation). ok is false when it was posted, or the answer is not in
// the transcript.
func (d *Desk) answerPost(ctx context.Context, s *session.Session, entry string) (job, bool) {
	h := s.Handoff
	text := ""
	for i := len(s.Turns) - 1; i >= 0; i-- {
		t := s.Turns[i]
		if t.At.Before(h.At) {
			break
		}
		if t.Role == "bot" && t.Entry == entry {
			text = t.Text
			break
		}
	}
	if strings.TrimSpace(text) == "" {
		return job{}, false
	}
	key := d.keys.Posted(s.ID, stamp(h.At))
	if ok, err := d.rdb.HSetNX(ctx, key, "answer:"+entry, 1).Result(); err == nil && !ok {
		return job{}, false
	}
	d.rdb.Expire(ctx, key, keepFor)
	// One line: the answer's paragraphs and lists joined, cut short.
	compact := truncate(strings.Join(strings.Fields(text), " "), maxAnswerPost)
	return job{Kind: jobPost, Conv: s.ID, HandoffAt: h.At, N: len(h.Transfers),
		Text: "🤖 _The bot answered while they wait_ (" + Escape(entry) + "): " + Escape(compact)}, true
}

// relayText is the thread message for something the customer sent.
func relayText(s *session.Session, ev bot.Event) string {
	name := customerName(s)
	if ev.Customer.Name != "" {
		name = ev.Customer.Name
	}
	who := "*" + Escape(truncate(name, 80)) + "*"
	text := Escape(ev.Text)
	caption := ""
	if strings.TrimSpace(ev.Text) != "" {
		caption = ": " + text
	}
	const unseen = " _(not shown here; ask them to describe it if you need the details)_"
	switch ev.Kind {
	case bot.KindText, "":
		if strings.TrimSpace(ev.Text) == "" {
			return "👤 " + who + " sent an empty message."
		}
		return "👤 " + who + ": " + text
	case bot.KindPhoto:
		return "📷 " + who + " sent a photo" + caption + unseen
	case bot.KindSticker:
		return "🧩 " + who + " sent a sticker" + caption
	case bot.KindVoice:
		return "🎤 " + who + " sent a voice message" + caption + unseen
	case bot.KindFile:
		return "📎 " + who + " sent a file or video" + caption + unseen
	case bot.KindLocation:
		return "📍 " + who + " shared a location" + caption
	case bot.KindCommand:
		return "⌨️ " + who + " used the command /" + text
	case bot.KindRating:
		return "⭐ " + who + " pressed rating " + text
	case bot.KindFlood:
		return "🌊 " + who + " is sending messages faster than we accept them; some were dropped."
	case bot.KindGroup:
		return "👥 " + who + " wrote in a group chat" + caption
	}
	return "❔ " + who + " sent something Slack cannot show (" + Escape(string(ev.Kind)) + ")" + caption
}

// goBG runs f in the background unless the desk is closed; Close waits for it.
func (d *Desk) goBG(f func()) bool {
	d.bgMu.Lock()
	defer d.bgMu.Unlock()
	if d.closed {
		return false
	}
	d.bg.Add(1)
	go func() {
		defer d.bg.Done()
		f()
	}()
	return true
}

// Close waits for background work started by Open (summaries) to finish.
// Run's goroutines stop when its context ends.
func (d *Desk) Close() {
	if d == nil {
		return
	}
	d.bgMu.Lock()
	d.closed = true
	d.bgMu.Unlock()
	d.bg.Wait()
}

// Run connects Socket Mode (when enabled), processes agent events from it
// and from the HTTP handlers, and drains the outbox, until ctx ends.
func (d *Desk) Run(ctx context.Context) error {
	if d == nil {
		return errNilDesk
	}
	var wg sync.WaitGroup
	for _, q := range d.inboxes {
		wg.Go(func() { d.runInbox(ctx, q) })
	}
	wg.Go(func() { d.runOutbox(ctx) })
	wg.Go(func() { d.runHeartbeat(ctx) })
	var err error
	if d.socket {
		err = d.runSocket(ctx)
	} else {
		<-ctx.Done()
	}
	wg.Wait()
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
