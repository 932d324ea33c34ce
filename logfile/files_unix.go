// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build unix

package logfile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// OpenRegular opens the regular file at path for reading as it is (no gunzip). It opens with
// O_NOFOLLOW|O_NONBLOCK, so it never follows a final symbolic link and never blocks on a FIFO:
// those, and any other non-regular file, fail with an error wrapping ErrNotRegular that says what
// the file is. Errors are *fs.PathError naming path.
func OpenRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, &fs.PathError{Op: "open", Path: path, Err: notRegular(fs.ModeSymlink)}
		}
		return nil, err
	}
	return keepIfRegular(f, path)
}
