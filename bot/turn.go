package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/lang"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/logmask"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/semantic"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/text"
)

// Kinds of bot turns kept in the history. The detector, the idle timer and
// eval read them.
const (
	kindAnswer    = "answer"
	kindRephrase  = "rephrase"
	kindGreeting  = "greeting"
	kindHelp      = "help"
	kindThanks    = "thanks"
	kindBye       = "bye"
	kindHandoff   = "handoff"
	kindNoDesk    = "nodesk"
	kindMedia     = "media"
	kindNotice    = "notice" // empty message, flood, group, store trouble
	kindNudge     = "nudge"
	kindClosed    = "closed"
	kindSurvey    = "survey"
	kindRated     = "rated"
	kindResolved  = "resolved"
	kindReturned  = "returned"
	kindAgentJoin = "agent_joined"
	kindQueue     = "queue"
	kindTransfer  = "transferred"
	kindAck       = "ack"       // the customer acknowledged ("ok", "知道了")
	kindChat      = "smalltalk" // a joke, a compliment, "are you a bot?": answered in kind
	kindRefusal   = "refusal"   // an unreasonable demand, refused softly with what policy allows
	kindLikely    = "likely"    // not confident, the probable entry answered with a hedge and the other topics
	kindGuess     = "guess"     // a miss that asks "are you asking about …?", that entry first among the topics
	kindTracking  = "tracking"  // a parcel's tracking number, answered: where to follow it, and the order number we need
	kindCard      = "card"      // a payment card number, answered: we never need one in chat (orderref.go)
)

// turn is the work of one customer event on one locked session.
type turn struct {
	b   *Bot
	set *content.Set
	s   *session.Session
	ev  Event
	ctx context.Context

	lang string
	lead string // a greeting said before the answer, when the customer greeted first
	// lookAlike are the look-alike first candidates match moved
	// (swappedSubject), kept only when readings are observed.
	lookAlike []lookAlike
	// givenOrder is the order number written inside the customer's
	// question ("my order KS-204817 hasnt arrived"), if any.
	givenOrder string
	// told are the entries a complaint handoff answers too, so the
	// customer hears the answer now, not only that a person is coming.
	told []string
	// toldAgain is the answer said once more, in short, when the same
	// question asked again brings in a person (the loop rule): what we
	// can tell them now comes with who can help, never only "no one is
	// available".
	toldAgain string
	// demanding: the handoff follows a soft refusal of a demand the
	// customer insisted on; sympathy for a problem would not fit.
	demanding bool
	// chatTail: small talk came first and only a few words follow ("what's
	// the weather like over there?"); unless those are answered, the small
	// talk was the message (persona.ChatTail).
	chatTail bool
	// thinRest: small talk was cut and one word is left ("any plans for
	// the weekend sale?" leaves "sale?"): the word may be the tail of
	// what was cut, so it is never answered as sure (review-A W4).
	thinRest bool
	// rejected is the entry a guess answered that the customer said was
	// not it ("no, I mean ..."): matched without it.
	rejected string
	// apologised: "sorry to bother you, quick q: ..." came before the
	// question; when we cannot answer it, "no need to apologise" leads.
	apologised bool
	// cut is the text the persona's readers last read, cut once for all
	// of them (words).
	cut persona.Words

	out    []Message
	events []lifecycle.Event
}

// words is text cut for the persona's readers: a message is read with
// four or five of them in turn (a "no", a "that's wrong", small talk,
// lead filler), and each cut it again for itself.
func (t *turn) words(text string) persona.Words {
	if t.cut.Text() != text {
		t.cut = persona.Cut(text)
	}
	return t.cut
}

// emitEvent keeps an event for the desk and observers, after the save.
func (t *turn) emitEvent(ev lifecycle.Event) { t.events = append(t.events, ev) }

func (t *turn) base() lifecycle.Base {
	b := lifecycle.Base{Conv: t.s.ID, Lang: t.s.Lang, At: t.ev.At}
	if h := t.s.Handoff; h != nil && lifecycle.Of(t.s).Open() {
		b.Handoff, b.Team = h.At, h.Team
	}
	return b
}

func (t *turn) run() {
	s, ev := t.s, t.ev
	if s.Channel == "" {
		s.Channel, s.ChatID = ev.Channel, ev.ChatID
	}
	if ev.Customer.Name != "" {
		s.Name = ev.Customer.Name
	}
	if ev.Customer.Username != "" {
		s.Username = ev.Customer.Username
	}
	s.Blocked = false // they wrote to us, so they can hear us
	newConversation := s.Messages == 0 || t.lastBotKind() == kindClosed
	s.Messages++
	s.LastCustomerAt = ev.At
	s.Nudged = false
	t.lang = lang.Choose(written(ev), ev.Customer.Lang, s.Lang, t.set.Persona.Has)
	s.Lang = t.lang
	if newConversation {
		t.emitEvent(lifecycle.Started{Base: t.base(), Channel: s.Channel})
	}
	t.record(session.Turn{Role: "customer", Text: describe(ev), Kind: string(ev.Kind)})

	switch ev.Kind {
	case KindFlood, KindGroup:
		t.say(string(ev.Kind), kindNotice, persona.Data{})
		return
	case KindRating:
		t.rate(ev.Text)
		return
	}
	if ev.Kind == KindTopic && s.Mode == session.ModeBot {
		t.topic(ev.Text)
		return
	}
	if ev.Kind == KindPerson && s.Mode == session.ModeBot {
		// The customer took the offer of a person: that is a request.
		t.handoff(handoff.Decision{Handoff: true, Reason: handoff.Explicit,
			Evidence: []string{fmt.Sprintf("explicit: the customer pressed %q after %s", t.render("person_button", persona.Data{}), plural(t.s.Misses, "unsure answer"))}})
		return
	}
	if s.Mode != session.ModeBot && t.b.desk == nil {
		// Handed off while a desk was configured, and there is none now
		// (restarted without Slack): nobody would ever answer, so say so
		// honestly and let the bot help again.
		lifecycle.CloseNoDesk(s)
		t.lead = t.render("handoff_nodesk", persona.Data{})
	}
	if s.Mode != session.ModeBot {
		t.relay()
		return
	}
	if s.AwaitingRating {
		if _, ok := ratingDigit(ev.Text); ok && ev.Kind == KindText {
			t.rate(ev.Text)
			return
		}
		if ev.Kind == KindText && t.ratingWithComment() {
			return
		}
		if n, ok := t.set.Persona.RatingWords(ev.Text); ok && ev.Kind == KindText {
			// "excellent", "not helpful at all", "很满意", "별로였어요":
			// how they rate us, in words (walk 2026-12-06 item 4).
			t.rated(n)
			return
		}
		s.AwaitingRating = false // they moved on; answer what they wrote
	}
	if ev.Kind == KindText && t.typedPick() {
		return
	}
	if ev.Kind == KindText && (t.commentAfterRating() || t.feedbackAfterRating()) {
		return
	}
	if ev.Kind == KindText && t.unaskedRating() {
		return
	}
	switch ev.Kind {
	case KindCommand:
		t.command()
		return
	case KindText:
	default:
		if ev.Text == "" {
			key := "media"
			if ev.Kind == KindSticker {
				key = "sticker" // a smile, not a problem to describe
			}
			t.say(key, kindMedia, persona.Data{})
			return
		}
		// A caption carries a question; answer it.
	}
	t.text(ev.Text)
}

func (t *turn) command() {
	switch t.ev.Text {
	case "start":
		t.s.Greeted = true
		t.say("start", kindGreeting, persona.Data{})
	case "human":
		t.handoff(handoff.Decision{Handoff: true, Reason: "explicit", Evidence: []string{"the customer sent /human"}})
	default:
		t.say("help", kindHelp, persona.Data{})
	}
}

func (t *turn) text(text string) {
	if text == "" {
		t.say("empty", kindNotice, persona.Data{})
		return
	}
	if utf8.RuneCountInString(text) > maxMessageRunes {
		t.lead = t.render("too_long", persona.Data{})
		text = string([]rune(text)[:maxMessageRunes])
	}
	// "Hi!", "thanks, bye!", "hello, where is my order?": peel off the small
	// talk, answer it in kind, and answer whatever question is left.
	var greeted, thanked, bye, upset, pinged, laughed bool
	var dayPart string // "evening" when they said "good evening"
	var chats []string // jokes, compliments, "are you a bot?" ...
	sarcastic := false // praise peeled off but not thanked for (praiseStands)
	// A message of only emoji and marks: its "thanks" (🙏) thanks for
	// nothing before we did anything.
	wordless := !hasWords(text)
	if t.askedAnythingElse() && t.set.Persona.DeclinesIn(t.words(text)) {
		// "no", "没有", "없어요" to "anything else?": they are done, a
		// resolution like a goodbye.
		t.s.Misses = 0
		t.closing("bye")
		return
	}
	if t.pardonAsked(text) {
		return
	}
	// A "no" to "Are you asking about Returns?" ("no not that",
	// "不是不是") declines the guess: the other close topics, as before
	// wrong_sorry, which is for frustration after an answer or a miss
	// (review 1 M1). What the guess logic does not take (for example
	// "you misunderstood") still gets wrong_sorry.
	if t.lastBotKind() == kindGuess && t.afterGuess(text) {
		return
	}
	if t.wrongAnswer(text) {
		return
	}
	if t.whyAfterAnswer(text) {
		return
	}
	if len(text) <= maxAffirmBytes && t.askedAnythingElse() && t.set.Persona.OnlyIn(t.words(text), "affirm") && !t.set.Persona.Says(t.words(text), "understood") {
		// "yes", "有的", "네 있어요" to "anything else?": go ahead, not
		// the question again (walk 2026-12-06 item 21).
		t.s.Misses = 0
		t.say("go_ahead", kindAck, persona.Data{})
		return
	}
	if t.lastBotKind() == kindLikely && t.afterGuess(text) {
		return
	}
	if t.afterNoDesk() && t.set.Persona.OnlyIn(t.words(text), "waiting") {
		// "is anyone coming?" after we said no one from the team can
		// join: the same honest answer, short, never a topic list (walk
		// 2026-12-06 item 22).
		t.s.Misses = 0
		t.say("nodesk_again", kindNoDesk, persona.Data{})
		return
	}
	if last := t.lastBotKind(); last != kindRephrase && last != kindGuess && t.set.Persona.OnlyIn(t.words(text), "interjection") {
		// "wow", "omg", "good one", "哇", "헐" alone: a reaction, not a
		// hello (they were read as filler, and a first message of filler
		// was greeted) and not a question (their words pulled topics).
		// Right after a joke it is laughing along. Right after a miss
		// ("jeez" after topics) it is dismay, not delight: read as ever,
		// the miss streak kept toward the offer of a person; after a
		// guess, the guess stays open (review-A W9/W11).
		t.s.Misses = 0
		key := "chat_interjection"
		lead := ""
		switch {
		case last == kindChat && t.afterJoke():
			key = "chat_laugh"
		case t.set.Persona.OnlyIn(t.words(text), "dismay"):
			// "yikes", "good one" after an answer: dismay or sarcasm as
			// often as delight; a neutral offer, no "Oh! 😊". Before
			// one too: "yikes", "아이고" first is no delight either
			// (walk6).
			key = ""
		}
		if key != "" {
			lead = t.render(key, persona.Data{})
		}
		next := "anything_else"
		if !t.helped() {
			next = "chat_back"
		}
		t.emit(join(t.lead, lead, t.render(next, persona.Data{})), kindAck, "", 0)
		return
	}
	withLaugh := text
	text = t.set.Persona.WithoutLaughsIn(t.words(text))
	// "lol ok", "哈哈好的", "ㅋㅋ 알겠어요": a laugh beside an
	// acknowledgement is an acknowledgement, never a hello (it was greeted
	// as a first message); decided below when nothing else is left.
	laughedOff := text != withLaugh
	whole := text
	for range 4 {
		kind, rest := t.set.Persona.SmalltalkIn(t.words(text))
		if kind == "" {
			break
		}
		if kind == "apology" && !hasWords(rest) && strings.HasSuffix(strings.TrimSpace(text), "?") && t.afterAnswer() {
			// "sorry?" ("죄송한데요?") right after an answer is
			// "pardon?": the answer was not understood, not an apology.
			// "pardon?" is handoff's confusion phrase; "sorry?" cannot
			// be one there ("sorry." apologises, and the rules do not
			// see the previous reply), so it is decided here the same
			// way: a confusion handoff.
			t.handoff(handoff.Decision{Handoff: true, Reason: handoff.Confusion,
				Evidence: []string{"\"" + strings.TrimSpace(text) + "\" right after an answer: pardon, the answer was not understood"}})
			return
		}
		if kind == "weekend" {
			// "周末怎么样", "any plans for the weekend" with no "you": small
			// talk said alone as a first message; after we spoke ("快递几天
			// 能到", then "周末怎么样": and on the weekend?) or with more
			// words ("any plans for the weekend sale?") a question about
			// the weekend, read whole (review-A W4).
			if hasWords(rest) || t.botSpoke() {
				break
			}
			kind = "howareyou"
		}
		if persona.IsGreeting(kind) {
			greeted = true
			if kind != "greeting" && dayPart == "" {
				dayPart = kind
			}
		}
		if kind == "compliment" && hasWords(rest) && !t.praiseStands(rest) {
			// "you're fast to take my money but slow to refund", "최고네요
			// 택배가 박살나서 왔어요": praise before a statement is as
			// often the sarcasm around a complaint; no thanks for it
			// (review A W3). Its words say nothing the rest needs.
			sarcastic = true
			text = strings.TrimSpace(rest)
			continue
		}
		if slices.Contains(persona.ChatKinds, kind) && !slices.Contains(chats, kind) {
			chats = append(chats, kind)
		}
		thanked = thanked || kind == "thanks"
		bye = bye || kind == "bye"
		upset = upset || kind == "upset"
		pinged = pinged || kind == "ping"
		laughed = laughed || kind == "laugh"
		text = strings.TrimSpace(rest)
	}
	// Praise peeled off as small talk can be the sarcasm around a
	// failure ("great job losing my order"): the whole message decides,
	// as for a thanks that thanks for nothing.
	praised := sarcastic || slices.Contains(chats, "compliment")
	if (thanked || praised) && hasWords(text) && t.thanksForNothing(whole, text) {
		return
	}
	// "hi, I'm Sarah": her name, said back once in the greeting (and in
	// the closing, introducedName), never a miss (walk 2026-12-06 item 3).
	introduced := ""
	if greeted && hasWords(text) {
		if name, rest := t.set.Persona.Introduction(text); name != "" {
			introduced, text = name, rest
		}
	}
	if greeted {
		key := "greet"
		// Greeted again before we helped with anything ("hi", then
		// "hello?"): nothing was answered, so no "what else" (walk
		// 2026-12-06 s3 item 22).
		again := t.s.Greeted && !t.helped() && !hasWords(text) && len(chats) == 0
		switch {
		case introduced != "":
			key = "greet_name"
		case again && dayPart != "":
			// "good morning": mirrored, then what we can do.
			t.lead = join(t.lead, t.render("greet_again_time_lead", persona.Data{TimeOfDay: dayPart}))
			key = "chat_back"
		case again:
			key = "still_here"
		case t.s.Greeted && dayPart != "":
			// "hi", then "good morning!": mirrored, not "hi again".
			key = "greet_again_time"
		case t.s.Greeted:
			key = "greet_again"
		}
		if !again && (hasWords(text) || len(chats) > 0) {
			key += "_lead" // the answer or small talk follows: no "how can we help?" twice
		}
		t.s.Greeted = true
		t.lead = join(t.lead, t.render(key, persona.Data{TimeOfDay: dayPart, Customer: introduced}))
	}
	// Small talk gets a short kind reply in the persona's voice; then back
	// to helping: the question that follows, or an offer to help.
	for _, k := range chats {
		if k == "apology" && hasWords(text) {
			// "sorry, where is my order?": the question is what they
			// came for; answering it is the kind reply. Unless we
			// cannot answer it (answer).
			t.apologised = true
			continue
		}
		if k == "howareyou" && hasWords(text) && t.troubleFollows(text) {
			// "how was your week, mine was bad because of your late
			// delivery": a cheerful "all good here" before a problem
			// or complaint is tone-deaf; the problem is answered
			// (review-A W7).
			continue
		}
		t.lead = join(t.lead, t.render("chat_"+k, persona.Data{}))
		if k == "name" || k == "bot" {
			// "I'm Mia, from the Kumo team": introduced, so a "how are
			// you" or "hi" later is not met with a second introduction.
			t.s.Greeted = true
		}
	}
	if len(chats) > 0 && t.set.Persona.Alternative(text) {
		text = "" // "are you a real person or an automated reply?"
	}
	t.chatTail = len(chats) > 0 && t.set.Persona.ChatTail(text)
	t.thinRest = len(chats) > 0 && oneWord(text)
	solved := false
	if hasWords(text) {
		// A closing or an acknowledgement with a word or two no list
		// knows, wherever its thanks stands ("nvm it worked. thanks",
		// "太好了，谢谢，拜拜", "아 그렇구나 알겠습니다"), unless those
		// words ask something we can answer. Words that say it is solved
		// ("thanks that solved it!", "搞定了，谢谢", "해결됐어요 감사해요")
		// ask nothing, whatever the knowledge base makes of them.
		said := ""
		if bye {
			said = "bye"
		} else if thanked {
			said = "thanks"
		}
		if k, rest := t.set.Persona.Closing(text, said); k != "" && (reportsSolved(text) || !t.answerable(rest)) {
			solved = reportsSolved(text)
			thanked = thanked || k == "thanks"
			bye = bye || k == "bye"
			text = ""
			t.s.Misses = 0
		}
	}
	if !hasWords(text) {
		// Small talk alone is understood, not a miss. A question after it
		// ("are you a bot? I was charged twice") is not small talk: its
		// misses count toward the offer of a person.
		t.s.Misses = 0
		switch {
		case bye:
			t.closing("bye")
		case len(chats) > 0 && !(thanked && t.helped()):
			t.emit(join(t.lead, t.render("chat_back", persona.Data{})), kindChat, "", 0)
		case thanked && !(wordless && !t.botSpoke()):
			t.closing("thanks")
			if solved && t.answeredSomething() && !t.surveyed() {
				// "thanks that solved it!" is a resolution as much as a
				// goodbye is: ask how we did.
				t.survey()
			}
		case greeted && t.handedOff():
			// "hello?", "在吗" after we said a person would come (or how
			// to reach one): a ping, not a new conversation to introduce
			// ourselves to.
			t.emit(t.render("still_here", persona.Data{}), kindAck, "", 0)
		case greeted:
			t.emit(t.lead, kindGreeting, "", 0)
		case upset:
			// "😡😡😡": sorry first, then what went wrong.
			t.emit(join(t.lead, t.render("upset", persona.Data{})), kindChat, "", 0)
		case laughed:
			// "lol", "哈哈哈", "ㅋㅋ": laugh along lightly, then offer help.
			next := "anything_else"
			if !t.helped() {
				next = "chat_back"
			}
			t.emit(join(t.lead, t.render("chat_laugh", persona.Data{}), t.render(next, persona.Data{})), kindAck, "", 0)
		case laughedOff && !wordless:
			// "lol ok": acknowledged with a laugh. Laughing along only
			// after our joke; then what else we can do, or what we can
			// do at all when nothing was answered yet.
			lead := ""
			if t.lastBotKind() == kindChat && t.afterJoke() {
				lead = t.render("chat_laugh", persona.Data{})
			}
			next := "anything_else"
			if !t.helped() {
				next = "chat_back"
			}
			t.emit(join(t.lead, lead, t.render(next, persona.Data{})), kindAck, "", 0)
		case !t.s.Greeted && !t.botSpoke():
			// A first message of ".", "???", "👍" or "🙏": nothing to add
			// "anything else" to; greet and ask how we can help.
			t.s.Greeted = true
			t.emit(join(t.lead, t.render("greet", persona.Data{})), kindGreeting, "", 0)
		case pinged:
			// "???" after we spoke: are they still being heard? Yes.
			t.emit(join(t.lead, t.render("still_here", persona.Data{})), kindAck, "", 0)
		case !t.helped():
			// "🙂" after our greeting: nothing was answered yet, so no
			// "anything else" (walk 2026-12-06 s3 item 22).
			t.emit(join(t.lead, t.render("chat_back", persona.Data{})), kindAck, "", 0)
		case t.set.Persona.Says(t.words(whole), "understood"):
			// "ok got it", "好的明白了", "아 네 알겠어요": they understood;
			// a warm closing with the door open, not "what else?" nor,
			// for its "네", "go ahead" (review 2026-12-07).
			t.emit(join(t.lead, t.render("ack_closing", persona.Data{})), kindAck, "", 0)
		default:
			// "ok", "知道了", or only emoji and punctuation ("👍", "..."):
			// an acknowledgement, answered warmly, not a miss.
			t.emit(join(t.lead, t.render("anything_else", persona.Data{})), kindAck, "", 0)
		}
		return
	}
	if t.declinedOpen(text) {
		return
	}
	if t.cardGiven(text) {
		return
	}
	if ref, named, ok := trackingRef(text); ok {
		t.trackingGiven(ref, named)
		return
	}
	if ref, ok := shortTrackingRef(text); ok {
		t.trackingShort(ref)
		return
	}
	if ref, ok := orderRef(text); ok {
		if entry, asked := t.askedForOrder(); asked {
			t.orderGiven(ref, entry)
			return
		}
	} else if ref, ok := shortOrderRef(text); ok {
		// "it's 1002" right after we asked for the order number: the
		// number we asked for, however short (walk 2026-12-06 item 12).
		if entry, asked := t.askedForOrder(); asked {
			t.orderGiven(ref, entry)
			return
		}
	}
	t.givenOrder, _ = orderRefIn(text)
	t.answer(text)
	if t.givenOrder != "" && t.lastBotKind() == kindAnswer {
		// "my order KS-204817 hasnt arrived": the answer, then what
		// happens with the number it would have asked for, as when the
		// number comes alone after it asked (orderGiven).
		if entry := t.s.Turns[len(t.s.Turns)-1].Entry; t.entryAsksOrder(entry) {
			t.lead = ""
			t.orderGiven(t.givenOrder, entry)
		}
	}
}

// maxAffirmBytes is the longest message read as a go-ahead ("yes",
// "yeah sure, one more question", "네 하나 더 있어요"): a longer one says
// what it wants, and is not tokenized once more to find out.
const maxAffirmBytes = 64

// tailEvidence is the lexical score under which the words after small
// talk share nothing real with the knowledge base: "please lol" (0.07)
// is chat, "charged twice" (0.14) or "I was charged twice" (0.19) is a
// problem (baton match --explain). Lexical scores only: an embedding
// model's scale differs.
const tailEvidence = 0.1

// smallTail reports whether the few words left after small talk are part
// of it: only words about us and the moment ("over there?", "呀今天",
// "요즘"), or words the knowledge base has no real evidence for ("in Tokyo
// tomorrow?"). Anything else is a question, missed like any other.
func (t *turn) smallTail(text string) bool {
	if reportsProblem(text) {
		// "are you a bot? the app keeps crashing": a problem told after
		// the small talk is what they came for, whatever the knowledge
		// base has on it (walk 2026-12-06d item 3).
		return false
	}
	if t.set.Persona.Aside(text) {
		return true
	}
	without := lexicalWithout(t.ctx, t.set.KB.Matcher, 1)
	if without == nil {
		return false // no lexical ranker to weigh it: treat it as a question
	}
	m := without(text, nil)
	return len(m) == 0 || m[0].Score < tailEvidence
}

// askedAnythingElse reports whether the bot's last reply ended asking
// whether there is anything else: an answer, the reply to thanks, or an
// acknowledgement that ended with anything_else. A likely answer asks
// "did you mean X?" and "still here, what can we help you with?" asks
// for the question: a "no" to those is "not that", never a goodbye.
func (t *turn) askedAnythingElse() bool {
	switch t.lastBotKind() {
	case kindAnswer, kindThanks:
		return true
	case kindAck:
		// The warm closing after "ok got it" leaves the door open as
		// "anything else?" does: a "no" to it is a goodbye.
		said := t.s.Turns[t.lastBotTurn()].Text
		return t.endsAskingAnythingElse(said) || t.endsSaying(said, "ack_closing")
	}
	return false
}

// endsAskingAnythingElse reports whether text ends with one of the
// wordings of anything_else, in any language the persona speaks (the
// reply may be in the customer's previous language).
func (t *turn) endsAskingAnythingElse(text string) bool {
	return t.endsSaying(text, "anything_else")
}

// lastBotTurn is the index of the bot's last turn; only called when
// lastBotKind is not "".
func (t *turn) lastBotTurn() int {
	for i := len(t.s.Turns) - 1; i >= 0; i-- {
		if t.s.Turns[i].Role == "bot" {
			return i
		}
	}
	return -1
}

// handedOff reports whether the bot's last reply handed the
// conversation to a person or said how to reach one.
func (t *turn) handedOff() bool {
	switch t.lastBotKind() {
	case kindHandoff, kindNoDesk, kindQueue, kindWaitAck:
		return true
	}
	return false
}

// afterGuess answers what follows a guess ("This sounds like a question
// about …") when it says the guess was wrong or the customer is not sure
// (walk 2026-12-06 item 14): "no i mean how do i send it back" is read
// without the rejected entry, never offering it again; "not sure" gets
// the topics again, the guess first. It reports whether it answered.
//
// A bare "no" to a guess that only asked ("are you asking about …?") asks
// for the need in other words, with the other topics and a person
// offered; the guess was a miss already, so it is not counted again.
func (t *turn) afterGuess(text string) bool {
	guess := t.guessed()
	if guess == "" {
		return false
	}
	if t.set.Persona.OnlyIn(t.words(text), "unsure") {
		var topics []Topic
		if e, ok := t.set.KB.Entry(guess, t.lang); ok && e.Title() != "" {
			topics = append(topics, Topic{Entry: guess, Title: e.Title()})
		}
		if o := t.s.Outbox; o != nil {
			for _, r := range o.Replies {
				for _, b := range r.Buttons {
					if b.Kind == string(KindTopic) && b.Value != guess {
						topics = append(topics, Topic{Entry: b.Value, Title: b.Label})
					}
				}
			}
		}
		t.emit(t.render("unsure_topics", persona.Data{}), kindRephrase, "", 0)
		t.offer(topics)
		t.offerPerson()
		return true
	}
	rest, corrects := t.set.Persona.Correction(text)
	if corrects && hasWords(rest) {
		t.rejected = guess
		t.answer(rest)
		return true
	}
	// "no not that", "不是不是", "that's not what I asked" (the wrong
	// list) say no to the guess as well.
	if t.lastBotKind() == kindGuess && (corrects || t.set.Persona.DeclinesIn(t.words(text)) || t.set.Persona.OnlyIn(t.words(text), "wrong")) {
		others := slices.DeleteFunc(t.offered(), func(id string) bool { return id == guess })
		var topics []Topic
		for _, id := range others {
			if e, ok := t.set.KB.Entry(id, t.lang); ok {
				topics = append(topics, Topic{Entry: id, Title: e.Title()})
			}
		}
		t.emit(t.render("guess_no", persona.Data{}), kindRephrase, "", 0)
		t.offer(topics)
		t.personButton()
		return true
	}
	return false
}

// missed reports whether a bot turn of kind k was a miss: a rephrase
// request, or a guess that asked instead of answering.
func missed(k string) bool { return k == kindRephrase || k == kindGuess }

// introducedName is the name the customer gave in a greeting in this
// conversation ("hi, I'm Sarah"), "" if none: said back in the closing,
// the one other time it is used. Read only at a closing, from the turns
// (a stored field the release before this one does not know would make
// it refuse the record during a rolling deploy).
func (t *turn) introducedName() string {
	for _, tr := range sinceClose(t.s.Turns, len(t.s.Turns)) {
		if tr.Role != "customer" || tr.Kind != string(KindText) {
			continue
		}
		if k, rest := t.set.Persona.Smalltalk(tr.Text); persona.IsGreeting(k) && rest != "" {
			if name, _ := t.set.Persona.Introduction(rest); name != "" {
				return name
			}
		}
	}
	return ""
}

// afterNoDesk reports whether the bot said, last or before only
// acknowledgements ("We're right here"), that no one from the team can
// join this chat (handoff_nodesk).
func (t *turn) afterNoDesk() bool {
	for _, tr := range slices.Backward(sinceClose(t.s.Turns, len(t.s.Turns))) {
		if tr.Role != "bot" {
			continue
		}
		switch tr.Kind {
		case kindNoDesk:
			return true
		case kindAck:
			continue
		}
		return false
	}
	return false
}

// afterAnswer reports whether the bot's last reply answered a question.
func (t *turn) afterAnswer() bool {
	k := t.lastBotKind()
	return k == kindAnswer || k == kindLikely
}

// answerable reports whether the knowledge base answers text confidently.
func (t *turn) answerable(text string) bool {
	if !hasWords(text) {
		return false
	}
	m := t.match(text)
	return len(m) > 0 && m[0].Confident
}

// detectInput is what the handoff detector reads of text in this
// conversation: the history, the misses, and whether the bot's last reply
// was a refusal or a miss.
func (t *turn) detectInput(text string) handoff.Input {
	return handoff.Input{Text: text, Lang: t.lang, History: t.history(), Misses: t.s.Misses,
		AfterRefusal: t.lastBotKind() == kindRefusal, AfterMiss: missed(t.lastBotKind())}
}

// answer runs the answerer and the handoff detector on one question.
func (t *turn) answer(text string) {
	in := t.detectInput(text)
	history := in.History
	// With a model answering, rules that need no answer (an explicit
	// request, anger, "I don't get it") are checked first, so the model is
	// not asked to answer them. Offline answers are cheap: one check after.
	if _, offline := t.b.answerer.(kbAnswerer); !offline {
		if d := t.set.Rules.DetectContext(semantic.KnownVectorsOnly(t.ctx), in); d.Handoff && d.Reason != "loop" {
			t.handoff(d)
			return
		} else if d.Demand != "" && !d.Handoff {
			t.refuse(d, text)
			return
		}
	}
	last := t.lastBotKind()
	read := withoutPromoCodes(t.withoutLeadFiller(text), t.lang) // "SAVE10 doesn't work": a discount code
	continued, topic, follows := t.continuedEntry(), t.s.Topic, last == kindAnswer || last == kindLikely
	if last == kindNoDesk && continued != "" {
		// "where do I send the photos?" after a complaint we answered and
		// said no one can join: it goes on with that answer (walk
		// 2026-12-06d), as after any answer.
		if e, ok := t.set.KB.Entry(continued, t.lang); ok && len(e.Questions) > 0 {
			topic, follows = e.Questions[0], true
		}
	}
	if guess := t.guessed(); last == kindGuess && guess != "" && isFollowUp(read) {
		// A short follow-up right after "are you asking about 환불 언제
		// 돼요?" ("얼마나 걸려요", "how long does it take?") goes on
		// with the topic we asked about, as a person would hear it: it
		// was read alone, as shipping times (walk 2026-12-06c).
		if e, ok := t.set.KB.Entry(guess, t.lang); ok && len(e.Questions) > 0 {
			continued, topic, follows = guess, e.Questions[0], true
		}
	}
	r := reader{match: t.match, words: lexicalMatch(t.ctx, t.set.KB.Matcher, 5), without: lexicalWithout(t.ctx, t.set.KB.Matcher, 5), last: continued, mentions: t.mentions, namesOther: t.namesOther, related: t.pointedAt, tipSays: t.tipSays, detail: t.detail, answer: t.entryAnswer, subject: t.subject, closed: t.closedList, kindOf: t.kindOf, contrasts: t.contrasts}
	u := r.understand(read, topic, follows)
	if t.rejected != "" {
		// Not the guess they said no to: the calibrated decision on
		// what is left, or at least the guess among no topics.
		if without := lexicalWithout(t.ctx, t.set.KB.Matcher, 5); without != nil {
			u = understanding{text: read, cands: without(read, []string{t.rejected})}
		} else {
			u.cands = slices.DeleteFunc(slices.Clone(u.cands), func(m knowledge.Match) bool { return m.ID == t.rejected })
		}
	}
	// Whether read speaks of another trade, asked below once per text:
	// the lexicon's reading of a message (tokenize, then apply) is a
	// large share of a turn's work (cpu7: 14K of 207K instructions).
	var otherOf string
	var otherKnown, other bool
	readsOther := func() bool {
		if !otherKnown || otherOf != read {
			otherOf, other, otherKnown = read, readsOtherTrade(read, t.set.Lexicon), true
		}
		return other
	}
	if len(u.parts) == 0 && len(u.cands) > 0 && readsOther() {
		// Another trade's words beside a question of the shop's own, as
		// an aside in a sentence or clause of its own ("the stock market
		// is crazy today, anyway how long does delivery take?"): the
		// question is answered as asked without the aside, when it is
		// sure alone. A question that speaks of it ("can i buy stocks in
		// your company"), or one unsure without it ("…, why is it more
		// expensive now"), is left to the block below (walk6).
		if rest := withoutOtherTrade(read, t.set.Lexicon); rest != "" {
			if v := r.understand(rest, topic, follows); len(v.parts) > 0 || confident(v.cands) {
				u, read = v, rest
			}
		}
	}
	if len(u.parts) == 0 && len(u.cands) > 0 &&
		(confident(u.cands) && namesUnknownHan(t.set.KB.Base, t.set.Lexicon, u.cands[0].ID, t.lang, read) ||
			readsOther()) {
		// Not the shop's question, whatever its other words lean to:
		// "有没有学生优惠", a student discount no entry speaks of (not the
		// discount codes again), or another trade's business by the
		// lexicon's othertrade concept ("can i buy stocks in your
		// company", "the stock price of my headphones went up": review-A
		// W2). Said plainly, with the closest topics.
		u.cands = slices.Clone(u.cands)
		u.cands[0].SetTier(knowledge.Unsure)
		u.follow = nil
	}
	if len(u.parts) == 0 && t.thinRest && confident(u.cands) {
		u.cands = slices.Clone(u.cands)
		u.cands[0].SetTier(knowledge.Guess)
	}
	if len(u.parts) == 0 && u.follow == nil && confident(u.cands) && t.onlyTheProblemPoints(read, u.cands[0].ID) {
		// "앱이 자꾸 튕겨요" (the app keeps crashing): only its words
		// for what went wrong (튕겨, as a failed payment "bounces") lead
		// to the failed-payment answer; what it is about points
		// elsewhere. Asked, not answered as sure.
		u.cands = slices.Clone(u.cands)
		u.cands[0].SetTier(knowledge.Guess)
	}
	q := Question{
		Text:       text,
		Lang:       t.lang,
		History:    history,
		Candidates: u.cands,
		Parts:      u.parts,
		Customer:   firstName(t.s.Name),
		Seed:       t.s.Messages,
		FollowUp:   u.follow,
	}
	if u.follow != nil {
		// A follow-up to a topic we only guessed keeps the hedge (review
		// MEDIUM, walk 2026-12-06d item 5).
		q.Hedge = t.unconfirmed()
	}
	ans, err := t.b.answerer.Answer(t.ctx, q)
	if err != nil || ans.Text == "" {
		t.b.log.Warn("answerer failed; answering from the knowledge base", "conv", logmask.Conv(t.s.ID), "err", err)
		t.b.obs.Error("answer")
		ans, _ = KnowledgeAnswerer(t.b.contents).Answer(t.ctx, q)
	}
	if t.b.desk == nil {
		// No one can join this chat: the team's contacts, not a button
		// or a promise to bring someone in.
		for _, key := range []string{"followup_person", "answer_again_more"} {
			if rest, ok := t.withoutEnding(ans.Text, key); ok {
				ans.Text = join(rest, t.render(key+"_nodesk", persona.Data{}))
				break
			}
		}
	}
	t.read(u, ans)
	switch {
	case ans.Confident && ans.OfferPerson:
		// The entry has nothing more: not answered, yet the person is
		// offered right here, so the miss streak neither ends nor grows
		// (no second offer from it).
	case ans.Confident:
		t.s.Misses = 0
		if u.follow == nil || ans.Entry != t.lastEntry() {
			// A follow-up answered from the same entry leaves the
			// question it continued as the topic: "and Korea?", "and
			// Japan?", "and Korea?" are each read with the shipping
			// question, not with the follow-ups piled on it.
			t.s.Topic = truncateRunes(u.text, maxBotTurnRunes)
			if !confident(u.cands) || u.cands[0].ID != ans.Entry {
				// Answered from an entry the message alone was not sure
				// of ("do u take venmo": not on the ways to pay): a
				// follow-up ("k what about cash") is read with that
				// entry's question, which is sure of it, not with a
				// message that is not (walk3 2026-12-07).
				if e, ok := t.set.KB.Entry(ans.Entry, t.lang); ok && len(e.Questions) > 0 {
					t.s.Topic = e.Questions[0]
				}
			}
		}
		if len(u.parts) >= 2 {
			// Several questions answered at once: a follow-up ("and to
			// Korea?") continues the one asked last, not all of them
			// read together, which lean to the first (walk 2026-12-06
			// s3 item 13).
			last := u.parts[len(u.parts)-1][0].ID
			if e, ok := t.set.KB.Entry(last, t.lang); ok && len(e.Questions) > 0 {
				t.s.Topic = e.Questions[0]
			}
		}
	case ans.Likely:
		// A hedge is neither a miss nor proof we understood: the streak
		// stands, so a wrong guess does not push back the offer of a
		// person. Its entry is the topic a follow-up continues, as for a
		// picked topic.
		if e, ok := t.set.KB.Entry(ans.Entry, t.lang); ok && len(e.Questions) > 0 {
			t.s.Topic = e.Questions[0]
		}
	default:
		t.s.Misses++
	}
	in.Misses = t.s.Misses
	if !ans.Partial || u.follow != nil && !ans.OfferPerson {
		// A follow-up's answer counts toward the loop as its own need
		// (SameNeed below). One that says the entry has nothing more
		// already offers a person, and asking again keeps offering one:
		// theirs to take (TestWhatNowAgainKeepsOfferingAPerson).
		in.Answer = ans.Entry
	}
	switch {
	case in.Answer != "" && u.follow != nil:
		// A follow-up asks for what it adds ("and to Korea?": Korea,
		// "那支付宝呢？": 支付宝): the same follow-up again is the same need
		// again, and counts; the question it followed, or another
		// follow-up ("and to Germany?", "微信支付呢"), is another need.
		in.SameNeed = func(earlier string) bool {
			return t.sameFollowUp(earlier, u.follow) && !t.namesMore(ans.Entry, text, earlier)
		}
	case in.Answer != "":
		// A question that names another thing the answer covers ("微信支付
		// 可以吗", then "货到付款可以吗"), or a detail it speaks of ("can I
		// cancel it if it already shipped?" after "can I cancel my
		// order?"), is a new question, not the same one again (review B
		// walk 3315621, HIGH).
		in.SameNeed = func(earlier string) bool {
			return !t.namesMore(ans.Entry, text, earlier)
		}
	}
	in.Signals = handoff.Signals{WantsHuman: ans.Signals.WantsHuman, Angry: ans.Signals.Angry, Confused: ans.Signals.Confused}
	if d := t.set.Rules.DetectContext(t.ctx, in); d.Handoff {
		if d.Reason == handoff.Complaint {
			t.demanding = in.AfterRefusal
			t.told = t.answeredEntries(u, ans)
			if t.demanding {
				// "no i want the discount" after the soft refusal: the
				// refusal offered what policy allows; an answer its words
				// happen to reach (how discount codes work) is no help to
				// someone pressing on (walk4 2026-12-07).
				offer := t.set.Rules.Offer()
				t.told = slices.DeleteFunc(t.told, func(id string) bool { return !slices.Contains(offer, id) })
			}
			if len(t.told) == 0 && !t.demanding {
				t.told = t.problemEntry(u.text)
			}
		}
		if d.Reason == handoff.Loop && ans.Confident && !ans.OfferPerson && ans.Entry != "" {
			t.told, t.toldAgain = []string{ans.Entry}, ans.inShort()
			if t.toldAgain == "" {
				t.toldAgain = t.withoutNextStep(ans.Text)
			}
		}
		t.handoff(d)
		return
	} else if d.Demand != "" {
		t.refuse(d, text)
		return
	}
	if t.chatTail && !ans.Confident && !ans.Likely && t.smallTail(text) {
		// Small talk and a few words we cannot answer ("what's the weather
		// like over there?"): a kind reply and an offer to help, never
		// "I didn't catch that" after it. Not a miss, so the turn counted
		// above is taken back.
		t.s.Misses = 0
		t.emit(join(t.lead, t.render("chat_back", persona.Data{})), kindChat, "", 0)
		return
	}
	kind := kindAnswer
	switch {
	case ans.Likely && !ans.Confident:
		kind = kindLikely
	case !ans.Confident:
		kind = kindRephrase
		if ans.Guess {
			kind = kindGuess
		}
		if t.apologised {
			t.lead = join(t.lead, t.render("chat_apology", persona.Data{}))
		}
	}
	var score float64
	if len(q.Candidates) > 0 {
		score = q.Candidates[0].Score
	}
	if kind == kindAnswer {
		ans.Text = t.withoutKnownOrderAsk(ans.Text, ans.Entry) // never ask for a number they gave
	}
	t.emit(join(t.lead, ans.Text), kind, ans.Entry, score)
	t.s.Turns[len(t.s.Turns)-1].Tips = ans.Tips
	if ans.Confident && !ans.OfferPerson {
		t.emitEvent(lifecycle.Answered{Base: t.base(), Entry: ans.Entry})
	} else {
		// "That's all our pages say, talk to a person" is not contained:
		// ops see it among the misses, with its entry.
		// A likely answer is counted as its own kind, and still feeds
		// the knowledge gaps: ops can add the customer's phrasing.
		miss := lifecycle.Missed{Base: t.base(), Text: text, Unsure: len(q.Candidates) > 0, Likely: ans.Likely}
		if len(q.Candidates) > 0 {
			miss.Entry, miss.Score = q.Candidates[0].ID, q.Candidates[0].Score
		}
		t.emitEvent(miss)
	}
	if !ans.Confident {
		if len(ans.Topics) == 0 && !ans.Likely && hasLetters(text) {
			// A model that says the entries do not cover it still gets the
			// customer one tap from the closest ones.
			ans.Topics = closestTopics(t.set.KB.Base, q)
		}
		t.offer(ans.Topics)
		t.offerPerson()
	} else if ans.OfferPerson {
		t.offerPerson()
	}
}

// refuse answers an unreasonable demand ("90% off or I'm leaving"): a soft,
// honest no with the reason, then what policy does allow, from the
// knowledge entries the rules name (demand.offer), with each as a topic
// button. Insisting after this is a complaint (handoff.Input.AfterRefusal).
func (t *turn) refuse(d handoff.Decision, text string) {
	t.s.Misses = 0
	t.b.log.Info("soft refusal", "conv", logmask.Conv(t.s.ID), "evidence", d.Demand)
	offers := t.offersFor(text)
	key := "demand_refusal"
	if len(offers) == 0 {
		// The base has none of the entries demand.offer names (the
		// sample prompts beside a shop's own knowledge): no list follows.
		key = "demand_refusal_plain"
	} else {
		// Why we say no fits what they asked for: a refund without the
		// item back is no discount (demand_refusal_<tag> of the policy
		// offered first, when the messages have one).
		for _, tag := range offers[0].Tags {
			if k := "demand_refusal_" + tag; t.set.Persona.Variants(t.lang, k) > 0 || t.set.Persona.Variants("en", k) > 0 {
				key = k
				break
			}
		}
	}
	parts := []string{t.lead, t.render(key, persona.Data{})}
	var topics []Topic
	for _, e := range offers {
		id := e.ID
		what := e.Tip // one sentence, written to be offered
		if what == "" {
			what, _, _ = strings.Cut(strings.TrimSpace(e.Answer), "\n\n")
		}
		parts = append(parts, "• "+what)
		topics = append(topics, Topic{Entry: id, Title: e.Title()})
	}
	t.emit(join(parts...), kindRefusal, "", 0)
	t.offer(topics)
}

// maxRefusalOffers is how many of the entries policy allows a soft
// refusal offers: the ones closest to what was asked.
const maxRefusalOffers = 2

// minOfferScore is how close a message must come to an offered entry for
// it to go first: "give me 50% off" comes to returns/start at 0.08 by
// "off" alone, "a refund without returning it" to the returns entries at
// 0.17-0.24, "물건은 안 보내고 환불만 해 주세요" to returns/refunds at 0.12
// (baton match --explain, 2026-12-06): below the cut the file's order puts
// the price match first, and its refusal speaks of a discount. Lexical
// scores only: fused ones are softmax shares (returns/start 0.008 beside
// returns/refunds 0.98 for the refund without the item back, with the
// real model), and the price match went first again.
const minOfferScore = 0.10

// offersFor are the entries of demand.offer (handoff.yaml) that a soft
// refusal of text offers: those the message's words are closest to first
// (a refund without returning the item gets the returns entries, "50% off"
// the price match), the file's order among equals, at most
// maxRefusalOffers.
func (t *turn) offersFor(text string) []*knowledge.Entry {
	score := map[string]float64{}
	match := lexicalMatch(t.ctx, t.set.KB.Matcher, 50)
	if match == nil {
		match = func(text string) []knowledge.Match { return t.set.KB.Match(t.ctx, text, 50) }
	}
	for _, m := range match(text) {
		if m.Score >= minOfferScore {
			score[m.ID] = m.Score
		}
	}
	var out []*knowledge.Entry
	for _, id := range t.set.Rules.Offer() {
		if e, ok := t.set.KB.Entry(id, t.lang); ok && len(e.Questions) > 0 {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *knowledge.Entry) int { return cmp.Compare(score[b.ID], score[a.ID]) })
	return out[:min(len(out), maxRefusalOffers)]
}

// missesBeforeWords is after how many unsure answers in a row the bot
// offers a person in words too, not only as a button.
const missesBeforeWords = 3

// offerPerson puts "Talk to a person" beside the topics of an unsure
// answer. Our own uncertainty is not the customer's problem: we offer a
// person and let them choose; only their choice, their words or their
// frustration hand off. After a third miss in a row we say it too.
func (t *turn) offerPerson() {
	if len(t.out) == 0 {
		return
	}
	i := len(t.out) - 1
	m := &t.out[i]
	// In words on the third miss in a row, then every third: the button
	// stays, the same apology does not come back with every miss.
	if t.s.Misses >= missesBeforeWords && t.s.Misses%missesBeforeWords == 0 {
		m.Text = join(m.Text, t.renderAfter(m.Text, t.deskless("offer_person"), persona.Data{}))
		t.s.Turns[len(t.s.Turns)-1].Text = truncateRunes(m.Text, maxBotTurnRunes)
	}
	t.personButton()
}

// personButton puts the "Talk to a person" button under the last reply,
// unless that reply gives the team's contacts already (no desk).
func (t *turn) personButton() {
	if len(t.out) == 0 {
		return
	}
	m := &t.out[len(t.out)-1]
	label := t.render(t.deskless("person_button"), persona.Data{})
	if email, _ := t.set.Persona.Contact(); t.b.desk == nil && email != "" && strings.Contains(m.Text, email) {
		return // the reply gives the team's contacts already: a button for them again is noise
	}
	m.Buttons = append(m.Buttons, Button{Label: truncateRunes(label, maxTopicLabel), Kind: KindPerson, Value: "offer"})
}

// deskless is the message key to say with no agent desk connected: its
// _nodesk wording, which gives the team's contacts instead of "tap Talk
// to a person" (no one can join this chat), or key itself with a desk.
func (t *turn) deskless(key string) string {
	if t.b.desk == nil {
		return key + "_nodesk"
	}
	return key
}

// plural says "1 unsure answer" or "3 unsure answers".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// match ranks the knowledge entries for text with the matcher serve uses.
// A first candidate whose subject the message swapped for another's is
// not answered (swappedSubject); the turn keeps what moved it, for
// `baton match --explain` (Reading.LookAlike).
func (t *turn) match(text string) []knowledge.Match {
	cands := t.set.KB.Match(t.ctx, text, 5)
	out, named := swappedSubject(t.set.KB.Base, t.set.Lexicon, text, cands)
	if named != "" && t.b.reads != nil {
		t.lookAlike = append(t.lookAlike, lookAlike{text: text, was: cands[0].ID, named: named, by: out[0].ID})
	}
	return out
}

// withoutLeadFiller is text as the question is read: without the filler
// it starts with ("ok so where is my order", "haha ok wher is my order",
// "k what about cash"), which no small-talk phrase followed for the
// small-talk reading to peel, unless text is sure of an entry as it is
// (walk3 2026-12-07: "ok so where is my order" missed, "ok" pulling
// toward "Is Mastercard OK?"). A message sure as written keeps its
// words: a filler word can be a detail ("빠른 배송", fast shipping). The
// lexical stage decides, so no second embeddings call. The rules still
// read the whole message: "oh great, another delay" is sarcasm.
func (t *turn) withoutLeadFiller(text string) string {
	s := t.set.Persona.WithoutLeadFillerIn(t.words(text))
	interj := t.set.Persona.WithoutLeadIn(t.words(text), "interjection")
	if s == text && interj == text {
		return text
	}
	match := lexicalMatch(t.ctx, t.set.KB.Matcher, 5)
	if match == nil {
		match = t.match
	}
	as := match(text)
	if confident(as) {
		return text
	}
	if interj != text && interj != s && tierOf(match(interj)) > tierOf(as) {
		// "yikes, my package is late", "晕，怎么退货", "헐 대박 환불 언제
		// 돼요?": an interjection before the question says how they
		// feel, not what they ask, and its words (晕, a character no
		// example has) sank a question sure without it (walk6). Dropped
		// only when the rest reads surer than the whole: "no way to
		// track it?" keeps its words.
		return interj
	}
	if s == text {
		return text
	}
	if cutsHanWord(text, s) && tierOf(match(s)) <= tierOf(as) {
		// "收到货少了一件": 收到 is filler alone ("收到，谢谢"), yet glued
		// to the characters after it, it is a word of the question
		// (received), and "货少了一件" ranks changing an order first. A
		// filler cut out of a run of Han characters is dropped only
		// when the rest reads better than the whole ("好的我想退货"),
		// never on its say-so (walk4 2026-12-07).
		return text
	}
	return s
}

// cutsHanWord reports whether rest, text without the filler it starts
// with, begins inside the run of Han characters the filler ends: nothing
// (no space, no punctuation) between its last character and rest's first.
func cutsHanWord(text, rest string) bool {
	if !strings.HasSuffix(text, rest) || len(rest) == len(text) {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(text[:len(text)-len(rest)])
	after, _ := utf8.DecodeRuneInString(rest)
	return unicode.Is(unicode.Han, before) && unicode.Is(unicode.Han, after)
}

// tierOf is the decision on the first of ranked candidates (Unsure for none).
func tierOf(c []knowledge.Match) knowledge.Tier {
	if len(c) == 0 {
		return knowledge.Unsure
	}
	return c[0].Tier()
}

// maxTopicLabel keeps topic buttons short enough for any chat app.
const maxTopicLabel = 40

// offer puts the closest topics under the rephrase request as buttons, so
// a customer who was not understood can pick instead of retyping.
func (t *turn) offer(topics []Topic) {
	if len(topics) == 0 || len(t.out) == 0 {
		return
	}
	m := &t.out[len(t.out)-1]
	for _, tp := range topics {
		m.Buttons = append(m.Buttons, Button{Label: truncateRunes(tp.Title, maxTopicLabel), Kind: KindTopic, Value: tp.Entry})
	}
}

// typedPick answers the topic a customer picked by typing its place in
// the list the bot's last reply offered ("option 2", "the first one",
// "1번이요", "第一个"), as if they had pressed its button. Only right after
// a list, and only a place on it: anywhere else the same words are a
// message like any other.
//
// The list is read from the session's outbox: the replies, with their
// buttons, of the last piece of work on the conversation: the customer's
// previous message. When a timer's or an agent's message reaches the
// customer since, the list is no longer the last thing said, and that
// work leaves the outbox without its topic buttons (agentTurn.finish).
// Not from the turns: a field
// of the stored record that the release before this one does not know
// would make it refuse the record during a rolling deploy.
//
// A "yes" ("对", "네 맞아요") right after a guess ("are you asking about
// …?") picks the topic it asked about: the first offered.
func (t *turn) typedPick() bool {
	offered := t.offered()
	i, ok := topicChoice(t.ev.Text, len(offered))
	if !ok && len(offered) > 0 && t.confirmsGuess(t.ev.Text) {
		i, ok = 1, true
	}
	if !ok {
		return len(offered) == 0 && t.pickWithoutList()
	}
	t.topic(offered[i-1])
	return true
}

// offered are the topics the bot's last reply offered as buttons, in
// order, read from the session's outbox (typedPick says why).
func (t *turn) offered() []string {
	var offered []string
	if o := t.s.Outbox; o != nil {
		for _, r := range o.Replies {
			for _, b := range r.Buttons {
				if b.Kind == string(KindTopic) {
					offered = append(offered, b.Value)
				}
			}
		}
	}
	return offered
}

// confirmsGuess reports whether msg says yes to the bot's last reply
// when that was a guess: only a yes ("yes", "yep that's it", "是的",
// "네 맞아요"), maybe with thanks, with nothing else to answer.
func (t *turn) confirmsGuess(msg string) bool {
	// "네 감사합니다", "yes thanks": a yes with thanks is still a yes,
	// not a goodbye after a miss (walk 2026-12-06d).
	return len(msg) <= maxAffirmBytes && t.lastBotKind() == kindGuess && t.set.Persona.OnlyIn(t.words(msg), "confirm", "thanks")
}

// guessed is the entry the bot's last reply guessed: a likely answer's
// entry, or the topic a guess asked about (its first button); "" when
// there is none.
func (t *turn) guessed() string {
	switch t.lastBotKind() {
	case kindLikely:
		return t.s.Turns[t.lastBotTurn()].Entry
	case kindGuess:
		if offered := t.offered(); len(offered) > 0 {
			return offered[0]
		}
	}
	return ""
}

// unconfirmed is the entry the conversation is on only by our guess: the
// last reply asked about it (a guess), answered it with a hedge (a likely
// answer), or answered a follow-up to either with the hedge kept. "" when
// the customer confirmed it (a "yes", a tap, a question of its own that
// we were sure of) or there is none.
func (t *turn) unconfirmed() string {
	if id := t.guessed(); id != "" {
		return id
	}
	i := t.lastBotTurn()
	if i < 0 || t.s.Turns[i].Kind != kindAnswer {
		return ""
	}
	tr := t.s.Turns[i]
	if e, ok := t.set.KB.Entry(tr.Entry, t.lang); ok && e.Title() != "" &&
		strings.Contains(tr.Text, t.render("hedge_lead", hedgeData(persona.Data{}, e))) {
		return tr.Entry
	}
	return ""
}

// topic answers the entry a customer picked from the offered topics.
func (t *turn) topic(id string) {
	if _, ok := t.set.KB.Entry(id, t.lang); !ok {
		t.say("rephrase", kindRephrase, persona.Data{})
		return
	}
	q := Question{Lang: t.lang, History: t.history(), Customer: firstName(t.s.Name),
		Candidates: []knowledge.Match{{ID: id, Lang: t.lang, Score: 1, Confident: true}}}
	ans, _ := KnowledgeAnswerer(t.b.contents).Answer(t.ctx, q)
	t.s.Misses = 0
	if e, ok := t.set.KB.Entry(id, t.lang); ok && len(e.Questions) > 0 {
		t.s.Topic = e.Questions[0] // what they picked is the question now
	}
	t.emitEvent(lifecycle.Picked{Base: t.base(), Entry: id, After: t.missedText()})
	t.emit(ans.Text, kindAnswer, id, 1)
	t.s.Turns[len(t.s.Turns)-1].Tips = ans.Tips
}

// closing answers a thanks or a goodbye. A goodbye after we answered
// something also asks how we did.
func (t *turn) closing(kind string) {
	// Thanks or a goodbye right after we said our pages have no answer
	// ("ok thanks anyway") is no "happy we could help": sorry, and the
	// way to a person (walk 2026-12-06 item 11). After the topics we
	// offered for a message we could not place, thanks is thanks: the
	// customer may have found what they needed among them (walk
	// 2026-12-06 s3 item 5). A guess ("are you asking about …?") offers
	// its topics as buttons, not a list, and is such an offer too.
	last := t.lastBotKind()
	missed := missed(last)
	unplaced := missed && !asksClearly(t.missedText()) &&
		(last == kindGuess || strings.Contains(t.s.Turns[t.lastBotTurn()].Text, "•"))
	// Nothing done for them yet ("hi", "no", "no"): no "it was a pleasure
	// helping you", just a brief kind closing.
	early := (!missed || unplaced) && !t.helpedSomehow()
	d := persona.Data{Customer: t.introducedName()}
	// What was said before the closing in this reply ("thanks, you're
	// great Mia": the compliment's reply) comes first.
	say := func(key, kind string, d persona.Data) { t.emit(join(t.lead, t.render(key, d)), kind, "", 0) }
	if kind == "thanks" {
		switch {
		case unplaced:
			say("thanks_after_topics", kindThanks, d)
		case missed:
			say(t.deskless("thanks_after_miss"), kindThanks, d)
			t.offerPerson()
		case early:
			say("thanks_early", kindThanks, d)
		default:
			say("thanks", kindThanks, d)
		}
		return
	}
	switch {
	case missed && !unplaced:
		say("bye_after_miss", kindBye, d)
	case early:
		say("bye_early", kindBye, d)
	default:
		say("bye", kindBye, d)
	}
	if t.answeredSomething() && !t.surveyed() {
		t.survey()
	}
}

// survey asks for a 1-5 rating with buttons (a typed digit counts too).
func (t *turn) survey() {
	t.s.AwaitingRating = true
	m := ratingMessage(t.render("rating_ask", persona.Data{}))
	t.out = append(t.out, m)
	t.record(session.Turn{Role: "bot", Text: m.Text, Kind: kindSurvey})
}

func ratingMessage(text string) Message {
	m := Message{Text: text}
	for i := 1; i <= 5; i++ {
		v := strconv.Itoa(i)
		m.Buttons = append(m.Buttons, Button{Label: v, Kind: KindRating, Value: v})
	}
	return m
}

func (t *turn) rate(text string) {
	n, ok := ratingDigit(text)
	if !ok {
		t.say("rating_invalid", kindNotice, persona.Data{})
		return
	}
	t.rated(n)
}

// commentAfterRating keeps what the customer writes right after rating an
// agent as the rating's comment, and posts it to the agents. A question is
// still answered as usual.
func (t *turn) commentAfterRating() bool {
	h := t.s.Handoff
	if h == nil || h.Rating == 0 || h.Comment != "" || t.lastBotKind() != kindRated {
		return false
	}
	if m := t.set.KB.Match(t.ctx, t.ev.Text, 1); len(m) > 0 && m[0].Confident {
		return false // a new question, not a comment
	}
	t.emitEvent(lifecycle.Comment(t.s, truncateRunes(t.ev.Text, maxTurnRunes), t.ev.At))
	t.say("comment_thanks", kindRated, persona.Data{})
	return true
}

// relay passes what the customer sends during a handoff to the agents;
// what the bot says meanwhile, if anything, is whileWaiting's.
func (t *turn) relay() {
	ev := t.ev
	if ev.Kind == KindCommand || ev.Kind == KindPerson {
		t.say("handoff_already", kindNotice, persona.Data{})
		return
	}
	t.emitEvent(lifecycle.CustomerWrote(t.s, string(ev.Kind), ev.Text, ev.At))
	switch ev.Kind {
	case KindText:
		t.whileWaiting(ev.Text)
	case KindCommand:
	default:
		t.say("media_forwarded", kindMedia, persona.Data{})
	}
}

// handoff tells the customer, warmly and at once, that a person is coming,
// and asks the desk to open the case after the session is saved.
func (t *turn) handoff(d handoff.Decision) {
	if t.b.desk == nil && d.Reason == handoff.Confusion && t.pardonNoDesk() {
		return
	}
	s := t.s
	now := t.b.now()
	team := t.set.Routing.Route(t.lang, d.Reason, t.tags())
	remindAt := lifecycle.NextReminder(now, t.b.unclaimed, t.b.hours)
	answer := t.tell(t.told)
	if t.toldAgain != "" {
		answer = t.toldAgain
	}
	// Asked again right after we said no one can join ("can i talk to a
	// real person", "我要投诉"): the same honest answer, short, with one
	// apology, not the whole no-desk message and a second "sorry" again.
	// The same question once more after that is told the answer again,
	// short, with the same honest note.
	again := t.b.desk == nil && (answer == "" || t.toldAgain != "") && t.afterNoDesk()
	plainLead := t.lead
	if d.Reason == handoff.Explicit && !again && t.angryRequest(t.ev.Text) {
		// "i want to talk to your manager NOW": one sincere apology
		// before who is coming (review 2026-12-07); a calm request
		// needs none.
		t.lead = join(t.lead, t.render("handoff_sorry", persona.Data{}))
	}
	if d.Reason == handoff.Complaint {
		// An upset customer hears that we understand before who is coming;
		// one who insisted on a demand we refused hears that we heard
		// them, not that they "shouldn't have to deal with it". When the
		// answer told with it apologises itself ("Sorry about the
		// mix-up"), the empathy comes without a second apology.
		key := "handoff_sorry"
		switch {
		case t.demanding:
			key = "handoff_demand"
		case persona.Apologises(answer):
			key = "handoff_empathy"
		}
		t.lead = join(t.lead, t.render(key, persona.Data{}))
		if about := complaintSubject(t.ev.Text); about != "" && !t.demanding && !again {
			// What the complaint is about, in the customer's words: they
			// hear it was noted, and the card says it under Why.
			t.lead = join(t.lead, t.render(t.deskless("handoff_subject"), persona.Data{Extra: map[string]string{"about": about}}))
			d.Evidence = append(slices.Clip(d.Evidence), "complaint about: “"+about+"”")
		}
		if key == "handoff_sorry" {
			// The answer's own "that's not how it should arrive" after our
			// apology is a second one: the apology says it already.
			answer = dropAcknowledgement(answer)
		}
	}
	entry := ""
	if answer != "" {
		// A calm complaint with a clear question ("the tracking hasn't
		// moved in 5 days, just want to know what's going on") gets the
		// answer now, then the person: great support does both.
		if t.toldAgain != "" {
			// Said again: its own lead ("As I mentioned, in short:").
			t.lead = join(t.lead, answer)
		} else {
			t.lead = join(t.lead, t.render("handoff_answer_lead", persona.Data{}), answer)
		}
		entry = t.told[0]
	}
	if d.Reason == handoff.Complaint && t.givenOrder != "" {
		// "my order KS-204817 hasnt arrived its been 2 weeks": a complaint
		// with the order number in it says we have the number, as the
		// answer would have when it asked for it (orderGiven), without
		// thanking for a number nobody asked for.
		t.lead = join(t.lead, t.render(t.deskless("handoff_order"), persona.Data{Extra: map[string]string{"order": t.givenOrder}}))
	}
	st := lifecycle.OpenHandoff(s, d.Reason, t.handoffOrder(d.Evidence), d.Scores, team, t.b.desk != nil, now, remindAt)
	s.Misses = 0
	t.b.log.Info("handoff", "conv", logmask.Conv(s.ID), "reason", d.Reason, "team", team, "evidence", len(d.Evidence))
	switch h := t.b.hours; {
	case again:
		t.emit(join(plainLead, t.toldAgain, t.render("nodesk_again", persona.Data{})), kindNoDesk, entry, 0)
	case t.b.desk == nil:
		t.emit(join(t.lead, t.render("handoff_nodesk", persona.Data{})), kindNoDesk, entry, 0)
	case h != nil && !h.Open(now):
		next := h.NextOpen(now)
		t.emit(join(t.lead, t.render("handoff_offhours", persona.Data{Back: phraseWhen(t.lang, now.In(t.b.loc), next.In(t.b.loc))})), kindHandoff, entry, 0)
	default:
		wait := t.b.typicalWait(t.ctx)
		t.emit(join(t.lead, t.render("handoff", persona.Data{Wait: phraseWait(t.lang, wait)})), kindHandoff, entry, 0)
	}
	t.b.step(t.ctx, s, st)
	t.events = append(t.events, st.Events...)
}

// answeredEntries are the entries an answer answers from, one per
// question asked: those a complaint handoff tells the customer too. None
// when the answer is not confident or likely, or when it is "that's all
// our pages say" (OfferPerson), or a person is what the entry offers.
func (t *turn) answeredEntries(u understanding, ans Answer) []string {
	if ans.Entry == "" || ans.OfferPerson || !ans.Confident && !ans.Likely {
		return nil
	}
	ids := []string{ans.Entry}
	if len(u.parts) >= 2 && ans.Confident {
		ids = ids[:0]
		for _, p := range u.parts {
			ids = append(ids, p[0].ID)
		}
	}
	return slices.DeleteFunc(ids, func(id string) bool {
		e, ok := t.set.KB.Entry(id, t.lang)
		return !ok || slices.Contains(e.Tags, handoff.HandoffTag)
	})
}

// problemEvidence is the lexical score from which a complaint's first
// entry is a clear statement of the problem that entry is about ("I was
// charged twice for the same order" 0.15 payment/failed, "택배가 일주일째
// 그대로예요" 0.17 orders/tracking), though too short a message for the
// calibrated decision to be sure; "this is ridiculous, worst service
// ever!!!" shares nothing real with any entry (baton match --explain).
const problemEvidence = 0.14

// problemEntry is the entry a complaint states a problem of, told before
// the person comes so the customer hears what we know now (QA walk
// 2026-12-06, item 12): the lexical first candidate, when its evidence is
// real and no other entry ties it. Lexical scores only: an embedding
// model's scale differs.
func (t *turn) problemEntry(text string) []string {
	without := lexicalWithout(t.ctx, t.set.KB.Matcher, 2)
	if without == nil {
		return nil
	}
	m := without(text, nil)
	if len(m) == 0 || m[0].Score < problemEvidence || len(m) > 1 && m[1].Score >= m[0].Score {
		return nil
	}
	if e, ok := t.set.KB.Entry(m[0].ID, t.lang); !ok || slices.Contains(e.Tags, handoff.HandoffTag) {
		return nil
	}
	if !sharesContent(text, t.set.KB.Base, m[0].ID, m[0].Lang, t.set.Lexicon) {
		// "this is ridiculous" ranks the wrong-item entry first on "this
		// is" alone ("This is not my order."): words that say nothing of
		// a problem are no statement of one, and its answer ("Sorry about
		// the mix-up…") would be a confident reply to what nobody asked
		// (walk3 2026-12-07).
		return nil
	}
	return []string{m[0].ID}
}

// tell is the answer of entries in the turn's language, for a handoff
// to say before the person is brought in: one entry's answer, or each
// under its own first question.
func (t *turn) tell(ids []string) string {
	p := t.set.Persona
	d := persona.Data{Bot: p.Name(), Customer: firstName(t.s.Name), Seed: t.s.Messages}
	var parts []string
	for _, id := range ids {
		e, ok := t.set.KB.Entry(id, t.lang)
		if !ok {
			continue
		}
		// The customer gave their order number (here or earlier): the
		// answer told with a handoff does not ask for it again, as the
		// person taking over has it on the card (handoffOrder).
		body := t.withoutKnownOrderAsk(Plain(e.Answer), id)
		if len(ids) > 1 && len(e.Questions) > 0 {
			body = "▸ " + Plain(e.Title()) + "\n" + body
		}
		parts = append(parts, join(langNote(p, t.lang, e.Lang, d), body))
	}
	return join(parts...)
}

// tags are the tags of the knowledge entries the bot answered from in this
// conversation, for routing.
func (t *turn) tags() []string {
	var tags []string
	for _, tr := range sinceClose(t.s.Turns, len(t.s.Turns)) {
		if tr.Role != "bot" || tr.Entry == "" {
			continue
		}
		if e, ok := t.set.KB.Entry(tr.Entry, t.lang); ok {
			tags = append(tags, e.Tags...)
		}
	}
	return tags
}

// missedText is what the customer wrote before the bot last asked them to
// rephrase, if it did (the words a picked topic stands for).
func (t *turn) missedText() string { return missedBefore(t.s.Turns[:len(t.s.Turns)-1]) }

// missedBefore is what the customer wrote before the bot's last turn in
// turns, when that turn asked them to rephrase.
func missedBefore(turns []session.Turn) string {
	for i := len(turns) - 1; i >= 0; i-- {
		if turns[i].Role == "bot" {
			if !missed(turns[i].Kind) && turns[i].Kind != kindLikely {
				return ""
			}
			for j := i - 1; j >= 0; j-- {
				if turns[j].Role == "customer" {
					return turns[j].Text
				}
			}
			return ""
		}
	}
	return ""
}

// history is the conversation since it was last closed, this message
// excluded, capped for the answerer and the detector.
func (t *turn) history() []session.Turn {
	turns := t.s.Turns[:len(t.s.Turns)-1]
	if slices.ContainsFunc(turns, func(tr session.Turn) bool { return tr.Role == roleNote }) {
		// Agents' internal notes are for agents only.
		turns = slices.DeleteFunc(slices.Clone(turns), func(tr session.Turn) bool { return tr.Role == roleNote })
	}
	return sinceClose(turns, historyTurns)
}

func sinceClose(turns []session.Turn, max int) []session.Turn {
	start := 0
	for i := len(turns) - 1; i >= 0; i-- {
		if turns[i].Kind == kindClosed {
			start = i + 1
			break
		}
	}
	if len(turns)-start > max {
		start = len(turns) - max
	}
	return turns[start:]
}

func (t *turn) lastBotKind() string {
	for i := len(t.s.Turns) - 1; i >= 0; i-- {
		if t.s.Turns[i].Role == "bot" {
			return t.s.Turns[i].Kind
		}
	}
	return ""
}

// botSpoke reports whether the bot said anything in this conversation
// before this message.
func (t *turn) botSpoke() bool {
	for _, tr := range sinceClose(t.s.Turns, len(t.s.Turns)) {
		if tr.Role == "bot" {
			return true
		}
	}
	return false
}

// helped reports whether the bot did more in this conversation than
// greet, chat and acknowledge: answered, tried to, or brought in a person.
// Before that, "anything else?" and "what else?" ask about nothing.
func (t *turn) helped() bool {
	for _, tr := range sinceClose(t.s.Turns, len(t.s.Turns)) {
		if tr.Role != "bot" {
			continue
		}
		switch tr.Kind {
		case kindGreeting, kindAck, kindChat, kindMedia, kindNotice, kindNudge, kindHelp:
		default:
			return true
		}
	}
	return false
}

func (t *turn) answeredSomething() bool {
	for _, tr := range sinceClose(t.s.Turns, len(t.s.Turns)) {
		if tr.Role == "bot" && tr.Kind == kindAnswer {
			return true
		}
	}
	return false
}

// helpedSomehow reports whether we did anything for the customer in this
// conversation: answered, guessed with an answer, refused with what we
// can do, told them about a number, or brought in (or tried to bring in)
// a person. Greetings, small talk and rephrase requests are not help.
func (t *turn) helpedSomehow() bool {
	for _, tr := range sinceClose(t.s.Turns, len(t.s.Turns)) {
		if tr.Role != "bot" {
			continue
		}
		switch tr.Kind {
		case kindAnswer, kindLikely, kindRefusal, kindTracking, kindCard, kindHandoff, kindNoDesk,
			kindAgentJoin, kindResolved, kindReturned, kindTransfer, kindQueue, kindRated:
			return true
		}
	}
	return false
}

func (t *turn) surveyed() bool {
	for _, tr := range sinceClose(t.s.Turns, len(t.s.Turns)) {
		if tr.Kind == kindSurvey {
			return true
		}
	}
	return false
}

// render says a persona message in the turn's language.
func (t *turn) render(key string, d persona.Data) string {
	return t.b.say(t.set, t.s, t.lang, key, d)
}

// renderAfter is render for a message that follows before in one reply:
// it keeps the reply to one apology (persona.SayAfter).
func (t *turn) renderAfter(before, key string, d persona.Data) string {
	return t.b.sayAfter(t.set, t.s, t.lang, before, key, d)
}

func (t *turn) say(key, kind string, d persona.Data) {
	t.emit(t.render(key, d), kind, "", 0)
}

// emit adds one reply and records it as a bot turn.
func (t *turn) emit(text, kind, entry string, score float64) {
	t.out = append(t.out, Message{Text: text})
	t.record(session.Turn{Role: "bot", Text: text, Kind: kind, Entry: entry, Score: score})
	t.s.LastBotAt = t.b.now()
}

func (t *turn) record(tr session.Turn) {
	if tr.At.IsZero() {
		tr.At = t.b.now()
	}
	appendTurn(t.s, tr)
}

// appendTurn adds a turn to the history, keeping less of the bot's own
// replies than of what people wrote.
func appendTurn(s *session.Session, tr session.Turn) {
	limit := maxTurnRunes
	if tr.Role == "bot" {
		limit = maxBotTurnRunes
	}
	tr.Text = truncateRunes(tr.Text, limit)
	s.Turns = append(s.Turns, tr)
}

// written is what the customer wrote in their own words: a command name,
// a rating or a topic id says nothing about their language.
func written(ev Event) string {
	switch ev.Kind {
	case KindCommand, KindRating, KindTopic, KindPerson, KindFlood, KindGroup:
		return ""
	}
	return ev.Text
}

// describe is how a customer event reads in the transcript agents see.
func describe(ev Event) string {
	switch ev.Kind {
	case KindText:
		return ev.Text
	case KindCommand:
		return "/" + ev.Text
	case KindRating:
		return "rating: " + ev.Text
	case KindTopic:
		return "picked topic: " + ev.Text
	case KindPerson:
		return "pressed: talk to a person"
	}
	if ev.Text != "" {
		return "[" + string(ev.Kind) + "] " + ev.Text
	}
	return "[" + string(ev.Kind) + "]"
}

// CleanText makes any text safe to process and to send as plain text:
// valid UTF-8 (bad bytes become U+FFFD), no control characters but line
// breaks and tabs, no zero-width spaces or byte-order marks, normalised line
// endings, no surrounding white space. Adapters use it both ways.
func CleanText(s string) string {
	if isClean(s) {
		// Most texts (every reply from the content) need nothing but
		// the trim: no copy, no per-rune function call.
		return strings.TrimSpace(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r), r == '\u200b', r == '\ufeff':
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// isClean reports whether CleanText would only trim s: valid UTF-8, no
// carriage return, no control character but line breaks and tabs, no
// zero-width space or byte-order mark.
func isClean(s string) bool {
	for i := 0; i < len(s); {
		// Eight printable ASCII bytes (0x20-0x7e) at a time, the bulk of
		// every reply: a word with a byte below 0x20 or from 0x7f up goes
		// byte by byte below.
		for ; i+8 <= len(s); i += 8 {
			w := s[i : i+8]
			_ = w[7] // one bounds check; the loads below combine into one
			x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
				uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
			if !printable8(x) {
				break
			}
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
			return false
		}
		i += size
	}
	return true
}

// printable8 reports whether all 8 bytes of x are in 0x20-0x7e. A byte
// b < 0x80 is below 0x20 iff b+0x60 < 0x80, and is 0x7f iff b+1 >= 0x80;
// no byte carries into the next while all are < 0x80.
func printable8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return x&highs == 0 && (x+0x60*ones)&highs == highs && (x+ones)&highs == 0
}

// hasWords reports whether s has any letter or digit left to answer.
// Loose Hangul letters (ㅋㅋ, ㅠㅠ) are laughter and mood, not words.
func hasWords(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return (unicode.IsLetter(r) && (r < 0x3130 || r > 0x318F)) || unicode.IsDigit(r)
	}) >= 0
}

func join(parts ...string) string {
	// On the stack for the few parts of a reply (every answer is joined):
	// appending from nil grew the slice once or twice a reply.
	var a [8]string
	keep := a[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "\n\n")
}

// truncateRunes keeps the first n runes of s, with "…" when it cut. It
// cuts at a byte offset rather than through a []rune copy: every reply is
// recorded through it, and the copy was a few KB per turn.
func truncateRunes(s string, n int) string {
	if len(s) <= n { // never more runes than bytes
		return s
	}
	// The ASCII bytes up front are runes one for one: rune n starts at
	// byte n when they reach it, whatever follows, and only the rest is
	// counted rune by rune (every bot reply is cut here; counting all of
	// a long answer cost more than the rest of recording the turn).
	k := text.ASCIIPrefix(s[:n])
	if k == n {
		return s[:n] + "…"
	}
	if !utf8.ValidString(s) {
		// Invalid bytes count (and come out) as U+FFFD, as before.
		if utf8.RuneCountInString(s) <= n {
			return s
		}
		return string([]rune(s)[:n]) + "…"
	}
	i := k
	for at := range s[k:] {
		if i == n {
			return s[:k+at] + "…"
		}
		i++
	}
	return s
}

// afterJoke reports whether the customer's message before this one asked
// for a joke ("tell me a joke"): a laugh fits only after one, not after
// any small talk ("what's your name", then "wow": review-A W11).
func (t *turn) afterJoke() bool {
	seen := false
	for i := len(t.s.Turns) - 1; i >= 0; i-- {
		tr := t.s.Turns[i]
		if tr.Role == "bot" {
			continue
		}
		if !seen {
			seen = true // this message
			continue
		}
		// Cut apart from t.words: that keeps this message's words.
		k, _ := t.set.Persona.SmalltalkIn(persona.Cut(tr.Text))
		return k == "joke"
	}
	return false
}
