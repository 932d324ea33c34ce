// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"io/fs"
	"os"
	"time"
)

// ops are the filesystem calls through which Rotate (compression included), Preserve (copyFile
// included), MoveFile and AtomicFile change things.
// Production code uses realOps; tests pass a copy with one func wrapped to inject a fault (or a
// simulated crash) on a chosen file. There is no package-level instance: each call builds its own.
type ops struct {
	lstat  func(path string) (fs.FileInfo, error)
	rename func(oldpath, newpath string) error // must never replace newpath
	// replace renames oldpath to newpath, replacing a file at newpath (Commit(true) only).
	replace func(oldpath, newpath string) error
	// renameRegular renames the regular file src to dst without replacing dst (never a symbolic
	// link or other non-regular file). When they are on different filesystems it fails with an
	// error satisfying errors.Is(err, syscall.EXDEV) and changes nothing, and the caller copies
	// (moveAcross). It does not fsync any directory.
	renameRegular func(src, dst string) error
	// copyData copies the data of a cross-filesystem move or copy (copyData).
	copyData func(dst, src *os.File) (int64, error)
	fsync    func(f *os.File) error
	syncDir  func(dir string) error
	remove   func(path string) error
	mkdir    func(path string, perm fs.FileMode) error
	mkdirAll func(path string, perm fs.FileMode) error
	// createTemp creates a new temporary file for final in dir (see createTemp).
	createTemp func(dir, final string) (*os.File, error)
	chmod      func(f *os.File, mode fs.FileMode) error
	// setModTime sets the modification time of path, never following a symbolic link.
	setModTime func(path string, t time.Time) error
}

func realOps() ops {
	return ops{lstat: os.Lstat, rename: renameNoReplace, replace: os.Rename,
		renameRegular: renameRegularNoReplace, copyData: copyData, fsync: (*os.File).Sync, syncDir: syncDir, remove: os.Remove,
		mkdir: os.Mkdir, mkdirAll: os.MkdirAll, createTemp: createTemp,
		chmod: (*os.File).Chmod, setModTime: setModTime}
}

// syncDirErr is o.syncDir with the error as a *FileError naming dir.
func (o ops) syncDirErr(dir string) error {
	if err := o.syncDir(dir); err != nil {
		return fileErr("sync directory", dir, "", err)
	}
	return nil
}
