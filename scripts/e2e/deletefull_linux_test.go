// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue #20: with RDD_KEEP_LOGS and a logs directory with room for only part of
// the logs (a small tmpfs filled up to its last 40 KiB), a delete used to
// preserve what fitted, report, and then let limactl delete the instance with
// both consoles, exiting 0. Now the instance is left stopped with every log
// where it was, the status is non-zero, and the same delete with room succeeds.
func TestDeleteIntoAFullLogsDirDeletesNothing(t *testing.T) {
	t.Parallel()
	requireEnv(t, "LOGKEEP_SMALL_TMPFS")
	forEachVersion(t, deleteIntoAFullLogsDir)
}

func deleteIntoAFullLogsDir(t *testing.T, l *lima) {
	logsDir, err := os.MkdirTemp(os.Getenv("LOGKEEP_SMALL_TMPFS"), "full-"+l.version.name+"-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(logsDir) })
	dir := l.create("full")
	path := func(name string) string { return filepath.Join(dir, name) }
	l.must(l.logkeep(nil, "start", "full"))
	boot1 := marker(t, path("serial.log"))
	l.must(l.logkeep(nil, "restart", "full"))
	boot2 := marker(t, path("serial.log"))
	require.Equal(t, boot1, marker(t, path("serial.1.log")))

	filler := fillUpTo(t, logsDir, 40<<10)
	keep := []string{"RDD_KEEP_LOGS=1", "LIMA_LOGKEEP_DIR=" + logsDir}
	r := l.logkeep(keep, "delete", "--force", "full")
	t.Logf("delete into a full logs directory: %s", r)
	assert.Equal(t, 1, r.status)
	assert.Contains(t, r.stderr, `not deleting instance "full"`)
	assert.Contains(t, r.stderr, "no space left on device")
	var ours []string
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		if !strings.Contains(line, "level=") { // the rest is limactl stop's and logkeep's log
			ours = append(ours, line)
		}
	}
	assert.Len(t, ours, 1, "one line of error: %q", r.stderr)
	assert.Equal(t, "Stopped", l.status("full"), "stopped, not deleted")
	assert.Equal(t, boot1, marker(t, path("serial.1.log")), "boot 1's console is whole where it was")
	assert.Equal(t, boot2, marker(t, path("serial.log")), "boot 2's console is whole where it was")
	assert.FileExists(t, path("ha.stderr.log"), "the logs that fitted were moved back")
	assert.FileExists(t, path("ha.stderr.1.log"))
	assert.NoDirExists(t, filepath.Join(logsDir, "full"), "no partial set is left")

	require.NoError(t, os.Remove(filler))
	l.must(l.logkeep(keep, "delete", "full"))
	assert.NoDirExists(t, dir)
	sets, err := filepath.Glob(filepath.Join(logsDir, "full", "*", "serial.log"))
	require.NoError(t, err)
	require.Len(t, sets, 1, "one preserved set")
	assert.Equal(t, boot2, marker(t, sets[0]))
	assert.Equal(t, boot1, marker(t, filepath.Join(filepath.Dir(sets[0]), "serial.1.log")))
}

// fillUpTo writes a file in dir that leaves free bytes free on its filesystem,
// and returns its path.
func fillUpTo(t *testing.T, dir string, free int64) string {
	var st syscall.Statfs_t
	require.NoError(t, syscall.Statfs(dir, &st))
	avail := int64(st.Bavail) * st.Bsize
	require.Greater(t, avail, free, "the small tmpfs has less than %d bytes free", free)
	filler := filepath.Join(dir, "filler")
	require.NoError(t, os.WriteFile(filler, make([]byte, avail-free), 0o600))
	return filler
}
