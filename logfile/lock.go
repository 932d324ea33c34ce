// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"

	"github.com/lima-vm/lima/v2/pkg/lockutil"
)

// ErrNotLocked is wrapped by WithDirLock's error when the lock could not be taken, and so fn did
// not run. It adds nothing to the error's message.
var ErrNotLocked = errors.New("directory not locked")

// notLocked is a failure to lock: its message and cause are err's, and it is ErrNotLocked.
type notLocked struct{ err error }

func (e notLocked) Error() string        { return e.err.Error() }
func (e notLocked) Unwrap() error        { return e.err }
func (e notLocked) Is(target error) bool { return target == ErrNotLocked }

// WithDirLock runs fn while holding an exclusive lock on the directory dir, waiting as long as
// another process (or goroutine) holds it, and returns fn's error unchanged. dir must exist and be
// a directory (a symlink to one locks that directory); otherwise fn is not run and the error wraps
// ErrNotLocked and a *FileError wrapping os.ErrNotExist or ENOTDIR; so does any other failure to
// lock. Locks are advisory: they exclude only other holders of the same lock.
//
// The lock is Lima's own pkg/lockutil: on Unix flock(2) on dir's close-on-exec descriptor (no file
// is created, and a killed holder leaves no stale lock); on Windows LockFileEx on the file
// dir+".lock" next to dir, created at the first lock and never removed, as Lima locks its own
// directories. An unlock failure is logged by lockutil, not returned: closing the descriptor
// releases the lock anyway.
func WithDirLock(dir string, fn func() error) error {
	d, err := openDir(dir)
	if err != nil {
		return notLocked{fileErr("lock directory", dir, "", err)}
	}
	d.Close()
	ran := false
	err = lockutil.WithDirLock(dir, func() error {
		ran = true
		return fn()
	})
	if err != nil && !ran {
		return notLocked{fileErr("lock directory", dir, "", err)}
	}
	return err
}
