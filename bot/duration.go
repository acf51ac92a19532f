package bot

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/text"
)

// "How long does it take?" right after the refund answer asks how long the
// refund takes, not how long shipping does, though alone it is shipping
// times' own example question (QA walk 2026-12-06 session 2, item 1). A
// question that asks only for a duration and names nothing of its own
// ("how long does it take?", "要多久", "얼마나 걸려요?") continues the last
// answer when that answer speaks of durations (durationIn) and the last
// question read with it still leads there.
var (
	// durationAsks are the ways to ask how long, per script.
	// "when" alone, after an answer that says how long ("refund??",
	// then "when"), asks when it will be done: its durations (walk3
	// 2026-12-07: it got a guess at shipping times).
	durationAsksEn = []string{"how long", "how many days", "how many weeks", "how soon", "when"}
	durationAsksZh = []string{"多久", "几天", "多长时间", "多少天", "多长", "什么时候"}
	// "기간이 얼마나 돼요?" (how long is the period?) asks the same after
	// a return or a refund: it named no warranty (walk4 2026-12-07: it got
	// the warranty answer, sure of it by 기간 and 얼마나 alone).
	durationAsksKo = []string{"얼마나 걸", "며칠", "몇 일", "몇일", "얼마 걸", "언제", "기간"}
	// durationFill are the words such a question may have besides: the
	// verbs of taking time and fillers ("does it take", "要", "걸려요").
	durationFillEn = map[string]bool{"do": true, "does": true, "did": true, "is": true, "it": true, "its": true, "it's": true, "that": true, "this": true,
		"they": true, "them": true, "the": true, "a": true, "to": true, "for": true, "get": true, "i": true, "me": true, "my": true, "be": true, "take": true, "takes": true, "taking": true, "usually": true, "normally": true, "generally": true, "about": true, "roughly": true, "will": true, "would": true, "last": true, "need": true, "have": true, "we": true}
	durationFillZh = []string{"大概", "一般", "通常", "需要", "要", "还", "得", "会", "呢", "啊", "呀", "吗", "左右"}
	durationFillKo = []string{"보통", "대략", "대충", "그럼", "그거", "그건", "이거", "이건", "정도", "걸려요", "걸리나요", "걸리죠", "걸릴까요", "걸려", "걸리는지", "걸리는데요", "걸리는데", "걸리요", "걸립니까", "걸리는", "걸리", "얼마나", "며칠", "언제", "요", "이나", "나", "정도요", "기간이", "기간은", "기간", "돼요", "되나요", "되요", "돼"}
	// durationPattern finds a duration in an answer: a number of days,
	// hours, weeks or months ("3 business days", "3-5 个工作日", "14일").
	durationPattern = regexp.MustCompile(`\d+\s*(?:[-–~〜至到]\s*\d+\s*)?(?:business days?|working days?|days?|hours?|weeks?|months?|个工作日|工作日|天|小时|周|个月|영업일|일|시간|주|개월)`)
)

// asksOnlyDuration reports whether msg asks how long and names nothing
// else. Cheap: a short message and a few substring checks first.
func asksOnlyDuration(msg string) bool {
	s := text.Normalize(strings.TrimSpace(msg))
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	if s == "" || len(s) > 60 {
		return false
	}
	switch {
	case hasScript(s, unicode.Hangul):
		if !containsAny(s, durationAsksKo) {
			return false
		}
		for _, w := range strings.Fields(s) {
			rest := w
			for _, f := range durationFillKo {
				rest = strings.ReplaceAll(rest, f, "")
			}
			if strings.TrimFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) }) != "" {
				return false
			}
		}
		return true
	case hasScript(s, unicode.Han):
		if !containsAny(s, durationAsksZh) {
			return false
		}
		for _, f := range append(append([]string{}, durationAsksZh...), durationFillZh...) {
			s = strings.ReplaceAll(s, f, "")
		}
		return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) == ""
	}
	if !containsAny(s, durationAsksEn) {
		return false
	}
	for _, a := range durationAsksEn {
		s = strings.ReplaceAll(s, a, " ")
	}
	for _, w := range strings.FieldsFunc(s, notAWordSplit) {
		if !text.IsStopWord(w) && !durationFillEn[w] {
			return false
		}
	}
	return true
}

// asksDuration reports whether msg asks how long, whatever else it names
// ("반품 기간이 얼마나 돼요?", "how long do refunds take?"). English "when"
// is left out: alone it asks how long only after an answer that says so
// (asksOnlyDuration), beside other words it is as often "what happens
// when…".
func asksDuration(msg string) bool {
	s := text.Normalize(msg)
	switch {
	case hasScript(s, unicode.Hangul):
		return containsAny(s, durationAsksKo)
	case hasScript(s, unicode.Han):
		return containsAny(s, durationAsksZh)
	}
	return containsAny(s, durationAsksEnBeside)
}

// durationAsksEnBeside are the English ways to ask how long that say so
// beside other words (durationAsksEn without "when").
var durationAsksEnBeside = []string{"how long", "how many days", "how many weeks", "how soon"}

// durationsOnly reports whether every unit of p that body gives says how
// long something takes: a part that already tells the durations.
func durationsOnly(p passage, body string) bool {
	for _, u := range p.units {
		if strings.Contains(body, strings.TrimPrefix(Plain(u.text), "• ")) && !durationIn(u.text) {
			return false
		}
	}
	return true
}

// durationIn reports whether an answer speaks of how long something takes.
func durationIn(answer string) bool { return durationPattern.MatchString(answer) }

// durationOfLast reads a question that asks only how long ("how long does
// it take?") with the last question when the last answer speaks of
// durations and the last question, alone or with it, leads to that
// answer's entry, though its own words lead elsewhere (shipping times). It
// reports whether it decided.
func (r reader) durationOfLast(u *understanding, text, topic string) bool {
	// Its own words may lead to the last entry only hedged ("how long do
	// i have" after the return policy, likely): the durations still, not
	// the whole entry again under "this sounds like" (walk3 2026-12-07).
	if r.last == "" || r.answer == nil || len(u.cands) == 0 || u.cands[0].ID == r.last && confident(u.cands) || !asksOnlyDuration(text) || !durationIn(r.answer(r.last)) {
		return false
	}
	joined := topic + "\n" + text
	c := r.match(joined)
	if len(c) == 0 || c[0].ID != r.last {
		// The last question was answered from r.last (often as a
		// follow-up, so not confidently alone): its own top being that
		// entry is enough; a recalibrated cut must not undo the reading of
		// a question already answered.
		if prev := r.match(topic); len(prev) == 0 || prev[0].ID != r.last {
			return false
		}
	}
	f := followUpOf(text, referring)
	f.Duration = true
	u.continueWith(r.last, joined, c, f)
	return true
}

// maxDurationUnits is how many sentences a how-long follow-up gets: the
// duration, and at most one more that says how long too.
const maxDurationUnits = 2

// durations are the sentences (or list items, as sentences) of p that say
// how long something takes, at most maxDurationUnits, "" when none does.
func (p passage) durations() string {
	return p.saying(durationIn, nil, nil)
}

// saying is the text of at most maxDurationUnits units of p that say
// what has reports (a duration, a price), as sentences; with words, the
// units that share the most telling ones with them come first.
func (p passage) saying(has func(string) bool, words map[string]bool, f *docFreq) string {
	var at []int
	for i, u := range p.units {
		if has(u.text) {
			at = append(at, i)
		}
	}
	if len(words) > 0 {
		shared := func(i int) float64 {
			var s float64
			for t := range words {
				if p.units[i].terms[t] {
					s += f.idf(t)
				}
			}
			return s
		}
		slices.SortStableFunc(at, func(a, b int) int { return cmp.Compare(shared(b), shared(a)) })
	}
	var said []string
	for _, i := range at {
		u := p.units[i]
		s := strings.TrimSpace(strings.TrimPrefix(u.text, "- "))
		if u.numbered() {
			// Said as a sentence, a step has no number: "3. We email
			// you a label" without steps 1 and 2 reads broken (review A
			// W8).
			s = stepMarker.ReplaceAllString(s, "")
		}
		if r := []rune(s); len(r) > 0 && unicode.IsLower(r[0]) {
			s = string(unicode.ToUpper(r[0])) + string(r[1:])
		}
		said = append(said, s)
		if len(said) == maxDurationUnits {
			break
		}
	}
	var b strings.Builder
	for _, s := range said {
		if b.Len() > 0 && !endsCJK(b.String()) {
			b.WriteString(" ")
		}
		b.WriteString(s)
	}
	return b.String()
}

// stepMarker is the number a numbered step starts with ("3. ", "2) ").
var stepMarker = regexp.MustCompile(`^\d+[.)]\s*`)

// "how much for a day?" right after the hire answer asks what that answer
// charges, though alone it is about nothing (QA walk 2026-12-06 09:05,
// item 10): a short question for a price continues the last answer when
// that answer gives prices (priceIn).
var (
	priceAsks = []string{"how much", "what does it cost", "what do you charge", "price", "多少钱", "什么价", "价格", "价钱", "收费", "얼마", "가격", "요금"}
	// A price is a currency sign before a number or a currency word after
	// one ("£45", "$5.99", "30元", "5,000원", "20 USD"), with ASCII
	// whitespace between or none (priceIn).
	priceSigns = []string{"£", "$", "€", "¥", "₩"}
	// priceWords' ASCII words match in any case; "dollar" covers
	// "dollars", "eur" "euro(s)". Only a word's start is looked at.
	priceUnits = []string{"元", "块", "원", "dollar", "pound", "eur", "usd", "gbp", "美元", "美金", "英镑", "欧元", "달러", "파운드", "유로"}
)

// asksPrice reports whether msg asks how much something costs.
func asksPrice(msg string) bool { return containsAny(text.Normalize(msg), priceAsks) }

// asksCost reports whether msg asks what something costs, in the ways
// to ask (asksPrice) or by a word the lexicon reads as a price or cost
// ("运费多少", "배송비는요": shipping cost, as "how much" is a price).
func asksCost(msg string, lex *text.Lexicon) bool {
	return asksPrice(msg) || readsAs(msg, lex, "cost", content.HeadPrice)
}

// readsAs reports whether the lexicon reads a word of msg as one of
// terms (a word or a concept, text.ConceptPrefix and its name).
func readsAs(msg string, lex *text.Lexicon, terms ...string) bool {
	return lex.Reads(text.Tokenize(msg), terms...)
}

// priceWords is msg without its ways to ask for a price and, in Chinese
// and Korean, without the fillers such a question may have besides.
func priceWords(msg string) string {
	s := text.Normalize(msg)
	for _, a := range priceAsks {
		s = strings.ReplaceAll(s, a, " ")
	}
	if hasScript(s, unicode.Han) || hasScript(s, unicode.Hangul) {
		for _, f := range slices.Concat(priceFillZh, priceFillKo) {
			s = strings.ReplaceAll(s, f, " ")
		}
	}
	return s
}

// Words a Chinese or Korean question for a price may have besides
// ("一共多少钱", "그럼 얼마예요?"): more than these names a subject of its
// own ("运费多少", "해외 배송비 얼마예요").
var (
	// priceFillEn are the verbs and words a question for a price may have
	// besides "how much" ("how much would that cost?", "how much will it
	// be in total?"): read as naming nothing of their own only when the
	// question is not sure of an entry by itself (walk4 2026-12-07: "how
	// much would that cost" after shipping times was a guess), since
	// "how much does express delivery cost?" is the shipping costs'.
	priceFillEn = map[string]bool{"cost": true, "costs": true, "costing": true, "charge": true, "charges": true, "pay": true, "total": true, "altogether": true, "roughly": true, "about": true}
	priceFillZh = []string{"一共", "总共", "大概", "这个", "那个", "要", "是", "的", "呢", "吗", "啊", "呀", "那", "请问"}
	priceFillKo = []string{"그럼", "그거", "이거", "그건", "이건", "대략", "정도", "예요", "이에요", "에요", "인가요", "인데요", "해요", "하나요", "나요", "요"}
)

// onlyWordsOf reports whether every word of words is one an answer uses
// (function words aside): "for a day" of the hire answer's "£45 a day".
// Chinese and Korean words, whose fillers priceWords took off, are never
// read as the answer's.
func onlyWordsOf(words, answer string) bool {
	for _, w := range strings.FieldsFunc(words, notAWordSplit) {
		if hasScript(w, unicode.Han) || hasScript(w, unicode.Hangul) {
			return false
		}
		if !text.IsStopWord(w) && !durationFillEn[w] && !strings.Contains(text.Normalize(answer), w) {
			return false
		}
	}
	return true
}

// withoutPriceFill is words without priceFillEn's.
func withoutPriceFill(words string) string {
	return strings.Join(slices.DeleteFunc(strings.FieldsFunc(words, notAWordSplit), func(w string) bool { return priceFillEn[w] }), " ")
}

// priceIn reports whether an answer gives a price: a digit with a
// currency sign before it or a currency word after it (priceSigns,
// priceUnits), ASCII whitespace between. A scan from each digit, not a
// regular expression over the lower-cased answer: it runs on whole
// answers several times a turn, and the expression, without a literal to
// skip ahead to, stepped through every byte of each (callgrind: about
// 13K instructions a message in the webhook benchmark, issue 11).
func priceIn(answer string) bool {
	for i := 0; i < len(answer); {
		if !isDigitByte(answer[i]) {
			i++
			continue
		}
		// A run of digits: only its first can follow a sign and only its
		// last precede a word (inside, digits are each other's neighbours).
		j := i + 1
		for j < len(answer) && isDigitByte(answer[j]) {
			j++
		}
		before := i
		for before > 0 && isASCIISpace(answer[before-1]) {
			before--
		}
		for _, sign := range priceSigns {
			if strings.HasSuffix(answer[:before], sign) {
				return true
			}
		}
		after := j
		for after < len(answer) && isASCIISpace(answer[after]) {
			after++
		}
		for _, unit := range priceUnits {
			if len(answer)-after >= len(unit) && strings.EqualFold(answer[after:after+len(unit)], unit) {
				return true
			}
		}
		i = j
	}
	return false
}

// isASCIISpace reports whether c is what a regular expression's \s
// matches.
func isASCIISpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// prices are the sentences of p that give a price, at most
// maxDurationUnits, the ones sharing the most telling words first.
func (p passage) prices(words map[string]bool, f *docFreq) string {
	return p.saying(priceIn, words, f)
}
