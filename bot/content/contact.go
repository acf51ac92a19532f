package content

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	baton "github.com/batonhq/baton"
	"github.com/batonhq/baton/bot/knowledge"
)

var (
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)
	// A phone number as shops write them: "+1-555-0142", "0117 496 0321",
	// "(02) 555 0123"; at least 7 digits.
	phoneRe = regexp.MustCompile(`\+?\(?\d[\d ().-]{5,}\d`)
)

// ShopContact decides whose contact the bot gives: persona.yaml's email
// and phone, unless the knowledge base never mentions either. Then the
// base belongs to another shop than the persona's (the sample prompts
// beside a shop's own knowledge, QA walk 2026-12-06: a bike shop's bot
// sent customers to support@kumo.example), and ShopContact returns, with
// ok, the email and phone of the base's contact entry (tagged contact, or
// an id named contact*) when it gives both; and when the persona is the
// sample's, whatever the entry gives, "" for what it does not (said as
// "the email address on our website"): never the sample shop's. A
// persona of the shop's own is kept when the base says nothing usable.
// `baton check` warns about sample prompts beside another shop's base.
func ShopContact(kb *knowledge.Base, email, phone string) (string, string, bool) {
	if kb == nil || Mentions(kb, email) || Mentions(kb, phone) {
		return "", "", false
	}
	var em, ph string
	if e := contactEntry(kb); e != nil {
		text := e.Tip + "\n" + e.Answer
		em = emailRe.FindString(text)
		for _, m := range phoneRe.FindAllString(text, -1) {
			if digits(m) >= 7 {
				ph = strings.TrimSpace(m)
				break
			}
		}
	}
	if em != "" && ph != "" {
		return em, ph, true
	}
	if sEmail, sPhone := SampleContact(); email != "" && email == sEmail || phone != "" && phone == sPhone {
		return em, ph, true
	}
	return "", "", false
}

// SampleContact is the contact of the sample shop the shipped prompts
// describe (prompts/persona.yaml as built into the binary).
var SampleContact = sync.OnceValues(func() (email, phone string) {
	data, err := fs.ReadFile(baton.Files, "prompts/persona.yaml")
	if err != nil {
		return "", ""
	}
	var doc struct {
		Contact struct {
			Email string `yaml:"email"`
			Phone string `yaml:"phone"`
		} `yaml:"contact"`
	}
	if yaml.Unmarshal(data, &doc) != nil {
		return "", ""
	}
	return doc.Contact.Email, doc.Contact.Phone
})

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
