package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	goslack "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/session"
)

// dedupeTTL is how long a handled event is remembered: it covers Slack's
// retries (minutes) with a wide margin.
const dedupeTTL = 24 * time.Hour

// processTimeout bounds the handling of one agent event (a users.info, a
// core call that sends to Telegram, card updates).
const processTimeout = 60 * time.Second

// inboxWorkers handle agent events in parallel, each thread always on the
// same worker: one slow delivery to Telegram holds up its own thread only.
// Within a thread, events are handled in Slack's order (see inbox.go).
const inboxWorkers = 8

// inbound is one agent event, taken from the inbox, to be handled.
type inbound struct {
	eventID string
	msg     *slackevents.MessageEvent
	action  *goslack.InteractionCallback
	// waited reports whether it came before its thread was mapped and the
	// inbox held it (later), on any replica; nil: it did not. Asked only
	// when the thread is found not mapped: it costs a Redis call.
	waited func() bool
	// fence is the lease an agent's command or button on conversation
	// conv runs under: its thread's, held by this replica (see
	// commandCtx); nil: no inbox, not fenced.
	fence func(conv string) *session.Fence
}

// acceptEvent sorts an Events API callback (raw is Slack's JSON of it):
// agents' messages in threads of our channels are kept in the inbox,
// everything else is ignored. It reports false when the event could not be
// kept: the caller then does not acknowledge it, and Slack retries.
func (d *Desk) acceptEvent(ev slackevents.EventsAPIEvent, raw []byte) bool {
	if ev.Type != slackevents.CallbackEvent {
		return true
	}
	m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || !d.mayBeAgentReply(m) {
		return true
	}
	return d.persist(m.Channel+":"+m.ThreadTimeStamp, sortKey(m.TimeStamp, d.now()),
		stored{Kind: kindEvent, Key: "m:" + m.Channel + ":" + m.TimeStamp, Payload: raw})
}

// mayBeAgentReply is the cheap part of handleMessage's sorting, done
// before the event is kept: a person's message in a thread of our
// channels; never our own posts (no echo loops), edits, deletions, joins.
func (d *Desk) mayBeAgentReply(m *slackevents.MessageEvent) bool {
	if m.BotID != "" || m.User == "" || !d.ourChannel(m.Channel) {
		return false
	}
	switch m.SubType {
	case "", "thread_broadcast", "file_share":
	default:
		return false
	}
	return m.ThreadTimeStamp != "" && m.ThreadTimeStamp != m.TimeStamp
}

// acceptAction keeps a press of one of the card's buttons or menus (raw is
// Slack's JSON of the interaction) in the inbox, on the card's thread.
func (d *Desk) acceptAction(cb *goslack.InteractionCallback, raw []byte) bool {
	if cb.Type != goslack.InteractionTypeBlockActions {
		return true
	}
	channel, ts := actionCard(cb)
	if !d.ourChannel(channel) || ts == "" {
		return true
	}
	for _, a := range cb.ActionCallback.BlockActions {
		if a == nil {
			continue
		}
		switch a.ActionID {
		case ActionClaim, ActionResolve, ActionReturn, ActionTransfer:
			return d.persist(channel+":"+ts, sortKey(a.ActionTs, d.now()), stored{Kind: kindAction,
				Key: "a:" + channel + ":" + ts + ":" + a.ActionID + ":" + cb.User.ID + ":" + a.ActionTs, Payload: raw})
		}
	}
	return true
}

// pressNotRecorded tells the agent whose press of a card's button could
// not be kept (Redis failing) that nothing was done and to press again.
//
// An Events API callback left unacknowledged is delivered again by Slack,
// so an agent's reply waits for Redis on Slack's side. An interaction is
// never delivered again: unacknowledged (or answered with an error) it is
// gone, and the agent sees at most a warning icon by the button. Keeping
// it in memory to apply when Redis is back was not chosen: the press
// would be acknowledged and still lost if this replica stopped meanwhile,
// applied minutes late after the conversation moved on (an agent's reply
// under the card meanwhile, another agent's claim), and held on one
// replica while the thread's later events are handled in order by
// whichever replica holds its lease. So the press is acknowledged and
// refused in the open; the agent presses again once Redis answers (the
// recovery takes seconds). The notice goes out in the background: the
// Socket Mode loop, or Slack's 3 s for the HTTP answer, does not wait for
// chat.postEphemeral. If Redis failed after keeping it (a timeout on our
// side), the press is acted on as well, and a second press of the same
// button finds the handoff claimed or resolved already and does not do it
// again.
func (d *Desk) pressNotRecorded(cb *goslack.InteractionCallback) {
	channel, ts := actionCard(cb)
	d.metrics.pressNotRecorded.Inc()
	d.log.Warn("slack desk: a button press could not be kept (Redis failing); the agent is told to press again",
		"channel", channel, "card", ts, "user", cb.User.ID)
	d.goBG(func() {
		d.ephemeral(context.Background(), channel, "", cb.User.ID,
			"⚠️ That press was not recorded (Baton cannot reach its database right now), so nothing was done. Please press it again in a moment.")
	})
}

// actionCard is the card an interaction happened on.
func actionCard(cb *goslack.InteractionCallback) (channel, ts string) {
	channel = cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	ts = cb.Container.MessageTs
	if ts == "" {
		ts = cb.Message.Timestamp
	}
	return channel, ts
}

// sortKey is where an event goes in its thread's queue: Slack's ts
// ("1700000000.000101"), or now when Slack sent none or something else.
// Only digits and one dot pass: ParseFloat also takes "NaN", "Inf" and
// "1e9", which Redis refuses as a score halfway through the inbox script
// (after the event was marked queued), and the event would be lost.
func sortKey(ts string, now time.Time) string {
	if isSlackTS(ts) {
		return ts
	}
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}

func isSlackTS(ts string) bool {
	secs, frac, ok := strings.Cut(ts, ".")
	return ok && secs != "" && frac != "" && len(ts) <= 32 && allDigits(secs) && allDigits(frac)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// runInbox handles the threads kicked to one worker, one at a time.
func (d *Desk) runInbox(ctx context.Context, q <-chan string) {
	for {
		select {
		case <-ctx.Done():
			return
		case thread := <-q:
			d.drainThread(ctx, thread)
		}
	}
}

// process handles one agent event. It reports true when the event came
// too early (its thread is not mapped yet while a card is being posted) and
// is to be handled again shortly.
func (d *Desk) process(ctx context.Context, in inbound) (later bool) {
	switch {
	case in.msg != nil:
		return d.handleMessage(ctx, in.msg, in.waited, in.fence)
	case in.action != nil:
		return d.handleAction(ctx, in.action, in.waited, in.fence)
	}
	return false
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

func (d *Desk) handleMessage(ctx context.Context, m *slackevents.MessageEvent, waited func() bool, fence func(string) *session.Fence) (later bool) {
	// Only human messages in handoff threads of our channel: never our own
	// posts (no echo loops), edits, deletions or joins.
	if m.BotID != "" || !d.ourChannel(m.Channel) || m.User == "" {
		return false
	}
	switch m.SubType {
	case "", "thread_broadcast", "file_share":
	default:
		return false
	}
	// Our own posts carry bot_id (checked above); the bot's user id is a
	// second line of defence. While auth.test fails (asked again only
	// after a backoff), users.info says whether the author is a bot.
	if self := d.self.id(ctx, d); self != "" && m.User == self {
		return false
	} else if self == "" && d.names.isBot(ctx, d, m.User) {
		d.log.Debug("slack desk: a bot user's message in a thread, ignored", "channel", m.Channel, "user", m.User)
		return false
	}
	thread := m.ThreadTimeStamp
	if thread == "" || thread == m.TimeStamp {
		return false
	}
	conv, ok, wait, err := d.cardConv(ctx, m.Channel, thread)
	if wait {
		return true
	}
	if err != nil {
		// Redis failing: the message waits first in its thread's queue
		// (what the agent writes next waits behind it) and is taken up
		// again shortly. It was dropped with a notice to send it again,
		// and a reply written meanwhile reached the customer first.
		d.log.Warn("slack desk: thread lookup failed; the agent's message waits in its thread's queue", "err", err)
		if d.lookupFailed != nil {
			d.lookupFailed(m.Channel + ":" + thread)
		}
		return true
	}
	if !ok {
		if waited == nil || !waited() {
			d.log.Debug("slack desk: a message in a thread that is no handoff's card, ignored", "channel", m.Channel, "thread", thread)
			return false
		}
		// It came while a card post was in flight and waited for it, and
		// no post mapped its thread: most likely its card's post failed
		// after Slack showed the card (the outbox posts the card again, in
		// a new thread). The reply is lost: leave a trace, and tell its
		// author, who alone sees the notice (the thread may be no card's).
		d.log.Warn("slack desk: an agent's message waited for its card's post, which did not map its thread; not sent", "channel", m.Channel, "thread", thread)
		d.ephemeral(ctx, m.Channel, thread, m.User, replyNotSent)
		return false
	}
	text := plainText(m.Text, m.Blocks.BlockSet, func(id string) string { return d.names.name(ctx, d, id) })
	kind, cmd := classify(text)
	isNote := kind == msgNote
	// One card per handoff: a reply in an older card's thread goes nowhere
	// and says where the conversation continues.
	if ref, ok, err := d.card(ctx, conv); err == nil && ok && !ref.has(thread) {
		link := "the newest card for this customer"
		cctx, cancel := d.call(ctx)
		if p, err := d.api.GetPermalinkContext(cctx, &goslack.PermalinkParameters{Channel: ref.channel, Ts: ref.ts}); err == nil && p != "" {
			link = "<" + p + "|the newest card>"
		}
		cancel()
		d.notice(ctx, m.Channel, thread, "⚠️ This handoff is closed and the customer has a newer one; not sent. Please continue in "+link+".")
		return false
	}
	core := d.getCore()
	if core == nil {
		d.log.Error("slack desk: no core set (SetCore); agent message dropped")
		d.notice(ctx, m.Channel, thread, "⚠️ Baton is starting up and did not send this. Please send it again in a moment.")
		return false
	}
	agent := d.agent(ctx, m.User, "")
	if isNote {
		// Kept in the story (a team it is transferred to sees it), never sent.
		if err := core.Note(ctx, conv, agent, text); err != nil {
			d.log.Warn("slack desk: keeping a note", "conv", logmask.Conv(conv), "err", err)
		}
		return false
	}
	switch kind {
	case msgUnknownCommand:
		d.notice(ctx, m.Channel, thread, fmt.Sprintf("Unknown command `%s`, not sent to the customer. Commands: `!claim`, `!resolve` (closing + rating), `!bot` (back to the bot, no survey), `!transfer <team>`. Start with `note:` or `//` for an internal note.", Escape(cmd)))
		return false
	case msgCommand:
		var err error
		var team string
		cctx := commandCtx(ctx, fence, conv)
		switch cmd {
		case "!claim":
			err = core.Claim(cctx, conv, agent)
		case "!resolve":
			err = core.Resolve(cctx, conv, agent)
		case "!bot":
			err = core.Return(cctx, conv, agent)
		case "!transfer":
			f := strings.Fields(text)
			if len(f) < 2 {
				d.notice(ctx, m.Channel, thread, "Which team? `!transfer <team>`, one of: "+teamList(d.teams()))
				return false
			}
			team = strings.ToLower(f[1])
			err = core.Transfer(cctx, conv, team, agent)
		}
		if d.fencedOff(err, cmd, conv) {
			return false
		}
		if err != nil {
			d.log.Warn("slack desk: agent command failed", "cmd", cmd, "conv", logmask.Conv(conv), "err", err)
			d.notice(ctx, m.Channel, thread, "⚠️ `"+cmd+"` "+failed(err, "did not work", "was done, but only partly delivered")+": "+Escape(d.explain(err, team)))
		}
		return false
	}
	if text == "" {
		if m.SubType == "file_share" {
			d.notice(ctx, m.Channel, thread, "📎 Files are not sent to the customer. Please describe it in words, or send a link.")
		}
		return false
	}
	if err := core.AgentMessage(ctx, conv, agent, text); err != nil {
		d.log.Warn("slack desk: agent reply not delivered", "conv", logmask.Conv(conv), "err", err)
		d.notice(ctx, m.Channel, thread, "⚠️ "+failed(err, "Not delivered to the customer", "Partly delivered to the customer")+": "+Escape(d.explain(err, "")))
		return false
	}
	if m.SubType == "file_share" {
		d.notice(ctx, m.Channel, thread, "📎 The text was sent; files are not. Please describe the file or send a link.")
	}
	return false
}

// What an agent who pressed or wrote in a thread not mapped to a card,
// after waiting for a card post, is told: no customer got it.
const (
	replyNotSent = "⚠️ Not sent to any customer: this thread is not a handoff card Baton knows (its card may have failed to post; a new card follows if so). If this was a reply to a customer, please send it again in the thread of their newest card."
	pressNotDone = "⚠️ Nothing was done: Baton could not tell which handoff this card is (its card may have failed to post; a new card follows if so). Please press the button again on the customer's newest card."
	// ... when it waited because Redis could not be read.
	replyNotRead = "⚠️ Not sent to the customer: Baton could not read its state (Redis) for a while. Please send it again."
	pressNotRead = "⚠️ Nothing was done: Baton could not read its state (Redis) for a while. Please press the button again."
)

// teamList shows the teams for a notice.
func teamList(teams []string) string {
	if len(teams) == 0 {
		return "_(no teams: add them to prompts/routing.yaml)_"
	}
	return "`" + strings.Join(teams, "`, `") + "`"
}

// explain turns a core error into plain words for the agent. Core errors
// name the conversation by its log pseudonym and carry wrapped causes
// meant for the log (which keeps them, with the ids): agents get words for
// the causes they can act on, and no ids. team is the team a transfer
// asked for ("" otherwise).
func (d *Desk) explain(err error, team string) string {
	switch {
	case errors.Is(err, bot.ErrPartlyDelivered):
		// Before the causes it wraps: a blocked or undeliverable chat
		// after part went out is not a failure outright, and the action
		// itself (a claim, a resolve) was saved.
		return "part of it reached the customer, the rest did not. Sending the same again (the same text, or the same command or button) delivers only the rest."
	case errors.Is(err, bot.ErrUnknownTeam):
		return fmt.Sprintf("there is no team %q. Teams: %s", team, teamList(d.teams()))
	case errors.Is(err, lifecycle.ErrSameTeam):
		return fmt.Sprintf("this handoff is with team %q already.", team)
	case errors.Is(err, lifecycle.ErrNotOpen):
		return "this handoff is closed (resolved, or back with the bot)."
	case errors.Is(err, lifecycle.ErrWithBot):
		return "the conversation is back with the bot; there is no open handoff to claim."
	case errors.Is(err, bot.ErrNoConversation):
		return "this conversation no longer exists (it expired)."
	case errors.Is(err, bot.ErrBlocked):
		return "the customer has blocked the bot, so nothing can reach them."
	case errors.Is(err, bot.ErrUndeliverable):
		return "the customer's chat cannot receive this message."
	case errors.Is(err, context.DeadlineExceeded):
		return "it took too long; please try again."
	}
	return "something went wrong (the details are in Baton's log); please try again."
}

// failed is how a notice says an agent's action failed: fail, or partly
// when the action was done and only part of what it sends reached the
// customer (explain says what): "did not work" would have the agent take a
// saved resolve for one not done.
func failed(err error, fail, partly string) string {
	if errors.Is(err, bot.ErrPartlyDelivered) {
		return partly
	}
	return fail
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

// cardConv finds the conversation of the card whose thread is (channel,
// ts), for an agent's message or button press in it. Not mapped means not
// a handoff thread, or the thread of a card whose post has not returned
// yet (an agent who answers the instant it appears): while a card post is
// in flight (or that cannot be read), the event waits (wait) for its
// mapping. With none in flight, the thread's card post may have ended
// since the first lookup: a post maps its thread before it stops counting
// as in flight (postCard), so a second lookup finds it. Without it the
// event was taken for one in no handoff's thread and dropped.
func (d *Desk) cardConv(ctx context.Context, channel, ts string) (conv string, ok, wait bool, err error) {
	conv, ok, err = d.threadConv(ctx, channel, ts)
	if err != nil || ok {
		return conv, ok, false, err
	}
	if d.unmapped != nil {
		d.unmapped(channel + ":" + ts)
	}
	posting, perr := d.cardsPosting(ctx)
	if perr != nil {
		d.log.Warn("slack desk: checking for card posts in flight", "err", perr)
		return "", false, true, nil
	}
	if posting {
		return "", false, true, nil
	}
	conv, ok, err = d.threadConv(ctx, channel, ts)
	if err != nil || ok {
		return conv, ok, false, err
	}
	// A card whose post timed out on our side (see lookup.go)?
	conv, ok, err = d.cardByRoot(ctx, channel, ts)
	return conv, ok, false, err
}

// handleAction handles a press of a card's button or menu. Like a message,
// a press on a card whose post has not returned yet (the agent pressed the
// instant the card appeared) finds its thread not mapped: it waits (later)
// while a card post is in flight, and is acted on once the mapping is
// there. Falling back at once to the conversation in the button's value
// found the customer's previous card (card records outlive the handoff) and
// refused the newest card as an old one; a menu (Transfer) has no
// conversation in its value and was dropped.
func (d *Desk) handleAction(ctx context.Context, cb *goslack.InteractionCallback, waited func() bool, fence func(string) *session.Fence) (later bool) {
	if cb.Type != goslack.InteractionTypeBlockActions {
		return false
	}
	channel, ts := actionCard(cb)
	if !d.ourChannel(channel) || !hasCardAction(cb) {
		return false
	}
	// The card the button is on decides the conversation; the button's
	// value is only a fallback.
	conv, ok, wait, err := d.cardConv(ctx, channel, ts)
	if wait {
		return true
	}
	if err != nil {
		// Redis failing: the press waits in its thread's queue, as a
		// message does (handleMessage).
		d.log.Warn("slack desk: thread lookup failed; a button press waits in its thread's queue", "err", err)
		if d.lookupFailed != nil {
			d.lookupFailed(channel + ":" + ts)
		}
		return true
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
		conv := conv
		if !ok && a.ActionID != ActionTransfer {
			// No mapping even with no post in flight: a card whose mapping
			// expired, or whose post failed after Slack showed it. Its
			// button still names the conversation.
			conv = a.Value
		}
		if conv == "" {
			if waited != nil && waited() {
				d.log.Warn("slack desk: a button press waited in vain for its card's thread to be mapped; not acted on", "action", a.ActionID, "channel", channel, "card", ts)
			} else {
				d.log.Info("slack desk: a menu choice on a card Baton has no record of; not acted on", "action", a.ActionID, "channel", channel, "card", ts)
			}
			d.ephemeral(ctx, channel, "", cb.User.ID, "⚠️ Baton has no record of this card, so nothing was done. Use `!transfer <team>` in the thread of the customer's newest card.")
			continue
		}
		core := d.getCore()
		if core == nil {
			d.ephemeral(ctx, channel, "", cb.User.ID, "⚠️ Baton is starting up. Please press the button again in a moment.")
			continue
		}
		if ref, ok, err := d.card(ctx, conv); err == nil && ok && !ref.has(ts) {
			d.ephemeral(ctx, channel, "", cb.User.ID, "This handoff is closed; the customer has a newer card.")
			continue
		}
		agent := d.agent(ctx, cb.User.ID, cb.User.Name)
		var team string
		cctx := commandCtx(ctx, fence, conv)
		switch a.ActionID {
		case ActionClaim:
			err = core.Claim(cctx, conv, agent)
		case ActionResolve:
			err = core.Resolve(cctx, conv, agent)
		case ActionReturn:
			err = core.Return(cctx, conv, agent)
		case ActionTransfer:
			team = a.SelectedOption.Value
			err = core.Transfer(cctx, conv, team, agent)
		}
		if d.fencedOff(err, a.ActionID, conv) {
			return false
		}
		if err != nil {
			d.log.Warn("slack desk: button failed", "action", a.ActionID, "conv", logmask.Conv(conv), "err", err)
			d.ephemeral(ctx, channel, "", cb.User.ID, "⚠️ That "+failed(err, "did not work", "was done, but only partly delivered")+": "+Escape(d.explain(err, team)))
		}
	}
	return false
}

// commandCtx is ctx for an agent's command or button on conv, fenced by
// its thread's lease (fence; nil: not fenced). The core checks the lease
// under the conversation's lock before it does anything (bot's
// agentTurn): a replica that stalled past the lease, while another took
// the thread over and did the command, does not do it a second time, nor
// what it would mean by now (a closing and a survey for the customer's
// next handoff, a transferred handoff claimed back, a second "X is with
// you now"). Agents' replies are not fenced: relayed at least once, as
// decided for them (inbox.go).
func commandCtx(ctx context.Context, fence func(string) *session.Fence, conv string) context.Context {
	if fence == nil {
		return ctx
	}
	return session.WithFence(ctx, fence(conv))
}

// fencedOff reports whether an agent's command or button was not done
// because this replica lost the thread's lease before it (err wraps
// session.ErrFenced): nobody is told anything, the event is left queued
// for the lease's holder (drainThread), which does it, or did it.
func (d *Desk) fencedOff(err error, what, conv string) bool {
	if !errors.Is(err, session.ErrFenced) {
		return false
	}
	d.log.Info("slack desk: lost the thread's lease before an agent's command; its holder does it", "command", what, "conv", logmask.Conv(conv))
	return true
}

// hasCardAction reports whether the interaction presses one of the card's
// buttons or menus.
func hasCardAction(cb *goslack.InteractionCallback) bool {
	for _, a := range cb.ActionCallback.BlockActions {
		if a == nil {
			continue
		}
		switch a.ActionID {
		case ActionClaim, ActionResolve, ActionReturn, ActionTransfer:
			return true
		}
	}
	return false
}

// ephemeral shows text to user only, in thread when it is not "".
func (d *Desk) ephemeral(ctx context.Context, channel, thread, user, text string) {
	if user == "" {
		return
	}
	opts := []goslack.MsgOption{goslack.MsgOptionText(text, false)}
	if thread != "" {
		opts = append(opts, goslack.MsgOptionTS(thread))
	}
	cctx, cancel := d.call(ctx)
	defer cancel()
	if _, err := d.api.PostEphemeralContext(cctx, channel, user, opts...); err != nil {
		d.log.Warn("slack desk: posting an ephemeral notice", "err", err)
	}
}
