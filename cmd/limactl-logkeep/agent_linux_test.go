// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
)

func TestAgentBadInputIsOneLine(t *testing.T) {
	home := t.TempDir()
	for _, c := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"agent", "--lima-home", filepath.Join(home, "nope")}, 1, filepath.Join(home, "nope") + " does not exist"},
		{[]string{"agent", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--max-backups=0", "agent", "--lima-home", home}, 2, "--max-backups"},
		{[]string{"--logs-dir", "/dev/shm/lk-nope", "agent", "--lima-home", home}, 1, "another filesystem"},
		{[]string{"agent", "install", "--lima-home", filepath.Join(home, "nope")}, 1, "does not exist"},
	} {
		r := run(t, map[string]string{"XDG_CONFIG_HOME": t.TempDir()}, c.args...)
		assert.Equal(t, c.status, r.status, "%q: %s", c.args, r.stderr)
		assert.Contains(t, r.stderr, c.want, "%q", c.args)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "%q: one line: %s", c.args, r.stderr)
	}
	assert.Empty(t, testutil.DirNames(t, home), "nothing touched")
}

// The agent runs, keeps a boot, says so in status, and stops on SIGTERM; install without
// enabling writes the unit status then reports, and uninstall removes it.
func TestAgentRunStatusInstall(t *testing.T) {
	home := t.TempDir()
	config := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": config}
	vm := instance(t, home, "vm", map[string]string{"serial.log": "boot 1\n", "ha.stdout.log": "{}\n"})

	r := run(t, env, "agent", "status", "--lima-home", home)
	assert.Equal(t, 1, r.status)
	assert.Contains(t, r.stdout, "service: not installed")
	assert.Contains(t, r.stdout, home+": not watched: no agent has watched it")

	cmd := program(t, env, "agent", "--lima-home", home)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitLine := func(want string) {
		t.Helper()
		for {
			select {
			case l, ok := <-lines:
				require.True(t, ok, "the agent ended before %q", want)
				if strings.Contains(l, want) {
					return
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("no %q from the agent", want)
			}
		}
	}
	waitLine("Watching 1 instances")
	// A start: Lima removes ha.stdout.log and makes it again.
	require.NoError(t, os.Remove(filepath.Join(vm, "ha.stdout.log")))
	require.NoError(t, os.WriteFile(filepath.Join(vm, "ha.stdout.log"), nil, 0o644))
	waitLine("as generation 1")
	assert.Equal(t, "boot 1\n", read(t, filepath.Join(vm, "serial.1.log")))
	assert.Equal(t, "{}\n", read(t, filepath.Join(vm, "ha.stdout.1.log")))

	r = run(t, env, "agent", "status", "--lima-home", home)
	assert.Equal(t, 0, r.status, r.stderr)
	assert.Contains(t, r.stdout, home+": watched by the agent (pid ")
	assert.Contains(t, r.stdout, `1 instances (vm); last kept `)
	assert.Contains(t, r.stdout, `(boot of instance "vm" as generation 1)`)

	r = run(t, env, "agent", "--lima-home", home)
	assert.Equal(t, 1, r.status)
	assert.Contains(t, r.stderr, "another agent already watches Lima home "+home)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "SIGTERM ends the agent with status 0")

	r = run(t, env, "--keep-logs", "agent", "install", "--no-enable", "--lima-home", home)
	require.Equal(t, 0, r.status, r.stderr)
	unit := filepath.Join(config, "systemd", "user", "limactl-logkeep-agent.service")
	assert.Contains(t, r.stdout, unit)
	assert.Contains(t, read(t, unit), `"--keep-logs" "agent" "--lima-home=`+home+`"`)
	r = run(t, env, "agent", "status")
	assert.Equal(t, 1, r.status, "installed, not running")
	assert.Contains(t, r.stdout, "service: installed ("+unit+")")
	assert.Contains(t, r.stdout, home+": not watched: the agent (pid ")

	r = run(t, env, "agent", "install", "--lima-home", home)
	assert.Equal(t, 1, r.status, "no systemd user manager runs here")
	assert.Contains(t, r.stdout, "Wrote "+unit)
	assert.Contains(t, r.stderr, "the service is installed but not enabled: `systemctl --user daemon-reload` failed")
	assert.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)

	r = run(t, env, "agent", "uninstall")
	assert.Equal(t, 0, r.status, r.stderr)
	assert.Contains(t, r.stdout, "Removed the agent's service "+unit)
	assert.NoFileExists(t, unit)
}
