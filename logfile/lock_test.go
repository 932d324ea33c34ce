package logfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

func TestLockDirExclusive(t *testing.T) {
	dir := t.TempDir()
	unlock, err := LockDir(dir)
	require.NoError(t, err)

	_, ok, err := TryLockDir(dir)
	require.NoError(t, err)
	assert.False(t, ok, "a second lock must not be granted while the first is held")

	acquired := make(chan func() error)
	go func() {
		u, err := LockDir(dir) // waits for the first holder
		assert.NoError(t, err)
		acquired <- u
	}()
	require.NoError(t, unlock())
	require.NoError(t, unlock(), "unlock is safe to call twice")
	u2 := <-acquired
	_, ok, err = TryLockDir(dir)
	require.NoError(t, err)
	assert.False(t, ok)
	require.NoError(t, u2())

	u3, ok, err := TryLockDir(dir)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, u3())
	assert.Empty(t, testutil.DirNames(t, dir), "no lock file is created")
}

func TestLockDirErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := LockDir(filepath.Join(dir, "missing"))
	require.ErrorIs(t, err, os.ErrNotExist)
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, filepath.Join(dir, "missing"), fe.Path)

	writeFile(t, filepath.Join(dir, "file"), "x")
	_, err = LockDir(filepath.Join(dir, "file"))
	require.ErrorIs(t, err, syscall.ENOTDIR)
}
