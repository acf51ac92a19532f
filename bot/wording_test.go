package bot_test

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/persona"
)

// Successive uses of one message in a conversation go through its
// wordings: a customer who says "ok" three times hears three different
// replies, not the same sentence three times (the wording's seed used to
// step by three an exchange, so a message with three wordings repeated
// itself).
func TestRepeatedMessageRotatesItsWordings(t *testing.T) {
	f := newFixture(t, false)
	for _, c := range []struct {
		lang, hello, ack string
	}{
		{"en", "hi", "ok"}, {"zh", "你好", "好的"}, {"ko", "안녕하세요", "네"},
	} {
		chat := "rot-" + c.lang
		f.turnIn(t, chat, c.lang, c.hello)
		seen := map[string]int{}
		for i := 1; i <= 3; i++ {
			reply := replyText(f.turnIn(t, chat, c.lang, c.ack))
			if n, ok := seen[reply]; ok {
				t.Errorf("%s: %q #%d got the same reply as #%d: %q", c.lang, c.ack, i, n, reply)
			}
			seen[reply] = i
		}
		if kind := lastBot(f.session(t, chat)).Kind; kind != "ack" {
			t.Fatalf("%s: %q answered as %s, want an acknowledgement", c.lang, c.ack, kind)
		}
	}
}

// saysOneOf reports whether reply carries one of the wordings of message
// key in lang (rendered for the fixture's customer, Jane): tests about
// what a reply is, not which of its wordings the seed picked.
func saysOneOf(t *testing.T, reply, lang, key string) bool {
	t.Helper()
	p := contents(t).Current().Persona
	n := p.Variants(lang, key)
	if n == 0 {
		t.Fatalf("no %s message %q", lang, key)
	}
	for i := 0; i < n; i++ {
		if strings.Contains(reply, p.Say(lang, key, persona.Data{Customer: "Jane", Seed: i})) {
			return true
		}
	}
	return false
}
