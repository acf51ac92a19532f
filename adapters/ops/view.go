package ops

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton/bot/gaps"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/stats"
)

// queueLimit caps the rows of the queue shown.
const queueLimit = 200

// gap sampling: the last gapDays days, at most gapPerDay misses a day.
const (
	gapDays   = 7
	gapPerDay = 400
	gapShown  = 20
)

// view is everything the page shows.
type view struct {
	Live     liveView
	Window   string // selected window name for the tables
	Windows  []windowView
	Selected windowView
	Gaps     gapView
	Recent   []recentView
	Feedback []feedbackView // what customers wrote after a low rating of the bot, newest first
	Notice   string
	Edit     bool     // gap actions available (a knowledge folder)
	Entries  []string // entry ids for the add form
	Langs    []string
}

type liveView struct {
	Now     time.Time
	Waiting []queueRow
	Working []queueRow
	Today   summary
}

type queueRow struct {
	Conv, Customer, Reason, Lang, Team, Agent string
	Wait                                      string
	Since                                     time.Time
	Reminders                                 int
}

type windowView struct {
	Name, Key string
	Days      int
	Summary   summary
	Rows      []stats.Row
	Reasons   template.HTML // SVG
	Daily     template.HTML // SVG
	CSAT      template.HTML // SVG
	Langs     template.HTML // SVG: conversations per language
	Agents    template.HTML // SVG: resolved per agent
}

type summary struct {
	Conversations int64
	Containment   string
	Handoffs      int64
	Reasons       []kv
	FirstReply    string
	Resolution    string
	CSAT          string
	CSATCount     int64
	Complaints    string
	FirstTeam     string
	Transfers     int64
	Misses        int64
	Likely        int64 // answered with a hedge: not misses, still gaps
	Returned      int64 // handoffs agents gave back to the bot
	Withdrawn     int64 // handoffs the customer called off before any agent wrote
	Feedback      int64 // customers' words after a low rating of the bot
}

type kv struct {
	Key   string
	Count int64
}

type gapView struct {
	Clusters []gaps.Cluster
	Picks    []gaps.Picked
	Misses   int
}

// feedbackView is one customer's words after a low rating of the bot,
// masked when recorded (bot/stats) and again here.
type feedbackView struct {
	Conv, Text, Entry, Lang string
	Stars                   int
	Open                    bool // the problem was not solved: a person was offered
	At                      time.Time
}

// feedbackShown caps the feedback listed (the last gapDays days).
const feedbackShown = 20

type recentView struct {
	Conv, Customer, Reason, Lang, Outcome string
	At                                    time.Time
	Rating                                int
}

func summarize(f stats.Figures) summary {
	s := summary{Conversations: f.Conversations, Handoffs: f.Handoffs, Transfers: f.TransfersOut, Misses: f.Misses, Likely: f.Likely,
		Returned: f.Returned, Withdrawn: f.Withdrawn, Feedback: f.Feedback}
	s.Containment = pct(f.Containment(), f.Conversations > 0)
	s.Complaints = pct(f.ComplaintShare(), f.Conversations > 0)
	s.FirstTeam = pct(f.FirstTeamRate(), f.Resolved > 0)
	s.FirstReply = human(f.FirstReply.Mean())
	s.Resolution = human(f.Resolution.Mean())
	c, n := f.CSAT()
	s.CSATCount = n
	s.CSAT = "–"
	if n > 0 {
		s.CSAT = fmt.Sprintf("%.2f", c)
	}
	for _, k := range stats.SortedKeys(f.Reasons) {
		s.Reasons = append(s.Reasons, kv{k, f.Reasons[k]})
	}
	return s
}

func pct(x float64, ok bool) string {
	if !ok {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}

// human is a rounded duration: "45 s", "4 min", "2 h 05 min".
func human(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

func (h *Handler) buildLive(ctx context.Context) (liveView, error) {
	now := h.cfg.Now()
	lv := liveView{Now: now}
	waiting, working, err := h.cfg.Stats.Queue(ctx, queueLimit)
	if err != nil {
		return lv, err
	}
	row := func(w stats.Waiting, want func(lifecycle.State) bool) (queueRow, bool) {
		s, ok, err := h.cfg.Sessions.Get(ctx, w.Conv)
		if err == nil && !ok {
			// The session expired while it was listed: drop it for good.
			if err := h.cfg.Stats.Forget(ctx, w.Conv); err != nil {
				h.cfg.Log.Warn("ops: forgetting an expired conversation", "err", err)
			}
		}
		if err != nil || !ok || s.Handoff == nil || !want(lifecycle.Of(s)) {
			return queueRow{}, false // moved on: the lists catch up with the next event
		}
		hd := s.Handoff
		team := hd.Team
		if team == "" {
			team = "default"
		}
		return queueRow{Conv: s.ID, Customer: customer(s), Reason: hd.Reason, Lang: s.Lang, Team: team, Agent: hd.Agent,
			Since: w.Since, Wait: human(max(now.Sub(hd.At), time.Second)), Reminders: hd.Reminders}, true
	}
	for _, w := range waiting {
		if r, ok := row(w, func(st lifecycle.State) bool { return st == lifecycle.StateWaiting }); ok {
			lv.Waiting = append(lv.Waiting, r)
		}
	}
	for _, w := range working {
		if r, ok := row(w, func(st lifecycle.State) bool { return st == lifecycle.StateClaimed }); ok {
			lv.Working = append(lv.Working, r)
		}
	}
	rep, err := h.cfg.Stats.Report(ctx, 1)
	if err != nil {
		return lv, err
	}
	lv.Today = summarize(rep.All)
	return lv, nil
}

// customer is how the page names a customer: first name only, masked.
func customer(s *session.Session) string {
	name := strings.TrimSpace(s.Name)
	if f := strings.Fields(name); len(f) > 0 {
		return logmask.MaskN(f[0], 24)
	}
	return "customer"
}

func (h *Handler) build(ctx context.Context, window string) (view, error) {
	v := view{Window: "7 days"}
	var err error
	if v.Live, err = h.buildLive(ctx); err != nil {
		return v, err
	}
	// One read per window: a hash per day, whatever the traffic.
	for _, w := range windows {
		key := strings.ReplaceAll(w.Name, " ", "")
		sub, err := h.cfg.Stats.Report(ctx, w.Days)
		if err != nil {
			return v, err
		}
		wv := windowView{Name: w.Name, Key: key, Days: w.Days, Summary: summarize(sub.All), Rows: sub.Rows()}
		wv.Reasons = barsSVG("Handoffs by reason", wv.Summary.Reasons)
		wv.CSAT = csatSVG(sub.All.AgentRatings)
		wv.Daily = dailySVG(sub.Days)
		var langs, agents []kv
		for _, r := range wv.Rows {
			switch r.Scope {
			case "lang":
				langs = append(langs, kv{r.Name, r.F.Conversations})
			case "agent":
				agents = append(agents, kv{r.Name, r.F.Resolved})
			}
		}
		wv.Langs = barsSVG("Conversations by language", langs)
		wv.Agents = barsSVG("Resolved by agent", agents)
		v.Windows = append(v.Windows, wv)
		if key == window || (window == "" && w.Days == 7) {
			v.Selected, v.Window = wv, w.Name
		}
	}
	v.Gaps, err = h.gaps(ctx)
	if err != nil {
		return v, err
	}
	fb, err := h.cfg.Stats.Feedback(ctx, gapDays, feedbackShown)
	if err != nil {
		return v, err
	}
	for _, f := range fb[:min(len(fb), feedbackShown)] {
		v.Feedback = append(v.Feedback, feedbackView{Conv: f.Conv, Text: logmask.MaskN(f.Text, 0), Entry: f.Entry, Lang: f.Lang,
			Stars: f.Stars, Open: f.Open, At: f.At})
	}
	hs, err := h.cfg.Stats.Handoffs(ctx, 20)
	if err != nil {
		return v, err
	}
	for _, hd := range hs {
		s, ok, err := h.cfg.Sessions.Get(ctx, hd.Conv)
		if err != nil || !ok || s.Handoff == nil {
			continue
		}
		rv := recentView{Conv: s.ID, Customer: customer(s), Reason: s.Handoff.Reason, Lang: s.Lang, At: hd.At, Rating: s.Handoff.Rating}
		rv.Outcome = string(lifecycle.Of(s))
		v.Recent = append(v.Recent, rv)
	}
	if k := h.cfg.Knowledge; k != nil && k.Dir() != "" {
		v.Edit = true
		langs := map[string]bool{}
		for id, ls := range k.Entries() {
			v.Entries = append(v.Entries, id)
			for _, l := range ls {
				langs[l] = true
			}
		}
		sort.Strings(v.Entries)
		for l := range langs {
			v.Langs = append(v.Langs, l)
		}
		sort.Strings(v.Langs)
	}
	return v, nil
}

func (h *Handler) gaps(ctx context.Context) (gapView, error) {
	h.gapMu.Lock()
	defer h.gapMu.Unlock()
	now := h.cfg.Now()
	if !h.gapAt.IsZero() && now.Sub(h.gapAt) < gapTTL {
		return h.gapCache, nil
	}
	misses, picks, err := h.cfg.Stats.Samples(ctx, gapDays, gapPerDay)
	if err != nil {
		return gapView{}, err
	}
	g := gapView{Clusters: gaps.Clusters(misses, gapShown), Picks: gaps.Picks(picks, gapShown), Misses: len(misses)}
	h.gapCache, h.gapAt = g, now
	return g, nil
}

// conversation is the viewer: transcript, handoff reason and evidence,
// rating; personal data masked.
func (h *Handler) conversation(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	s, ok, err := h.cfg.Sessions.Get(r.Context(), id)
	if err != nil {
		http.Error(w, "could not read the conversation (Redis): "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if !ok {
		http.Error(w, "no such conversation (it may have expired)", http.StatusNotFound)
		return
	}
	type turnView struct {
		Role, Who, Text, Kind, Entry string
		At                           time.Time
	}
	cv := struct {
		ID, LogID, Customer, Lang, State string
		Handoff                          *session.Handoff
		Evidence                         []string
		Comment                          string
		Turns                            []turnView
	}{ID: s.ID, LogID: logmask.Pseudonym(s.ID), Customer: customer(s), Lang: s.Lang, State: string(lifecycle.Of(s)), Handoff: s.Handoff}
	if s.Handoff != nil {
		for _, e := range s.Handoff.Evidence {
			cv.Evidence = append(cv.Evidence, logmask.MaskN(e, 0))
		}
		cv.Comment = logmask.MaskN(s.Handoff.Comment, 0)
	}
	for _, t := range s.Turns {
		who := t.Role
		switch t.Role {
		case "customer":
			who = cv.Customer
		case "agent":
			who = t.Agent
		}
		text := t.Text
		if t.Role == "customer" || t.Role == "agent" {
			text = logmask.MaskN(text, 0)
		}
		cv.Turns = append(cv.Turns, turnView{Role: t.Role, Who: who, Text: text, Kind: t.Kind, Entry: t.Entry, At: t.At})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.ExecuteTemplate(w, "conversation", cv); err != nil {
		h.cfg.Log.Warn("ops conversation: rendering", "err", err)
	}
}

// ---- SVG charts (drawn on the server; no script needed) ----

func barsSVG(title string, items []kv) template.HTML {
	if len(items) == 0 {
		return ""
	}
	const w, rowH = 420, 22
	var maxN int64 = 1
	for _, it := range items {
		maxN = max(maxN, it.Count)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`,
		template.HTMLEscapeString(title), w, rowH*len(items), w, rowH*len(items))
	for i, it := range items {
		bw := int(float64(w-200) * float64(it.Count) / float64(maxN))
		y := i * rowH
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="13">%s</text><rect x="130" y="%d" width="%d" height="14" fill="#4a7bd0"><title>%s: %d</title></rect><text x="%d" y="%d" font-size="12">%d</text>`,
			y+15, template.HTMLEscapeString(it.Key), y+3, max(bw, 1), template.HTMLEscapeString(it.Key), it.Count, 136+bw, y+15, it.Count)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from escaped parts above
}

func csatSVG(r [6]int64) template.HTML {
	items := make([]kv, 0, 5)
	for stars := 5; stars >= 1; stars-- {
		items = append(items, kv{strings.Repeat("★", stars), r[stars]})
	}
	var total int64
	for _, it := range items {
		total += it.Count
	}
	if total == 0 {
		return ""
	}
	return barsSVG("CSAT distribution", items)
}

func dailySVG(days []stats.Day) template.HTML {
	if len(days) < 2 {
		return ""
	}
	const w, hgt = 600, 140
	var maxN int64 = 1
	for _, d := range days {
		maxN = max(maxN, d.Conversations, d.Handoffs)
	}
	bw := float64(w) / float64(len(days))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg role="img" aria-label="Conversations and handoffs per day" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`, w, hgt+20, w, hgt+20)
	for i, d := range days {
		x := float64(i) * bw
		ch := float64(hgt) * float64(d.Conversations) / float64(maxN)
		hh := float64(hgt) * float64(d.Handoffs) / float64(maxN)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#9db8e8"><title>%s: %d conversations</title></rect>`, x+1, float64(hgt)-ch, bw*0.45, ch, d.Date, d.Conversations)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#d0704a"><title>%s: %d handoffs</title></rect>`, x+1+bw*0.45, float64(hgt)-hh, bw*0.45, hh, d.Date, d.Handoffs)
	}
	fmt.Fprintf(&b, `<text x="0" y="%d" font-size="11">%s</text><text x="%d" y="%d" font-size="11" text-anchor="end">%s</text>`, hgt+15, days[0].Date, w, hgt+15, days[len(days)-1].Date)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // numbers and dates only
}
