// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package logfile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// startFollow runs Follow in the background; wait cancels it and returns its error.
func startFollow(t *testing.T, path string, opts FollowOptions) (out *testutil.Buffer, wait func() error) {
	t.Helper()
	out = &testutil.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Follow(ctx, path, out, opts) }()
	t.Cleanup(cancel)
	return out, func() error { cancel(); return <-done }
}

// waitFor waits (generously: this is a correctness check, not a timing one) until out is want.
func waitFor(t *testing.T, out *testutil.Buffer, want string) {
	t.Helper()
	require.Eventually(t, func() bool { return out.String() == want }, 20*time.Second, 5*time.Millisecond,
		"want %q", want)
	time.Sleep(30 * time.Millisecond) // a few polls more: nothing extra may appear
	require.Equal(t, want, out.String())
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	require.NoError(t, err)
	_, err = f.WriteString(s)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

func TestFollowSurvivesRecreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "serial.log")
	out, wait := startFollow(t, path, FollowOptions{Poll: 2 * time.Millisecond})

	// The file does not exist yet when following starts.
	appendFile(t, path, "boot 1: SeaBIOS\n")
	want := "boot 1: SeaBIOS\n"
	waitFor(t, out, want)
	appendFile(t, path, "boot 1: marker")
	appendFile(t, path, " (same line)\n")
	want += "boot 1: marker (same line)\n"
	waitFor(t, out, want)

	// Lima removes serial.log before a start; QEMU creates it again, longer than before.
	require.NoError(t, os.Remove(path))
	appendFile(t, path, "boot 2: a much longer first line than anything boot 1 wrote so far\n")
	want += "boot 2: a much longer first line than anything boot 1 wrote so far\n"
	waitFor(t, out, want)

	// Replaced by rename in one step (new inode while the old one is still open here).
	tmp := path + ".new"
	writeFile(t, tmp, "boot 3\n")
	require.NoError(t, os.Rename(tmp, path))
	want += "boot 3\n"
	waitFor(t, out, want)

	// Truncated in place: starts again from offset 0.
	require.NoError(t, os.Truncate(path, 0))
	waitFor(t, out, want) // the truncation is seen before anything new is written
	appendFile(t, path, "after truncate\n")
	want += "after truncate\n"
	waitFor(t, out, want)

	require.NoError(t, wait())
	assert.Equal(t, want, out.String())
}

func TestFollowCancelDrainsFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "serial.log")
	writeFile(t, path, "early\n")
	out, wait := startFollow(t, path, FollowOptions{Poll: time.Hour})
	waitFor(t, out, "early\n")
	appendFile(t, path, "written just before the cancel\n")
	// With an hour-long poll, only the cancellation wakes Follow: the final drain must happen.
	require.NoError(t, wait())
	assert.Equal(t, "early\nwritten just before the cancel\n", out.String())
}

func TestFollowStopWhenDrainsFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "serial.log")
	writeFile(t, path, "early\n")
	var stopRequested atomic.Bool
	stopWhen := func() bool {
		if !stopRequested.Load() {
			return false
		}
		// Data written at the very moment the stop is decided must still be written out.
		appendFile(t, path, "last words\n")
		return true
	}
	out, wait := startFollow(t, path, FollowOptions{Poll: time.Millisecond, StopWhen: stopWhen})
	waitFor(t, out, "early\n")
	stopRequested.Store(true)
	require.Eventually(t, func() bool { return out.String() == "early\nlast words\n" }, 20*time.Second, time.Millisecond)
	require.NoError(t, wait())
	assert.Equal(t, "early\nlast words\n", out.String())
}

func TestFollowStopWhenEnds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "serial.log")
	writeFile(t, path, "a\nb\nc\n")
	var out bytes.Buffer
	calls := 0
	err := Follow(context.Background(), path, &out, FollowOptions{Poll: time.Millisecond, Lines: 2,
		StopWhen: func() bool { calls++; return calls > 3 }})
	require.NoError(t, err)
	assert.Equal(t, "b\nc\n", out.String(), "Lines starts with the last lines of the current file")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestFollowErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "serial.log")
	writeFile(t, path, "x\n")
	err := Follow(context.Background(), path, failingWriter{}, FollowOptions{Poll: time.Millisecond})
	require.ErrorContains(t, err, "broken pipe")

	link := filepath.Join(dir, "serialv.log")
	require.NoError(t, os.Symlink(path, link))
	err = Follow(context.Background(), link, &bytes.Buffer{}, FollowOptions{Poll: time.Millisecond})
	require.ErrorIs(t, err, ErrNotRegular)
}

// With EndWithDir, Follow ends with ErrDirGone once the directory of the log is
// removed (an instance deleted, its logs moved away first or not) or replaced
// by another of the same name, after writing all the old file held; a file in
// the new directory is never written. Without it, Follow waits for the file.
func TestFollowEndsWhenItsDirectoryIsGone(t *testing.T) {
	for _, how := range []string{"removed", "logs moved away, then removed", "replaced", "renamed"} {
		t.Run(how, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "vm")
			require.NoError(t, os.Mkdir(dir, 0o755))
			path := filepath.Join(dir, "serial.log")
			writeFile(t, path, "boot\n")
			out := &testutil.Buffer{}
			done := make(chan error, 1)
			go func() {
				done <- Follow(context.Background(), path, out, FollowOptions{Poll: 2 * time.Millisecond, EndWithDir: true})
			}()
			waitFor(t, out, "boot\n")
			appendFile(t, path, "last words\n")
			switch how {
			case "removed":
				require.NoError(t, os.RemoveAll(dir))
			case "logs moved away, then removed":
				require.NoError(t, os.Rename(path, filepath.Join(parent, "kept.log")))
				time.Sleep(20 * time.Millisecond) // a few polls with the file missing, the directory there
				require.NoError(t, os.RemoveAll(dir))
			case "replaced":
				require.NoError(t, os.RemoveAll(dir))
				require.NoError(t, os.Mkdir(dir, 0o755))
				writeFile(t, path, "another instance\n")
			case "renamed":
				require.NoError(t, os.Rename(dir, filepath.Join(parent, "vm2")))
			}
			select {
			case err := <-done:
				require.ErrorIs(t, err, ErrDirGone)
				assert.Contains(t, err.Error(), path)
				assert.NotContains(t, err.Error(), "\n")
			case <-time.After(20 * time.Second):
				t.Fatal("Follow did not end")
			}
			assert.Equal(t, "boot\nlast words\n", out.String())
		})
	}
	t.Run("missing at the start", func(t *testing.T) {
		err := Follow(context.Background(), filepath.Join(t.TempDir(), "gone", "serial.log"), &bytes.Buffer{}, FollowOptions{EndWithDir: true})
		require.ErrorIs(t, err, ErrDirGone)
	})
	t.Run("without EndWithDir it waits", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "vm")
		require.NoError(t, os.Mkdir(dir, 0o755))
		path := filepath.Join(dir, "serial.log")
		out, wait := startFollow(t, path, FollowOptions{Poll: 2 * time.Millisecond})
		require.NoError(t, os.Remove(dir))
		time.Sleep(30 * time.Millisecond)
		require.NoError(t, os.Mkdir(dir, 0o755))
		writeFile(t, path, "next\n")
		waitFor(t, out, "next\n")
		require.NoError(t, wait())
	})
}
