// SPDX-FileCopyrightText: Copyright The limactl-logkeep Authors
// SPDX-License-Identifier: Apache-2.0

package hooks

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"github.com/lima-vm/lima/v2/pkg/autostart/launchd"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"limactl-logkeep/internal/testutil"
	"limactl-logkeep/limaadapter"
)

// limaEntry renders Lima v2.2.0's start-at-login template tmpl for the
// instance name as Lima's RegisterToStartAtLogin does, and writes it at path.
func limaEntry(t *testing.T, tmpl, path, limactl, name string) []byte {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, template.Must(template.New("").Parse(tmpl)).Execute(&out,
		map[string]string{"Binary": limactl, "Instance": name, "WorkDir": filepath.Join(os.Getenv("LIMA_HOME"), name)}))
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))
	return out.Bytes()
}

func limaUnitTemplate(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "limaadapter", "testdata", "autostart", "lima-vm@INSTANCE.service"))
	require.NoError(t, err)
	return string(b)
}

// systemdFixture is a fixture with XDG_CONFIG_HOME in a temporary directory
// and Lima's unit of vm1 registered there.
func systemdFixture(t *testing.T) (*fixture, string, []byte) {
	t.Helper()
	fx := newFixture(t)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(t.TempDir(), "config"))
	unit, err := limaadapter.SystemdUnitPath("vm1", os.Getenv)
	require.NoError(t, err)
	return fx, unit, limaEntry(t, limaUnitTemplate(t), unit, "/opt/lima/bin/limactl", "vm1")
}

func TestKeepServiceBootsSystemd(t *testing.T) {
	fx, unit, limas := systemdFixture(t)
	s := ServiceBoots{Manager: Systemd, Logkeep: "/opt/logkeep dir/limactl-logkeep"}
	fx.hooks.MaxBackups, fx.hooks.KeepLogs = 3, true

	path, err := fx.hooks.KeepServiceBoots("vm1", s)
	require.NoError(t, err)
	assert.Equal(t, unit+".d/limactl-logkeep.conf", path)
	assert.Equal(t, string(limas), readFile(t, unit), "Lima's unit is never edited")
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
	got := readFile(t, path)
	assert.Contains(t, got, "\n[Service]\nEnvironment=\"LIMA_HOME="+fx.home+"\"\n")
	assert.Contains(t, got, "\nExecStartPre=\"/opt/logkeep dir/limactl-logkeep\" \"--limactl=/opt/lima/bin/limactl\" \"--max-backups=3\" \"--keep-logs\" start-at-login --before-boot vm1\n")

	st, err := fx.hooks.ServiceBootsStatus("vm1", s)
	require.NoError(t, err)
	assert.Equal(t, StartAtLoginStatus{Entry: unit, Registered: true, Kept: path, Present: true, Current: true}, st)
	fx.hooks.MaxBackups = 5
	st, err = fx.hooks.ServiceBootsStatus("vm1", s)
	require.NoError(t, err)
	assert.True(t, st.Present)
	assert.False(t, st.Current, "other settings than the drop-in's")

	other := filepath.Join(filepath.Dir(path), "other.conf")
	require.NoError(t, os.WriteFile(other, []byte("[Service]\n"), 0o644))
	removed, err := fx.hooks.ForgetServiceBoots("vm1", s)
	require.NoError(t, err)
	assert.Equal(t, path, removed)
	assert.NoFileExists(t, path)
	assert.FileExists(t, other, "another drop-in stays, and so does its directory")
	require.NoError(t, os.Remove(other))
	_, err = fx.hooks.KeepServiceBoots("vm1", s)
	require.NoError(t, err)
	_, err = fx.hooks.ForgetServiceBoots("vm1", s)
	require.NoError(t, err)
	assert.NoDirExists(t, filepath.Dir(path), "the drop-in directory goes when empty")
	assert.Equal(t, string(limas), readFile(t, unit))
	removed, err = fx.hooks.ForgetServiceBoots("vm1", s)
	require.NoError(t, err)
	assert.Empty(t, removed, "nothing left to undo")
}

func TestKeepServiceBootsNeedsLimasEntry(t *testing.T) {
	fx, _, _ := systemdFixture(t)
	for _, s := range []ServiceBoots{{Manager: Systemd, Logkeep: "/lk"}, {Manager: Launchd, Logkeep: "/lk"}} {
		t.Setenv("HOME", t.TempDir())
		_, err := fx.hooks.KeepServiceBoots("vm2", s)
		assert.ErrorIs(t, err, ErrNotRegistered, s.Manager)
		assert.ErrorContains(t, err, "limactl start-at-login vm2")
		st, err := fx.hooks.ServiceBootsStatus("vm2", s)
		require.NoError(t, err)
		assert.False(t, st.Registered || st.Present || st.Current)
	}
	_, err := fx.hooks.KeepServiceBoots("vm1", ServiceBoots{Manager: Systemd, Logkeep: "limactl-logkeep"})
	assert.ErrorContains(t, err, "absolute")
	_, err = fx.hooks.KeepServiceBoots("../vm1", ServiceBoots{Manager: Systemd, Logkeep: "/lk"})
	assert.ErrorContains(t, err, "invalid instance name")
}

// TestDropInPassesSystemdAnalyzeVerify: Lima's unit with the drop-in passes
// `systemd-analyze verify`, with a program path that needs quoting and
// escaping; without the program it fails (so the drop-in is really read).
func TestDropInPassesSystemdAnalyzeVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		testutil.MissingPrerequisite(t, "systemd-analyze (Debian's systemd package): the drop-in is not verified")
	}
	fx := newFixture(t)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(t.TempDir(), "config"))
	bin := filepath.Join(t.TempDir(), "bin 100% $HOME")
	require.NoError(t, os.MkdirAll(bin, 0o755))
	// Lima's unit does not quote its limactl: a plain path
	logkeep, limactl := filepath.Join(bin, "limactl-logkeep"), filepath.Join(t.TempDir(), "limactl")
	for _, program := range []string{logkeep, limactl} {
		require.NoError(t, os.WriteFile(program, []byte("#!/bin/sh\nexit 0\n"), 0o755))
	}
	unit, err := limaadapter.SystemdUnitPath("vm1", os.Getenv)
	require.NoError(t, err)
	limaEntry(t, limaUnitTemplate(t), unit, limactl, "vm1")
	_, err = fx.hooks.KeepServiceBoots("vm1", ServiceBoots{Manager: Systemd, Logkeep: logkeep})
	require.NoError(t, err)

	verify := func() (string, error) {
		runtime := t.TempDir() // the user manager wants a runtime directory; none runs here
		cmd := exec.Command(analyze, "verify", "--man=no", "--user", limaadapter.SystemdUnitName("vm1"))
		cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+runtime)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := verify()
	require.NoError(t, err, "systemd-analyze verify: %s", out)
	require.NoError(t, os.Remove(logkeep))
	out, err = verify()
	require.Error(t, err, "a missing ExecStartPre program must fail: %s", out)
	assert.Contains(t, out, logkeep)
}

func TestKeepServiceBootsLaunchd(t *testing.T) {
	fx := newFixture(t)
	t.Setenv("HOME", t.TempDir())
	plist, err := limaadapter.LaunchdPlistPath("vm1", os.Getenv)
	require.NoError(t, err)
	limas := limaEntry(t, launchd.Template, plist, "/opt/homebrew/bin/limactl", "vm1")
	s := ServiceBoots{Manager: Launchd, Logkeep: "/usr/local/bin/limactl-logkeep"}

	path, err := fx.hooks.KeepServiceBoots("vm1", s)
	require.NoError(t, err)
	assert.Equal(t, plist, path)
	prog, err := limaadapter.ParseLaunchdProgram([]byte(readFile(t, plist)))
	require.NoError(t, err)
	assert.Equal(t, limaadapter.LaunchdProgram{Limactl: "/opt/homebrew/bin/limactl", Instance: "vm1", Logkeep: s.Logkeep, Options: []string{"--max-backups=5"}}, prog)
	st, err := fx.hooks.ServiceBootsStatus("vm1", s)
	require.NoError(t, err)
	assert.Equal(t, StartAtLoginStatus{Entry: plist, Registered: true, Kept: plist, Present: true, Current: true}, st)

	removed, err := fx.hooks.ForgetServiceBoots("vm1", s)
	require.NoError(t, err)
	assert.Equal(t, plist, removed)
	// The plist is written canonically (limaadapter.LaunchdThroughLogkeep): Lima's,
	// keys sorted.
	canonical, err := limaadapter.LaunchdThroughLogkeep(limas, "", nil)
	require.NoError(t, err)
	assert.Equal(t, string(canonical), readFile(t, plist), "Lima's ProgramArguments back, every other key as Lima wrote it")
	prog, err = limaadapter.ParseLaunchdProgram([]byte(readFile(t, plist)))
	require.NoError(t, err)
	assert.Equal(t, limaadapter.LaunchdProgram{Limactl: "/opt/homebrew/bin/limactl", Instance: "vm1"}, prog)
	st, err = fx.hooks.ServiceBootsStatus("vm1", s)
	require.NoError(t, err)
	assert.True(t, st.Registered)
	assert.False(t, st.Present)
}

func TestRotateBeforeBoot(t *testing.T) {
	fx := newFixture(t)
	dir := fx.instance(t, "vm1", limaadapter.StatusStopped, map[string]string{"serial.log": "boot 1"})
	ctx := context.Background()

	require.NoError(t, fx.hooks.RotateBeforeBoot(ctx, "vm1"))
	assert.Equal(t, "boot 1", readFile(t, filepath.Join(dir, "serial.1.log")))
	require.NoError(t, fx.hooks.RotateBeforeBoot(ctx, "vm1"), "nothing to rotate is a success")
	assert.NoFileExists(t, filepath.Join(dir, "serial.2.log"))

	require.NoError(t, os.WriteFile(filepath.Join(dir, "serial.log"), []byte("boot 2"), 0o644))
	fx.lima.status["vm1"] = limaadapter.StatusRunning
	assert.ErrorIs(t, fx.hooks.RotateBeforeBoot(ctx, "vm1"), ErrRunning)
	assert.Equal(t, "boot 2", readFile(t, filepath.Join(dir, "serial.log")))
	err := fx.hooks.RotateBeforeBoot(ctx, "vm9")
	assert.ErrorIs(t, err, limaadapter.ErrNoInstance)
	assert.ErrorIs(t, err, ErrNotStarted)
	assert.ErrorContains(t, err, `instance not started: failed to rotate the logs of instance "vm9": instance does not exist`)
}

// Deleting through the wrapper removes the drop-in, only once limactl's delete
// has removed the instance.
func TestDeleteRemovesDropIn(t *testing.T) {
	fx, _, _ := systemdFixture(t)
	dir := fx.instance(t, "vm1", limaadapter.StatusStopped, nil)
	dropIn, err := fx.hooks.KeepServiceBoots("vm1", ServiceBoots{Manager: Systemd, Logkeep: "/lk"})
	require.NoError(t, err)

	fx.lima.runStatus = 1 // limactl refuses: the instance stays, and so does the drop-in
	status, err := fx.hooks.Wrap(context.Background(), []string{"delete", "vm1"})
	require.NoError(t, err)
	assert.Equal(t, 1, status)
	assert.FileExists(t, dropIn)

	fx.lima.runStatus = 0
	fx.lima.onRun = func([]string) { require.NoError(t, os.RemoveAll(dir)) }
	status, err = fx.hooks.Wrap(context.Background(), []string{"delete", "vm1"})
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	assert.NoFileExists(t, dropIn)
	assert.Equal(t, [][]string{{"delete", "vm1"}, {"delete", "vm1"}}, fx.lima.runs)
	assert.Empty(t, fx.lima.execs)

	fx.instance(t, "vm2", limaadapter.StatusStopped, nil)
	_, err = fx.hooks.Wrap(context.Background(), []string{"delete", "vm2"})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"delete", "vm2"}}, fx.lima.execs, "without a drop-in, limactl replaces the wrapper as before")
}

func TestStartAtLoginHint(t *testing.T) {
	fx, _, _ := systemdFixture(t)
	var log bytes.Buffer
	logger := logrus.New()
	logger.SetOutput(&log)
	fx.hooks.Log = logger
	for _, tc := range []struct {
		line  []string
		hints bool
	}{
		{[]string{"start-at-login", "vm1"}, true},
		{[]string{"autostart", "enable", "--condition", "login", "vm1"}, true},
		{[]string{"start-at-login", "--enabled=false", "vm1"}, false},
		{[]string{"start-at-login", "--enabled=0", "vm1"}, false},
		{[]string{"start-at-login", "--enabled=f", "vm1"}, false},
		{[]string{"start-at-login", "--enabled=False", "vm1"}, false},
		{[]string{"autostart", "disable", "vm1"}, false},
		{[]string{"autostart", "enable", "--condition=boot", "vm1"}, false}, // a boot daemon (macOS), or refused
		{[]string{"start-at-login", "--help"}, false},
	} {
		log.Reset()
		_, err := fx.hooks.Wrap(context.Background(), tc.line)
		require.NoError(t, err)
		assert.Equal(t, tc.line, fx.lima.execs[len(fx.lima.execs)-1], "limactl's line, unchanged")
		assert.Equal(t, tc.hints, strings.Contains(log.String(), "limactl logkeep start-at-login vm1"), "%q: %s", tc.line, log.String())
	}
	_, err := fx.hooks.KeepServiceBoots("vm1", ServiceBoots{Manager: Systemd, Logkeep: "/lk"})
	require.NoError(t, err)
	log.Reset()
	_, err = fx.hooks.Wrap(context.Background(), []string{"start-at-login", "vm1"})
	require.NoError(t, err)
	assert.Empty(t, log.String(), "already kept: no hint")
}

// Forgetting under launchd changes nothing when there is nothing to undo: no
// agent at all, or Lima's own agent that does not go through limactl-logkeep.
func TestForgetServiceBootsLaunchdNothingToUndo(t *testing.T) {
	fx := newFixture(t)
	t.Setenv("HOME", t.TempDir())
	s := ServiceBoots{Manager: Launchd, Logkeep: "/usr/local/bin/limactl-logkeep"}

	path, err := fx.hooks.ForgetServiceBoots("vm1", s)
	require.NoError(t, err)
	assert.Empty(t, path)

	plist, err := limaadapter.LaunchdPlistPath("vm1", os.Getenv)
	require.NoError(t, err)
	limas := limaEntry(t, launchd.Template, plist, "/opt/homebrew/bin/limactl", "vm1")
	path, err = fx.hooks.ForgetServiceBoots("vm1", s)
	require.NoError(t, err)
	assert.Empty(t, path)
	assert.Equal(t, string(limas), readFile(t, plist), "Lima's agent is left as it is")
}

func TestKeepServiceBootsNeedsAnAbsoluteProgram(t *testing.T) {
	fx, unit, _ := systemdFixture(t)
	_, err := fx.hooks.KeepServiceBoots("vm1", ServiceBoots{Manager: Systemd, Logkeep: "limactl-logkeep"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"limactl-logkeep"`)
	assert.NoDirExists(t, unit+".d", "nothing is written")
}

func TestServiceBootsStatusNotRegistered(t *testing.T) {
	fx := newFixture(t)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(t.TempDir(), "config"))
	st, err := fx.hooks.ServiceBootsStatus("vm1", ServiceBoots{Manager: Systemd, Logkeep: "/lk"})
	require.NoError(t, err)
	assert.False(t, st.Registered)
	assert.False(t, st.Present)
	assert.False(t, st.Current)
	assert.Equal(t, filepath.Join(st.Entry+".d", limaadapter.DropInName), st.Kept)
}

// An agent that is not Lima's start-at-login agent is an error that names its plist.
func TestForgetServiceBootsLaunchdNamesAForeignPlist(t *testing.T) {
	fx := newFixture(t)
	t.Setenv("HOME", t.TempDir())
	plist, err := limaadapter.LaunchdPlistPath("vm1", os.Getenv)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(plist), 0o755))
	foreign := "<plist><dict><key>ProgramArguments</key><array><string>/bin/true</string></array></dict></plist>\n"
	require.NoError(t, os.WriteFile(plist, []byte(foreign), 0o644))

	path, err := fx.hooks.ForgetServiceBoots("vm1", ServiceBoots{Manager: Launchd, Logkeep: "/lk"})
	require.ErrorIs(t, err, limaadapter.ErrNotLimaPlist)
	assert.ErrorContains(t, err, plist+": ")
	assert.Empty(t, path)
	assert.Equal(t, foreign, readFile(t, plist), "left as it is")
}
