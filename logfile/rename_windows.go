// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/windows"
)

// renameNoReplace renames oldpath to newpath, failing with an error satisfying
// errors.Is(err, fs.ErrExist) if newpath exists: MoveFileEx without MOVEFILE_REPLACE_EXISTING,
// which checks and renames in one step, so no second process can slip a file in between. It moves
// a symbolic link or junction itself, never its target. Without MOVEFILE_COPY_ALLOWED it never
// copies: between volumes it fails with an error satisfying errors.Is(err, syscall.EXDEV), as on
// Unix, and the caller copies.
func renameNoReplace(oldpath, newpath string) error {
	from, err := windows.UTF16PtrFromString(oldpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	to, err := windows.UTF16PtrFromString(newpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	err = windows.MoveFileEx(from, to, 0)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, windows.ERROR_NOT_SAME_DEVICE):
		err = fmt.Errorf("%w (%w)", err, syscall.EXDEV)
	}
	return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
}
