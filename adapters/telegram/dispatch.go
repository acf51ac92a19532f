package telegram

import (
	"context"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// job is one accepted update waiting for its turn.
type job struct {
	id        int64
	chat      int64
	upd       *models.Update
	got       time.Time // when Baton received it (reply latency starts here)
	count     int64     // the chat's messages in the flood window, this one included; 0 when not counted
	recovered bool      // taken from the inbox after a restart or a dead replica
}

// dispatcher runs jobs one at a time per chat, in the order they were
// added, and different chats in parallel (at most cap(sem) at once). A chat
// has a goroutine only while it has work.
type dispatcher struct {
	run func(job)
	sem chan struct{}

	mu      sync.Mutex
	queues  map[int64][]job
	closed  bool // add refuses new jobs
	abandon bool // workers stop after their current job
	wg      sync.WaitGroup
}

func newDispatcher(workers int, run func(job)) *dispatcher {
	return &dispatcher{run: run, sem: make(chan struct{}, workers), queues: map[int64][]job{}}
}

// add queues j behind the chat's earlier jobs. It reports false once the
// dispatcher is closed; the update then stays in the inbox.
func (d *dispatcher) add(j job) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	q, running := d.queues[j.chat]
	d.queues[j.chat] = append(q, j)
	if !running {
		d.wg.Add(1)
		go d.loop(j.chat)
	}
	return true
}

func (d *dispatcher) loop(chat int64) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		q := d.queues[chat]
		if len(q) == 0 || d.abandon {
			delete(d.queues, chat)
			d.mu.Unlock()
			return
		}
		j := q[0]
		q[0] = job{} // let the update be collected
		d.queues[chat] = q[1:]
		d.mu.Unlock()

		d.sem <- struct{}{}
		d.run(j)
		<-d.sem
	}
}

// close refuses new jobs; queued ones still run.
func (d *dispatcher) close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
}

// stop makes workers quit after their current job, leaving queued ones
// (they stay in the inbox).
func (d *dispatcher) stop() {
	d.mu.Lock()
	d.closed, d.abandon = true, true
	d.mu.Unlock()
}

// wait blocks until every worker has returned or ctx ends.
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
