// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// ErrDestination is wrapped by CheckDestination's errors, and by Preserve's when
// PreserveOptions.Root or destParent is refused: the logs could not be kept there.
var ErrDestination = errors.New("cannot keep logs there")

// CheckDestination checks, changing nothing, that Preserve(srcDir, filepath.Join(root, name),
// PreserveOptions{Root: root}) can create a set directory: that root (the logs directory) and
// root/name (the sets of one source) each exist as a real directory, never a symbolic link, or
// can be created, and that this process may create entries in the deepest of them that exists
// (or, when root does not exist, in its nearest existing ancestor; root's own ancestors may be
// symbolic links). name must be a plain file name (no separator, not "." or ".."). It is meant to
// be called before anything is stopped or moved, so that a destination that cannot be used is
// refused while nothing has changed; Preserve checks the same again, but the filesystem may
// change between the two calls, and a full disk is only found by moving.
//
// Every error is one line naming the path at fault, wrapping ErrDestination and the cause:
// syscall.ENOTDIR for a symbolic link or anything else that is not a directory, and the error of
// the permission check (fs.ErrPermission, syscall.EROFS, ...). On Windows write permission is not
// checked (Windows has no access(2)); Preserve then reports it when it tries.
func CheckDestination(root, name string) error {
	if !isPlainName(name) {
		return destErr(fmt.Errorf("use %q as a directory name in the logs directory %s: not a plain name", name, root))
	}
	return checkDestination(root, filepath.Join(root, name), true)
}

// checkDestination checks root and destParent (root/<name>) as CheckDestination says, the
// permission check only when writable is true.
func checkDestination(root, destParent string, writable bool) error {
	deepest := ""
	for _, dir := range []string{root, destParent} {
		exists, err := realDir(dir)
		if err != nil {
			return err
		}
		if !exists {
			break
		}
		deepest = dir
	}
	if deepest == "" {
		ancestor, err := existingAncestor(root)
		if err != nil {
			return err
		}
		deepest = ancestor
	}
	if !writable {
		return nil
	}
	err := canCreateIn(deepest)
	switch {
	case err == nil:
		return nil
	case deepest == destParent:
		return destErr(fileErr("use as logs directory", deepest, "", err))
	default:
		return destErr(fileErr("create the logs directory", destParent, "", fmt.Errorf("in %s: %w", deepest, err)))
	}
}

// realDir reports whether dir exists, and fails when it exists as anything but a directory (a
// symbolic link to one included: it is never followed).
func realDir(dir string) (bool, error) {
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	case err != nil:
		return false, destErr(fileErr("stat", dir, "", err))
	case !fi.IsDir():
		return false, destErr(fileErr("use as logs directory", dir, "", fmt.Errorf(
			"it is a %s, never followed; move it away or choose another logs directory: %w",
			fileKind(fi.Mode()), syscall.ENOTDIR)))
	}
	return true, nil
}

// existingAncestor returns the nearest ancestor of dir that exists, which must be a directory
// (symbolic links followed: these are the logs directory's parents, such as a linked home).
func existingAncestor(dir string) (string, error) {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		switch {
		case err == nil && fi.IsDir():
			return d, nil
		case err == nil:
			return "", destErr(fileErr("create the logs directory", dir, "", fmt.Errorf("%s is a %s: %w",
				d, fileKind(fi.Mode()), syscall.ENOTDIR)))
		case !errors.Is(err, os.ErrNotExist):
			return "", destErr(fileErr("stat", d, "", err))
		}
		if filepath.Dir(d) == d {
			return "", destErr(fileErr("create the logs directory", dir, "", os.ErrNotExist))
		}
	}
}

// destinationError is an error of CheckDestination: err's words, with ErrDestination and err both
// seen by errors.Is and errors.As.
type destinationError struct{ err error }

func destErr(err error) error { return destinationError{err} }

func (e destinationError) Error() string   { return e.err.Error() }
func (e destinationError) Unwrap() []error { return []error{ErrDestination, e.err} }
