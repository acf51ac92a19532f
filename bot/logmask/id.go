package logmask

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sync/atomic"
)

// Conversation ids in logs.
//
// A conversation id ("telegram:123456789") names a customer: a Telegram
// private chat's id is the user's id. Logs never show it. They show a
// pseudonym instead, "c-" and 12 hex digits of HMAC-SHA256(key, id):
//
//   - the same conversation has the same pseudonym in every log line, on
//     every replica and across restarts (the key comes from configuration,
//     see SetKey), so ops can follow one conversation through the logs;
//   - without the key it cannot be turned back into the id. An unkeyed
//     hash could: Telegram ids are small integers, and hashing them all
//     takes minutes;
//   - with the key it can be computed from an id (`baton logid <chat>`, the
//     ops page), which is how ops find a customer's lines when the
//     customer writes in;
//   - 48 bits: two conversations share a pseudonym about once in 10^8
//     pairs, rare enough for a million conversations in the logs.
//
// Only logs use pseudonyms. Redis keys, Slack cards and the ops page keep
// the real id: agents and ops need it to work.

// pseudonymPrefix marks a pseudonym, so it is recognisable in any log.
const pseudonymPrefix = "c-"

// keyLabel separates the pseudonym key from every other use of the secret
// it is derived from (the Telegram bot token, say): the key is
// HMAC-SHA256(secret, keyLabel), which tells nothing about the secret.
const keyLabel = "baton logmask conversation pseudonym v1"

// key is the current HMAC key. Until SetKey is called it is random, so a
// program that never configures one still logs no reversible id; only
// its pseudonyms then differ from process to process.
var key atomic.Pointer[[]byte]

func init() {
	k := make([]byte, sha256.Size)
	rand.Read(k) // never fails (Go 1.24+: it crashes the program instead)
	key.Store(&k)
}

// SetKey sets the key of every pseudonym from now on, derived from secret.
// Replicas that share the secret log the same pseudonyms. An empty secret
// leaves the key as it is. The secret and the key are never logged.
func SetKey(secret string) {
	if secret == "" {
		return
	}
	k := derive(secret)
	key.Store(&k)
}

func derive(secret string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(keyLabel))
	return m.Sum(nil)
}

// Pseudonym returns the log name of the conversation id, "c-" and 12 hex
// digits. The empty id stays empty.
func Pseudonym(convID string) string {
	if convID == "" {
		return ""
	}
	m := hmac.New(sha256.New, *key.Load())
	m.Write([]byte(convID))
	var sum [sha256.Size]byte
	return pseudonymPrefix + hex.EncodeToString(m.Sum(sum[:0])[:6])
}

// ConvID is a conversation id to be logged. It logs (slog) and prints
// (fmt %s/%v, Error strings) as its pseudonym, computed only when a line
// is written. Use it for every conversation or chat id in a log attribute
// or in an error that may be logged:
//
//	log.Warn("send failed", "conv", logmask.Conv(s.ID), "err", err)
//	fmt.Errorf("session %s: %w", logmask.Conv(id), err)
type ConvID string

// Conv marks a conversation id ("telegram:123456789") for logging.
func Conv(id string) ConvID { return ConvID(id) }

// String is the pseudonym.
func (c ConvID) String() string { return Pseudonym(string(c)) }

// LogValue is the pseudonym.
func (c ConvID) LogValue() slog.Value { return slog.StringValue(Pseudonym(string(c))) }
