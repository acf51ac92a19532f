package telegram

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/batonhq/baton/bot/session"
)

// job is one queued update taken up for answering.
type job struct {
	id        int64
	chat      int64
	upd       *models.Update
	got       time.Time     // when Baton received it (reply latency starts here)
	count     int64         // the chat's messages in the flood window, this one included; 0 when not counted
	recovered bool          // accepted by another replica or an earlier run
	read      *session.Read // the conversation read ahead with the accept, or nil
	token     string        // the chat lease's token the job runs under (its fence)
}

// dispatcher runs one loop per chat with work, chats in parallel (at most
// cap(sem) updates processed at once). A chat's loop (serve) answers the
// chat's Redis queue under its lease; a kick while it runs makes it look
// once more before it ends, so an update queued just as the loop let the
// lease go is never left behind.
type dispatcher struct {
	serve func(chat int64, first *entry)
	sem   chan struct{}

	mu      sync.Mutex
	running map[int64]bool // chat -> kicked again while running
	closed  bool           // kick refuses to start loops
	abandon bool           // loops stop after their current update
	// ahead holds, by chat, the updates this replica queues while the
	// chat's loop runs (reserve) that the loop has not taken up yet
	// (taken): while there are some, the loop reads the conversation
	// ahead with the script that takes the next update up (wantAhead), so
	// its turn starts without a round trip to lock and read it. Only a
	// hint: a wrong one costs a read for nothing, a missing one a lock.
	ahead map[int64][]int64
	wg    sync.WaitGroup

	// Loops run on kept goroutines (keep): a turn runs deep (the core's
	// detectors and templates, the Bot API client), and a new goroutine
	// for every loop started each message on the runtime's small starting
	// stack and copied it several times as it grew (callgrind: 42K of the
	// 1.52M instructions a message through the core, issue 11). A
	// goroutine whose loop ended waits for the next one, its stack grown
	// already; at most cap(sem) of them wait, and they end when the
	// dispatcher closes. Each waits on a channel of its own, buffered, so
	// handing it a loop never blocks and never misses.
	keepMu   sync.Mutex
	waiters  []chan loopStart // the waiting goroutines, the latest last
	keepShut bool             // closed: no goroutine waits any more

	onExit func(chat int64) // tests: called when a chat's loop has ended
	// tests: called when a goroutine whose loop ended starts waiting for
	// the next (true) or ends (false)
	onKeep func(waiting bool)
}

func newDispatcher(workers int, serve func(chat int64, first *entry)) *dispatcher {
	return &dispatcher{serve: serve, sem: make(chan struct{}, workers), running: map[int64]bool{},
		ahead: map[int64][]int64{}}
}

// loopStart is a chat's loop to run (loop's arguments), or, with stop,
// the end of a waiting goroutine.
type loopStart struct {
	chat  int64
	first *entry
	stop  bool
}

// goLoop runs the chat's loop on the goroutine that waited last (its
// stack the most likely still grown), or on a new one when none waits.
func (d *dispatcher) goLoop(chat int64, first *entry) {
	ls := loopStart{chat: chat, first: first}
	d.keepMu.Lock()
	if n := len(d.waiters); n > 0 {
		w := d.waiters[n-1]
		d.waiters = d.waiters[:n-1]
		d.keepMu.Unlock()
		w <- ls
		return
	}
	d.keepMu.Unlock()
	go d.keep(ls)
}

// keep runs loops, ls first, then each one goLoop hands it, until
// cap(sem) goroutines wait already or the dispatcher closes.
func (d *dispatcher) keep(ls loopStart) {
	var next chan loopStart
	for {
		d.loop(ls.chat, ls.first)
		d.keepMu.Lock()
		if d.keepShut || len(d.waiters) >= cap(d.sem) {
			d.keepMu.Unlock()
			d.kept(false)
			return
		}
		if next == nil {
			next = make(chan loopStart, 1)
		}
		d.waiters = append(d.waiters, next)
		d.keepMu.Unlock()
		d.kept(true)
		if ls = <-next; ls.stop {
			d.kept(false)
			return
		}
	}
}

// kept tells the tests' onKeep, when set, what keep did.
func (d *dispatcher) kept(waiting bool) {
	if d.onKeep != nil {
		d.onKeep(waiting)
	}
}

// What kick did.
type kicked int

const (
	kickStarted kicked = iota // a loop started (with first, when given)
	kickRunning               // a loop runs already; it looks once more before it ends
	kickClosed                // the dispatcher is closed; nothing runs
)

// kick makes sure the chat's loop runs, without an update in hand (the
// loop takes the lease and reads the queue itself). recheck makes a loop
// that runs already look at the queue once more before it ends; it must
// be set unless the caller saw the lease held (then its holder takes the
// update before letting the lease go).
func (d *dispatcher) kick(chat int64, recheck bool) kicked { return d.kickFor(chat, 0, recheck) }

// kickFor is kick for update id (0: none), queued on the chat by this
// replica with the chat's lease taken for it: the loop that takes it up
// reads the conversation ahead (wantAhead).
func (d *dispatcher) kickFor(chat, id int64, recheck bool) kicked {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return kickClosed
	}
	d.note(chat, id)
	if again, ok := d.running[chat]; ok {
		d.running[chat] = again || recheck
		return kickRunning
	}
	d.running[chat] = false
	d.wg.Add(1)
	d.goLoop(chat, nil)
	return kickStarted
}

// reserve claims the chat's loop for the caller before its update is
// accepted, when no loop runs: until start or cancel, no other loop of
// this replica can start for the chat (a kick meanwhile only asks for
// another look). That is what makes the update accept hands back (first)
// safe to answer: with the replica's lease taken by accept and no other
// loop of the replica able to run, nobody else can have answered it.
// It reports false when a loop runs already or the dispatcher is closed.
// When a loop runs, update id (about to be queued; 0: none) is noted for
// it to read the conversation ahead with (wantAhead) until taken.
func (d *dispatcher) reserve(chat, id int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	if _, ok := d.running[chat]; ok {
		d.note(chat, id)
		return false
	}
	d.running[chat] = false
	d.wg.Add(1)
	return true
}

// start runs a reserved chat's loop, beginning with first (the chat's
// oldest update, its lease taken by accept) or, when nil, with taking the
// lease.
func (d *dispatcher) start(chat int64, first *entry) { d.goLoop(chat, first) }

// cancel gives a reservation up; a kick that came meanwhile still gets its
// loop.
func (d *dispatcher) cancel(chat int64) {
	d.mu.Lock()
	if !d.running[chat] || d.abandon {
		delete(d.running, chat)
		delete(d.ahead, chat)
		d.mu.Unlock()
		d.wg.Done()
		return
	}
	d.running[chat] = false
	d.mu.Unlock()
	d.goLoop(chat, nil)
}

func (d *dispatcher) loop(chat int64, first *entry) {
	defer d.wg.Done()
	for {
		d.serve(chat, first)
		first = nil
		d.mu.Lock()
		again := d.running[chat] && !d.abandon
		if !again {
			delete(d.running, chat)
			delete(d.ahead, chat)
			d.mu.Unlock()
			if d.onExit != nil {
				d.onExit(chat)
			}
			return
		}
		d.running[chat] = false
		d.mu.Unlock()
	}
}

// note adds update id (0: none) to the chat's ahead list once: Telegram
// may deliver an update again, and a second entry would outlive the one
// taken removes, keeping the loop reading ahead for nothing. d.mu held.
func (d *dispatcher) note(chat, id int64) {
	if id != 0 && !slices.Contains(d.ahead[chat], id) {
		d.ahead[chat] = append(d.ahead[chat], id)
	}
}

// wantAhead reports whether the chat's loop should read the conversation
// ahead with the script it runs next: an update reserve noted is queued
// (or about to be) and not taken up yet, so that script likely hands it
// back.
func (d *dispatcher) wantAhead(chat int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.ahead[chat]) > 0
}

// taken notes that the chat's loop took update id up (or that it was not
// queued after all).
func (d *dispatcher) taken(chat, id int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ids := d.ahead[chat]
	if i := slices.Index(ids, id); i >= 0 {
		ids = slices.Delete(ids, i, i+1)
	}
	if len(ids) == 0 {
		delete(d.ahead, chat)
		return
	}
	d.ahead[chat] = ids
}

// active lists the chats whose loops run (their leases need renewing).
func (d *dispatcher) active() []int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]int64, 0, len(d.running))
	for chat := range d.running {
		out = append(out, chat)
	}
	return out
}

// stopping reports whether loops should stop after their current update.
func (d *dispatcher) stopping() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.abandon
}

// close starts no new loops; running ones finish their chats.
func (d *dispatcher) close() {
	d.mu.Lock()
	d.shut()
	d.mu.Unlock()
}

// shut marks the dispatcher closed and ends its waiting goroutines.
// d.mu held.
func (d *dispatcher) shut() {
	d.closed = true
	d.keepMu.Lock()
	defer d.keepMu.Unlock()
	d.keepShut = true
	for _, w := range d.waiters {
		w <- loopStart{stop: true}
	}
	d.waiters = nil
}

// stop makes loops quit after their current update, leaving the rest
// queued in Redis.
func (d *dispatcher) stop() {
	d.mu.Lock()
	d.shut()
	d.abandon = true
	d.mu.Unlock()
}

// wait blocks until every loop has returned or ctx ends.
func (d *dispatcher) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
