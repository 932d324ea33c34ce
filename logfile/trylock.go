// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"os"
)

// ErrLocked means another process (or another TryLockFile of this one) holds the lock.
var ErrLocked = errors.New("locked by another process")

// FileLock is an exclusive lock on a file, held until Release or the process' end (a killed
// holder leaves no stale lock).
type FileLock struct{ f *os.File }

// TryLockFile takes an exclusive lock on the file at path, creating it (mode 0600) if it does not
// exist, without waiting: when another holder has it, the error wraps ErrLocked and names path.
// The lock is flock(2) on Unix and LockFileEx on Windows; it is advisory and excludes only other
// holders of the same lock, not readers or writers of the file. The file is never removed.
func TryLockFile(path string) (*FileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fileErr("lock", path, "", err)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		return nil, fileErr("lock", path, "", err)
	}
	return &FileLock{f: f}, nil
}

// Release releases the lock. It is safe to call more than once.
func (l *FileLock) Release() {
	if l == nil || l.f == nil {
		return
	}
	l.f.Close() // closing the descriptor releases the lock
	l.f = nil
}

// FileLocked reports whether some holder has the lock of TryLockFile on the file at path, without
// creating the file: false when it does not exist. It takes the lock for a moment to find out.
func FileLocked(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fileErr("open", path, "", err)
	}
	defer f.Close()
	err = tryLock(f)
	switch {
	case errors.Is(err, ErrLocked):
		return true, nil
	case err != nil:
		return false, fileErr("lock", path, "", err)
	}
	return false, nil
}
