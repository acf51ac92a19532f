package store

import (
	"errors"
	"strconv"
	"strings"
)

// Keys names every Redis key Baton uses, all under one prefix (default
// "baton:"). This file is the only place a key name is spelt.
//
// Every key carries a hash tag ({...}): Redis Cluster places a key by its
// tag alone, so keys that one script or transaction touches together share
// a tag and therefore a slot. The groups:
//
//	{c:<conv>}     one conversation: state, outbox and update lock
//	{active}       the active-conversations sorted set
//	{timer:<name>} one timer's sorted set (idle check-ins, reminders) and attempt counts
//	{seen:<key>}   a first-time marker (dedupe of redelivered events)
//	{tg:<bot>}     one Telegram bot's inbox, chat queues and leases, flood counters
//	{slack}        the Slack desk: cards, threads, summaries, outbox
//	{stats}        desk and wait statistics
//	{cache:<name>} cached derived data (embeddings)
//
// The whole-desk {slack} and {stats} tags put those keys in one slot each:
// their traffic is a handoff's, far below one Redis node's capacity, and
// their transactions span several of them.
type Keys struct{ prefix string }

// DefaultPrefix is the prefix `baton serve` uses unless BATON_REDIS_PREFIX
// says otherwise.
const DefaultPrefix = "baton:"

// NewKeys returns the key names under prefix. The prefix must not hold a
// hash tag's braces (it would decide every key's slot) nor glob characters
// (tests delete their keys by prefix with SCAN MATCH).
func NewKeys(prefix string) (Keys, error) {
	if strings.ContainsAny(prefix, "{}*?[]\\") {
		return Keys{}, errors.New("store: the Redis key prefix must not contain { } * ? [ ] or \\ (it must not decide Cluster slots or act as a pattern)")
	}
	return Keys{prefix: prefix}, nil
}

// DefaultKeys are the key names under DefaultPrefix.
func DefaultKeys() Keys { return Keys{prefix: DefaultPrefix} }

// Prefix is the prefix every key starts with.
func (k Keys) Prefix() string { return k.prefix }

// Conversation state and its update lock (same slot: one script takes the
// lock and reads the state).
func (k Keys) State(conv string) string { return k.prefix + "{c:" + conv + "}:state" }
func (k Keys) Lock(conv string) string  { return k.prefix + "{c:" + conv + "}:lock" }

// Outbox holds what the conversation's last piece of work had to send and
// is not known to have sent (session.Outbox), beside the state rather than
// in it: releases that know nothing of it keep reading the state and leave
// this key alone. Written and read with the state, by the same scripts.
func (k Keys) Outbox(conv string) string { return k.prefix + "{c:" + conv + "}:outbox" }

// Fence is the highest lease version (see TelegramKeys.LeaseVersion)
// whose turn saved the conversation: a turn run under an older lease (its
// holder stalled past the lease and another replica took the chat over)
// cannot save over it (store.SessionSave). Kept with the state's TTL.
func (k Keys) Fence(conv string) string { return k.prefix + "{c:" + conv + "}:fence" }

// Active is the sorted set conversation id -> last update (unix ms).
func (k Keys) Active() string { return k.prefix + "{active}" }

// Timer is the sorted set conversation id -> due time (unix ms) of one
// timer (idle, reminder).
func (k Keys) Timer(name string) string { return k.prefix + "{timer:" + name + "}" }

// TimerAttempts is the hash conversation id -> how many claims of its timer
// (name) in a row ended without being handled. It shares the timer's tag,
// so the claim script counts in the same step; a handled, cancelled or
// dropped timer loses its count.
func (k Keys) TimerAttempts(name string) string {
	return k.prefix + "{timer:" + name + "}:attempts"
}

// Seen is a first-time marker, so a redelivered event is handled once.
func (k Keys) Seen(key string) string { return k.prefix + "{seen:" + key + "}" }

// Telegram returns the key names of one Telegram bot (by its numeric id).
func (k Keys) Telegram(bot string) TelegramKeys {
	return TelegramKeys{base: k.prefix + "{tg:" + bot + "}:"}
}

// TelegramKeys names one bot's inbox keys; all share the bot's hash tag so
// the inbox scripts may touch any of them together.
type TelegramKeys struct{ base string }

// Update is an update's state: "q" while it waits in the inbox, "done"
// once answered; kept for the dedupe TTL so a redelivery is dropped.
func (k TelegramKeys) Update(id int64) string { return k.base + "u:" + strconv.FormatInt(id, 10) }

// Inbox is the hash update id -> raw update of updates not yet answered.
func (k TelegramKeys) Inbox() string { return k.base + "inbox" }

// ChatQueue is the sorted set of a chat's unanswered updates, scored by
// update id (member "<id>:<flood count>"): the order they are answered in.
func (k TelegramKeys) ChatQueue(chat int64) string {
	return k.base + "q:" + strconv.FormatInt(chat, 10)
}

// ChatLease names the replica answering a chat right now (short TTL,
// renewed while it works), so one replica at a time answers a chat, in
// order, whichever replica received the updates.
func (k TelegramKeys) ChatLease(chat int64) string {
	return k.base + "lease:" + strconv.FormatInt(chat, 10)
}

// LeaseVersion counts the chat leases ever taken (all chats of the bot):
// each take gets the next number, in its token ("<replica>#<n>"), so a
// lease taken later always has a higher version than one it replaced
// (the fence a stalled holder's writes are checked against). Never
// expires: a version must never be handed out twice.
func (k TelegramKeys) LeaseVersion() string { return k.base + "leasev" }

// Chats is the set of chats with unanswered updates (what a sweep looks at).
func (k TelegramKeys) Chats() string { return k.base + "chats" }

// Flood counts a chat's messages in one flood-limit window.
func (k TelegramKeys) Flood(chat, window int64) string {
	return k.base + "flood:" + strconv.FormatInt(chat, 10) + ":" + strconv.FormatInt(window, 10)
}

// Slack returns the desk's key names.
func (k Keys) Slack() SlackKeys { return SlackKeys{base: k.prefix + "{slack}:"} }

// SlackKeys names the Slack desk's keys; all share one hash tag.
type SlackKeys struct{ base string }

// Card is the hash conversation -> its card (channel, ts, handoff time).
func (k SlackKeys) Card(conv string) string { return k.base + "conv:" + conv }

// Thread maps a card's thread (channel, ts) to its conversation: how an
// agent's reply finds the customer.
func (k SlackKeys) Thread(channel, ts string) string { return k.base + "thread:" + channel + ":" + ts }

// CardPost marks a conversation's card post whose outcome is unknown
// (started, its thread not mapped yet: the post may have timed out on our
// side after Slack showed the card), by the handoff it is for: before
// posting again the desk looks for that card in the channel.
func (k SlackKeys) CardPost(conv string) string { return k.base + "cardpost:" + conv }

// CardFail is the refusals of a conversation's card (hash: the handoff
// it was for, attempts, the next try in Unix ms); CardsFailed holds the
// conversations with a refused card waiting for its next try (score: that
// time), for the metrics.
func (k SlackKeys) CardFail(conv string) string { return k.base + "cardfail:" + conv }
func (k SlackKeys) CardsFailed() string         { return k.base + "cardsfailed" }

// NotCard remembers a thread found to be no Baton card's (its root has no
// card metadata), so agents chatting there cost one lookup.
func (k SlackKeys) NotCard(channel, ts string) string {
	return k.base + "notcard:" + channel + ":" + ts
}

// Posting holds the card posts in flight (member: a token, score: when the
// post gives up, in Unix ms): an agent who answers the instant a card
// appears, before its thread is mapped, is waited for, not dropped.
func (k SlackKeys) Posting() string { return k.base + "posting" }

// Summary keeps a card's AI summary; Reminders counts its reminders.
func (k SlackKeys) Summary(channel, ts string) string {
	return k.base + "summary:" + channel + ":" + ts
}
func (k SlackKeys) Reminders(channel, ts string) string {
	return k.base + "reminders:" + channel + ":" + ts
}

// Posted records what of a handoff's ending (rating, comments) was posted
// in its thread, so it is posted once.
func (k SlackKeys) Posted(conv, handoff string) string {
	return k.base + "posted:" + conv + ":" + handoff
}

// The agent inbox: every agent event (a thread message, a button) is
// persisted before Slack is acknowledged and handled in order per thread
// by one replica at a time, with the Telegram inbox's scripts (see
// adapters/slack/inbox.go). Event is an event's state ("q" queued, "done"
// handled; kept for the dedupe TTL); a thread ("<channel>:<ts>") has its
// queue of event ids, their payloads and a lease; Threads lists the
// threads with events not handled yet.
func (k SlackKeys) Event(key string) string          { return k.base + "ev:" + key }
func (k SlackKeys) ThreadQueue(thread string) string { return k.base + "tq:" + thread }
func (k SlackKeys) ThreadInbox(thread string) string { return k.base + "ti:" + thread }
func (k SlackKeys) ThreadLease(thread string) string { return k.base + "tl:" + thread }
func (k SlackKeys) Threads() string                  { return k.base + "threads" }

// Waited is since when (unix ms) an agent event, by its Event key, has
// waited for its card's thread to be mapped: whichever replica takes the
// event up next knows it waited, and for how long.
func (k SlackKeys) Waited(key string) string { return k.base + "wait:" + key }

// Outbox is the list of posts waiting for Slack; OutboxDead the ones Slack
// refused for good; OutboxLock who drains it.
func (k SlackKeys) Outbox() string     { return k.base + "outbox" }
func (k SlackKeys) OutboxDead() string { return k.base + "outbox:dead" }
func (k SlackKeys) OutboxLock() string { return k.base + "outbox:lock" }

// Stats names a statistics key; all share one hash tag so a script may
// update several (bot/stats writes a turn's counters and its "counted"
// marker in one StatsRecord).
func (k Keys) Stats(name string) string { return k.prefix + "{stats}:" + name }

// The statistics keys of bot/stats (day is YYYY-MM-DD, UTC):
//
//	StatsDay      hash: counters of one day, "metric" or "metric|dim=value"
//	StatsAgents   hash: agent id -> latest display name
//	StatsQueue    sorted set: waiting conversation -> handoff time (unix ms)
//	StatsWorking  sorted set: conversation with an agent -> claim time (unix ms)
//	StatsHandoffs sorted set: "<conv>|<handoff unix ms>" -> handoff time
//	StatsMisses   list: the day's unanswered messages (JSON, masked), capped
//	StatsPicks    list: topics picked after a miss (JSON, masked), capped
//	StatsFeedback list: what customers wrote when a low rating of the bot
//	              asked what went wrong (JSON, masked), capped
//	StatsWaits    list: recent waits for an agent (seconds), capped
//	StatsOnce     string: "counted" marker of one piece of work (a customer's
//	              update), so that its statistics count once when it is met
//	              again; short TTL (bot/stats.DefaultOnceTTL). turn is a hash
//	              of the work's id, not the id: the key stays short, and
//	              holds no chat id
func (k Keys) StatsDay(day string) string      { return k.Stats("day:" + day) }
func (k Keys) StatsAgents() string             { return k.Stats("agents") }
func (k Keys) StatsQueue() string              { return k.Stats("queue") }
func (k Keys) StatsWorking() string            { return k.Stats("working") }
func (k Keys) StatsHandoffs() string           { return k.Stats("handoffs") }
func (k Keys) StatsMisses(day string) string   { return k.Stats("misses:" + day) }
func (k Keys) StatsPicks(day string) string    { return k.Stats("picks:" + day) }
func (k Keys) StatsFeedback(day string) string { return k.Stats("feedback:" + day) }
func (k Keys) StatsWaits() string              { return k.Stats("waits") }
func (k Keys) StatsOnce(turn string) string    { return k.Stats("once:" + turn) }

// Cache names a cached derived value, such as a knowledge entry's
// embedding (name "llm:emb:<hash>").
func (k Keys) Cache(name string) string { return k.prefix + "{cache:" + name + "}" }

// Vector is the cached embedding of one text (a knowledge question or an
// off-topic message, bot/semantic), by hash of the embeddings model and
// the exact text: an edited text gets a new key, an unchanged one is found
// again after any restart or reload.
func (k Keys) Vector(hash string) string { return k.Cache("vec:" + hash) }
