// Package bot is Baton's message processor: channel adapters hand it
// customer events, it keeps the conversation in the session store, answers
// from the knowledge base (or an Answerer such as the LLM) in the persona's
// voice, and hands the conversation to human agents when it should.
//
// The flow follows Rasa's split without its weight: channel connectors
// (adapters/...) -> this processor -> the tracker store (bot/session).
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/lang"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/semantic"
	"github.com/batonhq/baton/bot/session"
)

// Timer names in the session store.
const (
	timerIdle      = "idle"                   // customer silence: check-in, then close
	timerUnclaimed = lifecycle.TimerUnclaimed // a handoff nobody has claimed yet
)

// Limits on what one customer message may carry into matching and history.
const (
	maxMessageRunes = 2000 // longer messages are read up to here (the customer is told)
	maxTurnRunes    = 1000 // history keeps this much of what a customer or agent wrote
	maxBotTurnRunes = 300  // and this much of the bot's replies: agents see the entry, and each update rewrites the session
	historyTurns    = 12   // turns given to the answerer and the detector
)

// Contents gives the current prompts and knowledge; content.Holder
// implements it and swaps versions on hot reload.
type Contents interface {
	Current() *content.Set
}

// Schedule tells when the agent team is in (bot/hours implements it).
type Schedule interface {
	Open(t time.Time) bool
	NextOpen(t time.Time) time.Time
}

// Bot processes customer events. It is safe for concurrent use; updates to
// one conversation are serialised by the session store's lock, so several
// replicas can share one Redis.
type Bot struct {
	store    *session.Store
	contents Contents
	answerer Answerer
	desk     Desk
	hours    Schedule
	obs      Observer
	watchers lifecycle.Observers
	now      func() time.Time
	loc      *time.Location
	log      *slog.Logger
	reads    func(Reading) // WithReadings

	idleNudge, idleClose time.Duration
	unclaimed            time.Duration
	defaultWait          time.Duration

	mu      sync.RWMutex
	senders map[string]Sender
}

// Option configures a Bot.
type Option func(*Bot)

// WithAnswerer replaces the offline knowledge-base answerer (bot/llm).
func WithAnswerer(a Answerer) Option { return func(b *Bot) { b.answerer = a } }

// WithDesk sets where handoffs go (adapters/slack). Without a desk the bot
// says honestly that nobody is available and how to reach the team.
func WithDesk(d Desk) Option { return func(b *Bot) { b.desk = d } }

// WithHours sets the agent team's hours; nil means always staffed.
func WithHours(h Schedule) Option { return func(b *Bot) { b.hours = h } }

// WithObserver receives counts and durations for metrics.
func WithObserver(o Observer) Option { return func(b *Bot) { b.obs = o } }

// WithObservers adds observers of the conversation and handoff events
// (statistics, metrics, the ops view's queue). They run after each change
// is saved, after the desk.
func WithObservers(os ...lifecycle.Observer) Option {
	return func(b *Bot) { b.watchers = append(b.watchers, os...) }
}

// WithClock replaces time.Now (tests, eval).
func WithClock(now func() time.Time) Option { return func(b *Bot) { b.now = now } }

// WithLocation is the shop's time zone for time-of-day touches.
func WithLocation(loc *time.Location) Option { return func(b *Bot) { b.loc = loc } }

// WithLogger sets the logger; customer text is never logged unmasked.
func WithLogger(l *slog.Logger) Option { return func(b *Bot) { b.log = l } }

// WithIdle sets how long a customer may be silent mid-conversation before a
// check-in, and before the session is closed.
func WithIdle(nudge, close time.Duration) Option {
	return func(b *Bot) { b.idleNudge, b.idleClose = nudge, close }
}

// WithUnclaimedReminder sets how long a handoff may wait unclaimed before
// the desk and the customer are reminded.
func WithUnclaimedReminder(d time.Duration) Option { return func(b *Bot) { b.unclaimed = d } }

// New makes a Bot on a session store and the ops-edited contents.
func New(store *session.Store, contents Contents, opts ...Option) *Bot {
	b := &Bot{
		store:       store,
		contents:    contents,
		now:         time.Now,
		loc:         time.Local,
		log:         slog.New(slog.DiscardHandler),
		idleNudge:   10 * time.Minute,
		idleClose:   30 * time.Minute,
		unclaimed:   3 * time.Minute,
		defaultWait: 5 * time.Minute,
		senders:     map[string]Sender{},
		obs:         nopObserver{},
	}
	b.watchers = lifecycle.Observers{waits{b}}
	for _, o := range opts {
		o(b)
	}
	if b.answerer == nil {
		b.answerer = KnowledgeAnswerer(contents)
	}
	return b
}

// Register sets the Sender for a channel, used for messages the bot sends
// on its own initiative (check-ins, agent replies, surveys).
func (b *Bot) Register(channel string, s Sender) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.senders[channel] = s
}

func (b *Bot) sender(channel string) Sender {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.senders[channel]
}

// Handle processes one customer event and returns the replies, in order.
// When the session store is unreachable it still returns a short apology
// with the error, so the adapter can answer the customer and log.
//
// An event met again (ev.ID of the turn last saved: the replica that
// handled it stopped before its replies went out, or before the adapter
// marked it answered) is not handled twice: its turn stands, and Handle
// returns the turn's replies not known to have been sent (all of them,
// unless the bot sent some itself, as it does before a handoff card), and
// asks the desk again for the card of a handoff the turn opened. Replies
// the adapter sent before the stop go out again: at least once, never
// silence.
func (b *Bot) Handle(ctx context.Context, ev Event) ([]Message, error) {
	start := b.now()
	if ev.At.IsZero() {
		ev.At = start
	}
	set := b.contents.Current()
	ev.Text = CleanText(ev.Text)

	var (
		out    []Message
		events []lifecycle.Event
		owed   []string        // kinds of the events the saved outbox owes
		again  *session.Outbox // the outbox of this very event: it is met again
	)
	key := updateKey(ev.ID)
	// The idle timer is armed in the save's round trip (one fewer per
	// message than a Schedule after it), or, when the adapter fences the
	// turn by its lease, in the adapter's round trip after the replies
	// (session.Fence.ArmTimers).
	// Read ahead by the adapter, the turn runs without the lock; if the
	// conversation changed since, it runs again under the lock (fn below
	// sets everything it hands on anew on each run).
	s, err := b.store.UpdateTimersRead(ctx, ev.ConvID(), ev.Read, func(s *session.Session) ([]session.TimerAt, error) {
		if key != "" && s.Outbox != nil && s.Outbox.Key == key {
			again, out, events = s.Outbox, messagesOf(s.Outbox.Replies), nil
			// The turn's timers again: the replica that saved it may not
			// have armed them (its work fenced off, handed over or cut
			// short arms none: session.Fence.ArmTimers). Armed twice,
			// a timer is only set to the same time.
			return b.idleTimer(s), nil
		}
		again = nil
		// One customer message, at most one embeddings call, however
		// often the turn matches (parts, follow-ups, a rating comment).
		t := &turn{b: b, set: set, s: s, ev: ev, ctx: semantic.WithEmbeddingsBudget(ctx, 1)}
		t.run()
		out, events = t.out, t.events
		// A customer's message ends whatever an earlier piece of work
		// left half sent (an agent's reply, a check-in): its rest would
		// now come after this, out of context.
		s.Outbox, owed = nil, nil
		// Kept until the next update replaces it: the adapter sends these
		// after Handle returns, and only marks the update answered once
		// they went out. An event without an id (the console, tests) is
		// never met again, so it owes nothing; its outbox still tells the
		// next message what this one offered (typedPick).
		if key != "" {
			owed = owedKinds(events)
		}
		s.Outbox = &session.Outbox{Key: key, Card: opensCard(events), Replies: repliesOf(out), At: b.now(), Owed: owed}
		return b.idleTimer(s), nil
	})
	if errors.Is(err, session.ErrTimersNotArmed) {
		b.log.Warn("schedule idle timer", "conv", logmask.Conv(s.ID), "err", err)
		err = nil
	}
	if errors.Is(err, session.ErrFenced) {
		// The adapter's lease on the work was lost: nothing goes out from
		// here. A turn refused at its save is done (and counted) by
		// whoever holds the lease now. One saved all the same (nobody had
		// saved since: s is returned) stands, and the holder only replays
		// it, which counts nothing: it is counted here, once.
		if s != nil && again == nil {
			b.obs.MessageIn(ev.Channel)
			b.obs.Replied(ev.Channel, len(out), b.now().Sub(start))
		}
		return nil, fmt.Errorf("handle %s: %w", logmask.Conv(ev.ConvID()), err)
	}
	if again == nil || err != nil {
		b.obs.MessageIn(ev.Channel) // once per message: not again when it is met again
	}
	if err != nil {
		l := lang.Choose(written(ev), ev.Customer.Lang, "", set.Persona.Has)
		msg := b.say(set, nil, l, "store_down", persona.Data{})
		b.obs.Error("session")
		return []Message{{Text: msg}}, fmt.Errorf("handle %s: %w", logmask.Conv(ev.ConvID()), err)
	}
	if again != nil {
		return b.replay(ctx, s, ev, key, again, out), nil
	}
	n := len(out)
	if opensCard(events) {
		out = b.announce(ctx, s, key, out)
	}
	b.afterWork(ctx, s, workID(s.ID, key), events)
	if len(owed) > 0 && !statsOnly(owed) {
		b.outboxPaid(ctx, s, key)
	}
	b.obs.Replied(ev.Channel, n, b.now().Sub(start))
	return out, nil
}

// ReadAhead queues on pipe the read of the conversation convID's state,
// for an adapter to send with a round trip it makes anyway (its accept of
// the event) and hand to Handle in Event.Read: the turn then needs no
// round trip to lock and read. pipe must be on the Redis of the Bot's
// session store.
func (b *Bot) ReadAhead(ctx context.Context, pipe redis.Pipeliner, convID string) *session.Read {
	return b.store.ReadAhead(ctx, pipe, convID)
}

// replay finishes the work of an event whose turn was saved before: out
// are the turn's replies not known to have been sent. A handoff it opened
// that still waits for an agent gets them through the Sender first, as
// the first time. A handoff an agent has taken since (or that is over)
// gets no replies: the customer heard from the agent, and "a person is
// coming" now would come after.
//
// The events the turn still owed the desk and the observers (the replica
// was stopped before handing them on: the card, a message relayed during
// the handoff, a rating) are rebuilt and handed on now: at least once
// (a replica stopped between handing them on and noting it hands them on
// twice; the desk posts a card only if it is missing, and the statistics
// count the turn once: workID).
func (b *Bot) replay(ctx context.Context, s *session.Session, ev Event, key string, o *session.Outbox, out []Message) []Message {
	owed := o.Owed
	if o.Card && o.At.IsZero() && len(owed) == 0 {
		// Written by a release that kept no Owed: it asked the desk
		// for the card every time.
		owed = []string{owedOpened}
	}
	b.log.Info("an update met again after its turn was saved; its replies not known to be sent go out again",
		"conv", logmask.Conv(s.ID), "replies", len(out), "handoff", o.Card, "owed", len(owed))
	if o.Card {
		if lifecycle.Of(s) == lifecycle.StateWaiting {
			out = b.announce(ctx, s, key, out)
		} else {
			out = nil
		}
	}
	if events := owedEvents(s, ev, owed); len(events) > 0 {
		b.afterWork(ctx, s, workID(s.ID, key), events)
		b.outboxPaid(ctx, s, key)
	}
	return out
}

// opensCard reports whether the events post a handoff card on the desk.
func opensCard(events []lifecycle.Event) bool {
	for _, ev := range events {
		if o, ok := ev.(lifecycle.Opened); ok && !o.NoDesk {
			return true
		}
	}
	return false
}

// announce delivers a turn's replies through the channel's Sender before
// the handoff card is posted, and returns what is left for the caller to
// send (nothing, unless a send failed). Handoffs are never silent: the
// customer hears that a person is coming before anything that person
// writes, and an agent who answers the instant the card appears cannot
// overtake the replies the adapter would otherwise send after Handle
// returns. A channel without a Sender gets its replies back as usual (and
// has no agent replies to race).
//
// When a send fails (after the Sender's own retries), the adapter gets
// back what the customer has not read, to try its own way (and see the
// failure); the card still goes up: the customer is waiting. That is the
// failed message and those after it, or, when the Sender delivered the
// start of the failed message (*PartlySentError), only the rest of it: a
// duplicate part is worse than the one more try the rest gets.
//
// What went out is written to the event's outbox (key) before the card is
// posted, so a replica that takes the event over after a stop during the
// post does not tell the customer twice.
func (b *Bot) announce(ctx context.Context, s *session.Session, key string, out []Message) []Message {
	if b.sender(s.Channel) == nil {
		return out
	}
	rest, some, err := b.sendAll(ctx, s, out)
	if err != nil {
		if errors.Is(err, ErrBlocked) {
			rest = nil // nothing can reach them; the adapter knows
		} else {
			b.log.Warn("handoff announcement not sent whole; the adapter retries the rest", "conv", logmask.Conv(s.ID), "err", err)
		}
	}
	if some && key != "" {
		b.outboxSent(ctx, s, key, rest)
	}
	return rest
}

// outboxSent keeps only rest in the outbox of key, if it is still the
// conversation's (a later event replaced it otherwise). s is the session
// as last saved: while the stored outbox is still its Outbox, one round
// trip without the lock swaps it; s.Outbox is kept what is stored.
func (b *Bot) outboxSent(ctx context.Context, s *session.Session, key string, rest []Message) {
	id := s.ID
	if o := s.Outbox; o != nil && o.Key == key {
		sent := *o
		sent.Replies = repliesOf(rest)
		if ok, err := b.store.SwapOutbox(ctx, id, o, &sent); err == nil && ok {
			s.Outbox = &sent
			return
		}
	}
	saved, err := b.store.Update(ctx, id, func(s *session.Session) error {
		if s.Outbox != nil && s.Outbox.Key == key {
			s.Outbox.Replies = repliesOf(rest)
		}
		return nil
	})
	if err == nil {
		s.Outbox = saved.Outbox
	}
	if err != nil {
		// The replies went out; a replica that meets the event again
		// sends them once more.
		b.log.Warn("could not note the replies sent", "conv", logmask.Conv(id), "err", err)
	}
}

// DeskCallTimeout bounds one desk call (Render) the core makes after a
// turn: Slack's latency never holds a turn forever.
const DeskCallTimeout = 15 * time.Second

// after hands the events of a change to the desk and the observers, once
// the session is saved, so Slack's latency never holds a conversation's
// lock.
func (b *Bot) after(ctx context.Context, s *session.Session, events []lifecycle.Event) {
	b.afterWork(ctx, s, "", events)
}

// afterWork is after for the events of a piece of work named id (workID):
// the observers get them together, so the statistics count them in one
// write, once however often the work is met again.
func (b *Bot) afterWork(ctx context.Context, s *session.Session, id string, events []lifecycle.Event) {
	if len(events) == 0 {
		return
	}
	// Observers first: they are quick, and whoever sees the desk's post
	// (an agent, a test) then finds the event counted.
	b.watchers.ObserveWork(context.WithoutCancel(ctx), s, id, events)
	if b.desk == nil {
		return
	}
	for _, ev := range events {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DeskCallTimeout)
		if err := b.desk.Render(dctx, s, ev); err != nil {
			b.obs.Error("desk")
			b.log.Error("desk call failed", "conv", logmask.Conv(s.ID), "event", fmt.Sprintf("%T", ev), "err", err)
		}
		cancel()
	}
}

// step applies a lifecycle step's timers.
func (b *Bot) step(ctx context.Context, s *session.Session, st lifecycle.Step) {
	if st.CancelRemind {
		b.cancelTimer(ctx, timerUnclaimed, s.ID)
	}
	if !st.RemindAt.IsZero() {
		if err := b.store.Schedule(ctx, timerUnclaimed, s.ID, st.RemindAt); err != nil {
			b.log.Warn("schedule unclaimed reminder", "conv", logmask.Conv(s.ID), "err", err)
		}
	}
}

// idleTimer is the silence timer to (re)arm after a customer message, if
// any. A timer left from earlier needs no cancelling here: idle checks
// the conversation again when it fires.
func (b *Bot) idleTimer(s *session.Session) []session.TimerAt {
	if s.Mode != session.ModeBot || s.Blocked || !midConversation(s) {
		return nil
	}
	return []session.TimerAt{{Name: timerIdle, At: s.LastCustomerAt.Add(b.idleNudge)}}
}

// midConversation is true when the customer may still be expected to
// answer: the bot's last word was not a goodbye, a closing or a survey,
// nor the kind word to a customer who called a handoff off ("never mind,
// I figured it out": a goodbye too, though it leaves the bot in charge).
func midConversation(s *session.Session) bool {
	for i := len(s.Turns) - 1; i >= 0; i-- {
		t := s.Turns[i]
		if t.Role != "bot" {
			continue
		}
		switch t.Kind {
		case kindBye, kindThanks, kindClosed, kindRated, kindResolved, kindNoDesk, kindSurvey, kindAck, kindWithdrawn:
			return false
		}
		return true
	}
	return false
}

// say renders a persona message for a conversation in lang, filling in
// what every template may use: the bot's name, the customer's first name,
// the shop's local time, and a seed that varies wording along the way.
// The seed is the count of customer messages, which steps by one an
// exchange, so a message said on successive exchanges ("ok", "ok", "ok")
// goes through its wordings in turn. (Adding the history's length, which
// steps by the turns of an exchange, stepped by three: a message with
// three wordings said the same one every time.)
func (b *Bot) say(set *content.Set, s *session.Session, lang, key string, d persona.Data) string {
	return set.Persona.Say(lang, key, b.data(set, s, d))
}

// sayAfter is say for a message that follows before in the same reply,
// keeping the reply to one apology (persona.SayAfter).
func (b *Bot) sayAfter(set *content.Set, s *session.Session, lang, before, key string, d persona.Data) string {
	return set.Persona.SayAfter(before, lang, key, b.data(set, s, d))
}

// data fills in what every template may use (see say).
func (b *Bot) data(set *content.Set, s *session.Session, d persona.Data) persona.Data {
	d.Bot, d.Now = set.Persona.Name(), b.now().In(b.loc)
	if s != nil {
		if d.Customer == "" { // the name they gave us ("hi, I'm Sarah") wins
			d.Customer = firstName(s.Name)
		}
		d.Seed = s.Messages
	}
	return d
}

// firstName is how we address the customer: the first word of the display
// name, if it looks like a name.
func firstName(name string) string {
	// The first of strings.Fields(name), without splitting all of it:
	// several replies of every turn ask for it.
	n := strings.TrimLeftFunc(name, unicode.IsSpace)
	if i := strings.IndexFunc(n, unicode.IsSpace); i >= 0 {
		n = n[:i]
	}
	if n == "" || utf8.RuneCountInString(n) > 24 || strings.ContainsFunc(n, notAName) {
		return ""
	}
	return n
}

// notAName is a character no first name has: an address, a link, a
// number (a rune test, not strings.ContainsAny, which on a name this short
// looks each rune up in the set by a call).
func notAName(r rune) bool { return r == '@' || r == '/' || r == ':' || '0' <= r && r <= '9' }

// ErrNoConversation is returned by agent-side calls for an unknown conversation.
var ErrNoConversation = errors.New("no such conversation")

// Holding is the short "we have your message" reply an adapter sends,
// without Redis, to a customer whose message it could not store during a
// Redis outage (the message itself is answered once Redis is back). lang
// is the platform's language hint.
func (b *Bot) Holding(hint string) string {
	set := b.contents.Current()
	l := lang.Choose("", hint, "", set.Persona.Has)
	return b.say(set, nil, l, "hiccup", persona.Data{})
}
