// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !linux

package bench

import "testing"

// moveDirs skips loudly: the cross-filesystem benchmarks move from Linux's tmpfs /dev/shm to disk.
func moveDirs(b *testing.B) (src, dst string) {
	b.Helper()
	b.Skip("SKIPPED LOUDLY: the cross-filesystem benchmarks need Linux's tmpfs /dev/shm and a disk directory")
	return "", ""
}
