// Package hours parses BATON_HOURS, the agent team's opening hours, and
// answers whether the team is in at a given moment and when it is next in.
//
// A spec is one or more ranges separated by "," or ";":
//
//	Mon-Fri 09:00-18:00 Asia/Seoul
//	Mon-Fri 09:00-18:00, Sat 10:00-14:00 Europe/Berlin
//	Mon-Sat 10:00-16:00
//	Fri-Mon 22:00-06:00 UTC
//	09:00-17:00                       (every day)
//
// Each range is an optional day or day span (Mon..Sun, full names too, a
// span may wrap the week: Fri-Mon), a time span HH:MM-HH:MM (an end before
// the start runs past midnight into the next day; 24:00 is the end of the
// day), and an optional IANA time zone. A range without a zone uses the zone
// named by the last range that names one, so a zone written once at the end
// applies to the whole spec; with no zone at all the hours are in UTC.
//
// The empty spec means always staffed and parses to a nil *Hours; every
// method treats a nil *Hours as always open.
package hours

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zone names work even on images without /usr/share/zoneinfo
)

// Hours is a parsed opening-hours spec. It is immutable and safe for
// concurrent use.
type Hours struct {
	spec   string
	ranges []span
	loc    *time.Location // the spec's zone: the last one named, else UTC
}

// span is one range: the weekdays it starts on and its minutes of the day.
type span struct {
	days       [7]bool // indexed by time.Weekday
	start, end int     // minutes since midnight; end <= start means it ends the next day
	loc        *time.Location
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday,
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
}

// Parse reads a spec (see the package comment). Errors say which range and
// which word is wrong and what was expected, for example
// `hours "Mon-Fry 09:00-18:00": range 1: unknown day "Fry" (want Mon, Tue, Wed, Thu, Fri, Sat or Sun)`.
func Parse(spec string) (*Hours, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, nil
	}
	parts := strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ';' })
	if n := strings.Count(spec, ",") + strings.Count(spec, ";") + 1; len(parts) != n {
		return nil, fmt.Errorf("hours %q: empty range between separators (ranges are separated by \",\" or \";\")", spec)
	}
	h := &Hours{spec: spec}
	named := make([]bool, len(parts))
	var last *time.Location
	for i, p := range parts {
		sp, hasZone, err := parseRange(strings.TrimSpace(p))
		if err != nil {
			if len(parts) == 1 {
				return nil, fmt.Errorf("hours %q: %w", spec, err)
			}
			return nil, fmt.Errorf("hours %q: range %d (%q): %w", spec, i+1, strings.TrimSpace(p), err)
		}
		if hasZone {
			last = sp.loc
		}
		named[i] = hasZone
		h.ranges = append(h.ranges, sp)
	}
	if last == nil {
		last = time.UTC
	}
	h.loc = last
	for i := range h.ranges {
		if !named[i] {
			h.ranges[i].loc = last
		}
	}
	return h, nil
}

// MustParse is Parse for specs known at compile time (tests, defaults);
// it panics on a bad spec.
func MustParse(spec string) *Hours {
	h, err := Parse(spec)
	if err != nil {
		panic(err)
	}
	return h
}

func parseRange(p string) (span, bool, error) {
	f := strings.Fields(p)
	if len(f) == 0 {
		return span{}, false, fmt.Errorf("empty range")
	}
	var sp span
	i := 0
	if !startsWithDigit(f[0]) {
		if err := sp.parseDays(f[0]); err != nil {
			return span{}, false, err
		}
		i++
	} else {
		for d := range sp.days {
			sp.days[d] = true
		}
	}
	if i >= len(f) {
		return span{}, false, fmt.Errorf("missing time span after %q (want HH:MM-HH:MM, for example 09:00-18:00)", f[0])
	}
	if err := sp.parseTimes(f[i]); err != nil {
		return span{}, false, err
	}
	i++
	hasZone := false
	switch rest := f[i:]; len(rest) {
	case 0:
	case 1:
		loc, err := loadZone(rest[0])
		if err != nil {
			return span{}, false, err
		}
		sp.loc, hasZone = loc, true
	default:
		return span{}, false, fmt.Errorf("unexpected %q after the time zone %q (separate ranges with \",\" or \";\")", strings.Join(rest[1:], " "), rest[0])
	}
	return sp, hasZone, nil
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func loadZone(name string) (*time.Location, error) {
	switch strings.ToUpper(name) {
	case "UTC", "GMT", "Z":
		return time.UTC, nil
	}
	// "Local" would make the hours depend on the server's TZ setting, the
	// very thing a zone in the spec is there to avoid.
	if strings.EqualFold(name, "local") || strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("time zone %q is not allowed; name an IANA zone such as Asia/Seoul or UTC", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q (want an IANA name such as Asia/Seoul, Europe/Berlin or UTC)", name)
	}
	return loc, nil
}

func (sp *span) parseDays(s string) error {
	from, to, isSpan := strings.Cut(s, "-")
	a, err := day(from)
	if err != nil {
		return err
	}
	b := a
	if isSpan {
		if b, err = day(to); err != nil {
			return err
		}
	}
	// Walk forward from a to b, wrapping past Sunday: Fri-Mon is Fri, Sat,
	// Sun, Mon. A span from a day to itself is that one day.
	for d := a; ; d = (d + 1) % 7 {
		sp.days[d] = true
		if d == b {
			break
		}
	}
	return nil
}

func day(s string) (time.Weekday, error) {
	if d, ok := dayNames[strings.ToLower(s)]; ok {
		return d, nil
	}
	if s == "" {
		return 0, fmt.Errorf("missing day in day span (want for example Mon-Fri)")
	}
	return 0, fmt.Errorf("unknown day %q (want Mon, Tue, Wed, Thu, Fri, Sat or Sun)", s)
}

func (sp *span) parseTimes(s string) error {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return fmt.Errorf("time span %q must be HH:MM-HH:MM, for example 09:00-18:00", s)
	}
	var err error
	if sp.start, err = clock(from, false); err != nil {
		return fmt.Errorf("time span %q: start %w", s, err)
	}
	if sp.end, err = clock(to, true); err != nil {
		return fmt.Errorf("time span %q: end %w", s, err)
	}
	if sp.start == sp.end {
		return fmt.Errorf("time span %q is empty (start and end are the same; use 00:00-24:00 for the whole day)", s)
	}
	return nil
}

// clock parses H:MM or HH:MM into minutes since midnight; 24:00 only as an end.
func clock(s string, isEnd bool) (int, error) {
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(ms) != 2 || len(hs) < 1 || len(hs) > 2 {
		return 0, fmt.Errorf("%q is not a time of day (want HH:MM)", s)
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q is not a time of day (want HH:MM between 00:00 and 24:00)", s)
	}
	if h == 24 && !isEnd {
		return 0, fmt.Errorf("%q: 24:00 can only end a span", s)
	}
	return h*60 + m, nil
}

// String returns the spec as given ("" for nil: always staffed).
func (h *Hours) String() string {
	if h == nil {
		return ""
	}
	return h.spec
}

// Location is the spec's time zone (the last one it names; UTC when it
// names none): the shop's local time, for saying when the team is back.
// A nil *Hours returns UTC.
func (h *Hours) Location() *time.Location {
	if h == nil || h.loc == nil {
		return time.UTC
	}
	return h.loc
}

// Open reports whether t falls within the hours. A nil *Hours is always open.
func (h *Hours) Open(t time.Time) bool {
	if h == nil {
		return true
	}
	for _, sp := range h.ranges {
		if sp.contains(t) {
			return true
		}
	}
	return false
}

func (sp span) contains(t time.Time) bool {
	lt := t.In(sp.loc)
	wd := lt.Weekday()
	m := lt.Hour()*60 + lt.Minute()
	if sp.start < sp.end {
		return sp.days[wd] && m >= sp.start && m < sp.end
	}
	// Overnight: the evening part belongs to today's range, the early
	// morning part to yesterday's.
	return (sp.days[wd] && m >= sp.start) || (sp.days[(wd+6)%7] && m < sp.end)
}

// NextOpen returns t when the hours are open at t, otherwise the first
// moment after t when they open (in t's location). A nil *Hours returns t.
func (h *Hours) NextOpen(t time.Time) time.Time {
	if h == nil || h.Open(t) {
		return t
	}
	var best time.Time
	for _, sp := range h.ranges {
		if n, ok := sp.nextStart(t); ok && (best.IsZero() || n.Before(best)) {
			best = n
		}
	}
	if best.IsZero() {
		// Unreachable with a parsed spec (every range has a day); stay
		// honest rather than invent a time.
		return t
	}
	return best.In(t.Location())
}

// nextStart is the first start of this range strictly after t.
func (sp span) nextStart(t time.Time) (time.Time, bool) {
	lt := t.In(sp.loc)
	y, mo, d := lt.Date()
	// Eight days covers every weekday once more even when today's start
	// has already passed.
	for i := 0; i <= 8; i++ {
		day := time.Date(y, mo, d+i, 0, 0, 0, 0, sp.loc)
		if !sp.days[day.Weekday()] {
			continue
		}
		start := time.Date(y, mo, d+i, sp.start/60, sp.start%60, 0, 0, sp.loc)
		start = afterGap(start, day, sp.start)
		if start.After(t) {
			return start, true
		}
	}
	return time.Time{}, false
}

// afterGap handles a start that does not exist on the wall clock (it falls
// in a daylight-saving gap, such as 02:30 on a spring-forward night, which
// time.Date may normalise backwards): the range opens when the clock first
// shows the start time or later that day, the moment of the jump.
func afterGap(start, day time.Time, minute int) time.Time {
	wall := func(t time.Time) int { return t.Hour()*60 + t.Minute() }
	if wall(start) == minute {
		return start
	}
	c := start.Truncate(time.Minute)
	// Gaps are at most a couple of hours; stop well after that.
	for range 6 * 60 {
		if c.YearDay() != day.YearDay() || wall(c) >= minute {
			return c
		}
		c = c.Add(time.Minute)
	}
	return start
}
