package content

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/batonhq/baton/bot/knowledge"
)

var (
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)
	// A phone number as shops write them: "+1-555-0142", "0117 496 0321",
	// "(02) 555 0123"; at least 7 digits.
	phoneRe = regexp.MustCompile(`\+?\(?\d[\d ().-]{5,}\d`)
)

// ShopContact decides whose contact the bot gives: persona.yaml's email
// and phone, unless the knowledge base never mentions either while it has
// a contact entry of its own (tagged contact, or an id named contact*)
// giving an email and a phone. Then the base belongs to another shop than
// the persona's (the sample prompts beside a shop's own knowledge, QA walk
// 2026-12-06: a bike shop's bot sent customers to support@kumo.example),
// and ShopContact returns the base's, with ok. `baton check` warns about
// such prompts.
func ShopContact(kb *knowledge.Base, email, phone string) (string, string, bool) {
	if kb == nil || Mentions(kb, email) || Mentions(kb, phone) {
		return "", "", false
	}
	e := contactEntry(kb)
	if e == nil {
		return "", "", false
	}
	text := e.Tip + "\n" + e.Answer
	em := emailRe.FindString(text)
	var ph string
	for _, m := range phoneRe.FindAllString(text, -1) {
		if digits(m) >= 7 {
			ph = strings.TrimSpace(m)
			break
		}
	}
	if em == "" || ph == "" {
		return "", "", false
	}
	return em, ph, true
}

// Mentions reports whether any entry of kb, in any language, says s
// (case-insensitive); never for "".
func Mentions(kb *knowledge.Base, s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return false
	}
	for _, id := range kb.IDs() {
		for _, lang := range kb.Langs(id) {
			if e, ok := kb.Entry(id, lang); ok && strings.Contains(strings.ToLower(e.Tip+"\n"+e.Answer), s) {
				return true
			}
		}
	}
	return false
}

// contactEntry is the base's entry on how to reach the shop, in English
// when it has one: tagged contact, else named contact*; nil when none.
func contactEntry(kb *knowledge.Base) *knowledge.Entry {
	var named *knowledge.Entry
	for _, id := range kb.IDs() {
		e, ok := kb.Entry(id, "en") // else another language
		if !ok {
			continue
		}
		if slices.Contains(e.Tags, "contact") {
			return e
		}
		if named == nil && strings.HasPrefix(path.Base(id), "contact") {
			named = e
		}
	}
	return named
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}
