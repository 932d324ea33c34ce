// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"os"

	"golang.org/x/sys/unix"
)

const fsImmutableFL = 0x10 // FS_IMMUTABLE_FL from linux/fs.h

// setImmutable sets or clears the immutable attribute (chattr +i): even root cannot rename such a
// file. It needs CAP_LINUX_IMMUTABLE and a filesystem that supports it (ext4, xfs, btrfs).
func setImmutable(path string, on bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	flags, err := unix.IoctlGetInt(int(f.Fd()), unix.FS_IOC_GETFLAGS)
	if err != nil {
		return err
	}
	if on {
		flags |= fsImmutableFL
	} else {
		flags &^= fsImmutableFL
	}
	return unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, flags)
}
