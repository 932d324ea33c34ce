// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Link makes dst a new hard link to the regular file src (both names then are the same file, so
// a later unlink of either leaves the other whole). It never replaces dst (the error then
// satisfies errors.Is(err, fs.ErrExist)) and never links a symbolic link or other non-regular
// file (errors.Is(err, ErrNotRegular)): src is checked first and the new link checked again, and
// a link that does not turn out to be the file that was checked is removed. Across filesystems it
// fails with an error satisfying errors.Is(err, syscall.EXDEV). It does not fsync dst's directory
// (see SyncDir). Errors are *FileError.
func Link(src, dst string) error {
	fi, err := lstatRegular(src)
	if err != nil {
		return fileErr("link", src, dst, err)
	}
	if err := os.Link(src, dst); err != nil {
		return fileErr("link", src, dst, err)
	}
	now, err := os.Lstat(dst)
	if err != nil || !now.Mode().IsRegular() || !os.SameFile(fi, now) {
		_ = os.Remove(dst)
		return fileErr("link", src, dst, fmt.Errorf("%s changed while it was linked: %w", src, ErrNotRegular))
	}
	return nil
}

// RenameRegular renames the regular file src to dst without replacing dst (errors.Is(err,
// fs.ErrExist)) and never renames a symbolic link or other non-regular file (errors.Is(err,
// ErrNotRegular)). It never copies: across filesystems it fails with an error satisfying
// errors.Is(err, syscall.EXDEV) and changes nothing. It does not fsync any directory (see
// SyncDir). Errors are *FileError.
func RenameRegular(src, dst string) error {
	return renameRegularNoReplace(src, dst)
}

// SyncDir fsyncs the directory dir, so that the links, renames and removals made in it survive a
// crash (on Windows it does nothing; see the package documentation). Errors are *FileError.
func SyncDir(dir string) error {
	return realOps().syncDirErr(dir)
}

// NextGeneration returns 1 + the highest N of any "<base>.<N>.log" or "<base>.<N>.log.gz" entry in
// any of dirs, whatever its base or file type, or 1 when there is none: the number Rotate would
// give the next generation if the generations of all dirs were in one. A directory that does not
// exist counts as empty. If the highest N is the largest int, that is an error.
func NextGeneration(dirs ...string) (int, error) {
	highest := 0
	for _, dir := range dirs {
		n, err := nextGeneration(dir)
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			return 0, err
		}
		if n-1 > highest {
			highest = n - 1
		}
	}
	if highest >= MaxGeneration {
		return 0, fileErr("number next generation in", filepath.Join(dirs...), "", errGenerationOverflow)
	}
	return highest + 1, nil
}

// Housekeep does what Rotate does once it has renamed the active logs to generation newest: unless
// opts.KeepAll it removes the files of all but the newest opts.MaxBackups generations of the bases
// of opts.Names, and with opts.Compress it gzips the generations older than newest, with the same
// guarantees. It is for a caller that made generation newest itself (for example by linking files
// in) and holds WithDirLock(dir). Its error wraps ErrHousekeeping.
func Housekeep(dir string, opts RotateOptions, newest int) (RotateResult, error) {
	var res RotateResult
	bases, err := baseOrder(opts.Names)
	if err != nil {
		return res, err
	}
	if !opts.KeepAll && opts.MaxBackups < 1 {
		return res, fmt.Errorf("housekeep %s: MaxBackups is %d, must be at least 1 unless all logs are kept",
			dir, opts.MaxBackups)
	}
	res.Generation = newest
	if err := housekeep(dir, bases, newest, opts, realOps(), &res); err != nil {
		return res, fmt.Errorf("%w: %w", ErrHousekeeping, err)
	}
	return res, nil
}
