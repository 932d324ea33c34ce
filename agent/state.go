// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"limactl-logkeep/logfile"
)

// Files of the agent in <logs dir>/.agent/, next to the instances' stores. Their names start with
// "_", which no instance name does.
const (
	storeDirName  = ".agent"
	lockFileName  = "_agent.lock"
	stateFileName = "_state.json"
)

// StoreDir returns where the agent keeps its links and state for the logs directory logsDir:
// logsDir/.agent. Its name is not an instance name, so the history never lists it as one.
func StoreDir(logsDir string) string { return filepath.Join(logsDir, storeDirName) }

// State is what a running agent says about one Lima home in <logs dir>/.agent/_state.json, for
// `agent status`.
type State struct {
	PID       int       `json:"pid"`
	Started   time.Time `json:"started"`
	Home      string    `json:"home"`
	LogsDir   string    `json:"logsDir"`
	Instances []string  `json:"instances"` // watched now
	// LastKept is when the agent last kept a boot (made a generation) or preserved the logs of a
	// removed instance, and What says which.
	LastKept time.Time `json:"lastKept,omitzero"`
	What     string    `json:"what,omitempty"`
	Kept     int       `json:"kept"` // generations made and sets preserved since Started
}

// stateFile writes a home's State, atomically, each time it changes.
type stateFile struct {
	mu   sync.Mutex
	path string
	st   State
}

func (f *stateFile) update(change func(st *State)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(&f.st)
	b, err := json.MarshalIndent(f.st, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(f.path, append(b, '\n'))
}

// ReadState reads the state the agent watching a home with the logs directory logsDir wrote,
// and whether an agent holds that home's lock now (Running). A home never watched gives
// os.ErrNotExist.
func ReadState(logsDir string) (st State, running bool, err error) {
	dir := StoreDir(logsDir)
	b, err := os.ReadFile(filepath.Join(dir, stateFileName))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return st, false, fmt.Errorf("no agent has watched it (no %s): %w", filepath.Join(dir, stateFileName), os.ErrNotExist)
		}
		return st, false, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, false, fmt.Errorf("cannot read %s: %w", filepath.Join(dir, stateFileName), err)
	}
	running, err = logfile.FileLocked(filepath.Join(dir, lockFileName))
	return st, running, err
}
