// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"os"
	"path/filepath"
	"testing"

	"limactl-logkeep/logfile"
)

// BenchmarkMoveFileAcrossFS moves one 64 MiB log from tmpfs to disk with logfile.MoveFile (copy,
// fsync, no-replace rename, remove). Throughput is reported as MB/s.
func BenchmarkMoveFileAcrossFS(b *testing.B) {
	const size = 64 << 20
	shm, disk := moveDirs(b)
	b.SetBytes(size)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		src, dst := filepath.Join(shm, "serial.log"), filepath.Join(disk, "serial.log")
		os.Remove(dst)
		if err := WriteLog(src, size); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := logfile.MoveFile(src, dst); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreserveAcrossFS preserves an instance's six logs and five generations each (36 files,
// 64 MiB in all) from tmpfs into a new set directory on disk with logfile.Preserve.
func BenchmarkPreserveAcrossFS(b *testing.B) {
	const size = 64 << 20 / 36
	shm, disk := moveDirs(b)
	b.SetBytes(36 * size)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		src := filepath.Join(shm, "inst")
		os.RemoveAll(src)
		if err := os.Mkdir(src, 0o755); err != nil {
			b.Fatal(err)
		}
		if _, err := Generations(src, LimaLogNames, 5, size); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := logfile.Preserve(src, filepath.Join(disk, "inst"), logfile.PreserveOptions{})
		if err != nil || len(res.Moved) != 36 {
			b.Fatalf("preserve moved %d files: %v", len(res.Moved), err)
		}
	}
}
