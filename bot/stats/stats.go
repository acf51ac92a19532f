// Package stats keeps the numbers team leads look at, in Redis, as an
// observer of the conversation and handoff events (bot/lifecycle):
// conversations, containment, handoffs by reason, time to the first agent
// reply, resolution time, CSAT, complaint share, transfers, per agent, per
// language and per team; the queue now; and the messages the bot could not
// answer, for the knowledge gaps.
//
// Counters go into one hash per UTC day, so a report over 30 days reads 30
// hashes whatever the number of conversations, and old days expire after
// the retention. Nothing scans keys.
package stats

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/store"
)

// DefaultRetention is how long daily numbers and gap samples are kept.
const DefaultRetention = 90 * 24 * time.Hour

// Caps on what a day keeps for the knowledge gaps.
const (
	maxMissesPerDay = 2000
	maxPicksPerDay  = 1000
	maxSampleRunes  = 200
)

// Histogram bounds (seconds) for the time to the first agent reply.
var ReplyBuckets = []float64{30, 60, 120, 300, 600, 1800, 3600, 14400, 86400}

// Recorder writes and reads the statistics. It implements
// lifecycle.Observer. Safe for concurrent use.
type Recorder struct {
	rdb       redis.UniversalClient
	keys      store.Keys
	retention time.Duration
	log       *slog.Logger
	now       func() time.Time
}

// Option configures a Recorder.
type Option func(*Recorder)

// WithRetention sets how long numbers are kept (default 90 days).
func WithRetention(d time.Duration) Option {
	return func(r *Recorder) {
		if d > 0 {
			r.retention = d
		}
	}
}

// WithLogger sets the logger for write failures.
func WithLogger(l *slog.Logger) Option { return func(r *Recorder) { r.log = l } }

// WithClock replaces time.Now (tests, benchmarks).
func WithClock(now func() time.Time) Option { return func(r *Recorder) { r.now = now } }

// New returns a Recorder on db (its keys are named in bot/store).
func New(db store.DB, opts ...Option) *Recorder {
	r := &Recorder{rdb: db.Client, keys: db.Keys, retention: DefaultRetention, log: slog.New(slog.DiscardHandler), now: time.Now}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Retention is how long numbers are kept.
func (r *Recorder) Retention() time.Duration { return r.retention }

// field names a counter in a day hash: "metric" for everyone, or
// "metric|dim=value" for one agent, language or team.
func field(metric, dim, value string) string {
	if dim == "" {
		return metric
	}
	return metric + "|" + dim + "=" + value
}

// scope is one slice the numbers are kept for.
type scope struct{ dim, value string }

type write struct {
	r    *Recorder
	ctx  context.Context
	pipe redis.Pipeliner
	day  string
	dims []scope
}

func (w *write) add(metric string, n float64) {
	k := w.r.dayKey(w.day)
	for _, d := range w.dims {
		f := field(metric, d.dim, d.value)
		if n == float64(int64(n)) {
			w.pipe.HIncrBy(w.ctx, k, f, int64(n))
		} else {
			w.pipe.HIncrByFloat(w.ctx, k, f, n)
		}
	}
}

// duration adds a count and a sum in seconds.
func (w *write) duration(metric string, d time.Duration) {
	d = max(d, 0)
	w.add(metric+".count", 1)
	w.add(metric+".sum", float64(d.Milliseconds())/1000)
}

func scopes(b lifecycle.Base, agent string) []scope {
	lang := b.Lang
	if lang == "" {
		lang = "unknown"
	}
	team := b.Team
	if team == "" {
		team = "default"
	}
	out := []scope{{}, {"lang", lang}, {"team", team}}
	if agent != "" {
		out = append(out, scope{"agent", agent})
	}
	return out
}

// Observe implements lifecycle.Observer.
func (r *Recorder) Observe(ctx context.Context, s *session.Session, ev lifecycle.Event) {
	b := ev.Meta()
	at := b.At
	if at.IsZero() {
		at = r.now()
	}
	day := at.UTC().Format(dayLayout)
	pipe := r.rdb.TxPipeline()
	w := &write{r: r, ctx: ctx, pipe: pipe, day: day, dims: scopes(b, "")}
	ms := float64(at.UnixMilli())
	agent := func(a lifecycle.Agent) {
		if a.ID == "" {
			return
		}
		w.dims = scopes(b, a.ID)
		pipe.HSet(ctx, r.agentsKey(), a.ID, a.Name)
		pipe.Expire(ctx, r.agentsKey(), r.retention)
	}
	switch e := ev.(type) {
	case lifecycle.Started:
		w.dims = []scope{{}, {"lang", scopes(b, "")[1].value}}
		w.add("conversations", 1)
	case lifecycle.Answered:
		w.dims = []scope{{}, {"lang", scopes(b, "")[1].value}}
		w.add("answers", 1)
	case lifecycle.Missed:
		w.dims = []scope{{}, {"lang", scopes(b, "")[1].value}}
		if e.Likely {
			w.add("likely", 1) // answered with a hedge: not a miss, still a gap to fill
		} else {
			w.add("misses", 1)
		}
		r.sample(ctx, pipe, r.missesKey(day), maxMissesPerDay, Miss{Text: mask(e.Text), Lang: b.Lang, Conv: b.Conv, Unsure: e.Unsure, Likely: e.Likely, Entry: e.Entry, At: at})
	case lifecycle.Picked:
		w.dims = []scope{{}, {"lang", scopes(b, "")[1].value}}
		w.add("picks", 1)
		if strings.TrimSpace(e.After) != "" {
			r.sample(ctx, pipe, r.picksKey(day), maxPicksPerDay, Pick{Text: mask(e.After), Entry: e.Entry, Lang: b.Lang, At: at})
		}
	case lifecycle.Opened:
		reason := e.Reason
		if reason == "" {
			reason = "unknown"
		}
		w.add("handoffs", 1)
		w.add("handoffs.reason."+reason, 1)
		if reason == "complaint" {
			w.add("complaints", 1)
		}
		if e.NoDesk {
			w.add("nodesk", 1)
		} else {
			pipe.ZAdd(ctx, r.queueKey(), redis.Z{Score: ms, Member: b.Conv})
		}
		pipe.ZAdd(ctx, r.handoffsKey(), redis.Z{Score: ms, Member: b.Conv + "|" + strconv.FormatInt(at.UnixMilli(), 10)})
		pipe.ZRemRangeByScore(ctx, r.handoffsKey(), "-inf", strconv.FormatInt(at.Add(-r.retention).UnixMilli(), 10))
	case lifecycle.Claimed:
		agent(e.Agent)
		if e.First {
			w.duration("claim", e.Wait)
		}
		pipe.ZRem(ctx, r.queueKey(), b.Conv)
		pipe.ZAdd(ctx, r.workingKey(), redis.Z{Score: ms, Member: b.Conv})
	case lifecycle.AgentReplied:
		agent(e.Agent)
		w.add("replies", 1)
		if e.First {
			w.duration("first_reply", e.Since)
			w.add("first_reply.le."+bucket(e.Since), 1)
		}
	case lifecycle.Reminded:
		w.add("reminders", 1)
	case lifecycle.Resolved:
		agent(e.Agent)
		w.add("resolved", 1)
		w.duration("resolution", e.Took)
		if s != nil && s.Handoff != nil && len(s.Handoff.Transfers) == 0 {
			w.add("resolved_first_team", 1)
		}
		pipe.ZRem(ctx, r.queueKey(), b.Conv)
		pipe.ZRem(ctx, r.workingKey(), b.Conv)
	case lifecycle.Returned:
		if e.Agent.ID == "" {
			e.Agent = e.By // nobody had it: whoever gave it back
		}
		agent(e.Agent)
		w.add("returned", 1)
		pipe.ZRem(ctx, r.queueKey(), b.Conv)
		pipe.ZRem(ctx, r.workingKey(), b.Conv)
	case lifecycle.Transferred:
		from := e.From
		if from == "" {
			from = "default"
		}
		w.dims = []scope{{}, {"team", from}}
		w.add("transfers_out", 1)
		to := e.To
		if to == "" {
			to = "default"
		}
		w.dims = []scope{{"team", to}}
		w.add("transfers_in", 1)
		pipe.ZRem(ctx, r.workingKey(), b.Conv)
		pipe.ZAdd(ctx, r.queueKey(), redis.Z{Score: float64(b.Handoff.UnixMilli()), Member: b.Conv})
	case lifecycle.Rated:
		if e.Stars < 1 || e.Stars > 5 {
			return
		}
		if e.Who == "agent" {
			agent(e.Agent)
		} else {
			w.dims = []scope{{}, {"lang", scopes(b, "")[1].value}}
		}
		w.add("rating."+e.Who+"."+strconv.Itoa(e.Stars), 1)
	default:
		return
	}
	pipe.Expire(ctx, r.dayKey(day), r.retention+24*time.Hour)
	if _, err := pipe.Exec(ctx); err != nil {
		r.log.Warn("stats: write failed", "event", eventName(ev), "err", err)
	}
}

func (r *Recorder) sample(ctx context.Context, pipe redis.Pipeliner, key string, keep int64, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	pipe.LPush(ctx, key, data)
	pipe.LTrim(ctx, key, 0, keep-1)
	pipe.Expire(ctx, key, r.retention+24*time.Hour)
}

// mask keeps a customer's words for the gaps with personal data replaced.
func mask(s string) string { return logmask.MaskN(s, maxSampleRunes) }

func bucket(d time.Duration) string {
	sec := d.Seconds()
	for _, b := range ReplyBuckets {
		if sec <= b {
			return strconv.FormatFloat(b, 'g', -1, 64)
		}
	}
	return "inf"
}

func eventName(ev lifecycle.Event) string {
	switch ev.(type) {
	case lifecycle.Opened:
		return "opened"
	case lifecycle.Claimed:
		return "claimed"
	case lifecycle.AgentReplied:
		return "agent_replied"
	case lifecycle.Resolved:
		return "resolved"
	case lifecycle.Returned:
		return "returned"
	case lifecycle.Transferred:
		return "transferred"
	case lifecycle.Rated:
		return "rated"
	}
	return "event"
}

// Miss is one message the bot could not answer (or answered unsure).
type Miss struct {
	Text   string    `json:"t"`
	Lang   string    `json:"l,omitempty"`
	Conv   string    `json:"c,omitempty"`
	Unsure bool      `json:"u,omitempty"`
	Likely bool      `json:"k,omitempty"` // answered with a hedge (the probable entry), not missed
	Entry  string    `json:"e,omitempty"`
	At     time.Time `json:"at"`
}

// Pick is a topic a customer picked after a miss: Text is what they wrote,
// Entry the entry they meant.
type Pick struct {
	Text  string    `json:"t"`
	Entry string    `json:"e"`
	Lang  string    `json:"l,omitempty"`
	At    time.Time `json:"at"`
}
