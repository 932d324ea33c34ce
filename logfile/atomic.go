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
}

// CreateAtomic creates a new empty file, mode 0600, under a temporary name
// (".<name>.tmp-<hex>") in the directory of path, which must exist. Nothing exists
// at path until Commit.
func CreateAtomic(path string) (*AtomicFile, error) {
	f, err := createTemp(filepath.Dir(path), filepath.Base(path))
	if err != nil {
		return nil, fileErr("create temporary file for", path, "", err)
	}
	return &AtomicFile{File: f, final: path}, nil
}

// Commit fsyncs and closes the file and renames it to its final path, then fsyncs
// the directory. Unless replace is true it never replaces an existing file (the
// error then satisfies errors.Is(err, fs.ErrExist)); with replace it replaces a
// file at path but not a directory. On failure the temporary file is removed and
// whatever was at path is left as it was.
func (a *AtomicFile) Commit(replace bool) error {
	return a.commit(replace, time.Time{})
}

// commit is Commit that also gives the file the modification time mtime (unless
// zero) before it takes its final name.
func (a *AtomicFile) commit(replace bool, mtime time.Time) (err error) {
	if a.done {
		return errors.New("commit " + a.final + ": already committed or aborted")
	}
	a.done = true
	tmp := a.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	err = a.Sync()
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fileErr("write", tmp, "", err)
	}
	if !mtime.IsZero() {
		if err = setModTime(tmp, mtime); err != nil {
			return fileErr("set modification time of", tmp, "", err)
		}
	}
	if replace {
		err = os.Rename(tmp, a.final)
	} else {
		err = renameNoReplace(tmp, a.final)
	}
	if err != nil {
		return fileErr("rename", tmp, a.final, err)
	}
	return syncDirErr(filepath.Dir(a.final))
}

// Abort closes and removes the temporary file; the final path is untouched. It is
// safe to call after Commit (it then does nothing), so it can be deferred.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.Close()
	os.Remove(a.Name())
}
