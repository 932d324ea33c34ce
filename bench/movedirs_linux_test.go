// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"limactl-logkeep/internal/testutil"
)

// moveDirs returns a tmpfs source directory under /dev/shm and a destination directory on another
// filesystem (os.TempDir, else /var/tmp), so that every move takes the EXDEV copy path. Without
// them the benchmark is skipped loudly.
func moveDirs(b *testing.B) (src, dst string) {
	b.Helper()
	shm, err := os.MkdirTemp("/dev/shm", "logkeep-bench-")
	if err != nil {
		testutil.MissingPrerequisite(b, "/dev/shm, to move from: %v", err)
	}
	b.Cleanup(func() { os.RemoveAll(shm) })
	for _, parent := range []string{os.TempDir(), "/var/tmp"} {
		var st unix.Statfs_t
		if unix.Statfs(parent, &st) == nil && st.Type != unix.TMPFS_MAGIC {
			dir, err := os.MkdirTemp(parent, "logkeep-bench-")
			if err == nil {
				b.Cleanup(func() { os.RemoveAll(dir) })
				return shm, dir
			}
		}
	}
	testutil.MissingPrerequisite(b, "a disk directory to move to (os.TempDir and /var/tmp are tmpfs or unwritable)")
	return "", ""
}
