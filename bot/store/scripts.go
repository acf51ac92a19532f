package store

import (
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// ReplyShape describes a script's reply for an error message by the types
// of its elements (and a string's length), never its contents: inbox
// replies carry raw updates and agent events, customers' words and ids,
// and the error ends up in logs.
func ReplyShape(res []any) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range res {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch v := v.(type) {
		case int64:
			fmt.Fprintf(&b, "%d", v) // status codes and counts: no one's data
		case string:
			fmt.Fprintf(&b, "string(%d bytes)", len(v))
		default:
			fmt.Fprintf(&b, "%T", v)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// Every Lua script Baton runs. Each touches only keys of one hash tag (see
// keys.go), so each is legal on Redis Cluster; the comment of each says
// which keys it takes. Run them with Script.Run (EVALSHA, falling back to
// EVAL the first time a server sees them).

// ---- locks (conversation locks, the outbox drain lock) ----

// Unlock deletes a lock only while it still holds the caller's token, so a
// holder whose lock expired never frees someone else's.
// KEYS: lock. ARGV: token. Returns 1 when deleted.
var Unlock = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

// Renew extends a lock's TTL while it still holds the caller's token.
// KEYS: lock. ARGV: token, TTL ms. Returns 1 when extended.
var Renew = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

// ---- sessions ({c:<conv>}) ----

// SessionAcquire takes a conversation's lock and, when it got it, returns
// the stored state and its outbox in the same round trip (an outbox
// without a state is not returned: it belongs to no session).
// KEYS: lock, state, outbox. ARGV: token, lock TTL ms.
// Returns {0} when the lock is held, {1} when taken and no state,
// {1, state} or {1, state, outbox}.
var SessionAcquire = redis.NewScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0}
end
local v = redis.call('GET', KEYS[2])
if v then
  local o = redis.call('GET', KEYS[3])
  if o then return {1, v, o} end
  return {1, v}
end
return {1}`)

// SessionSave writes the state while the caller still holds the lock,
// then releases it. A lock that expired under a live holder (a stalled
// process on a loaded machine) is not a conflict by itself: when nobody
// holds the lock now and the state and its outbox are still the ones the
// caller read (the SHA1 of the state then that of the outbox, "" for no
// outbox, in ARGV[4]; "" for no state), no other update came in between
// and the save goes ahead. Otherwise (a newer update holds the lock or
// has written since) it gets 0 and writes nothing. The caller computes
// those SHA1s only when they are needed: with "?" in ARGV[4] an expired
// lock gets 2, and the caller calls again with them. A caller that read
// the state without taking the lock (session.ReadAhead) saves the same
// way, with token "" (never a lock's) and the SHA1s at once.
//
// The new state is ARGV[2], then bytes ARGV[5]+1 to ARGV[6] of the stored
// state (the turns the update kept, copied in place rather than sent
// back; none when ARGV[5] equals ARGV[6]), then ARGV[7]; ARGV[8] is the
// length of the state the caller read, which a copy checks; when that
// check fails under the caller's own lock it gets 3 and sends the whole
// record (head, no copy, no tail).
// ARGV[9] is the outbox, written beside the state with the same TTL, or
// "" to delete it: the outbox always belongs to the state saved with it.
// ARGV[10] is the fence: the version of the chat lease the turn ran under
// ("" for work not under a lease: an agent's reply, a timer). A save
// whose version is below the conversation's fence (KEYS[4], the highest
// version that saved) gets {4, fence} and writes nothing, its lock let
// go: its holder stalled past its lease, another replica took the chat
// over and has saved since, and an older turn saved over it would put the
// conversation out of order (or make the new holder answer again); or the
// lease version counter fell behind the fence (it lives in another slot:
// lost, restored older, or a new bot on the same conversations), and the
// caller's next take must be above the fence returned (ChatTake's floor).
// A save that goes ahead raises the fence to its version; an unfenced
// one keeps the fence alive as long as the state (same TTL).
// Instead of the SHA1s, ARGV[4] may be "=" with the state and the outbox
// read themselves in ARGV[11] and ARGV[12], compared as they are: what a
// save without a lock (read ahead) sends, because hashing a record of a
// few KB on both sides (redis.sha1hex is Redis's portable C SHA1) costs
// far more CPU than sending it back and comparing (Lua's strings are
// interned: the comparison is of two pointers).
// KEYS: lock, state, outbox, fence. ARGV: token, head, TTL ms, SHA1 of
// the state read (or "="), copy from, copy to, tail, length read, outbox,
// fence version[, state read, outbox read].
var SessionSave = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if ARGV[10] ~= '' then
  local f = redis.call('GET', KEYS[4])
  if f and tonumber(f) > tonumber(ARGV[10]) then
    if cur and cur == ARGV[1] then redis.call('DEL', KEYS[1]) end
    return {4, tonumber(f)}
  end
end
local v
if cur ~= ARGV[1] then
  if cur then return 0 end
  if ARGV[4] == '?' then return 2 end
  v = redis.call('GET', KEYS[2])
  if ARGV[4] == '=' then
    if v ~= ARGV[11] or (redis.call('GET', KEYS[3]) or '') ~= ARGV[12] then return 0 end
  else
    local h = ''
    if v then h = redis.sha1hex(v) .. redis.sha1hex(redis.call('GET', KEYS[3]) or '') end
    if h ~= ARGV[4] then return 0 end
  end
end
local state = ARGV[2]
local from, to = tonumber(ARGV[5]), tonumber(ARGV[6])
if from < to then
  v = v or redis.call('GET', KEYS[2])
  if not v or #v ~= tonumber(ARGV[8]) then
    -- Under the caller's own lock the state cannot have been rewritten,
    -- only removed (its TTL ran out during the turn, eviction, an ops
    -- DEL): 3 asks for the whole record, which is then saved as before.
    if cur then return 3 end
    return 0
  end
  state = state .. string.sub(v, from + 1, to) .. ARGV[7]
elseif ARGV[7] ~= '' then
  state = state .. ARGV[7]
end
redis.call('SET', KEYS[2], state, 'PX', ARGV[3])
if ARGV[9] ~= '' then
  redis.call('SET', KEYS[3], ARGV[9], 'PX', ARGV[3])
else
  redis.call('DEL', KEYS[3])
end
if ARGV[10] ~= '' then redis.call('SET', KEYS[4], ARGV[10], 'PX', ARGV[3])
else redis.call('PEXPIRE', KEYS[4], ARGV[3]) end
if cur then redis.call('DEL', KEYS[1]) end
return 1`)

// SessionDelete removes the state, its outbox and its fence while the
// caller holds the lock, then releases it. KEYS: lock, state, outbox,
// fence. ARGV: token.
var SessionDelete = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[1])
return 1`)

// SessionOutboxSwap replaces a conversation's outbox record by another
// of the same work, without the lock, while the stored one is still the
// one the caller saved: its body (after the record's header, which names
// the state it was saved with and is kept as it is) must equal ARGV[1].
// The header is ARGV[3] (the record's two format bytes), the state's
// length as a base-128 varint, and 4 bytes of its checksum (see
// bot/session's codec.go). KEYS: outbox, lock. ARGV: body expected, new body,
// format bytes. Returns 1 when replaced, 0 when the record is gone or
// another, or when someone holds the conversation's lock: a locked
// Update writes back the outbox it read, so a swap under it would be
// undone (the replies and owed events outstanding again, handed on twice
// on a replay); the caller then waits for the lock through Update.
// KEYS[2] is the lock (same slot).
var SessionOutboxSwap = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local cur = redis.call('GET', KEYS[1])
if not cur or string.sub(cur, 1, 2) ~= ARGV[3] then return 0 end
local i = 3
while i <= #cur and string.byte(cur, i) >= 128 do i = i + 1 end
local h = i + 4
if h > #cur or string.sub(cur, h + 1) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], string.sub(cur, 1, h) .. ARGV[2], 'KEEPTTL')
return 1`)

// ---- timers ({timer:<name>}) ----

// TimerDue claims due ids atomically: it reads them and moves each to the
// end of its claim lease in one script, so concurrent callers (several
// replicas) never get the same id, and a replica that dies before it has
// handled an id does not lose it: the id falls due again when the lease
// ends. The caller removes it with TimerDone once handled. Each claim is
// counted, so a timer whose handler keeps failing can be dropped after a
// few attempts instead of being retried every lease until its session
// expires.
// KEYS: timer set, attempts hash. ARGV: now ms, limit, lease end ms.
// Returns id1, attempt1, id2, attempt2, ... (attempt 1 = first claim).
var TimerDue = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], ARGV[3], id)
  out[#out+1] = id
  out[#out+1] = redis.call('HINCRBY', KEYS[2], id, 1)
end
return out`)

// TimerArm sets (or moves) id's timer to fire at a due time and clears its
// attempt count: the claims that failed belonged to the timer it replaces
// (a check-in that failed 4 times must not leave the next one, armed by a
// new customer message, a single try before it is dropped). One script, so
// a claim never runs between the two.
// KEYS: timer set, attempts hash. ARGV: due ms, id. Returns ZADD's count.
var TimerArm = redis.NewScript(`
redis.call('HDEL', KEYS[2], ARGV[2])
return redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])`)

// TimerDone removes a handled id, unless the timer was set again while it
// was handled (its due time is no longer the claim's lease end): a new
// customer message or the handler itself rescheduling it wins. Either way
// the claim was handled, so its attempt count goes.
// KEYS: timer set, attempts hash. ARGV: id, lease end ms.
var TimerDone = redis.NewScript(`
redis.call('HDEL', KEYS[2], ARGV[1])
local at = redis.call('ZSCORE', KEYS[1], ARGV[1])
if at and tonumber(at) == tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0`)

// ---- the Telegram inbox ({tg:<bot>}) ----
//
// An update is accepted into the inbox (persisted, queued on its chat)
// before Telegram is told it arrived. One replica at a time holds a chat's
// lease and answers its queue in update order, whichever replica accepted
// the updates; a dead replica's lease expires and a sweep hands the chat
// to another. The Slack desk's agent inbox runs on the same scripts, with
// its {slack} keys: a thread is its "chat", an event's Slack ts its id.

// Results of InboxAccept.
const (
	InboxDone  = 0 // answered before: drop
	InboxOwned = 1 // accepted before and not answered yet: drop this copy
	InboxNew   = 2 // new: persisted and queued on its chat
)

// InboxAccept persists a new update, queues it on its chat and counts it
// against the chat's flood window, atomically.
// KEYS: update state, inbox, flood, chat queue, chats.
// ARGV: id, payload, state TTL ms, flood window ms, count ("1"/"0"), chat.
// Returns {result, flood count}.
var InboxAccept = redis.NewScript(inboxAccept + `
return {2, n}`)

// inboxAccept is the body shared by InboxAccept and InboxAcceptTake: the
// update persisted and queued, n its flood count.
const inboxAccept = `
local v = redis.call('GET', KEYS[1])
if v then
  if v == 'done' then return {0, 0} end
  return {1, 0}
end
redis.call('SET', KEYS[1], 'q', 'PX', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local n = 0
if ARGV[5] == '1' then
  n = redis.call('INCR', KEYS[3])
  if n == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
end
redis.call('ZADD', KEYS[4], ARGV[1], ARGV[1] .. ':' .. n)
redis.call('SADD', KEYS[5], ARGV[6])
`

// InboxAcceptTake is InboxAccept for an adapter that answers the chat
// itself when nobody does: in the same round trip it takes the chat's
// lease when no replica holds it and returns the chat's oldest queued
// update (as ChatTake would have, one round trip later). A lease held by
// anyone, this replica included, is left alone: its holder takes the
// update before letting the lease go (ChatAnswered). A lease taken gets
// the next lease version: its token is ARGV[7] (the replica's prefix,
// "<replica>#") followed by it.
// KEYS: update state, inbox, flood, chat queue, chats, lease, lease
// version counter.
// ARGV: as InboxAccept, then token prefix, lease TTL ms.
// Returns {result, flood count} or, when it took the lease,
// {InboxNew, flood count, member, raw, token}.
var InboxAcceptTake = redis.NewScript(inboxAccept + `
if redis.call('EXISTS', KEYS[6]) == 1 then
  return {2, n}
end
local tok = ARGV[7] .. redis.call('INCR', KEYS[7])
redis.call('SET', KEYS[6], tok, 'PX', ARGV[8])
while true do
  local m = redis.call('ZRANGE', KEYS[4], 0, 0)
  if #m == 0 then
    redis.call('DEL', KEYS[6])
    return {2, n}
  end
  local id = string.match(m[1], '^([^:]+):')
  local raw = id and redis.call('HGET', KEYS[2], id)
  if raw then return {2, n, m[1], raw, tok} end
  redis.call('ZREM', KEYS[4], m[1])
end`)

// chatNext is the tail shared by ChatAcquire and ChatDone: the chat's
// oldest queued update, or, when none is left, the lease released and the
// chat off the chats set in the same step (so an update queued meanwhile
// is never left without a holder). KEYS[1..4]: lease, chat queue, inbox,
// chats; ARGV[3]: chat. Returns {1} (released) or {2, member, raw}.
// The unfenced scripts have no token: tok stays nil, and a Lua array
// ends at its first nil, so they return {2, member, raw} as before.
var chatNext = "\nlocal tok" + chatNextTok

// ChatAcquire takes (or keeps) a chat's lease and returns its oldest
// queued update. KEYS: lease, chat queue, inbox, chats. ARGV: token, lease
// TTL ms, chat. Returns {0} when another replica holds the lease, else as
// chatNext.
var ChatAcquire = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return {0} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])` + chatNext)

// ChatDone marks an update answered (dedupe state "done", out of the inbox
// and the chat's queue) and, while the caller still holds the lease,
// renews it and returns the next update.
// KEYS: lease, chat queue, inbox, chats, update state.
// ARGV: token, lease TTL ms, chat, member, id, state TTL ms.
// Returns {0} when the lease was lost, else as chatNext.
var ChatDone = redis.NewScript(`
redis.call('SET', KEYS[5], 'done', 'PX', ARGV[6])
redis.call('HDEL', KEYS[3], ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[4])
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
redis.call('PEXPIRE', KEYS[1], ARGV[2])` + chatNext)

// The Telegram inbox fences each chat's work by its lease's token
// ("<replica>#<version>", a version per take: TelegramKeys.LeaseVersion):
// a replica that stalled past its lease and lost the chat to another
// cannot mark the chat's updates answered (ChatAnswered), nor save the
// conversation over the new holder's turns (SessionSave's fence), nor
// find its lease still held before it sends (Renew in the save's round
// trip). ChatAcquire and ChatDone stay for the Slack desk, which fences
// its threads by cancelling the work in hand when a renewal finds the
// lease lost (adapters/slack's keepLease).

// chatNextTok is chatNext for the fenced scripts: the update handed out
// comes with the lease's token (local tok).
const chatNextTok = `
while true do
  local m = redis.call('ZRANGE', KEYS[2], 0, 0)
  if #m == 0 then
    redis.call('DEL', KEYS[1])
    redis.call('SREM', KEYS[4], ARGV[3])
    return {1}
  end
  local id = string.match(m[1], '^([^:]+):')
  local raw = id and redis.call('HGET', KEYS[3], id)
  if raw then return {2, m[1], raw, tok} end
  redis.call('ZREM', KEYS[2], m[1])
end`

// ChatTake takes a chat's lease with a new token (the replica's prefix
// ARGV[1], "<replica>#", and the next lease version), unless another
// replica holds it; a lease held by this replica (taken by its accept
// while its loop for the chat ran) is taken over, its loop being the only
// one the replica runs for the chat. ARGV[4], the floor, is a version
// the new one must be above ("0" for none): the conversation's fence a
// refused save reported (SessionSave's {4, fence}); a counter behind it
// is raised, so the next turn's save goes ahead instead of being refused
// on every take. Returns {0} when another replica holds the lease, {1}
// when the chat had nothing left (the lease let go), or {2, member, raw,
// token}: the chat's oldest queued update.
// KEYS: lease, chat queue, inbox, chats, lease version counter.
// ARGV: token prefix, lease TTL ms, chat, floor.
var ChatTake = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, #ARGV[1]) ~= ARGV[1] then return {0} end
local v = redis.call('INCR', KEYS[5])
local floor = tonumber(ARGV[4])
if floor and v <= floor then
  v = floor + 1
  redis.call('SET', KEYS[5], v)
end
local tok = ARGV[1] .. v
redis.call('SET', KEYS[1], tok, 'PX', ARGV[2])` + chatNextTok)

// chatOwn defines own(lease, state, token, ttl, prefix), the one answer
// ChatAnswered and ChatHold give to "is the chat still the caller's?":
// its token holds the lease (renewed); or the lease lapsed with nobody
// taking the chat since (no lease, the update still queued in state:
// whoever took it would have held the lease until it marked it
// answered), and it is taken again with the token; or this replica's own
// accept took it meanwhile (its prefix, the update still queued: the
// replica runs one loop per chat), renewed. Returns the token the chat is
// now held by, or nil when another replica holds it or the update was
// answered by one.
const chatOwn = `
local function own(lease, state, tok, ttl, prefix)
  local cur = redis.call('GET', lease)
  if cur == tok then
    redis.call('PEXPIRE', lease, ttl)
    return tok
  end
  if redis.call('GET', state) ~= 'q' then return nil end
  if not cur then
    redis.call('SET', lease, tok, 'PX', ttl)
    return tok
  end
  if string.sub(cur, 1, #prefix) == prefix then
    redis.call('PEXPIRE', lease, ttl)
    return cur
  end
  return nil
end`

// ChatAnswered marks an update answered (dedupe state "done", out of the
// inbox and the chat's queue), renews the lease and returns the chat's
// next update, only while the caller's token still holds the lease: a
// holder that lost it leaves the update to the replica that took the
// chat over, which answers it (the stalled one sent nothing: its save
// found the lease lost). A lease that ran out with nobody taking the chat
// since (no lease, the update still queued: whoever took it would have
// held the lease until it marked it answered) is still the caller's: it
// is taken again with the same token, so the replies that went out are
// not sent again by a later sweep. Likewise a lease of the caller's own
// (its prefix ARGV[7], "<replica>#": taken by the replica's accept of
// the chat's next message while this lease had lapsed) with the update
// still queued: the replica runs one loop per chat (as ChatTake relies
// on), so the update is still this loop's; it carries on under that
// token, rather than leaving an answered update queued to be answered
// again.
// KEYS: lease, chat queue, inbox, chats, update state.
// ARGV: token, lease TTL ms, chat, member, id, state TTL ms, token prefix.
// Returns {0} when the lease was lost, else as ChatTake.
var ChatAnswered = redis.NewScript(chatOwn + `
local tok = own(KEYS[1], KEYS[5], ARGV[1], ARGV[2], ARGV[7])
if not tok then return {0} end
redis.call('SET', KEYS[5], 'done', 'PX', ARGV[6])
redis.call('HDEL', KEYS[3], ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[4])` + chatNextTok)

// ChatHold checks, before a later reply of a turn goes out, that the
// chat is still the caller's, as ChatAnswered would find it (own, in
// chatOwn). KEYS: lease, update state. ARGV: token, lease TTL ms, token
// prefix. Returns 1 when the chat is still the caller's, else 0 (another
// replica holds it, or the update was answered by one).
var ChatHold = redis.NewScript(chatOwn + `
if own(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3]) then return 1 end
return 0`)

// RenewOwn extends a lease while it is held by one of the caller's
// tokens (its value starts with ARGV[1], the replica's "<replica>#"): a
// replica's heartbeat, for every chat it answers.
// KEYS: lease. ARGV: token prefix, TTL ms. Returns 1 when extended.
var RenewOwn = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

// ---- the Slack desk ({slack}) ----

// SlackSaveCard records a posted (or found) handoff card both ways:
// conversation -> card, thread -> conversation, and ends its post's
// in-doubt mark. When the conversation already has another card for the
// same handoff (ARGV at and n: a post that timed out on our side after
// Slack showed it, and a second post), that card stays the card and this
// one is kept as its twin (field "alt:<ts>" = channel): both threads reach
// the customer. A card for a newer handoff, or a later transfer of it,
// replaces the record, twins included, and the card's refusals are
// forgotten. A card older than the one recorded (a late save: an agent's
// reply adopting card n after a transfer saved card n+1) only has its
// thread mapped, so a reply there is told where the conversation went on;
// the record, the in-doubt mark and the refusals, all of the newer card,
// stay. at is a decimal Unix time in ns, compared as such (a Lua number
// would round it). KEYS: card hash, thread key, in-doubt mark, refusals,
// conversations with refused cards. ARGV: channel, ts, at, n,
// conversation, ttl ms. Returns 1 when this card is the card, 0 when it
// is a twin, 2 when it is older than the card.
var SlackSaveCard = redis.NewScript(`
local function older(at, n, curAt, curN)
  if #at ~= #curAt then return #at < #curAt end
  if at ~= curAt then return at < curAt end
  return tonumber(n) < tonumber(curN)
end
local cur = redis.call('HMGET', KEYS[1], 'ts', 'at', 'n')
local card = 1
if cur[1] and cur[2] == ARGV[3] and cur[3] == ARGV[4] then
  if cur[1] ~= ARGV[2] then
    redis.call('HSET', KEYS[1], 'alt:' .. ARGV[2], ARGV[1])
    card = 0
  end
elseif cur[1] and cur[2] and cur[3] and older(ARGV[3], ARGV[4], cur[2], cur[3]) then
  redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[6])
  return 2
else
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'channel', ARGV[1], 'ts', ARGV[2], 'at', ARGV[3], 'n', ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[6])
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[5], ARGV[5])
return card`)

// SlackRetireTwin retires a twin of a conversation's card whose thread
// Slack refused for good (its channel archived, the app removed from it):
// the twin's field stays ("alt:<ts>", so a press on its buttons is still
// on one of the handoff's cards) and "off:<ts>" records why, so posts
// stop going there. Only a twin of the card recorded now is retired (the
// record may have moved on to a newer handoff's card since the post
// began). KEYS: card hash. ARGV: ts, reason. Returns 1 when this call
// retired it, 2 when it was retired already, 0 when it is no twin of the
// card.
var SlackRetireTwin = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'alt:' .. ARGV[1]) == 0 then return 0 end
if redis.call('HSETNX', KEYS[1], 'off:' .. ARGV[1], ARGV[2]) == 1 then return 1 end
return 2`)

// SlackCardGone records that Slack refused the thread of a conversation's
// card for good (its message deleted, its channel archived): field
// "off:<ts>", as for a retired twin, so later posts skip it without asking
// Slack. Then, once per card, across replicas: a live twin of the card
// (a second card of the same handoff) takes its place, the gone card kept
// as a retired twin ("alt:<ts>" + "off:<ts>": a press on its buttons is
// still on the handoff); else one caller gets to post the card again (a
// claim, field "repost", until Redis's own time + claim ms, so a replica
// that dies while posting hands the job on; no replica's clock times it,
// so clock skew between replicas cannot cut it short; field "repost_by"
// holds the claimer's token, checked by SlackCardReposted). KEYS: card
// hash. ARGV: ts, reason, claim ms, token. Returns {0} when ts is not the
// card recorded now (it moved
// on: read it again), {1} when the caller is to post the card again, {2}
// when a twin took its place, {3} when another caller is posting it again,
// {4} when its loss is recorded already (SlackCardRepostFailed).
var SlackCardGone = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'ts', 'channel')
if cur[1] ~= ARGV[1] then return {0} end
redis.call('HSETNX', KEYS[1], 'off:' .. ARGV[1], ARGV[2])
if redis.call('HEXISTS', KEYS[1], 'lost') == 1 then return {4} end
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local f = all[i]
  if string.sub(f, 1, 4) == 'alt:' then
    local t = string.sub(f, 5)
    if redis.call('HEXISTS', KEYS[1], 'off:' .. t) == 0 then
      redis.call('HDEL', KEYS[1], f)
      redis.call('HSET', KEYS[1], 'ts', t, 'channel', all[i+1], 'alt:' .. ARGV[1], cur[2] or '')
      return {2}
    end
  end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local claim = redis.call('HGET', KEYS[1], 'repost')
if claim and tonumber(claim) and tonumber(claim) > now then return {3} end
redis.call('HSET', KEYS[1], 'repost', string.format('%d', now + tonumber(ARGV[3])), 'repost_by', ARGV[4])
return {1}`)

// SlackCardReposted records the card posted again in place of the card ts
// whose thread is gone (SlackCardGone's claim): it becomes the card, the
// gone one a retired twin, its thread is mapped and the post's in-doubt
// mark ends. When the record moved on meanwhile (a newer handoff's card),
// only the new thread is mapped. The claim is fenced: when ARGV token is
// no longer the claim's (it expired and another caller took it), the post
// is not recorded as the card either, so the card the claim's holder posts
// is the one. KEYS: card hash, new thread key, in-doubt mark. ARGV: gone
// ts, channel, ts, conversation, ttl ms, token. Returns 1 when it is the
// card, 0 when the record moved on or the claim is another caller's.
var SlackCardReposted = redis.NewScript(`
redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5])
local cur = redis.call('HMGET', KEYS[1], 'ts', 'channel', 'repost_by')
if cur[1] ~= ARGV[1] then return 0 end
if cur[3] and cur[3] ~= ARGV[6] then return 0 end
redis.call('HDEL', KEYS[1], 'repost', 'repost_by')
redis.call('HSET', KEYS[1], 'ts', ARGV[3], 'channel', ARGV[2], 'alt:' .. ARGV[1], cur[2] or '')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('DEL', KEYS[3])
return 1`)

// SlackCardRepostFailed ends SlackCardGone's claim on the card ts when its
// new post failed: with ARGV reason "" for another try (Slack failing for
// a moment), else recording the loss (field "lost"): no card can be put
// up for the handoff, and its later posts are dropped. A release leaves
// a claim that is another caller's (token ARGV[3]) alone. KEYS: card
// hash. ARGV: gone ts, reason, token. Returns 0 when ts is not the card
// recorded now, 1 when this call recorded the loss (or released the
// claim), 2 when the loss was recorded already.
var SlackCardRepostFailed = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'ts', 'repost_by')
if cur[1] ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  if not cur[2] or cur[2] == ARGV[3] then redis.call('HDEL', KEYS[1], 'repost', 'repost_by') end
  return 1
end
redis.call('HDEL', KEYS[1], 'repost', 'repost_by')
if redis.call('HSETNX', KEYS[1], 'lost', ARGV[2]) == 1 then return 1 end
return 2`)

// ---- statistics ({stats}) ----

// StatsRecord writes a piece of work's statistics (bot/stats) in one step
// and, when the work has an id, at most once: it first sets the work's
// "counted" marker (SET NX with a TTL) and writes nothing when the marker
// was there (the work is met again: a customer's update taken over by
// another replica, or by the restarted one, after its turn was counted).
// The marker and the counters share the {stats} tag, so the check and the
// writes are one atomic step on Redis Cluster too: a replica killed
// mid-way has counted all of it or none of it.
//
// The writes are a list of operations, each a letter, the index of its key
// in KEYS, then its arguments:
//
//	h key field n       HINCRBY
//	f key field x       HINCRBYFLOAT
//	s key field value   HSET
//	z key score member  ZADD
//	R key min max       ZREMRANGEBYSCORE
//	l key value last    LPUSH, then LTRIM 0 last
//	r key member        ZREM
//	e key ms            PEXPIRE
//
// KEYS: the marker (any {stats} key when there is no marker), then the
// keys the operations name. ARGV: the marker's TTL in ms ("0": no marker),
// then the operations. Returns 1 when written, 0 when the marker was there.
// An operation that fails (a key of the wrong type, an increment on a field
// that is not a number) does not stop the others, as each command of the
// MULTI this replaced stood alone: a broken counter must not cost a claim
// its move to the working list. The script then returns an error naming
// the first failure, after the others are written (and the marker set).
var StatsRecord = redis.NewScript(`
local arity = {h = 4, f = 4, s = 4, z = 4, R = 4, l = 4, r = 3, e = 3}
local i, n = 2, #ARGV
while i <= n do -- checked whole before anything is written or marked
  local a = arity[ARGV[i]]
  if not a or i + a - 1 > n or not KEYS[tonumber(ARGV[i+1]) or 0] then
    return redis.error_reply('stats: bad operation at ' .. i)
  end
  i = i + a
end
if ARGV[1] ~= '0' then
  if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
end
local failed, first = 0, nil
local function run(...) -- one operation's failure does not stop the others
  local r = redis.pcall(...)
  if type(r) == 'table' and r.err then
    failed = failed + 1
    first = first or r.err
  end
end
i = 2
while i <= n do
  local op, k = ARGV[i], KEYS[tonumber(ARGV[i+1])]
  if op == 'h' then run('HINCRBY', k, ARGV[i+2], ARGV[i+3]); i = i + 4
  elseif op == 'f' then run('HINCRBYFLOAT', k, ARGV[i+2], ARGV[i+3]); i = i + 4
  elseif op == 's' then run('HSET', k, ARGV[i+2], ARGV[i+3]); i = i + 4
  elseif op == 'z' then run('ZADD', k, ARGV[i+2], ARGV[i+3]); i = i + 4
  elseif op == 'R' then run('ZREMRANGEBYSCORE', k, ARGV[i+2], ARGV[i+3]); i = i + 4
  elseif op == 'l' then run('LPUSH', k, ARGV[i+2]); run('LTRIM', k, 0, ARGV[i+3]); i = i + 4
  elseif op == 'r' then run('ZREM', k, ARGV[i+2]); i = i + 3
  else run('PEXPIRE', k, ARGV[i+2]); i = i + 3 end
end
if failed > 0 then
  return redis.error_reply('stats: ' .. failed .. ' operation(s) failed, the others written: ' .. first)
end
return 1`)

// ---- the Slack outbox ({slack}) ----

// OutboxPopHead drops the list's head if it is still ARGV[1].
// KEYS: outbox. ARGV: expected head.
var OutboxPopHead = redis.NewScript(`
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[1])
  return 1
end
return 0`)

// OutboxReplaceHead replaces the head (its retry state) if it is still
// ARGV[1]. KEYS: outbox. ARGV: expected head, new head.
var OutboxReplaceHead = redis.NewScript(`
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LSET', KEYS[1], 0, ARGV[2])
  return 1
end
return 0`)

// OutboxDeadHead moves the head to the dead letters (the last 1000 kept)
// if it is still ARGV[1]. KEYS: outbox, dead. ARGV: expected head, dead entry.
var OutboxDeadHead = redis.NewScript(`
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[1])
  redis.call('RPUSH', KEYS[2], ARGV[2])
  redis.call('LTRIM', KEYS[2], -1000, -1)
  return 1
end
return 0`)
