// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"os"
	"path/filepath"
	"time"
)

// AtomicFile is a file being written under a temporary name next to its final path,
// so that the final path only ever holds a complete file. Create it with
// CreateAtomic, write to it, then call Commit, or Abort to throw it away.
type AtomicFile struct {
	*os.File
	final string
	done  bool
	o     ops // the calls that change files
}

// CreateAtomic creates a new empty file, mode 0600, under a temporary name
// (".<name>.tmp-<hex>") in the directory of path, which must exist. Nothing exists
// at path until Commit.
func CreateAtomic(path string) (*AtomicFile, error) {
	return createAtomic(realOps(), path)
}

// createAtomic is CreateAtomic through the calls of o, which the file then uses throughout.
func createAtomic(o ops, path string) (*AtomicFile, error) {
	f, err := o.createTemp(filepath.Dir(path), filepath.Base(path))
	if err != nil {
		return nil, fileErr("create temporary file for", path, "", err)
	}
	return &AtomicFile{File: f, final: path, o: o}, nil
}

// Commit fsyncs and closes the file and renames it to its final path, then fsyncs
// the directory. Unless replace is true it never replaces an existing file (the
// error then satisfies errors.Is(err, fs.ErrExist)); with replace it replaces a
// file at path but not a directory. When the fsync or the rename fails, the
// temporary file is removed and whatever was at path is left as it was; when only
// the final directory fsync fails, the new file is already at path (with replace,
// the old one is gone) and may not survive a crash.
func (a *AtomicFile) Commit(replace bool) error {
	return a.commit(replace, time.Time{})
}

// commit is Commit that also gives the file the modification time mtime (unless zero)
// before it is fsynced, so that the time is as durable as the data.
func (a *AtomicFile) commit(replace bool, mtime time.Time) error {
	if a.done {
		return errors.New("commit " + a.final + ": already committed or aborted")
	}
	tmp := a.Name()
	if !mtime.IsZero() {
		if err := a.o.setModTime(tmp, mtime); err != nil {
			a.Abort()
			return fileErr("set modification time of", tmp, "", err)
		}
	}
	if err := a.syncClose(); err != nil {
		return fileErr("write", tmp, "", err)
	}
	rename := a.o.rename
	if replace {
		rename = a.o.replace
	}
	if err := a.publish(rename); err != nil {
		return fileErr("rename", tmp, a.final, err)
	}
	return a.o.syncDirErr(filepath.Dir(a.final))
}

// syncClose fsyncs the temporary file and closes it, the first half of a commit. On
// failure the temporary file is removed and a is done.
func (a *AtomicFile) syncClose() error {
	err := a.o.fsync(a.File)
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		a.done = true
		a.o.remove(a.Name())
	}
	return err
}

// publish gives the closed, fsynced temporary file its final name with rename (which must not
// replace an existing file unless the caller wants that), the second half of a commit; it does
// not fsync the directory. On failure the temporary file is removed. Either way a is done.
func (a *AtomicFile) publish(rename func(oldpath, newpath string) error) error {
	a.done = true
	err := rename(a.Name(), a.final)
	if err != nil {
		a.o.remove(a.Name())
	}
	return err
}

// Abort closes and removes the temporary file; the final path is untouched. It is
// safe to call after Commit (it then does nothing), so it can be deferred.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.Close()
	a.o.remove(a.Name())
}
