// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A protected running instance is refused before anything is stopped or moved;
// once unprotected, a delete without RDD_KEEP_LOGS is limactl's own: refused
// without --force (the instance runs), with --force stopped and deleted, nothing kept.
func TestDeleteProtectedThenPlain(t *testing.T) {
	t.Parallel()
	forEachVersion(t, deleteProtectedThenPlain)
}

func deleteProtectedThenPlain(t *testing.T, l *lima) {
	dir := l.create("prot")
	began := time.Now()
	l.must(l.logkeep(nil, "start", "prot"))
	timed(t, "boot: limactl-logkeep start", began)
	boot := marker(t, filepath.Join(dir, "serial.log"))
	l.must(l.limactl("protect", "prot"))

	t.Run("protected: refused, still running, logs in place", func(t *testing.T) {
		r := l.logkeep([]string{"RDD_KEEP_LOGS=1"}, "delete", "--force", "prot")
		assert.NotEqual(t, 0, r.status, "%s", r)
		assert.Contains(t, r.stderr, "protected")
		assert.Equal(t, "Running", l.status("prot"))
		assert.Equal(t, boot, marker(t, filepath.Join(dir, "serial.log")))
		assert.NoDirExists(t, filepath.Join(l.home, "_logkeep"))
	})

	l.must(l.limactl("unprotect", "prot"))
	t.Run("without --force and RDD_KEEP_LOGS: limactl's own refusal, still running", func(t *testing.T) {
		r := l.logkeep(nil, "delete", "prot")
		assert.NotEqual(t, 0, r.status, "limactl refuses to delete a running instance without --force: %s", r)
		assert.Equal(t, "Running", l.status("prot"))
		assert.Equal(t, boot, marker(t, filepath.Join(dir, "serial.log")))
		assert.NoDirExists(t, filepath.Join(l.home, "_logkeep"))
	})
	began = time.Now()
	l.must(l.logkeep(nil, "delete", "--force", "prot"))
	timed(t, "delete --force of the running instance without RDD_KEEP_LOGS", began)
	t.Run("--force without RDD_KEEP_LOGS: stopped, deleted, nothing preserved", func(t *testing.T) {
		assert.NoDirExists(t, dir)
		assert.NotContains(t, l.must(l.limactl("list", "-q")).stdout, "prot")
		assert.NoDirExists(t, filepath.Join(l.home, "_logkeep"))
	})
}

// A start that limactl rejects gives limactl's own exit status and message.
func TestFailingStartPassesExitStatus(t *testing.T) {
	t.Parallel()
	forEachVersion(t, failingStartPassesExitStatus)
}

func failingStartPassesExitStatus(t *testing.T, l *lima) {
	bad := filepath.Join(t.TempDir(), "broken.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("cpus: [this is not yaml\n"), 0o644))

	got := l.logkeep(nil, "start", "--tty=false", bad)
	want := l.limactl("start", "--tty=false", bad)
	assert.NotEqual(t, 0, want.status)
	assert.Equal(t, want.status, got.status)
	assert.Contains(t, got.stderr, "broken", "limactl's own error reaches the user")
	assert.NoDirExists(t, filepath.Join(l.home, "broken"))
}
