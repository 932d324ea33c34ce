package logfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// MoveFile moves the regular file src to dst, never replacing an existing dst (the error then
// satisfies errors.Is(err, fs.ErrExist)) and never following or moving a symbolic link or other
// non-regular file (errors.Is(err, ErrNotRegular)). Within one filesystem it is a single no-replace
// rename. Across filesystems (EXDEV) it copies src to a temporary name in dst's directory
// (".<dst name>.tmp-<hex>"), fsyncs the copy, renames it into place without replacing, fsyncs dst's
// directory, and only then removes src; mode and modification time are kept.
//
// Crash safety: at every point src is whole, or dst is whole, or both are (after the copy's rename
// and before src's removal); a partial copy only ever exists under the temporary name, which Preserve
// cleans up on its next run. src must not be written to while it is moved. Errors are *FileError.
func MoveFile(src, dst string) error {
	if _, err := lstatRegular(src); err != nil {
		return fileErr("move", src, dst, err)
	}
	err := renameNoReplace(src, dst)
	if err == nil {
		if err := syncDir(filepath.Dir(dst)); err != nil {
			return fileErr("sync directory", filepath.Dir(dst), "", err)
		}
		return nil
	}
	if !errors.Is(err, syscall.EXDEV) {
		return fileErr("move", src, dst, err)
	}
	if err := copyAtomic("move (copying across filesystems)", src, dst); err != nil {
		return err
	}
	if err := os.Remove(src); err != nil {
		return fileErr("remove after copying (the copy is complete; both files exist)", src, dst, err)
	}
	if err := syncDir(filepath.Dir(src)); err != nil {
		return fileErr("sync directory", filepath.Dir(src), "", err)
	}
	return nil
}

// CopyFile copies the regular file src to dst with the same crash safety as MoveFile's cross-device
// path: the data goes to a temporary name in dst's directory, is fsynced, and is renamed into place
// without replacing an existing dst (errors.Is(err, fs.ErrExist)); dst's directory is then fsynced.
// dst gets src's permission bits and modification time. src is never followed if it is a symbolic
// link (errors.Is(err, ErrNotRegular)). Memory use is flat whatever the size. Errors are *FileError.
func CopyFile(src, dst string) error {
	return copyAtomic("copy", src, dst)
}

// copyAtomic implements CopyFile.
func copyAtomic(op, src, dst string) error {
	in, err := openRegular(src)
	if err != nil {
		return fileErr(op, src, dst, err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return fileErr(op, src, dst, err)
	}
	if _, err := os.Lstat(dst); err == nil {
		return fileErr(op, src, dst, os.ErrExist)
	}
	out, err := CreateAtomic(dst)
	if err != nil {
		return err
	}
	defer out.Abort()
	if _, err := io.Copy(out, in); err != nil {
		return fileErr(op, src, out.Name(), err)
	}
	if err := out.Chmod(fi.Mode().Perm()); err != nil {
		return fileErr("set mode of", out.Name(), "", err)
	}
	return out.commit(false, fi.ModTime())
}
