// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !linux

package logfile

import "os"

// copyData copies src from its current offset to its end into dst through a buffer of copyBuffer
// bytes (this platform has no sendfile to a file and no sync_file_range). It returns the number
// of bytes copied; nothing is fsynced.
func copyData(dst, src *os.File) (int64, error) {
	return copyBuffered(dst, src, nil)
}
