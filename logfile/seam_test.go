// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// These tests inject a fault through ops on each path that changes a file outside the
// cross-filesystem batch (which crossmove_test.go covers) and check that nothing is lost: every
// log is whole somewhere, and the error names the file and the step.

// failSyncDir returns real ops whose syncDir fails with EIO for dir.
func failSyncDir(dir string) ops {
	o := realOps()
	o.syncDir = func(d string) error {
		if d == dir {
			return &fs.PathError{Op: "fsync", Path: d, Err: syscall.EIO}
		}
		return syncDir(d)
	}
	return o
}

// failRemove returns real ops whose remove fails with EIO for the file named name.
func failRemove(name string) ops {
	o := realOps()
	o.remove = func(path string) error {
		if filepath.Base(path) == name {
			return &fs.PathError{Op: "remove", Path: path, Err: syscall.EIO}
		}
		return os.Remove(path)
	}
	return o
}

// requireFileErr checks that err wraps errno and is a *FileError about path.
func requireFileErr(t *testing.T, err error, errno error, path string) {
	t.Helper()
	require.ErrorIs(t, err, errno)
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, path, fe.Path)
}

func TestRotateSyncDirFaultKeepsRenamedLogs(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "serial.log"), "boot 1")
	res, err := rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 3}, failSyncDir(dir))
	requireFileErr(t, err, syscall.EIO, dir)
	assert.Equal(t, 1, res.Generation)
	assert.Equal(t, map[string]string{"serial.1.log": "boot 1"}, snapshot(t, dir))
}

// compressSetup makes dir with serial.1.log and an active serial.log, so that the rotation to
// generation 2 compresses serial.1.log.
func compressSetup(t *testing.T) string {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "serial.1.log"), bootLog(1))
	writeFile(t, filepath.Join(dir, "serial.log"), bootLog(2))
	return dir
}

func TestCompressFaultsLoseNothing(t *testing.T) {
	rotateWith := func(t *testing.T, dir string, o ops) (RotateResult, error) {
		return rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 3, Compress: true}, o)
	}
	t.Run("remove of the plain file fails", func(t *testing.T) {
		dir := compressSetup(t)
		res, err := rotateWith(t, dir, failRemove("serial.1.log"))
		require.ErrorIs(t, err, ErrHousekeeping)
		requireFileErr(t, err, syscall.EIO, filepath.Join(dir, "serial.1.log"))
		assert.Empty(t, res.Compressed)
		assert.Equal(t, []string{"serial.1.log", "serial.1.log.gz", "serial.2.log"}, testutil.DirNames(t, dir))
		assert.Equal(t, bootLog(1), readFile(t, filepath.Join(dir, "serial.1.log")))
		assert.Equal(t, bootLog(1), readLog(t, filepath.Join(dir, "serial.1.log.gz")))

		// The next rotation verifies the ".gz" and finishes the job.
		writeFile(t, filepath.Join(dir, "serial.log"), bootLog(3))
		res, err = rotateWith(t, dir, realOps())
		require.NoError(t, err)
		assert.Equal(t, []string{"serial.1.log", "serial.2.log"}, res.Compressed)
		assert.Equal(t, bootLog(1), readLog(t, filepath.Join(dir, "serial.1.log.gz")))
	})
	t.Run("fsync of the gzip copy fails", func(t *testing.T) {
		dir := compressSetup(t)
		o := realOps()
		o.fsync = func(*os.File) error { return syscall.EIO }
		res, err := rotateWith(t, dir, o)
		require.ErrorIs(t, err, ErrHousekeeping)
		require.ErrorIs(t, err, syscall.EIO)
		assert.Empty(t, res.Compressed)
		assert.Equal(t, map[string]string{"serial.1.log": bootLog(1), "serial.2.log": bootLog(2)}, snapshot(t, dir),
			"plain file kept, no temporary file left")
	})
	t.Run("rename of the gzip copy fails", func(t *testing.T) {
		dir := compressSetup(t)
		o := realOps()
		o.rename = func(oldpath, newpath string) error {
			if filepath.Base(newpath) == "serial.1.log.gz" {
				return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EIO}
			}
			return renameNoReplace(oldpath, newpath)
		}
		_, err := rotateWith(t, dir, o)
		require.ErrorIs(t, err, ErrHousekeeping)
		require.ErrorIs(t, err, syscall.EIO)
		assert.Equal(t, map[string]string{"serial.1.log": bootLog(1), "serial.2.log": bootLog(2)}, snapshot(t, dir))
	})
	t.Run("directory sync fails", func(t *testing.T) {
		dir := compressSetup(t)
		calls := 0
		o := realOps()
		o.syncDir = func(d string) error {
			if calls++; calls > 1 { // the first is the rotation's own
				return &fs.PathError{Op: "fsync", Path: d, Err: syscall.EIO}
			}
			return syncDir(d)
		}
		_, err := rotateWith(t, dir, o)
		require.ErrorIs(t, err, ErrHousekeeping)
		requireFileErr(t, err, syscall.EIO, dir)
		// The ".gz" may not be durable, so the plain file is kept too.
		assert.Equal(t, []string{"serial.1.log", "serial.1.log.gz", "serial.2.log"}, testutil.DirNames(t, dir))
		assert.Equal(t, bootLog(1), readFile(t, filepath.Join(dir, "serial.1.log")))
		assert.Equal(t, bootLog(1), readLog(t, filepath.Join(dir, "serial.1.log.gz")))
	})
}

func TestPreserveRemoveFaults(t *testing.T) {
	t.Run("removing a leftover temporary file fails", func(t *testing.T) {
		src, destParent := t.TempDir(), filepath.Join(t.TempDir(), "vm")
		old := filepath.Join(destParent, "20240102T000000Z")
		require.NoError(t, os.MkdirAll(old, 0o700))
		tmp := ".serial.log.tmp-0123456789abcdef"
		writeFile(t, filepath.Join(old, tmp), "partial")
		writeFile(t, filepath.Join(src, "serial.log"), "boot")
		res, err := preserve(src, destParent, PreserveOptions{Now: setTime}, failRemove(tmp))
		requireFileErr(t, err, syscall.EIO, filepath.Join(old, tmp))
		assert.Equal(t, []string{"serial.log"}, res.Moved, "the logs are still preserved")
		assert.Equal(t, map[string]string{"serial.log": "boot"}, snapshot(t, filepath.Join(destParent, setStamp)))
		assert.Equal(t, map[string]string{tmp: "partial"}, snapshot(t, old))
	})
	t.Run("removing the set directory nothing was moved into fails", func(t *testing.T) {
		src, destParent := t.TempDir(), filepath.Join(t.TempDir(), "vm")
		writeFile(t, filepath.Join(src, "serial.log"), "boot")
		o := failRemove(setStamp)
		o.renameRegular = func(src, dst string) error { return fileErr("move", src, dst, syscall.EIO) }
		res, err := preserve(src, destParent, PreserveOptions{Now: setTime}, o)
		require.ErrorIs(t, err, syscall.EIO)
		assert.Contains(t, err.Error(), filepath.Join(destParent, setStamp))
		assert.Equal(t, filepath.Join(destParent, setStamp), res.Dir, "the set left behind is named")
		assert.Empty(t, res.Moved)
		assert.Equal(t, map[string]string{"serial.log": "boot"}, snapshot(t, src))
	})
	t.Run("copying a config file fails at its fsync", func(t *testing.T) {
		src, destParent := t.TempDir(), filepath.Join(t.TempDir(), "vm")
		writeFile(t, filepath.Join(src, "serial.log"), "boot")
		writeFile(t, filepath.Join(src, "lima.yaml"), "config")
		o := realOps()
		o.fsync = func(f *os.File) error {
			if finalName(f.Name()) == "lima.yaml" {
				return syscall.EIO
			}
			return f.Sync()
		}
		res, err := preserve(src, destParent, PreserveOptions{Now: setTime, Copy: []string{"lima.yaml"}}, o)
		requireFileErr(t, err, syscall.EIO, filepath.Join(src, "lima.yaml"))
		assert.Empty(t, res.Copied)
		assert.Equal(t, map[string]string{"serial.log": "boot"}, snapshot(t, filepath.Join(destParent, setStamp)),
			"no partial copy left")
		assert.Equal(t, map[string]string{"lima.yaml": "config"}, snapshot(t, src))
	})
}

func TestPreserveMkdirFaults(t *testing.T) {
	eio := func(path string, _ fs.FileMode) error {
		return &fs.PathError{Op: "mkdir", Path: path, Err: syscall.EIO}
	}
	t.Run("creating the logs directory fails", func(t *testing.T) {
		src, destParent := t.TempDir(), filepath.Join(t.TempDir(), "vm")
		writeFile(t, filepath.Join(src, "serial.log"), "boot")
		o := realOps()
		o.mkdirAll = eio
		_, err := preserve(src, destParent, PreserveOptions{Now: setTime}, o)
		requireFileErr(t, err, syscall.EIO, destParent)
		assert.Equal(t, map[string]string{"serial.log": "boot"}, snapshot(t, src))
		assert.NoDirExists(t, destParent)
	})
	t.Run("creating the set directory fails", func(t *testing.T) {
		src, destParent := t.TempDir(), filepath.Join(t.TempDir(), "vm")
		writeFile(t, filepath.Join(src, "serial.log"), "boot")
		o := realOps()
		o.mkdir = eio
		res, err := preserve(src, destParent, PreserveOptions{Now: setTime}, o)
		requireFileErr(t, err, syscall.EIO, filepath.Join(destParent, setStamp))
		assert.Empty(t, res.Moved)
		assert.Empty(t, res.Dir)
		assert.Equal(t, map[string]string{"serial.log": "boot"}, snapshot(t, src))
	})
}

func TestMoveFileFaults(t *testing.T) {
	t.Run("move fails", func(t *testing.T) {
		dir := t.TempDir()
		src, dst := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
		writeFile(t, src, "data")
		o := realOps()
		o.renameRegular = func(src, dst string) error { return fileErr("move", src, dst, syscall.EIO) }
		requireFileErr(t, moveFile(src, dst, o), syscall.EIO, src)
		assert.Equal(t, map[string]string{"a.log": "data"}, snapshot(t, dir))
	})
	t.Run("directory sync after the rename fails", func(t *testing.T) {
		dir := t.TempDir()
		src, dst := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
		writeFile(t, src, "data")
		requireFileErr(t, moveFile(src, dst, failSyncDir(dir)), syscall.EIO, dir)
		assert.Equal(t, map[string]string{"b.log": "data"}, snapshot(t, dir))
	})
}

func TestCopyFileFaults(t *testing.T) {
	setup := func(t *testing.T) (dir, src, dst string) {
		dir = t.TempDir()
		src, dst = filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
		writeFile(t, src, "data")
		return dir, src, dst
	}
	t.Run("copy of the data fails", func(t *testing.T) {
		dir, src, dst := setup(t)
		o := realOps()
		o.copyData = func(*os.File, *os.File) (int64, error) { return 0, syscall.ENOSPC }
		requireFileErr(t, copyFile(src, dst, o), syscall.ENOSPC, src)
		assert.Equal(t, map[string]string{"a.log": "data"}, snapshot(t, dir))
	})
	t.Run("fsync fails", func(t *testing.T) {
		dir, src, dst := setup(t)
		o := realOps()
		o.fsync = func(*os.File) error { return syscall.EIO }
		requireFileErr(t, copyFile(src, dst, o), syscall.EIO, src)
		assert.Equal(t, map[string]string{"a.log": "data"}, snapshot(t, dir))
	})
	t.Run("rename fails", func(t *testing.T) {
		dir, src, dst := setup(t)
		o := realOps()
		o.rename = func(oldpath, newpath string) error {
			return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EIO}
		}
		requireFileErr(t, copyFile(src, dst, o), syscall.EIO, src)
		assert.Equal(t, map[string]string{"a.log": "data"}, snapshot(t, dir))
	})
	t.Run("directory sync fails", func(t *testing.T) {
		dir, src, dst := setup(t)
		requireFileErr(t, copyFile(src, dst, failSyncDir(dir)), syscall.EIO, dir)
		assert.Equal(t, map[string]string{"a.log": "data", "b.log": "data"}, snapshot(t, dir))
	})
}

// tempFaults are ops that fail, with EIO, one of the calls that make or finish a temporary file:
// its creation, its mode, its modification time.
func tempFaults() map[string]ops {
	eio := func(op, path string) error { return &fs.PathError{Op: op, Path: path, Err: syscall.EIO} }
	faults := map[string]ops{}
	o := realOps()
	o.createTemp = func(dir, final string) (*os.File, error) { return nil, eio("open", filepath.Join(dir, final)) }
	faults["creating the temporary file"] = o
	o = realOps()
	o.chmod = func(f *os.File, _ fs.FileMode) error { return eio("chmod", f.Name()) }
	faults["setting its mode"] = o
	o = realOps()
	o.setModTime = func(path string, _ time.Time) error { return eio("utimensat", path) }
	faults["setting its modification time"] = o
	return faults
}

func TestTempFileFaultsLoseNothingAndLeaveNoTemporary(t *testing.T) {
	for name, o := range tempFaults() {
		t.Run("copy: "+name, func(t *testing.T) {
			dir := t.TempDir()
			src, dst := filepath.Join(dir, "serial.log"), filepath.Join(dir, "copy.log")
			writeFile(t, src, "boot")
			err := copyFile(src, dst, o)
			require.ErrorIs(t, err, syscall.EIO)
			var fe *FileError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, map[string]string{"serial.log": "boot"}, snapshot(t, dir))
		})
		t.Run("move across filesystems: "+name, func(t *testing.T) {
			dir := t.TempDir()
			src, dst := filepath.Join(dir, "serial.log"), filepath.Join(dir, "set", "serial.log")
			writeFile(t, src, "boot")
			require.NoError(t, os.Mkdir(filepath.Dir(dst), 0o700))
			across := acrossOps()
			across.createTemp, across.chmod, across.setModTime = o.createTemp, o.chmod, o.setModTime
			require.ErrorIs(t, moveFile(src, dst, across), syscall.EIO)
			assert.Equal(t, "boot", readFile(t, src), "the log stays whole where it was")
			assert.Empty(t, testutil.DirNames(t, filepath.Dir(dst)))
		})
		t.Run("compress: "+name, func(t *testing.T) {
			dir := compressSetup(t)
			res, err := rotate(dir, RotateOptions{Names: limaLogs, MaxBackups: 3, Compress: true}, o)
			require.ErrorIs(t, err, ErrHousekeeping)
			require.ErrorIs(t, err, syscall.EIO)
			assert.Empty(t, res.Compressed)
			assert.Equal(t, map[string]string{"serial.1.log": bootLog(1), "serial.2.log": bootLog(2)}, snapshot(t, dir))
		})
	}
}

func TestAtomicFileAbortRemovalFaultLeavesOnlyATemporary(t *testing.T) {
	dir := t.TempDir()
	a, err := createAtomic(failRemove(""), filepath.Join(dir, "out.log"))
	require.NoError(t, err)
	tmp := filepath.Base(a.Name())
	a.o = failRemove(tmp)
	_, err = a.WriteString("partial")
	require.NoError(t, err)
	a.Abort()
	assert.Equal(t, map[string]string{tmp: "partial"}, snapshot(t, dir),
		"a temporary file the removal could not take is left (IsTempName finds it); no final file appears")
	final, isTemp := IsTempName(tmp)
	assert.True(t, isTemp)
	assert.Equal(t, "out.log", final)
}

// failRenameRegular returns real ops whose renameRegular fails with EIO for the file named name.
func failRenameRegular(name string) ops {
	o := realOps()
	rename := o.renameRegular
	o.renameRegular = func(src, dst string) error {
		if filepath.Base(src) == name {
			return &fs.PathError{Op: "rename", Path: src, Err: syscall.EIO}
		}
		return rename(src, dst)
	}
	return o
}

// With AllOrNothing, a log that cannot be moved sends those already moved back: every log is
// where it was, and no set is left. Without it, the others stay whole in the set.
func TestPreserveAllOrNothingMovesBack(t *testing.T) {
	for _, allOrNothing := range []bool{true, false} {
		t.Run(fmt.Sprint("AllOrNothing=", allOrNothing), func(t *testing.T) {
			src, dest := t.TempDir(), filepath.Join(t.TempDir(), "vm")
			logs := map[string]string{"serial.log": "console", "serial.1.log": "old console", "ha.stderr.log": "agent"}
			for name, content := range logs {
				writeFile(t, filepath.Join(src, name), content)
			}
			writeFile(t, filepath.Join(src, "lima.yaml"), "config")
			res, err := preserve(src, dest, PreserveOptions{Copy: []string{"lima.yaml"}, AllOrNothing: allOrNothing},
				failRenameRegular("serial.log"))
			requireFileErr(t, err, syscall.EIO, filepath.Join(src, "serial.log"))
			if !allOrNothing {
				assert.ElementsMatch(t, []string{"serial.1.log", "ha.stderr.log"}, res.Moved)
				assert.Equal(t, map[string]string{"serial.1.log": "old console", "ha.stderr.log": "agent", "lima.yaml": "config"}, snapshot(t, res.Dir))
				return
			}
			assert.Empty(t, res.Moved)
			assert.Empty(t, res.Dir)
			logs["lima.yaml"] = "config"
			assert.Equal(t, logs, snapshot(t, src), "every log where it was")
			assert.NoDirExists(t, dest, "no set left, nor the parent this run created")
		})
	}
}
