// Package telegram connects Baton to Telegram through the Bot API
// (go-telegram/bot): updates become bot.Events for the core, the core's
// replies go back as plain-text messages.
//
// Delivery. Updates arrive by long polling (default) or by webhook. Either
// way each update is written to a Redis inbox before Telegram is told it
// arrived, and removed after its replies went out, so nothing a customer
// sent is lost to a crash or a restart; update ids already answered are
// remembered for the dedupe TTL, so a redelivered update is answered once,
// also with several replicas behind one webhook (see inbox.go).
//
// Order. Replies to one chat go out in the order its messages came in;
// different chats are served in parallel.
//
// Choices a customer can notice:
//   - "typing…" shows as soon as a message is taken up and every 4 s
//     until the reply is out; the reply never overtakes it.
//   - Replies are plain text (no parse mode): whatever characters an answer
//     or an agent's reply contains arrive as written, and Telegram can
//     never fail with "can't parse entities". Over 4,096 characters a reply
//     is split at paragraph, line or sentence ends.
//   - Edited messages are answered like new messages: the customer edited
//     because the first wording was not what they meant.
//   - Baton serves private chats. In groups it stays silent unless
//     addressed (an @mention, a reply to it, or a command), and then
//     answers with the core's note pointing to a private chat. Channel
//     posts are ignored.
//   - Stickers, photos, voice, files and locations go to the core as their
//     kinds (with the caption as text), empty or white-space-only text as
//     an empty text event: the core answers kindly, or passes them to the
//     agent during a handoff.
//   - More than the flood limit (default 20 a minute) from one chat: the
//     core is told once (bot.KindFlood) and says so; the rest of that
//     minute is dropped.
//   - A customer who blocked the bot (403, or Telegram's my_chat_member
//     "kicked"): the conversation is marked through the handler's Blocked
//     method when it has one, and nothing more is sent until they write
//     again.
package telegram

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/metrics"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// Channel is the channel name in events and conversation ids.
const Channel = "telegram"

// DefaultAPIURL is the public Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// Handler processes one customer event and returns the replies in order.
// On error it may still return messages (a short apology), which are sent;
// the error is logged. *bot.Bot implements it.
type Handler interface {
	Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, ev bot.Event) ([]bot.Message, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
	return f(ctx, ev)
}

// Holder is implemented by a Handler that has a short holding reply for a
// customer whose message could not be stored (Redis down): "we have your
// message, we'll answer in a moment". It must not need Redis. lang is the
// customer's platform language.
type Holder interface {
	Holding(lang string) string
}

// Blocker is implemented by a Handler that wants to know when a customer
// blocked the bot (to mark the conversation and stop its timers).
type Blocker interface {
	Blocked(ctx context.Context, convID string) error
}

// redisTimeout bounds one inbox operation.
const redisTimeout = 5 * time.Second

type config struct {
	apiURL        string
	webhookURL    string
	webhookPath   string
	webhookSecret string
	derivedSecret bool
	pollTimeout   time.Duration
	replyTimeout  time.Duration
	typing        time.Duration
	floodLimit    int
	floodWindow   time.Duration
	dedupeTTL     time.Duration
	heartbeat     time.Duration
	sweep         time.Duration
	workers       int
	maxConns      int
}

// Option configures an Adapter.
type Option func(*Adapter)

// WithAPIURL points the adapter at a self-hosted Bot API server
// (TELEGRAM_API_URL). Default DefaultAPIURL.
func WithAPIURL(u string) Option {
	return func(a *Adapter) { a.cfg.apiURL = strings.TrimRight(u, "/") }
}

// WithWebhook switches from long polling to a webhook at url, registered
// with setWebhook on Start. secret is checked on every request; when empty
// one is derived from the bot token (the same on every replica), because an
// unauthenticated webhook lets anyone post fake customer messages.
func WithWebhook(url, secret string) Option {
	return func(a *Adapter) { a.cfg.webhookURL, a.cfg.webhookSecret = url, secret }
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(a *Adapter) { a.log = l } }

// WithMetrics sets the collectors to report to.
func WithMetrics(m *metrics.Metrics) Option { return func(a *Adapter) { a.m = m } }

// WithFloodLimit lets a chat send n messages per window; beyond it the core
// is told once and the rest are dropped. n <= 0 turns the limit off.
// Default 20 a minute.
func WithFloodLimit(n int, window time.Duration) Option {
	return func(a *Adapter) { a.cfg.floodLimit, a.cfg.floodWindow = n, window }
}

// WithHTTPClient sets the client for Bot API calls.
func WithHTTPClient(c *http.Client) Option { return func(a *Adapter) { a.httpc = c } }

// WithPollTimeout sets the getUpdates long-poll timeout (default 50 s).
func WithPollTimeout(d time.Duration) Option { return func(a *Adapter) { a.cfg.pollTimeout = d } }

// WithReplyTimeout bounds the work on one update: the core's answer (maybe
// from a language model) and sending it (default 2 minutes).
func WithReplyTimeout(d time.Duration) Option { return func(a *Adapter) { a.cfg.replyTimeout = d } }

// WithTypingInterval sets how often "typing…" is repeated (default 4 s;
// Telegram clears it after 5 s).
func WithTypingInterval(d time.Duration) Option { return func(a *Adapter) { a.cfg.typing = d } }

// WithDedupeTTL sets how long answered update ids are remembered (default
// 25 h: Telegram keeps undelivered updates for 24 h).
func WithDedupeTTL(d time.Duration) Option { return func(a *Adapter) { a.cfg.dedupeTTL = d } }

// WithHeartbeat sets how often this replica renews its leases on the
// chats it is answering; other replicas take them over about three beats
// after it died (default 5 s). Chats with unanswered updates and no live
// replica are looked for every sweep (default 5 s).
func WithHeartbeat(beat, sweep time.Duration) Option {
	return func(a *Adapter) { a.cfg.heartbeat, a.cfg.sweep = beat, sweep }
}

// WithWorkers bounds how many updates are processed at once, over all
// chats (default 256).
func WithWorkers(n int) Option { return func(a *Adapter) { a.cfg.workers = n } }

// WithReplicaID names this process in the inbox (default host name plus a
// random suffix, new on every start). It may not contain '#', which ends
// it in the chat leases' tokens ("<replica>#<version>"): "a" would
// otherwise take "a#1"'s leases for its own.
func WithReplicaID(id string) Option { return func(a *Adapter) { a.replica = id } }

// Adapter is the Telegram channel. Make one with New, mount its webhook
// (if any) with Mount, then Start; Shutdown on the way out.
type Adapter struct {
	token string
	api   *tgbot.Bot
	httpc *http.Client
	h     Handler
	rdb   redis.UniversalClient
	keys  store.TelegramKeys
	cfg   config
	log   *slog.Logger
	m     *metrics.Metrics

	replica   string
	startedAt time.Time
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) error

	me        atomic.Pointer[models.User]
	connErr   atomic.Pointer[errBox]
	pollErr   atomic.Pointer[errBox]
	accepting atomic.Bool
	intakeMu  sync.RWMutex // intake holds it shared; Shutdown waits for in-flight intakes

	disp      *dispatcher
	chatLocks chatLocks

	gotAt sync.Map // update id -> when this replica received it (for reply latency)

	holdMu sync.Mutex
	outage bool               // the last intake could not reach Redis
	held   map[int64]struct{} // chats sent the holding reply in this outage

	blockedMu sync.Mutex
	blocked   map[int64]struct{}

	startOnce sync.Once
	stopOnce  sync.Once
	stopErr   error
	loopsCtx  context.Context // polling, connecting, sweeping
	loopsStop context.CancelFunc
	loops     sync.WaitGroup
	// Send telling the core of a block, from a goroutine. Timers and the
	// Slack desk may still call Send while Shutdown waits, so Add is
	// guarded: after tellClosed no new goroutine starts.
	telling    sync.WaitGroup
	tellMu     sync.Mutex
	tellClosed bool
	beatStop   context.CancelFunc
	beatDone   chan struct{}
	workCtx    context.Context // handler calls and sends
	workStop   context.CancelFunc

	onDone func(id int64) // tests: called after an update is marked answered
	onStop func()         // tests: called once Shutdown stopped taking updates
}

var (
	tokenRe  = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)
	secretRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// New makes an adapter for the bot token. It does not touch the network;
// Start does.
func New(token string, h Handler, db store.DB, opts ...Option) (*Adapter, error) {
	token = strings.TrimSpace(token)
	if !tokenRe.MatchString(token) {
		return nil, errors.New("telegram: TELEGRAM_BOT_TOKEN does not look like a bot token (want <digits>:<letters>, as @BotFather gives it)")
	}
	if h == nil || db.Client == nil {
		return nil, errors.New("telegram: a handler and a Redis are required")
	}
	botID, _, _ := strings.Cut(token, ":")
	a := &Adapter{
		token: token,
		h:     h,
		rdb:   db.Client,
		keys:  db.Keys.Telegram(botID),
		cfg: config{
			apiURL:       DefaultAPIURL,
			pollTimeout:  50 * time.Second,
			replyTimeout: 2 * time.Minute,
			typing:       4 * time.Second,
			floodLimit:   20,
			floodWindow:  time.Minute,
			dedupeTTL:    25 * time.Hour,
			heartbeat:    5 * time.Second,
			sweep:        5 * time.Second,
			workers:      256,
		},
		log:     slog.New(slog.DiscardHandler),
		now:     time.Now,
		sleep:   sleepCtx,
		blocked: map[int64]struct{}{},
		held:    map[int64]struct{}{},
	}
	for _, o := range opts {
		o(a)
	}
	if err := a.checkConfig(); err != nil {
		return nil, err
	}
	if strings.Contains(a.replica, "#") {
		return nil, fmt.Errorf("telegram: replica id %q may not contain '#'", a.replica)
	}
	if a.replica == "" {
		host, _ := os.Hostname()
		a.replica = strings.Trim(host+"-"+strings.ToLower(rand.Text()[:8]), "-")
	}
	if a.httpc == nil {
		a.httpc = &http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			MaxIdleConns:        512,
			MaxIdleConnsPerHost: 256, // replies to many chats at once reuse connections
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
			ForceAttemptHTTP2:   true,
		}}
	}
	api, err := tgbot.New(token,
		tgbot.WithSkipGetMe(),
		tgbot.WithServerURL(a.cfg.apiURL),
		tgbot.WithHTTPClient(a.cfg.pollTimeout, skipEcho{a.httpc}),
		tgbot.WithErrorsHandler(func(err error) {
			a.log.Warn("telegram: client error", "err", a.redact(err))
		}),
		tgbot.WithDefaultHandler(func(context.Context, *tgbot.Bot, *models.Update) {}),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	a.api = api
	a.disp = newDispatcher(a.cfg.workers, a.serveChat)
	a.workCtx, a.workStop = context.WithCancel(context.Background())
	a.connErr.Store(&errBox{errors.New("telegram: not started")})
	a.pollErr.Store(&errBox{})
	return a, nil
}

func (a *Adapter) checkConfig() error {
	c := &a.cfg
	u, err := url.Parse(c.apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("telegram: TELEGRAM_API_URL %q is not an http(s) URL", c.apiURL)
	}
	if c.webhookURL != "" {
		u, err := url.Parse(c.webhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("telegram: TELEGRAM_WEBHOOK_URL %q is not an absolute http(s) URL", c.webhookURL)
		}
		c.webhookPath = u.EscapedPath()
		if c.webhookPath == "" {
			c.webhookPath = "/"
		}
		if c.webhookSecret == "" {
			sum := sha256.Sum256([]byte("baton telegram webhook secret\x00" + a.token))
			c.webhookSecret = hex.EncodeToString(sum[:])
			c.derivedSecret = true
		} else if !secretRe.MatchString(c.webhookSecret) {
			return errors.New("telegram: TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (1-256 characters), as Telegram requires")
		}
	}
	switch {
	case c.pollTimeout < time.Second:
		return errors.New("telegram: the poll timeout must be at least 1s")
	case c.replyTimeout <= 0, c.typing <= 0, c.dedupeTTL < time.Minute, c.heartbeat <= 0, c.sweep <= 0:
		return errors.New("telegram: timeouts and intervals must be positive (dedupe TTL at least a minute)")
	case c.workers < 1:
		return errors.New("telegram: at least one worker is needed")
	}
	if c.floodLimit > 0 && c.floodWindow < time.Second {
		return errors.New("telegram: the flood window must be at least 1s")
	}
	return nil
}

// Webhook reports whether the adapter runs in webhook mode.
func (a *Adapter) Webhook() bool { return a.cfg.webhookURL != "" }

// Mount registers the webhook route (webhook mode only) on mux, at the
// path of TELEGRAM_WEBHOOK_URL.
func (a *Adapter) Mount(mux *http.ServeMux) {
	if !a.Webhook() {
		return
	}
	pattern := "POST " + a.cfg.webhookPath
	if a.cfg.webhookPath == "/" {
		pattern = "POST /{$}"
	}
	mux.HandleFunc(pattern, a.webhook)
}

// Start connects (getMe; setWebhook or deleteWebhook), takes up updates
// left unanswered by an earlier run, and starts polling (polling mode). A
// rejected token is an error; an unreachable Telegram is retried in the
// background while Ready reports it.
func (a *Adapter) Start(ctx context.Context) error {
	err := errors.New("telegram: already started")
	a.startOnce.Do(func() { err = a.start(ctx) })
	return err
}

func (a *Adapter) start(ctx context.Context) error {
	a.startedAt = a.now()
	a.loopsCtx, a.loopsStop = context.WithCancel(context.WithoutCancel(ctx))
	cerr := a.connect(ctx)
	if cerr != nil && fatal(cerr) {
		a.loopsStop()
		return cerr
	}

	var beatCtx context.Context
	beatCtx, a.beatStop = context.WithCancel(context.WithoutCancel(ctx))
	a.beatDone = make(chan struct{})
	go func() {
		defer close(a.beatDone)
		a.heartbeat(beatCtx)
	}()

	a.accepting.Store(true)
	n, err := a.sweep(ctx)
	if err != nil {
		a.m.Error("telegram_inbox")
		a.log.Error("telegram: could not read the inbox at start; retrying in the background", "err", err)
	} else if n > 0 {
		a.log.Info("telegram: answering updates left from before the restart", "count", n)
	}
	a.goLoop(a.sweepLoop)
	if cerr != nil {
		a.log.Warn("telegram: Telegram is not reachable yet; retrying", "err", cerr)
		a.goLoop(a.reconnect)
	} else if !a.Webhook() {
		a.goLoop(a.poll)
	}
	mode := "polling"
	if a.Webhook() {
		mode = "webhook"
	}
	a.log.Info("telegram: started", "mode", mode, "replica", a.replica, "bot", a.username(),
		"derived_webhook_secret", a.cfg.derivedSecret)
	return nil
}

func (a *Adapter) goLoop(f func(context.Context)) {
	a.loops.Add(1)
	go func() {
		defer a.loops.Done()
		f(a.loopsCtx)
	}()
}

// connect asks who the bot is and sets the delivery mode up.
func (a *Adapter) connect(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	me, err := a.api.GetMe(cctx)
	if err != nil {
		err = fmt.Errorf("telegram: getMe: %w", a.redact(err))
		a.connErr.Store(&errBox{err})
		return err
	}
	a.me.Store(me)
	if a.Webhook() {
		_, err = a.api.SetWebhook(cctx, &tgbot.SetWebhookParams{
			URL:            a.cfg.webhookURL,
			SecretToken:    a.cfg.webhookSecret,
			AllowedUpdates: allowedUpdates,
		})
		if err != nil {
			err = fmt.Errorf("telegram: setWebhook %s: %w", a.cfg.webhookURL, a.redact(err))
		}
	} else {
		// A webhook left from another deployment makes getUpdates fail
		// with 409; pending updates are kept.
		_, err = a.api.DeleteWebhook(cctx, &tgbot.DeleteWebhookParams{DropPendingUpdates: false})
		if err != nil {
			err = fmt.Errorf("telegram: deleteWebhook: %w", a.redact(err))
		}
	}
	if err != nil {
		a.connErr.Store(&errBox{err})
		return err
	}
	a.connErr.Store(&errBox{})
	return nil
}

// fatal tells configuration errors (a wrong token, a webhook URL Telegram
// refuses) from an outage.
func fatal(err error) bool {
	return errors.Is(err, tgbot.ErrorUnauthorized) || errors.Is(err, tgbot.ErrorNotFound) ||
		errors.Is(err, tgbot.ErrorBadRequest)
}

// reconnect retries connect until it works, then starts polling.
func (a *Adapter) reconnect(ctx context.Context) {
	wait := time.Second
	for {
		if sleepCtx(ctx, wait) != nil {
			return
		}
		err := a.connect(ctx)
		if err == nil {
			a.log.Info("telegram: connected", "bot", a.username())
			if !a.Webhook() {
				a.poll(ctx)
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		a.m.Error("telegram_connect")
		a.log.Warn("telegram: still cannot reach Telegram", "err", err, "next_try", wait.String())
		wait = min(2*wait, 30*time.Second)
	}
}

func (a *Adapter) username() string {
	if me := a.me.Load(); me != nil {
		return me.Username
	}
	return ""
}

// Ready reports whether the adapter is connected: getMe and the webhook
// setup worked, and (polling) the last getUpdates did.
func (a *Adapter) Ready(ctx context.Context) error {
	if !a.accepting.Load() {
		return errors.New("telegram: not accepting updates (not started, or shutting down)")
	}
	if b := a.connErr.Load(); b != nil && b.err != nil {
		return b.err
	}
	if b := a.pollErr.Load(); b != nil && b.err != nil && !a.Webhook() {
		return b.err
	}
	return nil
}

// Shutdown stops taking updates (polling stops, the webhook answers 503 so
// Telegram retries elsewhere or later), finishes what is queued until ctx
// ends, then gives unanswered updates back to the inbox for the next start.
// It does not delete the webhook: other replicas may still serve it.
func (a *Adapter) Shutdown(ctx context.Context) error {
	a.stopOnce.Do(func() { a.stopErr = a.shutdown(ctx) })
	return a.stopErr
}

func (a *Adapter) shutdown(ctx context.Context) error {
	a.accepting.Store(false)
	a.intakeMu.Lock()   // wait for intakes in flight: their updates are queued or refused
	a.intakeMu.Unlock() //nolint:staticcheck // an empty critical section is the point
	if a.loopsStop != nil {
		a.loopsStop()
	}
	a.loops.Wait()
	a.disp.close()
	if a.onStop != nil {
		a.onStop()
	}

	var errs []error
	if err := a.disp.wait(ctx); err != nil {
		// Out of time: stop after the current replies, cancel the slow ones.
		a.disp.stop()
		a.workStop()
		hard, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if a.disp.wait(hard) != nil {
			errs = append(errs, errors.New("telegram: some handlers did not return after cancellation"))
		}
		cancel()
		errs = append(errs, fmt.Errorf("telegram: shutdown deadline reached before every queued update was answered: %w", err))
	}
	a.workStop()
	a.tellMu.Lock()
	a.tellClosed = true
	a.tellMu.Unlock()
	a.telling.Wait() // bounded: each call has callTimeout

	if a.beatStop != nil {
		a.beatStop()
		<-a.beatDone
	}
	return errors.Join(errs...)
}

// serveChat answers the chat's queue, oldest first, while this replica
// holds the chat's lease; it returns when the queue is empty (the lease
// let go with it), another replica has the chat, or the dispatcher stops.
// first, when not nil, is the chat's oldest update, its lease taken when
// the update was accepted.
func (a *Adapter) serveChat(chat int64, first *entry) {
	ctx := a.workCtx
	var (
		e        entry
		held, ok bool
		err      error
		fencedID int64 // the update last dropped for a lost lease
	)
	if first != nil {
		e, held, ok = *first, true, true
	} else {
		e, held, ok, err = a.acquire(ctx, chat, a.disp.wantAhead(chat), 0)
	}
	for {
		if err != nil {
			if ctx.Err() == nil {
				a.m.Error("telegram_inbox")
				a.log.Warn("telegram: chat queue unavailable; the next sweep retries", "chat", logChat(chat), "err", err)
			}
			return
		}
		if !held || !ok {
			return
		}
		if a.disp.stopping() {
			a.release(ctx, chat, e.token)
			return
		}
		a.disp.taken(chat, e.id)
		j, derr := a.jobOf(chat, e)
		var f *session.Fence // the turn's, with the timers its save held back
		if derr == nil {
			a.disp.sem <- struct{}{}
			var done outcome
			done, f = a.process(j)
			<-a.disp.sem
			switch done {
			case cutShort:
				// Cut short by a hard shutdown: it stays queued for
				// whoever takes the chat next.
				a.release(ctx, chat, e.token)
				return
			case fenced:
				// This replica stalled past the chat's lease and lost it,
				// or its save was refused by a later version: nothing of
				// the turn went out, and the update stays queued. Whoever
				// holds the chat now answers it; when nobody took it
				// over, this replica takes it again (a new lease, above
				// the version that refused the save) and answers it
				// itself, from the turn saved.
				a.m.Dropped(Channel, "lease_lost")
				a.logFenced(chat, e, f)
				if e.id == fencedID {
					// Dropped again under a lease taken for it a moment
					// ago, above any fence the first drop reported. No
					// loop on it: the lease goes, and a later sweep tries
					// again.
					a.m.Error("telegram_inbox")
					why := "the chat changed hands again"
					if f.LeaseLost() && f.Newer() == 0 {
						why = "the lease just taken was not found held at the save: is the handler's session store on another Redis than the adapter's?"
					}
					a.log.Error("telegram: a turn was fenced off twice in a row; leaving the chat for a later sweep",
						"chat", logChat(chat), "update_id", e.id, "why", why)
					a.release(ctx, chat, e.token)
					return
				}
				fencedID = e.id
				e, held, ok, err = a.acquire(ctx, chat, false, f.Newer())
				continue
			case handedOver:
				// A stall after the turn's check: another replica has
				// the chat now, and replays the turn; the replies not
				// sent yet are left to it (sending them too would
				// interleave with its own). The chat goes on here only
				// if it is free again.
				a.m.Dropped(Channel, "lease_lost")
				a.log.Info("telegram: lost the chat's lease between replies; the rest is left to the chat's holder",
					"chat", logChat(chat), "update_id", e.id)
				e, held, ok, err = a.acquire(ctx, chat, false, 0)
				continue
			}
		} else {
			a.log.Error("telegram: dropping an unreadable inbox entry", "update_id", e.id, "err", derr)
		}
		id := e.id
		e, held, ok, err = a.complete(ctx, chat, e, a.disp.wantAhead(chat), f)
		if err != nil {
			a.log.Error("telegram: could not mark an update answered; it may be answered again", "update_id", id, "chat", logChat(chat))
		} else if !held {
			// The lease was lost after the replies went out (a stall
			// longer than the lease between the save and this mark) and
			// another replica took the chat over: see process.
			a.log.Info("telegram: lost the chat's lease after answering; the chat's holder goes on with it",
				"chat", logChat(chat), "update_id", id)
		}
		if a.onDone != nil {
			a.onDone(j.id)
		}
	}
}

// jobOf decodes a queued update.
func (a *Adapter) jobOf(chat int64, e entry) (job, error) {
	upd, _, err := decodeUpdate([]byte(e.raw))
	if err != nil {
		return job{id: e.id, chat: chat}, err
	}
	j := job{id: e.id, chat: chat, upd: upd, count: e.count, got: a.now(), recovered: true, read: e.read, token: e.token}
	if got, ok := a.gotAt.LoadAndDelete(e.id); ok {
		j.got, j.recovered = got.(time.Time), false
	}
	return j, nil
}

// What process did with an update.
type outcome int

const (
	answered   outcome = iota // done (replies sent, or none due): mark it answered
	cutShort                  // a hard shutdown cut it short: it stays queued
	fenced                    // the chat's lease was lost mid-turn: nothing sent, it stays queued for the holder
	handedOver                // the lease was found lost between replies: the rest is left to the holder
)

// process does one update: typing, the core's answer and the replies.
//
// Fencing. The turn runs under the chat's lease (j.token), and the lease
// is checked before anything is sent: by the session save of the turn
// (a Renew of the lease in the save's own round trip, and the save
// fenced by the lease's version: bot/session's Fence), or, for a handler
// that saved nothing under it, by a Renew of the lease here. Lost, the
// turn is dropped unsent (fenced): the replica that took the chat over
// answers the message, or this one takes it again when nobody did. A
// check renews the lease for a whole TTL, so it cannot have expired
// within TTL/3 of one; a reply sent later than that (a slow turn after
// its save, sendMessage retries) is preceded by another check (ChatHold,
// a round trip only then), and when it finds the chat another replica's,
// the rest of the replies are left to it (handedOver).
//
// The window that remains: Telegram's sendMessage cannot be made
// conditional on Redis, so a check comes before a send, never with it;
// and the update is marked answered (ChatAnswered) after the last send.
// A replica that stalls longer than the lease TTL (three heartbeats, 15 s
// by default) after a check, with another replica's sweep taking the chat
// over inside the stall, can still
//   - send a reply late, after the new holder replayed the saved turn's
//     replies: a duplicate, and out of order when the new holder has
//     answered a later message meanwhile; or
//   - have sent everything and then find the update not its own to mark
//     answered: the new holder replays the turn, a duplicate. (The turn's
//     timers, held back by its save and armed with that mark, are armed
//     then too: the same as the replay arms, as the turn stands.)
//
// Neither can be narrowed further without a round trip before every
// reply, and even that would leave the gap between the check and
// Telegram receiving the request: a send cannot be made conditional. A
// stall before a reply is already caught (a check older than TTL/3 is
// made again before the reply), so what is left is a stall inside the
// send itself, or between the last send and the mark.
//
// Never a loss. Everything else a stalled holder does is fenced in Redis:
// its session save (the version), and marking the update answered.
func (a *Adapter) process(j job) (outcome, *session.Fence) {
	ctx, cancel := context.WithTimeout(a.workCtx, a.cfg.replyTimeout)
	defer cancel()
	var fence *session.Fence
	if j.token != "" {
		fence = &session.Fence{Conv: bot.ConvID(Channel, strconv.FormatInt(j.chat, 10)), Key: a.keys.ChatLease(j.chat),
			Token: j.token, Version: leaseVersion(j.token), TTL: a.leaseTTL(), Now: a.now}
		ctx = session.WithFence(ctx, fence)
	}
	ev, act := classify(j.upd, a.me.Load())
	// The update's id goes with it: whoever answers it again (after a
	// stop before it was marked answered) gets the replies of the saved
	// turn instead of a second turn (bot.Event.ID).
	ev.ID = strconv.FormatInt(j.id, 10)
	ev.Read = j.read
	if cq := j.upd.CallbackQuery; cq != nil {
		a.pressed(ctx, j.chat, cq)
	}
	switch act {
	case actIgnore:
		a.m.Dropped(Channel, "ignored")
		return answered, fence
	case actBlocked:
		a.markBlocked(ctx, j.chat)
		return answered, fence
	case actUnblocked:
		a.unmarkBlocked(j.chat)
		return answered, fence
	}
	if limit := int64(a.cfg.floodLimit); limit > 0 && j.count > limit {
		if j.count > limit+1 {
			a.m.Dropped(Channel, "flood")
			return answered, fence
		}
		a.log.Info("telegram: flood limit reached; dropping this chat's messages for the rest of the window",
			"chat", logChat(j.chat), "limit", limit, "window", a.cfg.floodWindow.String())
		ev.Kind, ev.Text = bot.KindFlood, ""
	}
	a.unmarkBlocked(j.chat) // they wrote to us, so they can hear us
	// Masking runs regular expressions: only when the line is logged.
	if a.log.Enabled(ctx, slog.LevelDebug) {
		a.log.Debug("telegram: update", "update_id", j.id, "conv", logmask.Conv(ev.ConvID()), "kind", ev.Kind,
			"text", logmask.Mask(ev.Text), "recovered", j.recovered)
	}

	t := a.startTyping(ctx, j.chat)
	msgs, err := a.handle(ctx, ev)
	// cut: a hard shutdown interrupted this update; it stays in the inbox
	// (released for the next start) rather than being marked answered.
	cut := a.workCtx.Err() != nil
	if !cut && !a.stillHeld(ctx, j.chat, fence, err) {
		t.stop()
		return fenced, fence
	}
	if err != nil && !cut {
		a.m.Error("telegram_handler")
		a.log.Error("telegram: the core failed on a message", "conv", logmask.Conv(ev.ConvID()), "update_id", j.id,
			"replies", len(msgs), "err", err)
	}
	first := true
	for _, m := range msgs {
		if cut {
			break
		}
		t.waitFirst(ctx)
		if !a.heldForSend(ctx, j, fence) {
			t.stop()
			return handedOver, fence
		}
		err := a.deliver(ctx, j.chat, m)
		if errors.Is(err, ErrBlocked) {
			// Blocked cancels the conversation's idle timer: the one the
			// turn held back (armed with the mark-answered) must not
			// bring it back.
			fence.ForgetTimers()
			a.markBlocked(ctx, j.chat)
			break
		}
		if err == nil && first {
			a.m.ReplyLatency(Channel, a.now().Sub(j.got))
			first = false
		}
		if err != nil && ctx.Err() != nil {
			cut = a.workCtx.Err() != nil
			break
		}
	}
	t.stop()
	if cut {
		return cutShort, fence
	}
	return answered, fence
}

// stillHeld reports whether the turn may send its replies: the chat's
// lease is still its own (process). The turn's session save checked it
// already, unless the handler saved nothing under it; then it is checked
// here (checkLease).
func (a *Adapter) stillHeld(ctx context.Context, chat int64, f *session.Fence, err error) bool {
	if f == nil {
		return true
	}
	if f.Lost() || errors.Is(err, session.ErrFenced) {
		return false
	}
	if f.Checked() {
		return true
	}
	return a.checkLease(ctx, chat, f, store.Renew, []string{f.Key}, f.Token, f.TTL.Milliseconds())
}

// heldForSend reports whether the next reply may go out: the chat is
// still the turn's. Within TTL/3 of the last check that found the lease
// held it cannot have expired (the check renewed it for a whole TTL):
// no round trip, the normal case. Later, the lease is checked again
// (ChatHold: as ChatAnswered would find it; checkLease).
func (a *Adapter) heldForSend(ctx context.Context, j job, f *session.Fence) bool {
	if f == nil {
		return true
	}
	if at := f.HeldAt(); !at.IsZero() && a.now().Sub(at) <= f.TTL/3 {
		return true
	}
	return a.checkLease(ctx, j.chat, f, store.ChatHold, []string{f.Key, a.keys.Update(j.id)},
		f.Token, f.TTL.Milliseconds(), a.tokenPrefix())
}

// checkLease runs a lease check (script s answers 1 when the chat is
// still the turn's) in a round trip of its own and records what it found
// on f. A check that cannot reach Redis lets the reply go (at least once):
// holding it back would leave the customer without an answer for as long
// as Redis fails.
func (a *Adapter) checkLease(ctx context.Context, chat int64, f *session.Fence, s *redis.Script, keys []string, args ...any) bool {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), redisTimeout)
	defer cancel()
	n, err := s.Run(rctx, a.rdb, keys, args...).Int64()
	if err != nil {
		a.m.Error("telegram_inbox")
		a.log.Warn("telegram: could not check the chat's lease before a reply; replying anyway (at least once)",
			"chat", logChat(chat), "err", err)
		return true
	}
	f.Observe(n == 1)
	return n == 1
}

// logFenced logs a turn dropped unsent for its fence (serveChat). A
// refused save while the lease was still held is the version counter
// behind the conversation's fence (its key lost or reset, an older shard
// snapshot, a new bot id on the same conversations): the retake raises
// it, once per chat, and says so.
func (a *Adapter) logFenced(chat int64, e entry, f *session.Fence) {
	if f.Newer() > 0 && !f.LeaseLost() {
		a.log.Warn("telegram: the lease version counter is behind the chat's conversation fence (counter lost or reset?); taking the chat again above it",
			"chat", logChat(chat), "update_id", e.id, "version", leaseVersion(e.token), "fence", f.Newer())
		return
	}
	a.log.Info("telegram: lost the chat's lease mid-turn; its replies are dropped unsent, for the chat's holder to answer",
		"chat", logChat(chat), "update_id", e.id)
}

// handle calls the core. A panic there is logged and the update counted
// as answered: a message that crashes the core would otherwise crash every
// restart that takes it up again.
func (a *Adapter) handle(ctx context.Context, ev bot.Event) (msgs []bot.Message, err error) {
	defer func() {
		if p := recover(); p != nil {
			a.m.Error("telegram_handler_panic")
			a.log.Error("telegram: the core panicked on a message; it is dropped", "conv", logmask.Conv(ev.ConvID()),
				"kind", ev.Kind, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			msgs, err = nil, nil
		}
	}()
	return a.h.Handle(ctx, ev)
}

// pressed answers a button press (stopping the client's spinner) and takes
// the keyboard off the message, so a rating cannot be given twice.
func (a *Adapter) pressed(ctx context.Context, chat int64, cq *models.CallbackQuery) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if _, err := a.api.AnswerCallbackQuery(cctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID}); err != nil {
		a.log.Debug("telegram: answerCallbackQuery failed (the press may be too old)", "chat", logChat(chat), "err", err)
	}
	if m := cq.Message.Message; m != nil {
		_, err := a.api.EditMessageReplyMarkup(cctx, &tgbot.EditMessageReplyMarkupParams{
			ChatID: chat, MessageID: m.ID, ReplyMarkup: inlineKeyboard{InlineKeyboard: [][]inlineButton{}},
		})
		if err != nil {
			a.log.Debug("telegram: could not remove the pressed keyboard", "chat", logChat(chat), "err", err)
		}
	}
}

func (a *Adapter) isBlocked(chat int64) bool {
	a.blockedMu.Lock()
	defer a.blockedMu.Unlock()
	_, ok := a.blocked[chat]
	return ok
}

// markBlocked stops sending to chat and tells the core.
func (a *Adapter) markBlocked(ctx context.Context, chat int64) {
	if a.rememberBlocked(chat) {
		a.tellBlocked(ctx, chat)
	}
}

// rememberBlocked stops sending to chat; true the first time.
func (a *Adapter) rememberBlocked(chat int64) bool {
	a.blockedMu.Lock()
	defer a.blockedMu.Unlock()
	if _, already := a.blocked[chat]; already {
		return false
	}
	a.blocked[chat] = struct{}{}
	return true
}

// tellBlocked tells the core that chat's customer blocked the bot.
func (a *Adapter) tellBlocked(ctx context.Context, chat int64) {
	conv := bot.ConvID(Channel, strconv.FormatInt(chat, 10))
	a.log.Info("telegram: the customer blocked the bot; not sending to them until they write again", "conv", logmask.Conv(conv))
	if b, ok := a.h.(Blocker); ok {
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
		defer cancel()
		if err := b.Blocked(bctx, conv); err != nil {
			a.m.Error("telegram_handler")
			a.log.Error("telegram: could not mark the conversation blocked", "conv", logmask.Conv(conv), "err", err)
		}
	}
}

func (a *Adapter) unmarkBlocked(chat int64) {
	a.blockedMu.Lock()
	delete(a.blocked, chat)
	a.blockedMu.Unlock()
}
