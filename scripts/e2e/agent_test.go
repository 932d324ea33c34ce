// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/agent"
	"limactl-logkeep/internal/testutil"
)

// bare is the environment of a user with no wrapper or plugin anywhere: PATH holds only the
// system's directories, and LIMACTL is not set.
var bare = []string{"PATH=/usr/bin:/bin", "-LIMACTL"}

// copyLima copies the whole prefix of a Lima version (bin/limactl and share/lima, which limactl
// finds relative to itself) into a directory of its own, as Rancher Desktop and Finch bundle
// theirs, and returns the copy's limactl.
func copyLima(t *testing.T, v limaVersion) string {
	t.Helper()
	prefix := filepath.Dir(filepath.Dir(v.limactl))
	dst := filepath.Join(t.TempDir(), "bundled-lima")
	out, err := exec.Command("cp", "-a", prefix, dst).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return filepath.Join(dst, "bin", "limactl")
}

// runAgentService installs the agent for l's home with `agent install --no-enable` and the
// global options opts (no systemd runs here), then runs the ExecStart of the unit it wrote, as
// systemd would, until the test ends. It returns the agent's output so far, for messages.
func runAgentService(t *testing.T, l *lima, opts ...string) *testutil.Buffer {
	t.Helper()
	config := t.TempDir()
	env := []string{"XDG_CONFIG_HOME=" + config}
	args := append(append([]string{}, opts...), "agent", "install", "--no-enable", "--lima-home", l.home)
	l.must(l.run(append(env, bare...), os.Getenv("LOGKEEP_BIN"), args...))
	unit, err := os.ReadFile(filepath.Join(config, "systemd", "user", agent.UnitName))
	require.NoError(t, err)
	argv := agent.ServiceCommand(unit)
	require.NotEmpty(t, argv, "the unit has an ExecStart:\n%s", unit)
	require.True(t, filepath.IsAbs(argv[0]), "ExecStart runs an absolute path: %q", argv)

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = withEnv(os.Environ(), bare)
	out := &testutil.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("agent output:\n%s", out)
		}
	})
	waitUntil(t, 30*time.Second, "the agent to watch "+l.home, func() bool { return strings.Contains(out.String(), "Watching ") })
	return out
}

// waitUntil polls cond every 50 ms until it holds, failing the test after timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kept checks, after boot n+1 began, that boot n's console (marker) and host agent logs are
// generation n in dir: the console whole, ha.stderr.n.log holding what the host agent wrote to
// the end (haStderr, when known, else its shutdown), ha.stdout.n.log its last event.
func kept(t *testing.T, dir string, n int, marker1, haStderr string) {
	t.Helper()
	gen := func(base string) string { return filepath.Join(dir, base+"."+itoa(n)+".log") }
	waitUntil(t, 30*time.Second, "generation "+itoa(n), func() bool {
		for _, base := range []string{"serial", "ha.stdout", "ha.stderr"} {
			if _, err := os.Stat(gen(base)); err != nil {
				return false
			}
		}
		return true
	})
	assert.Equal(t, marker1, marker(t, gen("serial")), "boot %d's console is generation %d", n, n)
	ha, err := os.ReadFile(gen("ha.stderr"))
	require.NoError(t, err)
	if haStderr != "" {
		assert.Equal(t, haStderr, string(ha), "boot %d's ha.stderr.log, whole", n)
	} else {
		assert.Contains(t, string(ha), "QEMU has exited", "boot %d's ha.stderr.log, to its end", n)
	}
	events, err := os.ReadFile(gen("ha.stdout"))
	require.NoError(t, err)
	assert.Contains(t, string(events), `"exiting":true`, "boot %d's host agent events, to the last", n)
}

func itoa(n int) string { return strconv.Itoa(n) }

// waitPreserved waits until the agent has preserved the deleted instance name's logs and
// returns the one set.
func waitPreserved(t *testing.T, l *lima, name string) string {
	t.Helper()
	store := filepath.Join(l.home, "_logkeep", ".agent", name)
	waitUntil(t, 30*time.Second, "the preserved set of "+name, func() bool {
		_, err := os.Lstat(store)
		return os.IsNotExist(err)
	})
	sets := testutil.DirNames(t, filepath.Join(l.home, "_logkeep", name))
	require.Len(t, sets, 1, "one preserved set")
	return filepath.Join(l.home, "_logkeep", name, sets[0])
}

// With the agent running and no wrapper or plugin anywhere, a limactl copied into a directory of
// its own (as Rancher Desktop and Finch bundle one) and run by absolute path boots one instance
// through start, stop + start, restart and (Lima 2) shell --start: every previous boot's console
// and host agent logs become a generation; a plain `limactl delete --force` of the running
// instance leaves, with keep-logs, a preserved set holding every boot's console.
func TestAgentKeepsEveryBootOfABundledLimactl(t *testing.T) {
	t.Parallel()
	forEachVersion(t, func(t *testing.T, l *lima) {
		limactl := copyLima(t, l.version)
		runAgentService(t, l, "--keep-logs")
		lim := func(args ...string) result {
			t.Helper()
			return l.must(l.run(bare, limactl, args...))
		}
		lim("--tty=false", "create", "--name=vm", os.Getenv("LOGKEEP_TINY_YAML"))
		dir := filepath.Join(l.home, "vm")
		serial := filepath.Join(dir, "serial.log")

		type boot struct {
			name     string
			major    int
			run      func()
			stopped  bool // run begins with `limactl stop`: the host agent's stderr is whole before it
			consoles []string
		}
		boots := []boot{
			{name: "start", major: 1, run: func() { lim("start", "vm") }},
			{name: "stop + start", major: 1, stopped: true, run: func() { lim("start", "vm") }},
			{name: "restart", major: 1, run: func() { lim("restart", "vm") }},
			{name: "stop + shell --start", major: 2, stopped: true, run: func() { lim("shell", "--start", "vm", "true") }},
		}
		var markers []string
		for _, b := range boots {
			if l.version.major < b.major {
				continue
			}
			haStderr := ""
			if b.stopped {
				lim("stop", "vm")
				ha, err := os.ReadFile(filepath.Join(dir, "ha.stderr.log"))
				require.NoError(t, err)
				haStderr = string(ha)
			}
			began := time.Now()
			b.run()
			timed(t, "boot "+itoa(len(markers)+1)+": "+b.name+" (copied limactl, agent)", began)
			require.Equal(t, "Running", l.status("vm"))
			markers = append(markers, marker(t, serial))
			if n := len(markers) - 1; n > 0 {
				t.Run(b.name+": the previous boot is generation "+itoa(n), func(t *testing.T) {
					kept(t, dir, n, markers[n-1], haStderr)
					assert.NotEqual(t, markers[n-1], markers[n])
				})
			}
		}
		lim("delete", "--force", "vm")
		set := waitPreserved(t, l, "vm")
		t.Run("delete --force keeps every boot's console", func(t *testing.T) {
			for i, m := range markers[:len(markers)-1] {
				assert.Equal(t, m, marker(t, filepath.Join(set, "serial."+itoa(i+1)+".log")), "boot %d", i+1)
			}
			assert.Equal(t, markers[len(markers)-1], marker(t, filepath.Join(set, "serial.log")), "the last boot")
			assert.FileExists(t, filepath.Join(set, "lima.yaml"))
			out := l.must(l.logkeep(nil, "preserved", "vm")).stdout
			assert.Contains(t, out, filepath.Base(set), "limactl logkeep preserved lists the agent's set")
		})
	})
}

// The same through a program that embeds Lima v2.2.0's pkg/instance (StartWithPaths,
// StopGracefully, Delete) with its own copy of limactl as the host agent: no limactl command
// line boots or deletes anything.
func TestAgentKeepsEveryBootOfAnEmbedder(t *testing.T) {
	t.Parallel()
	requireEnv(t, "LOGKEEP_EMBEDDER")
	onlyV2(t, func(t *testing.T, l *lima) {
		limactl := copyLima(t, l.version)
		runAgentService(t, l, "--keep-logs")
		embed := func(cmd string) {
			t.Helper()
			began := time.Now()
			r := l.run(bare, os.Getenv("LOGKEEP_EMBEDDER"), "-limactl", limactl, cmd, "vm")
			require.Equal(t, 0, r.status, "%s", r)
			timed(t, "embedder "+cmd, began)
		}
		l.must(l.run(bare, limactl, "--tty=false", "create", "--name=vm", os.Getenv("LOGKEEP_TINY_YAML")))
		dir := filepath.Join(l.home, "vm")
		var markers []string
		for i := range 3 {
			if i > 0 {
				embed("stop")
			}
			haStderr, _ := os.ReadFile(filepath.Join(dir, "ha.stderr.log"))
			embed("start")
			require.Equal(t, "Running", l.status("vm"))
			markers = append(markers, marker(t, filepath.Join(dir, "serial.log")))
			if i > 0 {
				kept(t, dir, i, markers[i-1], string(haStderr))
			}
		}
		embed("delete")
		set := waitPreserved(t, l, "vm")
		for i, m := range markers[:2] {
			assert.Equal(t, m, marker(t, filepath.Join(set, "serial."+itoa(i+1)+".log")), "boot %d", i+1)
		}
		assert.Equal(t, markers[2], marker(t, filepath.Join(set, "serial.log")))
		ha, err := os.ReadFile(filepath.Join(set, "ha.stderr.log"))
		require.NoError(t, err)
		assert.True(t, bytes.Contains(ha, []byte("level")), "the last boot's host agent log is kept")
	})
}
