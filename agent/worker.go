// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package agent

import (
	"errors"
	"sync"
	"time"

	"limactl-logkeep/limaadapter"
)

// op is what happened to a file of an instance directory, as the worker needs it.
type op int

const (
	opCreated op = iota // a file appeared (created, or renamed to this name)
	opRemoved           // a file went (removed, or renamed away)
	opSettle            // settle now (after catch-up, or events were lost)
	opRescan            // catch up again (events were lost)
)

// event is one thing for an instance's worker to act on.
type event struct {
	op   op
	name string // file name in the instance directory
}

// worker acts on one instance's events, in order, in its own goroutine, so that a slow step
// (compressing a large log) in one instance never delays the start signal of another.
type worker struct {
	k     *keeper
	delay time.Duration // before the settle that follows a catch-up

	mu    sync.Mutex
	queue []event
	wake  chan struct{} // capacity 1
	stop  chan struct{}
	done  chan struct{}
	ready chan struct{} // closed once the first catch-up is done
	timer *time.Timer
}

func newWorker(k *keeper, delay time.Duration) *worker {
	return &worker{k: k, delay: delay, wake: make(chan struct{}, 1), stop: make(chan struct{}),
		done: make(chan struct{}), ready: make(chan struct{})}
}

// push queues ev; it never blocks.
func (w *worker) push(ev event) {
	w.mu.Lock()
	w.queue = append(w.queue, ev)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// take returns and clears the queue.
func (w *worker) take() []event {
	w.mu.Lock()
	defer w.mu.Unlock()
	q := w.queue
	w.queue = nil
	return q
}

// halt stops the worker once it has finished what it is doing, dropping the events still queued,
// and waits for it.
func (w *worker) halt() {
	close(w.stop)
	<-w.done
}

// run is the worker's goroutine.
func (w *worker) run() {
	defer close(w.done)
	defer func() {
		if w.timer != nil {
			w.timer.Stop()
		}
	}()
	w.catchUp()
	close(w.ready)
	for {
		select {
		case <-w.stop:
			return
		case <-w.wake:
		}
		settle := false
		for _, ev := range w.take() {
			select {
			case <-w.stop:
				return
			default:
			}
			switch {
			case ev.op == opRescan:
				w.catchUp()
			case ev.op == opSettle:
				settle = true
			case ev.op == opRemoved && ev.name == limaadapter.StartSignalLog:
				if settle { // what came before the signal first
					w.settle()
					settle = false
				}
				w.ignoreGone(w.k.signal())
			case ev.op == opCreated && limaadapter.IsLogOrConfig(ev.name):
				settle = true
			}
		}
		if settle {
			w.settle()
		}
	}
}

// catchUp opens the store and catches up, then schedules a settle after the delay.
func (w *worker) catchUp() {
	if err := w.k.open(); err != nil {
		w.ignoreGone(err)
		return
	}
	w.ignoreGone(w.k.catchUp())
	if w.timer != nil {
		w.timer.Stop()
	}
	w.timer = time.AfterFunc(w.delay, func() { w.push(event{op: opSettle}) })
}

func (w *worker) settle() { w.ignoreGone(w.k.settle()) }

// ignoreGone logs err unless the instance directory is gone (the home handles that).
func (w *worker) ignoreGone(err error) {
	if err != nil && !errors.Is(err, errGone) {
		w.k.warn(err)
	}
}
