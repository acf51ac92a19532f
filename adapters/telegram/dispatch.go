package telegram

import (
	"context"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// job is one queued update taken up for answering.
type job struct {
	id        int64
	chat      int64
	upd       *models.Update
	got       time.Time // when Baton received it (reply latency starts here)
	count     int64     // the chat's messages in the flood window, this one included; 0 when not counted
	recovered bool      // accepted by another replica or an earlier run
}

// dispatcher runs one loop per chat with work, chats in parallel (at most
// cap(sem) updates processed at once). A chat's loop (serve) answers the
// chat's Redis queue under its lease; a kick while it runs makes it look
// once more before it ends, so an update queued just as the loop let the
// lease go is never left behind.
type dispatcher struct {
	serve func(chat int64)
	sem   chan struct{}

	mu      sync.Mutex
	running map[int64]bool // chat -> kicked again while running
	closed  bool           // kick refuses to start loops
	abandon bool           // loops stop after their current update
	wg      sync.WaitGroup
}

func newDispatcher(workers int, serve func(chat int64)) *dispatcher {
	return &dispatcher{serve: serve, sem: make(chan struct{}, workers), running: map[int64]bool{}}
}

// kick makes sure the chat's loop runs. It reports whether it started one
// (false when one runs already, or the dispatcher is closed).
func (d *dispatcher) kick(chat int64, _ bool) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	if _, ok := d.running[chat]; ok {
		d.running[chat] = true
		return false
	}
	d.running[chat] = false
	d.wg.Add(1)
	go d.loop(chat)
	return true
}

func (d *dispatcher) loop(chat int64) {
	defer d.wg.Done()
	for {
		d.serve(chat)
		d.mu.Lock()
		again := d.running[chat] && !d.abandon
		if !again {
			delete(d.running, chat)
			d.mu.Unlock()
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
