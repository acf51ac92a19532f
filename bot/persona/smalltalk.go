package persona

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/bot/text"
)

// Smalltalk recognises a greeting, thanks or goodbye at the start of text,
// in any language of smalltalk.yaml. kind is "greeting", "thanks", "bye",
// "ack" (the text is only filler words: "ok cool", "知道了") or ""; rest is what follows the phrase ("Hi! where is my order?" gives
// "greeting", "where is my order?"), empty when only smalltalk, filler
// words ("ok", "so much") or the bot's name follow. When several phrases
// follow each other the strongest wins: bye over thanks over greeting.
// With kind "" rest is the whole text, trimmed.
//
// Matching is by whole words (Han characters count one by one), ignoring
// case, punctuation and emoji, so "this" is not "hi" and "thanks!!" is
// thanks.
func (p *Persona) Smalltalk(text string) (kind string, rest string) {
	var a [smallToks]token
	return p.smalltalk(text, appendTokenize(a[:0], text))
}

// SmalltalkIn is Smalltalk on a text already cut (Cut).
func (p *Persona) SmalltalkIn(w Words) (kind string, rest string) { return p.smalltalk(w.text, w.toks) }

// smalltalk is Smalltalk on text cut into toks (text and toks apart, so a
// caller's array of toks stays on its stack though rest is of text).
func (p *Persona) smalltalk(text string, toks []token) (kind string, rest string) {
	if p == nil || p.small == nil {
		return "", strings.TrimSpace(text)
	}
	s := p.small
	if len(toks) == 0 {
		if k := s.emojiKind(text); k != "" {
			return k, "" // "👋" is a greeting, "🙏" thanks
		}
		if k := s.jamo[squeeze(jamoOnly(text))]; k != "" {
			return k, "" // "ㅎㅇ" is hi, "ㄱㅅ" thanks
		}
	}
	pos, end := 0, 0
	for pos < len(toks) {
		k, e := s.talk(toks, pos)
		if k == "" {
			// "ok thanks", "Mia, hi": skip filler only when a phrase follows.
			j := s.skipFiller(toks, pos)
			if j == pos || j == len(toks) {
				break
			}
			if k, e = s.talk(toks, j); k == "" {
				break
			}
		}
		if slices.Contains(ChatKinds, k) || k == "weekend" {
			// One chat kind per call, on its own: "you're great, thanks"
			// is a compliment, then thanks. weekend is howareyou the
			// caller decides on (said alone, first: bot/turn.go).
			if kind != "" {
				break
			}
			kind, pos, end = k, e, toks[e-1].end
			break
		}
		kind = stronger(kind, k)
		pos, end = e, toks[e-1].end
	}
	if kind == "" {
		if len(toks) > 0 && s.skipFiller(toks, 0) == len(toks) {
			if s.laughs(toks) {
				// "lol", "哈哈哈", "하하": a laugh on its own gets a light
				// reply, not "anything else?" and never a question back.
				return "laugh", ""
			}
			// "ok cool", "嗯嗯 知道了", "아 네 알겠어요": an acknowledgement,
			// not a question the bot failed to understand.
			return "ack", ""
		}
		return "", strings.TrimSpace(text)
	}
	if s.skipFiller(toks, pos) == len(toks) {
		return kind, ""
	}
	return kind, trimLead(text[end:])
}

var strength = map[string]int{"greeting": 1, "morning": 1, "afternoon": 1, "evening": 1, "thanks": 2, "bye": 3}

// ChatKinds are small talk that is neither a greeting, thanks nor a
// goodbye: the core answers each with its own message (chat_<kind>) in the
// persona's voice, then gets back to helping. Never a handoff, never a
// list of topics. An apology ("sorry to bother you", "不好意思",
// "죄송한데요") gets a kind "no need to apologise". "life" is the
// customer's day outside the shop (what to eat, being bored, a film to
// watch): no entry of any shop answers it, so it got "our pages don't
// cover this" and topics, where a person says a kind word and goes back
// to helping (issue 10 part 3). "meal" asks about our day ("have you
// had lunch?", "吃了吗", "점심 드셨어요?"), a kindness answered in kind.
var ChatKinds = []string{"joke", "compliment", "name", "bot", "weather", "life", "meal", "apology", "howareyou"}

// IsGreeting reports whether a Smalltalk kind is a greeting; "morning",
// "afternoon" and "evening" are greetings that name the time of day
// ("good evening!"), so the reply can mirror it.
func IsGreeting(kind string) bool {
	return kind == "greeting" || slices.Contains(dayParts[:], kind)
}

// stronger is the kind a message with both a and b in it is: bye over
// thanks over greeting, and among greetings the one that names the time of
// day ("hey, good morning" is a morning greeting, to be mirrored).
func stronger(a, b string) string {
	if strength[b] > strength[a] || a == "greeting" && slices.Contains(dayParts[:], b) {
		return b
	}
	return a
}

// phraseKinds are the lists a language may have in smalltalk.yaml. filler
// words are skipped around phrases; except lists phrases that look like a
// greeting but are not ("你好像..." is "you seem..."); but lists words that
// keep a short message with thanks in it from being a closing ("thanks
// but it still doesn't work", "谢谢 但是还没到").
//
// laugh ("lol", "哈哈") is a kind only when the message is nothing else: an
// acknowledgement, answered lightly (chat_laugh); beside other words it is
// filler ("thanks lol").
var phraseKinds = append([]string{"greeting", "morning", "afternoon", "evening", "thanks", "bye", "filler", "except", "but", "alternative", "laugh", "interjection", "no_person", "decline",
	"affirm", "confirm", "waiting", "withdraw", "intro", "intro_capital", "not_name", "name_end", "correction", "wrong", "sigh", "unsure", "rating1", "rating2", "rating3", "rating4", "rating5", "weekend", "dismay", "why", "understood"}, ChatKinds...)

// wordKinds are lists of words that are not small talk by themselves, so
// talk never matches them: filler, but, alternative ("or", "还是": the
// second half of "are you a person or a bot?") and laugh (filler beside
// other words), the ratings in words (read only after the rating
// prompt, RatingWords), interjection ("wow", "omg": alone in a message,
// Only), and affirm, confirm, waiting, withdraw and wrong
// (read only after "anything else?", after a guess, after the no-desk
// message, while waiting for a person and after a reply that missed:
// Only).
var wordKinds = []string{"filler", "but", "alternative", "laugh", "interjection", "no_person", "decline", "affirm", "confirm", "waiting", "withdraw", "intro", "intro_capital", "not_name", "name_end", "correction", "wrong", "sigh", "unsure", "rating1", "rating2", "rating3", "rating4", "rating5", "dismay", "why", "understood"}

type phrase struct {
	kind string
	toks []token
	word bool // kind is one of wordKinds (set once loaded)
}

type smalltalk struct {
	langs   map[string]bool
	byFirst map[string][]phrase // first token -> phrases, longest first
	emoji   map[string]string   // emoji -> kind, for messages with no words
	jamo    map[string]string   // Hangul letters alone ("ㅎㅇ", "ㄱㅅ") -> kind
	// lists are byFirst's lists, numbered from 1 by index: every reader
	// of a message walks the phrases at each of its tokens, and a message
	// is read by several (OnlyIn for the interjection, SmalltalkIn,
	// DeclinesIn ... on one Cut), so a token keeps the number of its list
	// (token.list), looked up once, not once a reader. id tells the
	// tokens which smalltalk numbered them (token.by).
	lists [][]phrase
	index map[string]uint32
	id    uint32
}

// smalltalkIDs numbers the loaded smalltalks (token.by; 0 is none).
var smalltalkIDs atomic.Uint32

// first is the phrases starting with toks[i] (byFirst), looked up once
// for the token and kept in it: toks are a message's own (Cut, or a
// reader's array), never a phrase's.
func (s *smalltalk) first(toks []token, i int) []phrase {
	t := &toks[i]
	if t.by != s.id {
		t.list, t.by = uint32(s.index[t.norm]), s.id
	}
	if t.list == 0 {
		return nil
	}
	return s.lists[t.list-1]
}

// emojiKind is the kind of a message made only of emoji, by the first
// emoji listed in smalltalk.yaml's emoji section.
func (s *smalltalk) emojiKind(text string) string {
	for _, r := range text {
		if k, ok := s.emoji[string(r)]; ok {
			return k
		}
	}
	return ""
}

// talk matches the longest greeting, thanks or bye phrase at toks[i];
// an except phrase at i vetoes. It returns the kind and the end index.
func (s *smalltalk) talk(toks []token, i int) (string, int) {
	best, bestEnd := "", 0
	for _, ph := range s.first(toks, i) {
		// Only an except phrase, or the first phrase of a kind that is
		// small talk, can change the answer: the others are not matched.
		if ph.kind != "except" && (ph.word || best != "") {
			continue
		}
		end, ok := ph.at(toks, i)
		if !ok {
			continue
		}
		if ph.kind == "except" {
			return "", 0
		}
		best, bestEnd = ph.kind, end // longest first, but keep looking for an except
	}
	return best, bestEnd
}

// phraseAt reports whether a phrase of kind starts at toks[i], and where
// the first one listed (the longest) ends.
func (s *smalltalk) phraseAt(toks []token, i int, kind string) (int, bool) {
	for _, ph := range s.first(toks, i) {
		// The kind first: it is cheaper than matching the phrase, and
		// most phrases starting with a word are of other kinds.
		if ph.kind != kind {
			continue
		}
		if end, ok := ph.at(toks, i); ok {
			return end, true
		}
	}
	return 0, false
}

// startsAny reports whether a phrase of kind may start at one of toks
// (its first word is there; whether the rest follows is not checked).
func (s *smalltalk) startsAny(toks []token, kind string) bool {
	for i := range toks {
		for _, ph := range s.first(toks, i) {
			if ph.kind == kind {
				return true
			}
		}
	}
	return false
}

// but reports whether a but phrase (smalltalk.yaml) starts at toks[i].
func (s *smalltalk) but(toks []token, i int) bool {
	_, ok := s.phraseAt(toks, i, "but")
	return ok
}

// WithoutLeadFiller is text past the filler words it starts with, when
// more words follow them: "ok so where is my order" is "where is my
// order", "nice. ok so wher is my order" is "wher is my order". The
// filler says nothing the question needs, and its words pull toward
// entries that happen to use them ("ok" toward "Is Mastercard OK?").
// text itself when it starts with no filler or is nothing else.
func (p *Persona) WithoutLeadFiller(text string) string {
	var a [smallToks]token
	return p.withoutLeadFiller(text, appendTokenize(a[:0], text))
}

// WithoutLeadFillerIn is WithoutLeadFiller on a text already cut (Cut).
func (p *Persona) WithoutLeadFillerIn(w Words) string { return p.withoutLeadFiller(w.text, w.toks) }

// withoutLeadFiller is WithoutLeadFiller on text cut into toks.
func (p *Persona) withoutLeadFiller(text string, toks []token) string {
	if p == nil || p.small == nil {
		return text
	}
	j := p.small.skipFiller(toks, 0)
	if j == 0 || j >= len(toks) {
		return text
	}
	return strings.TrimSpace(text[toks[j].start:])
}

// WithoutLeadIn is w's text past the phrases of kind it starts with
// (filler between them skipped too), when at least one is there and more
// words follow: "yikes, my package is late" is "my package is late" for
// kind interjection. w's text itself otherwise.
func (p *Persona) WithoutLeadIn(w Words, kind string) string {
	if p == nil || p.small == nil || !p.small.startsAny(w.toks, kind) {
		return w.text
	}
	s, toks := p.small, w.toks
	i, said := 0, false
	for i < len(toks) {
		if e, ok := s.phraseAt(toks, i, kind); ok {
			i, said = e, true
			continue
		}
		if j := s.fillerAt(toks, i); j > i {
			i = j
			continue
		}
		break
	}
	if !said || i >= len(toks) {
		return w.text
	}
	return strings.TrimSpace(w.text[toks[i].start:])
}

// skipFiller skips filler phrases from toks[i]; it returns where they end.
// A laugh is filler beside other words ("thanks lol", "哈哈 好的").
func (s *smalltalk) skipFiller(toks []token, i int) int {
	for i < len(toks) {
		end := s.fillerAt(toks, i)
		if end < 0 {
			return i
		}
		i = end
	}
	return i
}

// fillerAt is where the filler phrase (or laugh) at toks[i] ends, -1 when
// none starts there: one step of skipFiller, for a caller that looks for
// a phrase of its own between fillers (OnlyIn: in "哈哈好笑" the filler 好
// must not swallow the start of 好笑).
func (s *smalltalk) fillerAt(toks []token, i int) int {
	// One walk of the phrases at i for both kinds: the first filler
	// phrase that matches, else the first laugh (phraseAt "filler",
	// then phraseAt "laugh").
	end, laughEnd := -1, -1
	for _, ph := range s.first(toks, i) {
		switch {
		case ph.kind == "filler":
			if e, ok := ph.at(toks, i); ok {
				end = e
			}
		case (ph.kind == "laugh" || ph.kind == "no_person") && laughEnd < 0:
			// A person declined ("no need for a human") is filler
			// beside other words, as a laugh is.
			if e, ok := ph.at(toks, i); ok {
				laughEnd = e
			}
		default:
			continue
		}
		if end >= 0 {
			break
		}
	}
	if end < 0 {
		end = laughEnd
	}
	return end
}

// laughs reports whether a laugh phrase ("lol", "哈哈") is among toks.
func (s *smalltalk) laughs(toks []token) bool {
	for i := range toks {
		if _, ok := s.phraseAt(toks, i, "laugh"); ok {
			return true
		}
	}
	return false
}

// maxChatTail is how many words may follow small talk and still be part
// of it ("what's the weather like over there?", "are you a real person or
// an automated reply?").
const maxChatTail = 4

// Alternative reports whether rest, what follows small talk, is the other
// half of an either-or question ("or an automated reply?", "还是自动回复",
// "아니면 자동응답인가요?"): part of the small talk, answered with it.
func (p *Persona) Alternative(rest string) bool {
	if p == nil || p.small == nil {
		return false
	}
	var a [smallToks]token
	toks := appendTokenize(a[:0], rest)
	if len(toks) == 0 {
		return false
	}
	end, ok := p.small.phraseAt(toks, 0, "alternative")
	return ok && p.ChatTail(rest[toks[end-1].end:])
}

// ChatTail reports whether rest, what follows small talk in a message, is
// short enough to be part of it: when the knowledge base does not answer
// it, the small talk was the message, and it gets a kind reply and an
// offer to help, never "I didn't quite catch that" and a list of topics.
// Chinese counts two characters as about a word.
func (p *Persona) ChatTail(rest string) bool {
	words, han := 0, 0
	var a [smallToks]token
	for _, t := range appendTokenize(a[:0], rest) {
		if t.han {
			han++
		} else {
			words++
		}
	}
	return words+(han+1)/2 <= maxChatTail
}

// Aside reports whether rest, what follows small talk, is only filler
// and laughs ("over there?", "where you are today", "呀今天", "요즘"):
// words about us and the moment, part of the small talk, never a
// question of their own.
func (p *Persona) Aside(rest string) bool {
	if p == nil || p.small == nil {
		return false
	}
	var a [smallToks]token
	toks := appendTokenize(a[:0], rest)
	return p.small.skipFiller(toks, 0) == len(toks)
}

// Declines reports whether text is only a "no" ("no", "nope thanks",
// "没有", "없어요"), maybe with filler, thanks or a goodbye: the answer
// to "anything else?" that ends the conversation. Only the core knows
// whether that was asked, so a "no" is never small talk by itself.
func (p *Persona) Declines(text string) bool {
	var a [smallToks]token
	return p.DeclinesIn(Words{text: text, toks: appendTokenize(a[:0], text)})
}

// DeclinesIn is Declines on a text already cut (Cut).
func (p *Persona) DeclinesIn(w Words) bool {
	toks := w.toks
	if p == nil || p.small == nil {
		return false
	}
	s := p.small
	said := false
	for i := s.skipFiller(toks, 0); i < len(toks); {
		// The longest phrase: "没有别的了" over "没有", and a closing
		// ("no thank you") over its "no".
		kind, end := "", i
		for _, ph := range s.first(toks, i) {
			if ph.kind != "decline" && ph.kind != "thanks" && ph.kind != "bye" {
				continue
			}
			if e, ok := ph.at(toks, i); ok && e > end {
				kind, end = ph.kind, e
			}
		}
		if kind == "" {
			return false
		}
		// A closing that starts with a "no" ("no thank you", "没有了")
		// declines too.
		_, no := s.phraseAt(toks, i, "decline")
		said = said || no
		if kind == "decline" && end < len(toks) {
			// Filler of two or more words right after a "no" may be
			// what was not: "没有收到" is "not received", never "no,
			// got it"; "没有了" ends on a particle.
			if f, ok := s.phraseAt(toks, end, "filler"); ok && f-end >= 2 {
				return false
			}
		}
		i = s.skipFiller(toks, end)
	}
	return said
}

// RatingWords reads a rating given in words after the 1-5 rating prompt
// ("excellent" 5, "pretty good, thanks Mia" 4, "not helpful at all" 1,
// "很满意", "별로였어요"): one rating phrase of smalltalk.yaml's
// rating1-rating5 lists, the longest at its place, with nothing around it
// but filler, thanks or a goodbye. Anything more ("great, and how do I
// track my order?") is not a rating: it is answered as a message. Only
// the core knows the prompt was asked; these words are ordinary anywhere
// else.
func (p *Persona) RatingWords(text string) (int, bool) {
	if p == nil || p.small == nil || hasQuestionMark(text) {
		return 0, false
	}
	s := p.small
	var a [smallToks]token
	toks := appendTokenize(a[:0], text)
	n := 0
	for i := 0; i < len(toks); {
		rated, end := 0, i
		for _, ph := range s.first(toks, i) {
			if len(ph.kind) != len("rating1") || !strings.HasPrefix(ph.kind, "rating") {
				continue
			}
			if e, ok := ph.at(toks, i); ok && e > end {
				rated, end = int(ph.kind[len("rating")]-'0'), e
			}
		}
		// A goodbye or thanks that starts with a rating word ("good
		// bye", "good night") is the goodbye, not a 4: the longer
		// phrase wins, as it does among ratings.
		k, e := s.talk(toks, i)
		courtesy := k == "thanks" || k == "bye"
		if rated > 0 && !(courtesy && e > end) {
			if n != 0 {
				return 0, false // "good, bad": not one clear rating
			}
			n, i = rated, end
			continue
		}
		if courtesy {
			i = e
			continue
		}
		if j := s.skipFiller(toks, i); j > i {
			i = j
			continue
		}
		return 0, false
	}
	return n, n > 0
}

// Only reports whether text is one or more phrases of the list kind
// (smalltalk.yaml's affirm, waiting, ...) with nothing else around them
// but filler, greetings and question marks: "yes", "yeah sure", "有的",
// "is anyone coming?", "hello? is anyone coming??", "人呢 还要等多久". Lists
// that mean something only in one place of a conversation (affirm after
// "anything else?") are read with it, by the core that knows the place.
// Small talk of the kinds in around may stand beside them too ("never
// mind, I figured it out, thanks": withdraw, with "thanks").
func (p *Persona) Only(text, kind string, around ...string) bool {
	var a [smallToks]token
	return p.OnlyIn(Words{text: text, toks: appendTokenize(a[:0], text)}, kind, around...)
}

// OnlyIn is Only on a text already cut (Cut).
func (p *Persona) OnlyIn(w Words, kind string, around ...string) bool {
	toks := w.toks
	if p == nil || p.small == nil {
		return false
	}
	s := p.small
	if !s.startsAny(toks, kind) {
		// No phrase of the kind starts anywhere, so it cannot be said:
		// answered without walking greetings and filler (the core asks
		// every message whether it is only an interjection).
		return false
	}
	said := false
	for i := 0; i < len(toks); {
		end := i
		for _, ph := range s.first(toks, i) {
			if ph.kind != kind {
				continue
			}
			if e, ok := ph.at(toks, i); ok && e > end {
				end = e
			}
		}
		if end > i {
			said, i = true, end
			continue
		}
		if k, e := s.talk(toks, i); IsGreeting(k) || k != "" && slices.Contains(around, k) {
			i = e
			continue
		}
		if j := s.fillerAt(toks, i); j > i {
			i = j
			continue
		}
		return false
	}
	return said
}

// Correction reads a correction at the start of text ("no i mean how do
// i send it back", "不是，我是说退款", "아니요 제 말은 교환이요"): one or
// more correction phrases of smalltalk.yaml, with filler, and what
// follows them. ok is false when text starts otherwise, or nothing
// follows.
func (p *Persona) Correction(text string) (rest string, ok bool) {
	if p == nil || p.small == nil {
		return "", false
	}
	s := p.small
	var a [smallToks]token
	toks := appendTokenize(a[:0], text)
	i, said := 0, false
	for i < len(toks) {
		end := i
		for _, ph := range s.first(toks, i) {
			if ph.kind != "correction" {
				continue
			}
			if e, ok := ph.at(toks, i); ok && e > end {
				end = e
			}
		}
		if end > i {
			said, i = true, end
			continue
		}
		if j := s.skipFiller(toks, i); j > i && said {
			i = j
			continue
		}
		break
	}
	if !said || i >= len(toks) {
		return "", false
	}
	return trimLead(text[toks[i-1].end:]), true
}

// maxNameRunes is the longest name Introduction takes.
const maxNameRunes = 20

// Introduction reads a customer introducing themselves at the start of
// text, what follows their greeting ("I'm Sarah", "my name is Tom. how
// much is shipping?", "我叫李明", "저는 김민지라고 해요"): an intro phrase
// of smalltalk.yaml, then the name, one word (two or three Chinese
// characters, a Korean word with its name_end cut off) that is no
// not_name word and ends the message or its sentence (a mark, "and", or
// only filler after it). rest is what follows, for the core to answer.
// "I'm waiting for my order" and "I'm new here" introduce no one.
func (p *Persona) Introduction(text string) (name, rest string) {
	if p == nil || p.small == nil {
		return "", text
	}
	s := p.small
	var a [smallToks]token
	toks := appendTokenize(a[:0], text)
	if len(toks) < 2 {
		return "", text
	}
	end, ok := s.phraseAt(toks, 0, "intro")
	capital := false
	if !ok {
		end, ok = s.phraseAt(toks, 0, "intro_capital")
		capital = true
	}
	if !ok || end >= len(toks) {
		return "", text
	}
	first, last := end, end // the name's tokens
	if toks[first].han {
		// Chinese: the characters up to the next mark, two or three.
		for last+1 < len(toks) && toks[last+1].han && !toks[last+1].gap && last-first < 2 {
			last++
		}
		if last == first || last+1 < len(toks) && toks[last+1].han && !toks[last+1].gap {
			return "", text
		}
	}
	name = text[toks[first].start:toks[last].end]
	if k := hangulEnd(s, name); k != "" {
		name = strings.TrimSuffix(name, k)
	}
	if r, _ := utf8.DecodeRuneInString(name); !isName(name) || capital && !unicode.IsUpper(r) {
		return "", text
	}
	if _, no := s.phraseAt([]token{{norm: squeeze(joiners.Replace(text2norm(name)))}}, 0, "not_name"); no {
		return "", text
	}
	if r, size := utf8.DecodeRuneInString(name); r < utf8.RuneSelf && unicode.IsLower(r) {
		// "hi im sarah": said back as "Sarah", as a name is written.
		name = string(unicode.ToUpper(r)) + name[size:]
	}
	next := last + 1
	switch {
	case next == len(toks), s.skipFiller(toks, next) == len(toks):
		return name, ""
	case toks[next].gap && strings.ContainsAny(text[toks[last].end:toks[next].start], ",.!;，。！；"):
		return name, trimLead(text[toks[last].end:])
	case toks[next].norm == "and" && next+1 < len(toks):
		return name, trimLead(text[toks[next].end:])
	case toks[next].norm == "해요" || toks[next].norm == "합니다":
		// "김민지라고 해요": the rest of the Korean sentence.
		if next+1 == len(toks) {
			return name, ""
		}
		return name, trimLead(text[toks[next].end:])
	}
	return "", text
}

// hangulEnd is the name_end ending name is written with ("라고" in
// "김민지라고"), or "".
func hangulEnd(s *smalltalk, name string) string {
	if !isHangulWord(name) {
		return ""
	}
	best := ""
	for _, list := range s.byFirst {
		for _, ph := range list {
			if ph.kind == "name_end" && len(ph.toks) == 1 && strings.HasSuffix(name, ph.toks[0].norm) &&
				len(ph.toks[0].norm) > len(best) && len(name) > len(ph.toks[0].norm) {
				best = ph.toks[0].norm
			}
		}
	}
	return best
}

// isName reports whether w can be a first name: letters only, not too
// long.
func isName(w string) bool {
	if w == "" || utf8.RuneCountInString(w) > maxNameRunes {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '-' && r != '\'' {
			return false
		}
	}
	return true
}

// text2norm is w as phrase tokens spell it (lower case, width folded).
func text2norm(w string) string {
	if toks := tokenize(w); len(toks) > 0 {
		return joinNorm(toks)
	}
	return w
}

// WithoutLaughs is text with its laughs taken out ("lol how do I return
// an item", "how do I return an item haha", "哈哈 怎么退货", "ㅋㅋ 반품
// 어떻게 해요"), so they weigh nothing in matching: a laugh beside a
// question is filler, and an unknown word to the knowledge base that
// drags a confident match down to a topic list. A message that is only
// laughter comes back unchanged: it is answered as a laugh. A person
// declined ("no need for a human", "不用转人工了") is taken out the same
// way (smalltalk.yaml no_person).
func (p *Persona) WithoutLaughs(s string) string {
	var a [smallToks]token
	return p.withoutLaughs(s, appendTokenize(a[:0], s))
}

// WithoutLaughsIn is WithoutLaughs on a text already cut (Cut): every
// text message comes here, after the readers before it cut it.
func (p *Persona) WithoutLaughsIn(w Words) string { return p.withoutLaughs(w.text, w.toks) }

// withoutLaughs is WithoutLaughs on s cut into toks.
func (p *Persona) withoutLaughs(s string, toks []token) string {
	if p == nil || p.small == nil {
		return s
	}
	type cut struct{ start, end int }
	var cuts []cut
	for i := 0; i < len(toks); {
		// One walk of the phrases at i for both kinds: the first laugh
		// that matches, else the first person declined (a person
		// declined asks for nothing, wherever it stands: its person
		// words would read as a request, and pull toward the contact
		// entry).
		end := -1
		for _, ph := range p.small.first(toks, i) {
			if ph.kind == "laugh" {
				if e, ok := ph.at(toks, i); ok {
					end = e
					break
				}
			} else if ph.kind == "no_person" && end < 0 {
				if e, ok := ph.at(toks, i); ok {
					end = e
				}
			}
		}
		if end >= 0 {
			cuts = append(cuts, cut{toks[i].start, toks[end-1].end})
			i = end
			continue
		}
		i++
	}
	if !text.IsASCII(s) {
		// Loose Hangul letters (ㅋㅋ) are no tokens: the words show them.
		buf := wordBufs.Get().(*[]text.Word)
		words := text.AppendWords((*buf)[:0], s)
		for _, w := range words {
			if w.Kind == text.Jamo && p.small.jamo[squeeze(w.Text)] == "laugh" {
				cuts = append(cuts, cut{w.Start, w.End})
			}
		}
		clear(words) // the customer's words stay in no pool
		*buf = words[:0]
		wordBufs.Put(buf)
	}
	if len(cuts) == 0 {
		return s
	}
	slices.SortFunc(cuts, func(a, b cut) int { return a.start - b.start })
	var out strings.Builder
	at := 0
	for _, c := range cuts {
		if c.start < at {
			continue
		}
		out.WriteString(s[at:c.start])
		out.WriteByte(' ')
		at = c.end
	}
	out.WriteString(s[at:])
	rest := strings.Join(strings.Fields(out.String()), " ")
	var a [smallToks]token
	if len(appendTokenize(a[:0], rest)) == 0 {
		return s // only laughter (and punctuation, emoji)
	}
	return rest
}

// at reports whether the phrase matches toks from i, and where it ends.
// Han characters written together in the phrase must be together in the
// text too (a script change, as in "AI예요", may be spaced or not: Korean
// spacing is loose); a one-character Han phrase ("嗨") must stand alone,
// except filler, which only counts when nothing but filler follows, and a
// laugh said again ("哈哈哈哈" is 哈哈哈 then 哈; "哈尔滨" is no laugh).
func (ph phrase) at(toks []token, i int) (int, bool) {
	if i+len(ph.toks) > len(toks) {
		return 0, false
	}
	for j, pt := range ph.toks {
		t := toks[i+j]
		if t.norm != pt.norm || (j > 0 && pt.han && !pt.gap && t.gap) {
			return 0, false
		}
	}
	end := i + len(ph.toks)
	if len(ph.toks) == 1 && ph.toks[0].han && end < len(toks) && toks[end].han && !toks[end].gap {
		switch {
		case ph.kind == "filler":
		case ph.kind == "laugh" && toks[end].norm == ph.toks[0].norm:
		default:
			return 0, false
		}
	}
	return end, true
}

// token is one word, or one Han/kana character, of a text.
type token struct {
	norm       string // text.Normalize'd, no apostrophes or hyphens, long letter runs shortened
	start, end int    // byte offsets in the text
	gap        bool   // separated from the previous token by space, punctuation or emoji
	han        bool
	// list numbers the phrases of the smalltalk by (its id) that start
	// with this token, once looked up (smalltalk.first); 0 for none.
	list, by uint32
}

// isJamo: loose Hangul letters (ㅋㅋ, ㅎㅎ, ㅠㅠ) are laughter and mood, not words.
func isJamo(r rune) bool { return r >= 0x3130 && r <= 0x318F }

// joiners are dropped from a word's norm: "that's" is "thats", "hi-fi"
// is "hifi" (so it never reads as "hi").
var joiners = strings.NewReplacer("'", "", "-", "")

// Words is a text cut into the tokens small talk is matched on. The core
// reads each message with several of the persona's readers (Declines,
// Only, Smalltalk, WithoutLeadFiller): it cuts the message once (Cut) and
// hands the same Words to each (their In forms), where each reader cut it
// again for itself.
type Words struct {
	text string
	toks []token
}

// Cut cuts text for the persona's readers, as each of them cuts it.
func Cut(text string) Words { return Words{text: text, toks: tokenize(text)} }

// Text is the text w was cut from.
func (w Words) Text() string { return w.text }

// tokenize cuts text into tokens with bot/text's Words, so smalltalk
// agrees with the rest of Baton on what a word is (width, case and accents
// folded: "Ｈｉ", "HI" and "hí" are "hi"). Loose Hangul letters are
// laughter and mood (ㅋㅋ), not words: they only separate.
func tokenize(s string) []token { return appendTokenize(nil, s) }

// hasQuestionMark reports whether s has "?" or "？" (text.ContainsAny: not
// strings.ContainsAny, which looks every rune of s up in a non-ASCII set).
func hasQuestionMark(s string) bool { return text.ContainsAny(s, "?？") }

// appendTokenize is tokenize appending to dst: a caller that reads every
// message passes a small array of its own (var a [smallToks]token;
// appendTokenize(a[:0], text)), which stays on its stack, so the tokens of
// a short message cost no allocation.
func appendTokenize(dst []token, s string) []token {
	if len(s) < 2*smallToks {
		// Most messages: their words fit an array on the stack (a word
		// and the space after it take two bytes or more), which costs
		// less than the pool's round trip and clearing. A text that has
		// more words after all grows it on the heap.
		var a [smallToks]text.Word
		return appendTokens(dst, text.AppendWords(a[:0], s))
	}
	buf := wordBufs.Get().(*[]text.Word)
	words := text.AppendWords((*buf)[:0], s)
	defer func() {
		clear(words) // the customer's words stay in no pool
		*buf = words[:0]
		wordBufs.Put(buf)
	}()
	return appendTokens(dst, words)
}

// smallToks is the token count of most messages: the size of the arrays
// the per-message readers tokenize into.
const smallToks = 16

// tokensOf is tokenize on words text.AppendWords has already cut.
func tokensOf(words []text.Word) []token { return appendTokens(nil, words) }

// appendTokens is tokensOf appending to dst.
func appendTokens(dst []token, words []text.Word) []token {
	// At most one token a word: one allocation, not a doubling series
	// (every message is tokenized for small talk two or three times).
	toks := slices.Grow(dst[:0], len(words))
	gap := true
	for _, w := range words {
		if w.Kind == text.Jamo {
			gap = true
			continue
		}
		norm := w.Text
		if !plainASCII(norm) {
			norm = squeeze(joiners.Replace(norm))
		}
		if norm == "" {
			continue
		}
		if full, ok := chatSpellings[norm]; ok {
			norm = full
		}
		toks = append(toks, token{norm: norm, start: w.Start, end: w.End, gap: gap || w.Gap, han: w.Kind == text.Han})
		gap = false
	}
	return toks
}

// chatSpellings are one-letter chat spellings of a word, read as that
// word in the customer's message and in the phrases alike: "thank u" is
// "thank you", "how r u" "how are you" (walk4 2026-12-07: "omg ur fast
// thank u" was a miss). Only spellings with no other reading in a chat.
var chatSpellings = map[string]string{"u": "you", "r": "are"}

// wordBufs are text.AppendWords buffers for tokenize (every customer
// message is read for smalltalk first).
var wordBufs = sync.Pool{New: func() any { return new([]text.Word) }}

// plainASCII reports whether w is ASCII with no joiner and no run of three
// of the same letter: squeeze(joiners.Replace(w)) is w itself, and most
// words of most messages are like that.
func plainASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf || c == '\'' || c == '-' || i >= 2 && c == w[i-1] && c == w[i-2] {
			return false
		}
	}
	return true
}

// squeeze shortens runs of three or more of the same letter to one, so
// "hiii", "thanksss" and "byeee" read as themselves.
func squeeze(w string) string {
	if !hasTriple(w) {
		return w // most words: nothing to shorten, no copy
	}
	var b strings.Builder
	rs := []rune(w)
	for i := 0; i < len(rs); {
		r := rs[i]
		j := i + 1
		for j < len(rs) && rs[j] == r {
			j++
		}
		n := j - i
		if n >= 3 {
			n = 1
		}
		for k := 0; k < n; k++ {
			b.WriteRune(r)
		}
		i = j
	}
	return b.String()
}

// hasTriple reports whether w has a run of three or more of the same
// rune (what squeeze shortens), or broken UTF-8 (which squeeze's copy
// spells as U+FFFD).
func hasTriple(w string) bool {
	var a, b rune = -1, -1 // the two runes before
	for _, r := range w {
		if r == utf8.RuneError || r == a && r == b {
			return true
		}
		a, b = b, r
	}
	return false
}

// trimLead drops the punctuation, spaces and emoji between a phrase and
// the rest, keeping marks that start content (#123, @name, "quotes").
func trimLead(s string) string {
	s = strings.TrimLeftFunc(s, func(r rune) bool {
		switch {
		case unicode.IsSpace(r), isJamo(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Variation_Selector, r):
			return true
		case unicode.IsPunct(r):
			return !strings.ContainsRune("#@\"'([{“‘«「『¿¡", r)
		case unicode.IsSymbol(r):
			return !unicode.Is(unicode.Sc, r) // keep currency signs
		}
		return false
	})
	return strings.TrimSpace(s)
}

// smalltalk reads smalltalk.yaml. Problems never stop the persona from
// loading; without the file nothing is recognised as smalltalk.
func (l *loader) smalltalk(p *Persona, file string) {
	top, found, ok := l.parse(file)
	if !found {
		l.warnf(file, 1, "smalltalk.yaml is missing; greetings, thanks and goodbyes are not recognised")
		return
	}
	if !ok {
		l.errorf(file, 1, "smalltalk.yaml is not used until this is fixed; greetings, thanks and goodbyes are not recognised")
		return
	}
	s := &smalltalk{langs: map[string]bool{}, byFirst: map[string][]phrase{}, index: map[string]uint32{}, emoji: map[string]string{}, jamo: map[string]string{}}
	seen := map[string]string{} // phrase -> where first listed
	// Unspaced Korean forms, listed after every phrase written out, so
	// one written out elsewhere keeps its own list.
	type variant struct {
		tag string
		ph  phrase
	}
	var later []variant
	if top != nil {
		if top.Kind != yaml.MappingNode {
			l.errorf(file, top.Line, "expected one entry per language (en:, zh:, ko:) at the top level")
			return
		}
		for _, le := range l.pairs(file, top) {
			if le.key == "emoji" {
				l.emoji(s, file, le.value)
				continue
			}
			if le.key == "jamo" {
				l.jamo(s, file, le.value)
				continue
			}
			if le.key == "cues" {
				l.loadCues(p, file, le.line, le.value)
				continue
			}
			if !validLang(le.key) {
				l.errorf(file, le.line, "%q is not a language code (use en, zh, ko, ...)", le.key)
				continue
			}
			if le.value.Kind != yaml.MappingNode {
				l.errorf(file, le.value.Line, "%s: expected greeting:, thanks:, bye:, filler: and except: lists", le.key)
				continue
			}
			s.langs[le.key] = true
			for _, ke := range l.pairs(file, le.value) {
				if !slices.Contains(phraseKinds, ke.key) {
					l.warnf(file, ke.line, "%s: unknown list %q (known: %s)", le.key, ke.key, strings.Join(phraseKinds, ", "))
					continue
				}
				if isNull(ke.value) {
					continue
				}
				what := le.key + "." + ke.key
				items, _ := l.textItems(file, what, ke.value)
				for _, n := range items {
					toks := tokenize(n.Value)
					if len(toks) == 0 {
						l.warnf(file, n.Line, "%s: %q has no words and never matches", what, n.Value)
						continue
					}
					key := joinNorm(toks)
					tag := "talk"
					if ke.key == "except" || slices.Contains(wordKinds, ke.key) {
						tag = ke.key
					}
					if prev, dup := seen[tag+"\x00"+key]; dup {
						l.warnf(file, n.Line, "%s: %q is already listed (%s)", what, n.Value, prev)
						continue
					}
					seen[tag+"\x00"+key] = what + " at line " + strconv.Itoa(n.Line)
					s.byFirst[toks[0].norm] = append(s.byFirst[toks[0].norm], phrase{kind: ke.key, toks: toks})
					for _, v := range unspaced(toks) {
						later = append(later, variant{tag, phrase{kind: ke.key, toks: v}})
					}
				}
			}
		}
	}
	for _, v := range later {
		if k := v.tag + "\x00" + joinNorm(v.ph.toks); seen[k] == "" {
			seen[k] = "unspaced"
			s.byFirst[v.ph.toks[0].norm] = append(s.byFirst[v.ph.toks[0].norm], v.ph)
		}
	}
	// The bot's own name is filler: "thanks Mia!" is just thanks.
	if toks := tokenize(p.name); len(toks) > 0 {
		s.byFirst[toks[0].norm] = append(s.byFirst[toks[0].norm], phrase{kind: "filler", toks: toks})
	}
	for k, list := range s.byFirst {
		slices.SortStableFunc(list, func(a, b phrase) int { return len(b.toks) - len(a.toks) })
		for i := range list {
			list[i].word = slices.Contains(wordKinds, list[i].kind)
		}
		s.byFirst[k] = list
		s.lists = append(s.lists, list)
		s.index[k] = uint32(len(s.lists))
	}
	s.id = smalltalkIDs.Add(1)
	p.small = s
}

// maxUnspaced is the most Korean words a phrase may have for its
// unspaced forms to be listed too (2^(n-1) forms).
const maxUnspaced = 5

// unspaced are the forms of a phrase of Korean words written with some
// or all of its spaces left out ("좋은 하루 되세요": "좋은하루 되세요",
// "좋은 하루되세요", "좋은하루되세요"): Korean spacing is loose, and the
// phrase lists need not spell each. Listed at load, so matching a message
// costs nothing more.
func unspaced(toks []token) [][]token {
	if len(toks) < 2 || len(toks) > maxUnspaced {
		return nil
	}
	for _, t := range toks {
		if t.han || !isHangulWord(t.norm) {
			return nil
		}
	}
	var out [][]token
	for mask := 1; mask < 1<<(len(toks)-1); mask++ {
		// Bit i set: the space after word i is left out.
		v := []token{toks[0]}
		for i := 1; i < len(toks); i++ {
			if mask&(1<<(i-1)) != 0 {
				v[len(v)-1].norm += toks[i].norm
				continue
			}
			v = append(v, toks[i])
		}
		out = append(out, v)
	}
	return out
}

// isHangulWord reports whether w is made of Hangul syllables only.
func isHangulWord(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Hangul, r) || isJamo(r) {
			return false
		}
	}
	return w != ""
}

func joinNorm(toks []token) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.norm
	}
	return strings.Join(parts, " ")
}

// emoji reads the emoji section: {greeting: [👋, ...], thanks: [...], bye: [...]}.
func (l *loader) emoji(s *smalltalk, file string, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		l.errorf(file, n.Line, "emoji: expected greeting:, thanks: and bye: lists")
		return
	}
	for _, ke := range l.pairs(file, n) {
		if ke.key != "greeting" && ke.key != "thanks" && ke.key != "bye" && ke.key != "upset" && ke.key != "ping" {
			l.warnf(file, ke.line, "emoji: unknown list %q (known: greeting, thanks, bye, upset, ping)", ke.key)
			continue
		}
		if ke.value.Kind != yaml.SequenceNode {
			l.errorf(file, ke.value.Line, "emoji.%s: expected a list", ke.key)
			continue
		}
		for _, e := range ke.value.Content {
			e = deref(e)
			r := []rune(strings.TrimSpace(e.Value))
			if e.Kind != yaml.ScalarNode || len(r) == 0 || len(tokenize(e.Value)) > 0 {
				l.errorf(file, e.Line, "emoji.%s: %q is not an emoji", ke.key, e.Value)
				continue
			}
			s.emoji[string(r[0])] = ke.key
		}
	}
}

// maxClosingRest is how many words besides thanks, goodbyes and filler a
// closing may carry ("nvm it worked. thanks", "아 됐어요 감사합니다"):
// more is a message with something to say, answered as one.
const maxClosingRest = 4

// Closing reads a short message that ends the exchange, wherever its
// thanks or goodbye stands: "nvm it worked. thanks", "太好了，谢谢，拜拜",
// "좋네요 감사합니다 수고하세요", or that only acknowledges, with at most
// one word no list knows ("아 그렇구나 알겠습니다", "네네"). kind is "bye",
// "thanks", "ack" or "" (not one: a greeting or other small talk in it, a
// question mark, a number, or too many other words); rest is those other
// words, for the caller to make sure they ask nothing it can answer.
// said is the thanks or goodbye Smalltalk already read before text
// ("thanks" for "고마워요" before "미아 최고"), or "".
func (p *Persona) Closing(text, said string) (kind, rest string) {
	if p == nil || p.small == nil || hasQuestionMark(text) || strings.ContainsFunc(text, unicode.IsDigit) {
		return "", ""
	}
	s := p.small
	var a [smallToks]token
	toks := appendTokenize(a[:0], text)
	var other []string
	words, han, filler := 0, 0, false
	if said == "thanks" || said == "bye" {
		kind = said
	}
	for i := 0; i < len(toks); {
		if s.but(toks, i) {
			// "thanks but that didn't help", "고마워요 근데 아직도 안돼요":
			// something is still wrong or wanted; answered as a message.
			return "", ""
		}
		if k, e := s.talk(toks, i); k != "" {
			if k == "compliment" {
				// "wow that was quick, thanks": praise inside a closing
				// is part of its thanks, no question (review A W3).
				i = e
				continue
			}
			if k != "thanks" && k != "bye" {
				return "", "" // a greeting or a joke is Smalltalk's
			}
			kind, i = stronger(kind, k), e
			continue
		}
		if j := s.skipFiller(toks, i); j > i {
			filler, i = true, j
			continue
		}
		if s.repeatedFiller(toks[i].norm) {
			filler, i = true, i+1
			continue
		}
		if toks[i].han {
			han++
		} else {
			words++
		}
		other = append(other, text[toks[i].start:toks[i].end])
		i++
	}
	words += (han + 1) / 2 // Chinese: two characters make about a word
	switch {
	case kind != "" && words <= maxClosingRest:
	case kind == "" && filler && words <= 1:
		kind = "ack"
	default:
		return "", ""
	}
	return kind, strings.Join(other, " ")
}

// repeatedFiller reports whether w is one filler word said again and again
// ("네네", "okok", "嗯嗯嗯").
func (s *smalltalk) repeatedFiller(w string) bool {
	rs := []rune(w)
	for n := 1; n <= len(rs)/2; n++ {
		if len(rs)%n != 0 {
			continue
		}
		unit := string(rs[:n])
		if strings.Repeat(unit, len(rs)/n) != w {
			continue
		}
		for _, ph := range s.byFirst[unit] {
			if ph.kind == "filler" && len(ph.toks) == 1 {
				return true
			}
		}
	}
	return false
}

// jamoOnly is the Hangul letters of text without anything else ("ㅎㅇ!!"
// is "ㅎㅇ"), or "" when text has other words.
func jamoOnly(text string) string {
	var b strings.Builder
	for _, r := range text {
		switch {
		case isJamo(r):
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return ""
		}
	}
	return b.String()
}

// jamo reads the jamo section: Korean chat shorthand in loose Hangul
// letters, {greeting: [ㅎㅇ], thanks: [ㄱㅅ], bye: [ㅂㅂ]}.
func (l *loader) jamo(s *smalltalk, file string, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		l.errorf(file, n.Line, "jamo: expected greeting:, thanks: and bye: lists")
		return
	}
	for _, ke := range l.pairs(file, n) {
		if ke.key != "greeting" && ke.key != "thanks" && ke.key != "bye" && ke.key != "laugh" {
			l.warnf(file, ke.line, "jamo: unknown list %q (known: greeting, thanks, bye, laugh)", ke.key)
			continue
		}
		if ke.value.Kind != yaml.SequenceNode {
			l.errorf(file, ke.value.Line, "jamo.%s: expected a list", ke.key)
			continue
		}
		for _, e := range ke.value.Content {
			e = deref(e)
			v := strings.TrimSpace(e.Value)
			if e.Kind != yaml.ScalarNode || v == "" || jamoOnly(v) != v {
				l.errorf(file, e.Line, "jamo.%s: %q is not made of Hangul letters (ㅎㅇ, ㄱㅅ)", ke.key, e.Value)
				continue
			}
			s.jamo[squeeze(v)] = ke.key // "ㅋㅋㅋㅋ" is looked up as "ㅋ"
		}
	}
}

// Why reads a "why?" at the start of text ("why not?", "why? it hasn't
// shipped yet", "为什么不行？还没发货呢", "왜 안 돼요? 아직 발송 안
// 됐잖아요"): why phrases of smalltalk.yaml, with filler around them, and
// what follows them (rest, "" when nothing does). apart reports whether a
// mark sets rest apart from the why ("why? it hasn't expired yet"), so it
// is a sentence of its own: "why is my order late" is one question. ok is
// false when text does not start with a why phrase.
func (p *Persona) Why(text string) (rest string, apart, ok bool) {
	if p == nil || p.small == nil {
		return "", false, false
	}
	s := p.small
	var a [smallToks]token
	toks := appendTokenize(a[:0], text)
	i, said := s.skipFiller(toks, 0), false
	for i < len(toks) {
		if end, ok := s.phraseAt(toks, i, "why"); ok {
			said, i = true, end
			continue
		}
		if j := s.skipFiller(toks, i); j > i && said {
			i = j
			continue
		}
		break
	}
	if !said {
		return "", false, false
	}
	if i >= len(toks) {
		return "", false, true
	}
	between := text[toks[i-1].end:toks[i].start]
	apart = strings.ContainsFunc(between, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
	return trimLead(text[toks[i-1].end:]), apart, true
}

// Says reports whether a phrase of kind (smalltalk.yaml) stands anywhere
// in w ("got it" in "ok got it, thanks").
func (p *Persona) Says(w Words, kind string) bool {
	if p == nil || p.small == nil {
		return false
	}
	for i := range w.toks {
		if _, ok := p.small.phraseAt(w.toks, i, kind); ok {
			return true
		}
	}
	return false
}
