// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// ErrNotRegular is wrapped by errors about a path that is a symbolic link, directory, FIFO or other
// non-regular file where a regular file is required. Such paths are never followed.
var ErrNotRegular = errors.New("not a regular file")

// ErrHousekeeping is wrapped by Rotate's error when every active log was renamed (so each is safe
// as the new generation) but pruning or compressing older generations failed.
var ErrHousekeeping = errors.New("the logs were rotated, but pruning or compressing older generations failed")

// FileError reports what failed on which file. Op is a short verb phrase ("stat", "rename",
// "copy", "compress", "remove", ...), Path the file it was applied to, and Dest, when not empty,
// the destination of a rename, move or copy. Err is the cause; errors.Is sees through it, so
// errors.Is(err, fs.ErrPermission) and errors.Is(err, syscall.ENOSPC) work on a *FileError.
type FileError struct {
	Op   string
	Path string
	Dest string
	Err  error
}

// Error names the operation, the path (and destination, if any) and the cause.
func (e *FileError) Error() string {
	s := e.Op + " " + e.Path
	if e.Dest != "" {
		s += " to " + e.Dest
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// fileErr builds a *FileError, dropping an *fs.PathError or *os.LinkError layer that would only
// repeat the path (pathCause).
func fileErr(op, path, dest string, err error) *FileError {
	return &FileError{Op: op, Path: path, Dest: dest, Err: pathCause(err, path, dest)}
}

// pathCause returns the cause of err when err is an *fs.PathError about path or dest or an
// *os.LinkError from path, a layer that would only repeat a path the message already names; it
// returns any other err as it is. The errno below stays visible to errors.Is.
func pathCause(err error, path, dest string) error {
	switch e := err.(type) {
	case *fs.PathError:
		if e.Path == path || e.Path == dest {
			return e.Err
		}
	case *os.LinkError:
		if e.Old == path {
			return e.Err
		}
	}
	return err
}

// JoinErrors is errors.Join on one line: the messages of errs are separated by
// "; ", as an error is one line. Nil errors are left out, none gives nil, and
// errors.Is and errors.As see each (Unwrap() []error), even when there is one.
func JoinErrors(errs ...error) error {
	var kept joinedErrors
	for _, err := range errs {
		if err != nil {
			kept = append(kept, err)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return kept
}

// joinedErrors is JoinErrors' error of several.
type joinedErrors []error

func (j joinedErrors) Error() string {
	msgs := make([]string, len(j))
	for i, err := range j {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (j joinedErrors) Unwrap() []error { return j }

// asFileError is fileErr for an err that may already be a *FileError naming the file: that one
// is returned as it is.
func asFileError(op, path, dest string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	return fileErr(op, path, dest, err)
}

var errGenerationOverflow = fmt.Errorf("the highest generation number is the largest allowed, %d; "+
	"rename or remove the file with that number", MaxGeneration)

var (
	errBadActiveName = errors.New(`must be a plain file name ending in ".log" ` +
		`that is not itself a generation name like "x.1.log"`)
	errDuplicateName = errors.New("listed twice")
)
