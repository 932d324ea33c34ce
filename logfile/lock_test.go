package logfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// lockAsync starts LockDir(dir) in a goroutine and returns the channel its unlock arrives on.
func lockAsync(t *testing.T, dir string) <-chan func() error {
	acquired := make(chan func() error, 1)
	go func() {
		u, err := LockDir(dir)
		assert.NoError(t, err)
		acquired <- u
	}()
	return acquired
}

func TestLockDirExclusive(t *testing.T) {
	dir := t.TempDir()
	unlock, err := LockDir(dir)
	require.NoError(t, err)

	acquired := lockAsync(t, dir)
	select {
	case <-acquired:
		t.Fatal("a second lock was granted while the first is held")
	case <-time.After(200 * time.Millisecond):
	}
	require.NoError(t, unlock())
	require.NoError(t, unlock(), "unlock is safe to call twice")
	var u2 func() error
	select {
	case u2 = <-acquired:
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting LockDir did not get the lock after it was released")
	}

	third := lockAsync(t, dir)
	select {
	case <-third:
		t.Fatal("a lock was granted while the second holder has it")
	case <-time.After(200 * time.Millisecond):
	}
	require.NoError(t, u2())
	require.NoError(t, (<-third)())
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
