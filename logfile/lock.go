package logfile

import (
	"errors"
	"sync"

	"golang.org/x/sys/unix"
)

// LockDir takes an exclusive flock(2) on dir's own file descriptor, waiting as long as another
// process (or another LockDir call in this process) holds it. No lock file is created, so the
// directory is left exactly as it was. A symlink to a directory locks that directory; a
// non-directory fails with ENOTDIR. The lock is released by calling unlock (safe to call more than once) or when
// the process exits, so a crashed holder never leaves a stale lock. The descriptor is
// close-on-exec: the lock is not inherited by, and not held across, an exec. Locks are advisory:
// they exclude only other LockDir/TryLockDir callers.
func LockDir(dir string) (unlock func() error, err error) {
	return lockDir(dir, unix.LOCK_EX)
}

// TryLockDir is LockDir without waiting: ok is false (and err nil) when another holder has the lock.
func TryLockDir(dir string) (unlock func() error, ok bool, err error) {
	unlock, err = lockDir(dir, unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return nil, false, nil
	}
	return unlock, err == nil, err
}

func lockDir(dir string, how int) (func() error, error) {
	d, err := openDir(dir)
	if err != nil {
		return nil, fileErr("lock directory", dir, "", err)
	}
	fd := int(d.Fd())
	for {
		err = unix.Flock(fd, how)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		d.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, err
		}
		return nil, fileErr("lock directory", dir, "", err)
	}
	var once sync.Once
	var uerr error
	return func() error {
		once.Do(func() {
			uerr = unix.Flock(fd, unix.LOCK_UN)
			if cerr := d.Close(); uerr == nil {
				uerr = cerr
			}
			if uerr != nil {
				uerr = fileErr("unlock directory", dir, "", uerr)
			}
		})
		return uerr
	}, nil
}
