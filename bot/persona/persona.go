// Package persona holds the bot's voice: its name and self-introduction,
// tone rules for the LLM, and every canned message in every language, as
// ops keep them in prompts/.
//
// The folder looks like this:
//
//	prompts/persona.yaml       name, shop, intro per language, contact, hours, tone rules
//	prompts/messages/en.yaml   every message the core sends, keyed (en is required)
//	prompts/messages/zh.yaml   the same keys in Chinese; missing ones fall back to en
//	prompts/smalltalk.yaml     greeting / thanks / goodbye phrases per language
//
// Messages are text/template strings over Data plus a few functions (see
// funcs.go): {{timeOfDay}}, {{weekday}}, {{intro}}, {{shop}}, {{email}},
// {{phone}}, {{hours}}, {{join .Topics ", "}}, {{bullets .Topics}}.
package persona

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/batonhq/baton/bot/knowledge"
)

// Problem is the same file:line report the knowledge package uses.
type Problem = knowledge.Problem

// warnPrefix marks problems that do not stop anything: the prompts still
// load and the bot falls back sensibly (usually to English).
const warnPrefix = "warning: "

// IsWarning reports whether p is only a warning. Other problems mean a
// message, a language file or (when Load returned nil) the whole persona
// could not be used.
func IsWarning(p Problem) bool { return strings.HasPrefix(p.Msg, warnPrefix) }

// Keys lists every message key the core uses, in the order of the message
// files. English must have all of them; other languages should.
func Keys() []string { return slices.Clone(keys) }

var keys = []string{
	"greet", "greet_again", "greet_lead", "greet_again_lead", "greet_again_time", "greet_again_time_lead", "greet_name", "greet_name_lead", "start", "help",
	"answer_lead", "answer_lead_plain", "answer_lead_problem", "tips_lead", "anything_else", "rephrase", "rephrase_topics", "pick_which", "unsure_topics", "unknown_topics", "unknown", "likely_lead", "likely_else", "guess_lead", "guess_no", "wrong_sorry", "person_button", "offer_person",
	"chat_joke", "chat_compliment", "chat_name", "chat_bot", "chat_weather", "chat_life", "chat_meal", "chat_laugh", "chat_interjection", "chat_apology", "chat_howareyou", "chat_back", "demand_refusal", "demand_refusal_returns", "demand_refusal_plain", "demand_refusal_shipping",
	"answer_lang_en", "answer_lang_zh", "answer_lang_ko", "answer_lang_other", "answer_parts",
	"followup_not_listed", "followup_person", "followup_named_yes", "followup_named_no",
	"thanks", "bye", "declined_open", "thanks_after_miss", "thanks_after_topics", "bye_after_miss", "go_ahead", "ack_closing", "nodesk_again", "pardon_short", "pardon_reach", "pardon_which", "why_lead", "why_objection_lead", "why_more", "why_none", "why_check", "still_here", "empty", "too_long", "media", "sticker", "upset", "media_forwarded",
	"nudge", "idle_close", "store_down", "hiccup",
	"order_received", "order_received_nodesk", "order_known", "order_known_nodesk", "tracking_number", "tracking_number_plain", "tracking_number_short", "card_number", "handoff_sorry", "handoff_subject", "handoff_subject_nodesk", "handoff_order", "handoff_order_nodesk", "handoff_empathy", "handoff_demand", "handoff_answer_lead", "handoff", "handoff_offhours", "handoff_nodesk", "handoff_already", "queue_reminder",
	"wait_ack", "wait_ack_late", "wait_ack_offhours", "wait_ack_agent", "wait_answer_lead", "handoff_withdrawn",
	"agent_joined", "returned", "resolved", "transferred",
	"rating_ask", "rating_confirm", "rating_thanks", "rating_sorry", "rating_invalid", "rating_unasked", "rating_unasked_early", "comment_thanks", "rating_comment_thanks", "rating_comment_sorry", "feedback_open", "feedback_open_nodesk",
	"flood", "group",
	"bye_early", "thanks_early", "person_button_nodesk", "offer_person_nodesk", "wrong_sorry_nodesk", "followup_person_nodesk", "thanks_after_miss_nodesk", "why_more_nodesk", "why_none_nodesk", "why_check_nodesk",
	"unknown_problem_topics", "unknown_problem", "answer_again", "answer_again_earlier", "answer_again_more", "answer_again_more_nodesk", "hedge_lead",
}

// mayBeEmpty are keys whose variants may render to nothing: a lead-in is
// optional, and an empty variant keeps answers from all starting alike.
var mayBeEmpty = map[string]bool{"answer_lead": true, "answer_lead_plain": true}

// Persona is the loaded prompts/ folder. Immutable after Load; safe for
// concurrent use.
type Persona struct {
	name  string
	shop  string
	email string
	phone string
	// replaced: email and phone came from the knowledge base
	// (WithContactFrom), "" where it gave none.
	replaced bool
	tone     []string
	intro    map[string]*template.Template // lang -> intro template
	hours    map[string]string             // lang -> opening hours, phrased
	words    map[string]locale             // lang -> time-of-day and weekday words
	langs    map[string]*langFile          // only usable files
	// langList is langs' keys, sorted once at load: the core asks for
	// them on every answer (endsSaying, twice a turn).
	langList []string
	small    *smalltalk
	cues     cues   // smalltalk.yaml cues:, by kind (Cue)
	zone     string // the hours' time zone as customers read it (ZoneLabel), "" for none
	// static holds what each template made of text and the fixed
	// fields ({{shop}}, {{email}}, {{phone}}, {{hours}}, read after the
	// contact is replaced) renders to (most messages: "Is there anything
	// else we can help with?"), so
	// Say returns it without executing the template: a reply says
	// several of them on every customer message.
	static map[*template.Template]string
}

// langFile is one usable messages/<lang>.yaml.
type langFile struct {
	msgs map[string][]*template.Template // key -> variants
}

// Data is what message templates can use.
type Data struct {
	Bot      string    // the bot's name
	Customer string    // customer's first name, may be empty
	Now      time.Time // local time, for time-of-day touches
	// TimeOfDay, when "morning", "afternoon" or "evening", is the part of
	// the day the customer's greeting named; {{timeOfDay}} mirrors it.
	TimeOfDay string
	Topics    []string // closest topic titles, for "did you mean"
	Agent     string   // agent's display name
	Wait      string   // rough waiting time, already phrased ("a few minutes")
	Back      string   // when the team is back, already phrased
	Team      string   // the team a handoff moved to, as the customer hears it
	Extra     map[string]string
	Seed      int // picks among variants
}

// Name is the bot's name, as the customer sees it ("Mia").
func (p *Persona) Name() string {
	if p == nil {
		return ""
	}
	return p.name
}

// Shop is the shop's name ("Kumo Store").
func (p *Persona) Shop() string {
	if p == nil {
		return ""
	}
	return p.shop
}

// Contact is how customers reach the team outside this chat.
func (p *Persona) Contact() (email, phone string) {
	if p == nil {
		return "", ""
	}
	return p.email, p.phone
}

// Tone lists the voice rules, one sentence each, for an LLM system prompt.
func (p *Persona) Tone() []string {
	if p == nil {
		return nil
	}
	return slices.Clone(p.tone)
}

// Intro is the bot's short self-introduction in lang, falling back to
// English ("I'm Mia from the Kumo team.").
func (p *Persona) Intro(lang string) string {
	if p == nil {
		return ""
	}
	return p.introText(lang, Data{Bot: p.name, Now: time.Now()})
}

// Hours is when the team works, phrased in lang (falling back to English),
// naming the shop's time zone when it states a time (withZone).
func (p *Persona) Hours(lang string) string {
	if p == nil {
		return ""
	}
	if h, ok := p.hours[lang]; ok {
		return withZone(h, p.zone)
	}
	return withZone(p.hours["en"], p.zone)
}

// Langs lists the languages that have a message file, sorted. The slice
// is shared, sorted once at load: callers must not change it in place.
func (p *Persona) Langs() []string {
	if p == nil {
		return nil
	}
	if p.langList != nil {
		return slices.Clip(p.langList) // a caller's append copies it
	}
	return sortedKeys(p.langs)
}

// Has reports whether lang has a message file.
func (p *Persona) Has(lang string) bool {
	if p == nil {
		return false
	}
	_, ok := p.langs[lang]
	return ok
}

// Variants is how many variants lang's own file has for key: 0 when the
// file lacks the key (Say then falls back to English).
func (p *Persona) Variants(lang, key string) int {
	if p == nil {
		return 0
	}
	f, ok := p.langs[lang]
	if !ok {
		return 0
	}
	return len(f.msgs[key])
}

// Say renders message key in lang with data (a template's fields, see
// Data), falling back to English, then to the key itself. Variants of a
// message are picked by seed so one conversation does not repeat itself.
// The result is trimmed; only keys meant to be optional (answer_lead) may
// come back empty.
func (p *Persona) Say(lang, key string, data Data) string {
	if p == nil {
		return key
	}
	if data.Bot == "" {
		data.Bot = p.name
	}
	if data.Now.IsZero() {
		data.Now = time.Now()
	}
	for _, l := range []string{lang, "en"} {
		f, ok := p.langs[l]
		if !ok {
			continue
		}
		vs := f.msgs[key]
		if len(vs) == 0 {
			continue
		}
		out, err := p.render(vs[pick(data.Seed, len(vs))], l, data)
		if err == nil && (out != "" || mayBeEmpty[key]) {
			return out
		}
	}
	return key
}

// SayAfter is Say for a message that follows before in the same reply.
// When before apologises already and this wording of key would too, it
// takes the next wording of key that does not, if there is one: one
// sincere apology in a reply at most ("Sorry, I didn't quite catch
// that..." is not followed by "I'm sorry I haven't found the right answer
// yet").
func (p *Persona) SayAfter(before, lang, key string, data Data) string {
	out := p.Say(lang, key, data)
	if !Apologises(before) || !Apologises(out) {
		return out
	}
	n := p.Variants(lang, key)
	if n == 0 {
		n = p.Variants("en", key)
	}
	for i := 1; i < n; i++ {
		d := data
		d.Seed += i
		if o := p.Say(lang, key, d); !Apologises(o) {
			return o
		}
	}
	return out
}

// apologies finds an apology in en, zh and ko: "不好意思" ("sorry, I
// didn't follow") is one too.
var apologies = regexp.MustCompile(`(?i)sorry|apolog|抱歉|对不起|对不住|不好意思|죄송|미안`)

// Apologises reports whether text says sorry, in any of the languages
// the shipped messages are written in.
func Apologises(text string) bool { return apologies.MatchString(text) }

// pick maps any seed, negative ones too, onto [0, n).
func pick(seed, n int) int {
	i := seed % n
	if i < 0 {
		i += n
	}
	return i
}

// maxOutput bounds what one message may render to; a runaway template
// (a range over a huge number) stops with an error instead of eating memory.
const maxOutput = 16 << 10

var errTooLong = errors.New("message renders longer than 16 KiB")

type limitWriter struct{ bytes.Buffer }

func (w *limitWriter) Write(b []byte) (int, error) {
	if w.Len()+len(b) > maxOutput {
		return 0, errTooLong
	}
	return w.Buffer.Write(b)
}

// render executes one parsed template with the functions bound to lang and
// data. Templates are parsed once at Load, with the functions bound to
// their language; a template that calls a function reading data
// (usesData) runs as a clone per call that gets the bound functions, so
// concurrent calls never share mutable state. The others run as parsed
// (Execute is safe for concurrent use): cloning was most of render's cost,
// on every message.
func (p *Persona) render(t *template.Template, lang string, data Data) (out string, err error) {
	defer func() {
		// text/template re-panics runtime errors from functions; a bad
		// message must never take the bot down.
		if r := recover(); r != nil {
			out, err = "", fmt.Errorf("template panicked: %v", r)
		}
	}()
	if out, ok := p.static[t]; ok {
		return out, nil
	}
	c := t
	if usesData(t) {
		if c, err = t.Clone(); err != nil {
			return "", fmt.Errorf("clone template: %w", err)
		}
		c.Funcs(p.funcs(lang, data))
	}
	var w limitWriter
	if err := c.Execute(&w, data); err != nil {
		return "", err
	}
	return withParticles(lang, strings.TrimSpace(w.String())), nil
}

// introText renders the intro in lang, falling back to English.
func (p *Persona) introText(lang string, data Data) string {
	for _, l := range []string{lang, "en"} {
		t, ok := p.intro[l]
		if !ok {
			continue
		}
		if out, err := p.render(t, l, data); err == nil && out != "" {
			return out
		}
	}
	return ""
}
