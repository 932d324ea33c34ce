// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package limaadapter

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHostAgentAlive(t *testing.T) {
	dir := t.TempDir()
	assert.False(t, HostAgentAlive(dir), "no ha.pid")

	pidFile := filepath.Join(dir, "ha.pid")
	require.NoError(t, os.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644))
	assert.True(t, HostAgentAlive(dir), "a live process")

	done := exec.Command("true")
	require.NoError(t, done.Run())
	require.NoError(t, os.WriteFile(pidFile, []byte(strconv.Itoa(done.Process.Pid)), 0o644))
	assert.False(t, HostAgentAlive(dir), "a process that has exited")
	assert.FileExists(t, pidFile, "a stale pid file is left alone")

	for _, junk := range []string{"", "x", "-1", "0"} {
		require.NoError(t, os.WriteFile(pidFile, []byte(junk), 0o644))
		assert.False(t, HostAgentAlive(dir), "%q", junk)
	}
}
