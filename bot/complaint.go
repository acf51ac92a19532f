package bot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A formal complaint names what it is about ("I want to file a formal
// complaint about the courier who threw my parcel over the fence"). The
// handoff keeps it: the customer hears it was noted, in their own words,
// and the agent's card says it under Why, before the transcript (QA walk
// 2026-12-06: the reply and the card said only "complaint").

var complaintAbout = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\bcomplain(?:t|ts|ing)?\s+(?:about|regarding|concerning|over|against|re:?)\s+([^.!?\n]+)`),
	regexp.MustCompile(`(?i)\bcomplaint\s*:\s*([^.!?\n]+)`),
	regexp.MustCompile(`(?i)\b(?:want to|would like to|i'?d like to|need to|have to)\s+(?:make a |file a |lodge a )?(?:formal |official )?complain(?:t)?\s*[,:]\s*([^.!?\n]+)`),
	regexp.MustCompile(`投诉(?:一下)?[，,：:\s]*([^。！？!?\n]+)`),
	regexp.MustCompile(`([^.!?\n]+?)\s*(?:에 대해서?|에 대한|관련해서?|건으로|때문에)\s*(?:항의|불만|컴플레인|민원|신고)`),
	regexp.MustCompile(`(?:항의|컴플레인|민원|불만)[^,，.]*?(?:싶어요|할게요|합니다|해요|하려고요)\s*[,，.]\s*([^.!?\n]+)`),
}

// maxSubjectRunes bounds the subject said back: a longer one is the whole
// story, which the agent reads in the transcript.
const maxSubjectRunes = 90

// complaintSubject is what a complaint says it is about, in the
// customer's words, or "" when it does not say.
func complaintSubject(msg string) string {
	for _, re := range complaintAbout {
		m := re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		s := strings.TrimFunc(m[1], func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' && r != '）'
		})
		if n := utf8.RuneCountInString(s); n < 4 || n > maxSubjectRunes {
			return ""
		}
		return s
	}
	return ""
}

// acknowledgement is an answer's opening sentence that owns the problem
// ("That's not how it should arrive, and we'll make it right.",
// "东西不该是这样送到您手上的，我们一定帮您处理好。", "이런 상태로 도착하면
// 안 되는데, 저희가 꼭 해결해 드릴게요."): on its own a warm start, after a
// complaint's apology a second apology in other words.
var acknowledgement = regexp.MustCompile(`^[^.!?。！？\n]*(?i:not how it should|shouldn't have|should not have|不该是这样|不应该是这样|不该这样|도착하면 안 되는데|이러면 안 되는데)[^.!?。！？\n]*[.!?。！？]\s*`)

// dropAcknowledgement removes answer's opening acknowledgement, when it
// has one and more follows.
func dropAcknowledgement(answer string) string {
	loc := acknowledgement.FindStringIndex(answer)
	if loc == nil || strings.TrimSpace(answer[loc[1]:]) == "" {
		return answer
	}
	return answer[loc[1]:]
}
