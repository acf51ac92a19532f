package bot_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session"
)

// stuckDesk is a replica's desk that never returns from the call for one
// kind of event (as if the replica was killed in it): entered is closed
// when the call begins, and it returns once release is closed.
type stuckDesk struct {
	*desk
	stuck            func(lifecycle.Event) bool
	once             sync.Once
	entered, release chan struct{}
}

func (d *stuckDesk) Render(ctx context.Context, s *session.Session, ev lifecycle.Event) error {
	if d.stuck(ev) {
		d.once.Do(func() { close(d.entered) })
		<-d.release
		return errors.New("killed")
	}
	return d.desk.Render(ctx, s, ev)
}

// recorder counts the events the observers see, by type.
type recorder struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *recorder) Observe(_ context.Context, _ *session.Session, ev lifecycle.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	switch ev.(type) {
	case lifecycle.CustomerWroteWhileWaiting:
		r.n["wrote"]++
	case lifecycle.Rated:
		r.n["rated"]++
	case lifecycle.Commented:
		r.n["commented"]++
	}
}

func (r *recorder) count(k string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[k]
}

// An update whose turn was saved by a replica stopped before it handed the
// turn's events to the desk and the observers (review item 2): the replica
// that meets it again hands them on. A message the customer wrote while
// waiting reaches the agents' thread, and a rating reaches the card and
// the statistics.
func TestUpdateMetAgainHandsOnWhatTheTurnOwedTheDesk(t *testing.T) {
	ctx := context.Background()
	lia := bot.Agent{ID: "U1", Name: "Lia Park"}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		ev    bot.Event
		stuck func(lifecycle.Event) bool
		want  string // what the second replica's observers must see once
		check func(t *testing.T, f *fixture)
	}{{
		name: "message while waiting",
		setup: func(t *testing.T, f *fixture) {
			f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
		},
		ev: bot.Event{ID: "901", Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "my order number is 4711"},
		stuck: func(ev lifecycle.Event) bool {
			_, ok := ev.(lifecycle.CustomerWroteWhileWaiting)
			return ok
		},
		want: "wrote",
		check: func(t *testing.T, f *fixture) {
			f.desk.mu.Lock()
			defer f.desk.mu.Unlock()
			if len(f.desk.relayed) != 1 || f.desk.relayed[0].Text != "my order number is 4711" {
				t.Errorf("relayed to the agents' thread %+v, want the message once", f.desk.relayed)
			}
		},
	}, {
		name: "rating the agent",
		setup: func(t *testing.T, f *fixture) {
			f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
			conv := bot.ConvID("test", "c1")
			if err := f.bot.Claim(ctx, conv, lia); err != nil {
				t.Fatal(err)
			}
			if err := f.bot.Resolve(ctx, conv, lia); err != nil {
				t.Fatal(err)
			}
		},
		ev: bot.Event{ID: "902", Channel: "test", ChatID: "c1", Kind: bot.KindRating, Text: "4"},
		stuck: func(ev lifecycle.Event) bool {
			_, ok := ev.(lifecycle.Rated)
			return ok
		},
		want: "rated",
		check: func(t *testing.T, f *fixture) {
			f.desk.mu.Lock()
			defer f.desk.mu.Unlock()
			if f.desk.rating != 4 || f.desk.changes[len(f.desk.changes)-1] != "rated" {
				t.Errorf("desk changes %v, rating %d; want the agent's 4 stars on the card", f.desk.changes, f.desk.rating)
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, true)
			tc.setup(t, f)
			// Replica 1 saves the turn and is stuck in the desk call.
			d1 := &stuckDesk{desk: &desk{}, stuck: tc.stuck, entered: make(chan struct{}), release: make(chan struct{})}
			obs1 := &recorder{}
			r1 := bot.New(f.store, contents(t), bot.WithClock(f.clock.Now), bot.WithLocation(time.UTC), bot.WithDesk(d1), bot.WithObservers(obs1))
			r1.Register("test", f.out)
			done := make(chan error, 1)
			go func() {
				_, err := r1.Handle(ctx, tc.ev)
				done <- err
			}()
			<-d1.entered
			// Replica 2 takes the update over.
			obs2 := &recorder{}
			r2 := bot.New(f.store, contents(t), bot.WithClock(f.clock.Now), bot.WithLocation(time.UTC), bot.WithDesk(f.desk), bot.WithObservers(obs2))
			r2.Register("test", f.out)
			if _, err := r2.Handle(ctx, tc.ev); err != nil {
				t.Fatal(err)
			}
			close(d1.release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			tc.check(t, f)
			if n := obs2.count(tc.want); n != 1 {
				t.Errorf("replica 2's observers saw %d %s events, want 1", n, tc.want)
			}
			// Met a third time, after replica 2 handed them on: nothing
			// more is owed.
			if _, err := r2.Handle(ctx, tc.ev); err != nil {
				t.Fatal(err)
			}
			if n := obs2.count(tc.want); n != 1 {
				t.Errorf("met a third time: %d %s events, want still 1", n, tc.want)
			}
			if s := f.session(t, "c1"); s.Outbox == nil || len(s.Outbox.Owed) != 0 {
				t.Errorf("outbox after the events were handed on: %+v", s.Outbox)
			}
		})
	}
}

// countingObserver counts MessageIn per channel.
type countingObserver struct {
	bot.Observer
	mu sync.Mutex
	in int
}

func (o *countingObserver) MessageIn(string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.in++
}

func (o *countingObserver) Replied(string, int, time.Duration) {}
func (o *countingObserver) Error(string)                       {}

// A message met again is counted in once (review item 6).
func TestUpdateMetAgainCountsTheMessageOnce(t *testing.T) {
	obs := &countingObserver{}
	f := newFixture(t, false, bot.WithObserver(obs))
	ev := bot.Event{ID: "701", Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "How long does shipping take?"}
	for range 2 {
		if _, err := f.bot.Handle(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.in != 1 {
		t.Errorf("messages in: %d, want 1", obs.in)
	}
}

// An agent's long message cut after its first part, not retried: once the
// agent has written something else, or minutes later, the same text again
// is a new message, sent whole and recorded, not the old rest (review
// item 3).
func TestAgentRepeatingAMessageLaterSendsItWhole(t *testing.T) {
	down := errors.New("telegram: sendMessage: giving up after 5 attempts")
	ctx := context.Background()
	lia := bot.Agent{ID: "U1", Name: "Lia Park"}
	conv := bot.ConvID("test", "c1")
	text := "Please reset the router: unplug it, wait ten seconds, plug it back in."
	for _, tc := range []struct {
		name    string
		between func(t *testing.T, f *fixture)
	}{
		{"after another message", func(t *testing.T, f *fixture) {
			if err := f.bot.AgentMessage(ctx, conv, lia, "ok, anything else?"); err != nil {
				t.Fatal(err)
			}
		}},
		{"after the customer wrote", func(t *testing.T, f *fixture) {
			f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "hello?"})
		}},
		{"minutes later", func(t *testing.T, f *fixture) { f.clock.Add(10 * time.Minute) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, true)
			f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
			snd := &scriptedSender{failAt: 2, err: down, partly: true}
			f.bot.Register("test", snd)
			if err := f.bot.AgentMessage(ctx, conv, lia, text); err == nil {
				t.Fatal("AgentMessage partly sent: no error")
			}
			tc.between(t, f)
			before := len(snd.delivered)
			if err := f.bot.AgentMessage(ctx, conv, lia, text); err != nil {
				t.Fatal(err)
			}
			if got := texts(snd.delivered[before:]); len(got) != 1 || got[0] != text {
				t.Errorf("the agent's repeat delivered %q, want the whole text", got)
			}
			n := 0
			for _, tr := range f.session(t, "c1").Turns {
				if tr.Role == "agent" && tr.Text == text {
					n++
				}
			}
			if n != 2 {
				t.Errorf("the text is %d times in the history, want 2 (the repeat is a new message)", n)
			}
		})
	}
}

// A queue reminder cut after its first part, then claimed and moved to
// another team before the timer's retry: "still in the queue" never
// follows "Lia joined", and the new team's reminder is its own (the desk
// is reminded). A check-in cut after its first part, then the customer
// writes (a channel without update ids): the next silence gets its own
// check-in, not the old rest (review item 5).
func TestStaleTimerOutboxIsNotResumed(t *testing.T) {
	down := errors.New("telegram: sendMessage: giving up after 5 attempts")
	ctx := context.Background()
	lia := bot.Agent{ID: "U1", Name: "Lia Park"}
	conv := bot.ConvID("test", "c1")
	t.Run("claimed and transferred", func(t *testing.T) {
		f := newFixture(t, true, bot.WithUnclaimedReminder(3*time.Minute))
		f.send(t, bot.Event{Channel: "test", ChatID: "c1", Kind: bot.KindCommand, Text: "human"})
		snd := &scriptedSender{failAt: 1, err: down, partly: true}
		f.bot.Register("test", snd)
		f.clock.Add(3 * time.Minute)
		if _, err := f.bot.FireTimers(ctx); err == nil {
			t.Fatal("a reminder cut after its first part: no error")
		}
		if err := f.bot.Claim(ctx, conv, lia); err != nil {
			t.Fatal(err)
		}
		team := ""
		for _, id := range contents(t).Current().Routing.IDs() {
			if id != f.session(t, "c1").Handoff.Team {
				team = id
				break
			}
		}
		if err := f.bot.Transfer(ctx, conv, team, lia); err != nil {
			t.Fatal(err)
		}
		before := len(snd.delivered)
		f.clock.Add(session.TimerLease + 3*time.Minute)
		if _, err := f.bot.FireTimers(ctx); err != nil {
			t.Fatal(err)
		}
		got := texts(snd.delivered[before:])
		if len(got) != 1 || got[0] != lastBot(f.session(t, "c1")).Text || lastBot(f.session(t, "c1")).Kind != "queue" {
			t.Errorf("after the transfer the reminder delivered %q, want the new team's whole queue reminder", got)
		}
		reminders := 0
		for _, c := range f.desk.changes {
			if c == "reminder" {
				reminders++
			}
		}
		if reminders != 2 {
			t.Errorf("desk reminders %d, want 2 (one per team)", reminders)
		}
	})
	t.Run("check-in after the customer wrote", func(t *testing.T) {
		f := newFixture(t, false, bot.WithIdle(10*time.Minute, 30*time.Minute))
		f.say(t, "c1", "How long does shipping take?")
		snd := &scriptedSender{failAt: 1, err: down, partly: true}
		f.bot.Register("test", snd)
		f.clock.Add(10 * time.Minute)
		if _, err := f.bot.FireTimers(ctx); err == nil {
			t.Fatal("a check-in cut after its first part: no error")
		}
		f.say(t, "c1", "Can I return a gift?")
		before := len(snd.delivered)
		f.clock.Add(10 * time.Minute)
		if _, err := f.bot.FireTimers(ctx); err != nil {
			t.Fatal(err)
		}
		got := texts(snd.delivered[before:])
		if s := f.session(t, "c1"); len(got) != 1 || got[0] != lastBot(s).Text || lastBot(s).Kind != "nudge" {
			t.Errorf("the next silence delivered %q, want its own whole check-in", got)
		}
	})
}

// statsRecorder keeps the statistics events the observers see.
type statsRecorder struct {
	mu     sync.Mutex
	events []lifecycle.Event
	// stuck, when set, holds the first statistics event's observation
	// until release is closed (a replica killed there): entered is closed
	// when it begins.
	stuck            bool
	once             sync.Once
	entered, release chan struct{}
}

func (r *statsRecorder) Observe(_ context.Context, _ *session.Session, ev lifecycle.Event) {
	switch ev.(type) {
	case lifecycle.Answered, lifecycle.Missed, lifecycle.Picked:
	default:
		return
	}
	if r.stuck {
		r.once.Do(func() {
			close(r.entered)
			<-r.release
		})
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

func (r *statsRecorder) seen() []lifecycle.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]lifecycle.Event(nil), r.events...)
}

// A turn's statistics (an answer, a miss, a picked topic) are owed like
// its desk events: a replica stopped after saving the turn and before its
// observers counted it has them counted by the replica that meets the
// update again, with the same entry, score, flags and words, once (they
// were lost). Met a third time, nothing more is counted.
func TestUpdateMetAgainCountsTheTurnsStatistics(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, false)
	c := contents(t) // one load for all the replicas (a load is the slow part)
	for i, ev := range []bot.Event{
		{ID: "801", Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "How long does shipping take?"},
		{ID: "802", Channel: "test", ChatID: "c1", Kind: bot.KindText, Text: "I have a question about money"},
		{ID: "803", Channel: "test", ChatID: "c1", Kind: bot.KindTopic}, // the first topic offered
	} {
		if ev.Kind == bot.KindTopic {
			s := f.session(t, "c1")
			if s.Outbox == nil || len(s.Outbox.Replies) == 0 {
				t.Fatal("no topics offered")
			}
			rs := s.Outbox.Replies
			for _, b := range rs[len(rs)-1].Buttons {
				if b.Kind == string(bot.KindTopic) {
					ev.Text = b.Value
					break
				}
			}
			if ev.Text == "" {
				t.Fatalf("no topic button after the miss: %+v", rs)
			}
		}
		obs1 := &statsRecorder{stuck: true, entered: make(chan struct{}), release: make(chan struct{})}
		r1 := bot.New(f.store, c, bot.WithClock(f.clock.Now), bot.WithLocation(time.UTC), bot.WithObservers(obs1))
		r1.Register("test", f.out)
		done := make(chan error, 1)
		go func() {
			_, err := r1.Handle(ctx, ev)
			done <- err
		}()
		<-obs1.entered // replica 1 saved the turn and is "killed" before counting it

		obs2 := &statsRecorder{}
		r2 := bot.New(f.store, c, bot.WithClock(f.clock.Now), bot.WithLocation(time.UTC), bot.WithObservers(obs2))
		r2.Register("test", f.out)
		if _, err := r2.Handle(ctx, ev); err != nil {
			t.Fatal(err)
		}
		close(obs1.release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		want, got := obs1.seen(), obs2.seen()
		if len(want) != 1 || len(got) != 1 {
			t.Fatalf("event %d: the stopped replica's turn had %d statistics events, the replica that met it again counted %d; want 1 and 1", i+1, len(want), len(got))
		}
		w, g := want[0], got[0]
		if m, ok := w.(lifecycle.Missed); ok {
			// The text is the update's (the same here: no small talk).
			if gm, ok := g.(lifecycle.Missed); ok && gm.Text != m.Text {
				t.Errorf("missed text %q, want %q", gm.Text, m.Text)
			}
		}
		if g != w {
			t.Errorf("event %d: counted again as %+v, want %+v", i+1, g, w)
		}
		if _, err := r2.Handle(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if n := len(obs2.seen()); n != 1 {
			t.Errorf("event %d met a third time: %d statistics events, want still 1", i+1, n)
		}
	}
}
