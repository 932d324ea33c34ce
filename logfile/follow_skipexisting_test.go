// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// signalOnce returns a StopWhen that closes started at its first call (Follow with SkipExisting has
// then looked at the file) and never stops.
func signalOnce(started chan struct{}) func() bool {
	var once sync.Once
	return func() bool {
		once.Do(func() { close(started) })
		return false
	}
}

func TestFollowSkipExistingSkipsExistingContentAndReadsReplacementWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "serial.log")
	require.NoError(t, os.WriteFile(path, []byte("old boot\n"), 0o644))
	var out testutil.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	started := make(chan struct{})
	go func() {
		done <- Follow(ctx, path, &out, FollowOptions{Poll: 5 * time.Millisecond, StopWhen: signalOnce(started), SkipExisting: true})
	}()
	<-started

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString("appended\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.Eventually(t, func() bool { return out.String() == "appended\n" }, 10*time.Second, 5*time.Millisecond)

	require.NoError(t, os.Remove(path))
	require.NoError(t, os.WriteFile(path, []byte("new boot\n"), 0o644))
	require.Eventually(t, func() bool { return out.String() == "appended\nnew boot\n" }, 10*time.Second, 5*time.Millisecond)

	cancel()
	require.NoError(t, <-done)
	assert.NotContains(t, out.String(), "old boot")
}

func TestFollowSkipExistingFileCreatedLaterIsWrittenWholeAndDrainedAtTheEnd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "serial.log")
	var out testutil.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	started := make(chan struct{})
	go func() {
		done <- Follow(ctx, path, &out, FollowOptions{Poll: time.Hour, StopWhen: signalOnce(started), SkipExisting: true})
	}()
	<-started
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte("line 1\nline 2"), 0o644))
	cancel() // the final drain must still pick up the file
	require.NoError(t, <-done)
	assert.Equal(t, "line 1\nline 2", out.String())
}
