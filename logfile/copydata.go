// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"io"
	"os"
)

// Sizes of the cross-filesystem copy: data goes in chunks of copyChunk bytes, after each of which
// the kernel is asked to start writing the chunk back (where it can be), and the buffered fallback
// reads and writes copyBuffer bytes at a time. Memory use is at most copyBuffer per copy, whatever
// the size of the file.
const (
	copyChunk  = 8 << 20
	copyBuffer = 1 << 20
)

// copyBuffered copies src from its current offset to its end into dst at its current offset
// through a copyBuffer-sized buffer, calling writeback(off, n) (unless nil) for each copyChunk
// written, off and n relative to where dst started. It returns the number of bytes copied.
func copyBuffered(dst, src *os.File, writeback func(off, n int64)) (int64, error) {
	buf := make([]byte, copyBuffer)
	var total, started int64
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			w, werr := dst.Write(buf[:n])
			total += int64(w)
			if werr != nil {
				return total, werr
			}
			if writeback != nil && total-started >= copyChunk {
				writeback(started, total-started)
				started = total
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return total, rerr
		}
	}
	if writeback != nil && total > started {
		writeback(started, total-started)
	}
	return total, nil
}
