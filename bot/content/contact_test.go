package content_test

import (
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/knowledge"
)

func TestShopContact(t *testing.T) {
	entry := func(body string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\nquestions:\n  - \"How can I contact you?\"\n  - \"What's your phone number?\"\ntags: [contact]\n---\n" + body + "\n")}
	}
	for _, c := range []struct {
		name, body         string
		wantEmail, wantTel string // "": the persona's contact stays
	}{
		{"own contact entry", "Ring us on **0117 496 0321** or email hello@bikes.example.", "hello@bikes.example", "0117 496 0321"},
		{"the base names the persona's", "Email support@kumo.example or hello@bikes.example, or call 0117 496 0321.", "", ""},
		{"no phone to give: not the sample's either", "Email hello@bikes.example any time.", "hello@bikes.example", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			kb, problems := knowledge.Load(fstest.MapFS{"en/shop/contact.md": entry(c.body)}, ".")
			if len(problems) > 0 {
				t.Fatal(problems)
			}
			email, phone, ok := content.ShopContact(kb, "support@kumo.example", "+1-555-0142")
			if ok != (c.wantEmail != "") || email != c.wantEmail || phone != c.wantTel {
				t.Errorf("ShopContact = %q, %q, %v; want %q, %q", email, phone, ok, c.wantEmail, c.wantTel)
			}
		})
	}
}

// A persona of the shop's own keeps its contact when the base gives none
// to use instead; the sample persona's never stays beside another base.
func TestShopContactKeepsTheShopsOwnPersona(t *testing.T) {
	kb, problems := knowledge.Load(fstest.MapFS{"en/hours.md": &fstest.MapFile{Data: []byte("---\nquestions:\n  - \"When are you open?\"\n---\n9 to 5.\n")}}, ".")
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if email, phone, ok := content.ShopContact(kb, "hi@hats.example", "+44 20 7946 0000"); ok {
		t.Errorf("own persona replaced by %q, %q", email, phone)
	}
	sEmail, sPhone := content.SampleContact()
	if email, phone, ok := content.ShopContact(kb, sEmail, sPhone); !ok || email != "" || phone != "" {
		t.Errorf("sample persona beside a base without contact: %q, %q, %v; want none of the sample's", email, phone, ok)
	}
}
