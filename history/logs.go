// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"time"

	"limactl-logkeep/logfile"
)

// WriteLog writes the file f to w, decompressing a ".gz": all of it when lines <=
// 0, else its last lines lines (memory does not grow with the file's size).
func WriteLog(w io.Writer, f File, lines int) error {
	if lines > 0 {
		return logfile.TailLines(f.Path, lines, w)
	}
	r, err := logfile.OpenLog(f.Path)
	if err != nil {
		return err
	}
	defer r.Close()
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("cannot print %s: %w", f.Path, err)
	}
	return nil
}

// ChooseConsole returns the console log of b to show: the first of consoles (short
// names in order of preference, e.g. "serial", "serialv") whose file has content,
// else the first that exists, else "" when b has none.
func ChooseConsole(b Boot, consoles []string) (string, error) {
	first := ""
	for _, log := range consoles {
		f, ok := b.File(log)
		if !ok {
			continue
		}
		if first == "" {
			first = log
		}
		full, err := hasContent(f)
		if err != nil {
			return "", err
		}
		if full {
			return log, nil
		}
	}
	return first, nil
}

// hasContent reports whether f holds at least one byte once decompressed.
func hasContent(f File) (bool, error) {
	if !f.Compressed {
		return f.Size > 0, nil
	}
	r, err := logfile.OpenLog(f.Path)
	if err != nil {
		return false, err
	}
	defer r.Close()
	n, err := r.Read(make([]byte, 1))
	if n > 0 {
		return true, nil
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("cannot read %s: %w", f.Path, err)
	}
	return false, nil
}

// Follow writes the active file of the log named log ("serial" for serial.log,
// one of LogNames) of instance name to w and then what is appended, like
// `tail -F`: it goes on when Lima removes and recreates the file at start. It
// ends after a final drain when ctx is done or opts.StopWhen returns true, and
// with an error wrapping logfile.ErrDirGone once the instance directory is
// removed, renamed or replaced (the instance deleted: what was written until
// then has been drained); that error also wraps ErrHasPreserved when the
// instance has preserved sets by then. The instance directory must exist; any
// other log name is an error.
func (s Store) Follow(ctx context.Context, name, log string, w io.Writer, opts logfile.FollowOptions) error {
	dir, err := s.existingInstanceDir(name)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(s.LogNames, func(file string) bool { return logOf(file) == log })
	if i < 0 {
		return fmt.Errorf("follow: %q is not one of the logs of instance %q", log, name)
	}
	opts.EndWithDir = true
	err = logfile.Follow(ctx, filepath.Join(dir, s.LogNames[i]), w, opts)
	if errors.Is(err, logfile.ErrDirGone) {
		gone := &goneError{msg: fmt.Sprintf("stopped following the %s log of instance %q: its directory %s is gone (deleted or renamed)", log, name, dir), cause: err}
		if sets, _ := s.Sets([]string{name}); len(sets) > 0 {
			return fmt.Errorf("%w; it has %d %w", gone, len(sets), ErrHasPreserved)
		}
		return gone
	}
	return err
}

// goneError is Follow's error when the instance directory is gone: its own
// words, with logfile's error (wrapping logfile.ErrDirGone) underneath for
// errors.Is.
type goneError struct {
	msg   string
	cause error
}

func (e *goneError) Error() string { return e.msg }
func (e *goneError) Unwrap() error { return e.cause }

// UntilStopped returns a logfile.FollowOptions.StopWhen that becomes true once the instance
// has been seen not stopped (starting, running, broken) and then stopped or gone,
// so that following an instance that is stopped now waits for its next boot and
// ends when it stops. stopped reports whether the instance is stopped or does not
// exist; it is asked at most once per interval. Errors count as "not stopped yet".
func UntilStopped(stopped func() (bool, error), interval time.Duration) func() bool {
	var seenUp, done bool
	var last time.Time
	return func() bool {
		if done {
			return true
		}
		if !last.IsZero() && time.Since(last) < interval {
			return false
		}
		last = time.Now()
		isStopped, err := stopped()
		switch {
		case err != nil:
		case !isStopped:
			seenUp = true
		case seenUp:
			done = true
		}
		return done
	}
}
