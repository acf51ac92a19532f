// Package logmask makes customer text safe to log: e-mail addresses, phone
// numbers, card numbers and the name a customer introduces themselves
// with ("I'm Sarah", "我叫李明") are replaced by placeholders, and the text is cut
// to a short excerpt. Logs are for finding problems, not for keeping what
// customers said; the session store is the only place that keeps that.
package logmask

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxRunes is how much of a customer's text Mask keeps.
const MaxRunes = 80

// Placeholders that replace personal data.
const (
	Email  = "[email]"
	Phone  = "[phone]"
	Card   = "[card]"
	Number = "[number]" // a long digit run that is neither a phone nor a card
	Name   = "[name]"   // the name after "my name is", "I'm", "我叫", "제 이름은" ...
)

var (
	emailRe = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}`)
	// digitRunRe finds digits joined by the separators people type in
	// phone and card numbers: "+1 (555) 123-4567", "4111 1111 1111 1111".
	digitRunRe = regexp.MustCompile(`\+?\(?\d(?:[ .\-()]{0,2}\d)+`)
	isoDateRe  = regexp.MustCompile(`^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$`)
	// nameRe finds a name a customer introduces themselves with, in
	// submatch 1: any word after "my name is"; a capitalised one after
	// "I'm", "this is" or "call me" ("I'm waiting", "call me on ..."
	// name no one); two or
	// three Chinese characters after 我叫; a Korean word after 제 이름은,
	// or before (이)라고 해요/합니다. A little over-masking costs ops a word;
	// a name left in a log line is a customer's personal data.
	nameRe = regexp.MustCompile(`(?:(?i:\b(?:my name is|my name's|my name’s|name's)\s+)([\p{L}'’-]+)` +
		`|(?i:\b(?:i'm|i’m|im|i am|this is|call me)\s+)(\p{Lu}[\p{L}'’-]*)` +
		`|(?:我叫|我的名字是|叫我|我姓)\s*(\p{Han}{1,3})` +
		`|(?:제 ?이름은|제 ?이름이|저는|전)\s*(\p{Hangul}+?)(?:이라고|라고|입니다|이에요|예요)` +
		`|(?:제 ?이름은|제 ?이름이)\s*(\p{Hangul}+))`)
	// nameStarts prefilters nameRe: a text with none of these has no
	// introduction, and most log lines have none.
	nameStarts = []string{"name", "call", "m ", "am", "this", "叫", "名字", "我姓", "이름", "저는", "전"}
	// pseudonymRe finds the conversation pseudonyms Pseudonym makes.
	pseudonymRe = regexp.MustCompile(`\bc-[0-9a-f]{12}\b`)
)

// Mask returns s with personal data replaced, white space collapsed and the
// result cut to MaxRunes runes ("…" marks a cut). Masking happens before the
// cut, so a cut never leaves half an address readable.
func Mask(s string) string { return MaskN(s, MaxRunes) }

// MaskN is Mask with a custom length; n <= 0 means no cut.
func MaskN(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = emailRe.ReplaceAllString(s, Email)
	s = maskNames(s)
	s = maskDigitRuns(s)
	s = collapse(s)
	if n > 0 && utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s = strings.TrimRightFunc(string(r[:n]), unicode.IsSpace) + "…"
	}
	return s
}

// maskNames replaces the names customers introduce themselves with.
func maskNames(s string) string {
	lower := strings.ToLower(s)
	if !slices.ContainsFunc(nameStarts, func(w string) bool { return strings.Contains(lower, w) }) {
		return s
	}
	ms := nameRe.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		for g := 1; g < len(m)/2; g++ {
			if m[2*g] >= 0 {
				b.WriteString(s[last:m[2*g]])
				b.WriteString(Name)
				last = m[2*g+1]
				break
			}
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskDigitRuns masks the digit runs of s, except inside conversation
// pseudonyms (an error text that names one): one in ten has seven decimal
// digits in a row, and masking them would lose the conversation.
func maskDigitRuns(s string) string {
	if !strings.Contains(s, pseudonymPrefix) {
		return digitRunRe.ReplaceAllStringFunc(s, maskDigits)
	}
	var b strings.Builder
	last := 0
	for _, m := range pseudonymRe.FindAllStringIndex(s, -1) {
		b.WriteString(digitRunRe.ReplaceAllStringFunc(s[last:m[0]], maskDigits))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(digitRunRe.ReplaceAllStringFunc(s[last:], maskDigits))
	return b.String()
}

// maskDigits decides what a run of digits is. Short runs (order numbers,
// quantities, prices) stay readable: they help ops and identify nobody.
func maskDigits(run string) string {
	digits := 0
	for _, r := range run {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	switch {
	case digits < 7:
		return run
	case isoDateRe.MatchString(strings.TrimPrefix(run, "(")):
		return run
	case digits >= 13 && digits <= 19 && Luhn(run):
		return Card
	case digits <= 15:
		return Phone
	default:
		return Number
	}
}

// Luhn reports whether the digits of s pass the Luhn check every payment
// card number passes; other characters are skipped.
func Luhn(s string) bool {
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// collapse turns every run of white space and control characters into one
// space, so a log line stays one line.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
