// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// lockAsync runs WithDirLock(dir) in a goroutine: it reports on the returned channel when it holds
// the lock, and holds it until release is closed.
func lockAsync(t *testing.T, dir string, release <-chan struct{}) <-chan struct{} {
	acquired := make(chan struct{})
	go func() {
		assert.NoError(t, WithDirLock(dir, func() error {
			close(acquired)
			<-release
			return nil
		}))
	}()
	return acquired
}

func TestWithDirLockExclusive(t *testing.T) {
	dir := t.TempDir()
	release1, release2 := make(chan struct{}), make(chan struct{})
	first := lockAsync(t, dir, release1)
	<-first
	second := lockAsync(t, dir, release2)
	select {
	case <-second:
		t.Fatal("a second lock was granted while the first is held")
	case <-time.After(200 * time.Millisecond):
	}
	close(release1)
	select {
	case <-second:
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting WithDirLock did not get the lock after it was released")
	}
	close(release2)
	done := make(chan struct{})
	third := lockAsync(t, dir, done)
	<-third
	close(done)
	if runtime.GOOS != "windows" {
		assert.Empty(t, testutil.DirNames(t, dir), "no lock file is created")
	}
}

func TestWithDirLockReturnsFnsErrorUnchanged(t *testing.T) {
	errFn := errors.New("fn failed")
	err := WithDirLock(t.TempDir(), func() error { return errFn })
	assert.Same(t, errFn, err)
	assert.NotErrorIs(t, err, ErrNotLocked)
}

func TestWithDirLockErrors(t *testing.T) {
	dir := t.TempDir()
	ran := false
	fn := func() error { ran = true; return nil }
	err := WithDirLock(filepath.Join(dir, "missing"), fn)
	require.ErrorIs(t, err, os.ErrNotExist)
	require.ErrorIs(t, err, ErrNotLocked)
	assert.True(t, strings.HasPrefix(err.Error(), "lock directory "+filepath.Join(dir, "missing")+": "), err.Error())
	assert.NotContains(t, err.Error(), "not locked", "ErrNotLocked adds nothing to the message")
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, filepath.Join(dir, "missing"), fe.Path)

	writeFile(t, filepath.Join(dir, "file"), "x")
	err = WithDirLock(filepath.Join(dir, "file"), fn)
	require.ErrorIs(t, err, syscall.ENOTDIR)
	require.ErrorIs(t, err, ErrNotLocked)
	assert.False(t, ran, "fn does not run without the lock")
	assert.Equal(t, []string{"file"}, testutil.DirNames(t, dir), "nothing is created")
}
