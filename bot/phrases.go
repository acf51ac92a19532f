package bot

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/session"
)

// recordWait keeps how long a customer waited for an agent, so the next
// customer hears a realistic estimate.
func (b *Bot) recordWait(ctx context.Context, d time.Duration) {
	if err := b.store.RecordWait(ctx, d); err != nil {
		b.log.Warn("record wait", "err", err)
	}
}

// waits is the core's own observer: it keeps the time to the first claim
// for the wait the next customer is told.
type waits struct{ b *Bot }

func (w waits) Observe(ctx context.Context, _ *session.Session, ev lifecycle.Event) {
	if c, ok := ev.(lifecycle.Claimed); ok && c.First {
		w.b.recordWait(ctx, c.Wait)
	}
}

// typicalWait is the median of recent waits, or the default before any.
func (b *Bot) typicalWait(ctx context.Context) time.Duration {
	waits, err := b.store.RecentWaits(ctx)
	if err != nil || len(waits) < 3 {
		return b.defaultWait
	}
	slices.Sort(waits)
	return waits[len(waits)/2]
}

// phraseWait says a rough waiting time in the customer's language, rounded
// the way a person would say it.
func phraseWait(lang string, d time.Duration) string {
	m := int((d + 30*time.Second) / time.Minute)
	switch {
	case m < 2:
		m = 2
	case m > 10 && m < 60:
		m = (m + 4) / 5 * 5
	}
	if m >= 60 {
		h := (m + 30) / 60
		switch lang {
		case "zh":
			return fmt.Sprintf("%d小时", h)
		case "ko":
			return fmt.Sprintf("%d시간", h)
		}
		if h == 1 {
			return "an hour"
		}
		return fmt.Sprintf("%d hours", h)
	}
	switch lang {
	case "zh":
		return fmt.Sprintf("%d分钟", m)
	case "ko":
		return fmt.Sprintf("%d분", m)
	}
	return fmt.Sprintf("%d minutes", m)
}

var (
	weekdaysZH = []string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}
	weekdaysKO = []string{"일요일", "월요일", "화요일", "수요일", "목요일", "금요일", "토요일"}
)

// phraseWhen says when the team is back: "today at 09:00", "tomorrow at
// 09:00 ET", "Monday at 09:00 KST", in the customer's language, naming
// now's zone (persona.ZoneLabel): the customer may be in another one.
func phraseWhen(lang string, now, at time.Time) string {
	at = at.In(now.Location())
	clock := at.Format("15:04")
	if zone := persona.ZoneLabel(now.Location()); zone != "" {
		clock += " " + zone
	}
	y1, m1, d1 := now.Date()
	day0 := time.Date(y1, m1, d1, 0, 0, 0, 0, now.Location())
	days := int(at.Sub(day0).Hours() / 24)
	switch lang {
	case "zh":
		switch days {
		case 0:
			return "今天 " + clock
		case 1:
			return "明天 " + clock
		}
		return weekdaysZH[at.Weekday()] + " " + clock
	case "ko":
		switch days {
		case 0:
			return "오늘 " + clock
		case 1:
			return "내일 " + clock
		}
		return weekdaysKO[at.Weekday()] + " " + clock
	}
	switch days {
	case 0:
		return "today at " + clock
	case 1:
		return "tomorrow at " + clock
	}
	return at.Weekday().String() + " at " + clock
}
