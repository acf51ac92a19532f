package bot

import (
	"regexp"
	"strings"
	"unicode"

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
	durationAsksEn = []string{"how long", "how many days", "how many weeks", "how soon"}
	durationAsksZh = []string{"多久", "几天", "多长时间", "多少天", "多长"}
	durationAsksKo = []string{"얼마나 걸", "며칠", "몇 일", "몇일", "얼마 걸"}
	// durationFill are the words such a question may have besides: the
	// verbs of taking time and fillers ("does it take", "要", "걸려요").
	durationFillEn = map[string]bool{"do": true, "does": true, "did": true, "is": true, "it": true, "its": true, "it's": true, "that": true, "this": true,
		"they": true, "them": true, "the": true, "a": true, "to": true, "for": true, "get": true, "i": true, "me": true, "my": true, "be": true, "take": true, "takes": true, "taking": true, "usually": true, "normally": true, "generally": true, "about": true, "roughly": true, "will": true, "would": true, "last": true, "need": true}
	durationFillZh = []string{"大概", "一般", "通常", "需要", "要", "还", "得", "会", "呢", "啊", "呀", "吗", "左右"}
	durationFillKo = []string{"보통", "대략", "대충", "그럼", "그거", "그건", "이거", "이건", "정도", "걸려요", "걸리나요", "걸리죠", "걸릴까요", "걸려", "걸리는지", "걸리는데요", "걸리는데", "걸리요", "걸립니까", "걸리는", "걸리", "얼마나", "며칠", "요", "이나", "나", "정도요"}
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

// durationIn reports whether an answer speaks of how long something takes.
func durationIn(answer string) bool { return durationPattern.MatchString(answer) }

// durationOfLast reads a question that asks only how long ("how long does
// it take?") with the last question when the last answer speaks of
// durations and the last question, alone or with it, leads to that
// answer's entry, though its own words lead elsewhere (shipping times). It
// reports whether it decided.
func (r reader) durationOfLast(u *understanding, text, topic string) bool {
	if r.last == "" || r.answer == nil || len(u.cands) == 0 || u.cands[0].ID == r.last || !asksOnlyDuration(text) || !durationIn(r.answer(r.last)) {
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
	var said []string
	for _, u := range p.units {
		if !durationIn(u.text) {
			continue
		}
		s := strings.TrimSpace(strings.TrimPrefix(u.text, "- "))
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
