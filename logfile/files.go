// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// notRegular returns an error wrapping ErrNotRegular that says what the file is.
func notRegular(mode fs.FileMode) error {
	return fmt.Errorf("%w: it is a %s, never followed", ErrNotRegular, fileKind(mode))
}

// lstatRegular returns the file info of path without following a symlink, and an error wrapping
// ErrNotRegular if it is not a regular file.
func lstatRegular(path string) (fs.FileInfo, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return fi, &fs.PathError{Op: "lstat", Path: path, Err: notRegular(fi.Mode())}
	}
	return fi, nil
}

// keepIfRegular returns the open file f (opened from path) when it is a regular file, and
// otherwise closes it and returns an error wrapping ErrNotRegular.
func keepIfRegular(f *os.File, path string) (*os.File, error) {
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: notRegular(fi.Mode())}
	}
	return f, nil
}

// fileKind names the type of a file mode for messages.
func fileKind(mode fs.FileMode) string {
	switch t := mode.Type(); {
	case t&fs.ModeSymlink != 0:
		return "symbolic link"
	case t&fs.ModeDir != 0:
		return "directory"
	case t&fs.ModeNamedPipe != 0:
		return "named pipe"
	case t&fs.ModeSocket != 0:
		return "socket"
	case t&fs.ModeDevice != 0:
		return "device"
	case t == 0:
		return "regular file"
	}
	return "non-regular file"
}

// skipReason is the Skip.Reason for a file left alone because of its type.
func skipReason(mode fs.FileMode) string {
	return fileKind(mode) + ", not a regular file, never followed"
}

// regularEntry lstats dir/name through o to decide whether to act on it: ok when it is a regular
// file; not ok when it does not exist, or is of another type, which is never followed and is
// appended to skipped with skipReason. An lstat that fails otherwise is a *FileError ("stat", the
// path).
func regularEntry(o ops, dir, name string, skipped *[]Skip) (ok bool, err error) {
	path := filepath.Join(dir, name)
	fi, err := o.lstat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fileErr("stat", path, "", err)
	case !fi.Mode().IsRegular():
		*skipped = append(*skipped, Skip{Name: name, Reason: skipReason(fi.Mode())})
		return false, nil
	}
	return true, nil
}

const tempMarker = ".tmp-"

// createTemp creates a new empty file in dir, mode 0600, named "."+final+".tmp-"+16 hex digits: it
// starts with a dot and ends in hex digits, so it never looks like a log ("*.log", "*.log.gz") or a
// generation name, and IsTempName recognizes it after a crash.
func createTemp(dir, final string) (*os.File, error) {
	for range 100 {
		name := fmt.Sprintf(".%s%s%016x", final, tempMarker, rand.Uint64())
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, &fs.PathError{Op: "create temporary file for", Path: filepath.Join(dir, final),
		Err: fs.ErrExist}
}

// IsTempName reports whether name is a temporary file left by an interrupted copy, compression or
// CreateAtomic (".<final name>.tmp-<16 hex digits>", made by createTemp), and for which final name.
func IsTempName(name string) (final string, ok bool) {
	i := strings.LastIndex(name, tempMarker)
	if i < 2 || name[0] != '.' {
		return "", false
	}
	hex := name[i+len(tempMarker):]
	if len(hex) != 16 || strings.Trim(hex, "0123456789abcdef") != "" {
		return "", false
	}
	return name[1:i], true
}

// removeTemp removes path, a leftover temporary file of an interrupted operation, and reports
// whether it is gone now. A path that is not a regular file (or cannot be examined) is left alone.
func removeTemp(o ops, path string) (bool, error) {
	if _, err := lstatRegular(path); err != nil {
		return false, nil
	}
	if err := o.remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, fileErr("remove leftover temporary file", path, "", err)
	}
	return true, nil
}
