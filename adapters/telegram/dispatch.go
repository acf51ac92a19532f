package telegram

import (
	"context"
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
	wg      sync.WaitGroup

	onExit func(chat int64) // tests: called when a chat's loop has ended
}

func newDispatcher(workers int, serve func(chat int64, first *entry)) *dispatcher {
	return &dispatcher{serve: serve, sem: make(chan struct{}, workers), running: map[int64]bool{}}
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
func (d *dispatcher) kick(chat int64, recheck bool) kicked {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return kickClosed
	}
	if again, ok := d.running[chat]; ok {
		d.running[chat] = again || recheck
		return kickRunning
	}
	d.running[chat] = false
	d.wg.Add(1)
	go d.loop(chat, nil)
	return kickStarted
}

// reserve claims the chat's loop for the caller before its update is
// accepted, when no loop runs: until start or cancel, no other loop of
// this replica can start for the chat (a kick meanwhile only asks for
// another look). That is what makes the update accept hands back (first)
// safe to answer: with the replica's lease taken by accept and no other
// loop of the replica able to run, nobody else can have answered it.
// It reports false when a loop runs already or the dispatcher is closed.
func (d *dispatcher) reserve(chat int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	if _, ok := d.running[chat]; ok {
		return false
	}
	d.running[chat] = false
	d.wg.Add(1)
	return true
}

// start runs a reserved chat's loop, beginning with first (the chat's
// oldest update, its lease taken by accept) or, when nil, with taking the
// lease.
func (d *dispatcher) start(chat int64, first *entry) { go d.loop(chat, first) }

// cancel gives a reservation up; a kick that came meanwhile still gets its
// loop.
func (d *dispatcher) cancel(chat int64) {
	d.mu.Lock()
	if !d.running[chat] || d.abandon {
		delete(d.running, chat)
		d.mu.Unlock()
		d.wg.Done()
		return
	}
	d.running[chat] = false
	d.mu.Unlock()
	go d.loop(chat, nil)
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
	d.closed = true
	d.mu.Unlock()
}

// stop makes loops quit after their current update, leaving the rest
// queued in Redis.
func (d *dispatcher) stop() {
	d.mu.Lock()
	d.closed, d.abandon = true, true
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
