// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// MoveFile moves the regular file src to dst, never replacing an existing dst
// (errors.Is(err, fs.ErrExist)) and never moving a symbolic link or other non-regular file
// (errors.Is(err, ErrNotRegular)). Within one filesystem it is a no-replace rename and an fsync of
// dst's directory; across filesystems it copies and removes src only once the copy is durable
// under dst (see moveAcross), so a crash leaves src whole, dst whole, or both. src must not be
// written to meanwhile. Errors are *FileError.
func MoveFile(src, dst string) error {
	return moveFile(src, dst, realOps())
}

// moveFile implements MoveFile with the calls of o.
func moveFile(src, dst string, o ops) error {
	err := o.renameRegular(src, dst)
	if err == nil {
		return o.syncDirErr(filepath.Dir(dst))
	}
	if !errors.Is(err, syscall.EXDEV) {
		return err
	}
	m := &crossMove{src: src, dst: dst}
	if err := moveAcross(o, []*crossMove{m}); err != nil {
		return err
	}
	return m.err
}

// renameRegularNoReplace is ops.renameRegular: a no-replace rename of the regular file src to
// dst, failing with a *FileError that satisfies errors.Is(err, syscall.EXDEV) when they are on
// different filesystems.
func renameRegularNoReplace(src, dst string) error {
	if _, err := lstatRegular(src); err != nil {
		return fileErr("move", src, dst, err)
	}
	if err := renameNoReplace(src, dst); err != nil {
		return fileErr("move", src, dst, err)
	}
	return nil
}

// copyFile copies the regular file src (never a symbolic link: errors.Is(err, ErrNotRegular)) to
// dst with its mode and modification time, through the calls of o. dst appears whole or not at
// all: the copy is written to a temporary name, fsynced, and renamed without replacing an existing
// dst (errors.Is(err, fs.ErrExist)), then dst's directory is fsynced. Errors are *FileError.
func copyFile(src, dst string, o ops) error {
	out, err := copyToTemp(o, "copy", src, dst)
	if err != nil {
		return err
	}
	if err := out.syncClose(); err != nil {
		return fileErr("copy (syncing the copy to disk)", src, out.Name(), err)
	}
	if err := out.publish(o.rename); err != nil {
		return fileErr("copy (renaming the copy into place)", src, dst, err)
	}
	return o.syncDirErr(filepath.Dir(dst))
}

// copyToTemp copies the regular file src to a new temporary file for dst (CreateAtomic) with
// o.copyData and gives it src's permission bits and modification time. The copy is neither
// fsynced nor closed. It refuses early when dst exists (errors.Is(err, fs.ErrExist)). On failure
// nothing is left behind and the error is a *FileError naming src, with the verb op.
func copyToTemp(o ops, op, src, dst string) (*AtomicFile, error) {
	in, err := OpenRegular(src)
	if err != nil {
		return nil, fileErr(op, src, dst, err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return nil, fileErr(op, src, dst, err)
	}
	if _, err := o.lstat(dst); err == nil {
		return nil, fileErr(op, src, dst, os.ErrExist)
	}
	out, err := createAtomic(o, dst)
	if err != nil {
		return nil, fileErr(op, src, dst, err)
	}
	if _, err := o.copyData(out.File, in); err != nil {
		out.Abort()
		return nil, fileErr(op, src, out.Name(), err)
	}
	if err := o.chmod(out.File, fi.Mode().Perm()); err != nil {
		out.Abort()
		return nil, fileErr(op+" (setting the mode of the copy)", src, out.Name(), err)
	}
	if err := o.setModTime(out.Name(), fi.ModTime()); err != nil {
		out.Abort()
		return nil, fileErr(op+" (setting the modification time of the copy)", src, out.Name(), err)
	}
	return out, nil
}
