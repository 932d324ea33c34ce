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

	ok, skip, err := regularEntry(realOps(), dir, "serial.log")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Nil(t, skip)

	ok, skip, err = regularEntry(realOps(), dir, "link.log")
	require.NoError(t, err)
	assert.False(t, ok, "a symbolic link is never followed")
	assert.Equal(t, &Skip{Name: "link.log", Reason: "symbolic link, not a regular file: left alone"}, skip)

	ok, skip, err = regularEntry(realOps(), dir, "missing.log")
	require.NoError(t, err, "a missing file is ignored")
	assert.False(t, ok)
	assert.Nil(t, skip)

	o := realOps()
	o.lstat = func(path string) (fs.FileInfo, error) {
		return nil, &fs.PathError{Op: "lstat", Path: path, Err: syscall.EIO}
	}
	ok, skip, err = regularEntry(o, dir, "serial.log")
	requireFileErr(t, err, syscall.EIO, filepath.Join(dir, "serial.log"))
	assert.Contains(t, err.Error(), "stat "+filepath.Join(dir, "serial.log"))
	assert.False(t, ok)
	assert.Nil(t, skip)
}
