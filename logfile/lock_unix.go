//go:build unix

package logfile

import (
	"errors"

	"golang.org/x/sys/unix"
)

// lockDir takes flock(2) on dir's descriptor, waiting while another holder has it.
func lockDir(dir string) (func() error, error) {
	d, err := openDir(dir)
	if err != nil {
		return nil, fileErr("lock directory", dir, "", err)
	}
	fd := int(d.Fd())
	for {
		err = unix.Flock(fd, unix.LOCK_EX)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		d.Close()
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
