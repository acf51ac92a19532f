package store

import (
	"crypto/rand"
	"strings"
	"testing"
)

func randomText() string { return rand.Text()[:10] }

// slot is Redis Cluster's key slot: CRC16 (XMODEM) of the hash tag (or the
// whole key when it has none), mod 16384.
func slot(key string) int {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			key = key[i+1 : i+1+j]
		}
	}
	var crc uint16
	for i := 0; i < len(key); i++ {
		crc ^= uint16(key[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return int(crc) % 16384
}

func TestSlotMatchesRedis(t *testing.T) {
	// Values from CLUSTER KEYSLOT on Redis 7.
	for key, want := range map[string]int{"foo": 12182, "{user1000}.following": 3443, "bar": 5061} {
		if got := slot(key); got != want {
			t.Errorf("slot(%q) = %d, want %d", key, got, want)
		}
	}
}

// Every group of keys that one script or transaction touches together
// must live in one Cluster slot.
func TestKeysOfAScriptShareASlot(t *testing.T) {
	k, err := NewKeys(DefaultPrefix)
	if err != nil {
		t.Fatal(err)
	}
	tg := k.Telegram("123456")
	sl := k.Slack()
	groups := map[string][]string{
		"session scripts":    {k.Lock("telegram:42"), k.State("telegram:42"), k.Outbox("telegram:42"), k.Fence("telegram:42")},
		"timer scripts":      {k.Timer("idle"), k.TimerAttempts("idle")},
		"inbox scripts":      {tg.Update(7), tg.Inbox(), tg.Flood(42, 1), tg.ChatQueue(42), tg.ChatLease(42), tg.Chats(), tg.LeaseVersion()},
		"outbox scripts":     {sl.Outbox(), sl.OutboxDead(), sl.OutboxLock()},
		"card transaction":   {sl.Card("telegram:42"), sl.Thread("C1", "1.2"), sl.CardPost("telegram:42"), sl.Posting(), sl.NotCard("C1", "1.2"), sl.CardFail("telegram:42"), sl.CardsFailed(), sl.Summary("C1", "1.2"), sl.Reminders("C1", "1.2"), sl.Posted("telegram:42", "9")},
		"stats transactions": {k.StatsDay("2026-12-03"), k.StatsAgents(), k.StatsQueue(), k.StatsWorking(), k.StatsHandoffs(), k.StatsMisses("2026-12-03"), k.StatsPicks("2026-12-03"), k.StatsWaits(), k.StatsOnce("3k9x0c2lq1f7")},
	}
	for name, keys := range groups {
		for _, key := range keys[1:] {
			if slot(key) != slot(keys[0]) {
				t.Errorf("%s: %s (slot %d) and %s (slot %d) are in different slots", name, keys[0], slot(keys[0]), key, slot(key))
			}
		}
	}
	// Different conversations spread over slots.
	if slot(k.State("telegram:1")) == slot(k.State("telegram:2")) && slot(k.State("telegram:3")) == slot(k.State("telegram:1")) {
		t.Error("conversations do not spread over slots")
	}
}

func TestKeysOnePrefixAndATagEach(t *testing.T) {
	k, _ := NewKeys("shop1:")
	tg := k.Telegram("1")
	sl := k.Slack()
	for _, key := range []string{k.State("c"), k.Lock("c"), k.Outbox("c"), k.Fence("c"), k.Active(), k.Timer("idle"), k.TimerAttempts("idle"), k.Seen("x"),
		tg.Update(1), tg.Inbox(), tg.ChatQueue(1), tg.ChatLease(1), tg.Chats(), tg.Flood(1, 2), tg.LeaseVersion(),
		sl.Card("c"), sl.Thread("C", "1"), sl.Summary("C", "1"), sl.Reminders("C", "1"), sl.Posted("c", "1"),
		sl.Outbox(), sl.OutboxDead(), sl.OutboxLock(), k.Stats("x"), k.StatsDay("d"), k.StatsWaits(), k.StatsOnce("t"), k.Cache("llm:emb:ab")} {
		if !strings.HasPrefix(key, "shop1:{") {
			t.Errorf("%q does not start with the prefix and a hash tag", key)
		}
		if strings.Count(key, "shop1:") != 1 || strings.Contains(key, "baton:") {
			t.Errorf("%q repeats a prefix", key)
		}
	}
	if k.Timer("idle") != "shop1:{timer:idle}" {
		t.Errorf("Timer = %q", k.Timer("idle"))
	}
}

func TestNewKeysRefusesBracesAndGlobs(t *testing.T) {
	for _, bad := range []string{"a{b", "a}", "a*", "a?", "a[b]"} {
		if _, err := NewKeys(bad); err == nil {
			t.Errorf("NewKeys(%q) accepted", bad)
		}
	}
	if _, err := NewKeys(""); err != nil {
		t.Errorf("empty prefix refused: %v", err)
	}
}
