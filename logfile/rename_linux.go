// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// renameNoReplace renames oldpath to newpath, failing with an error satisfying
// errors.Is(err, fs.ErrExist) if newpath exists (renameat2 RENAME_NOREPLACE). When the filesystem
// does not support the flag (EINVAL, ENOSYS) it falls back to an Lstat check and a plain rename,
// which is only race-free under the caller's directory lock.
func renameNoReplace(oldpath, newpath string) error {
	var err error
	for {
		err = unix.Renameat2(unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath, unix.RENAME_NOREPLACE)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS):
		return renameCheckThenRename(oldpath, newpath)
	}
	return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
}
