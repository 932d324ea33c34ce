// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

// One instance through five boots: rotation at start, a start on a running
// instance, `logs -f` and `logs -b -1`, retention, keep-logs, and a delete with
// RDD_KEEP_LOGS into a logs directory on another filesystem, then `collect`.
func TestRestartsKeepEveryBoot(t *testing.T) {
	t.Parallel()
	forEachVersion(t, restartsKeepEveryBoot)
}

func restartsKeepEveryBoot(t *testing.T, l *lima) {
	dir := l.create("rot")
	serial := func(name string) string { return filepath.Join(dir, name) }

	began := time.Now()
	l.must(l.logkeep(nil, "start", "rot"))
	timed(t, "boot 1: limactl-logkeep start", began)
	require.Equal(t, "Running", l.status("rot"))
	boot1 := marker(t, serial("serial.log"))
	ha1, err := os.ReadFile(serial("ha.stderr.log"))
	require.NoError(t, err)
	require.NotEmpty(t, ha1)

	t.Run("start on a running instance renames nothing and answers as limactl", func(t *testing.T) {
		before := testutil.DirNames(t, dir)
		began := time.Now()
		got := l.logkeep(nil, "start", "rot")
		want := l.limactl("start", "rot")
		timed(t, "start on a running instance (logkeep, then limactl)", began)
		assert.Equal(t, want.status, got.status)
		assert.Contains(t, got.stderr, "already running")
		assert.Equal(t, before, testutil.DirNames(t, dir))
		assert.Equal(t, boot1, marker(t, serial("serial.log")))
	})

	began = time.Now()
	l.must(l.limactl("stop", "rot"))
	timed(t, "graceful limactl stop", began)
	follower := startFollower(t, l, "logs", "rot", "-f")
	began = time.Now()
	l.must(l.logkeep(nil, "start", "rot"))
	timed(t, "boot 2: limactl-logkeep start", began)
	boot2 := marker(t, serial("serial.log"))

	t.Run("boot 1's logs are generation 1, boot 2's are active", func(t *testing.T) {
		assert.NotEqual(t, boot1, boot2)
		assert.Equal(t, boot1, marker(t, serial("serial.1.log")))
		ha, err := os.ReadFile(serial("ha.stderr.1.log"))
		require.NoError(t, err)
		assert.True(t, bytes.HasPrefix(ha, ha1), "boot 1's host agent log is kept whole, through its shutdown")
		assert.Contains(t, string(ha), "QEMU has exited")
	})
	t.Run("logs -f shows boot 2's console as it boots", func(t *testing.T) {
		assert.Contains(t, follower.wait(t, boot2), boot2)
	})
	t.Run("logs -b -1 prints boot 1's console", func(t *testing.T) {
		out := l.must(l.logkeep(nil, "logs", "rot", "-b", "-1")).stdout
		assert.Contains(t, out, boot1)
		assert.NotContains(t, out, boot2)
		out = l.must(l.logkeep(nil, "boots", "rot")).stdout
		assert.Contains(t, out, "serial.1.log")
	})

	maxTwo := []string{"LIMA_LOGKEEP_MAX_BACKUPS=2"}
	began = time.Now()
	l.must(l.logkeep(maxTwo, "restart", "rot"))
	timed(t, "boot 3: limactl-logkeep restart", began)
	boot3 := marker(t, serial("serial.log"))
	began = time.Now()
	l.must(l.logkeep(maxTwo, "restart", "rot"))
	timed(t, "boot 4: limactl-logkeep restart", began)
	boot4 := marker(t, serial("serial.log"))

	t.Run("more restarts than --max-backups keep the newest generations", func(t *testing.T) {
		assert.Equal(t, []string{"2", "3"}, generations(t, dir, "serial"))
		assert.Equal(t, []string{"2", "3"}, generations(t, dir, "ha.stderr"))
		assert.Equal(t, boot2, marker(t, serial("serial.2.log")))
		assert.Equal(t, boot3, marker(t, serial("serial.3.log")))
	})

	began = time.Now()
	l.must(l.logkeep(append(maxTwo, "RDD_KEEP_LOGS=1"), "restart", "rot"))
	timed(t, "boot 5: RDD_KEEP_LOGS=1 limactl-logkeep restart", began)
	boot5 := marker(t, serial("serial.log"))
	t.Run("RDD_KEEP_LOGS prunes nothing", func(t *testing.T) {
		assert.Equal(t, []string{"2", "3", "4"}, generations(t, dir, "serial"))
		assert.Equal(t, boot4, marker(t, serial("serial.4.log")))
	})

	shm, err := os.MkdirTemp("/dev/shm", "lk")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(shm) })
	keep := []string{"RDD_KEEP_LOGS=1", "LIMA_LOGKEEP_DIR=" + shm}
	began = time.Now()
	r := l.must(l.logkeep(keep, "delete", "rot"))
	timed(t, "delete of the running instance, logs to /dev/shm", began)

	t.Run("delete with RDD_KEEP_LOGS keeps every boot's logs across filesystems", func(t *testing.T) {
		assert.NoDirExists(t, dir)
		assert.NotContains(t, l.must(l.limactl("list", "-q")).stdout, "rot")
		sets := testutil.DirNames(t, filepath.Join(shm, "rot"))
		require.Len(t, sets, 1, "one preserved set")
		set := filepath.Join(shm, "rot", sets[0])
		assert.Contains(t, r.stderr, set, "says where the logs went")
		assert.Equal(t, boot2, marker(t, filepath.Join(set, "serial.2.log")))
		assert.Equal(t, boot3, marker(t, filepath.Join(set, "serial.3.log")))
		assert.Equal(t, boot4, marker(t, filepath.Join(set, "serial.4.log")))
		assert.Equal(t, boot5, marker(t, filepath.Join(set, "serial.log")))
		for _, f := range []string{"ha.stderr.log", "ha.stdout.log", "ha.stderr.4.log", "lima.yaml"} {
			assert.FileExists(t, filepath.Join(set, f))
		}
	})

	t.Run("collect after a real delete holds every kept boot", func(t *testing.T) {
		bundle := filepath.Join(t.TempDir(), "rot.tar.gz")
		l.must(l.logkeep([]string{"LIMA_LOGKEEP_DIR=" + shm}, "collect", "rot", "-o", bundle))
		content := tarContent(t, bundle)
		for _, m := range []string{boot2, boot3, boot4, boot5} {
			assert.Contains(t, content, m)
		}
		assert.Contains(t, content, "manifest.json")
	})
}

// tarContent returns the names and contents of every entry of a .tar.gz, joined.
func tarContent(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	files, order := testutil.Untar(t, f)
	var all strings.Builder
	for _, name := range order {
		all.WriteString(name + "\n" + files[name])
	}
	return all.String()
}

// follower is a limactl-logkeep process running in the background.
type follower struct {
	cmd *exec.Cmd
	out *testutil.Buffer
}

func startFollower(t *testing.T, l *lima, args ...string) *follower {
	t.Helper()
	f := &follower{out: &testutil.Buffer{}}
	f.cmd = exec.Command(os.Getenv("LOGKEEP_BIN"), args...)
	f.cmd.Env = append(os.Environ(), "LIMA_HOME="+l.home, "LIMACTL="+l.version.limactl)
	f.cmd.Stdout, f.cmd.Stderr = f.out, f.out
	require.NoError(t, f.cmd.Start())
	t.Cleanup(func() { _ = f.cmd.Process.Kill(); _ = f.cmd.Wait() })
	return f
}

// wait returns the follower's output once it contains want, or after a minute.
func (f *follower) wait(t *testing.T, want string) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) && !strings.Contains(f.out.String(), want) {
		time.Sleep(100 * time.Millisecond)
	}
	return f.out.String()
}
