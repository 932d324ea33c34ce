// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package agent

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// dirIdentity names the directory at path (not following a final symbolic link) so that a
// directory removed and another created under the same name tell apart even when the filesystem
// reuses the inode number: device, inode and, where the filesystem records it, birth time.
func dirIdentity(path string) (string, error) {
	var st unix.Statx_t
	err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_INO|unix.STATX_BTIME, &st)
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("%d:%d:%d", unix.Mkdev(st.Dev_major, st.Dev_minor), st.Ino, 0)
	if st.Mask&unix.STATX_BTIME != 0 {
		id = fmt.Sprintf("%d:%d:%d.%09d", unix.Mkdev(st.Dev_major, st.Dev_minor), st.Ino, st.Btime.Sec, st.Btime.Nsec)
	}
	return id, nil
}

// birthTime returns when the file at path was created, where the filesystem records it.
func birthTime(path string) (time.Time, bool) {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BTIME, &st); err != nil ||
		st.Mask&unix.STATX_BTIME == 0 {
		return time.Time{}, false
	}
	return time.Unix(st.Btime.Sec, int64(st.Btime.Nsec)), true
}
