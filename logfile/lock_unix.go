//go:build unix

package logfile

import (
	"errors"

	"golang.org/x/sys/unix"
)

// lockDir takes flock(2) on dir's descriptor, waiting when wait is true; otherwise a lock held
// elsewhere fails with errLockBusy.
func lockDir(dir string, wait bool) (func() error, error) {
	how := unix.LOCK_EX
	if !wait {
		how |= unix.LOCK_NB
	}
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
			return nil, errLockBusy
		}
		return nil, fileErr("lock directory", dir, "", err)
	}
	return onceUnlock(dir, func() error {
		err := unix.Flock(fd, unix.LOCK_UN)
		if cerr := d.Close(); err == nil {
			err = cerr
		}
		return err
	}), nil
}
