package store

import "github.com/redis/go-redis/v9"

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
// the stored state in the same round trip.
// KEYS: lock, state. ARGV: token, lock TTL ms.
// Returns {0} when the lock is held, {1} when taken and no state, {1, state}.
var SessionAcquire = redis.NewScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0}
end
local v = redis.call('GET', KEYS[2])
if v then
  return {1, v}
end
return {1}`)

// SessionSave writes the state only while the caller still holds the lock,
// then releases it. A holder whose lock expired (and maybe was taken by a
// newer update) gets 0 and writes nothing.
// KEYS: lock, state. ARGV: token, state, TTL ms.
var SessionSave = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('DEL', KEYS[1])
return 1`)

// SessionDelete removes the state while the caller holds the lock, then
// releases it. KEYS: lock, state. ARGV: token.
var SessionDelete = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[2], KEYS[1])
return 1`)

// ---- timers ({timer:<name>}) ----

// TimerDue claims due ids atomically: it reads and removes them in one
// script, so concurrent callers (several replicas) never get the same id.
// KEYS: timer set. ARGV: now ms, limit.
var TimerDue = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #ids > 0 then
  redis.call('ZREM', KEYS[1], unpack(ids))
end
return ids`)

// ---- the Telegram inbox ({tg:<bot>}) ----

// Results of InboxAccept.
const (
	InboxDone  = 0 // answered before: drop
	InboxOwned = 1 // a replica (maybe this one) has it: drop this copy
	InboxNew   = 2 // new: persisted and claimed by this replica
)

// InboxAccept claims a new update, persists it and counts it against the
// chat's flood window, atomically.
// KEYS: update state, inbox, flood. ARGV: replica, id, payload, state TTL
// ms, flood window ms, count ("1" or "0"). Returns {result, flood count}.
var InboxAccept = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v then
  if v == 'done' then return {0, 0} end
  return {1, 0}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
local n = 0
if ARGV[6] == '1' then
  n = redis.call('INCR', KEYS[3])
  if n == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[5]) end
end
return {2, n}`)

// InboxClaim takes over an inbox entry nobody live owns. ARGV[3] is the
// replica heartbeat key prefix (TelegramKeys.ReplicaPrefix, same tag).
// KEYS: update state, inbox. ARGV: replica, id, heartbeat prefix, state TTL ms.
var InboxClaim = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == 'done' then
  redis.call('HDEL', KEYS[2], ARGV[2])
  return 0
end
if v == ARGV[1] then return 0 end
if v and redis.call('EXISTS', ARGV[3] .. v) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
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
