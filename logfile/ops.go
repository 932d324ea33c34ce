package logfile

import (
	"io/fs"
	"os"
)

// ops are the filesystem calls through which Rotate and Preserve change things. Production code
// uses realOps; tests pass a copy with one func wrapped to inject a fault on a chosen file. There is
// no package-level instance: each call builds its own.
type ops struct {
	lstat  func(path string) (fs.FileInfo, error)
	rename func(oldpath, newpath string) error // must never replace newpath
	remove func(path string) error
	move   func(src, dst string) error
	copy   func(src, dst string) error
}

func realOps() ops {
	return ops{lstat: os.Lstat, rename: renameNoReplace, remove: os.Remove, move: MoveFile, copy: CopyFile}
}
