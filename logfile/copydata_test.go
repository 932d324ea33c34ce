// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCopyDataSizes copies files of sizes around the chunk and buffer sizes, across filesystems
// where /dev/shm is one (the case sendfile is used for), with copyData and with copyBuffered, and
// checks the bytes and, for copyBuffered, that the writeback requests cover the file once, in order.
func TestCopyDataSizes(t *testing.T) {
	dst := t.TempDir()
	src := t.TempDir()
	if _, err := os.Stat("/dev/shm"); err == nil && device(t, "/dev/shm") != device(t, dst) {
		src = otherDeviceDir(t, dst)
	}
	sizes := []int64{0, 1, copyBuffer - 1, copyBuffer + 1, copyChunk, 2*copyChunk + 12345}
	for i, size := range sizes {
		in := filepath.Join(src, "in.log")
		os.Remove(in)
		sum := randomFile(t, in, size, 0o644, uint64(i))
		for _, name := range []string{"copyData", "copyBuffered"} {
			r, err := os.Open(in)
			require.NoError(t, err)
			out := filepath.Join(dst, name)
			os.Remove(out)
			w, err := os.OpenFile(out, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			require.NoError(t, err)
			var n, covered int64
			if name == "copyData" {
				n, err = copyData(w, r)
			} else {
				n, err = copyBuffered(w, r, func(off, k int64) {
					assert.Equal(t, covered, off, "writeback ranges in order, without gaps")
					covered += k
				})
				assert.Equal(t, size, covered, "writeback requested for the whole file")
			}
			require.NoError(t, err)
			require.NoError(t, errors.Join(w.Close(), r.Close()))
			assert.Equal(t, size, n, "%s of %d bytes", name, size)
			assert.Equal(t, sum, sha256File(t, out), "%s of %d bytes", name, size)
		}
	}
}
