// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"os"
	"syscall"
)

// renameCheckThenRename is the fallback of renameNoReplace for filesystems without an atomic
// no-replace rename: it refuses when newpath exists (whatever its type, a dangling symlink
// included), then renames.
func renameCheckThenRename(oldpath, newpath string) error {
	if _, err := os.Lstat(newpath); err == nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EEXIST}
	} else if !os.IsNotExist(err) {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return os.Rename(oldpath, newpath)
}
