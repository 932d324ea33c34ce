// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Outcome is how one boot went, as Store.ReadOutcome tells it from the boot's logs.
type Outcome struct {
	// Result is a word such as "ready" or "failed" (the reader's vocabulary); "" when not read.
	Result string
	// Trouble says the boot failed or ran degraded: collect's summary shows the end of its logs.
	Trouble bool
	// Errors say what went wrong; ErrorsFrom says where they were read ("" when none).
	Errors     []string
	ErrorsFrom string
	// Started is when the boot's first event was written, Running when it reached running, Ended
	// the time of its last event once it ended; each zero when unknown or not yet.
	Started, Running, Ended time.Time
	// EndedBy says how it ended ("exiting", "cutOff"), "" while it goes on or when unknown.
	EndedBy string
	// SSHLocalPorts are the host ports forwarded to the guest's ssh during the boot (what
	// collect --redact hides, wherever they appear).
	SSHLocalPorts []int
}

// ToRunning returns the time from the first event to running, and false when the boot never
// reached running (or its times are unknown).
func (o Outcome) ToRunning() (time.Duration, bool) {
	if o.Started.IsZero() || o.Running.IsZero() {
		return 0, false
	}
	return o.Running.Sub(o.Started), true
}

// ReadOutcomes fills in the Outcome of each of boots, which Boots(name) returned, with
// Store.ReadOutcome; inProgress is told for the current boot alone, from Store.BootInProgress.
// Without a ReadOutcome it does nothing. Files are read a few at a time in parallel; nothing is
// changed on disk.
func (s Store) ReadOutcomes(name string, boots []Boot) error {
	if s.ReadOutcome == nil || len(boots) == 0 {
		return nil
	}
	dir, err := s.InstanceDir(name)
	if err != nil {
		return err
	}
	s.readOutcomes(dir, boots, true)
	return nil
}

// readOutcomes fills in the outcomes of boots, the boots of the logs in dir; live says dir is
// an instance directory, whose current boot may be in progress (not a preserved set).
func (s Store) readOutcomes(dir string, boots []Boot, live bool) {
	if s.ReadOutcome == nil || len(boots) == 0 {
		return
	}
	inProgress := false
	if last := boots[len(boots)-1]; live && last.Current() && s.BootInProgress != nil {
		inProgress = s.BootInProgress(dir)
	}
	read := func(i int) {
		boots[i].Outcome = s.ReadOutcome(boots[i].Files, inProgress && boots[i].Current())
	}
	workers := min(runtime.GOMAXPROCS(0), 8, len(boots)/32)
	if workers < 2 {
		for i := range boots {
			read(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(boots); i = int(next.Add(1) - 1) {
				read(i)
			}
		})
	}
	wg.Wait()
}
