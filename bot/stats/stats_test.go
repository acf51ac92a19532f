package stats_test

import (
	"context"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/stats"
)

var (
	day0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	lia  = lifecycle.Agent{ID: "ULIA", Name: "Lia"}
	mina = lifecycle.Agent{ID: "UMINA", Name: "Mina"}
)

func recorder(t *testing.T, now time.Time) (*stats.Recorder, *session.Store) {
	db := sessiontest.DB(t)
	st := session.New(db)
	return stats.New(db, stats.WithClock(func() time.Time { return now })), st
}

// run plays a conversation through the lifecycle the way the core does,
// handing every event to the recorder.
type run struct {
	t   *testing.T
	rec *stats.Recorder
	s   *session.Session
}

func (r *run) emit(evs ...lifecycle.Event) {
	for _, ev := range evs {
		r.rec.Observe(context.Background(), r.s, ev)
	}
}

func conversation(t *testing.T, rec *stats.Recorder, id, lang string, at time.Time) *run {
	r := &run{t: t, rec: rec, s: &session.Session{ID: id, Lang: lang, Mode: session.ModeBot}}
	r.emit(lifecycle.Started{Base: lifecycle.Base{Conv: id, Lang: lang, At: at}, Channel: "telegram"})
	return r
}

func (r *run) handoff(reason string, at time.Time) {
	st := lifecycle.OpenHandoff(r.s, reason, nil, nil, "", true, at, at)
	r.emit(st.Events...)
}

func (r *run) step(st lifecycle.Step, err error) {
	r.t.Helper()
	if err != nil {
		r.t.Fatal(err)
	}
	r.emit(st.Events...)
}

func TestReportAddsUpTheLifecycle(t *testing.T) {
	now := day0.Add(48 * time.Hour)
	rec, _ := recorder(t, now)

	// Day 0: Lia resolves a complaint in English after 2 minutes' wait, rated 5.
	a := conversation(t, rec, "telegram:1", "en", day0)
	a.handoff("complaint", day0.Add(time.Minute))
	a.emit(lifecycle.Reply(a.s, lia, day0.Add(3*time.Minute)).Events...)
	a.step(lifecycle.Resolve(a.s, lia, day0.Add(21*time.Minute)))
	a.emit(lifecycle.Rate(a.s, 5, day0.Add(22*time.Minute)))

	// Day 1: a Chinese conversation moves to payments, Mina resolves it, rated 2.
	day1 := day0.Add(24 * time.Hour)
	b := conversation(t, rec, "telegram:2", "zh", day1)
	b.handoff("explicit", day1)
	b.step(lifecycle.Claim(b.s, lia, day1.Add(time.Minute)))
	b.step(lifecycle.Transfer(b.s, "payments", lia, day1.Add(2*time.Minute), time.Time{}))
	b.emit(lifecycle.Reply(b.s, mina, day1.Add(5*time.Minute)).Events...)
	b.step(lifecycle.Resolve(b.s, mina, day1.Add(65*time.Minute)))
	b.emit(lifecycle.Rate(b.s, 2, day1.Add(66*time.Minute)))

	// Day 2 (today): one answered, one missed and rated the bot 4; one waiting.
	c := conversation(t, rec, "telegram:3", "ko", now)
	c.emit(lifecycle.Answered{Base: lifecycle.Base{Conv: "telegram:3", Lang: "ko", At: now}, Entry: "shipping/times"})
	c.emit(lifecycle.Missed{Base: lifecycle.Base{Conv: "telegram:3", Lang: "ko", At: now}, Text: "call me on +1 555 123 4567 about my refund"})
	c.emit(lifecycle.Rate(c.s, 4, now))
	d := conversation(t, rec, "telegram:4", "en", now)
	d.handoff("explicit", now)

	rep, err := rec.Report(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	all := rep.All
	if all.Conversations != 4 || all.Handoffs != 3 || all.Reasons["explicit"] != 2 || all.Reasons["complaint"] != 1 || all.Complaints != 1 {
		t.Errorf("counts %+v", all)
	}
	if got := all.Containment(); got != 0.25 {
		t.Errorf("containment %v, want 0.25", got)
	}
	if csat, n := all.CSAT(); n != 2 || csat != 3.5 {
		t.Errorf("CSAT %v over %d, want 3.5 over 2", csat, n)
	}
	if bot, n := all.BotCSAT(); n != 1 || bot != 4 {
		t.Errorf("bot CSAT %v over %d", bot, n)
	}
	// First replies: 2 min (Lia) and 5 min (Mina); resolutions 20 and 65 min.
	if all.FirstReply.Count != 2 || all.FirstReply.Mean() != 210*time.Second {
		t.Errorf("first reply %+v mean %v", all.FirstReply, all.FirstReply.Mean())
	}
	if all.Resolution.Mean() != 42*time.Minute+30*time.Second || all.Resolved != 2 {
		t.Errorf("resolution %+v", all.Resolution)
	}
	if all.FirstTeam != 1 || all.FirstTeamRate() != 0.5 || all.TransfersOut != 1 {
		t.Errorf("first-team resolution %d rate %v transfers %d", all.FirstTeam, all.FirstTeamRate(), all.TransfersOut)
	}
	if p := rep.Teams["payments"]; p.TransfersIn != 1 || p.Resolved != 1 {
		t.Errorf("payments team %+v", p)
	}
	if l := rep.Agents["ULIA"]; l.Resolved != 1 || l.AgentRatings[5] != 1 || l.FirstReply.Count != 1 || l.Claim.Count != 2 {
		t.Errorf("Lia %+v", l)
	}
	if m := rep.Agents["UMINA"]; m.Resolved != 1 || m.AgentRatings[2] != 1 || rep.AgentNames["UMINA"] != "Mina" {
		t.Errorf("Mina %+v", m)
	}
	if zh := rep.Langs["zh"]; zh.Conversations != 1 || zh.Handoffs != 1 || zh.AgentRatings[2] != 1 {
		t.Errorf("zh %+v", zh)
	}
	if len(rep.Days) != 7 || rep.Days[6].Date != "2026-12-03" || rep.Days[4].Handoffs != 1 || rep.Days[6].Conversations != 2 {
		t.Errorf("days %+v", rep.Days)
	}

	// Today only.
	today, err := rec.Report(context.Background(), 1)
	if err != nil || today.All.Conversations != 2 || today.All.Handoffs != 1 {
		t.Errorf("today %+v %v", today.All, err)
	}

	// The queue now: one waiting; nobody with an agent.
	waiting, working, err := rec.Queue(context.Background(), 50)
	if err != nil || len(waiting) != 1 || waiting[0].Conv != "telegram:4" || len(working) != 0 {
		t.Errorf("queue %+v %+v %v", waiting, working, err)
	}

	// The miss is kept for the gaps, masked.
	misses, _, err := rec.Samples(context.Background(), 7, 100)
	if err != nil || len(misses) != 1 || misses[0].Text != "call me on [phone] about my refund" || misses[0].Lang != "ko" {
		t.Errorf("misses %+v %v", misses, err)
	}
	hs, err := rec.Handoffs(context.Background(), 10)
	if err != nil || len(hs) != 3 || hs[0].Conv != "telegram:4" {
		t.Errorf("handoffs %+v %v", hs, err)
	}
}

func TestQueueFollowsClaims(t *testing.T) {
	rec, _ := recorder(t, day0)
	a := conversation(t, rec, "telegram:1", "en", day0)
	a.handoff("explicit", day0)
	a.step(lifecycle.Claim(a.s, lia, day0.Add(time.Minute)))
	waiting, working, _ := rec.Queue(context.Background(), 10)
	if len(waiting) != 0 || len(working) != 1 || !working[0].Since.Equal(day0.Add(time.Minute)) {
		t.Errorf("after claim: %+v %+v", waiting, working)
	}
	a.step(lifecycle.Return(a.s, lia, day0.Add(2*time.Minute)))
	waiting, working, _ = rec.Queue(context.Background(), 10)
	if len(waiting)+len(working) != 0 {
		t.Errorf("after return: %+v %+v", waiting, working)
	}
}

func TestOldDaysExpire(t *testing.T) {
	db := sessiontest.DB(t)
	rec := stats.New(db, stats.WithRetention(48*time.Hour), stats.WithClock(func() time.Time { return day0 }))
	conversation(t, rec, "telegram:1", "en", day0)
	ttl, err := db.Client.TTL(context.Background(), db.Keys.StatsDay("2026-12-01")).Result()
	if err != nil || ttl <= 48*time.Hour || ttl > 72*time.Hour {
		t.Errorf("day key TTL %v (%v), want the retention plus a day", ttl, err)
	}
	// A report never reads beyond the retention.
	rep, err := rec.Report(context.Background(), 30)
	if err != nil || len(rep.Days) != 2 {
		t.Errorf("report over 30 days with 2 days kept: %d days, %v", len(rep.Days), err)
	}
}

// A claim whose wait is whole seconds, on a day whose claim waits already
// add up to a fraction, still moves its conversation from the queue to the
// working list. The day's sum of waits holds "1.5" after the first claim;
// the second claim's 2 s must be added as a float too (HINCRBY fails on a
// field holding a fraction, and in the one-script write that failure used
// to drop the rest of the claim: the conversation stayed "waiting" on the
// ops page while an agent worked on it).
func TestWholeSecondWaitAfterAFractionalOneStillCountsTheClaim(t *testing.T) {
	rec, _ := recorder(t, day0)
	a := conversation(t, rec, "telegram:1", "en", day0)
	a.handoff("explicit", day0)
	a.step(lifecycle.Claim(a.s, lia, day0.Add(1500*time.Millisecond)))
	b := conversation(t, rec, "telegram:2", "en", day0)
	b.handoff("explicit", day0)
	b.step(lifecycle.Claim(b.s, mina, day0.Add(2*time.Second)))

	waiting, working, err := rec.Queue(context.Background(), 10)
	if err != nil || len(waiting) != 0 || len(working) != 2 {
		t.Fatalf("after two claims: waiting %+v, working %+v (%v); want none waiting, both working", waiting, working, err)
	}
	rep, err := rec.Report(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.All.Claim; c.Count != 2 || c.Sum != 3500*time.Millisecond {
		t.Errorf("claim waits %+v, want 2 adding up to 3.5 s", c)
	}
	if c := rep.Agents[mina.ID].Claim; c.Count != 1 || c.Sum != 2*time.Second {
		t.Errorf("Mina's claim wait %+v, want 1 of 2 s", c)
	}
}

// One write of a turn that Redis refuses (here the agents' names hash is
// a string) does not cost the turn its other writes: the claim still moves
// the conversation to the working list and counts its wait.
func TestAFailingWriteDoesNotDropTheOthers(t *testing.T) {
	db := sessiontest.DB(t)
	rec := stats.New(db, stats.WithClock(func() time.Time { return day0 }))
	if err := db.Client.Set(context.Background(), db.Keys.StatsAgents(), "not a hash", 0).Err(); err != nil {
		t.Fatal(err)
	}
	a := conversation(t, rec, "telegram:1", "en", day0)
	a.handoff("explicit", day0)
	a.step(lifecycle.Claim(a.s, lia, day0.Add(time.Minute)))
	waiting, working, err := rec.Queue(context.Background(), 10)
	if err != nil || len(waiting) != 0 || len(working) != 1 {
		t.Fatalf("after the claim: waiting %+v, working %+v (%v); want it working", waiting, working, err)
	}
	// The report reads the names hash too: drop the broken one first.
	if err := db.Client.Del(context.Background(), db.Keys.StatsAgents()).Err(); err != nil {
		t.Fatal(err)
	}
	rep, err := rec.Report(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.All.Claim; c.Count != 1 || c.Sum != time.Minute {
		t.Errorf("claim waits %+v, want 1 of a minute", c)
	}
}
