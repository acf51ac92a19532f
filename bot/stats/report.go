package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Figures are the numbers of one slice (everyone, an agent, a language, a
// team) over a window.
type Figures struct {
	Conversations int64            // conversations started
	Answers       int64            // confident answers from the knowledge base
	Misses        int64            // messages not answered, or answered unsure
	Likely        int64            // answered with a hedge: the probable entry, the others beside it (not misses)
	Handoffs      int64            // handed to people (with or without a desk)
	Reasons       map[string]int64 // handoffs by reason
	Complaints    int64            // handoffs for a complaint
	Claim         Timing           // handoff -> first claim
	FirstReply    Timing           // handoff -> first agent reply
	ReplyBuckets  map[string]int64 // first replies by histogram bucket (ReplyBuckets, "inf")
	Resolution    Timing           // handoff -> resolved
	Resolved      int64
	Returned      int64
	Withdrawn     int64    // called off by the customer before any agent wrote ("never mind")
	Feedback      int64    // what customers wrote after a low rating of the bot (samples: Recorder.Feedback)
	FirstTeam     int64    // resolved by the team it was first routed to
	TransfersOut  int64    // moved from this team to another
	TransfersIn   int64    // moved to this team
	Reminders     int64    // unclaimed reminders
	Replies       int64    // agent messages
	AgentRatings  [6]int64 // [n] = n-star ratings of agents
	BotRatings    [6]int64 // [n] = n-star ratings of the bot
}

// Timing is a count and a total.
type Timing struct {
	Count int64
	Sum   time.Duration
}

// Mean is the average, 0 without observations.
func (t Timing) Mean() time.Duration {
	if t.Count == 0 {
		return 0
	}
	return t.Sum / time.Duration(t.Count)
}

// Containment is the share of conversations the bot handled without a
// person (1 - handoffs / conversations), 0 without conversations.
func (f Figures) Containment() float64 {
	if f.Conversations == 0 {
		return 0
	}
	return max(0, 1-float64(f.Handoffs)/float64(f.Conversations))
}

// ComplaintShare is the share of conversations handed off as complaints.
func (f Figures) ComplaintShare() float64 {
	if f.Conversations == 0 {
		return 0
	}
	return float64(f.Complaints) / float64(f.Conversations)
}

// FirstTeamRate is the share of resolved handoffs resolved by the first team.
func (f Figures) FirstTeamRate() float64 {
	if f.Resolved == 0 {
		return 0
	}
	return float64(f.FirstTeam) / float64(f.Resolved)
}

// CSAT is the average agent rating and how many there were.
func (f Figures) CSAT() (float64, int64) { return mean(f.AgentRatings) }

// BotCSAT is the average rating of the bot and how many there were.
func (f Figures) BotCSAT() (float64, int64) { return mean(f.BotRatings) }

func mean(r [6]int64) (float64, int64) {
	var n, sum int64
	for stars := 1; stars <= 5; stars++ {
		n += r[stars]
		sum += int64(stars) * r[stars]
	}
	if n == 0 {
		return 0, 0
	}
	return float64(sum) / float64(n), n
}

// Day is one day's overall figures, for charts.
type Day struct {
	Date string // YYYY-MM-DD (UTC)
	Figures
}

// Report is the figures over a window of whole UTC days.
type Report struct {
	From, To   time.Time // first and last day
	All        Figures
	Agents     map[string]Figures // by agent id
	AgentNames map[string]string  // agent id -> display name
	Langs      map[string]Figures
	Teams      map[string]Figures
	Days       []Day // oldest first
}

// Report reads the figures of the last days UTC days, today included. It
// reads one hash per day: its cost does not grow with conversations.
func (r *Recorder) Report(ctx context.Context, days int) (Report, error) {
	if days < 1 {
		days = 1
	}
	if max := int(r.retention / (24 * time.Hour)); days > max && max > 0 {
		days = max
	}
	today := r.now().UTC().Truncate(24 * time.Hour)
	rep := Report{From: today.AddDate(0, 0, -(days - 1)), To: today,
		Agents: map[string]Figures{}, Langs: map[string]Figures{}, Teams: map[string]Figures{}}
	pipe := r.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, days)
	for i := range days {
		cmds[i] = pipe.HGetAll(ctx, r.dayKey(rep.From.AddDate(0, 0, i).Format(dayLayout)))
	}
	names := pipe.HGetAll(ctx, r.agentsKey())
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return rep, fmt.Errorf("stats: reading %d days: %w", days, err)
	}
	rep.AgentNames = names.Val()
	for i, c := range cmds {
		d := Day{Date: rep.From.AddDate(0, 0, i).Format(dayLayout)}
		for f, v := range c.Val() {
			metric, sc, _ := strings.Cut(f, "|")
			n, _ := strconv.ParseFloat(v, 64)
			if sc == "" {
				d.Figures.add(metric, n)
				rep.All.add(metric, n)
				continue
			}
			dim, val, _ := strings.Cut(sc, "=")
			var m map[string]Figures
			switch dim {
			case "agent":
				m = rep.Agents
			case "lang":
				m = rep.Langs
			case "team":
				m = rep.Teams
			default:
				continue
			}
			fig := m[val]
			fig.add(metric, n)
			m[val] = fig
		}
		rep.Days = append(rep.Days, d)
	}
	return rep, nil
}

func (f *Figures) add(metric string, n float64) {
	i := int64(n)
	switch metric {
	case "conversations":
		f.Conversations += i
	case "answers":
		f.Answers += i
	case "misses":
		f.Misses += i
	case "likely":
		f.Likely += i
	case "handoffs":
		f.Handoffs += i
	case "complaints":
		f.Complaints += i
	case "resolved":
		f.Resolved += i
	case "returned":
		f.Returned += i
	case "withdrawn":
		f.Withdrawn += i
	case "feedback":
		f.Feedback += i
	case "resolved_first_team":
		f.FirstTeam += i
	case "transfers_out":
		f.TransfersOut += i
	case "transfers_in":
		f.TransfersIn += i
	case "reminders":
		f.Reminders += i
	case "replies":
		f.Replies += i
	case "claim.count":
		f.Claim.Count += i
	case "claim.sum":
		f.Claim.Sum += seconds(n)
	case "first_reply.count":
		f.FirstReply.Count += i
	case "first_reply.sum":
		f.FirstReply.Sum += seconds(n)
	case "resolution.count":
		f.Resolution.Count += i
	case "resolution.sum":
		f.Resolution.Sum += seconds(n)
	default:
		switch {
		case strings.HasPrefix(metric, "handoffs.reason."):
			if f.Reasons == nil {
				f.Reasons = map[string]int64{}
			}
			f.Reasons[strings.TrimPrefix(metric, "handoffs.reason.")] += i
		case strings.HasPrefix(metric, "first_reply.le."):
			if f.ReplyBuckets == nil {
				f.ReplyBuckets = map[string]int64{}
			}
			f.ReplyBuckets[strings.TrimPrefix(metric, "first_reply.le.")] += i
		case strings.HasPrefix(metric, "rating."):
			parts := strings.Split(metric, ".")
			if len(parts) != 3 {
				return
			}
			stars, err := strconv.Atoi(parts[2])
			if err != nil || stars < 1 || stars > 5 {
				return
			}
			if parts[1] == "agent" {
				f.AgentRatings[stars] += i
			} else {
				f.BotRatings[stars] += i
			}
		}
	}
}

func seconds(n float64) time.Duration { return time.Duration(n * float64(time.Second)) }

// Row is one slice of a report: everyone, an agent, a language or a team.
type Row struct {
	Scope string // "all", "agent", "lang", "team"
	Key   string // agent id, language code, team name
	Name  string // what people read: the agent's name, the code, the team
	F     Figures
}

// Rows flattens the report: everyone first, then agents, languages and
// teams, each sorted by key.
func (rep Report) Rows() []Row {
	rows := []Row{{Scope: "all", Name: "everyone", F: rep.All}}
	add := func(scope string, m map[string]Figures, name func(string) string) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			rows = append(rows, Row{Scope: scope, Key: k, Name: name(k), F: m[k]})
		}
	}
	same := func(k string) string { return k }
	add("agent", rep.Agents, func(k string) string {
		if n := rep.AgentNames[k]; n != "" {
			return n
		}
		return k
	})
	add("lang", rep.Langs, same)
	add("team", rep.Teams, same)
	return rows
}

// SortedKeys returns a map's keys, largest value first (ties by name).
func SortedKeys[V int64 | float64](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// Waiting is a conversation in the queue or with an agent now.
type Waiting struct {
	Conv  string
	Since time.Time // handoff (queue) or claim (working)
}

// Queue returns the conversations waiting for an agent and those with an
// agent, oldest first (at most limit each).
func (r *Recorder) Queue(ctx context.Context, limit int64) (waiting, working []Waiting, err error) {
	pipe := r.rdb.Pipeline()
	q := pipe.ZRangeWithScores(ctx, r.queueKey(), 0, limit-1)
	w := pipe.ZRangeWithScores(ctx, r.workingKey(), 0, limit-1)
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return nil, nil, fmt.Errorf("stats: reading the queue: %w", err)
	}
	conv := func(zs []redis.Z) []Waiting {
		out := make([]Waiting, 0, len(zs))
		for _, z := range zs {
			m, _ := z.Member.(string)
			out = append(out, Waiting{Conv: m, Since: time.UnixMilli(int64(z.Score))})
		}
		return out
	}
	return conv(q.Val()), conv(w.Val()), nil
}

// Forget drops a conversation from the queue lists (its session is gone or
// no longer open: the page found it stale).
func (r *Recorder) Forget(ctx context.Context, conv string) error {
	pipe := r.rdb.TxPipeline()
	pipe.ZRem(ctx, r.queueKey(), conv)
	pipe.ZRem(ctx, r.workingKey(), conv)
	_, err := pipe.Exec(ctx)
	return err
}

// Handoff is one handoff in the window, for the conversation viewer.
type Handoff struct {
	Conv string
	At   time.Time
}

// Handoffs returns the latest handoffs (newest first, at most limit).
func (r *Recorder) Handoffs(ctx context.Context, limit int64) ([]Handoff, error) {
	zs, err := r.rdb.ZRevRangeWithScores(ctx, r.handoffsKey(), 0, limit-1).Result()
	if err != nil {
		return nil, fmt.Errorf("stats: reading handoffs: %w", err)
	}
	out := make([]Handoff, 0, len(zs))
	for _, z := range zs {
		m, _ := z.Member.(string)
		conv, _, _ := strings.Cut(m, "|")
		out = append(out, Handoff{Conv: conv, At: time.UnixMilli(int64(z.Score))})
	}
	return out, nil
}

// Feedback returns what customers wrote after a low rating of the bot in
// the last days UTC days, at most perDay per day, newest first.
func (r *Recorder) Feedback(ctx context.Context, days int, perDay int64) ([]FeedbackSample, error) {
	today := r.now().UTC().Truncate(24 * time.Hour)
	var out []FeedbackSample
	for i := range days {
		vals, err := r.rdb.LRange(ctx, r.feedbackKey(today.AddDate(0, 0, -i).Format(dayLayout)), 0, perDay-1).Result()
		if err != nil && err != redis.Nil {
			return nil, fmt.Errorf("stats: reading feedback: %w", err)
		}
		for _, v := range vals {
			var f FeedbackSample
			if json.Unmarshal([]byte(v), &f) == nil {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// Samples returns the misses and picks of the last days UTC days, at most
// perDay of each per day, newest first.
func (r *Recorder) Samples(ctx context.Context, days int, perDay int64) ([]Miss, []Pick, error) {
	today := r.now().UTC().Truncate(24 * time.Hour)
	pipe := r.rdb.Pipeline()
	var mc, pc []*redis.StringSliceCmd
	for i := range days {
		day := today.AddDate(0, 0, -i).Format(dayLayout)
		mc = append(mc, pipe.LRange(ctx, r.missesKey(day), 0, perDay-1))
		pc = append(pc, pipe.LRange(ctx, r.picksKey(day), 0, perDay-1))
	}
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return nil, nil, fmt.Errorf("stats: reading gap samples: %w", err)
	}
	var misses []Miss
	var picks []Pick
	for _, c := range mc {
		for _, v := range c.Val() {
			var m Miss
			if json.Unmarshal([]byte(v), &m) == nil {
				misses = append(misses, m)
			}
		}
	}
	for _, c := range pc {
		for _, v := range c.Val() {
			var p Pick
			if json.Unmarshal([]byte(v), &p) == nil {
				picks = append(picks, p)
			}
		}
	}
	return misses, picks, nil
}
