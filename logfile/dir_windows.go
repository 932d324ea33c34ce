// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"io/fs"
	"os"
	"syscall"
)

// openDir opens the directory dir (following a final symbolic link or junction) for reading. A
// non-directory fails with syscall.ENOTDIR, as on Unix.
func openDir(dir string) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: dir, Err: syscall.ENOTDIR}
	}
	return f, nil
}

// syncDir does nothing on Windows, where a directory cannot be fsynced: FlushFileBuffers needs a
// handle open for writing, which a directory does not give. NTFS journals its metadata, so a
// rename or removal that returned survives a crash once NTFS has written its journal, which it
// does on its own schedule, with no call that waits for it. So on Windows, and only there,
// "durable" in this package's doc comments means "fsynced data under a journaled name": the data
// of a file is always fsynced before its rename, and a crash can at worst undo the last renames,
// leaving the file whole under its old name or its temporary name (which Preserve cleans up).
func syncDir(string) error { return nil }
