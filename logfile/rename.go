package logfile

import (
	"io/fs"
	"os"
	"syscall"
)

// renameCheckThenRename is the fallback of renameNoReplace for filesystems without an atomic
// no-replace rename: it refuses when newpath exists (whatever its type, a dangling symlink
// included), then renames.
func renameCheckThenRename(oldpath, newpath string) error {
	if _, err := os.Lstat(newpath); err == nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EEXIST}
	} else if !os.IsNotExist(err) {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return os.Rename(oldpath, newpath)
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
