// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startAtLoginEnv is a LIMA_HOME with the stopped instance vm, whose serial.log
// holds "boot A", registered by Lima's start-at-login (Lima's systemd unit under
// XDG_CONFIG_HOME), and the stopped instance vm2, not registered. It returns the
// environment, vm's directory, Lima's unit and the drop-in's expected path.
func startAtLoginEnv(t *testing.T) (env map[string]string, dir, unit, dropIn string) {
	t.Helper()
	home, config := t.TempDir(), t.TempDir()
	dir = instance(t, home, "vm", map[string]string{"serial.log": "boot A\n"})
	instance(t, home, "vm2", nil)
	limactl, _ := fakeLimactl(t)
	tmpl, err := os.ReadFile(filepath.Join("..", "..", "limaadapter", "testdata", "autostart", "lima-vm@INSTANCE.service"))
	require.NoError(t, err)
	unit = filepath.Join(config, "systemd", "user", "lima-vm@vm.service")
	require.NoError(t, os.MkdirAll(filepath.Dir(unit), 0o755))
	require.NoError(t, os.WriteFile(unit, []byte(strings.ReplaceAll(string(tmpl), "{{.Binary}}", "/opt/lima/bin/limactl")), 0o644))
	env = map[string]string{"LIMA_HOME": home, "XDG_CONFIG_HOME": config, "LIMACTL": limactl}
	return env, dir, unit, filepath.Join(unit+".d", "limactl-logkeep.conf")
}

func TestStartAtLoginKeepStatusForget(t *testing.T) {
	env, _, unit, dropIn := startAtLoginEnv(t)
	limas := read(t, unit)

	r := run(t, env, "start-at-login", "--status", "vm")
	assert.Equal(t, 1, r.status, r.stderr)
	assert.Equal(t, "start-at-login: registered ("+unit+")\nboots kept: no: limactl logkeep start-at-login vm\n", r.stdout)

	r = run(t, env, "--keep-logs", "start-at-login", "vm")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Contains(t, r.stderr, dropIn)
	self, err := os.Executable()
	require.NoError(t, err)
	conf := read(t, dropIn)
	assert.Contains(t, conf, "\nEnvironment=\"LIMA_HOME="+env["LIMA_HOME"]+"\"\n")
	assert.Contains(t, conf, "\nExecStartPre=\""+self+"\" \"--limactl=/opt/lima/bin/limactl\" \"--max-backups=5\" \"--keep-logs\" start-at-login --before-boot vm\n")
	assert.Equal(t, limas, read(t, unit), "Lima's unit is never edited")

	r = run(t, env, "--keep-logs", "start-at-login", "--status", "vm")
	assert.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "start-at-login: registered ("+unit+")\nboots kept: yes ("+dropIn+")\n", r.stdout)

	r = run(t, env, "start-at-login", "--status", "vm")
	assert.Equal(t, 1, r.status, "other settings than the drop-in's")
	assert.Contains(t, r.stdout, "boots kept: yes, but not with this program and these settings ("+dropIn+")")

	r = run(t, env, "start-at-login", "--enabled=false", "vm")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Contains(t, r.stderr, dropIn)
	assert.NoFileExists(t, dropIn)
	assert.NoDirExists(t, filepath.Dir(dropIn))
	assert.Equal(t, limas, read(t, unit))

	r = run(t, env, "start-at-login", "--enabled=false", "vm")
	assert.Equal(t, 0, r.status, "nothing to undo is a success: %s", r.stderr)
	assert.Empty(t, r.stderr)
}

func TestStartAtLoginNeedsLimasEntry(t *testing.T) {
	env, _, _, _ := startAtLoginEnv(t)

	r := run(t, env, "start-at-login", "--status", "vm2")
	assert.Equal(t, 1, r.status)
	assert.Contains(t, r.stdout, "start-at-login: not registered (no ")
	assert.Contains(t, r.stdout, "limactl start-at-login vm2\n")

	r = run(t, env, "start-at-login", "vm2")
	assert.NotEqual(t, 0, r.status)
	assert.Contains(t, r.stderr, "limactl start-at-login vm2")
	assert.NoDirExists(t, filepath.Join(env["XDG_CONFIG_HOME"], "systemd", "user", "lima-vm@vm2.service.d"))
}

func TestStartAtLoginBadArguments(t *testing.T) {
	env, _, _, dropIn := startAtLoginEnv(t)
	for _, args := range [][]string{{"start-at-login"}, {"start-at-login", "vm", "vm2"}} {
		r := run(t, env, args...)
		assert.Equal(t, 2, r.status, "%q: %s", args, r.stderr)
		assert.Contains(t, r.stderr, "name exactly one instance", "%q", args)
	}
	for _, args := range [][]string{{"start-at-login", "../vm"}, {"start-at-login", "--enabled=false", "a/b"}} {
		r := run(t, env, args...)
		assert.Equal(t, 2, r.status, "%q: %s", args, r.stderr)
		assert.Contains(t, r.stderr, "invalid instance name", "%q", args)
	}
	r := run(t, env, "start-at-login", "--status", "-")
	assert.Equal(t, 2, r.status, r.stderr)
	assert.NoFileExists(t, dropIn)
}

func TestStartAtLoginBeforeBootRotates(t *testing.T) {
	env, dir, _, _ := startAtLoginEnv(t)

	r := run(t, env, "start-at-login", "--before-boot", "vm")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "boot A\n", read(t, filepath.Join(dir, "serial.1.log")))
	assert.NoFileExists(t, filepath.Join(dir, "serial.log"))

	r = run(t, env, "start-at-login", "--before-boot", "vm")
	assert.Equal(t, 0, r.status, "nothing to rotate is fine: %s", r.stderr)
	assert.NoFileExists(t, filepath.Join(dir, "serial.2.log"))

	r = run(t, env, "start-at-login", "--before-boot", "vm9")
	assert.NotEqual(t, 0, r.status)
	assert.Contains(t, r.stderr, "vm9")
}
