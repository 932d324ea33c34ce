// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"os"

	"golang.org/x/sys/windows"
)

// OpenRegular opens the regular file at path for reading as it is (no gunzip). It opens a final
// reparse point itself (FILE_FLAG_OPEN_REPARSE_POINT) instead of what it points to, so a symbolic
// link, junction or other reparse point, like any other non-regular file, fails with an error
// wrapping ErrNotRegular that says what the file is, never followed. Windows has no FIFOs in the
// filesystem, so nothing can block the open. Errors are *fs.PathError naming path. The file is
// opened with Go's usual sharing (read and write, not delete): while it is open, it cannot be
// renamed or removed.
func OpenRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|windows.O_FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		return nil, err
	}
	return keepIfRegular(f, path)
}
