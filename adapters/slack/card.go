package slack

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	goslack "github.com/slack-go/slack"

	"github.com/batonhq/baton/bot/hours"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
)

// Action ids of the card's buttons.
const (
	ActionClaim    = "baton_claim"
	ActionResolve  = "baton_resolve"
	ActionReturn   = "baton_return"
	ActionTransfer = "baton_transfer" // a menu of teams
)

// Slack's Block Kit limits the card stays within.
const (
	maxBlocks       = 50
	maxSectionText  = 3000
	maxFieldText    = 2000
	maxHeaderText   = 150
	maxBotTurnRunes = 700 // long bot answers are cut on the card; the customer's words never are
)

// stateMoved is how an earlier team's card shows a transferred handoff
// (a rendering of the card, not a state of the handoff).
const stateMoved lifecycle.State = "moved"

// cardInput is everything a card is built from.
type cardInput struct {
	s         *session.Session
	now       time.Time
	summary   string // from the Summarizer, "" until it arrives
	suggested string
	teams     []string          // teams to offer in the transfer menu
	movedTo   *session.Transfer // set on an earlier team's card after a transfer
	hours     *hours.Hours
}

// slackDate renders t so every agent sees it in their own time zone, with
// a UTC fallback for clients that cannot.
func slackDate(t time.Time, format string) string {
	return fmt.Sprintf("<!date^%d^%s|%s>", t.Unix(), format, t.UTC().Format("Jan 2 15:04 UTC"))
}

// humanDuration is a short, rounded duration: "just now", "4 min", "2 h 5 min", "3 days".
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
	return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
}

func mrkdwn(text string) *goslack.TextBlockObject {
	// verbatim: Slack must not turn words into links or mentions on its own;
	// everything a customer wrote is escaped and shown as written.
	return goslack.NewTextBlockObject(goslack.MarkdownType, text, false, true)
}

func plain(text string) *goslack.TextBlockObject {
	return goslack.NewTextBlockObject(goslack.PlainTextType, text, true, false)
}

// truncate cuts s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// truncateEscaped cuts escaped text to n bytes-worth of runes without
// splitting an entity such as &amp;.
func truncateEscaped(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	out := string(r)
	if i := strings.LastIndexByte(out, '&'); i >= 0 && !strings.Contains(out[i:], ";") {
		out = out[:i]
	}
	return out + "…"
}

func customerName(s *session.Session) string {
	if n := strings.TrimSpace(s.Name); n != "" {
		return n
	}
	if s.Username != "" {
		return "@" + s.Username
	}
	return "A customer"
}

var reasonText = map[string]string{
	"explicit":  "asked for a person",
	"complaint": "sounds upset (complaint)",
	"confusion": "the bot could not help (repeated misses)",
	"loop":      "going in circles",
	"agent":     "an agent picked the conversation up again",
}

func reasonLabel(r string) string {
	if t, ok := reasonText[r]; ok {
		return t
	}
	if r == "" {
		return "handed off"
	}
	return strings.ReplaceAll(r, "_", " ")
}

// buildCard renders the handoff card: who, why, the transcript, what the
// bot tried, how long the customer has waited, where the handoff stands,
// and the buttons while it is open.
func buildCard(in cardInput) ([]goslack.Block, string) {
	s, h := in.s, in.s.Handoff
	st := lifecycle.Of(s)
	if in.movedTo != nil {
		st = stateMoved
	}
	name := customerName(s)

	var header string
	switch st {
	case stateMoved:
		header = "➡️ " + name + " — transferred to " + teamName(in.movedTo.To)
	case lifecycle.StateWaiting:
		header = "🙋 " + name + " needs a person"
	case lifecycle.StateClaimed:
		header = "💬 " + name + " is talking with " + h.Agent
	case lifecycle.StateResolved:
		header = "✅ " + name + " — resolved"
	case lifecycle.StateReturned:
		header = "↩️ " + name + " — back with the bot"
	default:
		header = "💤 " + name + " — closed"
	}
	blocks := []goslack.Block{goslack.NewHeaderBlock(plain(truncate(header, maxHeaderText)))}

	// Who the customer is.
	who := "*Customer*\n" + Escape(truncate(name, 200))
	if s.Username != "" && name != "@"+s.Username {
		who += " (@" + Escape(truncate(s.Username, 64)) + ")"
	}
	lang := s.Lang
	if lang == "" {
		lang = "unknown"
	}
	fields := []*goslack.TextBlockObject{
		mrkdwn(who),
		mrkdwn("*Language*\n" + Escape(truncate(lang, 32))),
		mrkdwn("*Reason*\n" + Escape(truncate(reasonLabel(h.Reason), 200))),
		mrkdwn("*Conversation*\n" + Escape(truncate(s.Channel, 32)) + " · `" + Escape(truncate(s.ID, 120)) + "`"),
	}
	blocks = append(blocks, goslack.NewSectionBlock(nil, fields, nil))

	// Why: the detector's evidence and scores.
	if why := evidenceText(h); why != "" {
		blocks = append(blocks, goslack.NewSectionBlock(mrkdwn(why), nil, nil))
	}

	// Where it came from, on a transferred handoff's card.
	if n := len(h.Transfers); n > 0 && in.movedTo == nil {
		tr := h.Transfers[n-1]
		text := "➡️ *Transferred from " + Escape(teamName(tr.From)) + "*"
		if tr.Agent != "" {
			text += " — " + Escape(tr.Agent) + " had it"
		}
		if tr.By != "" && tr.By != tr.Agent {
			text += ", moved by " + Escape(tr.By)
		}
		text += ". The customer was told who is coming and does not need to repeat anything: the whole story, notes included, is below."
		blocks = append(blocks, goslack.NewSectionBlock(mrkdwn(text), nil, nil))
	}

	// How long the customer has waited.
	blocks = append(blocks, goslack.NewContextBlock("", mrkdwn(waitText(in))))

	// Where it stands.
	blocks = append(blocks, goslack.NewSectionBlock(mrkdwn(statusText(in, st)), nil, nil))

	if in.hours != nil && !h.At.IsZero() && !in.hours.Open(h.At) {
		back := in.hours.NextOpen(h.At)
		blocks = append(blocks, goslack.NewContextBlock("", mrkdwn(fmt.Sprintf(
			"🌙 Arrived outside team hours (%s). The customer was told the team is back %s and that we pick the conversation up then.",
			Escape(in.hours.String()), slackDate(back, "{date_short_pretty} {time}")))))
	}

	if in.summary != "" {
		text := "*Summary* _(AI, check before relying on it)_\n" + Escape(in.summary)
		if in.suggested != "" {
			text += "\n*Suggested reply*\n>" + strings.ReplaceAll(Escape(in.suggested), "\n", "\n>")
		}
		blocks = append(blocks, goslack.NewSectionBlock(mrkdwn(truncateEscaped(text, maxSectionText)), nil, nil))
	}

	blocks = append(blocks, goslack.NewSectionBlock(mrkdwn(knowledgeText(s)), nil, nil))

	var actions goslack.Block
	if st == lifecycle.StateWaiting || st == lifecycle.StateClaimed {
		claim := goslack.NewButtonBlockElement(ActionClaim, s.ID, plain("Claim"))
		if st == lifecycle.StateClaimed {
			claim = goslack.NewButtonBlockElement(ActionClaim, s.ID, plain("Take over"))
		} else {
			claim = claim.WithStyle(goslack.StylePrimary)
		}
		resolve := goslack.NewButtonBlockElement(ActionResolve, s.ID, plain("Resolve"))
		if st == lifecycle.StateClaimed {
			resolve = resolve.WithStyle(goslack.StylePrimary)
		}
		back := goslack.NewButtonBlockElement(ActionReturn, s.ID, plain("Back to bot"))
		elems := []goslack.BlockElement{claim, resolve, back}
		var opts []*goslack.OptionBlockObject
		for _, t := range in.teams {
			if t != h.Team {
				opts = append(opts, goslack.NewOptionBlockObject(t, plain(t), nil))
			}
		}
		if len(opts) > 0 {
			elems = append(elems, goslack.NewOptionsSelectBlockElement(goslack.OptTypeStatic, plain("Transfer to…"), ActionTransfer, opts...))
		}
		actions = goslack.NewActionBlock("baton_actions", elems...)
	}

	// The transcript gets whatever room is left.
	room := maxBlocks - len(blocks) - 2 // divider + actions
	blocks = append(blocks, goslack.NewDividerBlock())
	blocks = append(blocks, transcriptBlocks(s, room)...)
	if actions != nil {
		blocks = append(blocks, actions)
	}

	fallback := fmt.Sprintf("Handoff: %s — %s", Escape(name), Escape(reasonLabel(h.Reason)))
	switch st {
	case lifecycle.StateClaimed:
		fallback += " (with " + Escape(h.Agent) + ")"
	case lifecycle.StateResolved:
		fallback += " (resolved)"
	case lifecycle.StateReturned:
		fallback += " (back with the bot)"
	}
	return blocks, fallback
}

func evidenceText(h *session.Handoff) string {
	var b strings.Builder
	if len(h.Evidence) > 0 {
		b.WriteString("*Why*")
		for _, e := range h.Evidence {
			b.WriteString("\n• " + Escape(truncate(e, 300)))
		}
	}
	if len(h.Scores) > 0 {
		keys := make([]string, 0, len(h.Scores))
		for k := range h.Scores {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if h.Scores[keys[i]] != h.Scores[keys[j]] {
				return h.Scores[keys[i]] > h.Scores[keys[j]]
			}
			return keys[i] < keys[j]
		})
		var parts []string
		for _, k := range keys {
			if h.Scores[k] > 0 {
				parts = append(parts, fmt.Sprintf("%s %.2f", Escape(k), h.Scores[k]))
			}
		}
		if len(parts) > 0 {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString("_Scores: " + strings.Join(parts, " · ") + "_")
		}
	}
	return truncateEscaped(b.String(), maxSectionText)
}

func waitText(in cardInput) string {
	s, h := in.s, in.s.Handoff
	var parts []string
	parts = append(parts, "⏱ Handed off "+slackDate(h.At, "{date_short_pretty} {time}"))
	switch lifecycle.Of(s) {
	case lifecycle.StateWaiting:
		parts = append(parts, "*waiting "+humanDuration(in.now.Sub(h.At))+"* for an agent (as of "+slackDate(in.now, "{time}")+")")
	case lifecycle.StateClaimed:
		if !h.ClaimedAt.IsZero() {
			parts = append(parts, "claimed after "+humanDuration(h.ClaimedAt.Sub(h.At)))
		}
		if !h.FirstReplyAt.IsZero() {
			parts = append(parts, "first reply after "+humanDuration(h.FirstReplyAt.Sub(h.At)))
		}
	case lifecycle.StateResolved, lifecycle.StateReturned:
		if !h.ResolvedAt.IsZero() {
			parts = append(parts, "closed after "+humanDuration(h.ResolvedAt.Sub(h.At)))
		}
	}
	if first := firstCustomerTurn(s); !first.IsZero() && h.At.Sub(first) >= time.Minute {
		parts = append(parts, "talking to the bot for "+humanDuration(h.At.Sub(first))+" before that")
	}
	if h.Reminders > 0 {
		parts = append(parts, fmt.Sprintf("⏰ reminded %d×", h.Reminders))
	}
	return strings.Join(parts, " · ")
}

func firstCustomerTurn(s *session.Session) time.Time {
	for _, t := range s.Turns {
		if t.Role == "customer" && !t.At.IsZero() {
			return t.At
		}
	}
	return s.Started
}

func statusText(in cardInput, st lifecycle.State) string {
	h := in.s.Handoff
	switch st {
	case stateMoved:
		return "➡️ *Transferred to " + Escape(teamName(in.movedTo.To)) + "*. The conversation continues in that team's card; replies here are not sent."
	case lifecycle.StateWaiting:
		return "⏳ *Waiting for an agent.* Reply in this thread to answer the customer (your first reply claims it), or press Claim. " +
			"Start a message with `note:` or `//` to keep it internal. Commands: `!claim`, `!resolve`, `!bot`, `!transfer <team>`."
	case lifecycle.StateClaimed:
		return "🙋 *" + Escape(h.Agent) + " has this conversation.* Replies in the thread go to the customer; `note:` or `//` stays internal."
	case lifecycle.StateResolved:
		text := "✅ *Resolved*"
		if h.Agent != "" {
			text += " by " + Escape(h.Agent)
		}
		if !h.ResolvedAt.IsZero() {
			text += " " + slackDate(h.ResolvedAt, "{time}")
		}
		text += ". The bot is back in charge; a reply in this thread reopens the conversation."
		if h.Rating > 0 {
			text += "\nRating: " + ratingStars(h.Rating)
			if h.Comment != "" {
				text += " — “" + Escape(truncate(h.Comment, 500)) + "”"
			}
		} else {
			text += "\n_Waiting for the customer's rating._"
		}
		return text
	case lifecycle.StateReturned:
		text := "↩️ *Back with the bot*"
		if h.Agent != "" {
			text += " (" + Escape(h.Agent) + ")"
		}
		return text + ", no survey. Replies in this thread go to the customer again and reopen the conversation."
	}
	return "💤 *The bot is in charge again.* A reply in this thread reopens the conversation."
}

// ratingStars shows a 1-5 rating: "★★★★☆ 4/5".
func ratingStars(n int) string {
	n = max(0, min(n, 5))
	return strings.Repeat("★", n) + strings.Repeat("☆", 5-n) + fmt.Sprintf(" %d/5", n)
}

// knowledgeText lists the knowledge entries the bot answered from, with
// their best scores, and how often it found nothing.
func knowledgeText(s *session.Session) string {
	best := map[string]float64{}
	var order []string
	misses := 0
	for _, t := range turnsBeforeHandoff(s) {
		if t.Role != "bot" {
			continue
		}
		if t.Entry == "" {
			if t.Kind == "rephrase" || t.Kind == "guess" || t.Kind == "miss" || t.Kind == "unknown" {
				misses++
			}
			continue
		}
		if _, ok := best[t.Entry]; !ok {
			order = append(order, t.Entry)
		}
		best[t.Entry] = max(best[t.Entry], t.Score)
	}
	if len(order) == 0 && misses == 0 {
		return "*Knowledge tried*\n_none: the bot did not answer from the knowledge base_"
	}
	var parts []string
	for _, id := range order {
		if best[id] > 0 {
			parts = append(parts, fmt.Sprintf("`%s` %.2f", Escape(id), best[id]))
		} else {
			parts = append(parts, "`"+Escape(id)+"`")
		}
	}
	text := "*Knowledge tried*\n" + strings.Join(parts, " · ")
	if misses > 0 {
		if len(parts) > 0 {
			text += " · "
		}
		text += fmt.Sprintf("_%d answer(s) without a confident match_", misses)
	}
	return truncateEscaped(text, maxSectionText)
}

// turnsBeforeHandoff is the conversation as it was when it was handed off:
// what came later goes to the thread, not the card.
func turnsBeforeHandoff(s *session.Session) []session.Turn {
	if s.Handoff == nil || s.Handoff.At.IsZero() {
		return s.Turns
	}
	if len(s.Handoff.Transfers) > 0 {
		return s.Turns // a new team's card: everything so far, agents' replies and notes too
	}
	i := len(s.Turns)
	for i > 0 && s.Turns[i-1].At.After(s.Handoff.At) {
		i--
	}
	return s.Turns[:i]
}

func turnLine(t session.Turn, customer string) string {
	var who string
	text := t.Text
	switch t.Role {
	case "customer":
		who = "👤 *" + Escape(truncate(customer, 80)) + "*"
	case "bot":
		who = "🤖 *Bot*"
		text = truncate(text, maxBotTurnRunes)
		if t.Entry != "" {
			who += fmt.Sprintf(" · `%s`", Escape(t.Entry))
		}
	case "agent":
		who = "🧑‍💼 *" + Escape(t.Agent) + "*"
	case "note":
		who = "📝 _note by " + Escape(t.Agent) + "_"
	default:
		who = "⚙️ _" + Escape(t.Role) + "_"
	}
	line := who
	if !t.At.IsZero() {
		line += " " + slackDate(t.At, "{time}")
	}
	body := Escape(text)
	if body == "" {
		body = "_(no text)_"
	}
	return line + "\n" + body
}

// transcriptBlocks packs the recent transcript into at most room sections
// of at most maxSectionText characters each, dropping the oldest turns
// (and saying so) when it does not fit.
func transcriptBlocks(s *session.Session, room int) []goslack.Block {
	turns := turnsBeforeHandoff(s)
	customer := customerName(s)
	if len(turns) == 0 {
		return []goslack.Block{goslack.NewSectionBlock(mrkdwn("*Transcript*\n_no messages yet_"), nil, nil)}
	}
	lines := make([]string, len(turns))
	for i, t := range turns {
		lines[i] = truncateEscaped(turnLine(t, customer), maxSectionText-200)
	}
	pack := func(from int) []string {
		var secs []string
		cur := fmt.Sprintf("*Transcript* (%d messages)", len(turns)-from)
		if from > 0 {
			cur += fmt.Sprintf(" _%d earlier not shown_", from)
		}
		for _, l := range lines[from:] {
			if len(cur)+2+len(l) > maxSectionText {
				secs = append(secs, cur)
				cur = l
				continue
			}
			cur += "\n\n" + l
		}
		return append(secs, cur)
	}
	from := 0
	secs := pack(from)
	for len(secs) > room && from < len(lines)-1 {
		from++
		secs = pack(from)
	}
	out := make([]goslack.Block, 0, len(secs))
	for _, sec := range slices.Clip(secs) {
		out = append(out, goslack.NewSectionBlock(mrkdwn(sec), nil, nil))
	}
	return out
}
