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
// once unprotected, a delete without RDD_KEEP_LOGS stops it and keeps nothing.
func TestDeleteProtectedThenPlain(t *testing.T) {
	t.Parallel()
	l := newLima(t)
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
	began = time.Now()
	l.must(l.logkeep(nil, "delete", "prot"))
	timed(t, "delete of the running instance without RDD_KEEP_LOGS", began)
	t.Run("without RDD_KEEP_LOGS: stopped, deleted, nothing preserved", func(t *testing.T) {
		assert.NoDirExists(t, dir)
		assert.NotContains(t, l.must(l.limactl("list", "-q")).stdout, "prot")
		assert.NoDirExists(t, filepath.Join(l.home, "_logkeep"))
	})
}

// A start that limactl rejects gives limactl's own exit status and message.
func TestFailingStartPassesExitStatus(t *testing.T) {
	t.Parallel()
	l := newLima(t)
	bad := filepath.Join(t.TempDir(), "broken.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("cpus: [this is not yaml\n"), 0o644))

	got := l.logkeep(nil, "start", "--tty=false", bad)
	want := l.limactl("start", "--tty=false", bad)
	assert.NotEqual(t, 0, want.status)
	assert.Equal(t, want.status, got.status)
	assert.Contains(t, got.stderr, "broken", "limactl's own error reaches the user")
	assert.NoDirExists(t, filepath.Join(l.home, "broken"))
}
