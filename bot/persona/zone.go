package persona

import (
	"strings"
	"time"
	"unicode"
)

// WithZone gives the shop's time zone (BATON_TIMEZONE, else the zone of
// BATON_HOURS): {{hours}} names it, as a customer in another zone cannot
// tell when "9:00 to 18:00" is (review 2026-12-07). It wins over
// persona.yaml's timezone; nil leaves that one.
func WithZone(loc *time.Location) LoadOption {
	return func(o *loadOptions) { o.zone = loc }
}

// ZoneLabel is how a customer is told zone loc: its abbreviation when it
// keeps one all year ("KST", "UTC"), the abbreviation without its
// standard/daylight letter when it switches ("ET" for EST and EDT, "PT"),
// else the zone's IANA name ("Europe/London", whose GMT and BST share
// nothing). "" for the server's own zone (time.Local), which names no
// place.
func ZoneLabel(loc *time.Location) string {
	if loc == nil || loc == time.Local || loc.String() == "Local" {
		return ""
	}
	jan, _ := time.Date(2026, time.January, 15, 12, 0, 0, 0, loc).Zone()
	jul, _ := time.Date(2026, time.July, 15, 12, 0, 0, 0, loc).Zone()
	if !letters(jan) || !letters(jul) {
		return loc.String() // "+08": a number names no zone a customer knows
	}
	if jan == jul {
		return jan
	}
	if len(jan) == len(jul) && len(jan) >= 3 {
		for i := range len(jan) {
			if jan[i] == jul[i] {
				continue
			}
			if pair := string(jan[i]) + string(jul[i]); (pair == "SD" || pair == "DS") && jan[:i] == jul[:i] && jan[i+1:] == jul[i+1:] {
				return jan[:i] + jan[i+1:]
			}
			break
		}
	}
	return loc.String()
}

func letters(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsUpper(r) }) < 0
}

// withZone is hours naming zone: hours that state a time ("9:00 to
// 18:00") and do not name it already get it after them; words without a
// time ("during opening hours") stay as they are.
func withZone(hours, zone string) string {
	if zone == "" || !strings.ContainsFunc(hours, unicode.IsDigit) || strings.Contains(hours, zone) {
		return hours
	}
	return hours + " " + zone
}
