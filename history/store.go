// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"time"
)

// ErrNotFound means the logs asked for do not exist: no instance directory, no
// preserved set, or no such boot.
var ErrNotFound = errors.New("no logs found")

// ErrHasPreserved is wrapped, with ErrNotFound, when an instance directory is
// missing but the instance has preserved sets, where its logs may be.
var ErrHasPreserved = errors.New("preserved set(s)")

// Store says where an installation keeps logs. Every field must be set, except
// Instances (nil: no instance exists).
type Store struct {
	// LogsDir holds the preserved sets: LogsDir/<instance>/<UTC time>[.K].
	LogsDir string
	// LogNames are the file names of an instance's active logs ("serial.log", ...).
	LogNames []string
	// ConfigFile is the file name of an instance's configuration ("lima.yaml"),
	// collected with its logs.
	ConfigFile string
	// InstanceDir returns the directory of an instance after validating its name.
	// The directory need not exist.
	InstanceDir func(name string) (string, error)
	// ValidNames returns an error for the first name that cannot be an
	// instance's, nil when every name can.
	ValidNames func(names []string) error
	// Instances lists the instances that exist.
	Instances func() ([]string, error)

	// ReadOutcome, when set, tells how the boot whose files are files went; inProgress says they
	// are the active logs of an instance whose boot is still in progress. It must not fail: what
	// cannot be read is an unknown outcome. Without it, outcomes are left empty.
	ReadOutcome func(files []File, inProgress bool) Outcome
	// BootInProgress, when set, reports whether the instance in dir has a boot in progress (its
	// active logs are being written). Without it, no boot is in progress.
	BootInProgress func(dir string) bool
	// Consoles, when set, returns the short names of the console logs of the instance (or
	// preserved set) in dir, the likeliest to have content first ("serial", "serialv"); collect's
	// summary shows the end of the first with content for a boot in trouble.
	Consoles func(dir string) []string
	// AgentLog is the short name of the log whose end collect's summary shows next to the
	// console's for a boot in trouble ("ha.stderr"); "" for none.
	AgentLog string
}

// nowOr returns t, or time.Now() when t is zero: the default of the options'
// Now fields.
func nowOr(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

// existingInstanceDir returns the directory of instance name when it exists, or
// an error wrapping ErrNotFound that tells where preserved logs may be found.
func (s Store) existingInstanceDir(name string) (string, error) {
	dir, err := s.InstanceDir(name)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		err := fmt.Errorf("%w: instance %q has no directory %s (deleted?)", ErrNotFound, name, dir)
		if sets, _ := s.Sets([]string{name}); len(sets) > 0 {
			err = fmt.Errorf("%w; it has %d %w", err, len(sets), ErrHasPreserved)
		}
		return "", err
	case err != nil:
		return "", fmt.Errorf("cannot read instance %q: %w", name, err)
	case !fi.IsDir():
		return "", fmt.Errorf("instance %q: %s is not a directory", name, dir)
	}
	return dir, nil
}

// instanceNames returns the instances that exist, sorted.
func (s Store) instanceNames() ([]string, error) {
	if s.Instances == nil {
		return nil, nil
	}
	names, err := s.Instances()
	if err != nil {
		return nil, fmt.Errorf("cannot list instances: %w", err)
	}
	slices.Sort(names)
	return names, nil
}

// preservedNames returns the names of the directories under LogsDir that can be
// instances' (a missing LogsDir gives none), sorted. Symbolic links are skipped.
func (s Store) preservedNames() ([]string, error) {
	entries, err := os.ReadDir(s.LogsDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("cannot list preserved logs in %s: %w", s.LogsDir, err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && s.ValidNames([]string{e.Name()}) == nil {
			names = append(names, e.Name())
		}
	}
	return names, nil
}
