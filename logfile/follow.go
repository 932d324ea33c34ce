// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// FollowOptions tunes Follow.
type FollowOptions struct {
	// Poll is the interval between checks for new data, a new file or truncation; 0 means 250ms.
	Poll time.Duration
	// StopWhen is called once per poll; when it returns true, Follow drains what is left and
	// returns. nil means never.
	StopWhen func() bool
	// Lines, when > 0, starts with only the last Lines lines of the file present when Follow is
	// called instead of its whole content. A file that appears later is always written whole.
	Lines int
	// SkipExisting skips the whole content of the file present when Follow is called, like
	// `tail -F -n 0`, and overrides Lines: only data written from then on is written, and a file
	// that replaces it later (or appears) is written whole. StopWhen is first called after that
	// content has been skipped, so a caller learns from that first call that writes from then on
	// will be seen.
	SkipExisting bool
	// EndWithDir makes Follow end with an error wrapping ErrDirGone once the directory holding
	// path is removed, renamed or replaced by another directory (an instance deleted or renamed):
	// a file that appears later under the same name is then another's. The directory must exist
	// when Follow is called. It is looked at (one stat) only when path is missing or replaced, so
	// a log that stays in place costs nothing more per poll.
	EndWithDir bool
}

// ErrDirGone is wrapped by Follow's error when FollowOptions.EndWithDir is set and the directory
// of the followed file was removed or replaced.
var ErrDirGone = errors.New("its directory was removed or replaced")

// Kept instead of github.com/nxadm/tail (in the module graph through Lima): v1.4.11 follows symbolic
// links (os.Open), has no last-N-lines start, polls at a package-global interval and splits into lines.

// Follow writes the content of the log at path to w, then new data as it is appended, like
// `tail -F`. It keeps going when the file does not exist yet, is removed, or is replaced by a new
// file (Lima removes serial.log before a start and QEMU creates it again): the old file is read to
// its end, then the new one from its beginning. When the file shrinks (truncation) it restarts from
// offset 0. A truncation followed by writes past the old size within one poll is not detected.
// Symbolic links and non-regular files are refused (errors.Is(err, ErrNotRegular)).
//
// Follow ends when ctx is done or StopWhen returns true, in both cases after a final drain of the
// data written so far, and then returns nil. It returns an error when the log cannot be opened,
// stat'ed or read (a symbolic link or other non-regular file at path included), or writing to w
// fails, and with EndWithDir when the directory of path is gone (ErrDirGone; after a final drain
// of the file it had open).
func Follow(ctx context.Context, path string, w io.Writer, opts FollowOptions) error {
	poll := opts.Poll
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	fl := &follower{path: path, w: w, buf: make([]byte, 32<<10)}
	defer fl.close()
	if opts.EndWithDir {
		dir, err := os.Stat(filepath.Dir(path))
		if err != nil {
			return fileErr("follow", path, "", fmt.Errorf("%w: %w", ErrDirGone, pathCause(err, filepath.Dir(path), "")))
		}
		fl.dir = dir
	}
	tailN := opts.Lines
	if opts.SkipExisting {
		if err := fl.open(0); err != nil {
			return err
		}
		if fl.file != nil {
			fl.off = fl.info.Size()
		}
		tailN = 0
	}
	timer := time.NewTimer(poll)
	defer timer.Stop()
	for {
		stopping := ctx.Err() != nil || (opts.StopWhen != nil && opts.StopWhen())
		if err := fl.step(tailN); err != nil {
			return err
		}
		tailN = 0 // only the file present at the start is tailed
		if stopping {
			return nil
		}
		timer.Reset(poll)
		select {
		case <-ctx.Done():
		case <-timer.C:
		}
	}
}

type follower struct {
	path string
	w    io.Writer
	buf  []byte
	file *os.File
	info os.FileInfo
	off  int64
	dir  os.FileInfo // the directory of path, when FollowOptions.EndWithDir
}

// step opens the file if needed, writes what is new, and handles replacement and truncation.
func (f *follower) step(tailN int) error {
	if f.file == nil {
		if err := f.open(tailN); err != nil || f.file == nil {
			return err
		}
	}
	if err := f.drain(); err != nil {
		return err
	}
	now, err := os.Lstat(f.path)
	if err != nil || !os.SameFile(now, f.info) {
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fileErr("stat", f.path, "", err)
		}
		// Removed or replaced: finish the old file, then start on the new one, if any.
		if err := f.drain(); err != nil {
			return err
		}
		f.close()
		if err := f.open(0); err != nil || f.file == nil {
			return err
		}
		return f.drain()
	}
	cur, err := f.file.Stat()
	if err != nil {
		return fileErr("stat", f.path, "", err)
	}
	if cur.Size() < f.off {
		f.off = 0
		return f.drain()
	}
	return nil
}

// open opens the file if it exists, positioned at its start or at its last tailN lines. With
// FollowOptions.EndWithDir it fails with ErrDirGone, the file left closed, when the directory is
// no longer the one it was: checked after the open, so a file opened from a directory that
// replaced the first is never read.
func (f *follower) open(tailN int) error {
	file, err := OpenRegular(f.path)
	if f.dir != nil {
		if derr := f.sameDir(); derr != nil {
			if err == nil {
				file.Close()
			}
			return derr
		}
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fileErr("open", f.path, "", err)
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return fileErr("stat", f.path, "", err)
	}
	f.file, f.info, f.off = file, info, 0
	if tailN > 0 {
		if f.off, err = lastLinesStart(file, info.Size(), tailN); err != nil {
			return fileErr("read last lines of", f.path, "", err)
		}
	}
	return nil
}

// sameDir returns an error wrapping ErrDirGone unless the directory of the path is still f.dir.
func (f *follower) sameDir() error {
	dir := filepath.Dir(f.path)
	now, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return fileErr("follow", f.path, "", ErrDirGone)
	case err != nil:
		return fileErr("stat", dir, "", err)
	case !os.SameFile(now, f.dir):
		return fileErr("follow", f.path, "", ErrDirGone)
	}
	return nil
}

// drain writes everything from the current offset to the end of the open file.
func (f *follower) drain() error {
	for {
		n, err := f.file.ReadAt(f.buf, f.off)
		if n > 0 {
			if _, werr := f.w.Write(f.buf[:n]); werr != nil {
				return fmt.Errorf("follow %s: write: %w", f.path, werr)
			}
			f.off += int64(n)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fileErr("read", f.path, "", err)
		}
	}
}

func (f *follower) close() {
	if f.file != nil {
		f.file.Close()
		f.file = nil
	}
}
