//go:build unix

package logfile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// openRegular opens path read-only without following a final symlink and without blocking on a
// FIFO, and checks that it is a regular file.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, &fs.PathError{Op: "open", Path: path, Err: notRegular(fs.ModeSymlink)}
		}
		return nil, err
	}
	return keepIfRegular(f, path)
}
