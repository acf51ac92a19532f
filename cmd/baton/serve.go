package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/adapters/ops"
	"github.com/batonhq/baton/adapters/slack"
	"github.com/batonhq/baton/adapters/telegram"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/metrics"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/stats"
	"github.com/batonhq/baton/bot/store"
)

// Environment of `baton serve` (the adapters read their own as well; see
// README.md).
const (
	envAddr            = "BATON_ADDR"             // listen address, default :8080
	envLogLevel        = "BATON_LOG_LEVEL"        // debug, info (default), warn, error
	envShutdownTimeout = "BATON_SHUTDOWN_TIMEOUT" // how long SIGTERM waits for replies in flight, default 25s
	envRedisPrefix     = "BATON_REDIS_PREFIX"     // key prefix in Redis, default "baton:"
	envTelegramToken   = "TELEGRAM_BOT_TOKEN"     // enables Telegram
	envTelegramAPI     = "TELEGRAM_API_URL"       // self-hosted Bot API server
	envTelegramHook    = "TELEGRAM_WEBHOOK_URL"   // webhook instead of long polling
	envTelegramSecret  = "TELEGRAM_WEBHOOK_SECRET"
	envTelegramFlood   = "TELEGRAM_FLOOD_LIMIT"  // messages a chat may send per minute, default 20, 0 = no limit
	envHeartbeat       = "BATON_HEARTBEAT"       // how often a replica renews its chat leases, default 5s
	envStatsRetention  = "BATON_STATS_RETENTION" // how long daily statistics are kept, default 90d
	envOpsToken        = "BATON_OPS_TOKEN"       // enables the ops page at /ops; the token it asks for
	envSessionFormat   = "BATON_SESSION_FORMAT"  // binary (default) or json: the form sessions are saved in (README, Session store)
)

// activeWindow is what "active conversation" means for the gauge.
const activeWindow = 30 * time.Minute

// timerEvery is how often idle check-ins and reminders are looked for.
const timerEvery = 5 * time.Second

// runServe is `baton serve`: every configured adapter plus one HTTP server
// with /healthz, /readyz, /metrics and the adapters' webhooks. SIGTERM stops
// intake, lets replies in flight finish (up to BATON_SHUTDOWN_TIMEOUT),
// leaves anything unanswered in Redis for the next start, and exits 0.
func runServe(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "", "listen address (default $"+envAddr+" or :8080)")
	ephemeral := fl.Bool("ephemeral", false, "without REDIS_URL, keep conversations in an in-memory Redis (lost on restart; one replica only)")
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "baton serve: unexpected argument %q; configuration comes from the environment\n", fl.Arg(0))
		return 2
	}
	cfg, err := serveConfigFrom(env, *addr, *ephemeral)
	if err == nil {
		err = checkEnv(env)
	}
	if err != nil {
		fmt.Fprintf(stderr, "baton serve: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.level}))
	redis.SetLogger(redisLog{log})
	// Before anything logs a conversation. The variable is named, never
	// its value.
	switch from := setLogKey(env); from {
	case envLogKey, envTelegramToken:
		log.Info("conversation ids in logs are pseudonyms (baton logid)", "key_from", from)
	default:
		// A process without the Telegram token (a desk-only one) would
		// log pseudonyms the customer-facing replicas and `baton logid`
		// do not: ops could not follow a conversation across them.
		log.Warn("conversation ids in logs are pseudonyms that other replicas may not share: set BATON_LOG_KEY on every process",
			"key_from", cmp.Or(from, "random, this process only"))
	}

	s, err := newServer(ctx, cfg, env, log, stderr)
	if err != nil {
		log.Error("baton serve: cannot start", "err", err)
		return 1
	}
	if err := s.run(ctx); err != nil {
		log.Error("baton serve: stopped with an error", "err", err)
		return 1
	}
	return 0
}

type serveConfig struct {
	addr      string
	level     slog.Level
	shutdown  time.Duration
	prefix    string
	redisURL  string
	ephemeral bool // in-memory Redis: allowed only when asked for
}

func serveConfigFrom(env func(string) string, addr string, ephemeral bool) (serveConfig, error) {
	cfg := serveConfig{addr: addr, prefix: store.DefaultPrefix, redisURL: strings.TrimSpace(env("REDIS_URL")), ephemeral: ephemeral}
	if cfg.redisURL == "" && !ephemeral {
		return cfg, store.ErrNoURL
	}
	if cfg.redisURL != "" && ephemeral {
		return cfg, errors.New("--ephemeral and REDIS_URL both given: drop one (--ephemeral keeps conversations in memory)")
	}
	if cfg.addr == "" {
		cfg.addr = strings.TrimSpace(env(envAddr))
	}
	if cfg.addr == "" {
		cfg.addr = ":8080"
	}
	if _, _, err := net.SplitHostPort(cfg.addr); err != nil {
		return cfg, fmt.Errorf("%s=%q: want host:port such as :8080", envAddr, cfg.addr)
	}
	switch lv := strings.ToLower(strings.TrimSpace(env(envLogLevel))); lv {
	case "", "info":
		cfg.level = slog.LevelInfo
	case "debug":
		cfg.level = slog.LevelDebug
	case "warn", "warning":
		cfg.level = slog.LevelWarn
	case "error":
		cfg.level = slog.LevelError
	default:
		return cfg, fmt.Errorf("%s=%q: want debug, info, warn or error", envLogLevel, lv)
	}
	d, err := durationEnv(env, envShutdownTimeout, 25*time.Second)
	if err != nil {
		return cfg, err
	}
	cfg.shutdown = d
	if p, ok := lookup(env, envRedisPrefix); ok {
		cfg.prefix = p
	}
	if _, err := store.NewKeys(cfg.prefix); err != nil {
		return cfg, fmt.Errorf("%s=%q: %w", envRedisPrefix, cfg.prefix, err)
	}
	return cfg, nil
}

func lookup(env func(string) string, name string) (string, bool) {
	v := strings.TrimSpace(env(name))
	return v, v != ""
}

// server is one `baton serve` process.
type server struct {
	cfg     serveConfig
	log     *slog.Logger
	metrics *metrics.Metrics
	db      store.DB
	store   *session.Store
	stats   *stats.Recorder
	core    *bot.Bot
	brains  *brains
	tg      *telegram.Adapter // nil when Telegram is off
	desk    *slack.Desk       // nil when Slack is off
	mux     *http.ServeMux
	http    *http.Server
	ln      net.Listener

	closeRedis func()
	onShutdown []func() // before the HTTP server shuts down (long-lived streams)
	stopping   atomic.Bool
}

// newServer builds everything from the environment. Nothing is left
// running when it fails.
func newServer(ctx context.Context, cfg serveConfig, env func(string) string, log *slog.Logger, stderr io.Writer) (_ *server, err error) {
	s := &server{cfg: cfg, log: log, metrics: metrics.New(), mux: http.NewServeMux()}
	defer func() {
		if err != nil && s.brains != nil {
			s.brains.close()
		}
		if err != nil && s.closeRedis != nil {
			s.closeRedis()
		}
	}()

	rdb, closeRedis, err := openRedis(ctx, cfg.redisURL, cfg.ephemeral, stderr)
	if err != nil {
		return nil, err
	}
	s.closeRedis = closeRedis
	if s.db, err = store.New(rdb, cfg.prefix); err != nil {
		return nil, err
	}
	format, err := session.ParseFormat(env(envSessionFormat))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envSessionFormat, err)
	}
	sessOpts := []session.Option{session.WithFormat(format)}
	if _, ok := lookup(env, envHeartbeat); ok {
		// A dead replica's conversation locks free as fast as its chats.
		beat, err := durationEnv(env, envHeartbeat, 5*time.Second)
		if err != nil {
			return nil, err
		}
		sessOpts = append(sessOpts, session.WithLockTTL(3*beat))
	}
	s.store = session.New(s.db, sessOpts...)
	if err := s.metrics.WatchActive(func(ctx context.Context) (int64, error) {
		return s.store.Active(ctx, activeWindow)
	}); err != nil {
		return nil, err
	}

	s.brains, err = newBrains(ctx, env, s.db, s.metrics.Registry(), log, nil)
	if err != nil {
		return nil, err
	}
	holder := s.brains.holder
	deskOpts := []slack.Option{slack.WithLogger(log.With("adapter", "slack")), slack.WithRegisterer(s.metrics.Registry()),
		slack.WithTeams(func() slack.Teams { return holder.Current().Routing })}
	if s.brains.llm != nil {
		// The card is posted at once; the summary follows when the model answers.
		deskOpts = append(deskOpts, slack.WithSummarizer(s.brains.llm, 30*time.Second))
	}
	s.desk, err = slack.FromEnv(env, s.db, s.store, nil, deskOpts...)
	if err != nil {
		return nil, err
	}
	retention, err := daysEnv(env, envStatsRetention, stats.DefaultRetention)
	if err != nil {
		return nil, err
	}
	s.stats = stats.New(s.db, stats.WithRetention(retention), stats.WithLogger(log.With("part", "stats")))
	opts := []bot.Option{bot.WithObserver(s.metrics), bot.WithObservers(workObservers(s.metrics, s.stats)...)}
	if s.desk != nil {
		opts = append(opts, bot.WithDesk(s.desk))
	}
	s.core, err = newCore(env, s.store, s.brains, log.With("part", "core"), opts...)
	if err != nil {
		return nil, err
	}
	if s.desk != nil {
		s.desk.SetCore(s.core)
		s.mount(s.desk.Routes())
	}

	if token, ok := lookup(env, envTelegramToken); ok {
		s.tg, err = newTelegram(token, env, s.core, s.db, log.With("adapter", "telegram"), s.metrics)
		if err != nil {
			return nil, err
		}
		s.tg.Mount(s.mux)
		s.core.Register(telegram.Channel, s.tg)
	}
	if s.tg == nil && s.desk == nil {
		log.Warn("no channel configured: set " + envTelegramToken + " (and SLACK_BOT_TOKEN for the agent desk); serving health and metrics only")
	}

	if token, ok := lookup(env, envOpsToken); ok {
		page, err := ops.New(ops.Config{Token: token, Stats: s.stats, Sessions: s.store, Knowledge: s.brains,
			Log: log.With("adapter", "ops")})
		if err != nil {
			return nil, err
		}
		page.Mount(s.mux)
		s.onShutdown = append(s.onShutdown, page.Close)
		log.Info("ops page at /ops")
	}

	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.metrics.Handler())
	s.http = &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	s.ln, err = net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("%s=%s: %w", envAddr, cfg.addr, err)
	}
	return s, nil
}

// workObservers are the core's lifecycle observers: the statistics in
// Redis, and the per-process metrics after them, counting a piece of work
// only when the statistics count it (a customer's turn met again after a
// take-over counts once in both: stats.Recorder.Then).
func workObservers(m *metrics.Metrics, rec *stats.Recorder) []lifecycle.Observer {
	return []lifecycle.Observer{rec.Then(m)}
}

// newTelegram builds the Telegram adapter from TELEGRAM_*.
func newTelegram(token string, env func(string) string, core telegram.Handler, db store.DB, log *slog.Logger, m *metrics.Metrics) (*telegram.Adapter, error) {
	opts := []telegram.Option{telegram.WithLogger(log), telegram.WithMetrics(m)}
	if u, ok := lookup(env, envTelegramAPI); ok {
		opts = append(opts, telegram.WithAPIURL(u))
	}
	if u, ok := lookup(env, envTelegramHook); ok {
		opts = append(opts, telegram.WithWebhook(u, strings.TrimSpace(env(envTelegramSecret))))
	} else if _, ok := lookup(env, envTelegramSecret); ok {
		log.Warn(envTelegramSecret + " is set but " + envTelegramHook + " is not: long polling needs no secret")
	}
	if _, ok := lookup(env, envHeartbeat); ok {
		beat, err := durationEnv(env, envHeartbeat, 5*time.Second)
		if err != nil {
			return nil, err
		}
		// Sweeps as often as beats: a dead replica's chats are taken over
		// about three beats after it died.
		opts = append(opts, telegram.WithHeartbeat(beat, beat))
	}
	if v, ok := lookup(env, envTelegramFlood); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%s=%q: want a number of messages per minute (0 = no limit)", envTelegramFlood, v)
		}
		opts = append(opts, telegram.WithFloodLimit(n, time.Minute))
	}
	return telegram.New(token, core, db, opts...)
}

// mount adds an adapter's routes (path -> handler) to the server.
func (s *server) mount(routes map[string]http.Handler) {
	for path, h := range routes {
		s.mux.Handle(path, h)
	}
}

// run serves until ctx ends, then shuts down in order: stop intake, drain
// the adapters, stop background work, close the HTTP server and Redis.
func (s *server) run(ctx context.Context) error {
	// Background work runs on its own context so it outlives the signal
	// long enough for the drain.
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBG()
	var wg sync.WaitGroup
	serveErr := make(chan error, 1)
	go func() {
		if err := s.http.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr <- err
		}
		close(serveErr)
	}()
	s.log.Info("baton serve: listening", "addr", s.ln.Addr().String(),
		"telegram", s.tg != nil, "slack", s.desk != nil)

	if s.tg != nil {
		if err := s.tg.Start(ctx); err != nil {
			s.stopHTTP()
			s.closeRedis()
			return err
		}
	}
	if s.desk != nil {
		wg.Go(func() {
			if err := s.desk.Run(bg); err != nil {
				s.log.Error("slack desk stopped", "err", err)
			}
		})
	}
	wg.Go(func() { s.core.RunTimers(bg, timerEvery) })

	var runErr error
	select {
	case <-ctx.Done():
		s.log.Info("baton serve: stopping; finishing replies in flight", "deadline", s.cfg.shutdown.String())
	case err := <-serveErr:
		runErr = fmt.Errorf("http server: %w", err)
	}
	s.stopping.Store(true) // /readyz says 503 from now on

	drain, cancel := context.WithTimeout(context.Background(), s.cfg.shutdown)
	defer cancel()
	if s.tg != nil {
		if err := s.tg.Shutdown(drain); err != nil {
			// Unanswered updates are safe in Redis; the next start takes them.
			s.log.Warn("telegram: shutdown incomplete", "err", err)
		}
	}
	stopBG()
	wg.Wait()
	if s.desk != nil {
		s.desk.Close()
	}
	s.brains.close()
	s.stopHTTP()
	s.closeRedis()
	s.log.Info("baton serve: stopped")
	return runErr
}

func (s *server) stopHTTP() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, f := range s.onShutdown {
		f()
	}
	if err := s.http.Shutdown(ctx); err != nil {
		s.log.Warn("http server shutdown", "err", err)
	}
}

// healthz says the process is up.
func (s *server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether this replica should get traffic: Redis answers, the
// adapters are connected, and it is not shutting down.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{}
	ok := true
	check := func(name string, err error) {
		if err != nil {
			ok = false
			checks[name] = err.Error()
			return
		}
		checks[name] = "ok"
	}
	if s.stopping.Load() {
		check("serve", errors.New("shutting down"))
	}
	check("redis", s.store.Ping(ctx))
	if s.tg != nil {
		check("telegram", s.tg.Ready(ctx))
	}
	if s.brains.sem != nil {
		// Not ready until the knowledge vectors are built, for at most
		// BATON_SEMANTIC_READY_WAIT; answers are lexical meanwhile.
		check("knowledge_vectors", s.brains.sem.Ready())
	}
	status, code := "ok", http.StatusOK
	if !ok {
		status, code = "unavailable", http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]any{"status": status, "checks": checks})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// openRedis connects to url, or with ephemeral starts a Redis in memory
// (saying so on stderr). close releases it.
func openRedis(ctx context.Context, url string, ephemeral bool, stderr io.Writer) (redis.UniversalClient, func(), error) {
	if ephemeral {
		return store.Ephemeral(stderr)
	}
	rdb, err := store.Open(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	return rdb, func() { _ = rdb.Close() }, nil
}

// quietRedis drops go-redis's own messages (a failed dial's, retried) in
// the one-shot commands: the error they return names the address and the
// cause, once.
func quietRedis() { redis.SetLogger(redisLog{slog.New(slog.DiscardHandler)}) }

// redisLog sends go-redis's own messages (reconnects, pool trouble) to the
// structured log instead of bare lines on stderr.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

// The metrics package is the core's Observer.
var _ bot.Observer = (*metrics.Metrics)(nil)
