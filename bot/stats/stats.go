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
	"hash/fnv"
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
	// maxFeedbackPerDay caps the day's feedback samples (FeedbackSample).
	maxFeedbackPerDay = 1000
	maxSampleRunes    = 200
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
	onceTTL   time.Duration
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

// DefaultOnceTTL is how long a piece of work's "counted" marker is kept.
// A customer's update is met again while it waits unanswered in its
// channel's inbox: in practice until another replica takes a crashed
// one's chat over (a lease: 15 s by default) or the replica restarts. 25 h
// is the Telegram inbox's dedupe TTL, how long it tells a redelivered
// update from a new one; a turn met again later than that (no replica
// running for a day) counts again.
// A marker costs about 140 bytes of Redis (88 by MEMORY USAGE, the rest
// its expiry and the key tables: BenchmarkWorkMarkerMemory, README).
const DefaultOnceTTL = 25 * time.Hour

// WithOnceTTL sets how long a piece of work is remembered as counted
// (default DefaultOnceTTL); it should be at least the channel's dedupe TTL.
func WithOnceTTL(d time.Duration) Option {
	return func(r *Recorder) {
		if d >= time.Millisecond {
			r.onceTTL = d
		}
	}
}

// WithLogger sets the logger for write failures.
func WithLogger(l *slog.Logger) Option { return func(r *Recorder) { r.log = l } }

// WithClock replaces time.Now (tests, benchmarks).
func WithClock(now func() time.Time) Option { return func(r *Recorder) { r.now = now } }

// New returns a Recorder on db (its keys are named in bot/store).
func New(db store.DB, opts ...Option) *Recorder {
	r := &Recorder{rdb: db.Client, keys: db.Keys, retention: DefaultRetention, log: slog.New(slog.DiscardHandler), now: time.Now, onceTTL: DefaultOnceTTL}
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

// batch is the writes of one piece of work, for store.StatsRecord: its
// keys (KEYS from 2, the marker's place kept) and its operations.
type batch struct {
	keys  []string
	index map[string]string // key -> its index in KEYS, as the script reads it
	ops   []any
	days  []string // day hashes written, each expired once at the end
}

func (b *batch) key(k string) string {
	if i, ok := b.index[k]; ok {
		return i
	}
	if b.index == nil {
		b.index = map[string]string{}
	}
	b.keys = append(b.keys, k)
	i := strconv.Itoa(len(b.keys) + 1) // KEYS[1] is the marker
	b.index[k] = i
	return i
}

func (b *batch) op(op, key string, args ...any) {
	b.ops = append(b.ops, op, b.key(key))
	b.ops = append(b.ops, args...)
}

func (b *batch) day(k string) {
	for _, d := range b.days {
		if d == k {
			return
		}
	}
	b.days = append(b.days, k)
}

type write struct {
	b    *batch
	day  string // the day hash's key
	dims []scope
}

// add counts n on a field that only ever holds whole numbers (HINCRBY).
func (w *write) add(metric string, n int64) {
	w.b.day(w.day)
	for _, d := range w.dims {
		w.b.op("h", w.day, field(metric, d.dim, d.value), strconv.FormatInt(n, 10))
	}
}

// addFloat adds x to a field that may hold a fraction, always with
// HINCRBYFLOAT, even when x is whole: HINCRBY fails on a field holding
// "1.5", and in the turn's one script (store.StatsRecord) that failure
// would cost the operations after it (a claim's move from the queue to
// the working list).
func (w *write) addFloat(metric string, x float64) {
	w.b.day(w.day)
	for _, d := range w.dims {
		w.b.op("f", w.day, field(metric, d.dim, d.value), strconv.FormatFloat(x, 'f', -1, 64))
	}
}

// duration adds a count and a sum in seconds.
func (w *write) duration(metric string, d time.Duration) {
	d = max(d, 0)
	w.add(metric+".count", 1)
	w.addFloat(metric+".sum", float64(d.Milliseconds())/1000)
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

// Observe implements lifecycle.Observer: ev counted alone, with no id
// (ObserveWork).
func (r *Recorder) Observe(ctx context.Context, s *session.Session, ev lifecycle.Event) {
	r.ObserveWork(ctx, s, "", []lifecycle.Event{ev})
}

// ObserveWork implements lifecycle.WorkObserver: the events of one piece
// of work are written in one round trip (one script, store.StatsRecord)
// and, when the work has an id, once: the first write sets the work's
// marker (StatsOnce, kept for the once-TTL) in the same atomic step as the
// counters, and a write that finds it writes nothing. So a customer's turn
// handed on again after a crash (its update taken over by another replica
// between counting it and marking the update answered), or by two replicas
// at once, counts once, whole.
func (r *Recorder) ObserveWork(ctx context.Context, s *session.Session, id string, events []lifecycle.Event) {
	r.record(ctx, s, id, events)
}

// record is ObserveWork; it reports false only when the work's id was
// counted already (its marker was there): true when it counted it now,
// when the work has no id or nothing to count, and when the write failed
// (nothing tells it was counted before).
func (r *Recorder) record(ctx context.Context, s *session.Session, id string, events []lifecycle.Event) bool {
	b := &batch{}
	for _, ev := range events {
		r.add(b, s, ev)
	}
	if len(b.ops) == 0 {
		return true // nothing counts: no marker needed either
	}
	for _, d := range b.days {
		b.op("e", d, strconv.FormatInt((r.retention+24*time.Hour).Milliseconds(), 10))
	}
	marker, ttl := b.keys[0], "0"
	if id != "" {
		marker, ttl = r.keys.StatsOnce(workHash(id)), strconv.FormatInt(r.onceTTL.Milliseconds(), 10)
	}
	keys := append([]string{marker}, b.keys...)
	args := append([]any{ttl}, b.ops...)
	n, err := store.StatsRecord.Run(ctx, r.rdb, keys, args...).Int()
	switch {
	case err != nil:
		r.log.Warn("stats: write failed", "event", eventName(events[0]), "events", len(events), "err", err)
	case n == 0:
		r.log.Debug("stats: work counted already (met again)", "events", len(events))
		return false
	}
	return true
}

// Then returns an observer that records each piece of work as the
// Recorder does and hands its events on to next only when the Recorder
// did not find it counted already: next (per-process counters, such as
// bot/metrics) then counts a customer's turn met again (handed on again
// after a take-over, with the same id) once, summed over the replicas, as
// the statistics do, at no cost: the decision is the reply of the script
// that counts the turn anyway. When that write fails, next counts the
// work (a later hand-on that the statistics then count would be counted
// by next a second time: that takes a Redis failure and a take-over).
// Events observed one by one (Observe, no id) go to both.
func (r *Recorder) Then(next lifecycle.Observer) lifecycle.WorkObserver {
	return then{r: r, next: next}
}

type then struct {
	r    *Recorder
	next lifecycle.Observer
}

func (t then) Observe(ctx context.Context, s *session.Session, ev lifecycle.Event) {
	t.r.Observe(ctx, s, ev)
	t.next.Observe(ctx, s, ev)
}

func (t then) ObserveWork(ctx context.Context, s *session.Session, id string, events []lifecycle.Event) {
	if !t.r.record(ctx, s, id, events) {
		return
	}
	lifecycle.Observers{t.next}.ObserveWork(ctx, s, id, events)
}

// workHash is the marker's name for a work id: 64 bits of FNV-1a in base
// 36 (13 characters). Short keys keep the markers cheap; two ids among the
// markers alive sharing a hash (about 1 in 10^6 with 10 million alive)
// would cost the later one its count.
func workHash(id string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	return strconv.FormatUint(h.Sum64(), 36)
}

// add queues the writes of one event on b.
func (r *Recorder) add(b *batch, s *session.Session, ev lifecycle.Event) {
	m := ev.Meta()
	at := m.At
	if at.IsZero() {
		at = r.now()
	}
	day := at.UTC().Format(dayLayout)
	w := &write{b: b, day: r.dayKey(day), dims: scopes(m, "")}
	ms := strconv.FormatInt(at.UnixMilli(), 10)
	keep := strconv.FormatInt((r.retention + 24*time.Hour).Milliseconds(), 10)
	agent := func(a lifecycle.Agent) {
		if a.ID == "" {
			return
		}
		w.dims = scopes(m, a.ID)
		b.op("s", r.agentsKey(), a.ID, a.Name)
		b.op("e", r.agentsKey(), strconv.FormatInt(r.retention.Milliseconds(), 10))
	}
	switch e := ev.(type) {
	case lifecycle.Started:
		w.dims = []scope{{}, {"lang", scopes(m, "")[1].value}}
		w.add("conversations", 1)
	case lifecycle.Answered:
		w.dims = []scope{{}, {"lang", scopes(m, "")[1].value}}
		w.add("answers", 1)
	case lifecycle.Missed:
		w.dims = []scope{{}, {"lang", scopes(m, "")[1].value}}
		if e.Likely {
			w.add("likely", 1) // answered with a hedge: not a miss, still a gap to fill
		} else {
			w.add("misses", 1)
		}
		r.sample(b, r.missesKey(day), maxMissesPerDay, keep, Miss{Text: mask(e.Text), Lang: m.Lang, Conv: m.Conv, Unsure: e.Unsure, Likely: e.Likely, Entry: e.Entry, At: at})
	case lifecycle.Feedback:
		w.dims = []scope{{}, {"lang", scopes(m, "")[1].value}}
		w.add("feedback", 1)
		r.sample(b, r.feedbackKey(day), maxFeedbackPerDay, keep, FeedbackSample{Text: mask(e.Text), Stars: e.Stars, Entry: e.Entry, Open: e.Open, Lang: m.Lang, Conv: m.Conv, At: at})
	case lifecycle.Picked:
		w.dims = []scope{{}, {"lang", scopes(m, "")[1].value}}
		w.add("picks", 1)
		if strings.TrimSpace(e.After) != "" {
			r.sample(b, r.picksKey(day), maxPicksPerDay, keep, Pick{Text: mask(e.After), Entry: e.Entry, Lang: m.Lang, At: at})
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
			b.op("z", r.queueKey(), ms, m.Conv)
		}
		b.op("z", r.handoffsKey(), ms, m.Conv+"|"+ms)
		b.op("R", r.handoffsKey(), "-inf", strconv.FormatInt(at.Add(-r.retention).UnixMilli(), 10))
	case lifecycle.Claimed:
		agent(e.Agent)
		if e.First {
			w.duration("claim", e.Wait)
		}
		b.op("r", r.queueKey(), m.Conv)
		b.op("z", r.workingKey(), ms, m.Conv)
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
		b.op("r", r.queueKey(), m.Conv)
		b.op("r", r.workingKey(), m.Conv)
	case lifecycle.Returned:
		if e.Agent.ID == "" {
			e.Agent = e.By // nobody had it: whoever gave it back
		}
		agent(e.Agent)
		w.add("returned", 1)
		b.op("r", r.queueKey(), m.Conv)
		b.op("r", r.workingKey(), m.Conv)
	case lifecycle.Withdrawn:
		// The customer no longer needs a person: out of the queue (and
		// off the agent who had claimed it), counted apart from what
		// agents closed.
		w.add("withdrawn", 1)
		b.op("r", r.queueKey(), m.Conv)
		b.op("r", r.workingKey(), m.Conv)
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
		b.op("r", r.workingKey(), m.Conv)
		b.op("z", r.queueKey(), strconv.FormatInt(m.Handoff.UnixMilli(), 10), m.Conv)
	case lifecycle.Rated:
		if e.Stars < 1 || e.Stars > 5 {
			return
		}
		if e.Who == "agent" {
			agent(e.Agent)
		} else {
			w.dims = []scope{{}, {"lang", scopes(m, "")[1].value}}
		}
		w.add("rating."+e.Who+"."+strconv.Itoa(e.Stars), 1)
	}
}

func (r *Recorder) sample(b *batch, key string, keep int64, ttl string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	b.op("l", key, string(data), strconv.FormatInt(keep-1, 10))
	b.op("e", key, ttl)
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
	case lifecycle.Withdrawn:
		return "withdrawn"
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

// FeedbackSample is what a customer wrote after a low rating of the bot
// asked what went wrong: ops read it with Recorder.Feedback.
type FeedbackSample struct {
	Text  string    `json:"t"`
	Stars int       `json:"s"`
	Entry string    `json:"e,omitempty"`
	Open  bool      `json:"o,omitempty"` // the problem was not solved: a person was offered
	Lang  string    `json:"l,omitempty"`
	Conv  string    `json:"c,omitempty"`
	At    time.Time `json:"at"`
}

// Pick is a topic a customer picked after a miss: Text is what they wrote,
// Entry the entry they meant.
type Pick struct {
	Text  string    `json:"t"`
	Entry string    `json:"e"`
	Lang  string    `json:"l,omitempty"`
	At    time.Time `json:"at"`
}
