package persona

import "time"

// LoadOption changes how Load reads the prompts.
type LoadOption func(*loadOptions)

type loadOptions struct {
	contact func(email, phone string) (string, string, bool)
	zone    *time.Location // WithZone
}

// WithContactFrom lets the caller replace persona.yaml's contact once it
// is read: f gets its email and phone and returns the ones to say
// instead, with ok; an empty one is said as unknownContact's words
// ("the email address on our website"). The knowledge base is the shop's own word on how to
// reach it: a base written for another shop than the persona's (the
// sample prompts beside a shop's own knowledge) must not send customers
// to the sample shop's address. The team's hours then become
// openHours' words, as persona.yaml's hours are not this shop's either.
func WithContactFrom(f func(email, phone string) (string, string, bool)) LoadOption {
	return func(o *loadOptions) { o.contact = f }
}

// openHours is what {{hours}} says when the contact came from the
// knowledge base: the persona's hours describe another team, and the
// base's are not in a form the messages can use.
var openHours = map[string]string{
	"en": "during opening hours",
	"zh": "营业时间内",
	"ko": "영업시간 중",
}

// unknownContact is what {{email}} and {{phone}} say when the contact
// was replaced and the knowledge base gives none: better than another
// shop's address.
var unknownContact = map[string][2]string{
	"en": {"the email address on our website", "the phone number on our website"},
	"zh": {"我们网站上的客服邮箱", "网站上的客服电话"},
	"ko": {"웹사이트에 안내된 이메일", "웹사이트에 안내된 전화번호"},
}

// contactIn is what {{email}} (i 0) or {{phone}} (i 1) says in lang.
func (p *Persona) contactIn(lang string, i int) string {
	if v := [2]string{p.email, p.phone}[i]; v != "" || !p.replaced {
		return v
	}
	if w, ok := unknownContact[lang]; ok {
		return w[i]
	}
	return unknownContact["en"][i]
}

// replaceContact applies o.contact to p (before any message is rendered:
// the templates read p's fields when they run).
func (o loadOptions) replaceContact(p *Persona) {
	if o.contact == nil {
		return
	}
	email, phone, ok := o.contact(p.email, p.phone)
	if !ok {
		return
	}
	p.email, p.phone, p.replaced = email, phone, true
	p.hours = map[string]string{}
	for lang, h := range openHours {
		p.hours[lang] = h
	}
}
