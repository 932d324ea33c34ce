// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"testing"

	"limactl-logkeep/internal/testutil"
)

// device is not implemented on Windows, which has no /dev/shm: the cross-filesystem tests that
// need it skip (fail with CI=true), saying so.
func device(t *testing.T, path string) uint64 {
	t.Helper()
	testutil.MissingPrerequisite(t, "the cross-filesystem tests need /dev/shm and a disk filesystem (Unix); %s not compared", path)
	return 0
}

// mkfifo skips (fails with CI=true): Windows has no named pipes in the filesystem.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	testutil.MissingPrerequisite(t, "Windows has no named pipes in the filesystem; %s not made", path)
}
