// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateAtomicCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bundle.tar.gz")
	a, err := CreateAtomic(path)
	require.NoError(t, err)
	_, err = a.WriteString("data")
	require.NoError(t, err)
	assert.NoFileExists(t, path, "nothing at the final path before Commit")
	require.NoError(t, a.Commit(false))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "data", string(b))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	a.Abort() // after Commit: does nothing
	assert.FileExists(t, path)
	names, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, names, 1, "no temporary file left")
}

func TestCreateAtomicNeverReplacesWithoutReplace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	a, err := CreateAtomic(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte("precious"), 0o644)) // appears meanwhile
	_, err = a.WriteString("new")
	require.NoError(t, err)
	err = a.Commit(false)
	require.ErrorIs(t, err, fs.ErrExist)
	assert.Contains(t, err.Error(), path)
	b, _ := os.ReadFile(path)
	assert.Equal(t, "precious", string(b))
	names, _ := os.ReadDir(dir)
	assert.Len(t, names, 1, "the temporary file is removed")

	a, err = CreateAtomic(path)
	require.NoError(t, err)
	_, err = a.WriteString("new")
	require.NoError(t, err)
	require.NoError(t, a.Commit(true))
	b, _ = os.ReadFile(path)
	assert.Equal(t, "new", string(b))
}

func TestCreateAtomicAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	a, err := CreateAtomic(filepath.Join(dir, "out"))
	require.NoError(t, err)
	final, ok := IsTempName(filepath.Base(a.Name()))
	assert.True(t, ok)
	assert.Equal(t, "out", final)
	a.Abort()
	names, _ := os.ReadDir(dir)
	assert.Empty(t, names)
	require.Error(t, a.Commit(false))
}

func TestCommitReplaceFaultKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bundle.tar.gz")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	o := realOps()
	o.replace = func(oldpath, newpath string) error {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EIO}
	}
	a, err := createAtomic(o, path)
	require.NoError(t, err)
	_, err = a.WriteString("new")
	require.NoError(t, err)
	err = a.Commit(true)
	require.ErrorIs(t, err, syscall.EIO)
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, path, fe.Dest, "the error names the final path")
	assert.Equal(t, map[string]string{"bundle.tar.gz": "old"}, snapshot(t, dir),
		"the old file is kept and no temporary file is left")
}
