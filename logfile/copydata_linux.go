// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// copyData copies src from its current offset to its end into dst, which must start empty, and
// returns the number of bytes copied. It uses sendfile(2) in chunks of copyChunk bytes (the data
// never passes through user space; copy_file_range does not work between tmpfs and a disk
// filesystem), falling back to a copyBuffer-sized buffer where sendfile is not supported. After
// each chunk it asks the kernel to start writing that range of dst back (sync_file_range with
// SYNC_FILE_RANGE_WRITE), so that the disk writes while the copy goes on and a later fsync waits
// for less. That request is only a hint: it neither waits nor makes anything durable, and its
// failure is ignored (fsync reports any write error). Nothing is fsynced here.
func copyData(dst, src *os.File) (int64, error) {
	dc, err := dst.SyscallConn()
	if err != nil {
		return 0, err
	}
	sc, err := src.SyscallConn()
	if err != nil {
		return 0, err
	}
	writeback := func(off, n int64) {
		dc.Control(func(fd uintptr) {
			unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
		})
	}
	var total int64
	for {
		var n int
		var serr, srcCtlErr error
		dstCtlErr := dc.Control(func(dfd uintptr) {
			srcCtlErr = sc.Control(func(sfd uintptr) {
				for {
					n, serr = unix.Sendfile(int(dfd), int(sfd), nil, copyChunk)
					if !errors.Is(serr, unix.EINTR) && !errors.Is(serr, unix.EAGAIN) {
						return
					}
				}
			})
		})
		switch {
		case dstCtlErr != nil || srcCtlErr != nil:
			return total, JoinErrors(dstCtlErr, srcCtlErr)
		case serr != nil && total == 0 && sendfileUnsupported(serr):
			more, err := copyBuffered(dst, src, func(off, n int64) { writeback(total+off, n) })
			return total + more, err
		case serr != nil:
			return total, serr
		case n == 0:
			return total, nil
		}
		writeback(total, int64(n))
		total += int64(n)
	}
}

// sendfileUnsupported reports whether err from sendfile means that it cannot copy between these files.
func sendfileUnsupported(err error) bool {
	return errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) ||
		errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOTSUP)
}
