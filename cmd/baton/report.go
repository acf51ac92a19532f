package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/stats"
	"github.com/batonhq/baton/bot/store"
)

// runReport is `baton report --since 7d [--format text|csv|json]`: the
// figures the ops page shows, from the same Redis, for scripts and
// spreadsheets.
func runReport(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("report", flag.ContinueOnError)
	fl.SetOutput(stderr)
	since := fl.String("since", "7d", "window in whole days up to today (UTC), like 1d, 7d, 30d")
	format := fl.String("format", "text", "text, csv or json")
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	if !noArgs("report", fl, stderr) {
		return 2
	}
	days, err := parseDays(*since)
	if err != nil {
		fmt.Fprintf(stderr, "baton report: --since %v\n", err)
		return 2
	}
	switch *format {
	case "text", "csv", "json":
	default:
		fmt.Fprintf(stderr, "baton report: --format %q: want text, csv or json\n", *format)
		return 2
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	rec, closeRedis, code := openStats(cctx, "report", env, stderr)
	if code != 0 {
		return code
	}
	defer closeRedis()
	rep, err := rec.Report(cctx, days)
	if err != nil {
		fmt.Fprintf(stderr, "baton report: %v\n", err)
		return 1
	}
	// The CSV is one row per slice: the words are in text and JSON.
	var feedback []stats.FeedbackSample
	if *format != "csv" {
		if feedback, err = rec.Feedback(cctx, days, feedbackPerDay); err != nil {
			fmt.Fprintf(stderr, "baton report: %v\n", err)
			return 1
		}
	}
	switch *format {
	case "json":
		err = writeReportJSON(stdout, rep, feedback)
	case "csv":
		err = writeReportCSV(stdout, rep)
	default:
		err = writeReportText(stdout, rep, feedback)
	}
	if err != nil {
		fmt.Fprintf(stderr, "baton report: %v\n", err)
		return 1
	}
	return 0
}

// openStats connects to the statistics the way `baton serve` keeps them
// (REDIS_URL, BATON_REDIS_PREFIX, BATON_STATS_RETENTION). A non-zero code
// is the exit status, the problem already printed.
func openStats(ctx context.Context, cmd string, env func(string) string, stderr io.Writer) (*stats.Recorder, func(), int) {
	cfg, err := serveConfigFrom(env, ":0", false)
	if errors.Is(err, store.ErrNoURL) {
		fmt.Fprintf(stderr, "baton %s: REDIS_URL is not set: it reads the statistics baton serve keeps in Redis; set REDIS_URL (and BATON_REDIS_PREFIX, if serve has one) as serve has them\n", cmd)
		return nil, nil, 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "baton %s: %v\n", cmd, err)
		return nil, nil, 2
	}
	// go-redis's own lines on a failed dial would come before the one
	// error below that says it all.
	quietRedis()
	retention, err := daysEnv(env, envStatsRetention, stats.DefaultRetention)
	if err != nil {
		fmt.Fprintf(stderr, "baton %s: %v\n", cmd, err)
		return nil, nil, 2
	}
	rdb, closeRedis, err := openRedis(ctx, cfg.redisURL, false, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "baton %s: %v\n", cmd, err)
		return nil, nil, 1
	}
	db, err := store.New(rdb, cfg.prefix)
	if err != nil {
		closeRedis()
		fmt.Fprintf(stderr, "baton %s: %v\n", cmd, err)
		return nil, nil, 2
	}
	return stats.New(db, stats.WithRetention(retention)), closeRedis, 0
}

// parseDays reads "7d" (or "7", or "168h" rounded up to whole days).
func parseDays(in string) (int, error) {
	s := strings.TrimSpace(in)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		s = n
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return int((d + 24*time.Hour - 1) / (24 * time.Hour)), nil
	}
	return 0, fmt.Errorf("%q: want a number of days such as 7d", in)
}

// feedbackPerDay caps the customers' words after a low rating the report
// lists for each day; feedbackText caps those the text report shows.
const (
	feedbackPerDay = 100
	feedbackText   = 10
)

var csvHeader = []string{"scope", "key", "name", "conversations", "containment", "handoffs", "reasons",
	"complaint_share", "first_reply_count", "first_reply_mean_s", "resolved", "resolution_mean_s", "returned",
	"first_team_resolved", "transfers_out", "transfers_in", "csat_mean", "csat_count",
	"csat_1", "csat_2", "csat_3", "csat_4", "csat_5", "bot_csat_mean", "bot_csat_count", "misses", "likely",
	"withdrawn", "feedback"}

func csvRecord(r stats.Row) []string {
	f := r.F
	csat, n := f.CSAT()
	bot, bn := f.BotCSAT()
	var reasons []string
	for _, k := range stats.SortedKeys(f.Reasons) {
		reasons = append(reasons, k+"="+strconv.FormatInt(f.Reasons[k], 10))
	}
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	fl := func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
	secs := func(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 0, 64) }
	return []string{r.Scope, r.Key, r.Name, i(f.Conversations), fl(f.Containment()), i(f.Handoffs), strings.Join(reasons, ";"),
		fl(f.ComplaintShare()), i(f.FirstReply.Count), secs(f.FirstReply.Mean()), i(f.Resolved), secs(f.Resolution.Mean()), i(f.Returned),
		i(f.FirstTeam), i(f.TransfersOut), i(f.TransfersIn), fl(csat), i(n),
		i(f.AgentRatings[1]), i(f.AgentRatings[2]), i(f.AgentRatings[3]), i(f.AgentRatings[4]), i(f.AgentRatings[5]),
		fl(bot), i(bn), i(f.Misses), i(f.Likely), i(f.Withdrawn), i(f.Feedback)}
}

func writeReportCSV(w io.Writer, rep stats.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, r := range rep.Rows() {
		if err := cw.Write(csvRecord(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonFigures is the report's JSON shape: plain numbers, durations in seconds.
type jsonFigures struct {
	Scope            string           `json:"scope"`
	Key              string           `json:"key,omitempty"`
	Name             string           `json:"name,omitempty"`
	Conversations    int64            `json:"conversations"`
	Containment      float64          `json:"containment"`
	Handoffs         int64            `json:"handoffs"`
	Reasons          map[string]int64 `json:"handoffs_by_reason,omitempty"`
	ComplaintShare   float64          `json:"complaint_share"`
	FirstReplyCount  int64            `json:"first_reply_count"`
	FirstReplyMeanS  float64          `json:"first_reply_mean_seconds"`
	Resolved         int64            `json:"resolved"`
	ResolutionMeanS  float64          `json:"resolution_mean_seconds"`
	Returned         int64            `json:"returned"`
	FirstTeam        int64            `json:"first_team_resolved"`
	TransfersOut     int64            `json:"transfers_out"`
	TransfersIn      int64            `json:"transfers_in"`
	CSAT             float64          `json:"csat_mean"`
	CSATCount        int64            `json:"csat_count"`
	CSATDistribution [5]int64         `json:"csat_distribution"`
	BotCSAT          float64          `json:"bot_csat_mean"`
	BotCSATCount     int64            `json:"bot_csat_count"`
	Misses           int64            `json:"misses"`
	Likely           int64            `json:"likely"`    // answered with a hedge: not misses
	Withdrawn        int64            `json:"withdrawn"` // handoffs the customer called off before any agent wrote
	Feedback         int64            `json:"feedback"`  // customers' words after a low rating of the bot
}

// jsonFeedback is one customer's words after a low rating of the bot,
// personal data masked; no conversation id (the report names no one).
type jsonFeedback struct {
	At    string `json:"at"`
	Stars int    `json:"stars"`
	Entry string `json:"entry,omitempty"`
	Lang  string `json:"lang,omitempty"`
	Open  bool   `json:"open"`
	Text  string `json:"text"`
}

func feedbackJSON(fs []stats.FeedbackSample) []jsonFeedback {
	out := make([]jsonFeedback, 0, len(fs))
	for _, f := range fs {
		out = append(out, jsonFeedback{At: f.At.UTC().Format(time.RFC3339), Stars: f.Stars, Entry: f.Entry, Lang: f.Lang, Open: f.Open,
			Text: logmask.MaskN(f.Text, 0)})
	}
	return out
}

func toJSON(r stats.Row) jsonFigures {
	f := r.F
	csat, n := f.CSAT()
	bot, bn := f.BotCSAT()
	var dist [5]int64
	copy(dist[:], f.AgentRatings[1:])
	return jsonFigures{Scope: r.Scope, Key: r.Key, Name: r.Name, Conversations: f.Conversations, Containment: f.Containment(),
		Handoffs: f.Handoffs, Reasons: f.Reasons, ComplaintShare: f.ComplaintShare(),
		FirstReplyCount: f.FirstReply.Count, FirstReplyMeanS: f.FirstReply.Mean().Seconds(),
		Resolved: f.Resolved, ResolutionMeanS: f.Resolution.Mean().Seconds(), Returned: f.Returned,
		FirstTeam: f.FirstTeam, TransfersOut: f.TransfersOut, TransfersIn: f.TransfersIn,
		CSAT: csat, CSATCount: n, CSATDistribution: dist, BotCSAT: bot, BotCSATCount: bn, Misses: f.Misses, Likely: f.Likely,
		Withdrawn: f.Withdrawn, Feedback: f.Feedback}
}

func writeReportJSON(w io.Writer, rep stats.Report, feedback []stats.FeedbackSample) error {
	out := struct {
		From     string         `json:"from"`
		To       string         `json:"to"`
		Rows     []jsonFigures  `json:"rows"`
		Daily    []jsonFigures  `json:"daily"`
		Feedback []jsonFeedback `json:"feedback"`
	}{From: rep.From.Format("2006-01-02"), To: rep.To.Format("2006-01-02"), Feedback: feedbackJSON(feedback)}
	for _, r := range rep.Rows() {
		out.Rows = append(out.Rows, toJSON(r))
	}
	for _, d := range rep.Days {
		out.Daily = append(out.Daily, toJSON(stats.Row{Scope: "day", Key: d.Date, F: d.Figures}))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeReportText(w io.Writer, rep stats.Report, feedback []stats.FeedbackSample) error {
	a := rep.All
	csat, n := a.CSAT()
	fmt.Fprintf(w, "Baton report %s to %s (UTC)\n\n", rep.From.Format("2006-01-02"), rep.To.Format("2006-01-02"))
	fmt.Fprintf(w, "Conversations       %d\n", a.Conversations)
	fmt.Fprintf(w, "Containment         %.0f%% answered without a person\n", 100*a.Containment())
	fmt.Fprintf(w, "Handoffs            %d", a.Handoffs)
	for _, k := range stats.SortedKeys(a.Reasons) {
		fmt.Fprintf(w, "  %s %d", k, a.Reasons[k])
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Complaint share     %.1f%% of conversations\n", 100*a.ComplaintShare())
	fmt.Fprintf(w, "First agent reply   %s mean over %d\n", fmtDur(a.FirstReply.Mean()), a.FirstReply.Count)
	fmt.Fprintf(w, "Resolution          %s mean over %d resolved (%d returned to the bot)\n", fmtDur(a.Resolution.Mean()), a.Resolved, a.Returned)
	fmt.Fprintf(w, "Withdrawn           %d handoffs the customer called off before any agent wrote\n", a.Withdrawn)
	fmt.Fprintf(w, "First-team resolved %.0f%% (%d transfers)\n", 100*a.FirstTeamRate(), a.TransfersOut)
	fmt.Fprintf(w, "CSAT                %.2f over %d  [1★ %d, 2★ %d, 3★ %d, 4★ %d, 5★ %d]\n", csat, n,
		a.AgentRatings[1], a.AgentRatings[2], a.AgentRatings[3], a.AgentRatings[4], a.AgentRatings[5])
	fmt.Fprintf(w, "Not understood      %d messages\n", a.Misses)
	fmt.Fprintf(w, "Hedged              %d messages answered with the probable entry and a hedge\n", a.Likely)
	fmt.Fprintf(w, "Feedback            %d customers wrote what went wrong after a low rating of the bot\n", a.Feedback)
	for _, f := range feedback[:min(len(feedback), feedbackText)] {
		open := ""
		if f.Open {
			open = ", open"
		}
		entry := ""
		if f.Entry != "" {
			entry = ", after " + f.Entry
		}
		fmt.Fprintf(w, "  %s %d★ (%s%s%s): %q\n", f.At.UTC().Format("Jan 2 15:04"), f.Stars, f.Lang, entry, open, logmask.MaskN(f.Text, 0))
	}
	if len(feedback) > feedbackText {
		fmt.Fprintf(w, "  ... and %d more (--format json lists them)\n", len(feedback)-feedbackText)
	}

	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, scope := range []string{"agent", "lang", "team"} {
		title := map[string]string{"agent": "Per agent", "lang": "Per language", "team": "Per team"}[scope]
		fmt.Fprintf(tw, "\n%s\n\tconversations\thandoffs\tfirst reply\tresolved\tresolution\tCSAT\tratings\n", title)
		for _, r := range rep.Rows() {
			if r.Scope != scope {
				continue
			}
			c, cn := r.F.CSAT()
			conv := "-"
			if scope == "lang" {
				conv = strconv.FormatInt(r.F.Conversations, 10)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%s\t%.2f\t%d\n", r.Name, conv, r.F.Handoffs,
				fmtDur(r.F.FirstReply.Mean()), r.F.Resolved, fmtDur(r.F.Resolution.Mean()), c, cn)
		}
	}
	return tw.Flush()
}

// fmtDur is a short, rounded duration for people: "45s", "4m", "2h05m".
func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
