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
// reuses the inode number: device, inode and birth time.
func dirIdentity(path string) (string, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%d:%d.%09d", st.Dev, st.Ino, st.Btim.Sec, st.Btim.Nsec), nil
}

// birthTime returns when the file at path was created.
func birthTime(path string) (time.Time, bool) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return time.Time{}, false
	}
	return time.Unix(st.Btim.Sec, st.Btim.Nsec), true
}
