// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

func TestLinkKeepsTheFileWhenTheOtherNameGoes(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "serial.log"), filepath.Join(dir, "kept.log")
	writeFile(t, src, "boot 1\n")
	require.NoError(t, Link(src, dst))
	require.NoError(t, os.Remove(src))
	assert.Equal(t, "boot 1\n", readFile(t, dst))
	var fe *FileError
	writeFile(t, src, "boot 2\n")
	err := Link(src, dst)
	require.ErrorAs(t, err, &fe)
	assert.ErrorIs(t, err, fs.ErrExist, "never replaces")
	assert.Equal(t, "boot 1\n", readFile(t, dst))
	assert.ErrorIs(t, Link(filepath.Join(dir, "nope.log"), filepath.Join(dir, "x.log")), os.ErrNotExist)
}

func TestLinkNeverLinksASymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "secret")
	writeFile(t, target, "secret")
	require.NoError(t, os.Symlink(target, filepath.Join(dir, "serial.log")))
	err := Link(filepath.Join(dir, "serial.log"), filepath.Join(dir, "kept.log"))
	assert.ErrorIs(t, err, ErrNotRegular)
	assert.NoFileExists(t, filepath.Join(dir, "kept.log"))
}

func TestLinkAcrossFilesystemsIsEXDEV(t *testing.T) {
	shm, err := os.MkdirTemp("/dev/shm", "lk")
	if err != nil {
		testutil.MissingPrerequisite(t, "a directory on /dev/shm (tmpfs), another filesystem: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(shm) })
	src := filepath.Join(t.TempDir(), "serial.log")
	writeFile(t, src, "x")
	assert.ErrorIs(t, Link(src, filepath.Join(shm, "serial.log")), syscall.EXDEV)
}

func TestRenameRegular(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	writeFile(t, a, "a")
	writeFile(t, b, "b")
	assert.ErrorIs(t, RenameRegular(a, b), fs.ErrExist)
	require.NoError(t, os.Remove(b))
	require.NoError(t, RenameRegular(a, b))
	assert.Equal(t, map[string]string{"b.log": "a"}, snapshot(t, dir))
	if runtime.GOOS != "windows" {
		require.NoError(t, os.Symlink(b, a))
		assert.ErrorIs(t, RenameRegular(a, filepath.Join(dir, "c.log")), ErrNotRegular)
	}
	require.NoError(t, SyncDir(dir))
}

func TestNextGenerationOverDirectories(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	n, err := NextGeneration(a, b, filepath.Join(a, "missing"))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	writeFile(t, filepath.Join(a, "serial.3.log"), "")
	writeFile(t, filepath.Join(b, "ha.stderr.7.log.gz"), "")
	writeFile(t, filepath.Join(b, "other.9999999999.log"), "") // above MaxGeneration: not a generation
	n, err = NextGeneration(a, b)
	require.NoError(t, err)
	assert.Equal(t, 8, n)
	writeFile(t, filepath.Join(a, "serial.999999999.log"), "")
	_, err = NextGeneration(a, b)
	assert.ErrorIs(t, err, errGenerationOverflow)
}

func TestHousekeepPrunesAndCompressesAsRotate(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"serial.1.log", "serial.2.log", "serial.3.log", "ha.stderr.2.log", "ha.stderr.3.log", "other.1.log"} {
		writeFile(t, filepath.Join(dir, name), name)
	}
	res, err := Housekeep(dir, RotateOptions{Names: []string{"serial.log", "ha.stderr.log"}, MaxBackups: 2, Compress: true}, 3)
	require.NoError(t, err)
	assert.Equal(t, 3, res.Generation)
	assert.Equal(t, []string{"serial.1.log"}, res.Pruned)
	assert.ElementsMatch(t, []string{"serial.2.log", "ha.stderr.2.log"}, res.Compressed)
	assert.Equal(t, []string{"ha.stderr.2.log.gz", "ha.stderr.3.log", "other.1.log", "serial.2.log.gz", "serial.3.log"}, testutil.DirNames(t, dir))
	_, err = Housekeep(dir, RotateOptions{Names: []string{"serial.log"}}, 3)
	assert.ErrorContains(t, err, "MaxBackups is 0")
	_, err = Housekeep(dir, RotateOptions{Names: []string{"serial.1.log"}, KeepAll: true}, 3)
	assert.Error(t, err, "a generation name is not an active log")
}

func TestTryLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.lock")
	locked, err := FileLocked(path)
	require.NoError(t, err)
	assert.False(t, locked)
	assert.NoFileExists(t, path, "FileLocked creates nothing")
	l, err := TryLockFile(path)
	require.NoError(t, err)
	_, err = TryLockFile(path)
	assert.ErrorIs(t, err, ErrLocked)
	assert.ErrorContains(t, err, path)
	locked, err = FileLocked(path)
	require.NoError(t, err)
	assert.True(t, locked)
	l.Release()
	l.Release()
	locked, err = FileLocked(path)
	require.NoError(t, err)
	assert.False(t, locked)
	l2, err := TryLockFile(path)
	require.NoError(t, err)
	l2.Release()
	_, err = TryLockFile(filepath.Join(path, "x"))
	assert.Error(t, err)
}
