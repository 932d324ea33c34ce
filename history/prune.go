// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"limactl-logkeep/logfile"
)

// ErrNoCriterion means Prune was given neither OlderThan nor KeepSets, which would
// select every set.
var ErrNoCriterion = errors.New("no criterion: give an age (OlderThan), a number of sets to keep (KeepSets), or both")

// PruneOptions selects the preserved sets Prune removes. At least one criterion
// must be given; with both, a set is removed only when both select it, so
// KeepSets is a floor that an age limit never goes below.
type PruneOptions struct {
	Instances []string      // empty: every instance with preserved sets
	OlderThan time.Duration // > 0: select sets preserved more than OlderThan before Now
	KeepSets  int           // >= 0: select all but the newest KeepSets sets of each instance; < 0: no such criterion
	DryRun    bool          // select and report, remove nothing
	Now       time.Time     // zero: time.Now()
}

// PruneResult says what Prune removed (or, in a dry run, would remove).
type PruneResult struct {
	Removed []Set       // sets removed whole
	Freed   int64       // bytes of the files removed
	Skipped []PruneSkip // selected sets left alone, with the reason
}

// PruneSkip is a selected set that was left alone.
type PruneSkip struct {
	Set    Set
	Reason string
}

// Prune removes the preserved sets opts selects. It only ever removes set
// directories under LogsDir/<instance> whose names Preserve makes, and only when
// they hold nothing but files Preserve puts there (logs, ".log.gz", the
// configuration file, temporary leftovers of an interrupted move); anything else
// in a set (a directory, a symbolic link, another file) leaves that set alone. It
// removes file by file and then the empty directory, never recursively, holding
// the same lock as Preserve on LogsDir/<instance>. The instance directories in
// LIMA_HOME are never touched, nor are the per-instance directories under LogsDir;
// a LogsDir that is a symbolic link (or anything but a directory) is refused, as
// Preserve refuses it, and a LogsDir/<instance> that is one is passed over.
// One set's failure does not stop the others: the error joins them all.
func (s Store) Prune(opts PruneOptions) (PruneResult, error) {
	var res PruneResult
	if opts.OlderThan <= 0 && opts.KeepSets < 0 {
		return res, ErrNoCriterion
	}
	if err := s.ValidNames(opts.Instances); err != nil {
		return res, err
	}
	if fi, err := os.Lstat(s.LogsDir); err == nil && !fi.IsDir() {
		return res, fmt.Errorf("cannot prune in %s: it is not a directory (a symbolic link is never followed)", s.LogsDir)
	}
	names := opts.Instances
	if len(names) == 0 {
		var err error
		if names, err = s.preservedNames(); err != nil {
			return res, err
		}
	}
	now := nowOr(opts.Now)
	var errs []error
	for _, name := range names {
		if err := s.pruneInstance(name, opts, now, &res); err != nil {
			errs = append(errs, err)
		}
	}
	return res, logfile.JoinErrors(errs...)
}

// pruneInstance prunes the sets of one instance under its lock.
func (s Store) pruneInstance(name string, opts PruneOptions, now time.Time, res *PruneResult) error {
	parent := filepath.Join(s.LogsDir, name)
	if fi, err := os.Lstat(parent); errors.Is(err, os.ErrNotExist) || (err == nil && !fi.IsDir()) {
		return nil
	}
	if opts.DryRun {
		return s.pruneSets(name, opts, now, res)
	}
	err := logfile.WithDirLock(parent, func() error { return s.pruneSets(name, opts, now, res) })
	if errors.Is(err, logfile.ErrNotLocked) {
		return fmt.Errorf("cannot lock %s: %w", parent, err)
	}
	return err
}

// pruneSets removes the sets of instance name that opts selects; the caller
// holds the lock of its sets directory unless opts.DryRun.
func (s Store) pruneSets(name string, opts PruneOptions, now time.Time, res *PruneResult) error {
	sets, err := s.setsOf(name, nil)
	if err != nil {
		return err
	}
	var errs []error
	for i, set := range sets {
		if !selected(i, len(sets), set, opts, now) {
			continue
		}
		if reason := s.foreignContent(set); reason != "" {
			res.Skipped = append(res.Skipped, PruneSkip{Set: set, Reason: reason})
			continue
		}
		freed, err := s.removeSet(set, opts.DryRun)
		res.Freed += freed
		if err != nil {
			errs = append(errs, err)
			continue
		}
		res.Removed = append(res.Removed, set)
	}
	return logfile.JoinErrors(errs...)
}

// selected reports whether set, the i-th oldest of n, is selected by every
// criterion opts gives.
func selected(i, n int, set Set, opts PruneOptions, now time.Time) bool {
	if opts.KeepSets >= 0 && i >= n-opts.KeepSets {
		return false
	}
	if opts.OlderThan > 0 && !set.Time.Before(now.Add(-opts.OlderThan)) {
		return false
	}
	return true
}

// foreignContent returns why set holds something Preserve did not put there, or
// "" when it holds only logs, the configuration and temporary leftovers.
func (s Store) foreignContent(set Set) string {
	entries, err := os.ReadDir(set.Path)
	if err != nil {
		return err.Error()
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case !e.Type().IsRegular():
			return fmt.Sprintf("it holds %s, which is not a regular file; remove the set by hand if it is not needed", name)
		case !s.madeByPreserve(name):
			return fmt.Sprintf("it holds %s, which limactl-logkeep does not put there; remove the set by hand if it is not needed", name)
		}
	}
	return ""
}

// madeByPreserve reports whether Preserve can have put a file of this name in a set.
func (s Store) madeByPreserve(name string) bool {
	_, tmp := logfile.IsTempName(name)
	return tmp || name == s.ConfigFile || logfile.IsLogName(name)
}

// removeSet removes the files of set and then its empty directory, and returns
// the bytes freed. A file that is not a regular one of those Preserve makes is
// left, and then so is the directory. With dryRun it removes nothing and returns
// the bytes it would free, temporary leftovers included, as a real run counts them.
func (s Store) removeSet(set Set, dryRun bool) (int64, error) {
	entries, err := os.ReadDir(set.Path)
	if err != nil {
		return 0, fmt.Errorf("cannot remove preserved set %s: %w", set.Path, err)
	}
	var freed int64
	for _, e := range entries {
		path := filepath.Join(set.Path, e.Name())
		fi, err := os.Lstat(path)
		if err != nil || !fi.Mode().IsRegular() || !s.madeByPreserve(e.Name()) {
			return freed, fmt.Errorf("cannot remove preserved set %s: %s changed while pruning; nothing more removed", set.Path, path)
		}
		if !dryRun {
			if err := os.Remove(path); err != nil {
				return freed, fmt.Errorf("cannot remove preserved set %s: %w; the rest of it is still there", set.Path, err)
			}
		}
		freed += fi.Size()
	}
	if dryRun {
		return freed, nil
	}
	if err := os.Remove(set.Path); err != nil {
		return freed, fmt.Errorf("cannot remove preserved set directory %s (its files were removed): %w", set.Path, err)
	}
	return freed, nil
}
