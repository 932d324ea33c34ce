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

func TestRegularEntry(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "serial.log"), "boot")
	require.NoError(t, os.Symlink("serial.log", filepath.Join(dir, "link.log")))

	var skipped []Skip
	ok, err := regularEntry(realOps(), dir, "serial.log", &skipped)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Empty(t, skipped)

	ok, err = regularEntry(realOps(), dir, "link.log", &skipped)
	require.NoError(t, err)
	assert.False(t, ok, "a symbolic link is never followed")
	assert.Equal(t, []Skip{{Name: "link.log", Reason: "symbolic link, not a regular file, never followed"}}, skipped)

	skipped = nil
	ok, err = regularEntry(realOps(), dir, "missing.log", &skipped)
	require.NoError(t, err, "a missing file is ignored")
	assert.False(t, ok)
	assert.Empty(t, skipped)

	o := realOps()
	o.lstat = func(path string) (fs.FileInfo, error) {
		return nil, &fs.PathError{Op: "lstat", Path: path, Err: syscall.EIO}
	}
	ok, err = regularEntry(o, dir, "serial.log", &skipped)
	requireFileErr(t, err, syscall.EIO, filepath.Join(dir, "serial.log"))
	assert.Contains(t, err.Error(), "stat "+filepath.Join(dir, "serial.log"))
	assert.False(t, ok)
	assert.Empty(t, skipped)
}
