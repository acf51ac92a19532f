package slack

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	goslack "github.com/slack-go/slack"

	"github.com/batonhq/baton/bot/logmask"
)

// A card post can time out on Baton's side after Slack put the card up
// (Slack slow to answer, the connection cut, the replica killed before it
// mapped the thread). Posting it again would show agents two cards, and a
// reply in the first one's thread would reach nobody. So each card carries
// message metadata naming its handoff, and
//   - a card post that follows a post without an answer (marked in doubt
//     in Redis, see startPosting) first looks for the earlier card in the
//     channel's history and adopts it instead of posting a second one;
//   - an agent's reply or press in a thread Baton has not mapped reads the
//     thread's root: a card of the handoff as it stands is adopted (as
//     the card, or as a twin of the card posted since), so a reply in
//     either card's thread reaches the customer.
// Both use conversations.history (the channels:history / groups:history
// scopes the desk has for agents' replies). When it fails the desk does
// what it did before: posts the card again, and tells an agent whose reply
// could not be routed.

// cardEventType is the metadata event type of a handoff card.
const cardEventType = "baton_handoff_card"

// cardMetadata is what a card of conv's handoff (opened at, n transfers)
// carries.
func cardMetadata(conv string, at time.Time, n int) goslack.SlackMetadata {
	return goslack.SlackMetadata{EventType: cardEventType, EventPayload: map[string]any{
		"conv": conv, "handoff": stamp(at), "n": strconv.Itoa(n),
	}}
}

// cardOf reads a card's metadata: its conversation, handoff time and
// transfers; ok is false for any other message.
func cardOf(m goslack.SlackMetadata) (conv string, at time.Time, n int, ok bool) {
	if m.EventType != cardEventType {
		return "", time.Time{}, 0, false
	}
	conv, _ = m.EventPayload["conv"].(string)
	h, _ := m.EventPayload["handoff"].(string)
	ns, _ := m.EventPayload["n"].(string)
	ns2, err1 := strconv.ParseInt(h, 10, 64)
	nn, err2 := strconv.Atoi(ns)
	if conv == "" || err1 != nil || err2 != nil {
		return "", time.Time{}, 0, false
	}
	return conv, time.Unix(0, ns2), nn, true
}

// ours reports whether Baton's bot (user id self, from auth.test) posted
// m: another app in the channel could post metadata naming a card, and
// must not route replies. Callers look self up once per lookup: with
// auth.test failing, a lookup per message asked it again for each.
func ours(m goslack.Message, self string) bool {
	if m.BotID == "" {
		return false
	}
	return self == "" || m.User == self // auth.test failing: bot_id is all we can check
}

// slackTS is t as a Slack timestamp bound for conversations.history.
func slackTS(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}

// Bounds of the search for a card in the channel's history: from an hour
// before its handoff (clocks differ) and at most this many pages of 200.
const (
	findCardSince = time.Hour
	findCardPages = 5
)

// findCard looks in channel's history for a card of conv's handoff (at,
// n) and returns its ts.
func (d *Desk) findCard(ctx context.Context, channel, conv string, at time.Time, n int, skip ...string) (string, bool, error) {
	p := &goslack.GetConversationHistoryParameters{ChannelID: channel, Oldest: slackTS(at.Add(-findCardSince)),
		Limit: 200, IncludeAllMetadata: true}
	self, asked := "", false
	for range findCardPages {
		cctx, cancel := d.call(ctx)
		resp, err := d.api.GetConversationHistoryContext(cctx, p)
		cancel()
		if err != nil {
			return "", false, fmt.Errorf("looking for the card in the channel's history: %w", err)
		}
		for _, m := range resp.Messages {
			if m.BotID == "" {
				continue
			}
			if !asked { // once per lookup, and only when there is a bot's message
				self, asked = d.self.id(ctx, d), true
			}
			if !ours(m, self) {
				continue
			}
			if c, cat, cn, ok := cardOf(m.Metadata); ok && c == conv && cat.Equal(at) && cn == n && !slices.Contains(skip, m.Timestamp) {
				return m.Timestamp, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return "", false, nil
		}
		p.Cursor = resp.ResponseMetaData.NextCursor
	}
	d.log.Warn("slack desk: gave up looking for a card whose post got no answer in the channel's history (too busy since the handoff); posting it again",
		"conv", logmask.Conv(conv), "channel", channel, "pages", findCardPages)
	return "", false, nil
}

// cardByRoot reads the root of a thread Baton has not mapped: when it is a
// card of the handoff its conversation has now (a post that timed out on
// our side after Slack showed it), the thread is mapped to it and the
// conversation returned. Roots that are no card are remembered, so a
// thread agents chat in costs one lookup.
func (d *Desk) cardByRoot(ctx context.Context, channel, ts string) (string, bool, error) {
	nk := d.keys.NotCard(channel, ts)
	if n, err := d.rdb.Exists(ctx, nk).Result(); err != nil {
		return "", false, fmt.Errorf("reading thread marks: %w", err)
	} else if n > 0 {
		return "", false, nil
	}
	cctx, cancel := d.call(ctx)
	resp, err := d.api.GetConversationHistoryContext(cctx, &goslack.GetConversationHistoryParameters{
		ChannelID: channel, Latest: ts, Oldest: ts, Inclusive: true, Limit: 1, IncludeAllMetadata: true})
	cancel()
	if err != nil {
		d.log.Warn("slack desk: could not read an unmapped thread's root (conversations.history)", "channel", channel, "thread", ts, "err", err)
		return "", false, nil
	}
	var (
		conv  string
		at    time.Time
		n     int
		found bool
	)
	for _, m := range resp.Messages {
		if m.Timestamp == ts && m.BotID != "" && ours(m, d.self.id(ctx, d)) {
			conv, at, n, found = cardOf(m.Metadata)
		}
	}
	if !found {
		if err := d.rdb.Set(ctx, nk, 1, dedupeTTL).Err(); err != nil {
			d.log.Warn("slack desk: remembering a thread that is no card's", "err", err)
		}
		return "", false, nil
	}
	s, ok, err := d.store.Get(ctx, conv)
	if err != nil {
		return "", false, fmt.Errorf("reading the conversation of a card: %w", err)
	}
	if !ok || s.Handoff == nil || !s.Handoff.At.Equal(at) || len(s.Handoff.Transfers) != n {
		return "", false, nil // a card of an earlier handoff (or team): not this one's
	}
	saved, err := d.saveCard(ctx, conv, cardRef{channel: channel, ts: ts, at: at, n: n})
	if err != nil {
		return "", false, err
	}
	d.log.Warn("slack desk: an agent wrote under a card Baton had not mapped (its post timed out on our side); adopted it",
		"conv", logmask.Conv(conv), "channel", channel, "thread", ts, "twin", saved == savedTwin, "stale", saved == savedStale)
	return conv, true, nil
}

// cardInDoubt returns the card of conv's handoff (at, n) that Slack may
// show already when its last post ended without an answer (doubt, the
// in-doubt mark read before, names it): its ts, or "" when there is none
// to adopt and the card is to be posted. skip names cards with the same
// metadata that are not it (a card whose thread is gone, its twins). The
// error is Slack failing for a moment (the post would fail too).
func (d *Desk) cardInDoubt(ctx context.Context, conv, doubt, channel string, at time.Time, n int, skip ...string) (string, error) {
	if doubt != cardMark(at, n) {
		return "", nil
	}
	ts, found, err := d.findCard(ctx, channel, conv, at, n, skip...)
	switch {
	case found:
		return ts, nil
	case err != nil:
		if _, retry := retryable(err); retry {
			return "", err
		}
		d.log.Warn("slack desk: could not look for a card whose post got no answer; posting it again (a reply under the first one still reaches the customer once an agent writes there)",
			"conv", logmask.Conv(conv), "err", err)
	}
	return "", nil
}
