// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"path/filepath"
	"testing"

	"limactl-logkeep/logfile"
)

// BenchmarkRotateTypical rotates an instance directory holding the six active logs of 200 KB and
// five generations each, pruning to five generations (the default --max-backups). Each iteration
// gets a fresh directory; only logfile.Rotate is timed.
func BenchmarkRotateTypical(b *testing.B) {
	benchRotate(b, 5, 200<<10, logfile.RotateOptions{Names: LimaLogNames, MaxBackups: 5})
}

// BenchmarkRotateKeepAll rotates directories with 100, 1,000 and 10,000 existing generations of
// the six logs, keeping everything: time per operation should grow no faster than the count.
func BenchmarkRotateKeepAll(b *testing.B) {
	for _, gens := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("generations=%d", gens), func(b *testing.B) {
			benchRotate(b, gens, 16, logfile.RotateOptions{Names: LimaLogNames, KeepAll: true})
		})
	}
}

func benchRotate(b *testing.B, gens int, size int64, opts logfile.RotateOptions) {
	b.Helper()
	tmpl := b.TempDir()
	if _, err := Generations(tmpl, LimaLogNames, gens, size); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := filepath.Join(b.TempDir(), "inst")
		if err := copyTree(tmpl, dir); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := logfile.Rotate(dir, opts)
		if err != nil || res.Generation != gens+1 {
			b.Fatalf("rotate: generation %d, %v", res.Generation, err)
		}
	}
}
