// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStartInProgress walks the files of an instance through the steps of
// Lima's start (pkg/instance/start.go) and the states around it.
func TestStartInProgress(t *testing.T) {
	dir := t.TempDir()
	stdout := filepath.Join(dir, "ha.stdout.log")
	now := time.Now()
	assert.False(t, StartInProgress(dir, now), "never booted: no ha.stdout.log")

	require.NoError(t, os.WriteFile(stdout, []byte(`{"time":"2026-12-01T10:00:00Z","status":{"sshLocalPort":60022}}`+"\n"), 0o644))
	assert.False(t, StartInProgress(dir, now), "a previous boot's ha.stdout.log holds its first event")

	require.NoError(t, os.WriteFile(stdout, nil, 0o644))
	assert.True(t, StartInProgress(dir, now), "Lima created it empty, no ha.pid yet")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "ha.pid"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644))
	assert.False(t, StartInProgress(dir, now), "the host agent is up: the instance runs")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ha.pid"), []byte(strconv.Itoa(deadPID(t))+"\n"), 0o644))
	assert.True(t, StartInProgress(dir, now), "a stale ha.pid is no host agent")

	assert.False(t, StartInProgress(dir, now.Add(StartWindow+time.Second)), "the window has passed: the start failed")
	assert.False(t, StartInProgress(dir, now.Add(-2*StartWindow)), "modified far in the future: not a fresh file")

	require.NoError(t, os.Remove(stdout))
	require.NoError(t, os.Symlink(filepath.Join(dir, "elsewhere"), stdout))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "elsewhere"), nil, 0o644))
	assert.False(t, StartInProgress(dir, now), "a symbolic link is not Lima's log")
}

// TestInspectWaitsForAStartInProgress: an instance in the window between Lima's
// fresh logs and its host agent's ha.pid is reported Running once ha.pid
// appears, never Stopped, and Stopped once the window has passed without one.
func TestInspectWaitsForAStartInProgress(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LIMA_HOME", home)
	dir := filepath.Join(home, "vm")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lima.yaml"), []byte("vmType: qemu\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ha.stdout.log"), nil, 0o644))

	go func() {
		time.Sleep(150 * time.Millisecond)
		_ = os.WriteFile(filepath.Join(dir, "ha.pid"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	}()
	began := time.Now()
	inst, err := Inspector{}.Inspect(context.Background(), "vm")
	require.NoError(t, err)
	assert.Equal(t, StatusRunning, inst.Status, "its host agent came up")
	assert.GreaterOrEqual(t, time.Since(began), 150*time.Millisecond, "it waited for ha.pid")

	require.NoError(t, os.Remove(filepath.Join(dir, "ha.pid")))
	old := time.Now().Add(-StartWindow - time.Second)
	require.NoError(t, os.Chtimes(filepath.Join(dir, "ha.stdout.log"), old, old))
	inst, err = Inspector{}.Inspect(context.Background(), "vm")
	require.NoError(t, err)
	assert.Equal(t, StatusStopped, inst.Status, "a start whose host agent never came up has ended")

	require.NoError(t, os.Chtimes(filepath.Join(dir, "ha.stdout.log"), time.Now(), time.Now()))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = Inspector{}.Inspect(ctx, "vm")
	require.ErrorIs(t, err, context.DeadlineExceeded, "the wait ends with its context")
}
