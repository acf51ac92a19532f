package bot_test

import (
	"fmt"
	"testing"
)

// QA walk 2026-12-06 09:05, item 18: a rating typed alone right after a
// goodbye or a thanks ("bye", then "2") is the conversation's rating, once
// (README), in each language; a second one is not counted again.
func TestRatingAloneAfterGoodbye(t *testing.T) {
	f := newFixture(t, false)
	for i, c := range []struct {
		lang  string
		lines []string
	}{
		{"en", []string{"bye", "2"}},
		{"en", []string{"thanks bye", "2"}},
		{"en", []string{"thanks", "4"}},
		{"zh", []string{"再见", "2"}},
		{"ko", []string{"안녕히 계세요", "다섯"}},
	} {
		chat := fmt.Sprintf("byerating%d", i)
		reply, kind, _ := f.convo(t, chat, c.lang, c.lines...)
		if kind != "rated" {
			t.Errorf("%s %q: last turn %s (%q), want the rating taken", c.lang, c.lines, kind, reply)
		}
	}
	if _, kind, _ := f.convo(t, "byerating0", "en", "3"); kind == "rated" {
		t.Errorf(`a second bare "3" after the rating was counted again`)
	}
}
