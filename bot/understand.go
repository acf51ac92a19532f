package bot

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/text"
)

// understanding is what one customer message asks.
type understanding struct {
	text   string              // what was matched: the message, or the previous question followed by it
	cands  []knowledge.Match   // candidates for text, best first
	parts  [][]knowledge.Match // two or more questions in one message: each confident part's candidates, in the order asked
	follow *FollowUp           // the message continues the last answer, cands[0]
}

// matchFunc ranks the knowledge entries for a text, best first.
type matchFunc func(text string) []knowledge.Match

// withoutFunc ranks the knowledge entries for a text as if the entries
// ids were not in the base, with the calibrated decision made on what is
// left (the situation calibration's missing-topic questions measure).
type withoutFunc func(text string, ids []string) []knowledge.Match

// reader is how the core matches what a customer wrote.
type reader struct {
	match matchFunc
	// words ranks a message by its words alone, on the scale the
	// follow-up thresholds were set on (minOwnEvidence, maxSayingLittle):
	// the lexical stage of a semantic matcher (lexicalMatch; nil: match
	// is lexical itself). Fused scores are softmax shares, which saturate
	// near 1 for a short message: "and to Korea?" after a shipping cost
	// answer gave shipping times 0.74 fused and 0.25 by its words, so it
	// looked sure of another entry and was never read with its topic
	// (baton eval with the real model, 2026-12-06).
	words   matchFunc
	without withoutFunc // nil: parts are decided with the whole base only
	// last is the entry the last reply answered ("" for none), and
	// mentions reports whether that entry's answer speaks of words (nil:
	// follow-ups are read only when the question they continue says
	// where they belong).
	last     string
	mentions func(id, words string) bool
	// tipSays reports whether the tip of entry id, as the last reply
	// gave it, speaks of words (nil: never).
	tipSays func(id, words string) bool
	// namesOther reports whether words name a thing entry id never
	// speaks of, in its answer, tip or example questions (nil: never).
	namesOther func(id, words string) bool
	// detail reports whether the unit of entry id's answer that speaks
	// of words is past its first paragraph (nil: never).
	detail func(id, words string) bool
	// answer is an entry's answer in the conversation's language ("" for
	// none; nil: a remedy asked beside a problem is answered as a part
	// of its own).
	answer func(id string) string
	// subject reports whether words are what entry id is about: its
	// example questions, in the conversation's language, use them often
	// (nil: never). "반품" is returns/start's subject; "Germany", named
	// in one customs question, is not the customs entry's.
	subject func(id, words string) bool
	// related reports whether entry id is one the last reply pointed to
	// beside its answer, a tip it gave (nil: none is).
	related func(id string) bool
	// closed reports whether entry id's list is all there is
	// (knowledge.Entry.ClosedList; nil: none is).
	closed func(id string) bool
	// kindOf reports whether words name a kind of thing a part of entry
	// id's answer speaks of, by the lexicon's related concepts ("한국"
	// after shipping costs: abroad), though the answer does not name
	// the thing itself (nil: never).
	kindOf func(id, words string) bool
	// contrasts reports whether a piece turns against what came before
	// it ("ordered the black keyboard but i want the white one"; nil:
	// never).
	contrasts func(s string) bool
}

// understand reads a message the way a person would.
//
// A short follow-up ("and to Korea?", "那支付宝呢？", "카카오페이는요?")
// that is not clear on its own is read together with topic, the question
// the last answer answered (followUp says the last reply was that answer).
//
// A message asking several things ("how much is shipping to Germany and do
// I pay customs?") is split into parts; each part whose match is confident
// and that the whole message also ranks is answered. A long story with one
// clear question in it is answered when that question's entry is also the
// whole message's first candidate.
func understand(match matchFunc, text, topic string, followUp bool) understanding {
	return reader{match: match}.understand(text, topic, followUp)
}

// The result is named so that the deferred restore of fusion's reading
// below acts on what is returned.
func (r reader) understand(text, topic string, followUp bool) (u understanding) {
	match := r.match
	u = understanding{text: text, cands: match(text)}
	cue := followUpCue(text)
	if fused := u.cands; r.words != nil && followUp && topic != "" && !confident(fused) && (cue != noCue || short(text)) {
		// A follow-up fusion is not sure of is read as the lexical
		// matcher reads it, with the question it continues; when it
		// reads as no follow-up, fusion's own reading stands.
		u.cands = r.words(text)
		defer func() {
			if u.text == text && u.follow == nil && len(u.parts) == 0 && !confident(u.cands) {
				u.cands = fused
			}
		}()
	}
	if cue == marked && (!followUp || topic == "") && len(u.cands) > 0 && (u.cands[0].Likely || u.cands[0].Guess) {
		// "and to Korea?" with nothing before it to follow is not
		// guessed at, not even with a hedge: it says it continues
		// something we never answered.
		u.cands = slices.Clone(u.cands)
		u.cands[0].Likely, u.cands[0].Guess = false, false
	}
	if cue != noCue && followUp {
		if own, ok := r.offList(text); ok {
			// Not a thing of the closed list it follows: its own words
			// say what it asks, never "not on our list".
			u.cands = own
			return u
		}
	}
	if cue == marked && followUp && topic != "" && r.newSubject(&u, text, topic) {
		return u
	}
	if cue == marked && followUp && topic != "" && r.detailOfLast(&u, text, topic) {
		return u
	}
	if followUp && topic != "" && (r.durationOfLast(&u, text, topic) || r.priceOfLast(&u, text, topic)) {
		return u
	}
	if followUp && topic != "" && cue == marked && r.pointedTo(&u, text) {
		// "那电话号码呢？" after the opening hours asks about the contact
		// entry the reply gave the tip of, not the hours again.
		return u
	}
	if !confident(u.cands) && followUp && topic != "" && cue != noCue {
		joined := topic + "\n" + text
		c := match(joined)
		switch prev := match(topic); {
		case len(c) == 0 || pointsElsewhere(u.cands, c[0].ID):
			// "그럼 반품은요?" after a shipping question asks about
			// returns: not the same topic, so not read with it.
		case cue == referring && !ranks(u.cands, c[0].ID):
			// A short question with "it" or "那个" but no follow-up
			// marker ("is it going to be sunny?") continues the last
			// topic only when its own words point there too, however
			// weakly: otherwise it is a new question (or off-topic) that
			// happens to be short.
		case cue == referring && confident(prev) && c[0].ID == prev[0].ID && !supports(match, text, u.cands, c[0].ID):
			// Read with the last question it would only repeat the last
			// answer: "how long is it valid for?" after shipping times
			// asks about something else that is valid (a gift card, a
			// coupon), "when?" after payment methods about something
			// unsaid. It repeats only when its own words ("valid" after a
			// gift card answer), or its question word alone ("how long?"
			// after shipping times), point there first.
		case confident(c):
			u.text, u.cands = joined, c
			u.follow = followUpOf(text, cue)
		case confident(prev) && len(c) > 0 && c[0].ID == prev[0].ID:
			// "and to Korea?" adds a detail the base may not know
			// ("Korea") but pulls toward no other entry: it is the same
			// question again.
			u.text, u.cands = joined, prev
			u.follow = followUpOf(text, cue)
		}
	}
	if u.follow == nil && followUp && cue == marked && confident(u.cands) && u.cands[0].ID == r.last {
		// "카카오페이는요?" after payment methods is clear on its own, and
		// still asks about one thing of the last answer.
		u.follow = followUpOf(text, cue)
	} else if u.follow == nil && followUp && confident(u.cands) && u.cands[0].ID == r.last && short(text) && r.detail != nil {
		// "抬头写公司名可以吗" after the invoice answer asks about a detail
		// further in it (the company name), clear on its own: that part
		// answers, not the whole entry again. The same question in other
		// words leads to where the entry starts, and is asked again.
		if f := followUpOf(text, noCue); f.Words != "" && !f.Done && r.detail(r.last, f.Words) {
			u.follow = f
		}
	}
	var ps pieceReading
	if u.follow == nil {
		// A follow-up read with the question it continues is one
		// question ("and to canada?" after shipping times), not the two
		// its joined text may look like.
		ps = r.confidentParts(u.text, u.cands)
	}
	parts, remedied := ps.asked, ps.remedied
	switch {
	case remedied && len(parts) == 1:
		// "包裹坏了 我想退货": the problem's entry says how it is put
		// right (a free replacement, a refund, the label to send it
		// back), which is the return they ask for: one answer.
		u.cands = mergeCandidates(parts, u.cands)
	case len(parts) >= 2:
		u.parts = parts
		u.cands = mergeCandidates(parts, u.cands)
	case len(parts) == 1 && !confident(u.cands) && len(u.cands) > 0 && (u.cands[0].ID == parts[0][0].ID || ps.asking >= 2):
		// One clear question in a story is answered when the whole
		// message ranks it first; one of several questions ("my order
		// came but one item is missing and the other one is the wrong
		// colour") is answered when it is the one we are sure of, rather
		// than none.
		u.cands = parts[0]
	case len(parts) == 0 && !confident(u.cands) && len(u.cands) > 0 && ps.agree == u.cands[0].ID:
		// Two questions that each lean to the entry the whole message
		// ranks first, one of them probably right on its own ("can I
		// return an opened item? and is the return shipping free to
		// Korea?"), ask what that one entry answers.
		u.cands = slices.Clone(u.cands)
		u.cands[0].Confident = true
	case len(parts) == 0 && !confident(u.cands) && len(u.cands) > 0 && ps.story == u.cands[0].ID:
		// A long story ending in the one question it asks ("… he opened
		// them and used them once … Can I still return them?"): the
		// story's facts crowd out every entry, yet the question and the
		// whole story lean to the same one. Answered with the hedge and
		// the other topics, never "our pages don't cover this" (walk
		// 2026-12-06e).
		u.cands = slices.Clone(u.cands)
		u.cands[0].SetTier(knowledge.Likely)
	}
	if len(u.parts) == 0 && (!confident(u.cands) || r.wordScore(u.cands, u.text) < maxSayingLittle || conditional(text)) && followUp && topic != "" {
		// A conditional ("what if i paid with paypal?" after the refunds
		// answer) asks how the last answer goes in that case, however
		// sure its words alone are of another entry (the ways to pay):
		// continues still lets it go its own way when its words rank
		// the last entry under half as high, or name what the last
		// answer never speaks of (walk4 2026-12-07).
		// Confident on a score that says little ("한국" alone: shipping
		// times at 0.21) is no better a reading than the answer it
		// follows: continues decides, as for one not confident.
		r.continues(&u, text, topic)
	}
	if followUp && u.follow == nil && len(u.parts) == 0 {
		r.pointedTo(&u, text)
	}
	return u
}

// aboutPointed reports whether a message adding words, whose own best
// candidate is c, an entry the last reply pointed to, asks about c: its
// words say something (minPointed), name nothing c never speaks of, and
// are not what the last answer speaks of ("and to Korea?" after shipping
// costs asks about a detail of costs).
func (r reader) aboutPointed(c knowledge.Match, w string) bool {
	if r.related == nil || w == "" || c.ID == r.last || c.Score < minPointed || !r.related(c.ID) {
		return false
	}
	if r.closed != nil && r.closed(r.last) {
		// "신용카드는요?" after the ways to pay names a thing of the
		// list's kind, which the list answers, not the gift cards its
		// also: points to.
		return false
	}
	if r.namesOther != nil && r.namesOther(c.ID, w) {
		return false
	}
	return !(r.mentions != nil && r.mentions(r.last, w) || r.kindOf != nil && r.kindOf(r.last, w))
}

// priceOfLast reads a short question for a price that names nothing the
// last answer does not ("how much is it?", "how much for a day", "多少钱",
// "얼마예요?") as asking that answer's prices, when it gives some: the
// sentences with them, not another entry's prices ("how much is it?"
// alone reads as shipping costs). It reports whether it decided.
func (r reader) priceOfLast(u *understanding, text, topic string) bool {
	if r.last == "" || r.answer == nil || !short(text) || !asksPrice(text) {
		return false
	}
	answer, rest := r.answer(r.last), priceWords(text)
	if !priceIn(answer) || !onlyWordsOf(rest, answer) && (confident(u.cands) || !onlyWordsOf(withoutPriceFill(rest), answer) || !r.pricesAsked(answer, topic)) {
		return false
	}
	if confident(u.cands) && u.cands[0].ID != r.last && r.subject != nil && r.subject(u.cands[0].ID, rest) {
		// "and what does it cost to ship there?" after shipping times
		// names what shipping costs is about.
		return false
	}
	joined := topic + "\n" + text
	f := followUpOf(text, referring)
	f.Price = true
	u.continueWith(r.last, joined, r.match(joined), f)
	return true
}

// pricesAsked reports whether the prices of the last answer are what a
// question naming nothing ("how much would that cost") asks for: those
// of its first paragraph, what the entry is about (gift wrapping's
// $3.95), or those of a part the question it follows named the kind of
// ("do u ship to canada?": abroad). Prices only in a side paragraph are
// not the answer's own: after "how long does shipping take?" the shipping
// times' "Shipping abroad" note alone told a US customer the wrong price
// (review-A W3, 2026-12-07); the question is then read by its own words.
func (r reader) pricesAsked(answer, topic string) bool {
	first, _, _ := strings.Cut(strings.TrimSpace(answer), "\n\n")
	return priceIn(first) || r.kindOf != nil && r.kindOf(r.last, addedWords(topic))
}

// minPointed is the least score a message's own best candidate needs
// for the conversation to settle on it (pointedTo): "what about the phone
// number" ranks the contact entry at 0.19; chit-chat that shares a
// character with an entry ("给我讲个笑话吧": 0.03) says nothing. Chosen on
// the walk's example and the suite dev half asked after every entry with
// also: entries (none wrongly answered at 0.1).
const minPointed = 0.1

// pointedTo answers a short message whose own words lead first, though
// not surely, to an entry the last reply pointed to ("what about the
// phone number" after the opening hours, whose reply gave the contact
// tip with the number): the conversation makes clear which entry it
// asks about (QA walk 2026-12-06 09:05, item 10). Only when its words
// say something (minPointed) and name nothing that entry never speaks of.
func (r reader) pointedTo(u *understanding, text string) bool {
	if r.related == nil || confident(u.cands) || len(u.cands) == 0 || !short(text) || u.cands[0].ID == r.last || !r.related(u.cands[0].ID) {
		return false
	}
	if !r.aboutPointed(u.cands[0], addedWords(text)) {
		return false
	}
	u.cands = slices.Clone(u.cands)
	u.cands[0].Confident, u.cands[0].Likely = true, false
	return true
}

// offList reads a follow-up of a closed list (payment methods) whose
// added words are sure of another entry on their own and do not rank the
// list's at all ("那美国以外也能寄吗？", "그럼 미국 밖으로도 보내요?" after the
// ways to pay): it names nothing of the list's kind, and asks what its
// words ask. It returns their candidates. One naming a thing of the kind
// ("네이버페이는요?") or one the base does not know ("그럼 벤모는요?") is
// still read with the list, which may say it is not on it (QA walk
// 2026-12-06 session 3, item 2).
func (r reader) offList(text string) ([]knowledge.Match, bool) {
	if r.closed == nil || r.last == "" || !r.closed(r.last) {
		return nil, false
	}
	words := addedWords(text)
	if words == "" {
		return nil, false
	}
	own := r.match(words)
	return own, confident(own) && !ranks(own, r.last)
}

// newSubject reads a marked follow-up whose words are what another entry
// is about ("그럼 반품은요?", "and returns?" after the cancel answer) as
// the new question it is, read in context: the last question with it,
// without the last entry. When that reading and the follow-up's own
// words agree on the entry, it answers, even if neither alone is sure
// between that entry and its neighbours; when they do not, the
// follow-up keeps its own reading. Either way it is not the last
// answer's aside about the subject again ("반품하실 수 있어요" inside the
// cancel answer). It reports whether it decided.
func (r reader) newSubject(u *understanding, msg, topic string) bool {
	if r.subject == nil || r.last == "" || len(u.cands) == 0 || u.cands[0].ID == r.last {
		return false
	}
	words := addedWords(msg)
	if words == "" || !r.subject(u.cands[0].ID, words) || r.subject(r.last, words) {
		return false
	}
	if confident(u.cands) {
		return false // sure on its own: answered as any new question is
	}
	if r.without == nil {
		return true
	}
	w := r.without(topic+"\n"+msg, []string{r.last})
	if len(w) > 0 && w[0].ID == u.cands[0].ID {
		u.cands = slices.Clone(u.cands)
		u.cands[0].Confident = true
		return true
	}
	if len(w) > 0 && u.cands[0].Tied && len(u.cands) > 1 && w[0].ID == u.cands[1].ID && r.subject(w[0].ID, words) {
		// Its own words tie two entries, both about the subject ("and
		// returns?": starting a return, the return policy, a hair
		// apart), and the last question read with it leads to one of
		// them ("I want to cancel my order" and returns: starting one):
		// the context breaks the tie, as it would for a person. Which of
		// the two a hair's breadth put first is no reading (walk
		// 2026-12-07 item 2: a paragraph added to one answer flipped it).
		u.cands = slices.Clone(u.cands)
		u.cands[0], u.cands[1] = u.cands[1], u.cands[0]
		u.cands[0].Confident, u.cands[0].Tied, u.cands[1].Tied = true, false, false
		return true
	}
	if r.answer != nil && strings.Contains(text.Normalize(Plain(r.answer(r.last))), text.Normalize(words)) {
		// Neither reading is sure of the other entry, and the last
		// answer names the thing as written: "카드는요?" after the
		// refunds answer ("카드는 … 3~5일") asks about card refunds, not
		// gift cards, whose subject 카드 also is (walk 2026-12-06e).
		return false
	}
	return true
}

// detailOfLast reads a marked follow-up that names a detail rather than
// a subject ("and to Germany?" after the shipping-costs answer) with the
// last question, even when one example question of another entry makes
// it look sure on its own ("How much will customs cost for an order to
// Germany?"): its own evidence is weak (below minOwnEvidence), the
// words are not that entry's subject, and the last question read with
// it still leads to the last entry. It reports whether it decided.
func (r reader) detailOfLast(u *understanding, text, topic string) bool {
	if r.subject == nil || r.last == "" || !confident(u.cands) || u.cands[0].ID == r.last || r.wordScore(u.cands, text) >= minOwnEvidence {
		return false
	}
	words := addedWords(text)
	if words == "" || r.subject(u.cands[0].ID, words) {
		return false
	}
	if r.related != nil && r.tipSays != nil && r.related(u.cands[0].ID) && r.tipSays(u.cands[0].ID, words) {
		// "전화번호는요?" after the opening hours, whose tip gave the
		// phone number: the entry the reply pointed to with those very
		// words, which it is sure of, not a detail of the hours (walk
		// 2026-12-06). "那韩国呢？" after shipping costs is still a detail
		// of them: the tip that pointed to shipping times says nothing of
		// Korea.
		return false
	}
	joined := topic + "\n" + text
	prev := r.match(topic)
	if c := r.match(joined); len(c) == 0 || c[0].ID != r.last || !confident(prev) || prev[0].ID != r.last {
		return false
	}
	u.text, u.cands = joined, prev
	u.follow = followUpOf(text, marked)
	return true
}

// lexicalWithout is the withoutFunc of a matcher whose lexical stage is
// calibrated (the lexical matcher itself, or the semantic ones built on
// it); nil for any other. Fused matching adds no embeddings call for it:
// the lexical decision stands on its own, as it does when it is sure.
func lexicalWithout(ctx context.Context, m knowledge.Matcher, n int) withoutFunc {
	var cal *knowledge.Calibrated
	switch m := m.(type) {
	case *knowledge.Calibrated:
		cal = m
	case interface{ Lexical() *knowledge.Calibrated }:
		cal = m.Lexical()
	}
	if cal == nil || cal.Rank == nil {
		return nil
	}
	return func(text string, ids []string) []knowledge.Match {
		var left []knowledge.Candidate
		for _, c := range cal.Rank(ctx, text, -1, n+len(ids)) {
			if !slices.Contains(ids, c.ID) {
				left = append(left, c)
			}
		}
		if len(left) == 0 {
			return nil
		}
		out := make([]knowledge.Match, min(n, len(left)))
		for i := range out {
			out[i] = knowledge.Match{ID: left[i].ID, Lang: left[i].Lang, Score: left[i].Score}
		}
		out[0].Confident = cal.Cal.Confident(left)
		return out
	}
}

// lexicalMatch is the matchFunc of the lexical stage a semantic matcher
// is built on (reader.words), nil for the lexical matcher itself or any
// other. It makes no embeddings call.
func lexicalMatch(ctx context.Context, m knowledge.Matcher, n int) matchFunc {
	s, ok := m.(interface{ Lexical() *knowledge.Calibrated })
	if !ok || s.Lexical() == nil {
		return nil
	}
	cal := s.Lexical()
	return func(text string) []knowledge.Match { return cal.Match(ctx, text, n) }
}

// continues reads a message that does not say it follows up ("i checked
// with neighbours already", "what now", "需要先寄回去吗", "그럼 어떻게
// 해요?") as continuing the last answer when it is short, its own words
// lead nowhere else, and it either asks what comes next or speaks of
// something that answer says. A new question that happens to be short
// still goes its own way: its own best candidate says so
// (pointsElsewhere, or a likely match of its own), or the last answer
// does not speak of its words.
func (r reader) continues(u *understanding, text, topic string) {
	if r.last == "" || !short(text) || len(u.cands) > 0 && u.cands[0].Likely && u.cands[0].ID != r.last {
		return
	}
	if asksWhetherWeTake(text) && (r.closed == nil || !r.closed(r.last)) {
		// "可以用比特币付款吗" after the discount-code answer asks whether
		// we take one thing: a whole question of its own, whatever words
		// ("付款") it shares with the last answer (QA walk 2026-12-06
		// 09:05, item 2). After a closed list it names a thing of the
		// list's kind, which the list answers.
		return
	}
	own := u.cands
	if r.words != nil && confident(u.cands) {
		own = r.words(u.text) // fused: its words' scores, as the cuts below read them
	}
	if pointsElsewhere(own, r.last) {
		return
	}
	if len(own) > 0 && own[0].ID != r.last && own[0].Score >= maxSayingLittle && scoreOf(own, r.last) < own[0].Score/2 {
		// Its own words say something, and about another entry:
		// "can i use paypal" after failed payments, "검정색 샀는데
		// 흰색으로 바꾸고싶어요" after any answer.
		return
	}
	f := followUpOf(text, noCue)
	if r.closed != nil && r.closed(r.last) && askedName(text) && !confident(u.cands) {
		// "bitcoin?" after the ways to pay asks whether the list has
		// it, as "and bitcoin?" does (QA walk 2026-12-06 09:05, item
		// 10).
		f.Named = true
		u.continueWith(r.last, topic+"\n"+text, nil, f)
		return
	}
	if r.namesOther != nil && f.Words != "" && r.namesOther(r.last, f.Words) {
		// "do you have a student discount?" after the discount-code
		// answer shares "discount" with it, but asks about students,
		// which the entry says nothing of: a new question, not a detail
		// of the last answer (QA walk 2026-12-06 09:05, item 2).
		return
	}
	if !asksNext(text) && (r.mentions == nil || f.Words == "" || !r.mentions(r.last, f.Words)) {
		if r.kindOf == nil || f.Words == "" || !r.kindOf(r.last, f.Words) {
			return
		}
		// A bare name ("한국", "korea") after an answer that speaks of
		// its kind (abroad): it names one thing, as "한국은요?" does, and
		// gets the part about its kind.
		f.Named = true
	}
	joined := topic + "\n" + text
	u.continueWith(r.last, joined, r.match(joined), f)
}

// continueWith reads the message as a follow-up of the last answer's
// entry: that entry becomes its confident top, with its best score from
// the joined reading or the message's own, and every other candidate is
// demoted, so the message never answers from two entries at once.
func (u *understanding) continueWith(last, joined string, joinedCands []knowledge.Match, f *FollowUp) {
	best := knowledge.Match{ID: last, Confident: true}
	for _, c := range slices.Concat(joinedCands, u.cands) {
		if c.ID == last {
			best.Score, best.Lang = max(best.Score, c.Score), c.Lang
		}
	}
	cands := []knowledge.Match{best}
	for _, c := range u.cands {
		if c.ID != last {
			c.SetTier(knowledge.Unsure)
			cands = append(cands, c)
		}
	}
	u.text, u.cands, u.follow = joined, cands, f
}

// lastEntry is the entry the last bot reply answered from, "" if none.
func (t *turn) lastEntry() string {
	for i := len(t.s.Turns) - 2; i >= 0; i-- { // the last turn is this message
		if tr := t.s.Turns[i]; tr.Role == "bot" {
			return tr.Entry
		}
	}
	return ""
}

// pointedAt reports whether entry id is one the last bot reply pointed
// to beside its answer: the customer read its tip there.
func (t *turn) pointedAt(id string) bool {
	for i := len(t.s.Turns) - 2; i >= 0; i-- { // the last turn is this message
		tr := t.s.Turns[i]
		if tr.Role != "bot" {
			continue
		}
		return slices.Contains(tr.Tips, id)
	}
	return false
}

// continuedEntry is the entry a follow-up continues: the last reply's,
// or, when that reply answered several questions at once, the one asked
// last, whose first question the topic is then (answer). "and to
// Korea?" after "can I pay with paypal and how long does shipping
// take" continues shipping times (walk 2026-12-06 s3 item 13).
func (t *turn) continuedEntry() string {
	for i := len(t.s.Turns) - 2; i >= 0; i-- { // the last turn is this message
		tr := t.s.Turns[i]
		if tr.Role != "bot" {
			continue
		}
		for _, id := range tr.Tips { // the other answered entries are among them
			if e, ok := t.set.KB.Entry(id, t.lang); ok && id != tr.Entry && len(e.Questions) > 0 && e.Questions[0] == t.s.Topic {
				return id
			}
		}
		return tr.Entry
	}
	return ""
}

// detail reports whether the part of entry id's answer that speaks of
// words, in the turn's language, is past its first paragraph: a detail,
// not what the entry is about.
func (t *turn) detail(id, words string) bool {
	e, ok := t.set.KB.Entry(id, t.lang)
	if !ok {
		return false
	}
	// Only words the question it follows had not point at a detail:
	// "what payment methods do you take?" asked again names "payment
	// method" as the list's closing sentence does, yet asks for the list
	// (walk 2026-12-06e).
	terms := termSet(words, t.set.Lexicon)
	for w := range termSet(t.s.Topic, t.set.Lexicon) {
		delete(terms, w)
	}
	p := cutPassage(e.Answer, t.set.Lexicon)
	at, _ := p.best(terms, unitFreq(t.set.KB.Base, e.Lang, t.set.Lexicon))
	return at >= 0 && p.units[at].para > 0
}

// minSubjectShare is the share of an entry's example questions that must
// use a follow-up's words for them to be what the entry is about: "반품"
// is in most of returns/start's, "Germany" in one of customs'.
const minSubjectShare = 0.25

// subject reports whether words are entry id's subject, in the turn's
// language (subjectOf).
func (t *turn) subject(id, words string) bool {
	return subjectOf(t.set.KB.Base, t.set.Lexicon, id, t.lang, words)
}

// subjectOf reports whether the telling words of words (not the
// lexicon's concepts) are in at least minSubjectShare of entry id's
// example questions in lang.
func subjectOf(kb *knowledge.Base, lex *text.Lexicon, id, lang, words string) bool {
	e, ok := kb.Entry(id, lang)
	if !ok || len(e.Questions) == 0 {
		return false
	}
	named := namedTerms(termSet(words, lex))
	if len(named) == 0 {
		return false
	}
	n := 0
	for _, q := range e.Questions {
		terms := termSet(q, lex)
		all := true
		for w := range named {
			if !terms[w] {
				all = false
				break
			}
		}
		if all {
			n++
		}
	}
	return float64(n) >= minSubjectShare*float64(len(e.Questions))
}

// entryAnswer is entry id's answer in the turn's language, "" if none.
func (t *turn) entryAnswer(id string) string {
	e, ok := t.set.KB.Entry(id, t.lang)
	if !ok {
		return ""
	}
	return e.Answer
}

// mentions reports whether entry id's answer, in the turn's language,
// speaks of words (a unit of it shares telling words with them).
func (t *turn) mentions(id, words string) bool {
	e, ok := t.set.KB.Entry(id, t.lang)
	if !ok {
		return false
	}
	at, _ := cutPassage(e.Answer, t.set.Lexicon).best(termSet(words, t.set.Lexicon), unitFreq(t.set.KB.Base, e.Lang, t.set.Lexicon))
	return at >= 0
}

// tipSays reports whether the tip of entry id, in the turn's language,
// shares a word with words ("전화번호" and "…로 전화하셔도 돼요").
func (t *turn) tipSays(id, words string) bool {
	e, ok := t.set.KB.Entry(id, t.lang)
	if !ok || e.Tip == "" {
		return false
	}
	tip := termSet(e.Tip, t.set.Lexicon)
	for w := range namedTerms(termSet(words, t.set.Lexicon)) {
		if tip[w] {
			return true
		}
	}
	return false
}

// namesOther reports whether words name a thing entry id, in the turn's
// language, never speaks of (namesOtherThan).
func (t *turn) namesOther(id, words string) bool {
	return namesOtherThan(t.set.KB.Base, t.set.Lexicon, id, t.lang, words)
}

// namesOtherThan reports whether words name a thing entry id never
// speaks of in lang (namesOther).
func namesOtherThan(kb *knowledge.Base, lex *text.Lexicon, id, lang, words string) bool {
	e, ok := kb.Entry(id, lang)
	if !ok {
		return false
	}
	terms := termSet(words, lex)
	for t := range terms {
		if hasScript(t, unicode.Hangul) && !koNouns(words)[t] {
			delete(terms, t)
		}
	}
	return namesOther(e, terms, unitFreq(kb, e.Lang, lex), lex)
}

// Particles a Korean noun takes (학생은, 학생도, 학생으로), longer first.
var koParticles = []string{"에서", "한테", "으로", "은", "는", "이", "가", "을", "를", "도", "로", "에", "의", "요"}

// koMarkers are the particles that mark a Korean sentence's topic,
// subject or object (반품은, 배송비가, 주문을).
var koMarkers = []string{"은", "는", "이", "가", "을", "를"}

// koUnmarked is a Korean piece with the topic, subject and object
// particles off its nouns, or the piece itself when it has none. Only
// words of three or more syllables lose one, so that two-syllable verbs
// and adverbs (하는, 같이) keep their endings.
func koUnmarked(piece string) string {
	if !hasScript(piece, unicode.Hangul) {
		return piece
	}
	words := strings.Fields(piece)
	changed := false
	for i, w := range words {
		if utf8.RuneCountInString(w) < 3 || !hasScript(w, unicode.Hangul) {
			continue
		}
		for _, p := range koMarkers {
			if rest, ok := strings.CutSuffix(w, p); ok {
				words[i], changed = rest, true
				break
			}
		}
	}
	if !changed {
		return piece
	}
	return strings.Join(words, " ")
}

// koNouns are the words of a Korean message that are one two-syllable
// word once a particle is off ("학생", "할인"): whole words, unlike the
// character pairs inside longer ones ("물어봤어요" has 어봤).
func koNouns(msg string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(msg, notAWordSplit) {
		for _, p := range koParticles {
			if rest, ok := strings.CutSuffix(w, p); ok && utf8.RuneCountInString(rest) >= 2 {
				w = rest
				break
			}
		}
		if utf8.RuneCountInString(w) == 2 && hasScript(w, unicode.Hangul) {
			out[w] = true
		}
	}
	return out
}

// namesOther reports whether terms name a thing entry e never speaks of:
// a telling word (one few units of the base's answers use, minTelling)
// that neither its answer nor its tip nor any of its example questions
// has ("student" after the discount codes). Only whole words count:
// Chinese and Korean terms are character pairs, and a pair across two
// words ("问过邻居" has 过邻, "물어봤어요" 어봤) is in no entry however
// much the message is about it; the caller keeps only Korean pairs that
// are words (koNouns), and Chinese, written without spaces, is not read
// this way.
func namesOther(e *knowledge.Entry, terms map[string]bool, freq *docFreq, lex *text.Lexicon) bool {
	var own map[string]bool
	for t := range namedTerms(terms) {
		if freq.idf(t) < minTelling || hasScript(t, unicode.Han) {
			continue
		}
		if own == nil {
			own = termSet(e.Answer, lex)
			for _, s := range append([]string{e.Tip}, e.Questions...) {
				maps.Copy(own, termSet(s, lex))
			}
		}
		if !own[t] {
			return true
		}
	}
	return false
}

// kindOf reports whether words name a kind of thing that a part of
// entry id's answer, in the turn's language, speaks of: a telling lexicon
// concept of theirs ("~해외" for "한국") that a unit has. A closed list
// is never read this way ("네이버페이" is a way to pay, not one listed).
func (t *turn) kindOf(id, words string) bool {
	e, ok := t.set.KB.Entry(id, t.lang)
	if !ok || e.ClosedList {
		return false
	}
	freq := unitFreq(t.set.KB.Base, e.Lang, t.set.Lexicon)
	return len(cutPassage(e.Answer, t.set.Lexicon).about(tellingConcepts(termSet(words, t.set.Lexicon), freq), freq)) > 0
}

// maxSayingLittle is the score below which a message's own best
// candidate says little about what it is about ("需要先寄回去吗" 0.13,
// "먼저 반품 보내야 하나요?" 0.20), so the answer it follows decides; at or
// above it, the message goes its own way unless its own words rank the
// last entry at least half as high ("i dont have the receipt anymore":
// e-receipt 0.29, warranty 0.15). Chosen on the QA walk's examples and the
// dev half of the paraphrase suite (TestFollowUpsDoNotGlueNewQuestions).
const maxSayingLittle = 0.21

// wordScore is the score of cands' first, the reading of text, by the
// words of text alone: its own score unless a fused matcher gave it
// (reader.words).
func (r reader) wordScore(cands []knowledge.Match, text string) float64 {
	if len(cands) == 0 {
		return 0
	}
	if r.words == nil {
		return cands[0].Score
	}
	return scoreOf(r.words(text), cands[0].ID)
}

func scoreOf(cands []knowledge.Match, id string) float64 {
	for _, c := range cands {
		if c.ID == id {
			return c.Score
		}
	}
	return 0
}

// How long a message may be and still continue the last answer without
// saying so: "ok how do i claim it", "问过邻居了也没有", "먼저 반품 보내야
// 하나요?".
const (
	maxContinueWords = 8
	maxContinueHan   = 16
	maxContinueKo    = 6
)

func short(msg string) bool {
	s := strings.TrimSpace(msg)
	switch {
	case hasScript(s, unicode.Hangul):
		return countFields(s, unicode.IsSpace) <= maxContinueKo
	case hasScript(s, unicode.Han):
		return utf8.RuneCountInString(s) <= maxContinueHan
	}
	return countFields(s, notAWordSplit) <= maxContinueWords
}

// countFields is len(strings.FieldsFunc(s, split)) without building the
// fields (with unicode.IsSpace, len(strings.Fields(s))): the word counts
// of every message need no copies.
func countFields(s string, split func(rune) bool) int {
	n, in := 0, false
	for _, r := range s {
		if split(r) {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

// Ways to ask what comes next, and to say a step was done already.
var (
	nextEn  = []string{"what now", "now what", "what next", "then what", "what should i do", "what do i do", "what can i do", "what else can i do", "what are my options"}
	nextHan = []string{"怎么办", "然后呢", "接下来", "下一步", "现在呢"}
	nextKo  = []string{"어떻게 해요", "어떻게 해야", "어떡해요", "어떡하죠", "어떻게 하죠", "이제 뭐", "그 다음", "다음은요", "그다음"}
	// Steps the customer took, not states: "its already shipped", "이미
	// 발송됐으면요?" say where the order is, which the unit that speaks of
	// it answers, not the one after it.
	doneEn   = map[string]bool{"checked": true, "tried": true, "asked": true, "looked": true, "searched": true, "did": true, "done": true}
	doneHan  = []string{"过了", "问过", "找过", "看过", "试过", "查过", "也没有", "还是没有", "都没有"}
	doneKo   = []string{"봤어요", "봤는데", "봤어", "했어요", "했는데", "봤지만"}
	leadJunk = []string{"ok ", "okay ", "so ", "well ", "hmm ", "好的", "好", "嗯", "那", "现在", "네 ", "음 ", "그럼 ", "그러면 ", "이제 "}
)

// asksNext reports whether msg asks what comes next and nearly nothing
// else: "what now", "那现在怎么办", "그럼 어떻게 해요?", but not "은행 계좌
// 개설 어떻게 해요" (how to open a bank account), which names its subject.
func asksNext(msg string) bool {
	s := text.Normalize(msg)
	if !containsAny(s, nextEn) && !containsAny(s, nextHan) && !containsAny(s, nextKo) {
		return false
	}
	for _, w := range strings.FieldsFunc(addedWords(msg), notAWordSplit) {
		if !text.IsStopWord(w) && !doneEn[w] {
			return false
		}
	}
	return true
}

func saysDone(msg string) bool {
	s := text.Normalize(msg)
	for w := range strings.FieldsFuncSeq(s, notAWordSplit) { // no slice: every answered message
		if doneEn[w] {
			return true
		}
	}
	return containsAny(s, doneHan) || containsAny(s, doneKo)
}

// followUpOf is what a follow-up adds to the last answer.
func followUpOf(msg string, cue followUp) *FollowUp {
	w := addedWords(msg)
	return &FollowUp{Words: w, Said: asWritten(msg, w), Named: cue == marked, Done: saysDone(msg) || asksNext(msg)}
}

// asWritten is the span of msg that normalises to words ("PayPal" for
// "paypal"), words itself when normalising changed more than letter case
// and width rune for rune, or words is not one span of msg.
func asWritten(msg, words string) string {
	norm := text.Normalize(msg)
	at := strings.Index(norm, words)
	if words == "" || at < 0 || utf8.RuneCountInString(norm) != utf8.RuneCountInString(msg) {
		return words
	}
	rs := []rune(msg)
	from := utf8.RuneCountInString(norm[:at])
	return string(rs[from : from+utf8.RuneCountInString(words)])
}

// addedWords are a follow-up's words past the markers that make it one
// ("and", "what about", "那…呢", "…는요"), fillers ("ok", "现在", "이제"),
// asking what next, question words and words pointing back.
func addedWords(msg string) string {
	s := text.Normalize(strings.TrimSpace(msg))
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	for _, n := range slices.Concat(nextEn, nextHan, nextKo) {
		s = strings.TrimSpace(strings.ReplaceAll(s, n, " "))
	}
	for changed := true; changed; {
		changed = false
		for _, p := range slices.Concat(followUpStarts, leadJunk) {
			if rest, ok := strings.CutPrefix(s, p); ok {
				s, changed = strings.TrimSpace(rest), true
			} else if s != "" && s == strings.TrimSpace(p) {
				s, changed = "", true
			}
		}
		for _, e := range followUpEnds {
			if rest, ok := strings.CutSuffix(s, strings.TrimSpace(e)); ok && strings.TrimSpace(rest) != "" {
				s, changed = strings.TrimSpace(rest), true
			}
		}
	}
	// Question words and words pointing back name nothing: "when?" after
	// payment methods is not about "when you place the order".
	s, _ = ownWords(s)
	return s
}

// sameFollowUp reports whether an earlier message asked what follow-up
// f asks: every telling word f adds is among the words the earlier message
// adds to its own markers ("and to Korea?" twice, "那支付宝呢？" after "支付宝
// 可以吗"). A follow-up that adds nothing ("what now") is asked again only
// by another that adds nothing.
func (t *turn) sameFollowUp(earlier string, f *FollowUp) bool {
	want := termSet(f.Words, t.set.Lexicon)
	got := termSet(addedWords(earlier), t.set.Lexicon)
	if len(want) == 0 {
		return len(got) == 0
	}
	for w := range want {
		if !got[w] {
			return false
		}
	}
	return true
}

func confident(c []knowledge.Match) bool { return len(c) > 0 && c[0].Confident }

// minOwnEvidence is the score at which a follow-up's own best candidate
// says what it is about, even when it is not sure enough to answer: at
// even odds, "and returns?" after a shipping question is about returns,
// while "한국은요?" (0.33 for shipping times) still continues a shipping
// cost question.
const minOwnEvidence = 0.5

// pointsElsewhere reports whether a follow-up's own candidates lead to an
// entry other than id.
func pointsElsewhere(own []knowledge.Match, id string) bool {
	return len(own) > 0 && own[0].ID != id && own[0].Score >= minOwnEvidence
}

// maxParts bounds how many pieces of one message are matched, and
// maxPieces how many splitQuestions cuts before it keeps maxParts of them.
const (
	maxParts  = 6
	maxPieces = 4 * maxParts
)

// confidentParts matches each piece of text and keeps the confident ones
// whose entry the whole message ranks too, one per entry, in order. With
// several pieces, only questions count: in "I bought the 65W charger, my
// laptop needs more, can I return it?" the charger is the story, not a
// second question.
//
// A piece that leaves out what the piece before it said ("how long does
// shipping to Korea take, and how much is it?") is read with that piece,
// as a follow-up is read with the last question. A question piece that is
// not confident on its own is decided again without the entries the other
// parts answer: in "how much is shipping to Germany and do I pay
// customs?" the first piece ranks shipping costs first but leans towards
// customs too, and customs is the second question's answer, not a rival.
//
// A piece that only asks for a remedy ("i want to return it", "我想退货",
// "환불해 주세요") beside a piece that reports a problem ("my parcel
// arrived damaged", "包裹坏了") asks for the problem to be put right: when
// the problem's entry says how (a replacement, a refund, a label to send
// it back), that is the answer to both, and remedied says the remedy was
// left to it.
func (r reader) confidentParts(text string, whole []knowledge.Match) pieceReading {
	pieces := splitQuestions(text)
	if len(pieces) < 2 {
		return pieceReading{}
	}
	cands := make([][]knowledge.Match, len(pieces))
	for i, p := range pieces {
		cands[i] = r.match(p.text)
		if plain := koUnmarked(p.text); !confident(cands[i]) && plain != p.text {
			// "반품은 어떻게 해요" after "배송비 얼마예요?": a second
			// question sets its subject off with a particle, whose
			// character pairs (품은) no example question has; read
			// without it, it is the question it asks (walk item 11).
			if c := r.match(plain); confident(c) {
				cands[i] = c
			}
		}
		if i > 0 && !confident(cands[i]) && followUpCue(p.text) != noCue {
			cands[i] = r.withPrevious(pieces[i-1].text, p.text, cands[i-1], cands[i])
		}
	}
	// A piece is sure when it is confident and the whole message ranks
	// its entry too; in a long story the story's plain facts crowd the
	// whole message's candidates, so the pieces that ask are also read
	// together without them ("... anyway, the parcel came damaged, can I
	// get a replacement, and also do you ship to Canada?": shipping/times
	// is not among the whole story's candidates, QA walk 2026-12-06).
	var asking []string
	for _, p := range pieces {
		if p.asks() || p.borrow {
			asking = append(asking, p.text)
		}
	}
	var askedWhole []knowledge.Match
	if len(asking) >= 2 && (len(asking) < len(pieces) || len(pieces) == maxParts) {
		askedWhole = r.match(strings.Join(asking, ", "))
	}
	sure := func(i int) bool {
		return confident(cands[i]) && (ranks(whole, cands[i][0].ID) || ranks(askedWhole, cands[i][0].ID))
	}
	// A plain statement sure of an entry whose answer opens with a word
	// for the trouble ("I was charged twice": "Two charges for one order
	// are worrying, ...") tells that trouble, and asks for help as a
	// problem word would: in "I was charged twice and my discount code
	// didn't work" it is the first of two questions, not a story (walk8:
	// only the discount code was answered). The base's own answers say
	// which entries are troubles, in any language. A statement that turns
	// ("ordered the black keyboard but i want the white one") sets the
	// scene for a wish, not a trouble: it matched the wrong-item entry
	// and promised a free replacement for a change of mind (review A).
	told := func(i int) bool {
		return r.answer != nil && sure(i) && (r.contrasts == nil || !r.contrasts(pieces[i].text)) &&
			empathises(firstSentence(Plain(r.answer(cands[i][0].ID))))
	}
	asks := func(i int) bool {
		for ; i < len(pieces); i++ {
			if pieces[i].asks() || told(i) {
				return true
			}
			if !pieces[i].borrow {
				return false
			}
		}
		return false
	}
	if r.without != nil {
		var others []string
		for i := range pieces {
			if sure(i) && !slices.Contains(others, cands[i][0].ID) {
				others = append(others, cands[i][0].ID)
			}
		}
		for i, p := range pieces {
			if len(others) == 0 || sure(i) || !asks(i) {
				continue
			}
			// Only a rival is left out: a piece whose own best is
			// another part's entry asks that again ("Do you ship to
			// Canada, and how long would it take?").
			if len(cands[i]) == 0 || slices.Contains(others, cands[i][0].ID) {
				continue
			}
			if c := r.without(p.text, others); confident(c) && c[0].ID == cands[i][0].ID && ranks(whole, c[0].ID) {
				cands[i] = c
			}
		}
	}
	var out pieceReading
	// A problem whose entry puts it right (a replacement, a refund, a
	// label to send it back) answers the pieces that only ask for a
	// remedy. A problem not placed leaves the remedy unanswered as well:
	// the general return steps are no answer to "물건이 깨져서 왔어요 반품
	// 하고 싶어요" when we cannot tell what went wrong.
	remedy, unplaced := map[int]bool{}, map[int]bool{}
	if r.answer != nil {
		for i, p := range pieces {
			if !reportsProblem(p.text) || onlyRemedy(p.text) {
				continue
			}
			placed := sure(i) && offersRemedy(r.answer(cands[i][0].ID))
			for j, q := range pieces {
				if j != i && onlyRemedy(q.text) {
					remedy[j] = remedy[j] || placed
					unplaced[j] = unplaced[j] || !sure(i)
				}
			}
		}
	}
	seen := map[string]bool{}
	leaning := map[string]int{} // asking pieces whose best is the entry
	probable := map[string]bool{}
	for i := range pieces {
		c := cands[i]
		if remedy[i] {
			out.remedied = true
			continue
		}
		if unplaced[i] {
			continue
		}
		if !asks(i) {
			continue
		}
		out.asking++
		if len(c) > 0 {
			leaning[c[0].ID]++
			probable[c[0].ID] = probable[c[0].ID] || c[0].Confident || c[0].Likely
		}
		if !sure(i) || seen[c[0].ID] {
			continue
		}
		seen[c[0].ID] = true
		out.asked = append(out.asked, c)
	}
	if len(whole) > 0 && leaning[whole[0].ID] >= 2 && probable[whole[0].ID] {
		out.agree = whole[0].ID
	}
	if last := len(pieces) - 1; out.asking == 1 && len(out.asked) == 0 && len(whole) > 0 && pieces[last].asks() && len(cands[last]) > 0 &&
		cands[last][0].ID == whole[0].ID && (cands[last][0].Guess || cands[last][0].Likely) {
		out.story = whole[0].ID
	}
	// With one question in a story ("I ordered 10 min ago and want to
	// cancel"), the caller answers it when the whole message ranks it
	// first.
	out.remedied = out.remedied && len(out.asked) > 0
	return out
}

// pieceReading is what the pieces of a message ask.
type pieceReading struct {
	asked  [][]knowledge.Match // each confident piece that asks, in order, one per entry
	asking int                 // how many pieces ask something, sure or not
	// agree is the entry the whole message ranks first when two or more
	// asking pieces rank it first too, one of them confident or likely.
	agree string
	// story is the entry a long story's one question, asked last,
	// probably means: its own reading is a guess or likely, and the whole
	// message ranks it first too.
	story string
	// remedied: a piece only asking for a remedy was left to the
	// problem's entry, which says how it is put right.
	remedied bool
}

// withPrevious reads a piece that leaves out what the piece before it
// said ("how much is it?", "the other one is the wrong colour", "can I
// get it in blue instead") with that piece, and returns the candidates
// to keep for it: the joined reading when it is confident and the
// piece's own words do not lead elsewhere, else its own.
//
// Read with the piece before, the piece must not merely ask that piece's
// question again: in "my headphones arrived with a cracked case. also can
// I get it in blue instead" the joined text is about the cracked case
// first, yet "it" only names the headphones, and the piece asks for
// another colour. Then it is read with the piece before without that
// entry, and kept when its own words rank what is left.
func (r reader) withPrevious(prev, text string, prevOwn, own []knowledge.Match) []knowledge.Match {
	joined := prev + "\n" + text
	c := r.match(joined)
	if !confident(c) || pointsElsewhere(own, c[0].ID) {
		return own
	}
	if len(prevOwn) == 0 || c[0].ID != prevOwn[0].ID || len(own) > 0 && own[0].ID == c[0].ID {
		return c
	}
	if r.without == nil {
		return own
	}
	if w := r.without(joined, []string{c[0].ID}); confident(w) && ranks(own, w[0].ID) {
		return w
	}
	return own
}

// Ways to ask for a remedy, and the words around them that ask for
// nothing else ("i want to return it", "我想退货", "환불해 주세요"). The
// remedy words also say that an answer offers one ("we ship a
// replacement", "全额退款", "전액 환불").
var (
	remedyEn      = []string{"money back", "send it back", "send back", "return", "returns", "returning", "refund", "refunds", "replace", "replacement", "exchange", "new one"}
	remedyHan     = []string{"退货", "退款", "换货", "退钱", "换一个", "换个新的", "补发", "寄回", "退回", "重新寄", "重新发"}
	remedyKo      = []string{"반품", "환불", "교환", "새 상품", "새 제품", "새걸로", "새 걸로", "돌려보내", "다시 보내"}
	remedyFillEn  = map[string]bool{"want": true, "wanna": true, "need": true, "like": true, "get": true, "please": true, "pls": true, "just": true, "instead": true, "id": true, "i'd": true, "request": true, "ask": true, "for": true, "one": true}
	remedyFillHan = []string{"我", "想", "要", "请", "帮我", "可以", "能不能", "能", "吗", "呢", "申请", "一下", "办理", "直接", "给我", "了", "怎么", "如何", "就", "还是", "或者"}
	remedyFillKo  = []string{"하고", "싶어요", "싶은데요", "싶습니다", "싶어", "해", "해요", "해주세요", "주세요", "요청", "신청", "받고", "받을", "원해요", "할게요", "하려면", "어떻게", "가능한가요", "가능해요", "되나요", "돼요", "할", "수", "있나요", "있어요", "으로", "로", "요", "하"}
)

// onlyOf reports whether s (Chinese or Korean, written without spaces
// between words) has one of want and nothing but want and fill.
func onlyOf(s string, want, fill []string) bool {
	if !containsAny(s, want) {
		return false
	}
	for _, w := range slices.Concat(want, fill) {
		s = strings.ReplaceAll(s, w, " ")
	}
	return !hasWords(s)
}

// onlyRemedy reports whether a piece asks for a remedy and nothing else:
// not "i want to return the charger I bought last week" (a thing of its
// own), but "i want to return it", "我想退货", "반품하고 싶어요".
func onlyRemedy(piece string) bool {
	s := text.Normalize(piece)
	switch {
	case hasScript(s, unicode.Hangul):
		return onlyOf(s, remedyKo, remedyFillKo)
	case hasScript(s, unicode.Han):
		return onlyOf(s, remedyHan, remedyFillHan)
	}
	found := false
	for _, w := range remedyEn {
		if strings.Contains(" "+s+" ", " "+w+" ") {
			found = true
			s = strings.ReplaceAll(" "+s+" ", " "+w+" ", " ")
		}
	}
	if !found {
		return false
	}
	for _, w := range strings.FieldsFunc(s, notAWordSplit) {
		if !text.IsStopWord(w) && !remedyFillEn[w] && !referringEn[w] {
			return false
		}
	}
	return true
}

// offersRemedy reports whether an answer tells how a problem is put right:
// a replacement, a refund, a return.
func offersRemedy(answer string) bool {
	s := text.Normalize(answer)
	if containsAny(s, remedyHan) || containsAny(s, remedyKo) {
		return true
	}
	for _, w := range strings.FieldsFunc(s, notAWordSplit) {
		if slices.Contains(remedyEn, w) {
			return true
		}
	}
	return strings.Contains(s, "send it back") || strings.Contains(s, "money back")
}

func ranks(cands []knowledge.Match, id string) bool {
	for _, c := range cands {
		if c.ID == id && c.Score > 0 {
			return true
		}
	}
	return false
}

// mergeCandidates puts each part's best entry first, in the order asked,
// then the whole message's other candidates: an answerer that sees only
// Candidates (the LLM) still gets every question's entry. As from any
// matcher, only the first is Confident; Parts keeps each part's own.
func mergeCandidates(parts [][]knowledge.Match, whole []knowledge.Match) []knowledge.Match {
	var out []knowledge.Match
	seen := map[string]bool{}
	for i, p := range parts {
		c := p[0]
		c.SetTier(knowledge.Unsure)
		c.Confident = i == 0
		out = append(out, c)
		seen[c.ID] = true
	}
	for _, c := range whole {
		if !seen[c.ID] {
			c.SetTier(knowledge.Unsure)
			out = append(out, c)
			seen[c.ID] = true
		}
	}
	return out
}

// Words that join two questions in one message. A split in the wrong
// place only costs a match: a piece that is not a question is not
// confident, and a confident piece must agree with the whole message.
var (
	joinWords = map[string]bool{"and": true, "also": true, "plus": true, "btw": true}
	joinHan   = []string{"还有", "另外", "并且", "而且", "顺便问一下", "顺便问下", "以及"}
	joinKo    = map[string]bool{"그리고": true, "또": true, "또한": true, "근데": true, "그런데": true}
)

// piece is one part of a message.
type piece struct {
	text  string
	asked bool // a question mark followed it
	// borrow: it names a thing the next piece asks about, joined by a
	// particle that links nouns ("배송비랑 관세 얼마예요?", "运费和关税多少")
	borrow bool
}

// splitQuestions cuts a message into the pieces that may each be a
// question: at sentence ends, commas and line breaks; at "and", "also"
// ...; in Chinese at 还有, 另外 ... and at spaces between clauses; in
// Korean at 그리고, 또 ... and after a clause ending in -고 ("배송비 얼마고
// 관세도 내야 해요?").
func splitQuestions(msg string) []piece {
	var pieces []piece
	add := func(s string, asked bool) {
		s = strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if utf8.RuneCountInString(s) >= 2 && len(pieces) < maxPieces {
			pieces = append(pieces, piece{s, asked, false})
		}
	}
	chunk := func(c string, asked bool) {
		ascii := text.IsASCII(c)
		for _, h := range joinHan {
			if ascii {
				break // no Chinese joint in it: most chunks, searched for each
			}
			c = strings.ReplaceAll(c, h, "\n")
		}
		han := !ascii && hasScript(c, unicode.Han) && !hasScript(c, unicode.Hangul)
		if han {
			c = strings.ReplaceAll(c, joinNounHan, nounJoint+"\n")
		}
		// Room for a piece of most messages up front, on the stack: appending
		// word by word from nil reallocated it four times for every message.
		cur := make([]string, 0, 16)
		flush := func(last, borrow bool) {
			n := len(pieces)
			add(strings.Join(cur, " "), asked && last)
			if borrow && len(pieces) > n {
				pieces[len(pieces)-1].borrow = true
			}
			cur = cur[:0]
		}
		lines := strings.Split(c, "\n")
		for li, line := range lines {
			line, borrow := strings.CutSuffix(line, nounJoint)
			words := strings.Fields(line)
			for wi, w := range words {
				switch {
				case joinWords[text.Normalize(w)] || !ascii && joinKo[w]:
					flush(false, false)
					continue
				case han && len(cur) > 0 && hanJoint(cur[len(cur)-1], w):
					flush(false, false) // 寄到德国运费多少 要交关税吗, not 能用Apple Pay吗
				}
				// The Korean joints are looked for only where Korean may be:
				// an ASCII chunk (most) has none.
				if !ascii && wi < len(words)-1 {
					if noun, ok := koNounJoint(w); ok {
						cur = append(cur, noun)
						flush(false, true) // 배송비랑 관세 얼마예요
						continue
					}
				}
				cur = append(cur, w)
				if !ascii && wi < len(words)-1 && (koClauseEnd(w, words[wi+1]) || koSentenceEnd(w)) {
					flush(false, false)
				}
			}
			flush(li == len(lines)-1, borrow)
		}
	}
	start := 0
	for i, r := range msg {
		if endsPiece(r) {
			chunk(msg[start:i], r == '?' || r == '？')
			start = i + utf8.RuneLen(r)
		}
	}
	chunk(msg[start:], false)
	return keepAsking(pieces)
}

// endsPiece reports whether r ends a piece of a message: a question mark,
// a sentence's or a clause's end, a new line (a switch, not a search of a
// string of them for every rune of the message).
func endsPiece(r rune) bool {
	switch r {
	case '?', '？', '!', '！', '.', '。', ';', '；', ',', '，', '\n':
		return true
	}
	return false
}

// keepAsking keeps at most maxParts pieces: a long story's plain facts go
// first, from its start, so the questions at its end are still read ("...
// anyway, the parcel came damaged, can I get a replacement, and also do
// you ship to Canada?" lost its last question to the story before it, QA
// walk 2026-12-06); then, with more questions than that, the first ones.
func keepAsking(pieces []piece) []piece {
	for i := 0; len(pieces) > maxParts && i < len(pieces); {
		if p := pieces[i]; !p.borrow && !p.asks() {
			pieces = slices.Delete(pieces, i, i+1)
			continue
		}
		i++
	}
	return pieces[:min(len(pieces), maxParts)]
}

// hanJoint reports whether a space between two words stands between two
// Chinese clauses: Han characters on both sides of it.
func hanJoint(before, after string) bool {
	last, _ := utf8.DecodeLastRuneInString(before)
	first, _ := utf8.DecodeRuneInString(after)
	return unicode.Is(unicode.Han, last) && unicode.Is(unicode.Han, first)
}

// joinNounHan links two nouns in Chinese ("运费和关税多少"); nounJoint
// marks where it stood while a chunk is cut.
const (
	joinNounHan = "和"
	nounJoint   = "\x00"
)

// koNounJoint reports whether a Korean word is a noun with the particle
// 랑 or 이랑 ("배송비랑", "관세랑"), which links it to the next noun, and
// returns the noun.
func koNounJoint(w string) (string, bool) {
	noun, ok := strings.CutSuffix(w, "랑")
	if !ok || utf8.RuneCountInString(noun) < 2 || !hasScript(noun, unicode.Hangul) || w == "사랑" {
		return "", false
	}
	if n, ok := strings.CutSuffix(noun, "이"); ok && utf8.RuneCountInString(n) >= 2 {
		noun = n
	}
	return noun, true
}

// koSentenceEnds end a Korean sentence in the polite styles ("깨져서
// 왔어요", "도착했습니다", "배송 얼마나 걸려요"): customers run sentences on
// without a full stop ("택배가 파손돼서 왔어요 반품하고 싶어요"), and each
// may be a question of its own.
var koSentenceEnds = []string{"어요", "아요", "여요", "해요", "에요", "예요", "습니다"}

// koSentenceEnd reports whether a Korean word ends a sentence.
func koSentenceEnd(word string) bool {
	return hasScript(word, unicode.Hangul) && slices.ContainsFunc(koSentenceEnds, func(e string) bool { return strings.HasSuffix(word, e) })
}

// koAuxiliaries start the verbs that continue a -고 form instead of
// starting a new clause: -고 싶다 (want), -고 나다 (after), -고 있다,
// -고 계시다, -고 보다, -고 말다.
var koAuxiliaries = []string{"싶", "나", "있", "계", "보", "말"}

// koClauseEnd reports whether word ends a Korean clause with -고 ("배송비
// 얼마고 관세도 ...") rather than joining an auxiliary verb ("반품 보내고
// 나면", "취소하고 싶어요").
func koClauseEnd(word, next string) bool {
	if r, _ := utf8.DecodeLastRuneInString(word); r != '고' || utf8.RuneCountInString(word) < 2 || word == "그리고" {
		return false
	}
	for _, a := range koAuxiliaries {
		if strings.HasPrefix(next, a) {
			return false
		}
	}
	return true
}

// Words that make a piece a question even without a question mark.
var (
	questionFirst = map[string]bool{"what": true, "whats": true, "what's": true, "how": true, "when": true, "where": true,
		"wheres": true, "where's": true, "why": true, "who": true, "which": true, "can": true, "could": true, "do": true,
		"does": true, "did": true, "is": true, "are": true, "will": true, "would": true, "should": true, "may": true}
	questionHan = []string{"吗", "呢", "么", "什么", "怎么", "怎样", "多少", "几", "哪", "能不能", "可不可以", "是否", "有没有", "要不要", "会不会", "多久"}
	questionKo  = []string{"얼마", "언제", "어디", "어떻게", "왜", "뭐", "무엇", "몇", "누가", "어느", "나요", "까요", "가요", "니까", "는지"}
	// Requests ask as much as questions do.
	requestEn = []string{"want to", "wanna", "need to", "would like", "i'd like", "please", "pls", "plz", "help me"}
	// 我想 and 我要 ask wherever they stand ("那个耳机我要退货"), unless
	// 的 makes them a noun ("我要的是黑色的": what I ordered).
	requestHan = []string{"请", "帮我", "我想", "我要"}
	// Bare 想 and 要 ask only where the piece starts with them
	// ("想换个颜色", "要退货"): inside a story "笔记本要更大功率的" is a
	// need, not a request, and must not make the story's charger a second
	// question. A connective before them ("然后想退货", "那个要退货")
	// still starts the piece.
	requestHanFirst = []string{"想", "要"}
	requestKo       = []string{"싶어요", "주세요", "해줘", "원해요"}
)

// Words a Chinese piece may open with before what it asks: "运费多少，然后
// 我想退货", "另外那个想换个颜色". Longer first, so 那个 goes before 那.
var leadingHan = []string{"顺便问一下", "顺便问下", "对了", "然后", "还有", "另外", "而且", "并且", "所以", "现在", "那么",
	"那个", "这个", "但是", "可是", "不过", "其实", "就是", "顺便", "那", "还", "再", "就", "也"}

// trimLeadingHan strips the connectives a Chinese piece opens with.
func trimLeadingHan(s string) string {
	for {
		i := slices.IndexFunc(leadingHan, func(w string) bool { return strings.HasPrefix(s, w) })
		if i < 0 {
			return s
		}
		s = strings.TrimLeftFunc(s[len(leadingHan[i]):], func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	}
}

// asksHan reports whether a Chinese piece asks something: a question word
// or request anywhere, or 想/要 at its start after any connectives.
func asksHan(s string) bool {
	for _, w := range questionHan {
		if strings.Contains(s, w) {
			return true
		}
	}
	for _, w := range requestHan {
		for rest := s; ; {
			i := strings.Index(rest, w)
			if i < 0 {
				break
			}
			rest = rest[i+len(w):]
			if !strings.HasPrefix(rest, "的") {
				return true
			}
		}
	}
	return hasAnyPrefix(trimLeadingHan(s), requestHanFirst)
}

// question reports whether a piece asks something: a question mark, a
// question word first (English), a question word or ending anywhere
// (Chinese, Korean), or a request ("want to cancel", "请帮我", "주세요").
func (p piece) question() bool {
	if p.asked {
		return true
	}
	// Normalised by the product's one normaliser, so "ＷＨＡＴ", "What" and
	// "what" read alike.
	lower := text.Normalize(p.text)
	if w := text.Words(lower); len(w) > 0 && w[0].Kind == text.Alpha && questionFirst[w[0].Text] {
		return true
	}
	for _, w := range requestEn {
		if strings.Contains(lower, w) {
			return true
		}
	}
	if hasScript(p.text, unicode.Han) && asksHan(p.text) {
		return true
	}
	for _, w := range slices.Concat(questionKo, requestKo) {
		if strings.Contains(p.text, w) {
			return true
		}
	}
	return false
}

// leadKey is the message said before answer, from entry id:
// answer_lead ("Good question!" among others) when the message asks a
// question the conversation has not had answered from id yet, else
// answer_lead_plain, whose leads fit anything ("방금 주문했어요" is no
// question; an answer given again is not met with "good question").
// A message that tells of a problem (toldProblem) gets
// answer_lead_problem, or no lead ("") when the answer opens with its own
// word for it ("That's not how it should arrive…", "Let's find it."):
// never "Happy to help with that." or "Good question!" to someone whose
// parcel is gone, and never two words of empathy in a row.
func leadKey(q Question, id, answer string) string {
	for _, tr := range q.History {
		if tr.Role == "bot" && tr.Entry == id {
			return "answer_lead_plain"
		}
	}
	if toldProblem(q.Text) {
		if empathises(firstSentence(Plain(answer))) {
			return ""
		}
		return "answer_lead_problem"
	}
	for _, p := range splitQuestions(q.Text) {
		if p.asksQuestion() {
			return "answer_lead"
		}
	}
	return "answer_lead_plain"
}

// asksQuestion reports whether a piece is a question, not a request or
// a statement: a question mark, or a question word (first, in English).
func (p piece) asksQuestion() bool {
	if p.asked {
		return true
	}
	lower := text.Normalize(p.text)
	if w := text.Words(lower); len(w) > 0 && w[0].Kind == text.Alpha && questionFirst[w[0].Text] {
		return true
	}
	return hasScript(p.text, unicode.Han) && containsAny(p.text, questionHan) ||
		hasScript(p.text, unicode.Hangul) && containsAny(p.text, questionKo)
}

// asks reports whether a piece wants an answer: a question or request, or
// a problem the customer reports ("비번 까먹었어요", "I forgot my
// password", "包裹没收到"), which asks for help as plainly as a question.
// A story's plain facts ("I bought the 65W charger", "盒子还在") do not.
func (p piece) asks() bool { return p.question() || reportsProblem(p.text) }

// Words that report a problem.
var (
	problemEn = map[string]bool{"forgot": true, "forget": true, "forgotten": true, "lost": true, "broke": true, "broken": true,
		"damaged": true, "missing": true, "wrong": true, "never": true, "cracked": true, "smashed": true, "shattered": true,
		"dented": true, "scratched": true, "crushed": true, "defective": true, "faulty": true, "leaking": true, "torn": true, "cant": true, "cannot": true, "can't": true,
		"couldnt": true, "couldn't": true, "doesnt": true, "doesn't": true, "didnt": true, "didn't": true,
		"wont": true, "won't": true, "isnt": true, "isn't": true, "stopped": true, "hasnt": true, "hasn't": true,
		"havent": true, "haven't": true, "stuck": true, "failing": true, "failed": true, "declined": true,
		// Things that stop working ("the app keeps crashing", "it froze").
		// Not the bare nouns (crash, glitch, error): "crash pads", "is
		// there an error in my invoice?" tell of nothing gone wrong.
		"crashes": true, "crashed": true, "crashing": true, "freezes": true, "froze": true, "frozen": true,
		"freezing": true, "glitching": true, "buggy": true}
	problemHan = []string{"忘了", "忘记", "丢了", "坏了", "不了", "没收到", "收不到", "无法", "不能", "错了", "破了", "没到", "没有到", "登不上",
		"裂了", "碎了", "压坏", "摔坏", "少了", "缺了", "发错", "漏发", "闪退", "崩溃", "卡死", "打不开", "报错", "出错",
		// Too slow is a complaint ("快递也太慢了吧": walk7), met with a word
		// for it, not "很乐意为您解答".
		"太慢", "好慢", "很慢", "慢死", "这么慢"}
	problemKo = []string{"까먹", "잊어버", "잊었", "잃어버", "고장", "깨졌", "깨져", "파손", "안 돼", "안돼", "안되", "안 되", "못 ", "안 와", "안와", "없어졌",
		"금 갔", "금이 갔", "찌그러", "빠졌", "누락", "잘못 왔", "잘못 보내", "다른 게 왔", "튕겨", "튕기", "멈춰", "먹통", "오류", "에러", "안 열려", "안열려",
		// Late or slow is a complaint ("배송이 늦네요", "배송 넘 느려요": walk7);
		// said, not allowed: "늦어도 괜찮아요" (fine if it is late) is none.
		"늦어요", "늦어서", "늦었", "늦네", "늦는데", "느려요", "느려서", "느리네"}
)

// preference are the verbs after which a "doesn't" tells what someone
// wants, not what went wrong: "he doesn't need them", "I didn't want the
// blue one" (walk 2026-12-06e: a story of a gift not needed was met with
// "I'm sorry that's happening" and no answer).
var preference = map[string]bool{"need": true, "want": true, "like": true, "care": true}

// stopsWorkingKo are the Korean words for a thing that stops working
// (튕겨요: crashes, bounces; 멈춰요: freezes): they say nothing of what
// stopped, unlike 파손 or 누락, which name the problem an entry is about.
var stopsWorkingKo = []string{"튕겨", "튕기", "멈춰", "먹통", "오류", "에러"}

// withoutStopsWorking is s without its stopsWorkingKo words: what the
// message says stopped working.
func withoutStopsWorking(s string) string {
	rest := text.Normalize(s)
	for _, p := range stopsWorkingKo {
		rest = strings.ReplaceAll(rest, p, " ")
	}
	return rest
}

// onlyTheProblemPoints reports whether a Korean message that says
// something stops working is matched to entry id by those words alone: what
// is left of it ranks another entry first, or none, or nothing is left
// but the problem ("에러 나요"; "앱이 자꾸 튕겨요":
// 튕겨 is how a failed payment is told, and "앱이 자꾸" points to no
// payment entry). "결제가 자꾸 튕겨요" keeps its answer: 결제 points there.
func (t *turn) onlyTheProblemPoints(msg, id string) bool {
	if !hasScript(msg, unicode.Hangul) || !containsAny(text.Normalize(msg), stopsWorkingKo) {
		// Korean only: its words for a thing that stops working are
		// verb stems (튕겨, 멈춰) that say nothing of what stopped;
		// English and Chinese problem words are often the topic itself
		// ("arrived broken", "收到的东西坏了": the damaged-item entry).
		return false
	}
	rest := withoutStopsWorking(msg)
	if !hasWords(rest) {
		// Nothing but the problem ("에러 나요": I get an error): it
		// names no one thing that stopped, so no entry is sure.
		return true
	}
	m := t.match(rest)
	// Nothing left points anywhere ("에러 나요" leaves 나요) or it points
	// elsewhere: the problem word alone made the answer.
	return len(m) == 0 || m[0].ID != id
}

// toldProblem reports whether msg tells of a problem as a statement: a
// piece that reports one (reportsProblem) and is neither a question nor
// a condition. "I've never ordered before, do I need an account?",
// "isn't shipping free over $50?", "can't I just cancel my order?" and
// "what if it's damaged?" only hold a problem word; "my package says
// delivered but i never got it, what do i do?" tells one (review-A W1,
// 2026-12-07: the problem lead landed on plain questions).
func toldProblem(msg string) bool {
	for _, p := range splitQuestions(msg) {
		n := text.Normalize(p.text)
		if p.question() || conditional(p.text) || hasAnyPrefix(n, conditionalStarts) {
			continue
		}
		if containsAny(n, forgotten) {
			// "i forgot my password", "密码忘了": the customer's own
			// slip, for which "that's not how it should go" assigns fault.
			continue
		}
		t := p.text
		if w := strings.FieldsFunc(n, notAWordSplit); slices.Contains(w, "before") {
			// "never ordered before" tells of a first time.
			t = strings.Join(slices.DeleteFunc(w, func(x string) bool { return x == "never" }), " ")
		}
		if reportsProblem(t) {
			return true
		}
	}
	return false
}

// forgotten are the words of a customer's own slip (en, zh, ko).
var forgotten = []string{"forgot", "forget", "忘", "잊어", "잊었", "까먹"}

// empathyCues find an answer that opens with a word for the customer's
// trouble ("Sorry about the mix-up.", "That's not how it should arrive,
// and we'll make it right.", "Let's find it.", "Two charges for one
// order are worrying, so let's sort it out.", "我们一起找找看。",
// "같이 찾아봐요."), in en, zh and ko.
var empathyCues = regexp.MustCompile(`(?i)sorry|apolog|not how it should|make it right|let's (find|sort|fix|get)|worr|frustrat|annoying|oh no|抱歉|对不起|不好意思|别担心|不应该|不该|着急|担心|一起找|处理好|죄송|미안|걱정|당황|답답|불편|안 되는데|꼭 해결|같이 찾아`)

// empathises reports whether s says a word for the customer's trouble.
func empathises(s string) bool { return empathyCues.MatchString(s) }

// reportsProblem reports whether s tells of something gone wrong.
func reportsProblem(s string) bool {
	lower := text.Normalize(s)
	// A problem word not followed by a preference word, read word by
	// word without a slice of them (this runs on every message).
	problem := false // the word before was a problem word
	for w := range strings.FieldsFuncSeq(lower, notAWordSplit) {
		if problem && !preference[w] {
			return true
		}
		problem = problemEn[w]
	}
	if problem || containsAny(lower, problemHan) {
		return true
	}
	// The Korean cues are read with a space after the message ("못 " may
	// end it); none is in an ASCII message (every cue starts in Hangul),
	// which most messages are: no copy of it for them.
	return !text.IsASCII(lower) && containsAny(lower+" ", problemKo)
}

// Words that say the problem is solved: "that solved it", "it worked",
// "搞定了", "해결됐어요". After an answer they close the exchange; they ask
// nothing, even where the knowledge base knows their words ("solved" is
// "fix" to the lexicon, and "fix" is how customers ask for a repair).
var (
	solvedEn = map[string]bool{"solved": true, "fixed": true, "worked": true, "works": true, "helped": true, "sorted": true,
		"resolved": true, "found": true, "trick": true, "managed": true, "figured": true, "helpful": true}
	solvedHan = []string{"解决了", "搞定", "弄好了", "好了", "可以了", "成功了", "找到了", "有用", "帮到", "没问题了", "没事了", "行了"}
	solvedKo  = []string{"해결됐", "해결했", "해결되었", "해결이 됐", "됐어요", "됐네요", "되네요", "되었어요", "찾았", "성공했", "도움이 됐", "도움이 되었", "도움 됐"}
)

// reportsSolved reports whether s says the customer's problem is solved
// and nothing is still wrong.
func reportsSolved(s string) bool {
	if reportsProblem(s) {
		return false
	}
	lower := text.Normalize(s)
	for w := range strings.FieldsFuncSeq(lower, notAWordSplit) {
		if solvedEn[w] {
			return true
		}
	}
	return containsAny(lower, solvedHan) || containsAny(lower, solvedKo)
}

func hasScript(s string, t *unicode.RangeTable) bool {
	// The scripts asked about (Han, Hangul) have no ASCII letter, and most
	// of a message is ASCII: those bytes are passed over without a table
	// lookup. A table that starts in ASCII is looked up for every rune.
	skipASCII := len(t.R16) == 0 || t.R16[0].Lo >= utf8.RuneSelf
	i := 0
	if skipASCII {
		// The ASCII run most messages are all of, eight bytes at a time.
		i = text.ASCIIPrefix(s)
	}
	for i < len(s) {
		if skipASCII && s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.Is(t, r) {
			return true
		}
		i += size
	}
	return false
}

// How long a message may be and still read as a follow-up to the
// previous question, in words, or in characters for Chinese: "and to
// Korea?", "那支付宝呢？" continue; "그럼 반품은 며칠 안에 해야 돼요?" is a
// question of its own. A message that refers back with a pronoun ("how
// long is it valid for?") may be a little longer than one marked as a
// continuation ("and to Korea?"), since the pronoun, not the length, says
// it continues.
const (
	maxFollowUpWords   = 4
	maxFollowUpHan     = 10
	maxReferringWords  = 7
	maxReferringHan    = 12
	maxEllipsisWords   = 3
	maxEllipsisHanRune = 6
)

// Openings and endings that mark a message as continuing the last
// question: "and to Korea?", "what about PayPal?", "那支付宝呢？",
// "카카오페이는요?".
var (
	followUpStarts = []string{"and ", "what about", "how about", "what if", "and if", "also ", "same for", "or ",
		"那", "还有", "如果是", "要是", "그럼", "그러면", "그리고", "혹시"}
	followUpEnds = []string{" too", " as well", "呢", "也可以吗", "也行吗", "也能吗", "也是吗",
		"은요", "는요", "도요", "도 돼요", "도 되나요", "도 가능해요", "도 가능한가요",
		"면요"} // "벌써 발송됐으면요?": what if, of the last question
)

// Words that point back at what was just said ("is it valid abroad?",
// "这个能退吗", "그거 언제까지 써요?"), and question words that, first and
// nearly alone, ask about it ("how long?", "要多久？", "얼마나 걸려요?",
// but not "배송언제와요", which names its subject): a message
// built on them leaves its subject out because the last answer gave it.
var (
	referringEn  = map[string]bool{"it": true, "its": true, "that": true, "this": true, "these": true, "those": true, "they": true, "them": true, "one": true, "ones": true}
	referringHan = []string{"它", "这个", "那个", "这些", "那些", "这种", "那种", "这款", "那款", "这样", "那样"}
	referringKo  = []string{"그거", "그것", "그건", "그게", "이거", "이것", "이건", "이게", "저거", "저것", "저건", "거기"}
	// A short question to us ("where are you", "who are you") names its
	// subject: it leaves nothing out for the last answer to fill in.
	addressee     = map[string]bool{"you": true, "u": true, "ya": true, "yall": true, "y'all": true}
	ellipsisEn    = map[string]bool{"how": true, "when": true, "why": true, "where": true, "what": true, "which": true, "until": true}
	ellipsisHan   = []string{"多久", "多少", "几天", "什么时候", "为什么", "怎么", "哪里", "到什么时候"}
	ellipsisKo    = []string{"얼마나", "얼마", "언제", "며칠", "왜", "어떻게", "어디"}
	notAWordSplit = func(r rune) bool {
		if r < utf8.RuneSelf { // most of most messages: no table lookup
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '\'')
		}
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}
)

// conditionalStarts and conditionalEnds mark a follow-up that asks how
// the last answer goes in another case: "what if i paid with paypal?",
// "如果是用PayPal付的呢", "페이팔로 결제했으면요?".
var (
	conditionalStarts = []string{"what if ", "and if ", "but if ", "if ", "如果", "要是", "假如"}
	conditionalEnds   = []string{"면요"}
)

// conditional reports whether msg is a short message that puts the last
// answer in another case (conditionalStarts, conditionalEnds).
func conditional(msg string) bool {
	if !short(msg) {
		return false
	}
	s := text.Normalize(strings.TrimSpace(msg))
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	return hasAnyPrefix(s, conditionalStarts) || slices.ContainsFunc(conditionalEnds, func(e string) bool { return strings.HasSuffix(s, e) })
}

// followUp is how a message reads as continuing the previous question.
type followUp int

const (
	noCue     followUp = iota
	marked             // "and to Korea?", "那支付宝呢？": says it continues
	referring          // "how long is it valid for?", "多久？": leaves its subject to the last answer
)

// isFollowUp reports whether text reads as a short continuation of the
// previous question.
func isFollowUp(msg string) bool { return followUpCue(msg) != noCue }

// followUpCue reads whether msg continues the previous question, and how.
func followUpCue(msg string) followUp {
	s := text.Normalize(strings.TrimSpace(msg))
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	if s == "" {
		return noCue
	}
	nFields := countFields(s, unicode.IsSpace)
	han := hasScript(s, unicode.Han)
	runes := utf8.RuneCountInString(s)
	if nFields <= maxFollowUpWords && (!han || runes <= maxFollowUpHan) {
		for _, p := range followUpStarts {
			if strings.HasPrefix(s, p) {
				return marked
			}
		}
		for _, e := range followUpEnds {
			if strings.HasSuffix(s, e) {
				return marked
			}
		}
	}
	switch {
	case han && !hasScript(s, unicode.Hangul):
		if runes <= maxReferringHan && containsAny(s, referringHan) ||
			runes <= maxEllipsisHanRune && hasAnyPrefix(strings.TrimLeft(s, "要大概还能"), ellipsisHan) {
			return referring
		}
	case hasScript(s, unicode.Hangul):
		if nFields > maxReferringWords-2 && nFields > maxEllipsisWords-1 {
			break // too long for either: no fields to cut
		}
		fields := strings.Fields(s)
		if len(fields) <= maxReferringWords-2 && slices.ContainsFunc(fields, func(w string) bool { return hasAnyPrefix(w, referringKo) }) ||
			len(fields) <= maxEllipsisWords-1 && hasAnyPrefix(fields[0], ellipsisKo) {
			return referring
		}
	default:
		if countFields(s, notAWordSplit) > max(maxReferringWords, maxEllipsisWords) {
			break // too long for either: no words to cut
		}
		// At most that many words, counted above: on the stack, not a
		// slice made for every short message.
		var buf [max(maxReferringWords, maxEllipsisWords)]string
		words := buf[:0]
		for w := range strings.FieldsFuncSeq(s, notAWordSplit) {
			words = append(words, strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "'"))
		}
		if len(words) <= maxReferringWords && slices.ContainsFunc(words, func(w string) bool { return referringEn[w] }) ||
			len(words) > 0 && len(words) <= maxEllipsisWords && ellipsisEn[words[0]] && !slices.ContainsFunc(words, func(w string) bool { return addressee[w] }) {
			return referring
		}
	}
	return noCue
}

func containsAny(s string, subs []string) bool {
	// Most messages are ASCII and most cue lists Chinese or Korean: a cue
	// that starts past ASCII cannot be in an ASCII s, and is not searched
	// for (reportsProblem, saysDone and the like run on every message).
	ascii := text.IsASCII(s)
	return slices.ContainsFunc(subs, func(x string) bool {
		return !(ascii && x != "" && x[0] >= utf8.RuneSelf) && strings.Contains(s, x)
	})
}

func hasAnyPrefix(s string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(s, p) })
}

// supports reports whether a referring follow-up's own words lead to
// entry id: the words it adds to pointing back and asking ("valid" in
// "how long is it valid for?", "能用" in "它能用多久", "써요" in "그거
// 언제까지 써요?") rank id. With none, a question that asks for a measure
// ("how long?", "多久？") fits any answer that ranks it ("how long?" after
// refunds), as the caller checked; a bare question word ("when?") names
// nothing, so it only fits the entry it leads to by itself ("when?" after
// shipping times, not after payment methods).
func supports(match matchFunc, msg string, own []knowledge.Match, id string) bool {
	w, measure := ownWords(msg)
	switch {
	case w != "":
		return ranks(match(w), id)
	case measure:
		return true
	}
	return len(own) > 0 && own[0].ID == id
}

// Question words that ask for a measure: "how long", "多久", "얼마나".
var (
	measureEn  = map[string]bool{"long": true, "much": true, "many": true, "often": true, "soon": true, "far": true} // after "how"
	measureHan = []string{"多久", "多少", "几天"}
	measureKo  = []string{"얼마나", "얼마", "며칠"}
)

// ownWords is msg without its referring and question words, and whether
// one of those asked for a measure.
func ownWords(msg string) (own string, measure bool) {
	s := text.Normalize(strings.TrimSpace(msg))
	var keep []string
	switch {
	case hasScript(s, unicode.Hangul):
		for _, w := range strings.FieldsFunc(s, notAWordSplit) {
			for _, p := range slices.Concat([]string{"언제까지"}, referringKo, ellipsisKo) {
				if strings.HasPrefix(w, p) {
					w = w[len(p):]
					measure = measure || slices.Contains(measureKo, p)
					break
				}
			}
			if w != "" {
				keep = append(keep, w)
			}
		}
	case hasScript(s, unicode.Han):
		for _, w := range slices.Concat(referringHan, ellipsisHan) {
			if strings.Contains(s, w) {
				s = strings.ReplaceAll(s, w, " ")
				measure = measure || slices.Contains(measureHan, w)
			}
		}
		keep = strings.FieldsFunc(s, notAWordSplit)
	default:
		words := strings.FieldsFunc(s, notAWordSplit)
		for i, w := range words {
			w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "'")
			if i > 0 && words[i-1] == "how" && measureEn[w] {
				measure = true
				continue
			}
			if !referringEn[w] && !ellipsisEn[w] {
				keep = append(keep, w)
			}
		}
	}
	return strings.Join(keep, " "), measure
}

// askedName reports whether msg is a name and a question mark, nothing
// else: "bitcoin?", "paypal?", "微信？", "카카오페이?".
func askedName(msg string) bool {
	s := strings.TrimSpace(msg)
	trimmed := strings.TrimRight(s, "?？ ")
	if trimmed == s || trimmed == "" || strings.ContainsAny(trimmed, "?？,，.。!！") {
		return false
	}
	w := addedWords(trimmed)
	return w != "" && w == text.Normalize(trimmed) && oneThing(trimmed, 2) != "" && !containsAny(w, questionHan) && !containsAny(w, questionKo)
}

// asksWhetherWeTake reports whether msg asks whether we take one thing
// it names (askedThing), not one it points back at ("可以用这个吗").
func asksWhetherWeTake(msg string) bool {
	thing := askedThing(msg)
	return thing != "" && !containsAny(thing, referringHan) && !hasAnyPrefix(thing, referringKo)
}

// closedList reports whether entry id's list, in the turn's language, is
// all there is (payment methods).
func (t *turn) closedList(id string) bool {
	e, ok := t.set.KB.Entry(id, t.lang)
	return ok && e.ClosedList
}
