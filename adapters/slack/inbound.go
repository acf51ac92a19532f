package slack

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	goslack "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/batonhq/baton/bot"
)

// dedupeTTL covers Slack's retries (minutes) with a wide margin.
const dedupeTTL = 24 * time.Hour

// processTimeout bounds the handling of one agent event (a users.info, a
// core call that sends to Telegram, card updates).
const processTimeout = 60 * time.Second

// inboxWorkers handle agent events in parallel, each thread always on the
// same worker: one slow delivery to Telegram holds up its own thread only,
// and two replies in one thread reach the customer in the order written.
const inboxWorkers = 8

// inbound is one agent event, acknowledged already, waiting to be handled.
type inbound struct {
	eventID string
	msg     *slackevents.MessageEvent
	action  *goslack.InteractionCallback
}

// thread is what orders the event: the thread (or card) it belongs to.
func (in inbound) thread() string {
	if in.msg != nil {
		if in.msg.ThreadTimeStamp != "" {
			return in.msg.ThreadTimeStamp
		}
		return in.msg.TimeStamp
	}
	if in.action != nil {
		if in.action.Container.MessageTs != "" {
			return in.action.Container.MessageTs
		}
		return in.action.Message.Timestamp
	}
	return ""
}

// accept queues an acknowledged event for its worker; false when the queue
// is full (the HTTP handler then answers 503 and Slack retries later).
func (d *Desk) accept(in inbound) bool {
	h := fnv.New32a()
	h.Write([]byte(in.thread()))
	select {
	case d.inboxes[h.Sum32()%uint32(len(d.inboxes))] <- in:
		return true
	default:
		d.log.Warn("slack desk: event queue full, asking Slack to retry")
		return false
	}
}

// acceptEvent sorts an Events API callback: thread messages are queued,
// everything else is ignored.
func (d *Desk) acceptEvent(ev slackevents.EventsAPIEvent) bool {
	if ev.Type != slackevents.CallbackEvent {
		return true
	}
	msg, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok {
		return true
	}
	var id string
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		id = cb.EventID
	}
	return d.accept(inbound{eventID: id, msg: msg})
}

// runInbox handles one worker's agent events one at a time.
func (d *Desk) runInbox(ctx context.Context, q <-chan inbound) {
	for {
		select {
		case <-ctx.Done():
			return
		case in := <-q:
			pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), processTimeout)
			d.process(pctx, in)
			cancel()
			if d.handled != nil {
				d.handled(in)
			}
		}
	}
}

func (d *Desk) process(ctx context.Context, in inbound) {
	switch {
	case in.msg != nil:
		d.handleMessage(ctx, in.eventID, in.msg)
	case in.action != nil:
		d.handleAction(ctx, in.action)
	}
}

// firstTime reports whether key has not been handled before. When Redis
// cannot tell, it says yes: handling an event twice is better than never.
func (d *Desk) firstTime(ctx context.Context, key string) bool {
	ok, err := d.store.FirstTime(ctx, "slack:"+key, dedupeTTL)
	if err != nil {
		d.log.Warn("slack desk: dedupe check failed, handling the event anyway", "err", err)
		return true
	}
	return ok
}

// Thread message kinds.
const (
	msgReply   = iota // goes to the customer
	msgNote           // internal, never relayed
	msgCommand        // !claim, !resolve, !bot
	msgUnknownCommand
)

// classify sorts an agent's thread message. Notes start with "note:" or
// "//"; commands are a "!word" on their own.
func classify(text string) (int, string) {
	t := strings.TrimSpace(text)
	low := strings.ToLower(t)
	if strings.HasPrefix(low, "note:") || strings.HasPrefix(low, "//") {
		return msgNote, ""
	}
	if strings.HasPrefix(t, "!") {
		word := strings.ToLower(strings.Fields(t)[0])
		switch word {
		case "!claim", "!resolve", "!bot", "!transfer":
			return msgCommand, word
		case "!return", "!back":
			return msgCommand, "!bot"
		case "!resolved", "!close", "!done":
			return msgCommand, "!resolve"
		}
		if len(strings.Fields(t)) == 1 && isWord(word[1:]) {
			return msgUnknownCommand, word
		}
	}
	return msgReply, ""
}

func isWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

func (d *Desk) handleMessage(ctx context.Context, eventID string, m *slackevents.MessageEvent) {
	// Only human messages in handoff threads of our channel: never our own
	// posts (no echo loops), edits, deletions or joins.
	if m.BotID != "" || !d.ourChannel(m.Channel) || m.User == "" {
		return
	}
	switch m.SubType {
	case "", "thread_broadcast", "file_share":
	default:
		return
	}
	if self := d.self.id(ctx, d); self != "" && m.User == self {
		return
	}
	thread := m.ThreadTimeStamp
	if thread == "" || thread == m.TimeStamp {
		return
	}
	conv, ok, err := d.threadConv(ctx, m.Channel, thread)
	if err != nil {
		d.log.Error("slack desk: thread lookup failed; the agent's message was not handled", "err", err)
		d.notice(ctx, m.Channel, thread, "⚠️ Baton could not read its state (Redis) and did not send this to the customer. Please send it again in a moment.")
		return
	}
	if !ok {
		return // not a handoff thread
	}
	key := "event:" + eventID
	if eventID == "" {
		key = "msg:" + m.Channel + ":" + m.TimeStamp
	}
	if !d.firstTime(ctx, key) {
		return
	}

	text := plainText(m.Text, m.Blocks.BlockSet, func(id string) string { return d.names.name(ctx, d, id) })
	kind, cmd := classify(text)
	isNote := kind == msgNote
	// One card per handoff: a reply in an older card's thread goes nowhere
	// and says where the conversation continues.
	if ref, ok, err := d.card(ctx, conv); err == nil && ok && ref.ts != thread {
		link := "the newest card for this customer"
		cctx, cancel := d.call(ctx)
		if p, err := d.api.GetPermalinkContext(cctx, &goslack.PermalinkParameters{Channel: ref.channel, Ts: ref.ts}); err == nil && p != "" {
			link = "<" + p + "|the newest card>"
		}
		cancel()
		d.notice(ctx, m.Channel, thread, "⚠️ This handoff is closed and the customer has a newer one; not sent. Please continue in "+link+".")
		return
	}
	core := d.getCore()
	if core == nil {
		d.log.Error("slack desk: no core set (SetCore); agent message dropped")
		d.notice(ctx, m.Channel, thread, "⚠️ Baton is starting up and did not send this. Please send it again in a moment.")
		return
	}
	agent := d.agent(ctx, m.User, "")
	if isNote {
		// Kept in the story (a team it is transferred to sees it), never sent.
		if err := core.Note(ctx, conv, agent, text); err != nil {
			d.log.Warn("slack desk: keeping a note", "conv", maskConv(conv), "err", err)
		}
		return
	}
	switch kind {
	case msgUnknownCommand:
		d.notice(ctx, m.Channel, thread, fmt.Sprintf("Unknown command `%s`, not sent to the customer. Commands: `!claim`, `!resolve` (closing + rating), `!bot` (back to the bot, no survey), `!transfer <team>`. Start with `note:` or `//` for an internal note.", Escape(cmd)))
		return
	case msgCommand:
		var err error
		switch cmd {
		case "!claim":
			err = core.Claim(ctx, conv, agent)
		case "!resolve":
			err = core.Resolve(ctx, conv, agent)
		case "!bot":
			err = core.Return(ctx, conv, agent)
		case "!transfer":
			f := strings.Fields(text)
			if len(f) < 2 {
				d.notice(ctx, m.Channel, thread, "Which team? `!transfer <team>`, one of: "+teamList(d.teams()))
				return
			}
			err = core.Transfer(ctx, conv, strings.ToLower(f[1]), agent)
		}
		if err != nil {
			d.log.Warn("slack desk: agent command failed", "cmd", cmd, "conv", maskConv(conv), "err", err)
			d.notice(ctx, m.Channel, thread, "⚠️ `"+cmd+"` did not work: "+Escape(explain(err)))
		}
		return
	}
	if text == "" {
		if m.SubType == "file_share" {
			d.notice(ctx, m.Channel, thread, "📎 Files are not sent to the customer. Please describe it in words, or send a link.")
		}
		return
	}
	if err := core.AgentMessage(ctx, conv, agent, text); err != nil {
		d.log.Warn("slack desk: agent reply not delivered", "conv", maskConv(conv), "err", err)
		d.notice(ctx, m.Channel, thread, "⚠️ Not delivered to the customer: "+Escape(explain(err)))
		return
	}
	if m.SubType == "file_share" {
		d.notice(ctx, m.Channel, thread, "📎 The text was sent; files are not. Please describe the file or send a link.")
	}
}

// teamList shows the teams for a notice.
func teamList(teams []string) string {
	if len(teams) == 0 {
		return "_(no teams: add them to prompts/routing.yaml)_"
	}
	return "`" + strings.Join(teams, "`, `") + "`"
}

// explain turns a core error into words for the agent.
func explain(err error) string {
	switch {
	case errors.Is(err, bot.ErrUnknownTeam):
		return err.Error()
	case errors.Is(err, bot.ErrNoConversation):
		return "this conversation no longer exists (it expired)."
	case errors.Is(err, bot.ErrBlocked):
		return "the customer has blocked the bot, so nothing can reach them."
	case errors.Is(err, context.DeadlineExceeded):
		return "it took too long; please try again."
	}
	return err.Error()
}

// notice posts a short note for agents in the thread (never to the customer).
func (d *Desk) notice(ctx context.Context, channel, thread, text string) {
	cctx, cancel := d.call(ctx)
	defer cancel()
	if _, _, err := d.api.PostMessageContext(cctx, channel, goslack.MsgOptionText(text, false), goslack.MsgOptionTS(thread)); err != nil {
		d.log.Warn("slack desk: posting a notice", "err", err)
	}
}

// agent is the Agent for a Slack user, named as the customer will see it.
func (d *Desk) agent(ctx context.Context, userID, fallback string) bot.Agent {
	name := d.names.name(ctx, d, userID)
	if name == "" {
		name = fallback
	}
	return bot.Agent{ID: userID, Name: name}
}

func (d *Desk) handleAction(ctx context.Context, cb *goslack.InteractionCallback) {
	if cb.Type != goslack.InteractionTypeBlockActions {
		return
	}
	for _, a := range cb.ActionCallback.BlockActions {
		if a == nil {
			continue
		}
		switch a.ActionID {
		case ActionClaim, ActionResolve, ActionReturn, ActionTransfer:
		default:
			continue
		}
		channel := cb.Container.ChannelID
		if channel == "" {
			channel = cb.Channel.ID
		}
		ts := cb.Container.MessageTs
		if ts == "" {
			ts = cb.Message.Timestamp
		}
		if !d.ourChannel(channel) {
			continue
		}
		// The card the button is on decides the conversation; the button's
		// value is only a fallback.
		conv, ok, err := d.threadConv(ctx, channel, ts)
		if err != nil {
			d.ephemeral(ctx, channel, cb.User.ID, "⚠️ Baton could not read its state (Redis). Please press the button again in a moment.")
			continue
		}
		if !ok && a.ActionID != ActionTransfer {
			conv = a.Value
		}
		if conv == "" {
			continue
		}
		if !d.firstTime(ctx, "action:"+channel+":"+ts+":"+a.ActionID+":"+cb.User.ID+":"+a.ActionTs) {
			continue
		}
		core := d.getCore()
		if core == nil {
			d.ephemeral(ctx, channel, cb.User.ID, "⚠️ Baton is starting up. Please press the button again in a moment.")
			continue
		}
		if ref, ok, err := d.card(ctx, conv); err == nil && ok && ref.ts != ts {
			d.ephemeral(ctx, channel, cb.User.ID, "This handoff is closed; the customer has a newer card.")
			continue
		}
		agent := d.agent(ctx, cb.User.ID, cb.User.Name)
		switch a.ActionID {
		case ActionClaim:
			err = core.Claim(ctx, conv, agent)
		case ActionResolve:
			err = core.Resolve(ctx, conv, agent)
		case ActionReturn:
			err = core.Return(ctx, conv, agent)
		case ActionTransfer:
			err = core.Transfer(ctx, conv, a.SelectedOption.Value, agent)
		}
		if err != nil {
			d.log.Warn("slack desk: button failed", "action", a.ActionID, "conv", maskConv(conv), "err", err)
			d.ephemeral(ctx, channel, cb.User.ID, "⚠️ That did not work: "+Escape(explain(err)))
		}
	}
}

func (d *Desk) ephemeral(ctx context.Context, channel, user, text string) {
	if user == "" {
		return
	}
	cctx, cancel := d.call(ctx)
	defer cancel()
	if _, err := d.api.PostEphemeralContext(cctx, channel, user, goslack.MsgOptionText(text, false)); err != nil {
		d.log.Warn("slack desk: posting an ephemeral notice", "err", err)
	}
}
