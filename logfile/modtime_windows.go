// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"io/fs"
	"time"

	"golang.org/x/sys/windows"
)

// setModTime sets path's access and modification times to t without following a reparse point
// (FILE_FLAG_OPEN_REPARSE_POINT): a symbolic link or junction gets the times itself.
func setModTime(path string, t time.Time) error {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return &fs.PathError{Op: "set times", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, windows.FILE_WRITE_ATTRIBUTES,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil,
		windows.OPEN_EXISTING, windows.FILE_FLAG_OPEN_REPARSE_POINT|windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return &fs.PathError{Op: "open to set times", Path: path, Err: err}
	}
	defer windows.CloseHandle(h)
	ft := windows.NsecToFiletime(t.UnixNano())
	if err := windows.SetFileTime(h, nil, &ft, &ft); err != nil {
		return &fs.PathError{Op: "set times", Path: path, Err: err}
	}
	return nil
}
