package bot_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/persona"
)

// sayings is every wording the shipped persona has for message key in
// lang, rendered as the bot would for the fixtures' customer (Jane Doe,
// called Jane) and for one without a name, each up to its first line
// break (what follows may be a list the turn fills in): a test of a
// reply the persona words one of several ways accepts any of them, and
// only them.
func sayings(t testing.TB, lang, key string) []string {
	t.Helper()
	p := bot.ShippedHolder(t).Current().Persona
	n := p.Variants(lang, key)
	if n == 0 {
		t.Fatalf("the shipped persona has no %s in %s", key, lang)
	}
	var out []string
	for i := range n {
		for _, name := range []string{"Jane", ""} {
			s, _, _ := strings.Cut(p.Say(lang, key, persona.Data{Customer: name, Seed: i}), "\n")
			s = strings.TrimSpace(s)
			if s != "" && s != key && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// howAreYouReplies is the shipped wordings of the reply in kind to "how
// are you?" in English.
func howAreYouReplies(t testing.TB) []string { return sayings(t, "en", "chat_howareyou") }

// sayingsOf is sayings for several keys in several languages, together.
func sayingsOf(t testing.TB, langs []string, keys ...string) []string {
	t.Helper()
	var out []string
	for _, l := range langs {
		for _, k := range keys {
			out = append(out, sayings(t, l, k)...)
		}
	}
	return out
}
