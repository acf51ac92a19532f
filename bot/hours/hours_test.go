package hours

import (
	"strings"
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func TestEmptyIsAlwaysOpen(t *testing.T) {
	for _, spec := range []string{"", "   "} {
		h, err := Parse(spec)
		if err != nil || h != nil {
			t.Fatalf("Parse(%q) = %v, %v; want nil, nil", spec, h, err)
		}
		now := time.Date(2025, 1, 5, 3, 0, 0, 0, time.UTC) // a Sunday night
		if !h.Open(now) {
			t.Errorf("nil hours closed at %v", now)
		}
		if got := h.NextOpen(now); !got.Equal(now) {
			t.Errorf("nil NextOpen = %v, want %v", got, now)
		}
		if h.String() != "" {
			t.Errorf("nil String = %q", h.String())
		}
		if h.Location() != time.UTC {
			t.Errorf("nil Location = %v", h.Location())
		}
	}
}

func TestOpen(t *testing.T) {
	seoul := mustLoc(t, "Asia/Seoul")
	berlin := mustLoc(t, "Europe/Berlin")
	// 2025-06-02 is a Monday.
	at := func(loc *time.Location, day, hh, mm int) time.Time {
		return time.Date(2025, 6, day, hh, mm, 0, 0, loc)
	}
	cases := []struct {
		spec string
		t    time.Time
		want bool
	}{
		{"Mon-Fri 09:00-18:00 Asia/Seoul", at(seoul, 2, 9, 0), true},   // opening minute
		{"Mon-Fri 09:00-18:00 Asia/Seoul", at(seoul, 2, 8, 59), false}, // a minute early
		{"Mon-Fri 09:00-18:00 Asia/Seoul", at(seoul, 2, 17, 59), true},
		{"Mon-Fri 09:00-18:00 Asia/Seoul", at(seoul, 2, 18, 0), false}, // end is exclusive
		{"Mon-Fri 09:00-18:00 Asia/Seoul", at(seoul, 7, 12, 0), false}, // Saturday
		{"Mon-Fri 09:00-18:00 Asia/Seoul", at(seoul, 6, 12, 0), true},  // Friday
		// The same instant seen from UTC: 01:00 UTC Monday is 10:00 in Seoul.
		{"Mon-Fri 09:00-18:00 Asia/Seoul", time.Date(2025, 6, 2, 1, 0, 0, 0, time.UTC), true},
		// 23:30 UTC Sunday is already 08:30 Monday in Seoul: closed, and
		// 00:30 UTC Monday is 09:30 Monday in Seoul: open.
		{"Mon-Fri 09:00-18:00 Asia/Seoul", time.Date(2025, 6, 1, 23, 30, 0, 0, time.UTC), false},
		{"Mon-Fri 09:00-18:00 Asia/Seoul", time.Date(2025, 6, 2, 0, 30, 0, 0, time.UTC), true},
		// No zone: UTC.
		{"Mon-Sat 10:00-16:00", time.Date(2025, 6, 7, 15, 59, 0, 0, time.UTC), true},
		{"Mon-Sat 10:00-16:00", time.Date(2025, 6, 8, 12, 0, 0, 0, time.UTC), false}, // Sunday
		// Several ranges, zone once at the end applies to all.
		{"Mon-Fri 09:00-18:00, Sat 10:00-14:00 Europe/Berlin", at(berlin, 7, 13, 0), true},
		{"Mon-Fri 09:00-18:00, Sat 10:00-14:00 Europe/Berlin", at(berlin, 7, 15, 0), false},
		{"Mon-Fri 09:00-18:00; Sat 10:00-14:00 Europe/Berlin", at(berlin, 3, 9, 30), true},
		// Week wrap in the day span: Fri-Mon is Fri, Sat, Sun, Mon.
		{"Fri-Mon 10:00-12:00", time.Date(2025, 6, 8, 11, 0, 0, 0, time.UTC), true},  // Sunday
		{"Fri-Mon 10:00-12:00", time.Date(2025, 6, 4, 11, 0, 0, 0, time.UTC), false}, // Wednesday
		// Overnight span: Friday 22:00 to Saturday 06:00 belongs to Friday.
		{"Fri 22:00-06:00", time.Date(2025, 6, 7, 5, 59, 0, 0, time.UTC), true},  // Saturday early
		{"Fri 22:00-06:00", time.Date(2025, 6, 7, 6, 0, 0, 0, time.UTC), false},  // Saturday 06:00
		{"Fri 22:00-06:00", time.Date(2025, 6, 7, 23, 0, 0, 0, time.UTC), false}, // Saturday night
		{"Fri 22:00-06:00", time.Date(2025, 6, 6, 22, 0, 0, 0, time.UTC), true},
		// Overnight wrapping the week: Sunday night into Monday.
		{"Sun 20:00-02:00", time.Date(2025, 6, 9, 1, 0, 0, 0, time.UTC), true},
		// Every day, full-day end.
		{"09:00-24:00", time.Date(2025, 6, 8, 23, 59, 0, 0, time.UTC), true},
		{"09:00-24:00", time.Date(2025, 6, 8, 0, 0, 0, 0, time.UTC), false},
		// Full day names, any case.
		{"monday-FRIDAY 9:00-17:00 utc", time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC), true},
	}
	for _, c := range cases {
		h, err := Parse(c.spec)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.spec, err)
		}
		if got := h.Open(c.t); got != c.want {
			t.Errorf("Parse(%q).Open(%v) = %v, want %v", c.spec, c.t, got, c.want)
		}
	}
}

func TestNextOpen(t *testing.T) {
	seoul := mustLoc(t, "Asia/Seoul")
	cases := []struct {
		name string
		spec string
		t    time.Time
		want time.Time
	}{
		{"open now returns now", "Mon-Fri 09:00-18:00 Asia/Seoul",
			time.Date(2025, 6, 2, 10, 0, 0, 0, seoul), time.Date(2025, 6, 2, 10, 0, 0, 0, seoul)},
		{"before opening same day", "Mon-Fri 09:00-18:00 Asia/Seoul",
			time.Date(2025, 6, 2, 7, 0, 0, 0, seoul), time.Date(2025, 6, 2, 9, 0, 0, 0, seoul)},
		{"after closing goes to next day", "Mon-Fri 09:00-18:00 Asia/Seoul",
			time.Date(2025, 6, 3, 19, 0, 0, 0, seoul), time.Date(2025, 6, 4, 9, 0, 0, 0, seoul)},
		{"friday evening wraps the week to monday", "Mon-Fri 09:00-18:00 Asia/Seoul",
			time.Date(2025, 6, 6, 18, 0, 0, 0, seoul), time.Date(2025, 6, 9, 9, 0, 0, 0, seoul)},
		{"sunday wraps to monday", "Mon-Fri 09:00-18:00 Asia/Seoul",
			time.Date(2025, 6, 8, 23, 59, 0, 0, seoul), time.Date(2025, 6, 9, 9, 0, 0, 0, seoul)},
		{"result in the caller's location", "Mon-Fri 09:00-18:00 Asia/Seoul",
			time.Date(2025, 6, 6, 12, 0, 0, 0, time.UTC), // Friday 21:00 in Seoul
			time.Date(2025, 6, 9, 0, 0, 0, 0, time.UTC)}, // Monday 09:00 in Seoul
		{"earliest of several ranges", "Mon-Fri 09:00-18:00, Sat 10:00-14:00",
			time.Date(2025, 6, 6, 20, 0, 0, 0, time.UTC), time.Date(2025, 6, 7, 10, 0, 0, 0, time.UTC)},
		{"single day a week, just missed", "Wed 10:00-11:00",
			time.Date(2025, 6, 4, 11, 0, 0, 0, time.UTC), time.Date(2025, 6, 11, 10, 0, 0, 0, time.UTC)},
		{"overnight range opens in the evening", "Fri 22:00-06:00",
			time.Date(2025, 6, 7, 7, 0, 0, 0, time.UTC), time.Date(2025, 6, 13, 22, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := MustParse(c.spec)
			got := h.NextOpen(c.t)
			if !got.Equal(c.want) {
				t.Fatalf("NextOpen(%v) = %v, want %v", c.t, got, c.want)
			}
			if got.Location() != c.t.Location() {
				t.Errorf("NextOpen location = %v, want %v", got.Location(), c.t.Location())
			}
			if !h.Open(got) {
				t.Errorf("not open at NextOpen %v", got)
			}
		})
	}
}

// A zone with daylight saving: the opening time follows the wall clock
// across the change, and an opening that falls into the spring-forward gap
// opens when the clock reaches the hour after it.
func TestLocation(t *testing.T) {
	if loc := MustParse("Mon-Fri 09:00-18:00 Asia/Seoul").Location(); loc.String() != "Asia/Seoul" {
		t.Errorf("Location = %v", loc)
	}
	if loc := MustParse("Mon-Sat 10:00-16:00").Location(); loc != time.UTC {
		t.Errorf("Location without a zone = %v, want UTC", loc)
	}
}

func TestDaylightSaving(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	h := MustParse("Mon-Fri 09:00-17:00 America/New_York")
	// Friday 2025-03-07 18:00 EST -> Monday 2025-03-10 09:00 EDT (clocks moved on Sunday).
	got := h.NextOpen(time.Date(2025, 3, 7, 18, 0, 0, 0, ny))
	want := time.Date(2025, 3, 10, 9, 0, 0, 0, ny)
	if !got.Equal(want) {
		t.Fatalf("NextOpen across spring forward = %v, want %v", got, want)
	}
	if got.UTC().Hour() != 13 { // 09:00 EDT is 13:00 UTC (it was 14:00 UTC in EST)
		t.Errorf("09:00 EDT in UTC = %v", got.UTC())
	}

	gap := MustParse("Sun 02:30-04:00 America/New_York")
	// 2025-03-09 02:30 does not exist in New York: the clock jumps 02:00 -> 03:00.
	got = gap.NextOpen(time.Date(2025, 3, 8, 12, 0, 0, 0, ny))
	if !gap.Open(got) {
		t.Fatalf("gap opening %v is not open", got)
	}
	if got.Before(time.Date(2025, 3, 9, 3, 0, 0, 0, ny)) || got.After(time.Date(2025, 3, 9, 4, 0, 0, 0, ny)) {
		t.Errorf("gap opening %v outside 03:00-04:00 EDT", got)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ spec, want string }{
		{"Mon-Fry 09:00-18:00", `unknown day "Fry"`},
		{"Mon-Fri", `missing time span after "Mon-Fri"`},
		{"Mon-Fri 9-18", `time span "9-18": start "9" is not a time of day`},
		{"Mon-Fri 0900-1800", `start "0900" is not a time of day`},
		{"Mon-Fri 09:00", `time span "09:00" must be HH:MM-HH:MM`},
		{"Mon-Fri 09:00-25:00", `end "25:00" is not a time of day`},
		{"Mon-Fri 09:60-18:00", `start "09:60" is not a time of day`},
		{"Mon-Fri 24:00-18:00", `24:00 can only end a span`},
		{"Mon-Fri 09:00-09:00", `is empty`},
		{"Mon-Fri 09:00-18:00 Asia/Seol", `unknown time zone "Asia/Seol"`},
		{"Mon-Fri 09:00-18:00 Local", `time zone "Local" is not allowed`},
		{"Mon-Fri 09:00-18:00 Asia/Seoul extra", `unexpected "extra"`},
		{"Mon-Fri 09:00-18:00,", `empty range`},
		{"Mon-Fri 09:00-18:00,, Sat 10:00-12:00", `empty range`},
		{"Mon-Fri 09:00-18:00, Sat 10-12", `range 2 ("Sat 10-12")`},
		{"-Fri 09:00-18:00", `missing day`},
	}
	for _, c := range cases {
		h, err := Parse(c.spec)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want error containing %q", c.spec, h, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) error = %q, want it to contain %q", c.spec, err, c.want)
		}
		if !strings.Contains(err.Error(), c.spec) && !strings.Contains(err.Error(), strings.TrimSpace(c.spec)) {
			t.Errorf("Parse(%q) error %q does not quote the spec", c.spec, err)
		}
	}
}

func TestRangeWithOwnZone(t *testing.T) {
	// Each range may carry its own zone; a range without one takes the
	// last named zone.
	h := MustParse("Mon-Fri 09:00-12:00 Asia/Seoul, Mon-Fri 09:00-12:00 Europe/London")
	// Monday 08:00 UTC: 17:00 in Seoul (closed), 09:00 in London (open).
	if !h.Open(time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)) {
		t.Error("London range not open at 09:00 BST")
	}
	// Monday 01:00 UTC: 10:00 in Seoul (open), 02:00 in London.
	if !h.Open(time.Date(2025, 6, 2, 1, 0, 0, 0, time.UTC)) {
		t.Error("Seoul range not open at 10:00 KST")
	}
	if h.Open(time.Date(2025, 6, 2, 5, 0, 0, 0, time.UTC)) {
		t.Error("open at 14:00 KST / 06:00 BST")
	}
	if h.Location().String() != "Europe/London" {
		t.Errorf("Location = %v, want the last zone named", h.Location())
	}
	if h.String() != "Mon-Fri 09:00-12:00 Asia/Seoul, Mon-Fri 09:00-12:00 Europe/London" {
		t.Errorf("String = %q", h.String())
	}
}

func BenchmarkOpen(b *testing.B) {
	h := MustParse("Mon-Fri 09:00-18:00, Sat 10:00-14:00 Asia/Seoul")
	t0 := time.Date(2025, 6, 2, 1, 0, 0, 0, time.UTC)
	for i := 0; b.Loop(); i++ {
		h.Open(t0.Add(time.Duration(i) * time.Minute))
	}
}
